"""Input handling: bad lines, --strict, accounting, CSV, --map/--where."""
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


def ledger(*args, stdin=None):
    p = run("ledger", "--prices", BOOK, *args, stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def audit_json(*args, stdin=None):
    p = run("audit", "--prices", BOOK, "--format", "json", *args,
            stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


# Every kind of bad line in bad.jsonl: (line, code, reason).
BAD = [
    (2, "LLMCOST_E_PARSE", "bad.jsonl:2: malformed JSON: "),
    (3, "LLMCOST_E_TYPE",
     "bad.jsonl:3: field input_tokens: expected an integer, got a string"),
    (4, "LLMCOST_E_NEGATIVE",
     "bad.jsonl:4: field input_tokens: negative count '-5'"),
    (5, "LLMCOST_E_INEXACT",
     "bad.jsonl:5: field output_tokens: expected an integer, got a "
     "fraction '10.5'"),
    (6, "LLMCOST_E_RANGE",
     "bad.jsonl:6: field input_tokens: integer out of range "
     "'9223372036854775808'"),
    (7, "LLMCOST_E_PARTS",
     "bad.jsonl:7: field input_tokens: cached_tokens 80 + "
     "cache_write_tokens 30 + cache_write_1h_tokens 0 exceed "
     "input_tokens 100"),
    (8, "LLMCOST_E_PARTS",
     "bad.jsonl:8: field output_tokens: reasoning_tokens 11 exceed "
     "output_tokens 10"),
    (9, "LLMCOST_E_TYPE", "bad.jsonl:9: expected a JSON object"),
    (10, "LLMCOST_E_PARSE",
     "bad.jsonl:10: field timestamp: expected epoch seconds, epoch "
     "milliseconds or an RFC 3339 time, got 'yesterday'"),
    (11, "LLMCOST_E_TYPE",
     "bad.jsonl:11: field model: expected a string, got a boolean"),
]


def test_every_bad_line_kind_has_file_line_and_reason():
    rows = ledger("bad.jsonl")
    assert len(rows) == 12
    by_line = {int(r["source"].split(":")[1]): r for r in rows}
    for line, code, reason in BAD:
        r = by_line[line]
        assert r["status"] == "rejected", line
        assert r["reason_code"] == code, line
        if reason.endswith(": "):
            assert r["reason"].startswith(reason), r["reason"]
        else:
            assert r["reason"] == reason
        assert r["cost_usd"] is None
    assert by_line[1]["status"] == "priced"
    assert by_line[12]["status"] == "priced"


def test_rejected_row_keeps_what_could_be_read():
    r = ledger("bad.jsonl")[6]           # the cache parts line
    assert r["input_tokens"] == 100
    assert r["cached_tokens"] == 80
    r = ledger("bad.jsonl")[2]           # input_tokens was a string
    assert r["input_tokens"] is None
    assert r["output_tokens"] == 10
    assert r["model"] == "test-small"


def test_ledger_warns_about_rejected_rows_on_stderr():
    p = run("ledger", "--prices", BOOK, "bad.jsonl")
    assert p.returncode == 0
    assert b"10 of 12 rows rejected" in p.stderr


def test_strict_stops_at_the_first_bad_line():
    p = run("ledger", "--prices", BOOK, "--strict", "bad.jsonl")
    assert p.returncode == 3
    err = p.stderr.decode()
    assert err.startswith("llmcost: bad.jsonl:2: malformed JSON")
    out = p.stdout.decode().splitlines()
    assert len(out) == 1                 # the good line before it
    p = run("audit", "--prices", BOOK, "--strict", "bad.jsonl")
    assert p.returncode == 3


def test_strict_on_good_input_is_fine():
    p = run("ledger", "--prices", BOOK, "--strict", "good.jsonl")
    assert p.returncode == 0


def test_counts_add_up_and_totals_skip_rejected():
    a = audit_json("bad.jsonl")
    acc = a["accounting"]
    assert acc["lines"] == 12
    assert acc["rows"] == 12
    assert acc["priced"] == 2 and acc["unpriced"] == 0
    assert acc["rejected"] == 10
    assert acc["rows"] == acc["priced"] + acc["unpriced"] + \
        acc["rejected"]
    # ok1 100/10 and ok2 200/20 on test-small:
    # 300 * 0.15e-6 + 30 * 0.6e-6 = 0.000045 + 0.000018 = 0.000063
    assert a["totals"]["cost_usd"] == "0.000063"
    assert a["totals"]["input_tokens"] == 300
    groups = {(g["reason_code"], g["what"]): g for g in a["rejected"]}
    assert groups[("LLMCOST_E_PARTS", "field input_tokens")]["rows"] == 1
    assert groups[("LLMCOST_E_TYPE", "field input_tokens")][
        "examples"] == ["bad.jsonl:3"]
    assert sum(g["rows"] for g in a["rejected"]) == 10


def test_blank_lines_are_not_rows():
    a = audit_json("crlf.jsonl")
    assert a["accounting"]["lines"] == 2
    assert a["accounting"]["blank_lines"] == 2
    assert a["accounting"]["rows"] == 2


def test_map_and_where_on_nested_json():
    args = ["--where", "event=call", "--where", "tier=2",
            "--map", "team_id=ctx.team.name", "--map", "user_id=ctx.who",
            "--map", "input_tokens=usage.in",
            "--map", "output_tokens=usage.out",
            "--map", "cached_tokens=usage.parts.0.cached",
            "--map", "model=llm.name", "--map", "timestamp=at"]
    rows = ledger(*args, "nested.jsonl")
    # tier 2 matches the number 2 (line 3) and the string "2" (line 5).
    assert [r["source"] for r in rows] == ["nested.jsonl:3",
                                           "nested.jsonl:5"]
    # 10 * 0.15e-6 + 2 * 0.6e-6 = 0.0000015 + 0.0000012
    assert rows[0]["cost_usd"] == "0.0000027"
    assert rows[0]["team_id"] == "ads" and rows[0]["user_id"] == "bob"
    assert rows[1]["status"] == "unpriced"
    a = audit_json(*args, "nested.jsonl")
    assert a["accounting"]["lines"] == 5
    assert a["accounting"]["filtered"] == 3
    assert a["accounting"]["rows"] == 2


def test_array_index_in_path():
    # line 1: 1000 in with 400 cached at the 2025-06-01 test-large price:
    # 600 * 2e-6 + 400 * 0.2e-6 + 200 * 10e-6 = 0.0012 + 0.00008 + 0.002
    rows = ledger("--where", "event=call", "--map", "model=llm.name",
                  "--map", "input_tokens=usage.in",
                  "--map", "output_tokens=usage.out",
                  "--map", "cached_tokens=usage.parts.0.cached",
                  "--map", "timestamp=at", "nested.jsonl")
    assert rows[0]["cached_tokens"] == 400
    assert rows[0]["cost_usd"] == "0.00328"


def test_csv_input_rfc4180():
    rows = ledger("quoted.csv")
    assert [r["source"] for r in rows] == [
        "quoted.csv:2", "quoted.csv:3", "quoted.csv:6", "quoted.csv:7",
        "quoted.csv:8", "quoted.csv:9"]
    # quoted comma kept; 1000 * 0.15e-6 + 100 * 0.6e-6 = 0.00021
    assert rows[0]["team_id"] == "Search, Inc."
    assert rows[0]["cost_usd"] == "0.00021"
    # a quoted field spanning two lines (CRLF inside quotes): one record
    assert rows[1]["request_id"] == "c2"
    assert rows[1]["cost_usd"] == "0.004"
    # CSV cells are text: a number that is not one is a parse error
    assert rows[2]["reason"] == (
        "quoted.csv:6: field output_tokens: expected an integer, got 'x'")
    assert rows[3]["reason"] == (
        "quoted.csv:7: malformed CSV: text after a closing quote")
    assert rows[4]["reason"] == (
        "quoted.csv:8: malformed CSV: expected 6 fields, got 4")
    # empty cells are missing values
    assert rows[5]["team_id"] is None
    assert rows[5]["cost_usd"] == "0.00000375"


def test_csv_flag_on_stdin_and_unterminated_quote():
    data = b'model,input_tokens\ntest-small,10\n"test-small,5\n'
    rows = ledger("--csv", "-", stdin=data)
    assert rows[0]["cost_usd"] == "0.0000015"
    assert rows[1]["status"] == "rejected"
    assert rows[1]["reason"] == ("stdin:3: malformed CSV: quoted field "
                                 "not closed before the end of input")


def test_csv_map_uses_column_names():
    rows = ledger("--map", "timestamp=Timestamp", "--map", "model=Model",
                  "--map", "input_tokens=Request tokens",
                  "--map", "output_tokens=Response tokens",
                  "--model-alias", "ChatGPT=test-small",
                  "--model-alias", "GPT-4=test-large", "burst.csv")
    # 472 * 0.15e-6 + 18 * 0.6e-6 = 0.0000708 + 0.0000108
    assert rows[0]["cost_usd"] == "0.0000816"
    assert rows[0]["timestamp"] == "1970-01-01T00:00:05Z"
    # 1970 predates every test-large price: the first one, approximate.
    # 417 * 3e-6 + 276 * 15e-6 = 0.001251 + 0.00414
    assert rows[1]["cost_usd"] == "0.005391"
    assert "approximate" in rows[1]["flags"]


def test_missing_csv_column_is_missing_value():
    data = b'model\ntest-small\n'
    rows = ledger("--csv", "-", stdin=data)
    assert rows[0]["input_tokens"] == 0
    assert rows[0]["cost_usd"] == "0"


def test_string_fields_take_number_text():
    rows = ledger("-", stdin=b'{"model": "test-small", "team_id": 42, '
                               b'"user_id": 1e3}\n')
    assert rows[0]["team_id"] == "42"
    assert rows[0]["user_id"] == "1e3"


def test_long_line():
    pad = "x" * 300000
    line = json.dumps({"model": "test-small", "input_tokens": 7,
                       "request_id": pad}) + "\n"
    rows = ledger("-", stdin=line.encode())
    assert rows[0]["request_id"] == pad
    assert rows[0]["cost_usd"] == "0.00000105"


def test_invalid_utf8_in_csv_becomes_replacement_char():
    rows = ledger("--csv", "-", stdin=b'model,team_id\ntest-small,a\xffb\n')
    assert rows[0]["team_id"] == "a\ufffdb"
