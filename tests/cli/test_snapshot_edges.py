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

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
HERE = os.path.join(SOURCE, "tests", "cli", "snapshot")
FLEET = os.path.join(HERE, "fleet.jsonl")


def run(*args, limit_as=None):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    pre = None
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


def gateway_snap(tmp_path, mode):
    """Builds gateway_snap.c against the shared library and runs it."""
    exe = tmp_path / "gateway_snap"
    if not exe.exists():
        cc = os.environ.get("LLMCOST_C_COMPILER") or "cc"
        p = subprocess.run([cc, "-I", os.path.join(SOURCE, "include"),
                            os.path.join(HERE, "gateway_snap.c"), "-L",
                            BUILD, "-lllmcost", "-Wl,-rpath," + BUILD, "-o",
                            str(exe)], capture_output=True)
        assert p.returncode == 0, p.stderr.decode()
    out = str(tmp_path / (mode + ".snap"))
    p = subprocess.run([str(exe), mode, out], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
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
