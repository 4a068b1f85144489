"""Repro: a snapshot with a good checksum whose group has a negative cost,
or cost components that add up to more than its cost, loads, merges and
is audited: the fleet's total drops and the component lines no longer
add up, with no error.  `diff` refuses the same file, but its message
does not name the file.

usage: python3 negative_cost.py LLMCOST GOOD.snap WORKDIR"""
import json
import os
import subprocess
import sys

import snapkit

L, GOOD, WD = sys.argv[1:4]
os.makedirs(WD, exist_ok=True)
s = snapkit.parse(open(GOOD, "rb").read())
g = s["groups"][0]
# total, contracted and effective of one request set to -5 USD; its
# components stay positive
for i in range(3):
    g["money"][i] = -5 * 10**18
neg = os.path.join(WD, "negative.snap")
open(neg, "wb").write(snapkit.build(s))
out = os.path.join(WD, "fleet.snap")


def run(*a):
    p = subprocess.run([L] + list(a), capture_output=True)
    print("$ llmcost", " ".join(a), "-> exit", p.returncode)
    if p.stderr:
        print("  stderr:", p.stderr.decode().strip()[:300])
    return p


bad = 0
p = run("merge", GOOD, neg, "-o", out)
bad += p.returncode == 0
p = run("audit", "--snapshot", GOOD, "--format", "json")
good_total = json.loads(p.stdout)["totals"]["cost_usd"]
p = run("audit", "--snapshot", GOOD, neg, "--format", "json")
if p.returncode == 0:
    t = json.loads(p.stdout)["totals"]
    print("  good alone: cost_usd", good_total, "; with negative.snap:",
          t["cost_usd"], "input_cost_usd", t["input_cost_usd"])
p = run("diff", "--baseline-snapshot", GOOD, "--current-snapshot", neg)
named = neg.encode() in p.stderr
print("  diff names the file:", named)
bad += not named
# Expected: every command refuses negative.snap (exit 2) naming it, as the
# loader refuses other impossible sums (unpriced above requests, ...).
print("PROBLEM" if bad else "ok")
sys.exit(1 if bad else 0)
