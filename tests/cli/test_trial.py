"""Regressions for the new-user trial: what the audit tells a reader.

U1 reconciliation rates of the rows that differ, U2 approximate and
fallback prices counted, U3 --limit on the reconciliation, U4 an exact team
median, U5 the period line, U6 rows against requests, U7 cost by day, U8
skip reasons visible under ctest.

Prices: tests/fixtures/cli/prices.book (USD per million tokens):
  test-large  from 2025-01-01 input 3, output 15, cache_read 0.30
              from 2025-06-01 input 2, output 10, cache_read 0.20
  test-small  from 2024-01-01 input 0.15, output 0.60
"""
import json
import os
import subprocess
import sys

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "cli")
BOOK = os.path.join(FIX, "prices.book")


def run(*args, stdin=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], input=stdin,
                          capture_output=True, cwd=FIX)


def lines(*rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def audit(*args, stdin=None):
    p = run("audit", "--prices", BOOK, *args, stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout.decode()


def audit_json(*args, stdin=None):
    return json.loads(audit("--format", "json", *args, stdin=stdin))


def section(text, title):
    start = text.index("\n" + title) + 1
    end = text.find("\n\n", start)
    return text[start:end if end >= 0 else len(text)].splitlines()


# ---- U1: the rates of the rows that differ ---------------------------------

# r1 on the first price with 400 cached: 600 * 3e-6 + 400 * 0.3e-6 +
# 100 * 15e-6 = 0.0018 + 0.00012 + 0.0015 = 0.00342, logged 0.005;
# r2 on the second price: 1000 * 2e-6 + 100 * 10e-6 = 0.003, logged 0.004;
# r3 the same, logged 0.003: agrees.
SPAN = lines(
    {"timestamp": "2025-03-01T10:00:00Z", "model": "test-large",
     "input_tokens": 1000, "cached_tokens": 400, "output_tokens": 100,
     "reported_cost_usd": 0.005},
    {"timestamp": "2025-07-01T10:00:00Z", "model": "test-large",
     "input_tokens": 1000, "output_tokens": 100, "reported_cost_usd": 0.004},
    {"timestamp": "2025-07-02T10:00:00Z", "model": "test-large",
     "input_tokens": 1000, "output_tokens": 100, "reported_cost_usd": 0.003})


def test_recon_shows_each_price_version_of_the_differing_rows():
    a = audit_json("-", stdin=SPAN)
    m = a["reconciliation"]["models"][0]
    assert (m["rows"], m["agreeing_rows"]) == (3, 1)
    assert m["ours_usd"] == "0.00942"
    assert m["explanation"] == (
        "reported differs from our price on 2 of 3 priced rows: ours "
        "1 row at $3/$15 per M input/output tokens, cache read $0.3 "
        "(key test-large, price from 2025-01-01); 1 row at $2/$10 per M "
        "input/output tokens (key test-large, price from 2025-06-01); on "
        "those, reported/ours = 1.40")
    rates = [(r["price_valid_from"], r["rows"], r["differing_rows"],
              r.get("input_usd_per_million"),
              r.get("output_usd_per_million"),
              r.get("cache_read_usd_per_million")) for r in m["rates"]]
    assert rates == [
        ("2025-01-01T00:00:00Z", 1, 1, "3", "15", "0.3"),
        ("2025-06-01T00:00:00Z", 2, 1, "2", "10", None)]


def test_recon_rates_are_those_of_the_rows_not_of_the_last_request():
    # Rows priced on the old price, then an agreeing row on the new one:
    # the rates shown are the old ones, where the difference is.
    data = lines(
        {"timestamp": "2025-03-01", "model": "test-large",
         "input_tokens": 1000, "output_tokens": 0,
         "reported_cost_usd": 0.01},
        {"timestamp": "2025-03-02", "model": "test-large",
         "input_tokens": 1000, "output_tokens": 0,
         "reported_cost_usd": 0.01},
        {"timestamp": "2025-08-01", "model": "test-large",
         "input_tokens": 1000, "output_tokens": 0,
         "reported_cost_usd": 0.002})
    m = audit_json("-", stdin=data)["reconciliation"]["models"][0]
    assert (m["input_usd_per_million"], m["output_usd_per_million"]) == (
        "3", "15")
    assert "2 rows at $3/$15 per M" in m["explanation"]
    assert "$2/$10" not in m["explanation"]


# ---- U2: approximate and fallback prices are counted -----------------------

def test_pricing_flags_count_rows_cost_and_notes():
    # 1970 predates every price: both rows are priced approximately.
    # 472 * 0.15e-6 + 18 * 0.6e-6 = 0.0000816;
    # 417 * 3e-6 + 276 * 15e-6 = 0.005391
    args = ["--map", "timestamp=Timestamp", "--map", "model=Model",
            "--map", "input_tokens=Request tokens",
            "--map", "output_tokens=Response tokens",
            "--model-alias", "ChatGPT=test-small",
            "--model-alias", "GPT-4=test-large", "burst.csv"]
    flags = {f["flag"]: f for f in audit_json(*args)["pricing_flags"]}
    assert set(flags) == {"approximate", "fallback", "long_context",
                          "unrated"}
    approx = flags["approximate"]
    assert (approx["rows"], approx["requests"], approx["cost_usd"]) == (
        2, 2, "0.0054726")
    assert approx["notes"] == [
        "request predates the first known price of test-small",
        "request predates the first known price of test-large"]
    assert flags["fallback"]["rows"] == 0
    rows = section(audit(*args), "Pricing flags")
    assert rows[2].split()[:4] == ["approximate", "2", "2", "0.0055"]


def test_no_pricing_flags_says_none():
    assert section(audit("good.jsonl"), "Pricing flags")[1] == "  none"


# ---- U3: --limit on the reconciliation -------------------------------------

def test_recon_table_obeys_limit():
    data = lines(*({"model": m, "input_tokens": 1000,
                    "reported_cost_usd": cost}
                   for m, cost in (("test-small", 0.1), ("m1", 0.2),
                                   ("m2", 0.3))))
    rows = section(audit("--limit", "1", "-", stdin=data),
                   "Reconciliation")
    table = [r.split()[:2] for r in rows[3:]]
    # largest difference first: m2 (0.3 unpriced)
    assert table == [["m2", "1"], ["(2", "more)"], ["total", "3"]]
    assert rows[-1].split()[2:5] == ["0.000150", "0.600000", "-0.599850"]


# ---- U4: an exact team median ----------------------------------------------

def test_team_median_is_exact_and_the_ratio_uses_exact_values():
    # team t: a sends 1 and 2 input tokens (1.5 per request, 1 when
    # rounded down), b sends 2.  Median of (1, 2) = 1.5; a's ratio
    # 1.5 / 1.5 = 1.00, b's 2 / 1.5 = 1.33.  A user with request_count 0
    # has no per-request size and is left out of the median.
    data = lines({"model": "test-small", "team_id": "t", "user_id": "a",
                  "input_tokens": 1},
                 {"model": "test-small", "team_id": "t", "user_id": "a",
                  "input_tokens": 2},
                 {"model": "test-small", "team_id": "t", "user_id": "b",
                  "input_tokens": 2},
                 {"model": "test-small", "team_id": "t", "user_id": "z",
                  "input_tokens": 9, "request_count": 0})
    users = {u["user"]: u for u in audit_json("-",
                                              stdin=data)["top_users"]}
    assert [users[u]["team_median_input_tokens_per_request"]
            for u in "abz"] == [1.5, 1.5, 1.5]
    rows = {r.split()[1]: r.split() for r in
            section(audit("-", stdin=data), "Top 10 users")[2:]}
    assert rows["a"][4:] == ["1", "1.5", "1.00x"]
    assert rows["b"][4:] == ["2", "1.5", "1.33x"]
    assert rows["z"][4:] == ["-", "1.5", "-"]


def test_team_median_of_an_odd_count_is_whole():
    data = lines(*({"model": "test-small", "team_id": "t", "user_id": u,
                    "input_tokens": n} for u, n in (("a", 10), ("b", 40),
                                                    ("c", 1000))))
    users = audit_json("-", stdin=data)["top_users"]
    assert {u["team_median_input_tokens_per_request"] for u in users} == {
        40}
    rows = {r.split()[1]: r.split() for r in
            section(audit("-", stdin=data), "Top 10 users")[2:]}
    assert rows["c"][4:] == ["1,000", "40.0", "25.00x"]


# ---- U5, U6: the accounting says what it counts ----------------------------

def test_period_line_says_rejected_rows_are_excluded():
    data = lines({"timestamp": "2025-03-01", "model": "test-small"},
                 {"timestamp": "2026-01-01", "model": "test-small",
                  "input_tokens": -1})
    out = audit("-", stdin=data)
    line = [x for x in out.splitlines() if x.startswith("  period")][0]
    assert line == ("  period         2025-03-01T00:00:00Z .. "
                    "2025-03-01T00:00:00Z (UTC; priced and unpriced rows, "
                    "rejected rows not included)")
    out = audit("-", stdin=lines({"model": "test-small"}))
    assert "(no priced or unpriced row has a timestamp)" in out


def test_rows_and_requests_are_different_units():
    data = lines({"model": "test-small", "input_tokens": 10,
                  "request_count": 3})
    out = audit("-", stdin=data)
    assert "  rows                    1  = priced 1 + unpriced 0 + " \
           "rejected 0" in out
    totals = section(out, "Totals")
    assert "requests are the sum of request_count" in totals[0]
    assert totals[1].split()[:2] == ["requests", "3"]
    a = audit_json("-", stdin=data)
    assert a["accounting"]["rows"] == 1 and "requests" not in a["accounting"]
    assert a["totals"]["requests"] == 3


# ---- U7: cost by UTC day ----------------------------------------------------

def test_cost_by_day():
    # good.jsonl: a1 on 2025-03-01 (0.07185); a2, a3 and the unpriced a4
    # on 2025-07-01 (0.003 + 0.0005253); one more row with no time.
    extra = open(os.path.join(FIX, "good.jsonl"), "rb").read() + lines(
        {"model": "test-small", "input_tokens": 1000})
    a = audit_json("-", stdin=extra)
    assert [(d["day"], d["requests"], d["unpriced_requests"], d["cost_usd"])
            for d in a["by_day"]] == [
        ("2025-03-01", 1, 0, "0.07185"), ("2025-07-01", 3, 1, "0.0035253"),
        (None, 1, 0, "0.00015")]
    rows = section(audit("-", stdin=extra), "Cost by day (UTC)")
    assert [r.split()[0] for r in rows[2:]] == [
        "2025-03-01", "2025-07-01", "(no", "total"]


# ---- U8: skip reasons under ctest -------------------------------------------

def test_acceptance_skips_say_how_to_configure(tmp_path):
    env = dict(os.environ, LLMCOST_SHARED_DATA=str(tmp_path / "absent"))
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs",
                        "-p", "no:cacheprovider",
                        os.path.join(SOURCE, "tests", "cli",
                                     "test_acceptance.py")],
                       capture_output=True, env=env)
    out = p.stdout.decode()
    assert p.returncode == 0, out
    assert "SKIPPED" in out
    assert "configure with -DLLMCOST_SHARED_DATA=DIR" in out
    cmake = open(os.path.join(SOURCE, "tests", "CMakeLists.txt")).read()
    assert "-rs" in cmake
