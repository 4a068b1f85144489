"""Regressions for the hostile tester's findings, each fixed as a kind.

H1 an output that is an input, H2/H3 sums that overflow, H4 one bad row
spoiling the audit or a stale message, M5 hidden price diagnostics, M6 a
price file with no prices, M7 control characters in the text audit, M8
merged (team, user) pairs, M9 rounding of long decimals, and the low ones:
price-file sniffing, DATE=, CSV header lines and columns, --map paths,
--model-alias, read errors, duplicate keys and the 16 MiB line cap.
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

# 5e18 tokens: one row fits in int64, two rows' sum (1e19) does not.
BIG = 5000000000000000000


def run(*args, stdin=None, cwd=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], input=stdin,
                          capture_output=True, cwd=cwd or FIX)


def lines(*rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def audit_json(*args, stdin=None):
    p = run("audit", "--prices", BOOK, "--format", "json", *args,
            stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


def ledger(*args, stdin=None):
    p = run("ledger", "--prices", BOOK, *args, stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return [json.loads(x) for x in p.stdout.decode().splitlines()]


def accounting_adds_up(acc):
    assert acc["rows"] == acc["priced"] + acc["unpriced"] + acc["rejected"]


# ---- H1: the output is one of the inputs ---------------------------------

@pytest.mark.parametrize("command", ["ledger", "audit"])
def test_output_that_is_an_input_is_refused(tmp_path, command):
    data = open(os.path.join(FIX, "good.jsonl"), "rb").read()
    log = tmp_path / "log.jsonl"
    log.write_bytes(data)
    link = tmp_path / "link.jsonl"
    link.symlink_to(log)
    for out in (log, link):
        p = run(command, "--prices", BOOK, str(log), "-o", str(out))
        assert p.returncode == 2
        assert b"is the same file as the input" in p.stderr
        assert log.read_bytes() == data


def test_stdout_and_stdin_and_price_file_as_output(tmp_path):
    data = open(os.path.join(FIX, "good.jsonl"), "rb").read()
    log = tmp_path / "log.jsonl"
    log.write_bytes(data)
    # stdout appended to the input would feed the ledger its own rows
    with open(log, "ab") as out:
        p = subprocess.run([LLMCOST, "ledger", "--prices", BOOK, str(log)],
                           stdout=out, stderr=subprocess.PIPE)
    assert p.returncode == 2 and log.read_bytes() == data
    with open(log, "rb") as inp:
        p = subprocess.run([LLMCOST, "ledger", "--prices", BOOK, "-",
                            "-o", str(log)], stdin=inp,
                           capture_output=True)
    assert p.returncode == 2 and log.read_bytes() == data
    book = tmp_path / "p.book"
    book.write_bytes(open(BOOK, "rb").read())
    p = run("ledger", "--prices", str(book), str(log), "-o", str(book))
    assert p.returncode == 2
    assert book.read_bytes() == open(BOOK, "rb").read()
    # /dev/null is not a regular file: reading and writing it is fine
    assert run("ledger", "--prices", BOOK, "/dev/null", "-o",
               "/dev/null").returncode == 0


# ---- H2, H3, H4: sums that would overflow --------------------------------

@pytest.mark.parametrize("field,model", [
    ("input_tokens", "test-small"),       # priced rows
    ("input_tokens", "mystery-9"),        # unpriced rows
    ("request_count", "test-small"),
])
def test_int64_sums_reject_only_the_row_that_overflows(field, model):
    data = lines({"model": model, "user_id": "a", field: BIG},
                 {"model": model, "user_id": "b", field: BIG},
                 {"model": "test-small", "user_id": "c", "input_tokens": 7})
    a = audit_json("-", stdin=data)
    acc = a["accounting"]
    accounting_adds_up(acc)
    assert acc["rows"] == 3 and acc["rejected"] == 1
    assert a["rejected"] == [{
        "reason_code": "LLMCOST_E_OVERFLOW", "what": "field " + field,
        "rows": 1, "examples": ["stdin:2"],
        # what could be read of the rejected row
        "requests": BIG if field == "request_count" else 1,
        "input_tokens": BIG if field == "input_tokens" else 0,
        "output_tokens": 0,
        "first_reason": "field %s: the sum over the rows would pass "
                        "2^63-1" % field}]
    totals = a["totals"]
    if field == "request_count":
        assert totals["requests"] == BIG + 1
    else:
        assert totals["input_tokens"] == BIG + 7
        assert totals["requests"] == 2
    # the ledger prices rows one by one: both big rows are there
    rows = ledger("-", stdin=data)
    assert [r["status"] != "rejected" for r in rows] == [True] * 3


def test_text_audit_still_printed_after_an_overflow():
    data = lines({"model": "test-small", "user_id": "a",
                  "input_tokens": BIG},
                 {"model": "test-small", "user_id": "b",
                  "input_tokens": BIG})
    p = run("audit", "--prices", BOOK, "-", stdin=data)
    assert p.returncode == 0
    out = p.stdout.decode()
    assert "rows                    2  = priced 1 + unpriced 0 + " \
           "rejected 1" in out
    assert "LLMCOST_E_OVERFLOW" in out
    # 5e18 * 0.15e-6 = 750,000,000,000 USD, never negative
    assert "750,000,000,000.0000" in out
    assert "-750" not in out


def test_money_sums_reject_the_row_past_the_128_bit_range():
    # 10^20 USD is 10^38 units; two of them pass 2^127 (1.7 * 10^38)
    data = lines({"model": "m1", "input_tokens": 1,
                  "reported_cost_usd": 100000000000000000000},
                 {"model": "m2", "input_tokens": 1,
                  "reported_cost_usd": 100000000000000000000},
                 {"model": "test-small", "input_tokens": 1000,
                  "reported_cost_usd": 0.00015})
    a = audit_json("-", stdin=data)
    accounting_adds_up(a["accounting"])
    assert a["accounting"]["rejected"] == 1
    assert a["rejected"][0]["what"] == "field reported_cost_usd"
    assert a["rejected"][0]["examples"] == ["stdin:2"]
    rec = a["reconciliation"]
    # 1000 * 0.15e-6 = 0.00015 agrees; m1 stays, unpriced
    assert rec["reported_usd"] == "100000000000000000000.00015"
    assert rec["ours_usd"] == "0.00015"
    assert rec["difference_usd"] == "-100000000000000000000"
    text = run("audit", "--prices", BOOK, "-", stdin=data).stdout.decode()
    assert "-100,000,000,000,000,000,000.000000" in text


def test_most_negative_reported_cost_is_rejected_not_negated():
    data = lines({"model": "test-small", "input_tokens": 1,
                  "reported_cost_usd":
                  "-170141183460469231731.687303715884105728"})
    a = audit_json("-", stdin=data)
    assert a["accounting"]["rejected"] == 1
    assert a["rejected"][0]["reason_code"] == "LLMCOST_E_OVERFLOW"


def test_rollup_overflow_rejects_the_row_with_its_own_message():
    # latency_ms is summed by the library's rollup, which refuses the
    # second row; the reason says so, not "out of memory".
    data = lines({"model": "test-small", "latency_ms": BIG},
                 {"model": "test-small", "latency_ms": BIG},
                 {"model": "test-small", "input_tokens": 1})
    a = audit_json("-", stdin=data)
    accounting_adds_up(a["accounting"])
    assert a["accounting"]["rejected"] == 1
    g = a["rejected"][0]
    assert g["reason_code"] == "LLMCOST_E_OVERFLOW"
    assert "overflow" in g["first_reason"]
    assert "memory" not in g["first_reason"]


def test_price_overflow_message_is_not_stale(tmp_path):
    table = tmp_path / "huge.json"
    table.write_text(json.dumps({"m1": {
        "input_cost_per_token": 170141183460469231731,
        "output_cost_per_token": 1e-06}}))
    data = lines({"model": "m1", "input_tokens": 10},
                 {"model": "m1", "input_tokens": "x"},
                 {"model": "m1", "output_tokens": 10})
    p = run("ledger", "--prices", str(table), "-", stdin=data)
    assert p.returncode == 0, p.stderr.decode()
    rows = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert rows[0]["reason_code"] == "LLMCOST_E_OVERFLOW"
    assert "overflow" in rows[0]["reason"]
    assert rows[1]["reason"] == ("stdin:2: field input_tokens: expected "
                                 "an integer, got a string")
    assert rows[2]["status"] == "priced"
    assert rows[2]["cost_usd"] == "0.00001"


# ---- M5: price table diagnostics -------------------------------------------

def diag_table(tmp_path):
    table = tmp_path / "t.json"
    table.write_text(json.dumps({
        "good": {"input_cost_per_token": 1e-06,
                 "output_cost_per_token": 2e-06},
        "neg": {"input_cost_per_token": -3e-06,
                "output_cost_per_token": 1e-05}}))
    return table


def test_audit_lists_price_diagnostics(tmp_path):
    table = diag_table(tmp_path)
    data = lines({"model": "good", "input_tokens": 1})
    p = run("audit", "--prices", str(table), "--format", "json", "-",
            stdin=data)
    prices = json.loads(p.stdout)["prices"]
    assert prices["diagnostics"] == len(prices["load_diagnostics"]) >= 1
    d = prices["load_diagnostics"][0]
    assert (d["file"], d["key"], d["field"]) == (
        str(table), "neg", "input_cost_per_token")
    assert d["message"]
    text = run("audit", "--prices", "t.json", "-", stdin=data,
               cwd=tmp_path).stdout.decode()
    section = text[text.index("Price table diagnostics"):]
    row = [x for x in section.splitlines() if " neg " in x][0]
    assert row.split()[:3] == ["t.json", "neg", "input_cost_per_token"]


def test_ledger_shows_diagnostics_on_request(tmp_path):
    table = diag_table(tmp_path)
    data = lines({"model": "good", "input_tokens": 1})
    p = run("ledger", "--prices", str(table), "-", stdin=data)
    assert p.returncode == 0
    assert b"--show-diagnostics lists them" in p.stderr
    p = run("ledger", "--show-diagnostics", "--prices", str(table), "-",
            stdin=data)
    assert p.returncode == 0
    err = p.stderr.decode()
    assert ("llmcost: warning: %s: price 'neg' field input_cost_per_token: "
            % table) in err
    assert json.loads(p.stdout)["cost_usd"] == "0.000001"


def test_diagnostics_table_obeys_limit(tmp_path):
    table = tmp_path / "many.json"
    table.write_text(json.dumps(dict(
        [("good", {"input_cost_per_token": 1e-06})] +
        [("bad%d" % i, {"input_cost_per_token": -1e-06})
         for i in range(5)])))
    data = lines({"model": "good"})
    n = audit_json("--prices", str(table), "-",
                   stdin=data)["prices"]["diagnostics"]
    assert n >= 5
    text = run("audit", "--limit", "2", "--prices", str(table), "-",
               stdin=data).stdout.decode()
    section = text[text.index("Price table diagnostics"):].splitlines()
    assert len([x for x in section if " bad" in x]) == 2
    assert "  (%d more; --limit 0 shows all)" % (n - 2) in section


# ---- M6: a price file with no prices ----------------------------------------

@pytest.mark.parametrize("name,text", [
    ("empty.json", ""),
    ("blank.json", "  \n\t\n"),
    ("comments.book", "# nothing here\n\n# still nothing\n"),
    ("format.book", "format 1\n"),
    ("unusable.json", '{"m": {"input_cost_per_token": true}, "n": []}'),
])
def test_price_file_with_no_prices_fails(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    p = run("audit", "--prices", str(f), "good.jsonl")
    assert p.returncode == 2
    assert p.stderr.decode().startswith("llmcost: %s: no prices" % f)
    assert p.stdout == b""


def test_second_snapshot_of_the_same_keys_is_not_empty():
    p = run("ledger", "--prices", "2025-05-31=litellm_new.json",
            "--prices", "2025-11-21=litellm_new.json", "good.jsonl")
    assert p.returncode == 0, p.stderr.decode()


# ---- M7: control characters in the text audit ------------------------------

def test_text_audit_escapes_controls():
    team = "a\nFAKE LINE\x1b[31mred\r\x7f\x85\\z"
    data = lines({"model": "test-small", "team_id": team,
                  "user_id": "x,y\"z\t", "input_tokens": 5})
    p = run("audit", "--prices", BOOK, "-", stdin=data)
    out = p.stdout.decode()
    assert "\x1b" not in out and "\r" not in out and "\x7f" not in out
    assert "\x85" not in out and "FAKE LINE\n" not in out
    assert not any(x.startswith("FAKE") for x in out.splitlines())
    assert "a\\nFAKE LINE\\x1b[31mred\\r\\x7f\\u0085\\\\z" in out
    assert 'x,y"z\\t' in out
    # JSON output keeps the exact text
    a = audit_json("-", stdin=data)
    assert a["by_team"][0]["team"] == team


def test_error_messages_escape_controls():
    data = lines({"model": "test-small", "timestamp": "1\x1b[2J"})
    p = run("ledger", "--prices", BOOK, "--strict", "-", stdin=data)
    assert p.returncode == 3
    assert b"\x1b" not in p.stderr
    assert b"\\x1b[2J" in p.stderr


# ---- M8: (team, user) pairs are exact tuples -------------------------------

def test_team_user_pairs_do_not_merge():
    data = lines({"model": "test-small", "team_id": "a\x1fb",
                  "user_id": "c", "input_tokens": 1000},
                 {"model": "test-small", "team_id": "a",
                  "user_id": "b\x1fc", "input_tokens": 3000})
    users = audit_json("-", stdin=data)["top_users"]
    assert sorted((u["team"], u["user"], u["input_tokens"])
                  for u in users) == [("a", "b\x1fc", 3000),
                                      ("a\x1fb", "c", 1000)]


# ---- M9: rounding of any decimal text --------------------------------------

def test_reported_cost_rounds_any_decimal_text():
    values = [
        ("1e-40", "0"),
        ("1.2345678901234567e-21", "0"),
        ("5e-19", "0.000000000000000001"),     # half: away from zero
        ("-5e-19", "-0.000000000000000001"),
        ("4.99999999999999999999e-19", "0"),
        ("0.1234567890123456789012345678901234567890123456789",
         "0.123456789012345679"),
        ("0e99999999999999999999", "0"),
        ("1.5E+2", "150"),
    ]
    text = "".join('{"model": "test-small", "reported_cost_usd": %s}\n'
                   % v for v, _ in values)
    rows = ledger("-", stdin=text.encode())
    assert [r["reported_cost_usd"] for r in rows] == [w for _, w in values]
    rows = ledger("-", stdin=b'{"model": "test-small", "reported_cost_usd":'
                             b' "1e99999999999"}\n')
    assert rows[0]["reason_code"] == "LLMCOST_E_RANGE"


def test_epoch_with_a_long_fraction_truncates_to_milliseconds():
    text = ('{"model": "test-small", "timestamp": '
            '1700000000.0000000000000000001}\n'
            '{"model": "test-small", "timestamp": '
            '1700000000.99999999999999999999}\n'
            '{"model": "test-small", "timestamp": -0.0005}\n'
            '{"model": "test-small", "timestamp": 100000000000.0001}\n'
            '{"model": "test-small", "timestamp": "1.7e9"}\n')
    rows = ledger("-", stdin=text.encode())
    assert [r["timestamp"] for r in rows[:4]] == [
        "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.999Z",
        "1969-12-31T23:59:59.999Z", "1973-03-03T09:46:40Z"]
    # a string of digits is epoch seconds; "1.7e9" is not a time
    assert rows[4]["reason_code"] == "LLMCOST_E_PARSE"


# ---- low: price files, DATE=, options ---------------------------------------

def test_price_file_with_a_byte_order_mark(tmp_path):
    table = tmp_path / "bom.json"
    table.write_bytes(b"\xef\xbb\xbf" + json.dumps({"m1": {
        "input_cost_per_token": 1e-06}}).encode())
    p = run("ledger", "--prices", str(table), "-",
            stdin=lines({"model": "m1", "input_tokens": 3}))
    assert p.returncode == 0, p.stderr.decode()
    assert json.loads(p.stdout)["cost_usd"] == "0.000003"


def test_price_file_that_is_a_json_array(tmp_path):
    table = tmp_path / "arr.json"
    table.write_text('[{"m1": {"input_cost_per_token": 1e-06}}]')
    p = run("ledger", "--prices", str(table), "good.jsonl")
    assert p.returncode == 2
    assert b"not a LiteLLM price table object" in p.stderr


def test_date_on_a_price_book_is_refused():
    p = run("ledger", "--prices", "2025-01-01=" + BOOK, "good.jsonl")
    assert p.returncode == 2
    assert b"a price book carries its own dates" in p.stderr


@pytest.mark.parametrize("args", [
    ["--prices", "2025-13-01=litellm_new.json"],
    ["--prices", "2025-02-30=litellm_new.json"],
    ["--map", "model=."],
    ["--map", "model=a."],
    ["--map", "model=.a"],
    ["--map", "model=a..b"],
    ["--where", "a..b=1"],
    ["--model-alias", "a="],
    ["--model-alias", "=b"],
])
def test_more_usage_errors(args):
    p = run("ledger", *args, "good.jsonl")
    assert p.returncode == 1, args
    assert p.stderr.startswith(b"llmcost: ")
    assert p.stdout == b""


def test_file_name_with_equals_is_not_a_date(tmp_path):
    table = tmp_path / "a=b.json"
    table.write_text(json.dumps({"m1": {"input_cost_per_token": 1e-06}}))
    p = run("ledger", "--prices", str(table), "-",
            stdin=lines({"model": "m1", "input_tokens": 1}))
    assert p.returncode == 0, p.stderr.decode()


# ---- low: CSV headers and columns -------------------------------------------

def test_csv_header_error_names_its_first_line():
    p = run("ledger", "--prices", BOOK, "--csv", "-",
            stdin=b'\n\n"model\ninput_tokens,x\n')
    assert p.returncode == 2
    assert p.stderr.decode().startswith("llmcost: stdin:3: malformed CSV "
                                        "header")


@pytest.mark.parametrize("opt", [["--map", "model=Modle"],
                                 ["--where", "kind=x"],
                                 ["--preset", "burstgpt"]])
def test_csv_column_the_header_lacks_is_a_usage_error(opt):
    p = run("ledger", "--prices", BOOK, *opt, "quoted.csv")
    assert p.returncode == 1
    assert b"the CSV header has no such column" in p.stderr


def test_csv_column_read_twice_is_an_error():
    p = run("ledger", "--prices", BOOK, "--csv", "-",
            stdin=b"model,model,input_tokens\na,test-small,5\n")
    assert p.returncode == 2
    assert b"'model' appears more than once" in p.stderr


def test_where_empty_value_matches_an_empty_csv_cell():
    data = b"model,input_tokens,kind\ntest-small,5,\ntest-small,6,x\n"
    rows = ledger("--csv", "--where", "kind=", "-", stdin=data)
    assert [r["input_tokens"] for r in rows] == [5]


# ---- low: reading ------------------------------------------------------------

def test_cannot_read_says_why(tmp_path):
    p = run("ledger", "--prices", BOOK, str(tmp_path))
    assert p.returncode == 2
    assert p.stderr.decode() == "llmcost: %s: cannot read: Is a " \
                                "directory\n" % tmp_path


def test_duplicate_key_makes_a_rejected_row():
    rows = ledger("-", stdin=b'{"model": "test-small", "input_tokens": 1, '
                             b'"input_tokens": 2}\n')
    assert rows[0]["status"] == "rejected"
    assert rows[0]["reason_code"] == "LLMCOST_E_PARSE"
    assert "duplicate key 'input_tokens'" in rows[0]["reason"]


def test_line_longer_than_16_mib_is_a_rejected_row(tmp_path):
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as f:
        f.write(b'{"model": "test-small", "request_id": "')
        f.write(b"x" * (64 << 20))
        f.write(b'"}\n{"model": "test-small", "input_tokens": 1000}\n')
        f.write(b"y" * (20 << 20))       # no newline at the end
    rows, held = ledger_rss(str(big))
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("rejected", "%s:1: line longer than 16 MiB" % big),
        ("priced", ""),
        ("rejected", "%s:3: line longer than 16 MiB" % big)]
    assert rows[0]["reason_code"] == "LLMCOST_E_RANGE"
    assert rows[1]["cost_usd"] == "0.00015"
    # the 64 MiB line is skipped, not held: about 16 MiB more memory than
    # a run over small lines
    _, base = ledger_rss(os.path.join(FIX, "crlf.jsonl"))
    assert held - base < 48 * 1024


def ledger_rss(path):
    """The ledger's rows and its peak memory in KiB, measured in a fresh
    process whose only child is the ledger."""
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
             "sys.stdout.write(p.stdout.decode())\n"
             "sys.stderr.write(str(resource.getrusage("
             "resource.RUSAGE_CHILDREN).ru_maxrss))\n")
    # a sanitizer's allocator would keep freed blocks: not here
    env = dict(os.environ, ASAN_OPTIONS="quarantine_size_mb=0")
    p = subprocess.run([sys.executable, "-c", probe, LLMCOST, "ledger",
                        "--prices", BOOK, path], capture_output=True,
                       env=env)
    return ([json.loads(x) for x in p.stdout.decode().splitlines()],
            int(p.stderr))
