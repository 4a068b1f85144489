package llmcost

/*
#include <stdlib.h>
#include <llmcost.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Grouping describes one way a rollup groups requests.
type Grouping struct {
	Dims         []string // "team", "user", "feature", "model", ...
	Bucket       string   // "", "none", "hour", "day", "week", "month"
	MaxGroups    uint64   // cap on groups; 0: none
	HeavyHitters uint32   // space-saving counters past the cap
}

// Group is one group of a rollup or snapshot.
type Group struct {
	Grouping         int
	Overflow         bool
	Keys             map[string]string // by dimension name
	BucketStartMs    int64             // TimeUnknown without a bucket
	Records          int64
	Requests         int64
	PricedRequests   int64
	UnpricedRequests int64
	Tokens           map[string]int64
	Errors           int64
	Total            Money
	ContractedCost   Money
	EffectiveCost    Money
	Components       [CCount]Money
	// Index is the group's number in its rollup or snapshot; a
	// snapshot's numbers are the ones Snapshot.Quantile takes.
	Index int
	// Nearest-rank quantiles of the group's records, within
	// 1/SketchErrorDiv; -1 for a group without records.
	InputTokensP50 int64
	InputTokensP95 int64
	LatencyP50Ms   int64
	LatencyP95Ms   int64
}

var tokenNames = []string{"input", "output", "cached", "cache_write_5m",
	"cache_write_1h", "reasoning"}

func dimName(d int) string { return C.GoString(C.llmcost_dim_name(C.int(d))) }

func dimsMask(dims []string) (uint32, error) {
	var mask uint32
	for _, name := range dims {
		d := 0
		for ; d < DimCount && dimName(d) != name; d++ {
		}
		if d == DimCount {
			return 0, &Error{Code: StatusEInvalid, Name: statusName(
				StatusEInvalid), Detail: "unknown dimension " + name}
		}
		mask |= 1 << d
	}
	return mask, nil
}

func bucketOf(name string) (int, error) {
	if name == "" {
		return BucketNone, nil
	}
	for b := 0; b < BucketCount; b++ {
		if C.GoString(C.llmcost_bucket_name(C.int(b))) == name {
			return b, nil
		}
	}
	return 0, &Error{Code: StatusEInvalid, Name: statusName(StatusEInvalid),
		Detail: "unknown bucket " + name}
}

// Rollup accumulates requests into groups; Add and Stamp are safe from
// many goroutines, and reads may run alongside them.
type Rollup struct {
	h    handle
	dims []uint32
}

// NewRollup makes a rollup with the given groupings; none gives the
// default (team, user, feature, model by UTC day).
func NewRollup(groupings ...Grouping) (*Rollup, error) {
	var p *C.llmcost_rollup
	r := &Rollup{}
	if len(groupings) == 0 {
		r.dims = []uint32{DimsDefault}
		if err := call(func() C.int {
			return C.llmcost_rollup_new(&p)
		}); err != nil {
			return nil, err
		}
	} else if err := r.newWith(groupings, &p); err != nil {
		return nil, err
	}
	r.h.ptr = unsafe.Pointer(p)
	runtime.SetFinalizer(r, (*Rollup).Close)
	return r, nil
}

func (r *Rollup) newWith(gs []Grouping, p **C.llmcost_rollup) error {
	var opts C.llmcost_rollup_options
	C.llmcost_rollup_options_init(&opts)
	for _, g := range gs {
		mask, err := dimsMask(g.Dims)
		if err != nil {
			return err
		}
		b, err := bucketOf(g.Bucket)
		if err != nil {
			return err
		}
		if err := call(func() C.int {
			return C.llmcost_rollup_options_add(&opts, C.uint32_t(mask),
				C.int(b), C.uint64_t(g.MaxGroups),
				C.uint32_t(g.HeavyHitters))
		}); err != nil {
			return err
		}
		r.dims = append(r.dims, mask)
	}
	return call(func() C.int { return C.llmcost_rollup_new_with(p, &opts) })
}

// Close releases the rollup; later calls are no-ops.
func (r *Rollup) Close() error {
	r.h.close(func(ptr unsafe.Pointer) {
		C.llmcost_rollup_free((*C.llmcost_rollup)(ptr))
	})
	return nil
}

func (r *Rollup) add(rec *C.llmcost_record, cost *C.llmcost_cost) error {
	r.h.mu.RLock()
	defer r.h.mu.RUnlock()
	if r.h.ptr == nil {
		return ErrClosed
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := C.llmcost_rollup_add((*C.llmcost_rollup)(r.h.ptr), rec, cost)
	if rc < 0 {
		return lastError(rc)
	}
	return nil
}

func groupOf(g *C.llmcost_group, mask uint32) Group {
	out := Group{Grouping: int(g.grouping),
		Overflow:         g.flags&C.LLMCOST_GROUP_OVERFLOW != 0,
		Keys:             map[string]string{},
		Tokens:           map[string]int64{},
		BucketStartMs:    int64(g.bucket_start_ms),
		Records:          int64(g.records),
		Requests:         int64(g.requests),
		PricedRequests:   int64(g.priced_requests),
		UnpricedRequests: int64(g.unpriced_requests),
		Errors:           int64(g.errors),
		Total:            moneyOf(g.total),
		ContractedCost:   moneyOf(g.contracted_cost),
		EffectiveCost:    moneyOf(g.effective_cost),
		InputTokensP50:   int64(g.input_tokens_p50),
		InputTokensP95:   int64(g.input_tokens_p95),
		LatencyP50Ms:     int64(g.latency_p50_ms),
		LatencyP95Ms:     int64(g.latency_p95_ms)}
	for d := 0; d < DimCount; d++ {
		if mask&(1<<d) != 0 {
			out.Keys[dimName(d)] = C.GoString(g.key[d])
		}
	}
	for i, name := range tokenNames {
		out.Tokens[name] = int64(g.tokens[i])
	}
	for i := 0; i < CCount; i++ {
		out.Components[i] = moneyOf(g.component[i])
	}
	return out
}

// Groups reads every group.
func (r *Rollup) Groups() ([]Group, error) {
	r.h.mu.RLock()
	defer r.h.mu.RUnlock()
	if r.h.ptr == nil {
		return nil, ErrClosed
	}
	p := (*C.llmcost_rollup)(r.h.ptr)
	n := int(C.llmcost_rollup_count(p))
	out := make([]Group, 0, n)
	var g C.llmcost_group
	for i := 0; i < n; i++ {
		C.llmcost_group_init(&g)
		if err := call(func() C.int {
			return C.llmcost_rollup_group(p, C.size_t(i), &g)
		}); err != nil {
			return nil, err
		}
		grp := groupOf(&g, r.dims[g.grouping])
		grp.Index = i
		out = append(out, grp)
	}
	return out, nil
}

// Snapshot copies the rollup, while adds may go on.
func (r *Rollup) Snapshot() (*Snapshot, error) {
	r.h.mu.RLock()
	defer r.h.mu.RUnlock()
	if r.h.ptr == nil {
		return nil, ErrClosed
	}
	var p *C.llmcost_snapshot
	if err := call(func() C.int {
		return C.llmcost_rollup_snapshot((*C.llmcost_rollup)(r.h.ptr),
			&p)
	}); err != nil {
		return nil, err
	}
	return wrapSnapshot(p), nil
}

// Snapshot is a copy of a rollup to save, load and merge.  It is not
// locked: a Merge must not overlap other use of it.
type Snapshot struct{ h handle }

func wrapSnapshot(p *C.llmcost_snapshot) *Snapshot {
	s := &Snapshot{}
	s.h.ptr = unsafe.Pointer(p)
	runtime.SetFinalizer(s, (*Snapshot).Close)
	return s
}

// NewSnapshot returns an empty snapshot.
func NewSnapshot() (*Snapshot, error) {
	var p *C.llmcost_snapshot
	if err := call(func() C.int {
		return C.llmcost_snapshot_new(&p)
	}); err != nil {
		return nil, err
	}
	return wrapSnapshot(p), nil
}

// LoadSnapshot reads a snapshot, binary or JSON.
func LoadSnapshot(data []byte) (*Snapshot, error) {
	var p *C.llmcost_snapshot
	err := call(func() C.int {
		b, n := cbytes(data)
		return C.llmcost_snapshot_load(&p, unsafe.Pointer(b), n)
	})
	runtime.KeepAlive(data)
	if err != nil {
		return nil, err
	}
	return wrapSnapshot(p), nil
}

// Close releases the snapshot; later calls are no-ops.
func (s *Snapshot) Close() error {
	s.h.close(func(ptr unsafe.Pointer) {
		C.llmcost_snapshot_free((*C.llmcost_snapshot)(ptr))
	})
	return nil
}

func (s *Snapshot) ptr() (*C.llmcost_snapshot, error) {
	if s.h.ptr == nil {
		return nil, ErrClosed
	}
	return (*C.llmcost_snapshot)(s.h.ptr), nil
}

func (s *Snapshot) save(format int) ([]byte, error) {
	p, err := s.ptr()
	if err != nil {
		return nil, err
	}
	var need C.size_t
	rc := C.llmcost_snapshot_save(p, C.int(format), nil, 0, &need)
	if rc != C.LLMCOST_E_RANGE && rc < 0 {
		return nil, call(func() C.int { return rc })
	}
	buf := make([]byte, int(need)+1)
	err = call(func() C.int {
		return C.llmcost_snapshot_save(p, C.int(format),
			unsafe.Pointer(&buf[0]), C.size_t(len(buf)), &need)
	})
	return buf[:need], err
}

// Bytes gives the snapshot in the binary format.
func (s *Snapshot) Bytes() ([]byte, error) { return s.save(SnapshotBinary) }

// JSON gives the snapshot as JSON, for people and tools.
func (s *Snapshot) JSON() ([]byte, error) { return s.save(SnapshotJson) }

// Merge adds from into s.
func (s *Snapshot) Merge(from *Snapshot) error {
	p, err := s.ptr()
	if err != nil {
		return err
	}
	q, err := from.ptr()
	if err != nil {
		return err
	}
	return call(func() C.int { return C.llmcost_snapshot_merge(p, q) })
}

// Groups reads every group of the snapshot.
func (s *Snapshot) Groups() ([]Group, error) {
	p, err := s.ptr()
	if err != nil {
		return nil, err
	}
	var masks []uint32
	var info C.llmcost_grouping_info
	for i := 0; i < int(C.llmcost_snapshot_grouping_count(p)); i++ {
		C.llmcost_grouping_info_init(&info)
		if C.llmcost_snapshot_grouping(p, C.size_t(i), &info) < 0 {
			return nil, fmt.Errorf("llmcost: grouping %d", i)
		}
		masks = append(masks, uint32(info.dims))
	}
	n := int(C.llmcost_snapshot_count(p))
	out := make([]Group, 0, n)
	var g C.llmcost_group
	for i := 0; i < n; i++ {
		C.llmcost_group_init(&g)
		if err := call(func() C.int {
			return C.llmcost_snapshot_group(p, C.size_t(i), &g)
		}); err != nil {
			return nil, err
		}
		grp := groupOf(&g, masks[g.grouping])
		grp.Index = i
		out = append(out, grp)
	}
	return out, nil
}
