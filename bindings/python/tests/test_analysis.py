"""Tests of the binding's price-table lint and diagnostics, snapshot
groupings, heavy hitters and quantiles, against values worked out here
from the records added and against the library's own output (the
snapshot's JSON form and `llmcost prices lint`)."""
import decimal
import json
import os
import random
import subprocess

import pytest

import llmcost
from llmcost import constants as K
from conftest import SOURCE, VECTORS

D = decimal.Decimal
DAY = 1740787200000  # 2025-03-01T00:00:00Z: vec-chat at 2.50/10 per M
LINT_JSON = os.path.join(SOURCE, "tests", "fixtures", "prices",
                         "lint_litellm.json")


@pytest.fixture
def book():
    with llmcost.Prices.from_file(os.path.join(VECTORS, "prices.book")) \
            as prices:
        yield prices


def nearest_rank(values, permyriad):
    """The exact nearest-rank quantile: the value of rank
    max(1, ceil(q n)) among the sorted values."""
    ordered = sorted(values)
    rank = max(1, -(-permyriad * len(ordered) // 10000))
    return ordered[rank - 1]


def within_sketch_bound(got, exact):
    # |got - x| <= x/64, in integers; values below 64 are exact.
    if exact < 64:
        return got == exact
    return abs(got - exact) * K.SKETCH_ERROR_DIV <= exact


# ---- price-table lint and load diagnostics -----------------------------

def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_lint_finds_a_cache_read_dearer_than_input(tmp_path):
    table = {"good": {"input_cost_per_token": 1e-06,
                      "output_cost_per_token": 4e-06,
                      "cache_read_input_token_cost": 1e-07,
                      "litellm_provider": "acme", "mode": "chat"},
             "dear": {"input_cost_per_token": 1e-06,
                      "output_cost_per_token": 4e-06,
                      "cache_read_input_token_cost": 3e-06,
                      "litellm_provider": "acme", "mode": "chat"}}
    path = write(tmp_path, "prices.json", json.dumps(table))
    with llmcost.Prices.from_file(path) as p:
        findings = p.lint()
    assert findings == [llmcost.LintFinding(
        kind="cache_read_dear", key="dear", field="cache_read",
        message="cache read 3 USD/M is dearer than input 1",
        kind_code=K.LINT_CACHE_READ_DEAR)]
    f = findings[0]
    assert llmcost.LINT_KINDS[f.kind_code] == f.kind


def test_lint_finds_a_rate_that_moves_1000x_in_a_book(tmp_path):
    path = write(tmp_path, "prices.book",
                 "format 1\nmodel m provider=acme\n"
                 "price 2025-01-01 input=300 output=300\n"
                 "price 2025-06-01 input=0.30 output=0.30\n")
    with llmcost.Prices.from_file(path) as p:
        assert p.diagnostics() == []
        findings = p.lint()
    assert [(f.kind, f.key, f.field) for f in findings] == \
        [("scale", "m", "input"), ("scale", "m", "output")]
    assert "from 300 USD/M (2025-01-01T00:00:00Z) to 0.3 " \
        "(2025-06-01T00:00:00Z)" in findings[0].message


def test_lint_of_a_clean_table_is_empty():
    with llmcost.Prices(empty=True) as p:
        p.load_book("format 1\nmodel m provider=acme\n"
                    "price 2025-01-01 input=1 output=4 cache_read=0.1\n")
        assert p.lint() == []
    closed = llmcost.Prices(empty=True)
    closed.close()
    with pytest.raises(ValueError):
        closed.lint()


def test_lint_matches_the_command_on_the_library_fixture():
    with llmcost.Prices.from_file(LINT_JSON) as p:
        findings = p.lint()
    assert len(findings) == 14
    assert {f.kind for f in findings} == set(llmcost.LINT_KINDS.values())
    build = os.environ.get("LLMCOST_BUILD_DIR")
    cli = build and os.path.join(build, "llmcost")
    if not cli or not os.access(cli, os.X_OK):
        pytest.skip("the llmcost command is not built (LLMCOST_BUILD_DIR)")
    out = subprocess.run([cli, "prices", "lint", "--format", "json",
                          LINT_JSON], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 4, out.stderr
    want = [{k: v for k, v in row.items() if k != "file"}
            for row in json.loads(out.stdout)]
    got = [{"kind": f.kind, "key": f.key, "field": f.field,
            "message": f.message} for f in findings]
    assert got == want


def test_diagnostics_name_each_skipped_entry_and_rate(tmp_path):
    table = ('{"ok": {"input_cost_per_token": 1e-06, '
             '"output_cost_per_token": 2e-06, "litellm_provider": "acme"},'
             ' "not-an-object": 5,'
             ' "neg": {"input_cost_per_token": -2e-06, '
             '"output_cost_per_token": 2e-06, "litellm_provider": "acme"},'
             ' "text": {"input_cost_per_token": 1e-06, '
             '"output_cost_per_token": "2e-06", '
             '"litellm_provider": "acme"}}')
    with llmcost.Prices.from_file(write(tmp_path, "t.json", table)) as p:
        diags = p.diagnostics()
        assert p.diag_count == len(diags) == 3
        lint = p.lint()
    assert diags[0] == llmcost.PriceDiagnostic(
        "not-an-object", "", "entry is not an object; skipped")
    assert (diags[1].key, diags[1].field) == ("neg", "input_cost_per_token")
    assert "negative" in diags[1].message and "-2e-06" in diags[1].message
    assert (diags[2].key, diags[2].field) == ("text",
                                              "output_cost_per_token")
    assert "string" in diags[2].message
    # The unusable rates are lint findings as well.
    bad = [(f.key, f.field) for f in lint if f.kind == "bad_rate"]
    assert ("neg", "input_cost_per_token") in bad
    assert ("text", "output_cost_per_token") in bad


def test_diagnostics_accumulate_over_loads():
    with llmcost.Prices(empty=True) as p:
        p.load_litellm({"a": {"input_cost_per_token": "x",
                              "output_cost_per_token": 1e-06}})
        p.load_litellm({"b": []})
        assert [(d.key, d.field) for d in p.diagnostics()] == \
            [("a", "input_cost_per_token"), ("b", "")]
        with pytest.raises(llmcost.LlmcostError) as e:
            p.load_litellm("[1]")
        assert e.value.code == K.E_PARSE
        assert "not a JSON object" in e.value.message


# ---- quantiles ------------------------------------------------------------

def latency_stream(seed, n):
    """Requests of three teams with different shapes of latency and
    prompt size, a few below the sketch's exact range."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        team = ("search", "ads", "chat")[i % 3]
        if team == "search":
            latency = int(rng.lognormvariate(6, 0.8))
            prompt = rng.randrange(1, 60)
        elif team == "ads":
            latency = rng.randrange(0, 100000)
            prompt = int(rng.paretovariate(1.2) * 500)
        else:
            latency = 40 if rng.random() < 0.9 else 9000 + i
            prompt = rng.choice((100, 1000, 10000, 100000))
        out.append((team, latency, prompt))
    return out


def add_stream(prices, rollup, stream):
    for team, latency, prompt in stream:
        rollup.add(prices.price(model="vec-chat", team=team,
                                timestamp_ms=DAY, input_tokens=prompt,
                                output_tokens=1, latency_ms=latency))


PERMYRIADS = (0, 1, 100, 2500, 5000, 9000, 9500, 9900, 9999, 10000)


def check_quantiles(snap, stream):
    teams = {}
    for team, latency, prompt in stream:
        lat, inp = teams.setdefault(team, ([], []))
        lat.append(latency)
        inp.append(prompt)
    groups = {g["team"]: g for g in snap.groups()}
    assert set(groups) == set(teams)
    for team, (lat, inp) in teams.items():
        g = groups[team]
        assert g["records"] == len(lat)
        for metric, values in (("latency_ms", lat), ("input_tokens", inp)):
            for q in PERMYRIADS:
                got = snap.quantile(g["index"], metric, q)
                exact = nearest_rank(values, q)
                assert within_sketch_bound(got, exact), \
                    (team, metric, q, got, exact)
        # The group's own p50/p95 are the same reads.
        assert g["latency_p50_ms"] == snap.quantile(g["index"],
                                                    "latency_ms", 5000)
        assert g["latency_p95_ms"] == snap.quantile(g["index"],
                                                    "latency_ms", 9500)
        assert g["input_tokens_p50"] == snap.quantile(g["index"],
                                                      "input_tokens", 5000)
        assert g["input_tokens_p95"] == snap.quantile(g["index"],
                                                      "input_tokens", 9500)
    return groups


def test_quantiles_are_within_the_sketch_bound(book):
    stream = latency_stream(11, 6000)
    rollup = llmcost.Rollup([{"dims": ["team"]}])
    add_stream(book, rollup, stream)
    snap = rollup.snapshot()
    groups = check_quantiles(snap, stream)
    # Small prompts are exact: every "search" prompt is below 64.
    search = [p for t, _, p in stream if t == "search"]
    assert groups["search"]["input_tokens_p95"] == \
        nearest_rank(search, 9500)
    # 90% of chat requests take 40 ms: the median is exactly 40.
    assert groups["chat"]["latency_p50_ms"] == 40
    # A rollup's groups carry the same p50/p95 as its snapshot's.
    live = {g["team"]: g for g in rollup.groups()}
    for team, g in groups.items():
        for k in ("latency_p50_ms", "latency_p95_ms", "input_tokens_p50",
                  "input_tokens_p95"):
            assert live[team][k] == g[k]


def test_merged_sketches_keep_the_bound(book):
    stream = latency_stream(5, 4500)
    a, b = llmcost.Rollup([{"dims": ["team"]}]), \
        llmcost.Rollup([{"dims": ["team"]}])
    add_stream(book, a, stream[:1000])
    add_stream(book, b, stream[1000:])
    merged = a.snapshot().merge(b.snapshot())
    check_quantiles(merged, stream)


def test_quantile_errors_carry_the_library_message(book):
    rollup = llmcost.Rollup([{"dims": ["team"]}])
    rollup.add(book.price(model="vec-chat", team="t", timestamp_ms=DAY,
                          input_tokens=10, latency_ms=7))
    snap = rollup.snapshot()
    assert snap.quantile(0, "latency_ms", 10000) == 7
    with pytest.raises(llmcost.LlmcostError) as e:
        snap.quantile(1, "latency_ms", 5000)
    assert e.value.code == K.E_NOTFOUND and e.value.message
    with pytest.raises(llmcost.LlmcostError) as e:
        snap.quantile(0, "latency_ms", 10001)
    assert e.value.code == K.E_INVALID and e.value.message
    with pytest.raises(ValueError):
        snap.quantile(0, "cost", 5000)
    with pytest.raises(TypeError):
        snap.quantile(0, "latency_ms", 0.5)


# ---- capped groupings and heavy hitters ---------------------------------

def skewed_users(seed, n):
    """(user, input tokens): a few heavy users among many light ones."""
    rng = random.Random(seed)
    heavy = {"whale": 40, "orca": 25, "shark": 15}
    out = []
    for i in range(n):
        r = rng.randrange(100)
        if r < 20:
            user = "whale"
        elif r < 32:
            user = "orca"
        elif r < 40:
            user = "shark"
        else:
            user = "u%03d" % rng.randrange(300)
        out.append((user, heavy.get(user, 1) * 1000 + rng.randrange(500)))
    return out


def cost_of(prices, rollup, stream, first=()):
    """Adds first, then stream, to rollup; the exact cost per user."""
    truth = {}
    for user, tokens in list(first) + list(stream):
        c = prices.price(model="vec-chat", user=user, team="t",
                         timestamp_ms=DAY, input_tokens=tokens,
                         output_tokens=10)
        rollup.add(c)
        truth[user] = truth.get(user, D(0)) + c.total
    return truth


CAPPED = [{"dims": ["user"], "max_groups": 5, "heavy_hitters": 8},
          {"dims": ["team"], "bucket": "day"}]
# Five light users take the five groups before the heavy ones arrive.
EARLY = [("early%d" % i, 100) for i in range(5)]


def check_heavy(snap, grouping, truth):
    info = snap.groupings()[grouping]
    hh = snap.heavy_hitters(grouping)
    listed = {h.key["user"]: h for h in hh}
    for user, h in listed.items():
        assert h.cost_low <= truth[user] <= h.cost_high, user
        assert h.error == h.cost_high - h.cost_low
        assert h.exact == (h.error == 0)
    for user, cost in truth.items():
        if user not in listed:
            assert cost <= hh.unlisted_bound, user
    # No interval is wider than the overflow cost over k.
    n, k = info["overflow_cost"], info["heavy_hitters"]
    assert all(h.error * k <= n for h in hh)
    highs = [h.cost_high for h in hh]
    assert highs == sorted(highs, reverse=True)
    return hh, listed


def test_capped_grouping_names_its_heavy_hitters(book):
    stream = skewed_users(3, 3000)
    rollup = llmcost.Rollup(CAPPED)
    truth = cost_of(book, rollup, stream, EARLY)
    snap = rollup.snapshot()
    infos = snap.groupings()
    user = next(g for g in infos if g["dims"] == ["user"])
    assert (user["max_groups"], user["heavy_hitters"]) == (5, 8)
    assert user["overflow_groups"] == 1 and user["groups"] == 6
    assert user["overflow_requests"] == len(stream)
    assert user["overflow_cost"] == sum(truth.values()) - \
        sum(truth["early%d" % i] for i in range(5))
    overflow = [g for g in snap.groups() if g["overflow"]]
    assert len(overflow) == 1 and overflow[0]["user"] == ""
    assert overflow[0]["total"] == user["overflow_cost"]

    hh, listed = check_heavy(snap, user["index"], truth)
    assert [h.key["user"] for h in hh[:3]] == ["whale", "orca", "shark"]
    # The early users have groups of their own, so exact low ends; any
    # of them may also hide in overflow up to the smallest counter m,
    # which is the bound on every key not listed.
    assert hh.unlisted_bound > 0
    for i in range(5):
        early = listed["early%d" % i]
        assert early.cost_low == truth["early%d" % i]
        assert early.error == hh.unlisted_bound and not early.exact
    # The same bound as the snapshot's JSON form, and each counter there
    # holds its key's overflow cost within [count - error, count].
    js = snap.to_json()["groupings"][user["index"]]["overflow"]
    assert D(js["untracked_bound"]) == hh.unlisted_bound
    assert len(js["heavy_hitters"]) == 8
    for counter in js["heavy_hitters"]:
        who = counter["key"]["user"]
        count, error = D(counter["cost"]), D(counter["error"])
        assert count - error <= truth[who] <= count, who

    top = snap.heavy_hitters(user["index"], limit=2)
    assert [h.key["user"] for h in top] == ["whale", "orca"]
    assert top.unlisted_bound >= truth["shark"]
    assert len(snap.heavy_hitters(user["index"], limit=0)) == 0

    # An uncapped grouping is exact.
    team = next(g for g in infos if g["dims"] == ["team"])
    (only,) = snap.heavy_hitters(team["index"])
    assert only.key == {"team": "t"} and only.exact
    assert only.cost_low == sum(truth.values())


def test_merged_heavy_hitters_keep_their_bounds(book, tmp_path):
    a, b = llmcost.Rollup(CAPPED), llmcost.Rollup(CAPPED)
    ta = cost_of(book, a, skewed_users(21, 1500), EARLY)
    tb = cost_of(book, b, skewed_users(22, 1500), EARLY)
    truth = {u: ta.get(u, D(0)) + tb.get(u, D(0)) for u in set(ta) | set(tb)}
    # One replica's snapshot goes through a file, as a fleet's would.
    path = str(tmp_path / "b.snap")
    b.snapshot().save(path)
    merged = a.snapshot().merge(llmcost.Snapshot.from_file(path))
    user = next(g for g in merged.groupings() if g["dims"] == ["user"])
    hh, _ = check_heavy(merged, user["index"], truth)
    assert [h.key["user"] for h in hh[:3]] == ["whale", "orca", "shark"]


def test_heavy_hitters_errors(book):
    rollup = llmcost.Rollup(CAPPED)
    cost_of(book, rollup, EARLY)
    snap = rollup.snapshot()
    with pytest.raises(llmcost.LlmcostError) as e:
        snap.heavy_hitters(7)
    assert e.value.code == K.E_NOTFOUND
    assert "no grouping 7" in e.value.message
    with pytest.raises(ValueError):
        snap.heavy_hitters(0, limit=-1)
    # Under the cap every key is exact and nothing is unlisted.
    user = next(g for g in snap.groupings() if g["dims"] == ["user"])
    hh = snap.heavy_hitters(user["index"])
    assert len(hh) == 5 and all(h.exact for h in hh)
    assert hh.unlisted_bound == 0


# ---- rollup options and snapshot files -----------------------------------

def test_rollup_options_errors_carry_the_library_message():
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Rollup([{"dims": ["team"]}, {"dims": ["team"]}])
    assert e.value.code == K.E_CONFLICT and e.value.message
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Rollup([{"dims": ["user"], "max_groups": 1,
                         "heavy_hitters": K.HEAVY_MAX + 1}])
    assert e.value.code == K.E_RANGE
    too_many = [{"dims": ["team"], "bucket": b} for b in llmcost.BUCKETS]
    too_many += [{"dims": [d]} for d in llmcost.DIMS[1:]]
    too_many += [{"dims": ["team", d]} for d in llmcost.DIMS[1:4]]
    assert len(too_many) == K.GROUPING_MAX + 1
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Rollup(too_many)
    assert e.value.code == K.E_RANGE
    assert len(llmcost.Rollup(too_many[1:]).snapshot().groupings()) == \
        K.GROUPING_MAX
    with pytest.raises(ValueError):
        llmcost.Rollup([{"dims": ["nope"]}])


def test_snapshot_files_round_trip(book, tmp_path):
    rollup = llmcost.Rollup(CAPPED)
    cost_of(book, rollup, skewed_users(9, 200), EARLY)
    snap = rollup.snapshot()
    binary, text = str(tmp_path / "s.bin"), str(tmp_path / "s.json")
    snap.save(binary)
    snap.save(text, format="json")
    back = llmcost.Snapshot.from_file(binary)
    assert back.to_bytes() == snap.to_bytes()
    with open(binary, "rb") as f:
        assert f.read() == snap.to_bytes()
    with open(text) as f:
        assert json.load(f) == snap.to_json()
    assert back.heavy_hitters(0) == snap.heavy_hitters(0)
    with pytest.raises(ValueError):
        snap.save(binary, format="csv")
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Snapshot.from_file(str(tmp_path / "missing.bin"))
    assert e.value.code == K.E_IO and "missing.bin" in e.value.message
