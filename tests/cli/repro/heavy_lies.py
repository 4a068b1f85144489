"""Repro: the loader does not check a grouping's heavy-hitter counters
against its overflow groups.  A snapshot whose overflow group holds
$0.05 but whose counters say $1000 of overflow went to search/evil
loads, and `audit --snapshot` lists search/evil as the heaviest key,
"at least 1000.0000 USD", in a report whose total is 0.15 USD.  The same
with counters and no overflow group at all.

usage: python3 heavy_lies.py LLMCOST CAPPED.snap WORKDIR
CAPPED.snap: `gateway_snap capped` (tests/cli/snapshot/gateway_snap.c)."""
import json
import os
import subprocess
import sys

import snapkit

L, CAPPED, WD = sys.argv[1:4]
os.makedirs(WD, exist_ok=True)
s = snapkit.parse(open(CAPPED, "rb").read())
gi = [i for i, g in enumerate(s["groupings"]) if g["max"]][0]
USD = 10**18
s["heavy"][gi] = dict(seen=1000 * USD, bound=0, entries=[
    [b"search\0evil\0chat\0small\0", 1000 * USD, 0]])
path = os.path.join(WD, "heavy_lies.snap")
open(path, "wb").write(snapkit.build(s))
p = subprocess.run([L, "audit", "--snapshot", path, "--format", "json"],
                   capture_output=True)
print("exit", p.returncode, p.stderr.decode().strip())
bad = 0
if p.returncode == 0:
    d = json.loads(p.stdout)
    print("total cost", d["totals"]["cost_usd"])
    for k in d["heavy_hitters"]["keys"][:2]:
        print("heavy key", k["team"], k["user"], k["cost_low_usd"],
              k["cost_high_usd"])
        if float(k["cost_low_usd"]) > float(d["totals"]["cost_usd"]):
            bad = 1
# Expected: refused at load ("heavy-hitter counters total $1000, the
# overflow groups $0.05"), like the other impossible sums.
print("PROBLEM" if bad else "ok")
sys.exit(bad)
