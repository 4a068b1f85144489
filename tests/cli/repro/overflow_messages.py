"""Repro: when the sums of several snapshots overflow a view's 64-bit
count, `audit --snapshot` says only "summing the snapshots failed: a sum
is out of range or out of memory", and `diff` only "diff: diff: sum
overflows": neither names a file or the sum, and the audit cannot tell
overflow from lack of memory.  (A merge that overflows names the file.)

usage: python3 overflow_messages.py LLMCOST GOOD.snap WORKDIR"""
import os
import subprocess
import sys

import snapkit

L, GOOD, WD = sys.argv[1:4]
os.makedirs(WD, exist_ok=True)
s = snapkit.parse(open(GOOD, "rb").read())
# two groups of the same team, 2^63 - 1 input tokens each: each group is
# valid, their sum in the by-team view is not
for g in s["groups"][:2]:
    g["tokens"][0] = 2**63 - 1
path = os.path.join(WD, "tokens.snap")
open(path, "wb").write(snapkit.build(s))
bad = 0
for args in (["audit", "--snapshot", path],
             ["audit", "--snapshot", path, "--format", "json"],
             ["diff", "--baseline-snapshot", GOOD, "--current-snapshot",
              path]):
    p = subprocess.run([L] + args, capture_output=True)
    err = p.stderr.decode().strip()
    print(" ".join(args[:2]), "-> exit", p.returncode, "|", err)
    if p.returncode != 2 or p.stdout or "tokens.snap" not in err:
        bad = 1
# Expected: exit 2, no report, and a message naming tokens.snap (or "the
# snapshots"), the view and the sum that would overflow, as the rejected
# rows table of an audit of logs does ("input tokens: the sum overflows").
print("PROBLEM" if bad else "ok")
sys.exit(bad)
