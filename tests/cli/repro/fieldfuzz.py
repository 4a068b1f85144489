"""Random structured mutations of a snapshot, re-framed with a good
checksum, fed to merge and audit --snapshot; reports any exit other than
0/2, any sanitizer report, any OUT left after a failed merge, and any
accepted file with a negative cost or whose audit is not JSON.

usage: python3 fieldfuzz.py LLMCOST SEED.snap WORKDIR [ITERATIONS]"""
import copy
import json
import os
import random
import subprocess
import sys

import snapkit

L, SEED, WD = sys.argv[1:4]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 300
os.makedirs(WD, exist_ok=True)
base = snapkit.parse(open(SEED, "rb").read())
rnd = random.Random(1)
EDGE = [0, 1, 2, 63, 64, 2**31, 2**32, 2**48 - 1, 2**48, 2**62, 2**63 - 1,
        2**63, 2**64 - 1]
MEDGE = [0, 1, -1, 2**63, 2**64, 2**126, 2**127 - 1, -(2**127),
         -(2**127) + 1]


def mutate(s):
    for _ in range(rnd.randint(1, 3)):
        what = rnd.randrange(9)
        if not s["groups"]:
            return
        g = rnd.choice(s["groups"])
        if what == 0:
            g[rnd.choice(snapkit.GFIELDS)] = rnd.choice(EDGE)
        elif what == 1:
            g["tokens"][rnd.randrange(len(g["tokens"]))] = rnd.choice(EDGE)
        elif what == 2:
            g["money"][rnd.randrange(len(g["money"]))] = rnd.choice(MEDGE)
        elif what == 3:
            sk = g["sketches"][rnd.randrange(2)]
            if sk:
                e = rnd.choice(sk)
                e[rnd.randrange(2)] = rnd.choice([0, 1, 1887, 1888, 5000])
        elif what == 4:
            g["start"] = rnd.choice([-2**63, 0, 86400000 * rnd.randint(
                -10**8, 10**8), 2**62])
        elif what == 5:
            g["key"] = rnd.choice([b"", b"\0\0\0\0", b"\xff\0\0\0\0",
                                   g["key"] + b"x", g["key"][:-1]])
        elif what == 6:
            s["groups"].remove(g)
        elif what == 7:
            h = rnd.choice(s["heavy"])
            h["seen"] = rnd.choice(MEDGE)
            h["bound"] = rnd.choice(MEDGE)
        else:
            gr = rnd.choice(s["groupings"])
            gr[rnd.choice(["k", "max", "bucket"])] = rnd.choice(EDGE[:6])
    if rnd.random() < 0.7:
        snapkit.canon(s)


problems = 0
for it in range(N):
    s = copy.deepcopy(base)
    mutate(s)
    try:
        data = snapkit.build(s)
    except (AssertionError, ValueError):
        continue
    path = os.path.join(WD, "f%d.snap" % it)
    out = path + ".out"
    open(path, "wb").write(data)
    p = subprocess.run([L, "merge", SEED, path, "-o", out],
                       capture_output=True, timeout=60)
    q = subprocess.run([L, "audit", "--snapshot", path, "--format", "json"],
                       capture_output=True, timeout=60)
    msg = []
    for r in (p, q):
        if r.returncode not in (0, 2):
            msg.append("exit %d" % r.returncode)
        if b"Sanitizer" in r.stderr or b"runtime error" in r.stderr:
            msg.append("sanitizer: " + r.stderr.decode()[:300])
    if p.returncode != 0 and os.path.exists(out):
        msg.append("OUT left after a failed merge")
    if q.returncode == 0:
        json.loads(q.stdout)
        if any(g["money"][0] < 0 for g in s["groups"]):
            msg.append("negative cost accepted")
    if msg:
        problems += 1
        print(path, "; ".join(msg))
    else:
        os.remove(path)
        if os.path.exists(out):
            os.remove(out)
print("iterations", N, "problem files", problems)
