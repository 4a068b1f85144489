"""Compare the members an audit of logs and an audit of snapshots share.

usage: python3 cmpaudit.py LOGS.json SNAPS.json"""
import json
import sys

a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
bad = 0
for k in ("totals", "by_team", "by_user", "by_feature", "by_model", "by_day",
          "top_users"):
    if k not in a or k not in b:
        print("missing", k, k in a, k in b)
        bad += 1
        continue
    if a[k] != b[k]:
        bad += 1
        if isinstance(a[k], dict):
            for f in sorted(set(a[k]) | set(b[k])):
                if a[k].get(f) != b[k].get(f):
                    print(k, f, a[k].get(f), b[k].get(f))
        else:
            print(k, "differs: %d vs %d rows" % (len(a[k]), len(b[k])))
            for x, y in zip(a[k], b[k]):
                if x != y:
                    print("  logs:", json.dumps(x)[:300])
                    print("  snap:", json.dumps(y)[:300])
                    break
print("differences:", bad)
sys.exit(1 if bad else 0)
