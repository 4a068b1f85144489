"""llmcost gaps and the audit's attribution gaps: owners, unmapped tags,
unpriced models, rejected rows and duplicates.

The fixture log and its tags are described in test_tags.py.  In the
totals: 7 rows (6 priced, $1.35, and r6 unpriced), 7 requests.
  no team            r6              1 row   $0
  no user or tenant  r5              1 row   $0.15
  no feature         r5, r6 ("  ")   2 rows  $0.15
"""
import json
import os
import subprocess

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "cli")
TAGFIX = os.path.join(FIX, "tags")
BOOK = os.path.join(FIX, "prices.book")
LOG = "log.jsonl"
TAGS = "tags.json"
AIDER = os.path.join(SHARED, "traces", "aider_analytics")
AIDER_DUP_FILE = "sample-analytics_2025-03-06_84e84207a5.jsonl"


def run(*args, stdin=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], input=stdin,
                          capture_output=True, cwd=TAGFIX)


def ok(*args, stdin=None):
    p = run(*args, stdin=stdin)
    assert p.returncode == 0, p.stderr.decode()
    return p


def gaps(*args, stdin=None):
    p = ok("gaps", "--prices", BOOK, "--format", "json", *args,
           stdin=stdin)
    return json.loads(p.stdout)


def gaps_text(*args, stdin=None):
    return ok("gaps", "--prices", BOOK, *args, stdin=stdin).stdout.decode()


def lines(*rows):
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def accounting_adds_up(acc):
    assert acc["rows"] == (acc["priced"] + acc["unpriced"] +
                           acc["rejected"] + acc["duplicates"])
    assert acc["lines"] == acc["rows"] + acc["filtered"]


# ---- owners ----------------------------------------------------------------

def test_owner_gaps_exact():
    g = gaps("--tags", TAGS, LOG)["attribution_gaps"]
    assert g["totals"] == {"rows": 7, "requests": 7, "cost_usd": "1.35"}
    assert g["owners"] == [
        {"gap": "no_team", "rows": 1, "requests": 1, "cost_usd": "0"},
        {"gap": "no_user_or_tenant", "rows": 1, "requests": 1,
         "cost_usd": "0.15"},
        {"gap": "no_feature", "rows": 2, "requests": 2,
         "cost_usd": "0.15"}]


def test_owner_gaps_without_tags_count_missing_and_empty():
    g = gaps(LOG)["attribution_gaps"]
    assert [(o["gap"], o["rows"], o["cost_usd"]) for o in g["owners"]] == [
        ("no_team", 1, "0"), ("no_user_or_tenant", 1, "0.15"),
        ("no_feature", 2, "0.15")]
    assert g["tags_file"] is None
    assert g["unmapped"] == []
    assert not any(d["checked"] for d in g["dimensions"])
    feature = g["dimensions"][1]
    assert feature["dimension"] == "feature"
    assert (feature["missing"]["rows"], feature["empty"]["rows"]) == (1, 1)


def test_owner_shares_in_text():
    text = gaps_text("--tags", TAGS, LOG)
    # 1/7 of requests; 0.15 / 1.35 of cost; 2/7 of requests
    assert "no team               1         1             14.29%    " \
           "0.0000          0.00%" in text
    assert "no user or tenant     1         1             14.29%    " \
           "0.1500         11.11%" in text
    assert "no feature            2         2             28.57%    " \
           "0.1500         11.11%" in text


def test_request_count_weighs_requests():
    data = lines(
        {"team_id": "a", "model": "test-small", "input_tokens": 1000000,
         "request_count": 3},
        {"model": "test-small", "input_tokens": 1000000})
    g = gaps("-", stdin=data)["attribution_gaps"]
    assert g["totals"] == {"rows": 2, "requests": 4, "cost_usd": "0.3"}
    assert g["owners"][0] == {"gap": "no_team", "rows": 1, "requests": 1,
                              "cost_usd": "0.15"}


# ---- unmapped values -------------------------------------------------------

def test_unmapped_values_with_cost_and_closest_canonical():
    g = gaps("--tags", TAGS, LOG)["attribution_gaps"]
    got = [(u["dimension"], u["raw"], u["key"], u["attributed_to"],
            u["rows"], u["requests"], u["cost_usd"], u["closest"],
            u["distance"]) for u in g["unmapped"]]
    assert got == [
        # serch: one insertion from search, within a quarter of 5 chars
        ("team", "serch", "serch", "unattributed", 1, 1, "0.45",
         "search", 1),
        ("feature", "sumarize", "sumarize", "sumarize", 1, 1, "0.45",
         "summarize", 1),
        # prd: one insertion from the alias prod of production
        ("environment", "prd", "prd", "prd", 1, 1, "0.45",
         "production", 1),
        # team-zeta is 3 edits from team-a: more than 9 chars / 4
        ("team", "Team Zeta", "team-zeta", "unattributed", 1, 1, "0.15",
         None, None)]
    dims = {d["dimension"]: d for d in g["dimensions"]}
    assert dims["team"]["canonical_values"] == 3
    assert [dims[n]["checked"] for n in (
        "team", "feature", "environment", "tenant", "workflow", "user")] \
        == [True, True, True, False, False, False]
    team = dims["team"]
    assert (team["missing"]["rows"], team["canonical"]["rows"],
            team["alias"]["rows"], team["unmapped"]["rows"]) == (1, 3, 1, 2)
    assert team["unmapped"]["cost_usd"] == "0.6"


def test_unmapped_values_in_text():
    text = gaps_text("--tags", TAGS, LOG)
    assert "team         serch            unattributed      1         1" \
           "    0.4500         33.33%  search (1 edit)" in text
    assert "Team Zeta" in text
    assert "not checked (no canonical values in the config): tenant, " \
           "workflow, user" in text


def test_unmapped_values_are_counted_by_their_exact_bytes():
    data = lines(*[{"team_id": t, "model": "test-small",
                    "input_tokens": 1000000}
                   for t in ("Team Zeta", "team_zeta", "Team Zeta")])
    g = gaps("--tags", TAGS, "-", stdin=data)["attribution_gaps"]
    assert [(u["raw"], u["rows"], u["cost_usd"]) for u in g["unmapped"]] \
        == [("Team Zeta", 2, "0.3"), ("team_zeta", 1, "0.15")]


def test_unpriced_rows_count_requests_but_no_cost():
    data = lines({"team_id": "serch", "model": "mystery-9",
                  "input_tokens": 10})
    u = gaps("--tags", TAGS, "-", stdin=data)["attribution_gaps"][
        "unmapped"]
    assert [(x["raw"], x["requests"], x["cost_usd"]) for x in u] == [
        ("serch", 1, "0")]


# ---- unpriced models and rejected rows --------------------------------------

def test_gaps_lists_unpriced_models_and_rejected_rows():
    a = gaps("--tags", TAGS, LOG)
    assert set(a) == {"accounting", "prices", "attribution_gaps",
                      "unpriced", "rejected"}
    assert [(u["model"], u["rows"], u["requests"], u["input_tokens"],
             u["output_tokens"], u["reason_code"]) for u in a["unpriced"]] \
        == [("mystery-9", 1, 1, 500, 5, "LLMCOST_E_UNPRICED")]
    assert a["rejected"] == [{
        "reason_code": "LLMCOST_E_NEGATIVE", "what": "field input_tokens",
        "rows": 1, "requests": 1, "input_tokens": 0, "output_tokens": 0,
        "examples": ["log.jsonl:9"],
        "first_reason": "field input_tokens: negative count '-5'"}]


def test_rejected_rows_count_what_could_be_read():
    data = lines(
        {"model": "test-small", "input_tokens": 100, "output_tokens": 7,
         "request_count": 4, "cached_tokens": 500},
        {"model": "test-small", "input_tokens": 100, "output_tokens": 3,
         "cached_tokens": 200},
        {"model": "test-small", "input_tokens": "x", "output_tokens": 5})
    rej = {g["reason_code"]: g for g in gaps("-", stdin=data)["rejected"]}
    parts = rej["LLMCOST_E_PARTS"]
    assert (parts["rows"], parts["requests"], parts["input_tokens"],
            parts["output_tokens"]) == (2, 5, 200, 10)
    typ = rej["LLMCOST_E_TYPE"]
    assert (typ["requests"], typ["input_tokens"],
            typ["output_tokens"]) == (1, 0, 5)
    text = gaps_text("-", stdin=data)
    assert "requests  input tokens  output tokens" in text


def test_gaps_text_sections():
    text = gaps_text("--tags", TAGS, LOG)
    assert text.startswith("llmcost gaps: 1 input file\n")
    for heading in ("Accounting", "Attribution gaps", "Unmapped tag values",
                    "Duplicates", "Unpriced models", "Rejected rows"):
        assert "\n%s" % heading in text, heading
    for absent in ("Totals", "Cost by team", "Reconciliation",
                   "Price table diagnostics"):
        assert absent not in text
    assert "rows                   10  = priced 6 + unpriced 1 + " \
           "rejected 1 + duplicate 2" in text


def test_audit_has_the_gaps_sections_too():
    p = ok("audit", "--prices", BOOK, "--tags", TAGS, LOG)
    text = p.stdout.decode()
    assert text.index("Top 10 users") < text.index("Attribution gaps") < \
        text.index("Unpriced models")
    p = ok("audit", "--prices", BOOK, "--format", "json", "--tags", TAGS,
           LOG)
    a = json.loads(p.stdout)
    assert a["attribution_gaps"] == gaps("--tags", TAGS, LOG)[
        "attribution_gaps"]


# ---- duplicates ------------------------------------------------------------

def test_duplicate_request_ids_are_counted_once():
    a = gaps("--tags", TAGS, LOG)
    acc = a["accounting"]
    accounting_adds_up(acc)
    assert (acc["rows"], acc["priced"], acc["unpriced"], acc["rejected"],
            acc["duplicates"]) == (10, 6, 1, 1, 2)
    d = a["attribution_gaps"]["duplicates"]
    assert (d["compared_by"], d["rows"], d["by_request_id"], d["by_line"],
            d["differing"], d["requests"], d["kept_rows"]) == (
        "request_id", 2, 2, 0, 1, 2, 2)
    # what they would have added: 0.15 (r1) + 0.60 (r2 with 4M tokens)
    assert d["cost_usd"] == "0.75"
    assert d["groups"] == [
        {"kind": "request_id", "request_id": "r1", "line_start": None,
         "kept": "log.jsonl:1", "first_copy": "log.jsonl:7", "copies": 1,
         "differing": 0, "requests": 1, "cost_usd": "0.15"},
        {"kind": "request_id", "request_id": "r2", "line_start": None,
         "kept": "log.jsonl:2", "first_copy": "log.jsonl:8", "copies": 1,
         "differing": 1, "requests": 1, "cost_usd": "0.6"}]


def test_keep_duplicates_counts_every_row():
    a = json.loads(ok("audit", "--prices", BOOK, "--format", "json",
                      "--keep-duplicates", LOG).stdout)
    acc = a["accounting"]
    assert (acc["priced"], acc["duplicates"]) == (8, 0)
    assert a["totals"]["cost_usd"] == "2.1"
    assert a["attribution_gaps"]["duplicates"]["compared_by"] == "none"
    assert "not checked (--keep-duplicates)" in gaps_text(
        "--keep-duplicates", LOG)


def test_the_same_file_twice_is_counted_once():
    a = gaps(LOG, LOG)
    acc = a["accounting"]
    accounting_adds_up(acc)
    # the second file's nine rows that are not rejected repeat the first's
    assert (acc["rows"], acc["priced"], acc["unpriced"], acc["rejected"],
            acc["duplicates"]) == (20, 6, 1, 2, 11)
    assert a["attribution_gaps"]["totals"]["cost_usd"] == "1.35"
    r1 = a["attribution_gaps"]["duplicates"]["groups"][0]
    assert (r1["request_id"], r1["copies"], r1["kept"],
            r1["first_copy"]) == ("r1", 3, "log.jsonl:1", "log.jsonl:7")


def test_rejected_rows_are_never_originals():
    data = lines(
        {"request_id": "x", "model": "test-small", "input_tokens": -1},
        {"request_id": "x", "model": "test-small", "input_tokens": 10},
        {"request_id": "x", "model": "test-small", "input_tokens": 10})
    acc = gaps("-", stdin=data)["accounting"]
    assert (acc["rejected"], acc["priced"], acc["duplicates"]) == (1, 1, 1)


def test_empty_request_id_is_no_id():
    data = lines(*[{"request_id": "", "model": "test-small",
                    "input_tokens": 10}] * 2)
    assert gaps("-", stdin=data)["accounting"]["duplicates"] == 0


def test_dedupe_lines_compares_whole_lines():
    same = {"model": "test-small", "input_tokens": 1000000}
    data = lines(same, same, {"model": "test-small", "input_tokens": 1},
                 same)
    assert gaps("-", stdin=data)["accounting"]["duplicates"] == 0
    a = gaps("--dedupe-lines", "-", stdin=data)
    assert a["accounting"]["duplicates"] == 2
    d = a["attribution_gaps"]["duplicates"]
    assert (d["compared_by"], d["by_line"], d["cost_usd"]) == (
        "request_id_and_line", 2, "0.3")
    assert d["groups"] == [{
        "kind": "line", "request_id": None,
        "line_start": '{"model": "test-small", "input_tokens": 1000000}',
        "kept": "stdin:1", "first_copy": "stdin:2", "copies": 2,
        "differing": 0, "requests": 2, "cost_usd": "0.3"}]


def test_dedupe_lines_ignores_the_line_end_and_reads_csv_records(tmp_path):
    crlf = b'{"model": "test-small", "input_tokens": 5}\r\n' \
           b'{"model": "test-small", "input_tokens": 5}\n'
    assert gaps("--dedupe-lines", "-", stdin=crlf)["accounting"][
        "duplicates"] == 1
    csv = tmp_path / "d.csv"
    csv.write_bytes(b'model,input_tokens,team_id\n'
                    b'test-small,5,"a,b"\n'
                    b'test-small,5,"a,b"\n'
                    b'test-small,5,a\n')
    a = gaps("--dedupe-lines", str(csv))
    assert a["accounting"]["duplicates"] == 1
    assert a["attribution_gaps"]["duplicates"]["groups"][0][
        "line_start"] == "test-small,5,a,b"


def test_duplicates_in_the_ledger():
    p = ok("ledger", "--prices", BOOK, LOG)
    rows = [json.loads(l) for l in p.stdout.decode().splitlines()]
    assert [(r["status"], r["reason"], r["reason_code"], r["cost_usd"])
            for r in rows[6:8]] == [
        ("duplicate", "duplicate of log.jsonl:1 (same request_id)",
         "DUPLICATE_REQUEST_ID", None),
        ("duplicate", "duplicate of log.jsonl:2 (same request_id)",
         "DUPLICATE_REQUEST_ID", None)]
    assert b"2 of 10 rows are duplicates" in p.stderr
    same = b'{"model": "test-small", "input_tokens": 5}\n' * 2
    p = ok("ledger", "--prices", BOOK, "--dedupe-lines", "-", stdin=same)
    row = json.loads(p.stdout.decode().splitlines()[1])
    assert (row["status"], row["reason_code"], row["reason"]) == (
        "duplicate", "DUPLICATE_LINE", "duplicate of stdin:1 (identical "
        "line)")


def test_strict_does_not_stop_at_duplicates():
    data = lines(*[{"request_id": "a", "model": "test-small",
                    "input_tokens": 10}] * 2)
    assert run("gaps", "--prices", BOOK, "--strict", "-",
               stdin=data).returncode == 0


def aider_files():
    if not SHARED or not os.path.isdir(AIDER):
        pytest.skip("shared data absent: %s (set LLMCOST_SHARED_DATA)"
                    % AIDER)
    return sorted(os.path.join(AIDER, f) for f in os.listdir(AIDER)
                  if f.endswith(".jsonl"))


def test_aider_exact_duplicate_message_send_lines():
    files = aider_files()
    # Worked out from the files: message_send lines equal to an earlier
    # one (without the line end), counted the way --dedupe-lines counts.
    seen, expected = set(), []
    for path in files:
        with open(path, "rb") as f:
            for no, raw in enumerate(f, 1):
                body = raw.rstrip(b"\r\n")
                if json.loads(body).get("event") != "message_send":
                    continue
                if body in seen:
                    expected.append("%s:%d" % (path, no))
                seen.add(body)
    assert len(expected) == 40
    p = ok("gaps", "--format", "json", "--preset", "aider",
           "--dedupe-lines", *files)
    a = json.loads(p.stdout)
    acc = a["accounting"]
    accounting_adds_up(acc)
    assert (acc["rows"], acc["rejected"], acc["duplicates"]) == (2304, 0, 40)
    d = a["attribution_gaps"]["duplicates"]
    # 40 copies of 23 kept lines, all in one file, all identical
    assert (d["rows"], d["by_line"], d["kept_rows"], d["differing"]) == (
        40, 40, 23, 0)
    assert sum(g["copies"] for g in d["groups"]) == 40
    assert all(AIDER_DUP_FILE in g["kept"] for g in d["groups"])
    first_copies = sorted(g["first_copy"] for g in d["groups"])
    assert set(first_copies) <= set(expected)
    # without --dedupe-lines the same rows are all counted (no request ids)
    p = ok("gaps", "--format", "json", "--preset", "aider", *files)
    acc2 = json.loads(p.stdout)["accounting"]
    assert acc2["duplicates"] == 0
    assert acc2["priced"] + acc2["unpriced"] == \
        acc["priced"] + acc["unpriced"] + 40


# ---- exit codes -------------------------------------------------------------

def test_gaps_exit_codes(tmp_path):
    assert run("gaps", "--prices", BOOK, LOG).returncode == 0
    p = run("gaps", "--format", "csv", LOG)
    assert (p.returncode, b"gaps formats: text, json" in p.stderr) == (
        1, True)
    assert run("gaps").returncode == 1
    assert run("gaps", "--dedupe-lines", "--keep-duplicates",
               LOG).returncode == 1
    assert run("gaps", "no-such.jsonl").returncode == 2
    p = run("gaps", "--prices", BOOK, "--strict", LOG)
    assert p.returncode == 3
    assert b"log.jsonl:9: field input_tokens: negative count" in p.stderr
    out = tmp_path / "g.txt"
    ok("gaps", "--prices", BOOK, LOG, "-o", str(out))
    assert out.read_text().startswith("llmcost gaps: 1 input file")


def test_limit_bounds_the_gaps_tables():
    text = gaps_text("--tags", TAGS, "--limit", "1", LOG)
    assert "(3 more; --limit 0 shows all)" in text   # unmapped
    assert "(1 more; --limit 0 shows all)" in text   # duplicates
