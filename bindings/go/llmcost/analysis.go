package llmcost

/*
#include <stdlib.h>
#include <llmcost.h>
*/
import "C"

import (
	"math/big"
	"unsafe"
)

// Diagnostic is a price-table load diagnostic: an entry or rate a loader
// skipped or changed, with the model key, the field ("" for the whole
// entry) and the library's message.
type Diagnostic struct {
	Key     string
	Field   string
	Message string
}

// Diagnostics lists the table's load diagnostics in load order.  A
// price book never gives any: its first bad line fails the load.
func (p *Prices) Diagnostics() ([]Diagnostic, error) {
	var out []Diagnostic
	err := p.with(func(t *C.llmcost_prices) C.int {
		n := int(C.llmcost_prices_diag_count(t))
		out = make([]Diagnostic, 0, n)
		for i := 0; i < n; i++ {
			var key, field, msg *C.char
			rc := C.llmcost_prices_diag(t, C.size_t(i), &key, &field,
				&msg)
			if rc < 0 {
				return rc
			}
			out = append(out, Diagnostic{Key: C.GoString(key),
				Field: C.GoString(field), Message: C.GoString(msg)})
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LintFinding is one mistake found by Lint.  Kind is the library's name
// ("bad_rate", "cache_read_dear", "cache_write_cheap",
// "write_1h_multiple", "scale", "output_cheap", "tier_order"), KindCode
// its Lint* value; Field is "" when none; Message gives the rates
// compared, in USD per million tokens.
type LintFinding struct {
	Kind     string
	KindCode int
	Key      string
	Field    string
	Message  string
}

// LintKindName is the library's name of a Lint* kind ("" if unknown).
func LintKindName(kind int) string {
	return C.GoString(C.llmcost_lint_kind_name(C.int(kind)))
}

// Lint checks the table for the mistakes found in public price tables
// and gives the findings in the library's stable order (none for a
// clean table).  Unusable rates among the load diagnostics are
// "bad_rate" findings.
func (p *Prices) Lint() ([]LintFinding, error) {
	var out []LintFinding
	err := p.with(func(t *C.llmcost_prices) C.int {
		var l *C.llmcost_lint
		if rc := C.llmcost_prices_lint(t, &l); rc < 0 {
			return rc
		}
		defer C.llmcost_lint_free(l)
		n := int(C.llmcost_lint_count(l))
		out = make([]LintFinding, 0, n)
		for i := 0; i < n; i++ {
			var kind C.int
			var key, field, msg *C.char
			rc := C.llmcost_lint_finding(l, C.size_t(i), &kind, &key,
				&field, &msg)
			if rc < 0 {
				return rc
			}
			out = append(out, LintFinding{Kind: LintKindName(int(kind)),
				KindCode: int(kind), Key: C.GoString(key),
				Field: C.GoString(field), Message: C.GoString(msg)})
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GroupingInfo describes one grouping of a snapshot, in the snapshot's
// canonical order (Index).
type GroupingInfo struct {
	Index            int
	Dims             []string
	Bucket           string
	MaxGroups        uint64 // cap; 0: none
	HeavyHitters     uint32 // space-saving counters; 0: none
	Groups           uint64 // overflow groups included
	OverflowGroups   uint64
	OverflowRequests int64 // requests past the cap
	OverflowCost     Money // their priced cost
}

func dimsOf(mask uint32) []string {
	var out []string
	for d := 0; d < DimCount; d++ {
		if mask&(1<<d) != 0 {
			out = append(out, dimName(d))
		}
	}
	return out
}

func bucketName(b int) string {
	return C.GoString(C.llmcost_bucket_name(C.int(b)))
}

// Groupings describes every grouping of the snapshot.
func (s *Snapshot) Groupings() ([]GroupingInfo, error) {
	p, err := s.ptr()
	if err != nil {
		return nil, err
	}
	n := int(C.llmcost_snapshot_grouping_count(p))
	out := make([]GroupingInfo, 0, n)
	var info C.llmcost_grouping_info
	for i := 0; i < n; i++ {
		C.llmcost_grouping_info_init(&info)
		if err := call(func() C.int {
			return C.llmcost_snapshot_grouping(p, C.size_t(i), &info)
		}); err != nil {
			return nil, err
		}
		out = append(out, GroupingInfo{Index: i,
			Dims:             dimsOf(uint32(info.dims)),
			Bucket:           bucketName(int(info.bucket)),
			MaxGroups:        uint64(info.max_groups),
			HeavyHitters:     uint32(info.heavy_hitters),
			Groups:           uint64(info.groups),
			OverflowGroups:   uint64(info.overflow_groups),
			OverflowRequests: int64(info.overflow_requests),
			OverflowCost:     moneyOf(info.overflow_cost)})
	}
	return out, nil
}

// HeavyHitter is one key of a grouping ranked by priced cost, time
// buckets summed.  Its true cost lies in [CostLow, CostHigh]; Exact when
// they are equal.
type HeavyHitter struct {
	Keys     map[string]string // by dimension name
	CostLow  Money
	CostHigh Money
	Exact    bool
}

// Spread is CostHigh - CostLow in US dollars: how far CostHigh may be
// above the true cost.
func (h HeavyHitter) Spread() *big.Rat {
	return new(big.Rat).Sub(h.CostHigh.Rat(), h.CostLow.Rat())
}

// HeavyHitters is the answer of Snapshot.HeavyHitters: the keys with the
// highest priced cost, highest first, and a bound on the true cost of
// any key not listed.
type HeavyHitters struct {
	Grouping      int
	Dims          []string
	Hitters       []HeavyHitter
	UnlistedBound Money
}

// HeavyHitters lists the keys of grouping number grouping (as in
// Groupings) with the highest priced cost: at most limit of them, or
// every key the snapshot can name when limit is negative.  Past the
// grouping's cap the costs are intervals from its space-saving counters
// (docs/snapshot.md).  ErrNotFound for no such grouping.
func (s *Snapshot) HeavyHitters(grouping, limit int) (*HeavyHitters,
	error) {
	p, err := s.ptr()
	if err != nil {
		return nil, err
	}
	var info C.llmcost_grouping_info
	C.llmcost_grouping_info_init(&info)
	if err := call(func() C.int {
		return C.llmcost_snapshot_grouping(p, C.size_t(grouping), &info)
	}); err != nil {
		return nil, err
	}
	if limit < 0 {
		// A key has a group or a counter: no more keys than both.
		limit = int(info.groups) + int(info.heavy_hitters)
	}
	arr := make([]C.llmcost_heavy, limit+1)
	for i := range arr {
		C.llmcost_heavy_init(&arr[i])
	}
	var count C.size_t
	var unlisted C.llmcost_money
	if err := call(func() C.int {
		return C.llmcost_snapshot_heavy(p, C.size_t(grouping), &arr[0],
			C.size_t(limit), &count, &unlisted)
	}); err != nil {
		return nil, err
	}
	dims := dimsOf(uint32(info.dims))
	out := &HeavyHitters{Grouping: grouping, Dims: dims,
		Hitters:       make([]HeavyHitter, 0, int(count)),
		UnlistedBound: moneyOf(unlisted)}
	for _, h := range arr[:count] {
		hh := HeavyHitter{Keys: map[string]string{},
			CostLow: moneyOf(h.cost_low), CostHigh: moneyOf(h.cost_high),
			Exact: h.exact != 0}
		for d := 0; d < DimCount; d++ {
			if info.dims&(1<<d) != 0 {
				hh.Keys[dimName(d)] = C.GoString(h.key[d])
			}
		}
		out.Hitters = append(out.Hitters, hh)
	}
	return out, nil
}

// Metrics a group keeps quantile sketches of, for Quantile.
const (
	MetricInputTokens = MInputTokens
	MetricLatencyMs   = MLatencyMs
)

// Quantile reads the nearest-rank quantile of a metric (MetricInputTokens
// or MetricLatencyMs) over group number index's records (Group.Index of
// Groups), permyriad in ten-thousandths (5000: median, 9500: p95,
// 10000: the largest).  It is within 1/SketchErrorDiv of the exact
// quantile; values below 64 are exact.  ErrNotFound for no such group or
// a group without records, ErrInvalid for an unknown metric or a
// permyriad above 10000.
func (s *Snapshot) Quantile(index, metric int, permyriad uint32) (int64,
	error) {
	p, err := s.ptr()
	if err != nil {
		return 0, err
	}
	var out C.int64_t
	err = call(func() C.int {
		return C.llmcost_snapshot_quantile(p, C.size_t(index),
			C.int(metric), C.uint32_t(permyriad), &out)
	})
	return int64(out), err
}

// LoadSnapshotFile reads a snapshot file, binary or JSON.
func LoadSnapshotFile(path string) (*Snapshot, error) {
	cs, err := cPath(path)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var p *C.llmcost_snapshot
	if err := call(func() C.int {
		return C.llmcost_snapshot_load_file(&p, cs)
	}); err != nil {
		return nil, err
	}
	return wrapSnapshot(p), nil
}

// SaveFile writes the snapshot to path in a format (SnapshotBinary or
// SnapshotJson), replacing the file whole.
func (s *Snapshot) SaveFile(path string, format int) error {
	p, err := s.ptr()
	if err != nil {
		return err
	}
	cs, err := cPath(path)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	return call(func() C.int {
		return C.llmcost_snapshot_save_file(p, C.int(format), cs)
	})
}
