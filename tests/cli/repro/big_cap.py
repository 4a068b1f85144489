"""Repro: a grouping cap of 2^63 or more (max_groups is a uint64_t in
llmcost_rollup_options_add() and in the file) is shown three ways:
`audit --snapshot` text says 18446744073709551615, its JSON says
"max_groups": -1, and the snapshot's JSON form (merge --format json)
says 9223372036854775807.

usage: python3 big_cap.py LLMCOST GOOD.snap WORKDIR"""
import json
import os
import subprocess
import sys

import snapkit

L, GOOD, WD = sys.argv[1:4]
os.makedirs(WD, exist_ok=True)
s = snapkit.parse(open(GOOD, "rb").read())
s["groupings"][0]["max"] = 2**64 - 1
path = os.path.join(WD, "big_cap.snap")
open(path, "wb").write(snapkit.build(s))
text = subprocess.run([L, "audit", "--snapshot", path],
                      capture_output=True).stdout.decode()
line = [x for x in text.splitlines() if x.strip().startswith("grouping")]
print("audit text:", line[0].strip())
aj = json.loads(subprocess.run([L, "audit", "--snapshot", path, "--format",
                                "json"], capture_output=True).stdout)
print("audit json max_groups:", aj["snapshots"]["grouping"]["max_groups"])
out = os.path.join(WD, "big_cap.json")
subprocess.run([L, "merge", path, "-o", out, "--format", "json"])
sj = json.load(open(out))
print("snapshot json max_groups:", sj["groupings"][0]["max_groups"])
vals = {aj["snapshots"]["grouping"]["max_groups"],
        sj["groupings"][0]["max_groups"]}
# Expected: 18446744073709551615 everywhere (or the loader refuses a cap
# no rollup can reach).
bad = vals != {2**64 - 1}
print("PROBLEM" if bad else "ok")
sys.exit(1 if bad else 0)
