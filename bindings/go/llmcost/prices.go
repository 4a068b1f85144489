package llmcost

/*
#include <stdlib.h>
#include <string.h>
#include <llmcost.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// TimeUnknown marks a request whose time is not known.
const TimeUnknown = int64(-1 << 63)

// Prices is a price table.  Load it first; after that any number of
// goroutines may price with it at once.
type Prices struct {
	h    handle
	pool sync.Pool
}

func newPrices(fn func(**C.llmcost_prices) C.int) (*Prices, error) {
	var p *C.llmcost_prices
	if err := call(func() C.int { return fn(&p) }); err != nil {
		return nil, err
	}
	out := &Prices{}
	out.h.ptr = unsafe.Pointer(p)
	out.pool.New = func() any { return newStamper() }
	runtime.SetFinalizer(out, (*Prices).Close)
	return out, nil
}

// Open returns a table holding the price book built into the library.
func Open() (*Prices, error) {
	return newPrices(func(p **C.llmcost_prices) C.int {
		return C.llmcost_prices_new_default(p)
	})
}

// OpenEmpty returns an empty table, to fill with the Load methods.
func OpenEmpty() (*Prices, error) {
	return newPrices(func(p **C.llmcost_prices) C.int {
		return C.llmcost_prices_new(p)
	})
}

// OpenFile returns a table loaded from a price book or a LiteLLM JSON
// file.
func OpenFile(path string) (*Prices, error) {
	p, err := OpenEmpty()
	if err == nil {
		err = p.LoadFile(path, TimeUnknown)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Close releases the table; later calls are no-ops.
func (p *Prices) Close() error {
	p.h.close(func(ptr unsafe.Pointer) {
		C.llmcost_prices_free((*C.llmcost_prices)(ptr))
	})
	return nil
}

func (p *Prices) with(fn func(*C.llmcost_prices) C.int) error {
	p.h.mu.RLock()
	defer p.h.mu.RUnlock()
	if p.h.ptr == nil {
		return ErrClosed
	}
	return call(func() C.int { return fn((*C.llmcost_prices)(p.h.ptr)) })
}

// LoadFile loads a price book or LiteLLM JSON file; validFromMs dates
// a LiteLLM snapshot (TimeUnknown: always in force).
func (p *Prices) LoadFile(path string, validFromMs int64) error {
	cs, err := cPath(path)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	return p.with(func(t *C.llmcost_prices) C.int {
		return C.llmcost_prices_load_file(t, cs, C.int64_t(validFromMs))
	})
}

func cbytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// LoadBook loads a price book in libllmcost's text format.
func (p *Prices) LoadBook(text []byte) error {
	defer runtime.KeepAlive(text)
	return p.with(func(t *C.llmcost_prices) C.int {
		s, n := cbytes(text)
		return C.llmcost_prices_load_book(t, s, n)
	})
}

// LoadLiteLLM loads a table in LiteLLM's price table format.
func (p *Prices) LoadLiteLLM(json []byte, validFromMs int64) error {
	defer runtime.KeepAlive(json)
	return p.with(func(t *C.llmcost_prices) C.int {
		s, n := cbytes(json)
		return C.llmcost_prices_load_litellm(t, s, n,
			C.int64_t(validFromMs))
	})
}

// LoadContract loads negotiated terms (docs/contracts.md).
func (p *Prices) LoadContract(text []byte) error {
	defer runtime.KeepAlive(text)
	return p.with(func(t *C.llmcost_prices) C.int {
		s, n := cbytes(text)
		return C.llmcost_prices_load_contract(t, s, n)
	})
}

// Len is the number of model keys in the table.
func (p *Prices) Len() int {
	n := 0
	p.with(func(t *C.llmcost_prices) C.int {
		n = int(C.llmcost_prices_count(t))
		return 0
	})
	return n
}

// Request is one gateway request, in the library's token convention:
// InputTokens includes the three cache buckets, OutputTokens includes
// ReasoningTokens.  Empty strings are "not known".
type Request struct {
	TimestampMs     int64 // Unix ms, UTC; 0 or TimeUnknown: not known
	RequestID       string
	Team            string
	User            string
	Tenant          string
	Feature         string
	Environment     string
	Provider        string
	Model           string
	PromptVersion   string
	Workflow        string
	ServiceTier     string
	Region          string
	InputTokens     int64
	OutputTokens    int64
	CachedTokens    int64
	CacheWrite5m    int64
	CacheWrite1h    int64
	ReasoningTokens int64
	Requests        int64 // 0 means 1
	LatencyMs       int64
	WebSearches     int64
	StatusCode      int32
	Retries         int32
	Failed          bool
}

// Cost is the price of one request.  Status is StatusOk when priced,
// StatusEUnpriced or StatusENorate when not (then the amounts are 0).
type Cost struct {
	Status         int
	Flags          uint32
	Rule           uint32
	Total          Money
	ListCost       Money
	ContractedCost Money
	EffectiveCost  Money
	Components     [CCount]Money
	Units          [CCount]int64
	priceKey       *C.char
	note           [NoteSize]byte
}

// Priced reports whether the request was priced.
func (c *Cost) Priced() bool { return c.Status == StatusOk }

// PriceKey is the price-table key that matched, or "".
func (c *Cost) PriceKey() string { return C.GoString(c.priceKey) }

// Note says why a request was not priced or which fallback priced it.
func (c *Cost) Note() string {
	for i, b := range c.note {
		if b == 0 {
			return string(c.note[:i])
		}
	}
	return string(c.note[:])
}

// ComponentName names component number i ("input", "cache_read", ...).
func ComponentName(i int) string {
	return C.GoString(C.llmcost_component_name(C.int(i)))
}

// Stamper prices requests without any Go allocation per call: it owns C
// memory for the record, the cost and the request's strings.  One
// Stamper serves one goroutine at a time; Prices.Price pools them.
type Stamper struct {
	rec  *C.llmcost_record
	cost *C.llmcost_cost
	buf  *C.char
	cap  int
	used int
}

func newStamper() *Stamper {
	s := &Stamper{
		rec:  (*C.llmcost_record)(C.calloc(1, C.sizeof_llmcost_record)),
		cost: (*C.llmcost_cost)(C.calloc(1, C.sizeof_llmcost_cost)),
	}
	runtime.SetFinalizer(s, (*Stamper).free)
	return s
}

// NewStamper returns a Stamper for one goroutine's hot path.
func NewStamper() *Stamper { return newStamper() }

func (s *Stamper) free() {
	C.free(unsafe.Pointer(s.rec))
	C.free(unsafe.Pointer(s.cost))
	C.free(unsafe.Pointer(s.buf))
	s.rec, s.cost, s.buf = nil, nil, nil
}

// reserve makes room for n bytes of strings (C memory, so no Go
// allocation; it grows only for longer strings than seen before).
func (s *Stamper) reserve(n int) {
	if n <= s.cap {
		return
	}
	if n < 1024 {
		n = 1024
	}
	C.free(unsafe.Pointer(s.buf))
	s.buf = (*C.char)(C.malloc(C.size_t(n)))
	s.cap = n
}

func (s *Stamper) str(v string) *C.char {
	if v == "" {
		return nil
	}
	dst := unsafe.Add(unsafe.Pointer(s.buf), s.used)
	copy(unsafe.Slice((*byte)(dst), len(v)+1), v)
	*(*byte)(unsafe.Add(dst, len(v))) = 0
	s.used += len(v) + 1
	return (*C.char)(dst)
}

func (r *Request) strings() []*string {
	return []*string{&r.RequestID, &r.Team, &r.User, &r.Tenant,
		&r.Feature, &r.Environment, &r.Provider, &r.Model,
		&r.PromptVersion, &r.Workflow, &r.ServiceTier, &r.Region}
}

// checkStrings refuses a request whose strings C would cut short.
func (r *Request) checkStrings() error {
	names := []string{"RequestID", "Team", "User", "Tenant", "Feature",
		"Environment", "Provider", "Model", "PromptVersion", "Workflow",
		"ServiceTier", "Region"}
	for i, p := range r.strings() {
		if err := noNUL(names[i], *p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stamper) fill(r *Request) {
	n := 13
	n += len(r.RequestID) + len(r.Team) + len(r.User) + len(r.Tenant)
	n += len(r.Feature) + len(r.Environment) + len(r.Provider)
	n += len(r.Model) + len(r.PromptVersion) + len(r.Workflow)
	n += len(r.ServiceTier) + len(r.Region)
	s.reserve(n)
	s.used = 0
	c := s.rec
	C.llmcost_record_init(c)
	if r.TimestampMs != 0 {
		c.timestamp_ms = C.int64_t(r.TimestampMs)
	}
	c.request_id = s.str(r.RequestID)
	c.team_id = s.str(r.Team)
	c.user_id = s.str(r.User)
	c.tenant_id = s.str(r.Tenant)
	c.feature_name = s.str(r.Feature)
	c.environment = s.str(r.Environment)
	c.provider = s.str(r.Provider)
	c.model = s.str(r.Model)
	c.prompt_template_version = s.str(r.PromptVersion)
	c.workflow_name = s.str(r.Workflow)
	c.service_tier = s.str(r.ServiceTier)
	c.region = s.str(r.Region)
	s.counts(r)
}

func (s *Stamper) counts(r *Request) {
	c := s.rec
	c.input_tokens = C.int64_t(r.InputTokens)
	c.output_tokens = C.int64_t(r.OutputTokens)
	c.cached_tokens = C.int64_t(r.CachedTokens)
	c.cache_write_tokens = C.int64_t(r.CacheWrite5m)
	c.cache_write_1h_tokens = C.int64_t(r.CacheWrite1h)
	c.reasoning_tokens = C.int64_t(r.ReasoningTokens)
	if r.Requests != 0 {
		c.request_count = C.int64_t(r.Requests)
	}
	c.latency_ms = C.int64_t(r.LatencyMs)
	c.web_search_requests = C.int64_t(r.WebSearches)
	c.status_code = C.int32_t(r.StatusCode)
	c.retry_count = C.int32_t(r.Retries)
	if r.Failed {
		c.flags |= C.LLMCOST_RECORD_FAILED
	}
}

// usage sets the record's counts from a provider usage object.
func (s *Stamper) usage(shape int, obj []byte) C.int {
	p, n := cbytes(obj)
	if p == nil {
		return C.LLMCOST_E_PARSE
	}
	return C.llmcost_usage_parse(C.int(shape), p, n, s.rec)
}

func (s *Stamper) result() Cost {
	c := s.cost
	out := Cost{Status: int(c.status), Flags: uint32(c.flags),
		Rule: uint32(c.rule), priceKey: c.price_key}
	copy(out.note[:], unsafe.Slice((*byte)(unsafe.Pointer(&c.note[0])),
		len(out.note)))
	if out.Status != StatusOk {
		return out
	}
	out.Total = moneyOf(c.total)
	out.ListCost = moneyOf(c.list_cost)
	out.ContractedCost = moneyOf(c.contracted_cost)
	out.EffectiveCost = moneyOf(c.effective_cost)
	for i := 0; i < CCount; i++ {
		out.Components[i] = moneyOf(c.component[i])
		out.Units[i] = int64(c.units[i])
	}
	return out
}

// price prices the stamper's record.  An unpriced request gives its Cost
// with ErrUnpriced or ErrNoRate (no detail: see Cost.Note); a rejected
// one an *Error with detail.
func (s *Stamper) price(p *Prices) (Cost, error) {
	var rc C.int
	p.h.mu.RLock()
	defer p.h.mu.RUnlock()
	if p.h.ptr == nil {
		return Cost{}, ErrClosed
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.llmcost_cost_init(s.cost)
	rc = C.llmcost_price((*C.llmcost_prices)(p.h.ptr), s.rec, s.cost)
	switch rc {
	case C.LLMCOST_OK:
		return s.result(), nil
	case C.LLMCOST_E_UNPRICED:
		return s.result(), ErrUnpriced
	case C.LLMCOST_E_NORATE:
		return s.result(), ErrNoRate
	}
	return s.result(), lastError(rc)
}

// Price prices one request with table p.
func (s *Stamper) Price(p *Prices, r *Request) (Cost, error) {
	if err := r.checkStrings(); err != nil {
		return Cost{Status: StatusEInvalid}, err
	}
	s.fill(r)
	return s.price(p)
}

// PriceUsage prices a request whose token counts come from a provider
// usage object (UsageOpenaiChat, UsageAnthropic, UsageGemini, ...);
// r's own counts are replaced.
func (s *Stamper) PriceUsage(p *Prices, r *Request, shape int,
	usage []byte) (Cost, error) {
	if err := r.checkStrings(); err != nil {
		return Cost{Status: StatusEInvalid}, err
	}
	s.fill(r)
	runtime.LockOSThread()
	rc := s.usage(shape, usage)
	var err error
	if rc < 0 {
		err = lastError(rc)
	}
	runtime.UnlockOSThread()
	runtime.KeepAlive(usage)
	if err != nil {
		return Cost{Status: int(rc)}, err
	}
	return s.price(p)
}

// Stamp prices a request and adds it to rollup in one step.  An
// unpriced request is still added (as unpriced, never as $0).
func (s *Stamper) Stamp(p *Prices, rollup *Rollup, r *Request) (Cost,
	error) {
	cost, err := s.Price(p, r)
	return s.addLast(rollup, cost, err)
}

// StampUsage is Stamp with the token counts from a usage object.
func (s *Stamper) StampUsage(p *Prices, rollup *Rollup, r *Request,
	shape int, usage []byte) (Cost, error) {
	cost, err := s.PriceUsage(p, r, shape, usage)
	return s.addLast(rollup, cost, err)
}

// addLast adds the request just priced, unless it was rejected.
func (s *Stamper) addLast(rollup *Rollup, cost Cost, err error) (Cost,
	error) {
	if err != nil && cost.Status != StatusEUnpriced &&
		cost.Status != StatusENorate {
		return cost, err
	}
	if aerr := rollup.add(s.rec, s.cost); aerr != nil {
		return cost, aerr
	}
	return cost, err
}

// Price prices one request; safe from many goroutines.
func (p *Prices) Price(r *Request) (Cost, error) {
	s := p.pool.Get().(*Stamper)
	defer p.pool.Put(s)
	return s.Price(p, r)
}

// PriceUsage prices a request from a provider usage object.
func (p *Prices) PriceUsage(r *Request, shape int, usage []byte) (Cost,
	error) {
	s := p.pool.Get().(*Stamper)
	defer p.pool.Put(s)
	return s.PriceUsage(p, r, shape, usage)
}

// Stamp prices a request and adds it to rollup; safe from many
// goroutines.
func (p *Prices) Stamp(rollup *Rollup, r *Request) (Cost, error) {
	s := p.pool.Get().(*Stamper)
	defer p.pool.Put(s)
	return s.Stamp(p, rollup, r)
}

// StampUsage prices a request from a provider usage object and adds it
// to rollup; safe from many goroutines.
func (p *Prices) StampUsage(rollup *Rollup, r *Request, shape int,
	usage []byte) (Cost, error) {
	s := p.pool.Get().(*Stamper)
	defer p.pool.Put(s)
	return s.StampUsage(p, rollup, r, shape, usage)
}
