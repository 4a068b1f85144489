"""Hostile snapshots with good checksums through merge, audit and diff.

tests/cli/hostile/mutate.py crafts about ninety snapshots from a good one
(counts that lie, sums past their limits, keys out of order or with bad
bytes, sketches out of order, versions and flags this build does not
know, lengths that wrap) with snapkit.py, which rebuilds the frame and
checksum so that each mutation reaches the reader.  Every command either
takes the file whole or refuses it whole: exit 2, the file named, nothing
on standard output and no merge output.
"""

import os
import subprocess
import sys

import pytest

SOURCE = os.environ.get("LLMCOST_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("LLMCOST_BUILD_DIR", os.path.join(SOURCE, "build"))
LLMCOST = os.path.join(BUILD, "llmcost")
HOSTILE = os.path.join(SOURCE, "tests", "cli", "hostile")
GATEWAY = os.path.join(SOURCE, "examples", "gateway.jsonl")


def test_every_hostile_snapshot_is_taken_whole_or_refused_whole(tmp_path):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    good = str(tmp_path / "good.snap")
    p = subprocess.run([LLMCOST, "snapshot", GATEWAY, "-o", good],
                       capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    work = tmp_path / "work"
    p = subprocess.run([sys.executable, os.path.join(HOSTILE, "mutate.py"),
                        LLMCOST, good, str(work)], capture_output=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr.decode()
    cases = [line.split() for line in p.stdout.decode().splitlines()
             if not line.startswith(" ")]
    assert len(cases) >= 80, "the case list shrank: %d" % len(cases)
    refused = 0
    for name, *results in cases:
        for result in results:
            what, _, outcome = result.partition("=")
            assert "!!" not in outcome, (name, result)  # signal, sanitizer
            assert "+STDOUT" not in outcome, (name, result)
            code = int(outcome.split("+")[0])
            assert code in (0, 1, 2), (name, result)
            if what == "merge" and code != 0:
                assert "+OUT" not in outcome, (name, result)
        refused += all(r.split("=")[1].startswith("2") for r in results)
    # Most mutations break a rule the reader checks; the rest (old field
    # counts, odd but valid keys, far times) are valid snapshots.
    assert refused >= 60, refused
    text = p.stdout.decode()
    for name, *results in cases:
        if all(r.split("=")[1].startswith("2") for r in results):
            assert "%s.snap: " % name in text, name
