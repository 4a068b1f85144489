"""Acceptance runs on the public data in LLMCOST_SHARED_DATA.

Skipped when the data is absent.  Every expected number is computed here
independently, in Python with decimal.Decimal, from the raw files.
"""
import csv
import glob
import json
import os
import subprocess
from decimal import Decimal, ROUND_HALF_UP

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
PRICES = os.path.join(SHARED, "pricing", "litellm_model_prices.json")
OLD_PRICES = os.path.join(SHARED, "pricing",
                          "litellm_model_prices_2025-05-31.json")
AIDER = sorted(glob.glob(os.path.join(SHARED, "traces", "aider_analytics",
                                      "*.jsonl")))
BURST = os.path.join(SHARED, "traces", "burstgpt_slices",
                     "burstgpt_slice.csv")
UNIT = Decimal("1e-18")


SKIP_HINT = "configure with -DLLMCOST_SHARED_DATA=DIR"


def need(*paths):
    for p in paths:
        if not p or not os.path.exists(p):
            pytest.skip("shared data not available: %s (%s)" %
                        (p or "LLMCOST_SHARED_DATA", SKIP_HINT))
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)


def need_aider():
    if not AIDER:
        pytest.skip("shared data not available: aider analytics files "
                    "under %s (%s)" % (SHARED or "LLMCOST_SHARED_DATA",
                                       SKIP_HINT))


def run(*args):
    return subprocess.run([LLMCOST, *args], capture_output=True)


def aider_events():
    """(non-blank lines, message_send events) over every aider file."""
    lines, sends = 0, []
    for path in AIDER:
        with open(path, encoding="utf-8") as f:
            for text in f:
                if not text.strip():
                    continue
                lines += 1
                ev = json.loads(text, parse_float=Decimal)
                if ev.get("event") == "message_send":
                    sends.append(ev)
    return lines, sends


def aider_audit(*prices):
    args = ["audit", "--preset", "aider", "--format", "json"]
    for p in prices:
        args += ["--prices", p]
    p = run(*args, *AIDER)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


def test_aider_accounting_adds_up_to_message_send_lines():
    need(PRICES)
    need_aider()
    lines, sends = aider_events()
    a = aider_audit(PRICES)
    acc = a["accounting"]
    assert acc["lines"] == lines
    assert acc["rows"] == len(sends)
    assert acc["filtered"] == lines - len(sends)
    assert acc["priced"] + acc["unpriced"] + acc["rejected"] == len(sends)
    assert acc["rejected"] == 0
    assert a["totals"]["requests"] == len(sends)
    assert a["totals"]["input_tokens"] == sum(
        e["properties"]["prompt_tokens"] for e in sends)
    assert a["totals"]["output_tokens"] == sum(
        e["properties"]["completion_tokens"] for e in sends)


def test_aider_reconciliation_totals():
    need(PRICES)
    need_aider()
    _, sends = aider_events()
    a = aider_audit(PRICES)
    rec = a["reconciliation"]
    reported = sum(Decimal(e["properties"]["cost"]).quantize(
        UNIT, rounding=ROUND_HALF_UP) for e in sends)
    assert Decimal(rec["reported_usd"]) == reported
    # every request carries a logged cost, so "ours" is the whole total
    assert rec["ours_usd"] == a["totals"]["cost_usd"]
    assert Decimal(rec["difference_usd"]) == \
        Decimal(rec["ours_usd"]) - reported
    assert sum(m["rows"] for m in rec["models"]) == len(sends)
    assert sum(Decimal(m["ours_usd"]) for m in rec["models"]) == \
        Decimal(rec["ours_usd"])
    for view in ("by_user", "by_model", "by_feature"):
        assert sum(Decimal(r["cost_usd"]) for r in a[view]) == \
            Decimal(a["totals"]["cost_usd"])


def test_aider_priced_rows_match_the_table_by_hand():
    """Recompute every exact-key priced request from the LiteLLM rates."""
    need(PRICES)
    need_aider()
    table = json.load(open(PRICES), parse_float=Decimal)
    p = run("ledger", "--preset", "aider", "--prices", PRICES, *AIDER)
    assert p.returncode == 0
    checked = 0
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        if r["status"] != "priced" or r["match_rule"] != "exact":
            continue
        e = table[r["price_key"]]
        if any(k.startswith("input_cost_per_token_above") for k in e):
            continue
        want = (r["input_tokens"] * Decimal(e["input_cost_per_token"]) +
                r["output_tokens"] * Decimal(e["output_cost_per_token"]))
        assert Decimal(r["cost_usd"]) == want, r["source"]
        checked += 1
    assert checked > 1000


def test_aider_unpriced_models_are_listed_with_reasons():
    need(PRICES)
    need_aider()
    keys = {k.lower() for k in json.load(open(PRICES))}
    a = aider_audit(PRICES)
    unpriced = {u["model"]: u for u in a["unpriced"]}
    assert "openrouter/REDACTED" in unpriced
    for model, u in unpriced.items():
        assert model.lower() not in keys
        assert u["reason_code"] in ("LLMCOST_E_UNPRICED",
                                    "LLMCOST_E_NORATE")
        assert model in u["reason"] or u["reason_code"] != \
            "LLMCOST_E_UNPRICED"
    assert sum(u["requests"] for u in a["unpriced"]) == \
        a["accounting"]["unpriced"]


def test_aider_two_snapshots_price_o3_at_the_old_rate():
    # Every o3 request in the logs is before 2025-11-21, so with both
    # snapshots loaded it is priced from the 2025-05-31 table ($10/$40
    # per M); with the new table alone at $2/$8.
    need(PRICES, OLD_PRICES)
    need_aider()
    new = {m["model"]: m for m in
           aider_audit(PRICES)["reconciliation"]["models"]}
    both = {m["model"]: m for m in aider_audit(
        "2025-05-31=" + OLD_PRICES,
        "2025-11-21=" + PRICES)["reconciliation"]["models"]}
    if "o3" not in new:
        pytest.skip("no o3 requests in this copy of the aider logs")
    assert (new["o3"]["input_usd_per_million"],
            new["o3"]["output_usd_per_million"]) == ("2", "8")
    assert (both["o3"]["input_usd_per_million"],
            both["o3"]["output_usd_per_million"]) == ("10", "40")
    assert Decimal(both["o3"]["ours_usd"]) == \
        5 * Decimal(new["o3"]["ours_usd"])


def burst_expected():
    table = json.load(open(PRICES), parse_float=Decimal)
    names = {"ChatGPT": "gpt-3.5-turbo", "GPT-4": "gpt-4"}
    total = Decimal(0)
    rows = 0
    with open(BURST, newline="") as f:
        for r in csv.DictReader(f):
            e = table[names[r["Model"]]]
            total += int(r["Request tokens"]) * e["input_cost_per_token"]
            total += int(r["Response tokens"]) * e["output_cost_per_token"]
            rows += 1
    return rows, total


def test_burstgpt_preset_and_explicit_maps():
    need(PRICES, BURST)
    rows, total = burst_expected()
    preset = run("audit", "--preset", "burstgpt", "--prices", PRICES,
                 "--format", "json", BURST)
    explicit = run("audit", "--prices", PRICES, "--format", "json",
                   "--map", "timestamp=Timestamp", "--map", "model=Model",
                   "--map", "input_tokens=Request tokens",
                   "--map", "output_tokens=Response tokens",
                   "--map", "feature_name=Log Type",
                   "--model-alias", "ChatGPT=gpt-3.5-turbo",
                   "--model-alias", "GPT-4=gpt-4", BURST)
    assert preset.returncode == explicit.returncode == 0
    assert preset.stdout == explicit.stdout
    a = json.loads(preset.stdout)
    acc = a["accounting"]
    assert (acc["rows"], acc["priced"], acc["unpriced"],
            acc["rejected"]) == (rows, rows, 0, 0)
    assert Decimal(a["totals"]["cost_usd"]) == total
    assert {m["model"] for m in a["by_model"]} == {"gpt-3.5-turbo",
                                                   "gpt-4"}


def test_burstgpt_with_the_default_book():
    need(BURST)
    p = run("audit", "--preset", "burstgpt", BURST)
    assert p.returncode == 0, p.stderr.decode()
    out = p.stdout.decode()
    assert "rows                  400  = priced " in out
