"""llmcost diff: causes named and dollars attributed on generated logs.

The logs under tests/fixtures/diff come from tests/gen/gen_spend.py
(fixed seeds).  Each team makes 200 requests a week of 20000 input and
2000 output tokens on gpt-4o-mini, priced by the compiled-in book at
$0.15 and $0.60 per million: $0.0042 a request, $0.84 a week.  The
scenario changes one team ("search") in the second week:

  prompt      40000 input tokens: $0.0072 a request, $1.44 (+0.60 input)
  retries     220 requests, 30 of them retries instead of 10: $0.924
              (+0.084 retry, the 190 first attempts unchanged)
  launch      320 requests from 32 users instead of 20: $1.344
              (+0.504 volume)
  model_swap  gpt-4o at $2.50 and $10 per million: $0.07 a request, $14
              (+13.16 price)
"""
import glob
import json
import os
import subprocess
from decimal import Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "diff")
EFFECTS = ["volume", "retry", "input", "output", "price"]


def run(*args):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, "diff", *args], capture_output=True)


def diff_json(scenario, *args):
    p = run("--period", "week", "--format", "json", *args,
            os.path.join(FIX, scenario + ".jsonl"))
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


def slices(doc):
    return {s["slice"]: s for s in doc["slices"]}


def assert_sums(s):
    parts = sum(Decimal(s["effects"][e]) for e in EFFECTS)
    assert parts + Decimal(s["remainder"]) == Decimal(s["change"])
    assert Decimal(s["current_cost"]) - Decimal(s["baseline_cost"]) == \
        Decimal(s["change"])


def only_search_moves(doc):
    by = slices(doc)
    for name in ("support", "billing"):
        assert by[name]["change"] == "0"
        assert by[name]["material"] is False
    for s in doc["slices"]:
        assert_sums(s)
    return by["search"]


def test_periods_are_the_last_two_iso_weeks():
    doc = diff_json("prompt")
    assert doc["baseline"]["period"] == "2026-06-01..2026-06-07"
    assert doc["current"]["period"] == "2026-06-08..2026-06-14"
    assert doc["baseline"]["cost"] == "2.52"
    assert doc["current"]["cost"] == "3.12"


def test_prompt_expansion():
    s = only_search_moves(diff_json("prompt"))
    assert s["cause"] == "prompt expansion"
    assert s["change"] == "0.6"
    assert s["effects"] == {"volume": "0", "retry": "0", "input": "0.6",
                            "output": "0", "price": "0"}
    assert s["figures"]["input_per_request_ratio"] == 20000
    new = [i["value"] for i in s["alongside"]["prompt_template_versions"]
           if i["requests"] == [0, 200]]
    assert new == ["r2"]
    assert "after prompt template r2" in s["sentence"]
    assert "input tokens per request x2.00" in s["sentence"]


def test_help_prints_usage_and_exits_zero():
    for flag in ("--help", "-h"):
        p = run(flag)
        assert p.returncode == 0, p.stderr.decode()
        assert p.stdout.decode().startswith("usage: llmcost diff")


def test_shrinking_slices_are_named_by_direction():
    # The prompt scenario read backwards: prompts halve, so the label
    # must say reduction, never expansion.
    p = run("--baseline", "2026-06-08..2026-06-14", "--current",
            "2026-06-01..2026-06-07", "--format", "json",
            os.path.join(FIX, "prompt.jsonl"))
    assert p.returncode == 0, p.stderr.decode()
    s = slices(json.loads(p.stdout))["search"]
    assert s["change"] == "-0.6"
    assert s["cause"] == "prompt reduction"
    assert "prompt expansion" not in s["sentence"]
    assert_sums(s)


def test_retry_storm():
    s = only_search_moves(diff_json("retries"))
    assert s["cause"] == "retry storm"
    assert s["effects"]["retry"] == "0.084"
    assert s["effects"]["volume"] == "0"
    assert s["figures"]["retries"] == [10, 30]
    assert s["figures"]["retry_rate"] == [500, 1363]
    assert "retries per request 5.0% to 13.6%" in s["sentence"]


def test_genuine_adoption():
    s = only_search_moves(diff_json("launch"))
    assert s["cause"] == "genuine adoption"
    assert s["effects"]["volume"] == "0.504"
    assert s["figures"]["active_users"] == [20, 32]
    assert s["figures"]["requests_ratio"] == 16000
    assert "active users 20 to 32" in s["sentence"]


def test_model_substitution():
    s = only_search_moves(diff_json("model_swap"))
    assert s["cause"] == "model substitution"
    assert s["change"] == "13.16"
    assert s["effects"]["price"] == "13.16"
    assert "models gpt-4o (new)" in s["sentence"]


def test_mix_names_each_team_and_sorts_by_change():
    doc = diff_json("mix")
    names = [s["slice"] for s in doc["slices"]]
    assert names == ["search", "support", "billing"]
    by = slices(doc)
    assert by["search"]["cause"] == "model substitution"
    assert by["search"]["change"] == "13.16"
    assert by["support"]["cause"] == "prompt expansion"
    assert by["support"]["effects"]["input"] == "0.6"
    assert by["billing"]["cause"] == "retry storm"
    assert by["billing"]["effects"]["retry"] == "0.084"
    for s in doc["slices"]:
        assert_sums(s)


def test_thresholds():
    by = slices(diff_json("mix", "--min-usd", "1"))
    assert [n for n in by if by[n]["material"]] == ["search"]
    by = slices(diff_json("mix", "--min-pct", "50"))
    assert sorted(n for n in by if by[n]["material"]) == ["search",
                                                         "support"]
    p = run("--period", "week", "--min-pct", "50",
            os.path.join(FIX, "mix.jsonl"))
    out = p.stdout.decode()
    assert "billing" not in out
    assert "1 slice below the thresholds, change +0.084 USD" in out


def test_period_with_no_rows_makes_every_slice_new():
    p = run("--baseline", "2026-05-01..2026-05-07", "--current",
            "2026-06-08..2026-06-14", "--format", "json",
            os.path.join(FIX, "prompt.jsonl"))
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    assert doc["baseline"]["cost"] == "0"
    for s in doc["slices"]:
        assert s["cause"] == "new slice"
        assert s["effects"]["volume"] == s["change"]
        assert_sums(s)


def test_both_periods_empty_is_no_change():
    p = run("--baseline", "2020-01-01..2020-01-07", "--current",
            "2020-01-08..2020-01-14", "--format", "json",
            os.path.join(FIX, "prompt.jsonl"))
    assert p.returncode == 0, p.stderr.decode()
    assert json.loads(p.stdout)["slices"] == []


def test_by_two_dimensions():
    by = slices(diff_json("prompt", "--by", "team,model"))
    assert by["search / gpt-4o-mini"]["change"] == "0.6"


def test_markdown_and_text():
    p = run("--period", "week", "--format", "md",
            os.path.join(FIX, "mix.jsonl"))
    md = p.stdout.decode()
    assert md.startswith("## Spend change\n")
    assert "| search | 0.84 | 14 | +13.16 | model substitution |" in md
    assert "| unexplained remainder | 0 |" in md
    p = run("--period", "week", os.path.join(FIX, "prompt.jsonl"))
    text = p.stdout.decode()
    assert "cause: prompt expansion" in text
    assert "  remainder  0\n" in text
    assert "> search: cost +71.4% (about $0.84 to $1.44)" in text


def test_names_are_escaped_in_text_and_markdown(tmp_path):
    # A team and a user with a terminal escape, a newline, a bell and
    # '|': text and Markdown show them escaped as the audit does, JSON
    # keeps them (escaped as JSON).
    row = {"timestamp": "2026-06-10T10:00:00Z", "request_id": "r1",
           "team_id": "\x1b[31mred\nX|y", "user_id": "u\x07|z",
           "model": "gpt-4o-mini", "input_tokens": 1000,
           "output_tokens": 100}
    log = tmp_path / "esc.jsonl"
    log.write_text(json.dumps(row) + "\n")
    args = ["--baseline", "2026-06-01..2026-06-07", "--current",
            "2026-06-08..2026-06-14", "--min-usd", "0", "--min-pct", "0",
            "--by", "team,user", str(log)]
    shown = r"\x1b[31mred\nX|y / u\x07|z"
    audit = subprocess.run([LLMCOST, "audit", str(log)],
                           capture_output=True).stdout.decode()
    assert r"\x1b[31mred\nX|y" in audit
    for fmt in ("text", "md"):
        p = run(*args, "--format", fmt)
        assert p.returncode == 0, p.stderr.decode()
        out = p.stdout.decode()
        assert not any(c in out for c in "\x1b\x07"), repr(out)
        assert shown in out
        assert shown + ": new in the current period" in out
    md = run(*args, "--format", "md").stdout.decode()
    assert "| " + shown.replace("|", "\\|") + " | 0 |" in md
    # One row per slice in the table: no newline splits it.
    assert len([x for x in md.split("\n") if x.startswith("| \\")]) == 1
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert doc["slices"][0]["slice"] == row["team_id"] + " / " + \
        row["user_id"]


@pytest.mark.parametrize("args", [
    ["--baseline", "2026-06-01..2026-06-07"],
    ["--period", "year"],
    ["--period", "week", "--by", "colour"],
    ["--period", "week", "--min-usd", "-1"],
    ["--baseline-snapshot", "x.snap"],
    [],
])
def test_usage_errors(args):
    p = run(*args, os.path.join(FIX, "prompt.jsonl"))
    assert p.returncode == 1
    assert b"diff:" in p.stderr


def test_generator_output_is_committed():
    gen = os.path.join(SOURCE, "tests", "gen", "gen_spend.py")
    for name in ("model_swap", "prompt", "retries", "launch", "mix"):
        p = subprocess.run(["python3", gen, name], capture_output=True)
        assert p.returncode == 0
        with open(os.path.join(FIX, name + ".jsonl"), "rb") as fp:
            assert fp.read() == p.stdout, name


def test_aider_log_split_in_two_sums_exactly():
    files = sorted(glob.glob(os.path.join(SHARED, "traces",
                                          "aider_analytics", "*.jsonl")))
    if not SHARED or not files:
        pytest.skip("shared data absent: configure with "
                    "-DLLMCOST_SHARED_DATA=DIR")
    prices = os.path.join(SHARED, "pricing", "litellm_model_prices.json")
    p = run("--preset", "aider", "--prices", prices, "--by", "model",
            "--baseline", "2024-10-01..2025-02-28", "--current",
            "2025-03-01..2025-08-31", "--format", "json", *files)
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    assert len(doc["slices"]) > 5
    total = Decimal(0)
    for s in doc["slices"]:
        assert_sums(s)
        total += Decimal(s["change"])
    assert total == Decimal(doc["current"]["cost"]) - \
        Decimal(doc["baseline"]["cost"])
    assert any(s["cause"] not in ("new slice", "gone slice")
               for s in doc["slices"])


def snapshot_pair(tmp_path):
    """Runs tests/gen/snap_pair.c (built with the tests): two snapshots
    of the default rollup (see that file)."""
    exe = os.path.join(BUILD, "tests", "snap_pair")
    if not os.path.exists(exe):
        pytest.fail("%s is not built" % exe)
    base, cur = str(tmp_path / "b.snap"), str(tmp_path / "c.snap")
    p = subprocess.run([exe, base, cur], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    return base, cur


def test_two_snapshots(tmp_path):
    base, cur = snapshot_pair(tmp_path)
    p = run("--baseline-snapshot", base, "--current-snapshot", cur,
            "--format", "json")
    assert p.returncode == 0, p.stderr.decode()
    by = slices(json.loads(p.stdout))
    s = by["search"]
    assert s["cause"] == "model substitution"
    assert s["change"] == "0.2" and s["effects"]["price"] == "0.2"
    assert s["figures"]["active_users"] == [5, 5]
    assert by["ops"]["change"] == "0"
    assert_sums(s)


def test_snapshot_without_the_dimension_is_refused(tmp_path):
    base, cur = snapshot_pair(tmp_path)
    p = run("--baseline-snapshot", base, "--current-snapshot", cur,
            "--by", "workflow")
    assert p.returncode == 1
    assert b"no grouping by every --by dimension" in p.stderr


@pytest.mark.parametrize("extra, named", [
    (["--where", "team_id=nobody"], b"--where"),
    (["--map", "team_id=team"], b"--map"),
    (["--prices", "x.json"], b"--prices"),
    (["no-such-file.jsonl"], b"'no-such-file.jsonl'"),
    (["--baseline-snapshot", "{cur}"], b"'--baseline-snapshot'"),
    (["--current-snapshot", "{base}"], b"'--current-snapshot'"),
])
def test_snapshots_refuse_what_they_cannot_apply(tmp_path, extra, named):
    base, cur = snapshot_pair(tmp_path)
    extra = [a.format(base=base, cur=cur) for a in extra]
    p = run("--baseline-snapshot", base, "--current-snapshot", cur, *extra)
    assert p.returncode == 1, p.stderr.decode()
    assert p.stdout == b""
    assert named in p.stderr, p.stderr


def test_a_bad_snapshot_is_named(tmp_path):
    base, cur = snapshot_pair(tmp_path)
    with open(cur, "rb") as fp:
        data = fp.read()
    cut = str(tmp_path / "cut.snap")
    with open(cut, "wb") as fp:
        fp.write(data[:len(data) // 2])
    p = run("--baseline-snapshot", base, "--current-snapshot", cut)
    assert p.returncode == 2
    assert p.stdout == b""
    assert ("%s: cannot load the snapshot" % cut).encode() in p.stderr


def test_audit_with_a_comparison_period_adds_the_section(tmp_path):
    mix = os.path.join(FIX, "mix.jsonl")
    p = subprocess.run([LLMCOST, "audit", mix], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    plain = p.stdout.decode()
    assert "Spend change" not in plain
    out = str(tmp_path / "audit.txt")
    p = subprocess.run([LLMCOST, "audit", "--period", "week", "-o", out,
                        mix], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    with open(out) as fp:
        text = fp.read()
    head, section = text.split("\nSpend change\n")
    assert head == plain
    assert "search\n  baseline 0.84  current 14  change +13.16  " \
        "cause: model substitution" in section
    assert "cause: retry storm" in section


def test_audit_comparison_in_json_is_one_document():
    mix = os.path.join(FIX, "mix.jsonl")
    p = subprocess.run([LLMCOST, "audit", "--period", "week", "--format",
                        "json", mix], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    plain = subprocess.run([LLMCOST, "audit", "--format", "json", mix],
                           capture_output=True)
    assert plain.returncode == 0, plain.stderr.decode()
    alone = json.loads(plain.stdout)
    change = doc.pop("spend_change")
    assert doc == alone
    assert change == diff_json("mix")
    assert change["slices"][0]["cause"] == "model substitution"


def test_audit_of_snapshots_refuses_a_comparison_period(tmp_path):
    base, _ = snapshot_pair(tmp_path)
    p = subprocess.run([LLMCOST, "audit", "--snapshot", base, "--period",
                        "week"], capture_output=True)
    assert p.returncode == 1
    assert p.stdout == b""
    assert b"use llmcost diff --baseline-snapshot" in p.stderr


@pytest.mark.parametrize("period,base,cur", [
    # The logs end on Sunday 2026-06-14: June is not complete, so the
    # last two complete months are April and May.
    ("month", "2026-04-01..2026-04-30", "2026-05-01..2026-05-31"),
    ("day", "2026-06-13..2026-06-13", "2026-06-14..2026-06-14"),
])
def test_month_and_day_periods(period, base, cur):
    p = run("--period", period, "--format", "json",
            os.path.join(FIX, "prompt.jsonl"))
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    assert doc["baseline"]["period"] == base
    assert doc["current"]["period"] == cur
    for s in doc["slices"]:
        assert_sums(s)


def test_usage_errors_name_the_command_that_was_run():
    mix = os.path.join(FIX, "mix.jsonl")
    for cmd in ("audit", "diff"):
        p = subprocess.run([LLMCOST, cmd, "--period", "bogus", mix],
                           capture_output=True)
        assert p.returncode == 1
        assert ("llmcost: %s: --period: expected week, month or day"
                % cmd).encode() in p.stderr
