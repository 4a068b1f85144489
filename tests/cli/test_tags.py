"""llmcost --tags and `llmcost tags suggest`: canonical tags on the CLI.

tests/fixtures/cli/tags/log.jsonl priced with tests/fixtures/cli/prices.book
(test-small: $0.15 per million input tokens), with tags.json beside it
(team: team-a [ai-team-a], search [search-eng], platform, unmapped ->
bucket "unattributed"; feature: chat [chatbot], summarize [summary];
environment: production [prod], staging [stg]):

  line id  team       user feature   env      model       cost
  1    r1  Team A     u1   Chat      prod     test-small  0.15
  2    r2  teamA      u2   chatbot   PROD     test-small  0.30
  3    r3  ai-team-a  u1   summary   staging  test-small  0.15
  4    r4  serch      u1   sumarize  prd      test-small  0.45
  5    r5  Team Zeta  -    -         -        test-small  0.15
  6    r6  -          u3   "  "      -        mystery-9   unpriced
  7    r1  (line 1 again)                                 duplicate
  8    r2  (line 2 with 4M input tokens)                  duplicate
  9    r9  Team A     u1   -         -        input -5    rejected
  10   r10 platform   tenant acme, chat                   0.15
Totals: 6 priced (1.35), 1 unpriced, 1 rejected, 2 duplicates.
"""
import json
import os
import subprocess
from decimal import Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "cli")
TAGFIX = os.path.join(FIX, "tags")
LIBTAGS = os.path.join(SOURCE, "tests", "fixtures", "tags")
BOOK = os.path.join(FIX, "prices.book")
LOG = "log.jsonl"
TAGS = "tags.json"
AIDER = os.path.join(SHARED, "traces", "aider_analytics")

TAG_COLUMNS = [
    "tenant_id", "environment", "workflow_name", "team_id_raw",
    "user_id_raw", "feature_name_raw", "tenant_id_raw", "environment_raw",
    "workflow_name_raw"]


def run(*args, stdin=None, cwd=TAGFIX):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], input=stdin,
                          capture_output=True, cwd=cwd)


def ok(*args, stdin=None, cwd=TAGFIX):
    p = run(*args, stdin=stdin, cwd=cwd)
    assert p.returncode == 0, p.stderr.decode()
    return p


def audit_json(*args, stdin=None):
    p = ok("audit", "--prices", BOOK, "--format", "json", *args,
           stdin=stdin)
    return json.loads(p.stdout)


def ledger(*args, stdin=None):
    p = ok("ledger", "--prices", BOOK, *args, stdin=stdin)
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def view(a, name, key):
    return [(r[key], r["cost_usd"], r["requests"]) for r in a[name]]


# ---- --tags on audit -------------------------------------------------------

def test_audit_groups_by_canonical_team_and_feature():
    a = audit_json("--tags", TAGS, LOG)
    # Team A, teamA (folded) and ai-team-a (alias) are one team; serch and
    # Team Zeta are unmapped and go to the bucket; r6 has no team.
    assert view(a, "by_team", "team") == [
        ("team-a", "0.6", 3), ("unattributed", "0.6", 2),
        ("platform", "0.15", 1), ("", "0", 1)]
    # Chat, chatbot and chat are one feature; sumarize is unmapped and
    # kept as its key (the default policy); r5 (none) and r6 ("  ") are
    # both without a feature.
    assert view(a, "by_feature", "feature") == [
        ("chat", "0.6", 3), ("sumarize", "0.45", 1), ("", "0.15", 2),
        ("summarize", "0.15", 1)]
    assert a["totals"]["cost_usd"] == "1.35"


def test_audit_without_tags_groups_as_logged():
    a = audit_json(LOG)
    assert view(a, "by_team", "team") == [
        ("serch", "0.45", 1), ("teamA", "0.3", 1), ("Team A", "0.15", 1),
        ("Team Zeta", "0.15", 1), ("ai-team-a", "0.15", 1),
        ("platform", "0.15", 1), ("", "0", 1)]
    assert a["totals"]["cost_usd"] == "1.35"


def test_tags_change_grouping_not_totals():
    with_tags = audit_json("--tags", TAGS, LOG)
    without = audit_json(LOG)
    assert with_tags["totals"] == without["totals"]
    assert with_tags["accounting"] == without["accounting"]


def test_user_values_are_trimmed_and_pass_through():
    data = b"".join(json.dumps(r).encode() + b"\n" for r in [
        {"user_id": " Ann ", "model": "test-small", "input_tokens": 10},
        {"user_id": "Ann", "model": "test-small", "input_tokens": 10},
        {"user_id": "ann", "model": "test-small", "input_tokens": 10}])
    a = audit_json("--tags", TAGS, "-", stdin=data)
    # user keeps its case (fold rule trim only): two users, not one
    assert [(r["user"], r["requests"]) for r in a["by_user"]] == [
        ("Ann", 2), ("ann", 1)]


def test_empty_label_names_missing_and_empty_teams():
    # tests/fixtures/tags/example.json: team empty label "no-team"
    cfg = os.path.join(LIBTAGS, "example.json")
    data = b'{"model": "test-small", "input_tokens": 10}\n' \
           b'{"team_id": "--", "model": "test-small", "input_tokens": 10}\n'
    a = audit_json("--tags", cfg, "-", stdin=data)
    assert view(a, "by_team", "team") == [("no-team", "0.000003", 2)]
    owners = {o["gap"]: o for o in a["attribution_gaps"]["owners"]}
    assert owners["no_team"]["rows"] == 2
    rows = ledger("--tags", cfg, "-", stdin=data)
    assert [(r["team_id"], r["team_id_raw"]) for r in rows] == [
        ("no-team", None), ("no-team", "--")]


# ---- --tags on ledger ------------------------------------------------------

def test_ledger_shows_canonical_values_and_raw_where_they_differ():
    rows = ledger("--tags", TAGS, LOG)
    r1, r4, r10 = rows[0], rows[3], rows[9]
    assert list(r1.keys())[-9:] == TAG_COLUMNS
    assert (r1["team_id"], r1["team_id_raw"]) == ("team-a", "Team A")
    assert (r1["feature_name"], r1["feature_name_raw"]) == ("chat", "Chat")
    assert (r1["environment"], r1["environment_raw"]) == (
        "production", "prod")
    assert (r1["user_id"], r1["user_id_raw"]) == ("u1", None)
    assert (r4["team_id"], r4["team_id_raw"]) == ("unattributed", "serch")
    assert (r4["feature_name"], r4["feature_name_raw"]) == (
        "sumarize", None)
    assert (r10["team_id"], r10["team_id_raw"]) == ("platform", None)
    assert (r10["tenant_id"], r10["tenant_id_raw"]) == ("acme", None)
    assert r10["workflow_name"] is None
    # the rejected row is normalised too
    assert (rows[8]["status"], rows[8]["team_id"]) == ("rejected", "team-a")


def test_ledger_without_tags_has_no_tag_columns():
    rows = ledger(LOG)
    assert "team_id_raw" not in rows[0]
    assert rows[0]["team_id"] == "Team A"


def test_ledger_csv_with_tags_has_the_same_columns():
    p = ok("ledger", "--prices", BOOK, "--tags", TAGS, "--format", "csv",
           LOG)
    lines = p.stdout.decode().split("\r\n")
    header = lines[0].split(",")
    assert header[-9:] == TAG_COLUMNS
    json_keys = list(ledger("--tags", TAGS, LOG)[0].keys())
    assert header == json_keys
    first = lines[1].split(",")
    assert first[header.index("team_id")] == "team-a"
    assert first[header.index("team_id_raw")] == "Team A"


def test_ledger_totals_equal_audit_totals():
    for extra in ([], ["--tags", TAGS], ["--keep-duplicates"]):
        rows = ledger(*extra, LOG)
        a = audit_json(*extra, LOG)
        cost = sum(Decimal(r["cost_usd"]) for r in rows if r["cost_usd"])
        assert cost == Decimal(a["totals"]["cost_usd"]), extra
        acc = a["accounting"]
        status = [r["status"] for r in rows]
        assert (status.count("priced"), status.count("unpriced"),
                status.count("rejected"), status.count("duplicate")) == (
            acc["priced"], acc["unpriced"], acc["rejected"],
            acc["duplicates"]), extra
        counted = [r for r in rows if r["status"] in ("priced", "unpriced")]
        assert sum(r["input_tokens"] for r in counted) == \
            a["totals"]["input_tokens"], extra


# ---- bad config files ------------------------------------------------------

@pytest.mark.parametrize("command", ["audit", "ledger", "gaps"])
def test_bad_config_exits_2_with_file_line_column_and_field(command):
    cfg = os.path.join(LIBTAGS, "bad_conflict.json")
    p = run(command, "--tags", cfg, LOG)
    assert p.returncode == 2
    assert p.stdout == b""
    assert p.stderr.decode() == (
        "llmcost: %s:7:30: dimensions.team.values.team-b[1]: alias "
        "'Team A' already belongs to 'team-a'\n" % cfg)


@pytest.mark.parametrize("name,where", [
    ("bad_syntax.json", ":7:9: expected ',' or '}'"),
    ("bad_rule.json", ":5:24: dimensions.tenant.fold[1]: unknown folding "
                      "rule 'snake'"),
    ("bad_version.json", ":2:14: version: version 2 is not supported"),
    ("bad_type.json", ":6:29: dimensions.feature.values.chat[1]: "
                      "expected a string"),
])
def test_each_kind_of_bad_config_names_where(name, where):
    cfg = os.path.join(LIBTAGS, name)
    p = run("gaps", "--tags", cfg, LOG)
    assert p.returncode == 2
    assert p.stderr.decode().startswith("llmcost: " + cfg + where)


def test_missing_config_exits_2():
    p = run("audit", "--tags", "no-such-tags.json", LOG)
    assert p.returncode == 2
    assert p.stderr.decode().startswith(
        "llmcost: no-such-tags.json: cannot open 'no-such-tags.json'")


def test_tags_option_errors_exit_1():
    assert run("audit", "--tags", "", LOG).returncode == 1
    assert run("audit", LOG, "--tags").returncode == 1
    p = run("audit", "--tags", TAGS, "--tags", TAGS, LOG)
    assert p.returncode == 1
    assert b"only one --tags" in p.stderr


def test_output_over_the_tags_file_is_refused(tmp_path):
    cfg = tmp_path / "tags.json"
    cfg.write_bytes(open(os.path.join(TAGFIX, TAGS), "rb").read())
    p = run("ledger", "--prices", BOOK, "--tags", str(cfg), LOG, "-o",
            str(cfg))
    assert p.returncode == 2
    assert json.loads(cfg.read_text())["version"] == 1


# ---- untrusted tag values ----------------------------------------------------

def test_hostile_tag_values_are_cleaned_and_reported():
    long_team = "x" * 1000
    rows = [
        b"team_id,model,input_tokens\n",
        b"\xff\xfeTeam A,test-small,1000000\n",       # invalid UTF-8
        b"\"Team\x01A\",test-small,1000000\n",         # a control byte
        ("%s,test-small,1000000\n" % long_team).encode(),
        b"\"\xe2\x80\x8bteam-a\",test-small,1000000\n",  # zero-width space
    ]
    a = audit_json("--csv", "--tags", TAGS, "-", stdin=b"".join(rows))
    gaps = a["attribution_gaps"]
    team = [d for d in gaps["dimensions"] if d["dimension"] == "team"][0]
    assert team["cleaned_rows"] == 4
    assert a["accounting"]["priced"] == 4
    # the invisible space is dropped: that value is team-a itself
    assert ("team-a", "0.15", 1) in view(a, "by_team", "team")
    flags = {u["raw"][:8]: u["flags"] for u in gaps["unmapped"]}
    assert flags["\ufffd\ufffdTeam A"[:8]] == ["bad_utf8"]
    assert flags["x" * 8] == ["too_long"]
    assert flags["Team\x01A"[:8]] == ["control"]
    text = ok("gaps", "--prices", BOOK, "--csv", "--tags", TAGS, "-",
              stdin=b"".join(rows)).stdout.decode()
    assert "Team\\x01A" in text and "\x01" not in text
    assert "\\xff\\xfeTeam A" in text


# ---- tags suggest ----------------------------------------------------------

SUGGESTED = """{
  "version": 1,
  "dimensions": {
    "team": {
      "values": {
        "team-a": ["Team A", "teamA"],
        "ai-team-a": [],
        "platform": [],
        "serch": [],
        "team-zeta": ["Team Zeta"]
      }
    },
    "feature": {
      "values": {
        "chat": ["Chat"],
        "chatbot": [],
        "sumarize": [],
        "summary": []
      }
    },
    "environment": {
      "values": {
        "prod": ["PROD"],
        "prd": [],
        "staging": []
      }
    },
    "tenant": {
      "values": {
        "acme": []
      }
    }
  }
}
"""


def test_suggest_clusters_spellings_by_folded_key():
    # team-a: Team A (lines 1 and 9, the rejected row counts: it is a
    # spelling in use) and teamA (line 2; line 8 is a duplicate) - three
    # rows; the clusters follow by rows, then key.  A spelling equal to
    # its key adds no alias.
    p = ok("tags", "suggest", LOG)
    assert p.stdout.decode() == SUGGESTED
    assert p.stderr == b""


def test_suggest_writes_to_output_file(tmp_path):
    out = tmp_path / "draft.json"
    ok("tags", "suggest", LOG, "-o", str(out))
    assert out.read_text() == SUGGESTED


def test_suggest_with_no_tags_writes_an_empty_config():
    p = ok("tags", "suggest", "-", stdin=b'{"model": "x"}\n')
    assert json.loads(p.stdout) == {"version": 1, "dimensions": {}}


def gaps_json(*args, cwd=TAGFIX):
    p = ok("gaps", "--prices", BOOK, "--format", "json", *args, cwd=cwd)
    return json.loads(p.stdout)


def round_trip(tmp_path, *log_args, cwd=TAGFIX):
    draft = tmp_path / "draft.json"
    ok("tags", "suggest", *log_args, "-o", str(draft), cwd=cwd)
    cfg = json.loads(draft.read_text())
    g = gaps_json("--tags", str(draft), *log_args,
                  cwd=cwd)["attribution_gaps"]
    dims = {d["dimension"]: d for d in g["dimensions"]}
    for name in cfg["dimensions"]:
        assert dims[name]["checked"], name
        assert dims[name]["unmapped"]["rows"] == 0, name
        assert dims[name]["canonical"]["rows"] + \
            dims[name]["alias"]["rows"] > 0, name
    assert g["unmapped"] == []
    return cfg


def test_suggest_round_trips_every_raw_value(tmp_path):
    cfg = round_trip(tmp_path, LOG)
    assert cfg["dimensions"]["tenant"]["values"] == {"acme": []}


def test_suggest_round_trips_the_example_log(tmp_path):
    ex = os.path.join(SOURCE, "examples", "gateway.jsonl")
    cfg = round_trip(tmp_path, ex)
    assert set(cfg["dimensions"]["team"]["values"]) == {
        "search", "support", "growth", "platform"}


def test_suggest_round_trips_hostile_values(tmp_path):
    log = tmp_path / "h.csv"
    log.write_bytes(b"team_id,feature_name,model\n"
                    b"\xff\xfeTeam A,Chat,m\n"
                    b"\"Team\x01A\",chat bot,m\n"
                    b"team_a,ChatBot,m\n" +
                    ("%s,x,m\n" % ("y" * 300)).encode())
    cfg = round_trip(tmp_path, str(log))
    # spellings a config cannot hold are left out; they map by their key
    assert cfg["dimensions"]["team"]["values"]["team-a"] == ["team_a"]
    assert cfg["dimensions"]["feature"]["values"]["chat-bot"] == [
        "ChatBot", "chat bot"]


def test_suggest_round_trips_the_aider_logs(tmp_path):
    if not SHARED or not os.path.isdir(AIDER):
        pytest.skip("shared data absent: %s (set LLMCOST_SHARED_DATA)"
                    % AIDER)
    files = sorted(os.path.join(AIDER, f) for f in os.listdir(AIDER)
                   if f.endswith(".jsonl"))
    cfg = round_trip(tmp_path, "--preset", "aider", *files)
    # aider's edit formats are its feature tag
    assert "diff" in cfg["dimensions"]["feature"]["values"]


@pytest.mark.parametrize("args,message", [
    (["tags"], b"tags needs a subcommand: suggest"),
    (["tags", "list", LOG], b"unknown subcommand 'list'"),
    (["tags", "suggest"], b"no input FILE"),
    (["tags", "suggest", "--tags", TAGS, LOG], b"takes none"),
    (["tags", "suggest", "--format", "csv", LOG], b"JSON only"),
])
def test_suggest_usage_errors_exit_1(args, message):
    p = run(*args)
    assert p.returncode == 1
    assert message in p.stderr


def test_suggest_missing_input_exits_2():
    p = run("tags", "suggest", "no-such-log.jsonl")
    assert p.returncode == 2
    assert b"cannot open" in p.stderr
