"""Tests of the Python bindings.  Run with LLMCOST_LIBRARY naming the
built libllmcost.so (tests/bindings does this under ctest)."""
import decimal
import json
import os
import threading

import pytest

import llmcost
from llmcost import constants as K
from conftest import VECTORS

D = decimal.Decimal


@pytest.fixture
def book():
    with llmcost.Prices.from_file(os.path.join(VECTORS, "prices.book")) \
            as prices:
        yield prices


def vector_cost(prices, v):
    rec = llmcost.Record(**v["record"])
    if "usage" in v:
        rec.parse_usage(v["usage"]["shape"], v["usage"]["object"])
    try:
        return prices.price_record(rec)
    except llmcost.LlmcostError as e:
        return e


def test_shared_vectors_give_the_same_decimals(book):
    with open(os.path.join(VECTORS, "pricing.json")) as f:
        vectors = json.load(f)["vectors"]
    assert len(vectors) >= 15
    for v in vectors:
        got = vector_cost(book, v)
        want = v["expect"]
        if isinstance(got, llmcost.LlmcostError):
            assert got.name == want["status"], v["name"]
            continue
        assert got.status_name == want["status"], v["name"]
        if not got.priced:
            assert got.total is None
            continue
        assert str(got.total) == want["total"], v["name"]
        for name, amount in got.components.items():
            assert str(amount) == want["components"].get(name, "0"), \
                (v["name"], name)


def test_costs_are_decimals_never_floats(book):
    c = book.price(model="vec-chat", timestamp_ms=1740787200000,
                   input_tokens=3, output_tokens=7)
    assert isinstance(c.total, D)
    assert c.total == D("0.0000775")
    assert c.list_cost == c.contracted_cost == c.effective_cost == c.total
    assert c.price_key == "vec-chat" and c.rule == "exact"


def test_default_book_prices_gpt_4o():
    with llmcost.Prices() as p:
        assert len(p) > 50
        c = p.price(model="gpt-4o", timestamp_ms=1735689600000,
                    input_tokens=1000, cached_tokens=200,
                    output_tokens=500)
    assert c.total == D("0.00725")
    assert c.components["cache_read"] == D("0.00025")


def test_usage_shapes_convert_to_one_convention(book):
    gem = {"usageMetadata": {"promptTokenCount": 1000,
                             "candidatesTokenCount": 100,
                             "thoughtsTokenCount": 200,
                             "totalTokenCount": 1300}}
    c = book.price_usage("gemini", gem, model="vec-think",
                         timestamp_ms=1740787200000)
    # output = candidates + thoughts = 300, of which 200 reasoning:
    # 1000 * 0.15 + 100 * 0.60 + 200 * 3.50 per million.
    assert c.total == D("0.00091")
    assert c.record.output_tokens == 300
    assert c.record.reasoning_tokens == 200


def test_litellm_snapshots_build_a_price_history():
    # JSON text: the library reads the rates' decimal text exactly.
    old = ('{"m1": {"input_cost_per_token": 1e-06, '
           '"output_cost_per_token": 2e-06, '
           '"litellm_provider": "openai", "mode": "chat"}}')
    new = old.replace("1e-06", "5e-07")
    with llmcost.Prices(empty=True) as p:
        p.load_litellm(old, valid_from_ms=1735689600000)
        p.load_litellm(new, valid_from_ms=1738368000000)
        assert len(p) == 1
        before = p.price(model="m1", timestamp_ms=1738367999999,
                         input_tokens=10, output_tokens=10)
        after = p.price(model="m1", timestamp_ms=1738368000000,
                        input_tokens=10, output_tokens=10)
    assert before.total == D("0.00003")
    assert after.total == D("0.000025")


def test_errors_carry_code_name_and_detail(book):
    with pytest.raises(llmcost.LlmcostError) as e:
        book.price(model="vec-chat", input_tokens=1, output_tokens=1,
                   reasoning_tokens=2)
    assert e.value.code == K.E_PARTS == -7
    assert e.value.name == "LLMCOST_E_PARTS"
    assert "reasoning" in e.value.message
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Prices(empty=True).load_book("format 1\nbogus line\n")
    assert e.value.code == K.E_PARSE
    with pytest.raises(TypeError):
        llmcost.Record(input_tokens=1.5)
    with pytest.raises(TypeError):
        llmcost.Record(not_a_field=1)


def test_unpriced_is_not_zero(book):
    c = book.price(model="nope", input_tokens=5, output_tokens=5)
    assert not c.priced and c.total is None
    assert c.status == K.E_UNPRICED
    assert "nope" in c.note


def test_closed_handle_refuses_use():
    p = llmcost.Prices()
    p.close()
    p.close()
    with pytest.raises(ValueError):
        p.price(model="gpt-4o", input_tokens=1)


def test_rollup_groups_and_snapshot_round_trip(book):
    r = llmcost.Rollup([{"dims": ["team"], "bucket": "day"},
                        {"dims": ["model"]}])
    for team, n in (("a", 1000), ("b", 2000), ("a", 3000)):
        r.add(book.price(model="vec-chat", team=team,
                         timestamp_ms=1740787200000, input_tokens=n,
                         output_tokens=0))
    r.add(book.price(model="nope", team="b", input_tokens=1))
    groups = r.groups()
    by_team = {g["team"]: g for g in groups if g["grouping"] == 0
               and g["bucket_start_ms"] == 1740787200000}
    assert by_team["a"]["total"] == D("0.01")
    assert by_team["a"]["requests"] == 2
    by_model = {g["model"]: g for g in groups if g["grouping"] == 1}
    assert by_model["vec-chat"]["total"] == D("0.015")
    assert by_model["nope"]["unpriced_requests"] == 1
    assert by_model["nope"]["total"] == D("0")

    snap = r.snapshot()
    data = snap.to_bytes()
    back = llmcost.Snapshot.from_bytes(data)
    assert back.to_bytes() == data
    back.merge(snap)
    merged = {g["model"]: g for g in back.groups() if "model" in g}
    assert merged["vec-chat"]["total"] == D("0.03")
    assert merged["vec-chat"]["requests"] == 6
    assert back.to_json()["format"] == "llmcost-snapshot"
    with pytest.raises(llmcost.LlmcostError) as e:
        llmcost.Snapshot.from_bytes(data[:-1])
    assert e.value.code == K.E_PARSE


def test_tags_normalise_spellings():
    with llmcost.Tags() as t:
        t.add("team", "team-a", aliases=["ai-team-a"])
        assert t.normalise("team", "Team A") == "team-a"
        assert t.lookup("team", "teamA")["outcome"] == "canonical"
        assert t.lookup("team", "AI_Team_A")["outcome"] == "alias"
        assert t.lookup("team", "ops")["outcome"] == "unmapped"
        assert t.lookup("team", None)["outcome"] == "missing"
    assert llmcost.Tags.fold("ML Platform") == "ml-platform"


def run_requests(prices, rollup, items):
    for i in items:
        rollup.add(prices.price(model="vec-chat", team="t%d" % (i % 7),
                                timestamp_ms=1740787200000 + i,
                                input_tokens=i, cached_tokens=i // 3,
                                output_tokens=2 * i))


def test_threads_match_a_serial_run(book):
    items = list(range(1, 4001))
    serial = llmcost.Rollup()
    run_requests(book, serial, items)
    shared = llmcost.Rollup()
    threads = [threading.Thread(target=run_requests,
                                args=(book, shared, items[k::8]))
               for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    def key(g):
        return (g["team"], g["bucket_start_ms"])
    a = sorted(serial.groups(), key=key)
    b = sorted(shared.groups(), key=key)
    assert len(a) == 7
    assert [(key(g), g["total"], g["requests"]) for g in a] == \
        [(key(g), g["total"], g["requests"]) for g in b]
    assert sum(g["requests"] for g in b) == 4000


def test_library_version_matches_bindings():
    assert llmcost.library_version().split(".")[0] == \
        str(K.VERSION_MAJOR)
    assert os.path.exists(llmcost.library_path) or \
        llmcost.library_path.startswith("lib")


def test_unclosed_handles_are_freed_cleanly_at_exit():
    import subprocess
    import sys
    code = ("import llmcost\n"
            "p = llmcost.Prices(); r = llmcost.Rollup()\n"
            "r.add(p.price(model='gpt-4o', input_tokens=1))\n"
            "s = r.snapshot(); t = llmcost.Tags()\n"
            "g = [p, r, s, t]; g.append(g)\n"
            "print('done')\n")
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(llmcost.__file__)))
    env = dict(os.environ, PYTHONPATH=pkg)
    out = subprocess.run([sys.executable, "-c", code], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "done\n" and out.stderr == ""


def test_contract_gives_contracted_and_effective_costs(book):
    book.load_contract("format 1\n"
                       "discount provider=openai percent=20\n"
                       "commitment all percent=5\n")
    c = book.price(model="vec-chat", timestamp_ms=1740787200000,
                   input_tokens=1000, output_tokens=500)
    # List 0.0075; 20% off gives 0.006; 5% off that gives 0.0057.
    assert c.list_cost == c.total == D("0.0075")
    assert c.contracted_cost == D("0.006")
    assert c.effective_cost == D("0.0057")


def test_strings_with_a_nul_are_refused_not_cut(tmp_path):
    with pytest.raises(ValueError, match="team_id holds a NUL byte at 4"):
        llmcost.Record(team="team\0b")
    with pytest.raises(ValueError, match="file name"):
        llmcost.Snapshot.from_file(str(tmp_path / "a.snap") + "\0x")
    with pytest.raises(TypeError):
        llmcost.Snapshot.from_file(None)
    with llmcost.Prices() as p:
        with pytest.raises(ValueError, match="file name"):
            p.load_file(b"prices.json\0")
    snap = llmcost.Snapshot()
    target = tmp_path / "fleet.snap"
    with pytest.raises(ValueError):
        snap.save(str(target) + "\0.json", "json")
    assert not target.exists()
    # A path-like object is a file name too.
    snap.save(target)
    assert len(llmcost.Snapshot.from_file(target)) == 0
