package llmcost

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func vectorsDir(t testing.TB) string {
	if d := os.Getenv("LLMCOST_SOURCE_DIR"); d != "" {
		return filepath.Join(d, "tests", "vectors")
	}
	return filepath.Join("..", "..", "..", "tests", "vectors")
}

func openBook(t testing.TB) *Prices {
	p, err := OpenFile(filepath.Join(vectorsDir(t), "prices.book"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type vector struct {
	Name   string
	Record struct {
		Model       string `json:"model"`
		TimestampMs int64  `json:"timestamp_ms"`
		Input       int64  `json:"input_tokens"`
		Output      int64  `json:"output_tokens"`
		Cached      int64  `json:"cached_tokens"`
		Write5m     int64  `json:"cache_write_tokens"`
		Write1h     int64  `json:"cache_write_1h_tokens"`
		Reasoning   int64  `json:"reasoning_tokens"`
		ServiceTier string `json:"service_tier"`
	}
	Usage *struct {
		Shape  string
		Object json.RawMessage
	}
	Expect struct {
		Status     string
		Total      string
		Components map[string]string
	}
}

var shapes = map[string]int{"openai-chat": UsageOpenaiChat,
	"openai-responses": UsageOpenaiResponses, "anthropic": UsageAnthropic,
	"gemini": UsageGemini, "bedrock": UsageBedrock, "otel": UsageOtel}

func (v *vector) request() *Request {
	r := v.Record
	return &Request{Model: r.Model, TimestampMs: r.TimestampMs,
		InputTokens: r.Input, OutputTokens: r.Output,
		CachedTokens: r.Cached, CacheWrite5m: r.Write5m,
		CacheWrite1h: r.Write1h, ReasoningTokens: r.Reasoning,
		ServiceTier: r.ServiceTier}
}

func TestSharedVectors(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	data, err := os.ReadFile(filepath.Join(vectorsDir(t), "pricing.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Vectors []vector }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) < 15 {
		t.Fatalf("only %d vectors", len(file.Vectors))
	}
	for _, v := range file.Vectors {
		var cost Cost
		if v.Usage != nil {
			cost, err = p.PriceUsage(v.request(), shapes[v.Usage.Shape],
				v.Usage.Object)
		} else {
			cost, err = p.Price(v.request())
		}
		if got := statusName(cost.Status); got != v.Expect.Status {
			t.Errorf("%s: status %s (%v), want %s", v.Name, got, err,
				v.Expect.Status)
			continue
		}
		if !cost.Priced() {
			var e *Error
			if !errors.As(err, &e) || e.Name != v.Expect.Status {
				t.Errorf("%s: error %v", v.Name, err)
			}
			continue
		}
		if cost.Total.String() != v.Expect.Total {
			t.Errorf("%s: total %s, want %s", v.Name, cost.Total,
				v.Expect.Total)
		}
		for i := 0; i < CCount; i++ {
			want := v.Expect.Components[ComponentName(i)]
			if want == "" {
				want = "0"
			}
			if got := cost.Components[i].String(); got != want {
				t.Errorf("%s: %s %s, want %s", v.Name,
					ComponentName(i), got, want)
			}
		}
	}
}

func TestMoneyConversions(t *testing.T) {
	m, err := ParseMoney("-0.000225")
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != "-0.000225" {
		t.Fatalf("String %s", m)
	}
	if m.Units().String() != "-225000000000000" {
		t.Fatalf("Units %s", m.Units())
	}
	want := big.NewRat(-225, 1000000)
	if m.Rat().Cmp(want) != 0 {
		t.Fatalf("Rat %s", m.Rat())
	}
	big1, _ := ParseMoney("170141183460469231731.687303715884105727")
	if _, err := big1.Add(big1); !errors.Is(err, ErrOverflow) {
		t.Fatalf("overflow: %v", err)
	}
	if _, err := ParseMoney("1e-19"); !errors.Is(err, ErrInexact) {
		t.Fatalf("inexact: %v", err)
	}
}

func TestErrorsCarryCodes(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	_, err := p.Price(&Request{Model: "vec-chat", InputTokens: 1,
		CachedTokens: 2})
	var e *Error
	if !errors.Is(err, ErrParts) || !errors.As(err, &e) ||
		e.Code != -7 || e.Detail == "" {
		t.Fatalf("got %#v", err)
	}
	c, err := p.Price(&Request{Model: "nope", InputTokens: 1})
	if !errors.Is(err, ErrUnpriced) || c.Priced() || c.Note() == "" {
		t.Fatalf("unpriced: %v %q", err, c.Note())
	}
	if errors.Is(err, ErrNoRate) {
		t.Fatal("ErrUnpriced matched ErrNoRate")
	}
	if err := p.LoadBook([]byte("format 1\nnonsense\n")); !errors.Is(err,
		ErrParse) {
		t.Fatalf("parse: %v", err)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	p.Close()
	if _, err := p.Price(&Request{Model: "gpt-4o"}); err != ErrClosed {
		t.Fatalf("after close: %v", err)
	}
}

func TestDefaultBook(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := p.Price(&Request{Model: "gpt-4o", TimestampMs: 1735689600000,
		InputTokens: 1000, CachedTokens: 200, OutputTokens: 500})
	if err != nil || c.Total.String() != "0.00725" ||
		c.PriceKey() != "gpt-4o" {
		t.Fatalf("%v %s %s", err, c.Total, c.PriceKey())
	}
}

func TestRollupAndSnapshots(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	r, err := NewRollup(Grouping{Dims: []string{"team"}},
		Grouping{Dims: []string{"model"}, Bucket: "day"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, team := range []string{"a", "b", "a"} {
		if _, err := p.Stamp(r, &Request{Model: "vec-chat", Team: team,
			TimestampMs: 1740787200000, InputTokens: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Stamp(r, &Request{Model: "nope", Team: "b",
		InputTokens: 1}); !errors.Is(err, ErrUnpriced) {
		t.Fatal(err)
	}
	groups, err := r.Groups()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, g := range groups {
		if g.Grouping == 0 {
			got[g.Keys["team"]] = g.Total.String()
		}
	}
	if got["a"] != "0.005" || got["b"] != "0.0025" {
		t.Fatalf("teams %v", got)
	}
	s, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Merge(s); err != nil {
		t.Fatal(err)
	}
	merged, _ := back.Groups()
	total := 0
	for _, g := range merged {
		if g.Keys["team"] == "a" {
			if g.Total.String() != "0.01" || g.Requests != 4 {
				t.Fatalf("merged %+v", g)
			}
			total++
		}
	}
	if total != 1 {
		t.Fatalf("team a groups %d", total)
	}
	if _, err := LoadSnapshot(data[:len(data)-1]); !errors.Is(err,
		ErrParse) {
		t.Fatalf("truncated: %v", err)
	}
	js, _ := back.JSON()
	if !json.Valid(js) {
		t.Fatal("snapshot JSON invalid")
	}
}

func TestTags(t *testing.T) {
	tags, err := NewTags(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tags.Close()
	if err := tags.Add("team", "team-a", "ai-team-a"); err != nil {
		t.Fatal(err)
	}
	tag, err := tags.Lookup("team", "AI_Team_A")
	if err != nil || tag.Value != "team-a" || tag.Outcome != "alias" {
		t.Fatalf("%+v %v", tag, err)
	}
}

func TestManyGoroutinesMatchSerial(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	serial, _ := NewRollup()
	shared, _ := NewRollup()
	defer serial.Close()
	defer shared.Close()
	req := func(i int) *Request {
		return &Request{Model: "vec-chat", Team: string(rune('a' + i%5)),
			TimestampMs: 1740787200000 + int64(i),
			InputTokens: int64(i), CachedTokens: int64(i / 3),
			OutputTokens: int64(2 * i)}
	}
	const n = 20000
	for i := 1; i <= n; i++ {
		if _, err := p.Stamp(serial, req(i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	workers := 4 * runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := NewStamper()
			for i := 1 + w; i <= n; i += workers {
				if _, err := s.Stamp(p, shared, req(i)); err != nil {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()
	a, _ := serial.Groups()
	b, _ := shared.Groups()
	sum := func(gs []Group) map[string]string {
		out := map[string]string{}
		for _, g := range gs {
			out[g.Keys["team"]] = g.Total.String()
		}
		return out
	}
	sa, sb := sum(a), sum(b)
	if len(sa) != 5 || len(sb) != 5 {
		t.Fatalf("groups %v %v", sa, sb)
	}
	for k := range sa {
		if sa[k] != sb[k] {
			t.Fatalf("team %s: serial %s, concurrent %s", k, sa[k], sb[k])
		}
	}
}

func TestHotPathDoesNotAllocate(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	r, _ := NewRollup()
	defer r.Close()
	s := NewStamper()
	req := &Request{Model: "vec-chat", Team: "team-a", User: "u1",
		Feature: "chat", TimestampMs: 1740787200000, InputTokens: 1200,
		CachedTokens: 200, OutputTokens: 300}
	s.Stamp(p, r, req)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := s.Stamp(p, r, req); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Stamper.Stamp allocates %.1f times per call", allocs)
	}
	allocs = testing.AllocsPerRun(1000, func() { p.Price(req) })
	if allocs != 0 {
		t.Fatalf("Prices.Price allocates %.1f times per call", allocs)
	}
}

func BenchmarkStamp(b *testing.B) {
	p := openBook(b)
	defer p.Close()
	r, _ := NewRollup()
	defer r.Close()
	s := NewStamper()
	req := &Request{Model: "vec-chat", Team: "team-a", User: "u1",
		Feature: "chat", TimestampMs: 1740787200000, InputTokens: 1200,
		CachedTokens: 200, OutputTokens: 300}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Stamp(p, r, req)
	}
}

func BenchmarkPrice(b *testing.B) {
	p := openBook(b)
	defer p.Close()
	req := &Request{Model: "vec-chat", Team: "team-a",
		TimestampMs: 1740787200000, InputTokens: 1200, OutputTokens: 300}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Price(req)
	}
}

func BenchmarkStampParallel(b *testing.B) {
	p := openBook(b)
	defer p.Close()
	r, _ := NewRollup()
	defer r.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		s := NewStamper()
		req := &Request{Model: "vec-chat", Team: "team-a", User: "u1",
			TimestampMs: 1740787200000, InputTokens: 1200,
			OutputTokens: 300}
		for pb.Next() {
			s.Stamp(p, r, req)
		}
	})
}

func TestContractCosts(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	if err := p.LoadContract([]byte("format 1\n" +
		"discount provider=openai percent=20\n" +
		"commitment all percent=5\n")); err != nil {
		t.Fatal(err)
	}
	c, err := p.Price(&Request{Model: "vec-chat",
		TimestampMs: 1740787200000, InputTokens: 1000,
		OutputTokens: 500})
	// List 0.0075; 20% off gives 0.006; 5% off that gives 0.0057.
	if err != nil || c.ListCost.String() != "0.0075" ||
		c.ContractedCost.String() != "0.006" ||
		c.EffectiveCost.String() != "0.0057" {
		t.Fatalf("%v %s %s %s", err, c.ListCost, c.ContractedCost,
			c.EffectiveCost)
	}
}

func TestStringsWithANulAreRefusedNotCut(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := NewStamper()
	_, err = s.Price(p, &Request{Model: "gpt-4o", Team: "team\x00b",
		InputTokens: 10})
	var e *Error
	if !errors.As(err, &e) || e.Code != StatusEInvalid ||
		!strings.Contains(e.Detail, "Team holds a NUL byte at 4") {
		t.Fatalf("want a NUL refusal, got %v", err)
	}
	if _, err := LoadSnapshotFile("a.snap\x00x"); err == nil ||
		!strings.Contains(err.Error(), "file name") {
		t.Fatalf("want a file name refusal, got %v", err)
	}
	if err := p.LoadFile("prices.json\x00", TimeUnknown); err == nil {
		t.Fatal("a file name with a NUL was accepted")
	}
	snap, err := NewSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	dir := t.TempDir()
	if err := snap.SaveFile(dir+"/fleet.snap\x00.json",
		SnapshotJson); err == nil {
		t.Fatal("a file name with a NUL was accepted")
	}
	if _, err := os.Stat(dir + "/fleet.snap"); !os.IsNotExist(err) {
		t.Fatalf("something was written: %v", err)
	}
}
