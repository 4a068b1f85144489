"""llmcost prices lint: findings as a table or JSON, and the exit status.

tests/fixtures/cli/pricing/lint_small.json holds three chat models:
ok-model (input 3, output 15 USD/M: clean), dear-read (cache read 2 USD/M
above input 1) and cheap-output (output 1 USD/M below input 5).
clean.json holds ok-model alone.
"""
import json
import os
import subprocess

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "cli", "pricing")
SMALL = os.path.join(FIX, "lint_small.json")
CLEAN = os.path.join(FIX, "clean.json")


def run(*args):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], capture_output=True,
                          text=True, timeout=120)


def shared_table(name):
    path = os.path.join(SHARED, "pricing", name)
    if not SHARED or not os.path.exists(path):
        pytest.skip("shared price table %s not available" % name)
    return path


def rows(out):
    lines = out.splitlines()
    assert lines[0] == "file\tkind\tkey\tfield\tmessage"
    return [line.split("\t") for line in lines[1:]]


def test_small_fixture_text_findings_exit_4():
    r = run("prices", "lint", SMALL)
    assert r.returncode == 4, r.stderr
    assert rows(r.stdout) == [
        [SMALL, "cache_read_dear", "dear-read", "cache_read",
         "cache read 2 USD/M is dearer than input 1"],
        [SMALL, "output_cheap", "cheap-output", "output",
         "output 1 USD/M is cheaper than input 5 on a text model"],
    ]


def test_small_fixture_json():
    r = run("prices", "lint", "--format", "json", SMALL)
    assert r.returncode == 4, r.stderr
    found = json.loads(r.stdout)
    assert [(f["kind"], f["key"], f["field"]) for f in found] == [
        ("cache_read_dear", "dear-read", "cache_read"),
        ("output_cheap", "cheap-output", "output"),
    ]
    assert all(f["file"] == SMALL for f in found)


def test_clean_table_exits_0():
    r = run("prices", "lint", CLEAN)
    assert r.returncode == 0, r.stderr
    assert rows(r.stdout) == []
    r = run("prices", "lint", "--format=json", CLEAN)
    assert r.returncode == 0
    assert json.loads(r.stdout) == []


def test_several_files_keep_their_names():
    r = run("prices", "lint", "--format", "json", CLEAN, SMALL)
    assert r.returncode == 4
    assert {f["file"] for f in json.loads(r.stdout)} == {SMALL}


def test_missing_file_exits_2():
    r = run("prices", "lint", os.path.join(FIX, "no-such.json"))
    assert r.returncode == 2
    assert "cannot open" in r.stderr


def test_usage_errors_exit_1():
    assert run("prices").returncode == 1
    assert run("prices", "lint").returncode == 1
    assert run("prices", "lint", "--format", "xml", SMALL).returncode == 1
    assert run("prices", "lint", "--bogus", SMALL).returncode == 1


def test_shared_current_table_known_findings():
    path = shared_table("litellm_model_prices.json")
    r = run("prices", "lint", "--format", "json", path)
    assert r.returncode == 4, r.stderr
    found = {(f["kind"], f["key"], f["field"]): f["message"]
             for f in json.loads(r.stdout)}
    # Anthropic bills a 1-hour cache write at 2x input: 0.25 -> 0.50,
    # but the table says 6 USD/M.
    key = ("write_1h_multiple", "claude-3-haiku-20240307",
           "cache_write_1h")
    assert key in found
    assert "6 USD/M" in found[key] and "0.25" in found[key]


def test_shared_old_table_known_findings():
    path = shared_table("litellm_model_prices_2025-05-31.json")
    r = run("prices", "lint", "--format", "json", path)
    assert r.returncode == 4, r.stderr
    found = {(f["kind"], f["key"], f["field"]): f["message"]
             for f in json.loads(r.stdout)}
    assert found[("cache_write_cheap", "ft:gpt-4o-2024-11-20",
                  "cache_write_5m")] == \
        "cache write 1.875 USD/M is cheaper than input 3.75"
    assert found[("output_cheap", "gemini-1.5-flash-preview-0514",
                  "output")] == \
        "output 0.0046875 USD/M is cheaper than input 0.075 on a " \
        "text model"


# --contract: tests/fixtures/prices/acme.contract on contract.book
# (gpt-4o 2.50/10, claude-sonnet-4-5-20250929 3/15, other-model 1/2 USD/M),
# each request 1000 input + 1000 output tokens:
#   c1 gpt-4o 2025-06-01: list 0.0125; model term 30% -> 0.00875;
#      commitment 5% -> 0.0083125
#   c2 gpt-4o 2026-01-01: model term ended, openai 20% -> 0.01; 0.0095
#   c3 sonnet 4.5: list 0.003 + 0.015 = 0.018; fixed 2.40/12 ->
#      0.0024 + 0.012 = 0.0144; 5% -> 0.01368
#   c4 other-model: list 0.003; no discount -> 0.003; 5% -> 0.00285
BOOK = os.path.join(FIX, "contract.book")
LOG = os.path.join(FIX, "contract.jsonl")
ACME = os.path.join(SOURCE, "tests", "fixtures", "prices", "acme.contract")
EXPECT = {
    "c1": ("0.0125", "0.00875", "0.0083125"),
    "c2": ("0.0125", "0.01", "0.0095"),
    "c3": ("0.018", "0.0144", "0.01368"),
    "c4": ("0.003", "0.003", "0.00285"),
}


def ledger_rows(*extra):
    r = run("ledger", "--prices", BOOK, *extra, LOG)
    assert r.returncode == 0, r.stderr
    return {x["request_id"]: x for x in map(json.loads,
                                              r.stdout.splitlines())}


def test_ledger_contract_columns():
    got = ledger_rows("--contract", ACME)
    assert set(got) == set(EXPECT)
    for rid, (lst, con, eff) in EXPECT.items():
        r = got[rid]
        assert (r["cost_usd"], r["list_cost_usd"], r["contracted_cost_usd"],
                r["effective_cost_usd"]) == (lst, lst, con, eff), rid


def test_ledger_without_contract_three_costs_equal():
    got = ledger_rows()
    for rid, (lst, _, _) in EXPECT.items():
        r = got[rid]
        assert (r["list_cost_usd"], r["contracted_cost_usd"],
                r["effective_cost_usd"]) == (lst, lst, lst), rid


def test_ledger_unpriced_row_has_null_costs(tmp_path):
    log = tmp_path / "u.jsonl"
    log.write_text('{"request_id": "u1", "model": "nope", '
                   '"input_tokens": 1, "output_tokens": 1}\n')
    r = run("ledger", "--prices", BOOK, "--contract", ACME, str(log))
    assert r.returncode == 0, r.stderr
    row = json.loads(r.stdout)
    assert row["status"] == "unpriced"
    assert row["list_cost_usd"] is None
    assert row["contracted_cost_usd"] is None
    assert row["effective_cost_usd"] is None


def test_audit_json_totals_with_contract():
    r = run("audit", "--format", "json", "--prices", BOOK,
            "--contract", ACME, LOG)
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)["totals"]
    assert t["cost_usd"] == "0.046"
    assert t["list_cost_usd"] == "0.046"
    # 0.00875 + 0.01 + 0.0144 + 0.003
    assert t["contracted_cost_usd"] == "0.03615"
    # 0.0083125 + 0.0095 + 0.01368 + 0.00285
    assert t["effective_cost_usd"] == "0.0343425"


def test_audit_without_contract_has_no_contract_totals():
    r = run("audit", "--format", "json", "--prices", BOOK, LOG)
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)["totals"]
    assert "contracted_cost_usd" not in t
    r = run("audit", "--prices", BOOK, LOG)
    assert "contracted" not in r.stdout


def test_audit_text_totals_with_contract():
    r = run("audit", "--prices", BOOK, "--contract", ACME, LOG)
    assert r.returncode == 0, r.stderr
    lines = [" ".join(x.split()) for x in r.stdout.splitlines()]
    assert "list 0.0460" in lines
    assert "contracted 0.0362" in lines
    assert "effective 0.0343" in lines


# --usage-shape: shape_SHAPE.jsonl logs one request in each provider's
# usage shape under "response.usage": 10000 input tokens of which 2000
# cache reads, 500 output tokens (100 of them reasoning where the shape
# reports it).  On shapes.book (shape-model: input 3, output 15,
# cache_read 0.30 USD/M): 8000 x 3/M + 2000 x 0.30/M + 500 x 15/M
# = 0.024 + 0.0006 + 0.0075 = 0.0321 in every shape.
SHAPES_BOOK = os.path.join(FIX, "shapes.book")
SHAPES = ["openai-chat", "openai-responses", "anthropic", "gemini",
          "bedrock", "otel"]


def one_row(*args):
    r = run("ledger", "--prices", SHAPES_BOOK, *args)
    assert r.returncode == 0, r.stderr
    return [json.loads(x) for x in r.stdout.splitlines()]


@pytest.mark.parametrize("shape", SHAPES)
def test_usage_shape_same_cost(shape):
    path = os.path.join(FIX, "shape_%s.jsonl" % shape)
    (row,) = one_row("--usage-shape", shape, "--map",
                     "usage=response.usage", path)
    assert row["status"] == "priced", row["reason"]
    assert (row["input_tokens"], row["cached_tokens"],
            row["cache_write_tokens"], row["output_tokens"]) == \
        (10000, 2000, 0, 500)
    assert row["cost_usd"] == "0.0321"
    assert row["input_cost_usd"] == "0.024"
    assert row["cache_read_cost_usd"] == "0.0006"


def test_usage_shape_without_map_reads_the_line():
    # w1: Anthropic usage at the top level (input excludes cache reads);
    # w2: a negative output count is rejected, not priced.
    rows = one_row("--usage-shape", "anthropic",
                   os.path.join(FIX, "shape_whole.jsonl"))
    assert rows[0]["status"] == "priced"
    assert rows[0]["input_tokens"] == 10000
    assert rows[0]["cost_usd"] == "0.0321"
    assert rows[1]["status"] == "rejected"
    assert rows[1]["reason_code"] == "LLMCOST_E_NEGATIVE"


def test_usage_shape_missing_object_rejects_row():
    (row,) = one_row("--usage-shape", "gemini", "--map", "usage=nowhere",
                     os.path.join(FIX, "shape_gemini.jsonl"))
    assert row["status"] == "rejected"
    assert "no usage at 'nowhere'" in row["reason"]


def test_unknown_usage_shape_is_usage_error():
    r = run("ledger", "--prices", SHAPES_BOOK, "--usage-shape", "nope",
            os.path.join(FIX, "shape_gemini.jsonl"))
    assert r.returncode == 1
    assert "unknown shape 'nope'" in r.stderr


# --deployment: prod-chat is gpt-4o-2024-08-06 (2.50/10 USD/M); 1000 +
# 1000 tokens = 0.0025 + 0.01 = 0.0125, logged bare and as azure/.
def test_deployment_maps_to_model():
    rows = one_row("--deployment", "prod-chat=gpt-4o-2024-08-06",
                   os.path.join(FIX, "deploy.jsonl"))
    for row in rows:
        assert row["status"] == "priced", row["reason"]
        assert row["price_key"] == "gpt-4o-2024-08-06"
        assert row["match_rule"] == "deployment"
        assert row["cost_usd"] == "0.0125"


def test_without_deployment_rows_are_unpriced():
    rows = one_row(os.path.join(FIX, "deploy.jsonl"))
    assert [r["status"] for r in rows] == ["unpriced", "unpriced"]


def test_deployment_to_unknown_key_is_usage_error():
    r = run("ledger", "--prices", SHAPES_BOOK, "--deployment",
            "prod-chat=nope", os.path.join(FIX, "deploy.jsonl"))
    assert r.returncode == 1
    assert "no price key 'nope'" in r.stderr
    r = run("ledger", "--prices", SHAPES_BOOK, "--deployment", "prod-chat",
            os.path.join(FIX, "deploy.jsonl"))
    assert r.returncode == 1


def test_map_usage_needs_usage_shape():
    path = os.path.join(FIX, "shape_gemini.jsonl")
    r = run("ledger", "--prices", SHAPES_BOOK, "--map",
            "usage=response.usage", path)
    assert r.returncode == 1
    assert "needs --usage-shape" in r.stderr
    r = run("ledger", "--prices", SHAPES_BOOK, "--usage-shape", "gemini",
            "--map", "usage=", path)
    assert r.returncode == 1
    assert "KEY=VALUE with both non-empty" in r.stderr
