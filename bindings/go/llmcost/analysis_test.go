package llmcost

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const day = int64(1740787200000) // 2025-03-01T00:00:00Z

func sourceDir() string {
	if d := os.Getenv("LLMCOST_SOURCE_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..")
}

func writeFile(t *testing.T, name, text string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLintFindsACacheReadDearerThanInput(t *testing.T) {
	p, err := OpenFile(writeFile(t, "t.json", `{
	  "good": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
	           "cache_read_input_token_cost": 1e-07,
	           "litellm_provider": "acme", "mode": "chat"},
	  "dear": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
	           "cache_read_input_token_cost": 3e-06,
	           "litellm_provider": "acme", "mode": "chat"}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.Lint()
	if err != nil {
		t.Fatal(err)
	}
	want := []LintFinding{{Kind: "cache_read_dear",
		KindCode: LintCacheReadDear, Key: "dear", Field: "cache_read",
		Message: "cache read 3 USD/M is dearer than input 1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lint %+v", got)
	}
	if d, _ := p.Diagnostics(); len(d) != 0 {
		t.Fatalf("diagnostics %+v", d)
	}
	p.Close()
	if _, err := p.Lint(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

func TestLintMatchesTheCommand(t *testing.T) {
	fixture := filepath.Join(sourceDir(), "tests", "fixtures", "prices",
		"lint_litellm.json")
	p, err := OpenFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got, err := p.Lint()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, f := range got {
		kinds[f.Kind] = true
		if LintKindName(f.KindCode) != f.Kind {
			t.Fatalf("kind %+v", f)
		}
	}
	if len(got) != 14 || len(kinds) != LintKindEnd-1 {
		t.Fatalf("%d findings of %d kinds", len(got), len(kinds))
	}
	cli := filepath.Join(os.Getenv("LLMCOST_BUILD_DIR"), "llmcost")
	if os.Getenv("LLMCOST_BUILD_DIR") == "" {
		t.Skip("LLMCOST_BUILD_DIR not set: the llmcost command is not " +
			"at hand")
	}
	out, err := exec.Command(cli, "prices", "lint", "--format", "json",
		fixture).Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 4 {
		t.Fatalf("llmcost prices lint: %v", err)
	}
	var rows []struct{ Kind, Key, Field, Message string }
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(got) {
		t.Fatalf("command %d findings, binding %d", len(rows), len(got))
	}
	for i, r := range rows {
		g := got[i]
		if r.Kind != g.Kind || r.Key != g.Key || r.Field != g.Field ||
			r.Message != g.Message {
			t.Fatalf("finding %d: command %+v, binding %+v", i, r, g)
		}
	}
}

func TestDiagnosticsNameSkippedEntries(t *testing.T) {
	p, err := OpenEmpty()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.LoadLiteLLM([]byte(`{"ok": {"input_cost_per_token": 1e-06,
	  "output_cost_per_token": 2e-06, "litellm_provider": "acme"},
	  "not-an-object": 5,
	  "neg": {"input_cost_per_token": -2e-06,
	          "output_cost_per_token": 2e-06, "litellm_provider": "acme"}}`),
		TimeUnknown); err != nil {
		t.Fatal(err)
	}
	d, err := p.Diagnostics()
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 2 || d[0] != (Diagnostic{Key: "not-an-object",
		Message: "entry is not an object; skipped"}) ||
		d[1].Key != "neg" || d[1].Field != "input_cost_per_token" ||
		!strings.Contains(d[1].Message, "-2e-06 is negative") {
		t.Fatalf("diagnostics %+v", d)
	}
	err = p.LoadLiteLLM([]byte("[1]"), TimeUnknown)
	var e *Error
	if !errors.As(err, &e) || e.Code != StatusEParse ||
		!strings.Contains(e.Detail, "not a JSON object") {
		t.Fatalf("load: %v", err)
	}
}

// nearestRank is the exact nearest-rank quantile: the value of rank
// max(1, ceil(q n)) among the sorted values.
func nearestRank(values []int64, permyriad int) int64 {
	s := append([]int64(nil), values...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := (permyriad*len(s) + 9999) / 10000
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}

func withinBound(got, exact int64) bool {
	if exact < 64 {
		return got == exact
	}
	d := got - exact
	if d < 0 {
		d = -d
	}
	return d*SketchErrorDiv <= exact
}

func TestQuantilesAreWithinTheSketchBound(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	teams := []string{"search", "ads", "chat"}
	lat := map[string][]int64{}
	inp := map[string][]int64{}
	rng := rand.New(rand.NewSource(7))
	var rollups [2]*Rollup
	for i := range rollups {
		r, err := NewRollup(Grouping{Dims: []string{"team"}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rollups[i] = r
	}
	for i := 0; i < 4500; i++ {
		team := teams[i%3]
		var l, n int64
		switch team {
		case "search":
			l, n = int64(rng.ExpFloat64()*400), 1+rng.Int63n(60)
		case "ads":
			l, n = rng.Int63n(100000), 100+rng.Int63n(200000)
		default:
			l, n = 40, []int64{100, 1000, 10000}[rng.Intn(3)]
			if rng.Intn(10) == 0 {
				l = 9000 + int64(i)
			}
		}
		lat[team] = append(lat[team], l)
		inp[team] = append(inp[team], n)
		// A third goes to a second replica, merged below.
		if _, err := p.Stamp(rollups[i/3%3/2], &Request{Model: "vec-chat",
			Team: team, TimestampMs: day, InputTokens: n,
			OutputTokens: 1, LatencyMs: l}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := rollups[0].Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	other, err := rollups[1].Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Merge(other); err != nil {
		t.Fatal(err)
	}
	groups, err := s.Groups()
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 {
		t.Fatalf("%d groups", len(groups))
	}
	for _, g := range groups {
		team := g.Keys["team"]
		for _, m := range []struct {
			metric int
			values []int64
		}{{MetricLatencyMs, lat[team]}, {MetricInputTokens, inp[team]}} {
			for _, q := range []int{0, 1, 2500, 5000, 9500, 9999, 10000} {
				got, err := s.Quantile(g.Index, m.metric, uint32(q))
				if err != nil {
					t.Fatal(err)
				}
				if exact := nearestRank(m.values, q); !withinBound(got,
					exact) {
					t.Fatalf("%s metric %d q %d: %d, exact %d", team,
						m.metric, q, got, exact)
				}
			}
		}
		p50, _ := s.Quantile(g.Index, MetricLatencyMs, 5000)
		p95, _ := s.Quantile(g.Index, MetricInputTokens, 9500)
		if g.LatencyP50Ms != p50 || g.InputTokensP95 != p95 {
			t.Fatalf("%s: group p50 %d p95 %d", team, g.LatencyP50Ms,
				g.InputTokensP95)
		}
		if team == "chat" && g.LatencyP50Ms != 40 {
			t.Fatalf("chat p50 %d", g.LatencyP50Ms)
		}
	}
	if _, err := s.Quantile(3, MetricLatencyMs, 5000); !errors.Is(err,
		ErrNotFound) || err.(*Error).Detail == "" {
		t.Fatalf("no group: %v", err)
	}
	if _, err := s.Quantile(0, MetricLatencyMs, 10001); !errors.Is(err,
		ErrInvalid) {
		t.Fatalf("permyriad: %v", err)
	}
}

func rat(m Money) *big.Rat { return m.Rat() }

func TestCappedGroupingNamesItsHeavyHitters(t *testing.T) {
	p := openBook(t)
	defer p.Close()
	r, err := NewRollup(Grouping{Dims: []string{"user"}, MaxGroups: 5,
		HeavyHitters: 8}, Grouping{Dims: []string{"team"}, Bucket: "day"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	truth := map[string]*big.Rat{}
	add := func(user string, tokens int64) {
		c, err := p.Stamp(r, &Request{Model: "vec-chat", Team: "t",
			User: user, TimestampMs: day, InputTokens: tokens,
			OutputTokens: 10})
		if err != nil {
			t.Fatal(err)
		}
		if truth[user] == nil {
			truth[user] = new(big.Rat)
		}
		truth[user].Add(truth[user], c.Total.Rat())
	}
	for i := 0; i < 5; i++ { // they take the five groups
		add(fmt.Sprintf("early%d", i), 100)
	}
	rng := rand.New(rand.NewSource(3))
	weight := map[string]int64{"whale": 40, "orca": 25, "shark": 15}
	for i := 0; i < 3000; i++ {
		user := fmt.Sprintf("u%03d", rng.Intn(300))
		switch x := rng.Intn(100); {
		case x < 20:
			user = "whale"
		case x < 32:
			user = "orca"
		case x < 40:
			user = "shark"
		}
		w := weight[user]
		if w == 0 {
			w = 1
		}
		add(user, w*1000+rng.Int63n(500))
	}
	s, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	infos, err := s.Groupings()
	if err != nil {
		t.Fatal(err)
	}
	var user GroupingInfo
	for _, g := range infos {
		if reflect.DeepEqual(g.Dims, []string{"user"}) {
			user = g
		}
	}
	if user.MaxGroups != 5 || user.HeavyHitters != 8 || user.Groups != 6 ||
		user.OverflowGroups != 1 || user.OverflowRequests != 3000 {
		t.Fatalf("grouping %+v", user)
	}
	hh, err := s.HeavyHitters(user.Index, -1)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	n := rat(user.OverflowCost)
	k := new(big.Rat).SetInt64(int64(user.HeavyHitters))
	for i, h := range hh.Hitters {
		who := h.Keys["user"]
		listed[who] = true
		if rat(h.CostLow).Cmp(truth[who]) > 0 ||
			truth[who].Cmp(rat(h.CostHigh)) > 0 {
			t.Fatalf("%s: %s not in [%s, %s]", who,
				truth[who].FloatString(9), h.CostLow, h.CostHigh)
		}
		if new(big.Rat).Mul(h.Spread(), k).Cmp(n) > 0 {
			t.Fatalf("%s: interval wider than N/k", who)
		}
		if h.Exact != (h.Spread().Sign() == 0) {
			t.Fatalf("%s: exact %v", who, h.Exact)
		}
		if i > 0 && h.CostHigh.Rat().Cmp(
			hh.Hitters[i-1].CostHigh.Rat()) > 0 {
			t.Fatal("not highest first")
		}
	}
	for who, cost := range truth {
		if !listed[who] && cost.Cmp(rat(hh.UnlistedBound)) > 0 {
			t.Fatalf("%s unlisted above the bound", who)
		}
	}
	var top []string
	for _, h := range hh.Hitters[:3] {
		top = append(top, h.Keys["user"])
	}
	if !reflect.DeepEqual(top, []string{"whale", "orca", "shark"}) {
		t.Fatalf("top %v", top)
	}
	two, err := s.HeavyHitters(user.Index, 2)
	if err != nil || len(two.Hitters) != 2 ||
		truth["shark"].Cmp(rat(two.UnlistedBound)) > 0 {
		t.Fatalf("limit 2: %+v %v", two, err)
	}
	// The snapshot's JSON form gives the same bound.
	js, _ := s.JSON()
	var doc struct {
		Groupings []struct {
			Overflow struct {
				UntrackedBound string `json:"untracked_bound"`
			}
		}
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Groupings[user.Index].Overflow.UntrackedBound; got !=
		hh.UnlistedBound.String() {
		t.Fatalf("JSON bound %s, binding %s", got, hh.UnlistedBound)
	}
	if _, err := s.HeavyHitters(9, -1); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), "no grouping 9") {
		t.Fatalf("no grouping: %v", err)
	}

	// Through a file and back, the same answer.
	path := filepath.Join(t.TempDir(), "s.bin")
	if err := s.SaveFile(path, SnapshotBinary); err != nil {
		t.Fatal(err)
	}
	back, err := LoadSnapshotFile(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.HeavyHitters(user.Index, -1)
	if err != nil || !reflect.DeepEqual(again, hh) {
		t.Fatalf("after a file: %v", err)
	}
	if _, err := LoadSnapshotFile(path + ".missing"); !errors.Is(err,
		ErrIO) {
		t.Fatalf("missing file: %v", err)
	}
}
