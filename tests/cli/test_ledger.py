"""llmcost ledger: columns, exact costs, formats, timestamps, stdin, -o.

Prices come from tests/fixtures/cli/prices.book (USD per million tokens):
  test-large  from 2025-01-01: input 3, output 15, cache_read 0.30,
              cache_write_5m 3.75, cache_write_1h 6
              from 2025-06-01: input 2, output 10, cache_read 0.20, ...
  test-small  from 2024-01-01: input 0.15, output 0.60
Every expected cost below is worked out by hand in the comments.
"""
import csv
import io
import json
import os
import subprocess

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "cli")
BOOK = os.path.join(FIX, "prices.book")

COLUMNS = [
    "source", "request_id", "status", "reason", "reason_code",
    "timestamp", "team_id", "user_id", "feature_name", "provider",
    "model", "price_key", "match_rule", "input_tokens", "output_tokens",
    "cached_tokens", "cache_write_tokens", "cache_write_1h_tokens",
    "reasoning_tokens", "cost_usd", "list_cost_usd",
    "contracted_cost_usd", "effective_cost_usd", "input_cost_usd",
    "cache_read_cost_usd", "cache_write_5m_cost_usd",
    "cache_write_1h_cost_usd", "output_cost_usd", "reasoning_cost_usd",
    "input_audio_cost_usd", "input_image_cost_usd", "input_video_cost_usd",
    "output_audio_cost_usd", "output_image_cost_usd", "request_cost_usd",
    "web_search_cost_usd", "file_search_cost_usd",
    "reported_cost_usd", "flags", "note",
]


def run(*args, stdin=None, cwd=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], input=stdin,
                          capture_output=True, cwd=cwd or FIX)


def ledger(*args, stdin=None):
    p = run("ledger", "--prices", BOOK, *args, stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def test_jsonl_columns_in_order():
    rows = ledger("good.jsonl")
    assert len(rows) == 4
    for r in rows:
        assert list(r.keys()) == COLUMNS


def test_all_buckets_priced_exactly():
    # a1 on 2025-03-01 (first price of test-large):
    #   uncached input 10000-2000-1000-500 = 6500 * 3e-6  = 0.0195
    #   cache read     2000 * 0.3e-6                      = 0.0006
    #   5m writes      1000 * 3.75e-6                     = 0.00375
    #   1h writes       500 * 6e-6                        = 0.003
    #   text output    (3000-1000) * 15e-6                = 0.03
    #   reasoning      1000 * 15e-6 (billed as output)    = 0.015
    #   total                                             = 0.07185
    r = ledger("good.jsonl")[0]
    assert r["source"] == "good.jsonl:1"
    assert r["request_id"] == "a1"
    assert r["status"] == "priced"
    assert r["reason"] == "" and r["reason_code"] == ""
    assert r["timestamp"] == "2025-03-01T12:00:00Z"
    assert (r["team_id"], r["user_id"], r["feature_name"]) == (
        "search", "ann", "chat")
    assert r["provider"] == "acme"
    assert r["price_key"] == "test-large"
    assert r["match_rule"] == "exact"
    assert r["input_cost_usd"] == "0.0195"
    assert r["cache_read_cost_usd"] == "0.0006"
    assert r["cache_write_5m_cost_usd"] == "0.00375"
    assert r["cache_write_1h_cost_usd"] == "0.003"
    assert r["output_cost_usd"] == "0.03"
    assert r["reasoning_cost_usd"] == "0.015"
    assert r["cost_usd"] == "0.07185"
    assert r["reported_cost_usd"] == "0.07185"
    assert (r["input_tokens"], r["output_tokens"], r["cached_tokens"],
            r["cache_write_tokens"], r["cache_write_1h_tokens"],
            r["reasoning_tokens"]) == (10000, 3000, 2000, 1000, 500, 1000)


def test_price_history_and_alias_key():
    # a2 on 2025-07-01 through the alias test-large-latest, second price:
    #   1000 * 2e-6 + 100 * 10e-6 = 0.002 + 0.001 = 0.003
    r = ledger("good.jsonl")[1]
    assert r["timestamp"] == "2025-07-01T12:00:00Z"
    assert r["model"] == "test-large-latest"
    assert r["price_key"] == "test-large"
    assert r["cost_usd"] == "0.003"
    assert r["input_cost_usd"] == "0.002"
    assert r["output_cost_usd"] == "0.001"
    assert r["reported_cost_usd"] == "0.004"


def test_small_costs_have_no_float_noise():
    # a3: 1234 * 0.15e-6 = 0.0001851; 567 * 0.6e-6 = 0.0003402
    r = ledger("good.jsonl")[2]
    assert r["source"] == "good.jsonl:4"   # line 3 is blank, not a row
    assert r["cost_usd"] == "0.0005253"
    assert r["input_cost_usd"] == "0.0001851"
    assert r["output_cost_usd"] == "0.0003402"


def test_unknown_model_is_unpriced_not_zero():
    r = ledger("good.jsonl")[3]
    assert r["status"] == "unpriced"
    assert r["reason_code"] == "LLMCOST_E_UNPRICED"
    assert "mystery-9" in r["reason"]
    assert r["cost_usd"] is None
    assert r["input_cost_usd"] is None
    assert r["price_key"] is None
    assert r["input_tokens"] == 50


def test_three_timestamp_kinds_agree():
    # 1751371200 s, 1751371200000 ms and "2025-07-01 12:00:00" are one
    # instant; values above 10^11 are milliseconds.
    rows = ledger("good.jsonl")
    assert [r["timestamp"] for r in rows[1:]] == [
        "2025-07-01T12:00:00Z"] * 3


def test_epoch_fraction_and_negative_and_missing():
    lines = (
        '{"model": "test-small", "timestamp": 1751371200.25}\n'
        '{"model": "test-small", "timestamp": -1}\n'
        '{"model": "test-small"}\n'
        '{"model": "test-small", "timestamp": "1751371200"}\n'
        '{"model": "test-small", "timestamp": 100000000000}\n'
        '{"model": "test-small", "timestamp": 100000000001}\n')
    rows = ledger("-", stdin=lines.encode())
    assert [r["timestamp"] for r in rows] == [
        "2025-07-01T12:00:00.250Z", "1969-12-31T23:59:59Z", None,
        "2025-07-01T12:00:00Z", "5138-11-16T09:46:40Z",
        "1973-03-03T09:46:40.001Z"]


def test_csv_has_the_same_columns_and_values():
    p = run("ledger", "--prices", BOOK, "--format", "csv", "good.jsonl")
    assert p.returncode == 0
    text = p.stdout.decode()
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    assert len(rows) == 5
    first = dict(zip(COLUMNS, rows[1]))
    assert first["cost_usd"] == "0.07185"
    assert first["cache_write_1h_cost_usd"] == "0.003"
    assert first["reported_cost_usd"] == "0.07185"
    unpriced = dict(zip(COLUMNS, rows[4]))
    assert unpriced["cost_usd"] == ""
    assert unpriced["status"] == "unpriced"


def test_csv_output_quoting():
    # A team with a comma and a request id with quotes and a newline
    # survive a round trip through the RFC 4180 writer.
    line = json.dumps({"request_id": 'say "hi"\nbye', "team_id": "A, B",
                       "model": "test-small", "input_tokens": 1})
    p = run("ledger", "--prices", BOOK, "--format", "csv", "-",
            stdin=(line + "\n").encode())
    assert p.returncode == 0
    text = p.stdout.decode()
    assert '"say ""hi""\nbye"' in text
    assert '"A, B"' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    row = dict(zip(COLUMNS, rows[1]))
    assert row["request_id"] == 'say "hi"\nbye'
    assert row["team_id"] == "A, B"
    assert row["cost_usd"] == "0.00000015"


def test_stdin_and_output_file(tmp_path):
    data = open(os.path.join(FIX, "good.jsonl"), "rb").read()
    out = tmp_path / "ledger.jsonl"
    p = run("ledger", "--prices", BOOK, "-o", str(out), "-", stdin=data)
    assert p.returncode == 0
    assert p.stdout == b""
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["source"] for r in rows] == [
        "stdin:1", "stdin:2", "stdin:4", "stdin:5"]
    assert rows[0]["cost_usd"] == "0.07185"


def test_crlf_and_whitespace_lines_are_blank():
    rows = ledger("crlf.jsonl")
    # 10 * 0.15e-6 + 1 * 0.6e-6 = 0.0000021; 20*0.15e-6 + 2*0.6e-6
    assert [(r["source"], r["cost_usd"]) for r in rows] == [
        ("crlf.jsonl:1", "0.0000021"), ("crlf.jsonl:4", "0.0000042")]


def test_model_alias_rewrites_and_notes():
    line = b'{"model": "big", "input_tokens": 1000, "output_tokens": 0,' \
           b' "timestamp": "2025-03-01"}\n'
    p = run("ledger", "--prices", BOOK, "--model-alias", "big=test-large",
            "-", stdin=line)
    r = json.loads(p.stdout)
    assert r["model"] == "test-large"
    assert r["cost_usd"] == "0.003"
    assert "logged as 'big'" in r["note"]
    assert "--model-alias" in r["note"]


def test_reported_cost_float_noise_is_rounded_to_units():
    # 0.1 + 0.2 as a binary float prints 0.30000000000000004 (17 decimal
    # places: exact at 10^-18) and 1.2345678901234567e-05 has 21 decimal
    # places: it is rounded half away from zero to 18.
    lines = (b'{"model": "test-small", "reported_cost_usd": '
             b'0.30000000000000004}\n'
             b'{"model": "test-small", "reported_cost_usd": '
             b'1.2345678901234567e-05}\n')
    rows = ledger("-", stdin=lines)
    assert rows[0]["reported_cost_usd"] == "0.30000000000000004"
    assert rows[1]["reported_cost_usd"] == "0.000012345678901235"


def test_litellm_snapshots_with_dates():
    # old snapshot from 2025-05-31: 10e-6 / 40e-6; new from 2025-11-21:
    # 2e-6 / 8e-6.  1000 in + 100 out: 0.014 before, 0.0028 after.
    lines = (b'{"model": "test-large", "input_tokens": 1000, '
             b'"output_tokens": 100, "timestamp": "2025-06-15"}\n'
             b'{"model": "test-large", "input_tokens": 1000, '
             b'"output_tokens": 100, "timestamp": "2025-11-22"}\n'
             b'{"model": "test-large", "input_tokens": 1000, '
             b'"output_tokens": 100, "timestamp": "2025-01-01"}\n')
    p = run("ledger", "--prices", "2025-05-31=litellm_old.json",
            "--prices", "2025-11-21=litellm_new.json", "-", stdin=lines)
    assert p.returncode == 0, p.stderr.decode()
    rows = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert [r["cost_usd"] for r in rows] == ["0.014", "0.0028", "0.014"]
    assert rows[0]["flags"] == ""
    assert rows[2]["flags"] == "approximate"
