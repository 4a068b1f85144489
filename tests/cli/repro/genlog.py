"""Write a gateway log of N rows (default 200000) with many users, some
duplicates, some unpriced models and some rejected rows, deterministic.

usage: python3 genlog.py [N] > big.jsonl"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
rnd = random.Random(7)
models = ["gpt-4o-mini", "gpt-5-mini", "claude-sonnet-4-5-20250929",
          "gpt-4o", "no-such-model-x"]
out = sys.stdout
for i in range(n):
    day = 1 + rnd.randrange(28)
    row = {
        "timestamp": "2025-11-%02dT%02d:%02d:%02dZ" % (
            day, rnd.randrange(24), rnd.randrange(60), rnd.randrange(60)),
        "request_id": "req-%07d" % (i if rnd.random() > 0.01 else i - 1),
        "team_id": "team%d" % rnd.randrange(40),
        "user_id": "user%d" % rnd.randrange(20000),
        "feature_name": "feat%d" % rnd.randrange(10),
        "provider": "openai",
        "model": rnd.choice(models),
        "input_tokens": rnd.randrange(1, 20000),
        "output_tokens": rnd.randrange(0, 2000),
        "cached_tokens": 0,
        "request_count": 1 + (rnd.random() < 0.05),
        "latency_ms": rnd.randrange(1, 5000),
        "status_code": rnd.choice([200] * 20 + [429]),
        "retry_count": rnd.randrange(3),
    }
    if rnd.random() < 0.005:
        row["input_tokens"] = -5
    out.write(json.dumps(row) + "\n")
