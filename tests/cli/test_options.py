"""Exit codes, option parsing, help, version and presets."""
import json
import os
import re
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


def header_version():
    text = open(os.path.join(SOURCE, "include", "llmcost.h")).read()
    parts = [re.search(r"#define LLMCOST_VERSION_%s (\d+)" % k,
                       text).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def test_help_lists_commands_options_and_exit_codes():
    p = run("--help")
    assert p.returncode == 0
    out = p.stdout.decode()
    for word in ("ledger", "audit", "--prices", "--format", "--map",
                 "--where", "--csv", "--preset", "--model-alias",
                 "--strict", "-o", "Exit status", "10^11"):
        assert word in out, word
    assert run("audit", "--help").returncode == 0
    assert run("help").stdout == p.stdout


def test_version_is_the_header_version():
    p = run("--version")
    assert p.returncode == 0
    assert p.stdout.decode() == "llmcost %s\n" % header_version()


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate", "good.jsonl"],
    ["ledger"],
    ["ledger", "--bogus", "good.jsonl"],
    ["ledger", "--map", "nosuchfield=x", "good.jsonl"],
    ["ledger", "--map", "model", "good.jsonl"],
    ["ledger", "--map", "model=", "good.jsonl"],
    ["ledger", "--where", "=x", "good.jsonl"],
    ["ledger", "--format", "xml", "good.jsonl"],
    ["ledger", "--format", "text", "good.jsonl"],
    ["audit", "--format", "csv", "good.jsonl"],
    ["audit", "--preset", "nosuch", "good.jsonl"],
    ["audit", "--preset", "aider", "--preset", "aider", "good.jsonl"],
    ["audit", "--limit", "-3", "good.jsonl"],
    ["audit", "good.jsonl", "--prices"],
])
def test_usage_errors_exit_1(args):
    p = run(*args)
    assert p.returncode == 1, args
    assert p.stderr.startswith(b"llmcost: ") or args == []
    assert p.stdout == b""


def test_missing_input_file_exits_2():
    p = run("ledger", "--prices", BOOK, "no-such-file.jsonl")
    assert p.returncode == 2
    assert p.stderr.decode().startswith(
        "llmcost: no-such-file.jsonl: cannot open: No such file")


def test_bad_price_files_exit_2(tmp_path):
    bad = tmp_path / "bad.book"
    bad.write_text("format 1\nmodel x\nprice 2025-01-01 input=abc\n")
    p = run("ledger", "--prices", str(bad), "good.jsonl")
    assert p.returncode == 2
    assert p.stderr.decode().startswith("llmcost: %s: " % bad)
    assert b"line 3" in p.stderr
    p = run("ledger", "--prices", str(tmp_path / "absent.json"),
            "good.jsonl")
    assert p.returncode == 2
    notjson = tmp_path / "bad.json"
    notjson.write_text("{ not json")
    assert run("audit", "--prices", str(notjson),
               "good.jsonl").returncode == 2


def test_unwritable_output_exits_2(tmp_path):
    p = run("ledger", "--prices", BOOK, "-o",
            str(tmp_path / "no" / "dir" / "x.jsonl"), "good.jsonl")
    assert p.returncode == 2


def test_malformed_csv_header_exits_2():
    p = run("ledger", "--prices", BOOK, "--csv", "-",
            stdin=b'a,"b\n')
    assert p.returncode == 2
    assert p.stderr.decode().startswith("llmcost: stdin:1: malformed CSV")


def test_strict_exits_3_and_unpriced_is_not_an_error():
    assert run("ledger", "--prices", BOOK, "--strict",
               "bad.jsonl").returncode == 3
    # unpriced rows are not bad lines, even under --strict
    p = run("ledger", "--prices", BOOK, "--strict", "good.jsonl")
    assert p.returncode == 0


def test_options_after_files_and_equals_form():
    p = run("ledger", "good.jsonl", "--prices=" + BOOK, "--format=csv")
    assert p.returncode == 0
    assert p.stdout.startswith(b"source,request_id,")


def test_double_dash_ends_options(tmp_path):
    odd = tmp_path / "--strict"
    odd.write_bytes(b'{"model": "test-small", "input_tokens": 1}\n')
    p = subprocess.run([LLMCOST, "ledger", "--prices", BOOK, "--",
                        "--strict"], capture_output=True, cwd=tmp_path)
    assert p.returncode == 0
    assert json.loads(p.stdout)["source"] == "--strict:1"


def test_default_book_is_used_without_prices():
    p = run("audit", "--format", "json", "good.jsonl")
    assert p.returncode == 0
    prices = json.loads(p.stdout)["prices"]
    assert prices["default_book"] is True
    assert prices["keys"] > 0


def test_aider_preset():
    p = run("audit", "--prices", BOOK, "--preset", "aider", "--format",
            "json", "aider.jsonl")
    assert p.returncode == 0, p.stderr.decode()
    a = json.loads(p.stdout)
    acc = a["accounting"]
    assert (acc["lines"], acc["filtered"], acc["rows"], acc["priced"],
            acc["unpriced"], acc["rejected"]) == (5, 2, 3, 2, 1, 0)
    # 6187 * 3e-6 + 677 * 15e-6 = 0.028716; 1000 * 3e-6 + 100 * 15e-6
    # = 0.0045; total 0.033216
    assert a["totals"]["cost_usd"] == "0.033216"
    assert {u["user"]: u["cost_usd"] for u in a["by_user"]} == {
        "u-1": "0.028716", "u-2": "0.0045"}
    assert {f["feature"]: f["requests"] for f in a["by_feature"]} == {
        "diff": 2, "ask": 1}
    rec = a["reconciliation"]
    assert rec["reported_field"] == "properties.cost"
    # reported: 0.028716000000000002 + 0.0001 + 0.005
    assert rec["reported_usd"] == "0.033816000000000002"
    assert rec["ours_usd"] == "0.033216"
    assert rec["difference_usd"] == "-0.000600000000000002"
    models = {m["model"]: m for m in rec["models"]}
    claude = models["anthropic/claude-3-7-sonnet-20250219"]
    assert claude["agreeing_rows"] == 1
    assert claude["price_key"] == "claude-3-7-sonnet-20250219"
    assert claude["input_usd_per_million"] == "3"
    assert claude["output_usd_per_million"] == "15"
    assert models["openrouter/REDACTED"]["explanation"].startswith(
        "not priced: ")


def test_burstgpt_preset_equals_explicit_maps():
    preset = run("ledger", "--prices", BOOK, "--preset", "burstgpt",
                 "burst.csv")
    explicit = run("ledger", "--prices", BOOK,
                   "--map", "timestamp=Timestamp", "--map", "model=Model",
                   "--map", "input_tokens=Request tokens",
                   "--map", "output_tokens=Response tokens",
                   "--map", "feature_name=Log Type",
                   "--model-alias", "ChatGPT=gpt-3.5-turbo",
                   "--model-alias", "GPT-4=gpt-4", "burst.csv")
    assert preset.returncode == explicit.returncode == 0
    assert preset.stdout == explicit.stdout
    rows = [json.loads(x) for x in preset.stdout.decode().splitlines()]
    # 490 tokens * 2e-6 = 0.00098; 417 * 30e-6 + 276 * 60e-6 = 0.02907
    assert [r["cost_usd"] for r in rows] == ["0.00098", "0.02907"]
    assert [r["feature_name"] for r in rows] == ["Conversation log",
                                                 "API log"]
    assert "logged as 'ChatGPT'" in rows[0]["note"]


def test_explicit_map_overrides_preset():
    p = run("ledger", "--prices", BOOK, "--map",
            "output_tokens=Total tokens", "--preset", "burstgpt",
            "burst.csv")
    rows = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert rows[0]["output_tokens"] == 490
