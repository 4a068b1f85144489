"""llmcost audit: accounting, exact JSON, rounded tables, reconciliation.

good.jsonl priced with tests/fixtures/cli/prices.book (see test_ledger.py
for the per-row arithmetic):
  a1 search/ann  test-large         0.07185   reported 0.07185
  a2 search/bob  test-large-latest  0.003     reported 0.004
  a3 ads/ann     test-small         0.0005253
  a4 ads/cy      mystery-9          unpriced  reported 0.001
"""
import json
import os
import subprocess

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


def audit_json(*args):
    p = run("audit", "--prices", BOOK, "--format", "json", *args)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


def audit_text(*args):
    p = run("audit", "--prices", BOOK, *args)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout.decode()


def test_json_accounting_adds_up():
    acc = audit_json("good.jsonl")["accounting"]
    assert acc == {
        "lines": 4, "blank_lines": 1, "filtered": 0, "rows": 4,
        "priced": 3, "unpriced": 1, "rejected": 0, "duplicates": 0,
        "first_timestamp": "2025-03-01T12:00:00Z",
        "last_timestamp": "2025-07-01T12:00:00Z"}


def test_json_totals_are_exact_strings():
    t = audit_json("good.jsonl")["totals"]
    # 0.07185 + 0.003 + 0.0005253
    assert t["cost_usd"] == "0.0753753"
    # input components: 0.0195 + 0.002 + 0.0001851
    assert t["input_cost_usd"] == "0.0216851"
    assert t["cache_read_cost_usd"] == "0.0006"
    assert t["cache_write_5m_cost_usd"] == "0.00375"
    assert t["cache_write_1h_cost_usd"] == "0.003"
    # output components: 0.03 + 0.001 + 0.0003402
    assert t["output_cost_usd"] == "0.0313402"
    assert t["reasoning_cost_usd"] == "0.015"
    assert (t["requests"], t["priced_requests"],
            t["unpriced_requests"]) == (4, 3, 1)
    assert (t["input_tokens"], t["output_tokens"], t["cached_tokens"],
            t["cache_write_tokens"], t["cache_write_1h_tokens"],
            t["reasoning_tokens"]) == (12284, 3672, 2000, 1000, 500, 1000)


def test_json_views_sorted_by_cost():
    a = audit_json("good.jsonl")
    assert [(r["team"], r["cost_usd"], r["requests"],
             r["unpriced_requests"]) for r in a["by_team"]] == [
        ("search", "0.07485", 2, 0), ("ads", "0.0005253", 2, 1)]
    assert [(r["user"], r["cost_usd"]) for r in a["by_user"]] == [
        ("ann", "0.0723753"), ("bob", "0.003"), ("cy", "0")]
    assert [(r["feature"], r["cost_usd"]) for r in a["by_feature"]] == [
        ("chat", "0.07485"), ("summary", "0.0005253"), ("", "0")]
    assert [(r["model"], r["cost_usd"]) for r in a["by_model"]] == [
        ("test-large", "0.07185"), ("test-large-latest", "0.003"),
        ("test-small", "0.0005253"), ("mystery-9", "0")]


def test_views_sum_to_the_total():
    from decimal import Decimal
    a = audit_json("good.jsonl")
    total = Decimal(a["totals"]["cost_usd"])
    for view in ("by_team", "by_user", "by_feature", "by_model"):
        assert sum(Decimal(r["cost_usd"]) for r in a[view]) == total
        assert sum(r["requests"] for r in a[view]) == 4


def test_top_users_with_team_median():
    users = audit_json("good.jsonl")["top_users"]
    # search: ann 10000 and bob 1000 input tokens per request: median
    # (1000 + 10000) / 2 = 5500; ads: ann 1234, cy 50: (50 + 1234) / 2
    assert [(u["team"], u["user"],
             u["team_median_input_tokens_per_request"]) for u in users] == [
        ("search", "ann", 5500), ("search", "bob", 5500),
        ("ads", "ann", 642), ("ads", "cy", 642)]


def test_json_unpriced_and_reconciliation():
    a = audit_json("good.jsonl")
    assert a["unpriced"] == [{
        "model": "mystery-9", "rows": 1, "requests": 1,
        "input_tokens": 50, "output_tokens": 5,
        "reason_code": "LLMCOST_E_UNPRICED",
        "reason": a["unpriced"][0]["reason"]}]
    assert "mystery-9" in a["unpriced"][0]["reason"]
    rec = a["reconciliation"]
    assert rec["ours_usd"] == "0.07485"
    assert rec["reported_usd"] == "0.07685"
    assert rec["difference_usd"] == "-0.002"
    models = {m["model"]: m for m in rec["models"]}
    assert models["test-large"]["agreeing_rows"] == 1
    latest = models["test-large-latest"]
    assert latest["agreeing_rows"] == 0
    assert latest["difference_usd"] == "-0.001"
    assert latest["input_usd_per_million"] == "2"
    assert latest["output_usd_per_million"] == "10"
    assert "ours $2/$10 per M" in latest["explanation"]
    assert "reported/ours = 1.33" in latest["explanation"]
    assert models["mystery-9"]["reported_unpriced_usd"] == "0.001"


def test_no_reported_cost_means_no_reconciliation():
    a = audit_json("crlf.jsonl")
    assert a["reconciliation"] is None
    assert "Reconciliation" not in audit_text("crlf.jsonl")


def test_text_accounting_line_and_rounding_notice():
    out = audit_text("good.jsonl")
    assert "rounded for display; exact totals in --format json" in out
    assert "rows                    4  = priced 3 + unpriced 1 + " \
           "rejected 0" in out
    assert "blank lines skipped, not counted: 1" in out
    # 0.0753753 to four decimals; 0.07485 rounds half away from zero
    assert "cost USD                             0.0754" in out
    lines = out.splitlines()
    team = [x for x in lines if x.startswith("  search ")][0]
    assert team.split() == ["search", "2", "0", "11,000", "3,100",
                            "0.0749", "0.037425", "99.30%"]
    for section in ("Cost by team", "Cost by user", "Cost by feature",
                    "Cost by model", "Top 10 users", "Unpriced models",
                    "Rejected rows", "Reconciliation"):
        assert section in out, section


def test_text_limit_folds_the_rest():
    out = audit_text("--limit", "1", "good.jsonl")
    lines = out.splitlines()
    start = lines.index("Cost by user")
    rows = [x.split() for x in lines[start + 2:start + 5]]
    assert rows[0][:2] == ["ann", "2"]
    assert rows[1][:3] == ["(2", "more)", "2"]
    assert rows[2][0] == "total"


def test_text_rejected_groups_show_examples():
    out = audit_text("bad.jsonl")
    line = [x for x in out.splitlines() if "LLMCOST_E_PARTS" in x][0]
    assert line.split()[0] == "1"
    assert "bad.jsonl:7" in line or "bad.jsonl:8" in line
    assert "rows                   12  = priced 2 + unpriced 0 + " \
           "rejected 10" in out


def test_where_filter_is_reported():
    a = audit_json("--where", "team_id=search", "good.jsonl")
    acc = a["accounting"]
    assert (acc["lines"], acc["filtered"], acc["rows"]) == (4, 2, 2)
    assert a["totals"]["cost_usd"] == "0.07485"
    assert "by --where team_id=search" in audit_text(
        "--where", "team_id=search", "good.jsonl")


def test_audit_output_file(tmp_path):
    out = tmp_path / "audit.json"
    p = run("audit", "--prices", BOOK, "--format", "json", "-o", str(out),
            "good.jsonl")
    assert p.returncode == 0 and p.stdout == b""
    assert json.loads(out.read_text())["totals"]["cost_usd"] == "0.0753753"


def test_many_files_and_order_do_not_change_totals():
    a = audit_json("good.jsonl", "crlf.jsonl", "bad.jsonl")
    b = audit_json("bad.jsonl", "good.jsonl", "crlf.jsonl")
    assert a["totals"] == b["totals"]
    # 0.0753753 + 0.0000063 (crlf) + 0.000063 (bad)
    assert a["totals"]["cost_usd"] == "0.0754446"
    acc = a["accounting"]
    assert acc["rows"] == acc["priced"] + acc["unpriced"] + \
        acc["rejected"] == 18
