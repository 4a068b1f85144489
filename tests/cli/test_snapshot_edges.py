"""Edges of the snapshot commands: large --limit values, many inputs,
the same file given twice, caps past 2^63 and the messages of failures.

The snapshots come from tests/cli/snapshot/fleet.jsonl (see
test_snapshot.py) and from tests/cli/snapshot/gateway_snap.c.
"""
import json
import os
import resource
import subprocess

import pytest

from test_snapshot import gateway_snap

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
HERE = os.path.join(SOURCE, "tests", "cli", "snapshot")
FLEET = os.path.join(HERE, "fleet.jsonl")


def sanitized():
    """True for a build under AddressSanitizer, whose shadow memory no
    address-space limit can hold."""
    with open(LLMCOST, "rb") as fp:
        return b"__asan_init" in fp.read()


def run(*args, limit_as=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    pre = None
    if limit_as is not None and sanitized():
        pytest.skip("an address-space limit cannot run an ASan build")
    if limit_as is not None:
        def pre():
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
    return subprocess.run([LLMCOST, *args], capture_output=True,
                          preexec_fn=pre)


def ok(*args, **kw):
    p = run(*args, **kw)
    assert p.returncode == 0, p.stderr.decode()
    return p


def snapshot(tmp_path, name, *logs):
    out = str(tmp_path / name)
    ok("snapshot", *logs, "-o", out)
    return out


def heavy_rows(text):
    block = text.split("Heaviest keys of the capped grouping")[1]
    block = block.split("\n\n")[0].split("\n")
    return [r for r in block[2:] if r and not r.startswith("  any key")]


# ---- --limit and the heavy-hitter list ------------------------------------

# Below what 20,000,000 heavy-hitter entries would take (about 2 GB), far
# above what the audit of a small snapshot needs.
SMALL_AS = 1 << 30


def test_a_huge_limit_costs_what_the_keys_need(tmp_path):
    capped = gateway_snap(tmp_path, "capped")
    full = ok("audit", "--snapshot", capped, "--limit", "0").stdout
    p = ok("audit", "--snapshot", capped, "--limit", "20000000",
           limit_as=SMALL_AS)
    assert p.stdout == full
    assert len(heavy_rows(full.decode())) == 4
    out = tmp_path / "rep.txt"
    ok("audit", "--snapshot", capped, "--limit", "20000000", "-o",
       str(out), limit_as=SMALL_AS)
    assert out.read_bytes() == full
    doc = json.loads(ok("audit", "--snapshot", capped, "--format", "json",
                        "--limit", "20000000", limit_as=SMALL_AS).stdout)
    assert len(doc["heavy_hitters"]["keys"]) == 4


def test_the_limit_still_cuts_the_heavy_list(tmp_path):
    capped = gateway_snap(tmp_path, "capped")
    text = ok("audit", "--snapshot", capped, "--limit", "1").stdout
    rows = heavy_rows(text.decode())
    assert len(rows) == 1 and "0.0500" in rows[0]
    # The bound on a key left out covers the keys past the limit.
    assert "any key not listed: at most 0.0500 USD" in text.decode()


# ---- many inputs ----------------------------------------------------------

def distinct_log(path, n, first):
    """n priced rows, each of its own user: n groups."""
    with open(path, "w") as fp:
        for i in range(first, first + n):
            fp.write(json.dumps({
                "timestamp": "2026-03-02T09:00:00Z",
                "request_id": "r%d" % i, "team_id": "search",
                "user_id": "u%06d" % i, "feature_name": "rag",
                "provider": "openai", "model": "gpt-4o-mini",
                "input_tokens": 1000 + i, "output_tokens": 10}) + "\n")


def test_many_inputs_merge_by_pairs_to_the_same_bytes(tmp_path):
    parts, rows = 256, 250
    snaps, logs = [], []
    for k in range(parts):
        log = str(tmp_path / ("p%03d.jsonl" % k))
        distinct_log(log, rows, k * rows)
        logs.append(log)
        snaps.append(snapshot(tmp_path, "p%03d.snap" % k, log))
    whole = snapshot(tmp_path, "whole.snap", *logs)
    half = parts // 2
    halves = [snapshot(tmp_path, "h0.snap", *logs[:half]),
              snapshot(tmp_path, "h1.snap", *logs[half:])]
    ok("merge", *halves, "-o", str(tmp_path / "two.snap"))
    # 256 inputs are merged by pairs (about log2(256) copies of each
    # group, not 128); the order of the pairs must not change a byte.
    ok("merge", *snaps, "-o", str(tmp_path / "many.snap"))
    ok("merge", *reversed(snaps), "-o", str(tmp_path / "back.snap"))
    with open(whole, "rb") as fp:
        want = fp.read()
    for name in ("two.snap", "many.snap", "back.snap"):
        assert (tmp_path / name).read_bytes() == want, name


def test_a_merge_failure_names_the_inputs_of_both_sides(tmp_path):
    huge = gateway_snap(tmp_path, "huge")
    fleet = snapshot(tmp_path, "fleet.snap", FLEET)
    copy = str(tmp_path / "copy.snap")
    with open(huge, "rb") as src, open(copy, "wb") as dst:
        dst.write(src.read())
    p = run("merge", huge, fleet, copy, "-o", str(tmp_path / "m.snap"))
    assert p.returncode == 2
    assert ("merging %s .. %s (inputs 1 to 2) with %s failed: "
            % (huge, fleet, copy)).encode() in p.stderr, p.stderr


# ---- the same file twice ------------------------------------------------

@pytest.mark.parametrize("command", ["merge", "audit"])
def test_the_same_file_twice_is_refused(tmp_path, command):
    a = snapshot(tmp_path, "a.snap", FLEET)
    other = snapshot(tmp_path, "other.snap", os.path.join(
        SOURCE, "examples", "gateway.jsonl"))
    link = str(tmp_path / "link.snap")
    os.link(a, link)
    sym = str(tmp_path / "sym.snap")
    os.symlink(a, sym)
    out = tmp_path / "m.snap"
    for second in (a, link, sym):
        if command == "merge":
            p = run("merge", a, other, second, "-o", str(out))
        else:
            p = run("audit", "--snapshot", a, "--snapshot", other,
                    "--snapshot", second)
        assert p.returncode == 2 and p.stdout == b"", p.stderr
        assert ("%s and %s are the same file" % (a, second)).encode() \
            in p.stderr, p.stderr
        assert not out.exists()
    # Two files with the same bytes are two replicas' snapshots.
    copy = str(tmp_path / "copy.snap")
    with open(a, "rb") as src, open(copy, "wb") as dst:
        dst.write(src.read())
    ok("merge", a, copy, "-o", str(out))


# ---- what a failed sum says ---------------------------------------------

def test_a_view_overflow_names_the_files_and_the_sum(tmp_path):
    # ana and bo of gateway_snap's "huge" and "huge-bo" have 2^62 + 2^60
    # requests each, in the same team: their sum does not fit in 64 bits.
    ana, bo = gateway_snap(tmp_path, "huge"), gateway_snap(tmp_path,
                                                           "huge-bo")
    want = ("%s + %s: summing the snapshots failed: the requests of the "
            "totals would overflow" % (ana, bo)).encode()
    for fmt in ("text", "json"):
        p = run("audit", "--snapshot", ana, bo, "--format", fmt)
        assert p.returncode == 2 and p.stdout == b""
        assert want in p.stderr, p.stderr
        assert b"out of memory" not in p.stderr
    both = str(tmp_path / "both.snap")
    ok("merge", ana, bo, "-o", both)
    fleet = snapshot(tmp_path, "fleet.snap", FLEET)
    p = run("diff", "--baseline-snapshot", fleet, "--current-snapshot",
            both)
    assert p.returncode == 2 and p.stdout == b""
    assert ("diff: %s: a sum (requests, retries, errors, tokens or cost) "
            "of slice 'search' would overflow in the current period"
            % both).encode() in p.stderr, p.stderr


# ---- caps of 2^63 and more ----------------------------------------------

def test_a_cap_past_2_63_reads_the_same_everywhere(tmp_path):
    snap = gateway_snap(tmp_path, "bigcap")
    cap = 2**64 - 1
    text = ok("audit", "--snapshot", snap).stdout.decode()
    assert "4 groups, cap %d\n" % cap in text
    doc = json.loads(ok("audit", "--snapshot", snap, "--format",
                        "json").stdout)
    assert doc["snapshots"]["grouping"]["max_groups"] == cap
    out = tmp_path / "m.json"
    ok("merge", snap, "-o", str(out), "--format", "json")
    caps = sorted(g["max_groups"] for g in
                  json.loads(out.read_text())["groupings"])
    assert caps == [2**63, cap]


# ---- a capped input merged with an uncapped one ----------------------------

def test_a_merge_of_capped_and_uncapped_says_what_it_holds(tmp_path):
    capped = gateway_snap(tmp_path, "capped")
    fleet = snapshot(tmp_path, "fleet.snap", FLEET)
    merged = str(tmp_path / "m.snap")
    ok("merge", capped, fleet, "-o", merged)
    for args in ([merged], [capped, fleet]):
        text = ok("audit", "--snapshot", *args).stdout.decode()
        head = text.split("\nSnapshots")[1].split("\n\n")[0]
        assert "no cap, but merged from inputs of which some were " \
            "capped" in head
        assert "overflow       2 requests, 0.0500 USD past the cap of a " \
            "capped input" in head
        assert "(overflow)" in text
        assert "Heaviest keys of the capped grouping" not in text
        assert "Heaviest keys of the merged, partly capped, grouping" \
            in text
    # A capped snapshot alone is described as before.
    text = ok("audit", "--snapshot", capped).stdout.decode()
    assert "groups, cap 2\n" in text
    assert "2 requests, 0.0500 USD past the cap, with" in text
    assert "Heaviest keys of the capped grouping" in text


# ---- small things -------------------------------------------------------

def test_undated_requests_is_a_count(tmp_path):
    log = tmp_path / "u.jsonl"
    with open(FLEET) as fp:
        lines = fp.readlines()[:3]
    row = {"request_id": "u1", "team_id": "search", "user_id": "ana",
           "model": "gpt-4o-mini", "input_tokens": 10,
           "output_tokens": 1, "request_count": 3}
    log.write_text("".join(lines) + json.dumps(row) + "\n")
    snap = snapshot(tmp_path, "u.snap", str(log))
    doc = json.loads(ok("audit", "--snapshot", snap, "--format",
                        "json").stdout)
    assert doc["snapshots"]["undated_requests"] == 3
    assert "; 3 requests had no time\n" in ok(
        "audit", "--snapshot", snap).stdout.decode()
    dated = snapshot(tmp_path, "d.snap", FLEET)
    doc = json.loads(ok("audit", "--snapshot", dated, "--format",
                        "json").stdout)
    assert doc["snapshots"]["undated_requests"] == 0


@pytest.mark.parametrize("command", ["audit", "snapshot", "merge", "ledger"])
def test_output_given_twice_is_a_usage_error(tmp_path, command):
    first, second = str(tmp_path / "a.out"), str(tmp_path / "b.out")
    src = FLEET
    if command == "merge":
        src = snapshot(tmp_path, "f.snap", FLEET)
    p = run(command, src, "-o", first, "--output", second)
    assert p.returncode == 1
    assert b"-o/--output given twice" in p.stderr, p.stderr
    assert not os.path.exists(first) and not os.path.exists(second)
