"""llmcost snapshot, llmcost merge and llmcost audit --snapshot.

tests/cli/snapshot/fleet.jsonl is twelve lines on four days, priced with
the compiled-in book: nine priced rows, one unpriced (mystery-model-9),
one rejected (negative output_tokens, line 11) and one duplicate (r3
repeated on line 4).  Its first, middle and last four lines stand for three
replicas of a gateway; the duplicate sits inside the first.

tests/cli/snapshot/gateway_snap.c writes snapshots as a gateway using the
library would (see that file for the numbers).
"""
import json
import os
import subprocess
from decimal import Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
HERE = os.path.join(SOURCE, "tests", "cli", "snapshot")
FLEET = os.path.join(HERE, "fleet.jsonl")

# The text sections an audit of snapshots shows as an audit of logs does.
VIEW_HEADINGS = ("Totals", "Cost by team", "Cost by user",
                 "Cost by feature", "Cost by model", "Cost by day",
                 "Top 10 users")
VIEW_MEMBERS = ("totals", "by_team", "by_user", "by_feature", "by_model",
                "by_day", "top_users")
ROW_MEMBERS = ("accounting", "prices", "pricing_flags", "attribution_gaps",
               "unpriced", "rejected", "reconciliation")


def run(*args, cwd=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], capture_output=True, cwd=cwd)


def ok(*args, cwd=None):
    p = run(*args, cwd=cwd)
    assert p.returncode == 0, p.stderr.decode()
    return p


def sections(text):
    """Heading line -> the section's text, for every section."""
    out = {}
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        out[lines[0]] = block.strip("\n")
    return out


def view_sections(text):
    found = {h: s for h, s in sections(text).items()
             if h.startswith(VIEW_HEADINGS)}
    assert len(found) == len(VIEW_HEADINGS), sorted(found)
    return found


def snapshot(tmp_path, name, *logs, fmt=None):
    out = str(tmp_path / name)
    extra = ["--format", fmt] if fmt else []
    p = ok("snapshot", *extra, *logs, "-o", out)
    return out, p.stderr.decode()


def parts(tmp_path):
    """The fleet log as three replicas' logs."""
    with open(FLEET) as fp:
        lines = fp.readlines()
    assert len(lines) == 12
    paths = []
    for i in range(3):
        path = tmp_path / ("part%d.jsonl" % i)
        path.write_text("".join(lines[4 * i:4 * i + 4]))
        paths.append(str(path))
    return paths


def gateway_snap(tmp_path, mode):
    """Runs gateway_snap.c (built with the tests) to write a snapshot."""
    exe = os.path.join(BUILD, "tests", "gateway_snap")
    if not os.path.exists(exe):
        pytest.fail("%s is not built" % exe)
    out = str(tmp_path / (mode + ".snap"))
    p = subprocess.run([exe, mode, out], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    return out


# ---- one log, one snapshot ----------------------------------------------

def test_snapshot_prints_the_row_accounting(tmp_path):
    out, err = snapshot(tmp_path, "fleet.snap", FLEET)
    assert "12 rows = priced 9 + unpriced 1 + rejected 1 + duplicate 1" \
        in err
    assert "fleet.snap" in err
    with open(out, "rb") as fp:
        assert fp.read(8) == b"LLMCSNAP"


def test_audit_of_the_snapshot_shows_the_same_tables(tmp_path):
    snap, _ = snapshot(tmp_path, "fleet.snap", FLEET)
    logs = view_sections(ok("audit", FLEET).stdout.decode())
    snaps = view_sections(ok("audit", "--snapshot", snap).stdout.decode())
    assert snaps == logs
    # Not a vacuous comparison: the tables hold the fleet's numbers.
    assert "0.0835" in logs[next(h for h in logs if h.startswith("Totals"))]
    assert "2026-03-05" in logs["Cost by day (UTC)"]


def test_audit_of_the_snapshot_json_members_are_equal(tmp_path):
    snap, _ = snapshot(tmp_path, "fleet.snap", FLEET)
    logs = json.loads(ok("audit", "--format", "json", FLEET).stdout)
    snaps = json.loads(ok("audit", "--format", "json", "--snapshot",
                          snap).stdout)
    for member in VIEW_MEMBERS:
        assert snaps[member] == logs[member], member
    assert logs["totals"]["requests"] == 10
    assert logs["totals"]["unpriced_requests"] == 1
    # Totals are exact: the sum of the per-team costs.
    assert sum(Decimal(t["cost_usd"]) for t in snaps["by_team"]) == \
        Decimal(snaps["totals"]["cost_usd"])


def test_sections_of_the_rows_are_absent_with_a_note(tmp_path):
    snap, _ = snapshot(tmp_path, "fleet.snap", FLEET)
    text = ok("audit", "--snapshot", snap).stdout.decode()
    heads = sections(text)
    for name in ("Accounting", "Pricing flags", "Attribution gaps",
                 "Unmapped tag values", "Duplicates", "Unpriced models",
                 "Rejected rows", "Price table diagnostics",
                 "Reconciliation"):
        notes = [h for h in heads if h.startswith(name)]
        assert len(notes) == 1, (name, notes)
        assert "needs the logs" in notes[0]
        assert heads[notes[0]] == notes[0]      # a note, not a table
    assert "rejected 1" not in text
    doc = json.loads(ok("audit", "--format", "json", "--snapshot",
                        snap).stdout)
    for member in ROW_MEMBERS + ("heavy_hitters",):
        assert member not in doc
    # Exactly the members of an audit of logs that are not here.
    assert sorted(doc["needs_logs"]) == sorted(ROW_MEMBERS)
    s = doc["snapshots"]
    assert s["files"] == [snap]
    assert s["records"] == 10
    assert s["first_day"] == "2026-03-02" and s["last_day"] == "2026-03-05"
    assert s["grouping"]["dims"] == ["team", "user", "feature", "model"]
    assert s["grouping"]["bucket"] == "day"
    assert s["grouping"]["overflow_groups"] == 0


# ---- a fleet of replicas ----------------------------------------------

def test_merge_in_any_order_equals_the_whole(tmp_path):
    whole, _ = snapshot(tmp_path, "whole.snap", FLEET)
    snaps = [snapshot(tmp_path, "r%d.snap" % i, log)[0]
             for i, log in enumerate(parts(tmp_path))]
    m1, m2 = str(tmp_path / "m1.snap"), str(tmp_path / "m2.snap")
    ok("merge", snaps[0], snaps[1], snaps[2], "-o", m1)
    ok("merge", "-o", m2, snaps[2], snaps[0], snaps[1])
    data = [open(p, "rb").read() for p in (m1, m2, whole)]
    assert data[0] == data[1] == data[2]
    # The parts differ from the whole: the merge did something.
    assert open(snaps[0], "rb").read() != data[2]


def test_json_snapshots_are_read_back(tmp_path):
    whole, _ = snapshot(tmp_path, "whole.snap", FLEET)
    jsons = [snapshot(tmp_path, "r%d.json" % i, log, fmt="json")[0]
             for i, log in enumerate(parts(tmp_path))]
    with open(jsons[0]) as fp:
        assert json.load(fp)["format"] == "llmcost-snapshot"
    merged = str(tmp_path / "m.snap")
    ok("merge", *jsons, "-o", merged)
    assert open(merged, "rb").read() == open(whole, "rb").read()
    a = ok("audit", "--snapshot", *jsons).stdout.decode()
    b = ok("audit", "--snapshot", whole).stdout.decode()
    assert view_sections(a) == view_sections(b)


def test_audit_of_several_snapshots_equals_audit_of_the_merge(tmp_path):
    snaps = [snapshot(tmp_path, "r%d.snap" % i, log)[0]
             for i, log in enumerate(parts(tmp_path))]
    merged = str(tmp_path / "merged.snap")
    ok("merge", *snaps, "-o", merged)
    three = ok("audit", "--snapshot", *snaps).stdout.decode()
    mixed = ok("audit", "--snapshot", snaps[0], "--snapshot", snaps[1],
               snaps[2]).stdout.decode()
    one = ok("audit", "--snapshot", merged).stdout.decode()
    assert three == mixed
    assert "3 snapshots" in three and "1 snapshot\n" in one
    rest = {h: b for h, b in sections(one).items()
            if not h.startswith(("llmcost audit", "Snapshots"))}
    assert len(rest) > len(VIEW_HEADINGS)
    for head, body in rest.items():
        assert sections(three)[head] == body
    assert view_sections(one) == view_sections(
        ok("audit", FLEET).stdout.decode())
    a = json.loads(ok("audit", "--format", "json", "--snapshot",
                      *snaps).stdout)
    b = json.loads(ok("audit", "--format", "json", "--snapshot",
                      merged).stdout)
    a["snapshots"]["files"] = b["snapshots"]["files"] = None
    assert a == b


def test_merge_json_is_valid_and_its_totals_match(tmp_path):
    snaps = [snapshot(tmp_path, "r%d.snap" % i, log)[0]
             for i, log in enumerate(parts(tmp_path))]
    out = str(tmp_path / "merged.json")
    ok("merge", "--format", "json", *snaps, "-o", out)
    with open(out) as fp:
        doc = json.load(fp)
    assert doc["format"] == "llmcost-snapshot"
    totals = json.loads(ok("audit", "--format", "json",
                           FLEET).stdout)["totals"]
    groups = [g for g in doc["groups"] if g["grouping"] == 0]
    assert sum(Decimal(g["cost"]["total"]) for g in groups) == \
        Decimal(totals["cost_usd"])
    assert sum(g["requests"] for g in groups) == totals["requests"]
    assert sum(g["tokens"]["input"] for g in groups) == \
        totals["input_tokens"]
    # snapshot --format json writes the same form.
    one, _ = snapshot(tmp_path, "whole.json", FLEET, fmt="json")
    with open(one) as fp:
        assert json.load(fp) == doc


# ---- inputs that cannot be loaded ----------------------------------------

def good_snapshot(tmp_path):
    return snapshot(tmp_path, "good.snap", FLEET)[0]


def bad_inputs(tmp_path):
    """(name, bytes) of snapshots every command must refuse whole."""
    data = open(good_snapshot(tmp_path), "rb").read()
    n = len(data)
    bad = []
    for cut in (1, 8, 12, 23, 24, 25, n // 2, n - 8, n - 1):
        bad.append(("cut%d" % cut, data[:cut]))
    for at in (16, 40, n // 2, n - 1):
        flipped = bytearray(data)
        flipped[at] ^= 0x20
        bad.append(("flip%d" % at, bytes(flipped)))
    bad.append(("magic", b"LLMCSNAQ" + data[8:]))
    version = bytearray(data)
    version[8:12] = (2).to_bytes(4, "little")
    bad.append(("version", bytes(version)))
    bad.append(("empty", b""))
    bad.append(("text", b'{"format":"llmcost-snapshot"}\n'))
    return bad


def write_bad(tmp_path, name, data):
    path = tmp_path / ("bad-%s.snap" % name)
    path.write_bytes(data)
    return str(path)


def test_bad_snapshots_stop_the_audit_with_no_report(tmp_path):
    good = good_snapshot(tmp_path)
    for name, data in bad_inputs(tmp_path):
        bad = write_bad(tmp_path, name, data)
        for fmt in ("text", "json"):
            p = run("audit", "--format", fmt, "--snapshot", good, bad)
            assert p.returncode == 2, name
            assert p.stdout == b"", name
            assert bad.encode() in p.stderr, name
            assert b"cannot load the snapshot" in p.stderr, name


def test_bad_snapshots_leave_the_merge_output_alone(tmp_path):
    good = good_snapshot(tmp_path)
    kept = tmp_path / "kept.snap"
    kept.write_bytes(b"what was there before")
    for name, data in bad_inputs(tmp_path):
        bad = write_bad(tmp_path, name, data)
        new = tmp_path / ("new-%s.snap" % name)
        for order in ((good, bad), (bad, good)):
            p = run("merge", *order, "-o", str(new))
            assert p.returncode == 2, name
            assert bad.encode() in p.stderr, name
            assert not new.exists(), name
            p = run("merge", *order, "-o", str(kept))
            assert p.returncode == 2, name
            assert kept.read_bytes() == b"what was there before", name
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["good.snap", "kept.snap"] + ["bad-%s.snap" % n
                                      for n, _ in bad_inputs(tmp_path)])


def test_the_library_reason_is_given(tmp_path):
    good = good_snapshot(tmp_path)
    reasons = {
        "version": b"format version 2; this library reads version 1 only",
        "magic": b"magic",
        "cut100": b"truncated",
    }
    data = dict(bad_inputs(tmp_path))
    data["cut100"] = open(good, "rb").read()[:100]
    for name, reason in reasons.items():
        bad = write_bad(tmp_path, name, data[name])
        p = run("merge", bad, "-o", str(tmp_path / "x.snap"))
        assert p.returncode == 2
        assert reason in p.stderr, p.stderr


def test_missing_snapshot(tmp_path):
    good = good_snapshot(tmp_path)
    missing = str(tmp_path / "nowhere.snap")
    p = run("audit", "--snapshot", good, "--snapshot", missing)
    assert p.returncode == 2 and p.stdout == b""
    assert missing.encode() in p.stderr
    out = tmp_path / "m.snap"
    p = run("merge", good, missing, "-o", str(out))
    assert p.returncode == 2 and not out.exists()
    assert missing.encode() in p.stderr


def test_a_merge_that_overflows_writes_nothing(tmp_path):
    huge = gateway_snap(tmp_path, "huge")
    copy = str(tmp_path / "copy.snap")
    with open(huge, "rb") as src, open(copy, "wb") as dst:
        dst.write(src.read())
    out = tmp_path / "twice.snap"
    p = run("merge", huge, copy, "-o", str(out))
    assert p.returncode == 2 and not out.exists()
    why = ("merging %s with %s failed: " % (huge, copy)).encode()
    assert why in p.stderr and b"a sum of a group would overflow" \
        in p.stderr, p.stderr
    p = run("audit", "--snapshot", huge, copy)
    assert p.returncode == 2 and p.stdout == b""
    assert why in p.stderr


def test_views_that_would_overflow_print_nothing(tmp_path):
    # Two groups of 2^62 + 2^60 requests each merge fine; their total
    # does not fit in 64 bits, so the audit refuses rather than wrap.
    ana, bo = gateway_snap(tmp_path, "huge"), gateway_snap(tmp_path,
                                                           "huge-bo")
    ok("merge", ana, bo, "-o", str(tmp_path / "both.snap"))
    p = run("audit", "--snapshot", ana, bo)
    assert p.returncode == 2 and p.stdout == b""


def test_a_failed_snapshot_run_leaves_out_alone(tmp_path):
    out = tmp_path / "out.snap"
    out.write_bytes(b"old")
    p = run("snapshot", FLEET, str(tmp_path / "missing.jsonl"), "-o",
            str(out))
    assert p.returncode == 2
    assert out.read_bytes() == b"old"
    p = run("snapshot", "--strict", FLEET, "-o", str(out))
    assert p.returncode == 3
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.snap"]


# ---- snapshots a gateway made ---------------------------------------------

def test_overflow_groups_are_their_own_row(tmp_path):
    snap = gateway_snap(tmp_path, "capped")
    text = ok("audit", "--snapshot", snap).stdout.decode()
    heads = sections(text)
    for view in ("Cost by team", "Cost by user", "Cost by feature",
                 "Cost by model"):
        rows = heads[view].split("\n")
        over = [r for r in rows if r.strip().startswith("(overflow)")]
        assert len(over) == 1, view
        assert over[0].split()[1] == "2" and "0.0500" in over[0]
    users = heads["Cost by user"]
    none = [r for r in users.split("\n") if r.strip().startswith("(none)")]
    assert len(none) == 1 and none[0].split()[1] == "1"
    assert "bo" not in users.split() and "cy" not in users.split()
    assert "cap 2" in text and "2 requests, 0.0500 USD past the cap" in text
    doc = json.loads(ok("audit", "--format", "json", "--snapshot",
                        snap).stdout)
    by_user = doc["by_user"]
    over = [u for u in by_user if u.get("overflow")]
    assert over == [u for u in by_user if u["user"] is None]
    assert len(over) == 1
    assert over[0]["requests"] == 2 and over[0]["cost_usd"] == "0.05"
    plain = {u["user"]: u for u in by_user if not u.get("overflow")}
    assert plain[""]["requests"] == 1 and plain[""]["cost_usd"] == "0.05"
    assert plain["ana"]["requests"] == 2 and plain["ana"]["cost_usd"] == \
        "0.05"
    assert doc["totals"]["cost_usd"] == "0.15"
    assert doc["totals"]["requests"] == 5
    g = doc["snapshots"]["grouping"]
    assert g["max_groups"] == 2 and g["overflow_groups"] == 1
    assert g["overflow_requests"] == 2 and g["overflow_cost_usd"] == "0.05"
    assert doc["snapshots"]["other_groupings"] == 1
    tops = [t for t in doc["top_users"] if t.get("overflow")]
    assert len(tops) == 1 and tops[0]["team"] is None
    # It stands for many users: no team median to compare with.
    assert tops[0]["team_median_input_tokens_per_request"] is None
    # The counters name who is in the overflow row: bo and cy, exactly
    # (fewer keys than counters), with ana and the no-team key from their
    # own groups.
    heavy = doc["heavy_hitters"]
    assert heavy["unlisted_at_most_usd"] == "0"
    assert [(k["user"], k["cost_low_usd"], k["cost_high_usd"], k["exact"])
            for k in heavy["keys"]] == [
        ("", "0.05", "0.05", True), ("ana", "0.05", "0.05", True),
        ("cy", "0.03", "0.03", True), ("bo", "0.02", "0.02", True)]
    lines = heads[next(h for h in heads if h.startswith("Heaviest keys"))]
    assert "search  cy" in lines and "0.0300   0.0300" in lines


def test_overflow_merges_with_a_replica_that_had_no_cap(tmp_path):
    capped = gateway_snap(tmp_path, "capped")
    fleet, _ = snapshot(tmp_path, "fleet.snap", FLEET)
    doc = json.loads(ok("audit", "--format", "json", "--snapshot", capped,
                        fleet).stdout)
    alone = json.loads(ok("audit", "--format", "json", FLEET).stdout)
    assert Decimal(doc["totals"]["cost_usd"]) == \
        Decimal(alone["totals"]["cost_usd"]) + Decimal("0.15")
    assert [u["requests"] for u in doc["by_user"] if u.get("overflow")] \
        == [2]


def test_a_snapshot_without_the_audit_grouping_is_refused(tmp_path):
    snap = gateway_snap(tmp_path, "nodefault")
    good = good_snapshot(tmp_path)
    p = run("audit", "--snapshot", good, snap)
    assert p.returncode == 2 and p.stdout == b""
    err = p.stderr.decode()
    assert snap in err
    assert "no grouping by team, user, feature, model by day" in err
    assert "its groupings: team by month; user by day" in err
    # merge does not need that grouping: it keeps every grouping.
    ok("merge", good, snap, "-o", str(tmp_path / "all.snap"))


# ---- the command line ------------------------------------------------------

def test_usage_errors(tmp_path):
    good = good_snapshot(tmp_path)
    out = str(tmp_path / "o.snap")
    cases = [
        ("snapshot", FLEET),
        ("snapshot", FLEET, "-o", "-"),
        ("snapshot", "--format", "text", FLEET, "-o", out),
        ("audit", "--format", "binary", FLEET),
        ("merge", good),
        ("merge", "-o", out),
        ("merge", "--format", "csv", good, "-o", out),
        ("merge", "--bogus", good, "-o", out),
        ("audit", "--snapshot", good, "--prices", FLEET),
        ("audit", "--snapshot", good, "--where", "team_id=ads"),
        ("audit", "--snapshot", good, "--tags", FLEET),
        ("gaps", "--snapshot", good),
        ("ledger", "--snapshot", good),
    ]
    for args in cases:
        p = run(*args)
        assert p.returncode == 1, args
        assert p.stdout == b"", args
    assert not os.path.exists(out)


def test_help():
    p = ok("snapshot", "--help")
    assert p.stdout.startswith(b"Usage: llmcost snapshot")
    p = ok("merge", "--help")
    assert p.stdout.startswith(b"Usage: llmcost merge")
    top = ok("--help").stdout
    assert b"llmcost snapshot [OPTIONS] FILE... -o OUT" in top
    assert b"llmcost merge SNAP... -o OUT" in top
    assert b"--snapshot SNAP" in top


def test_audit_of_snapshots_to_a_file(tmp_path):
    good = good_snapshot(tmp_path)
    report = tmp_path / "report.txt"
    ok("audit", "--snapshot", good, "-o", str(report))
    assert "Cost by team" in report.read_text()
    p = run("audit", "--snapshot", good, "-o", good)
    assert p.returncode == 2
    assert open(good, "rb").read(8) == b"LLMCSNAP"


@pytest.mark.parametrize("fmt", [None, "json"])
def test_a_snapshot_given_as_a_log_is_named(tmp_path, fmt):
    snap, _ = snapshot(tmp_path, "fleet.snap", FLEET, fmt=fmt)
    for cmd in ("audit", "ledger", "gaps"):
        p = run(cmd, snap)
        assert p.returncode == 2, (cmd, p.stderr.decode())
        assert p.stdout == b""
        assert ("%s: an llmcost snapshot, not a log: read it with llmcost "
                "audit --snapshot" % snap).encode() in p.stderr


def test_hints_for_mixed_up_inputs(tmp_path):
    snap, _ = snapshot(tmp_path, "fleet.snap", FLEET)
    # A log where a snapshot is wanted.
    p = run("audit", "--snapshot", snap, FLEET)
    assert p.returncode == 2 and p.stdout == b""
    assert b"a log is read without --snapshot" in p.stderr
    # A snapshot on standard input: the hint does not suggest "-".
    with open(snap, "rb") as fp:
        p = subprocess.run([LLMCOST, "audit", "-"], stdin=fp,
                           capture_output=True)
    assert p.returncode == 2
    assert b"read it with llmcost audit --snapshot FILE, from a file" \
        in p.stderr
    # Options of a comparison without one.
    for opt in (["--by", "team"], ["--min-usd=1"]):
        p = run("audit", *opt, FLEET)
        assert p.returncode == 1
        assert b"works with a comparison period" in p.stderr

