"""Repro: a snapshot whose day buckets lie past year 9999 (or before
year 1) loads, and the audit cuts each day's name to 10 characters:
'10000-01-0' in the period, the day view and the JSON, and two different
days with the same first 10 characters become one row of the day view.

usage: python3 far_days.py LLMCOST GOOD.snap WORKDIR"""
import copy
import json
import os
import subprocess
import sys

import snapkit

L, GOOD, WD = sys.argv[1:4]
os.makedirs(WD, exist_ok=True)
s = snapkit.parse(open(GOOD, "rb").read())
DAY = 86400000
Y10000 = 253402300800000            # 10000-01-01T00:00:00Z
g1, g2 = s["groups"][0], copy.deepcopy(s["groups"][0])
g1["start"] = Y10000                # 10000-01-01
g2["start"] = Y10000 + 4 * DAY      # 10000-01-05
s["groups"][1:1] = [g2]
snapkit.canon(s)
path = os.path.join(WD, "far_days.snap")
open(path, "wb").write(snapkit.build(s))
p = subprocess.run([L, "audit", "--snapshot", path, "--format", "json"],
                   capture_output=True)
print("exit", p.returncode, p.stderr.decode())
d = json.loads(p.stdout)
days = [x["day"] for x in d["by_day"]]
print("first_day", d["snapshots"]["first_day"], "last_day",
      d["snapshots"]["last_day"])
print("day rows:", days[-3:])
far = [x for x in d["by_day"] if x["day"].startswith("10000")]
print("rows for the two far days:", len(far), "requests",
      [x["requests"] for x in far])
# Expected: refused at load (a day no record can have), or two rows
# named 10000-01-01 and 10000-01-05.
bad = len(far) != 2 and p.returncode == 0
print("PROBLEM" if bad else "ok")
sys.exit(1 if bad else 0)
