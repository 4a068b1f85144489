#!/usr/bin/env python3
"""Writes examples/gateway.jsonl: a small, made-up but realistic gateway log.

Two weeks of traffic from four teams through one LLM gateway, in the
canonical field names of `llmcost` (docs/cli.md).  Token counts follow the
library's convention: input_tokens includes cache reads and writes, and
output_tokens includes reasoning tokens.  The log also holds what real logs
hold: a model under a deployment name nobody priced, a request whose cache
count exceeds its input (a double-counting bug upstream), a stream that
logged negative output, and a line cut short by a crash.

The seed is fixed, so the output is the same on every run:

    python3 examples/make_gateway.py > examples/gateway.jsonl
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 20251121
START = datetime(2025, 11, 3, 8, 0, 0, tzinfo=timezone.utc)
LINES = 200

# team -> (users, features, models with weights)
TEAMS = {
    "search": (
        ["ana", "bo", "chen", "dee"],
        ["rag-answer", "query-rewrite"],
        [("anthropic", "claude-sonnet-4-5-20250929", 5),
         ("openai", "gpt-4o-mini", 4),
         ("gemini", "gemini/gemini-2.5-flash", 2)]),
    "support": (
        ["eli", "fay", "gus"],
        ["ticket-summary", "reply-draft"],
        [("anthropic", "claude-haiku-4-5", 6),
         ("openai", "openai/gpt-4.1-mini", 3),
         ("azure", "azure/prod-gpt4o-eu", 2)]),
    "growth": (
        ["hal", "ivy"],
        ["ad-copy", "classify-lead"],
        [("openai", "gpt-5-mini", 4),
         ("mistral", "mistral/mistral-small-latest", 2),
         ("bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", 2)]),
    "platform": (
        ["jo", "kai"],
        ["code-review", "eval-batch"],
        [("openai", "o4-mini", 3),
         ("anthropic", "claude-sonnet-4-5", 2)]),
}
TEAM_WEIGHTS = {"search": 6, "support": 5, "growth": 3, "platform": 2}
TEMPLATES = ["v12", "v13"]


def pick(rng, weighted):
    total = sum(w for *_, w in weighted)
    x = rng.uniform(0, total)
    for item in weighted:
        x -= item[-1]
        if x <= 0:
            return item
    return weighted[-1]


def tokens(rng, provider, model, feature):
    """Token buckets in the library's convention."""
    prompt = int(rng.lognormvariate(7.3, 0.8))
    if feature in ("rag-answer", "code-review"):
        prompt *= 3
    out = max(1, int(rng.lognormvariate(5.2, 0.9)))
    cached = write_5m = write_1h = reasoning = 0
    if provider == "anthropic" and rng.random() < 0.6:
        cached = int(prompt * rng.uniform(0.5, 0.9))
        if rng.random() < 0.3:
            write_5m = int(prompt * 0.1)
        if rng.random() < 0.1:
            write_1h = int(prompt * 0.05)
    elif provider == "openai" and rng.random() < 0.4:
        cached = (prompt // 1024) * 1024 // 2
    if model.startswith("o4") or model.startswith("gpt-5"):
        reasoning = int(out * rng.uniform(0.3, 0.8))
        out += reasoning
    total_in = prompt + cached + write_5m + write_1h
    return total_in, out, cached, write_5m, write_1h, reasoning


def request(rng, n, when):
    team = pick(rng, [(t, w) for t, w in TEAM_WEIGHTS.items()])[0]
    users, features, models = TEAMS[team]
    provider, model, _ = pick(rng, models)
    feature = rng.choice(features)
    inp, out, cached, w5, w1h, reasoning = tokens(rng, provider, model,
                                                  feature)
    status = 200
    retries = 0
    if rng.random() < 0.04:
        status, retries = 429, rng.randint(1, 3)
    row = {
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "request_id": "req-%05d" % n,
        "team_id": team,
        "user_id": rng.choice(users),
        "feature_name": feature,
        "environment": "prod" if rng.random() < 0.9 else "staging",
        "provider": provider,
        "model": model,
        "input_tokens": inp,
        "output_tokens": out,
        "cached_tokens": cached,
        "cache_write_tokens": w5,
        "cache_write_1h_tokens": w1h,
        "reasoning_tokens": reasoning,
        "request_count": 1,
        "latency_ms": int(rng.lognormvariate(6.8, 0.5)),
        "status_code": status,
        "retry_count": retries,
        "prompt_template_version": rng.choice(TEMPLATES),
        "service_tier": "standard",
        "region": "eu-west-1" if team == "support" else "us-east-1",
    }
    return row


def broken(rng, n, row):
    """The three kinds of damage real logs carry."""
    if n == 57:
        row["cached_tokens"] = row["input_tokens"] + 1200
        return json.dumps(row)
    if n == 121:
        row["output_tokens"] = -1
        row["reasoning_tokens"] = 0
        return json.dumps(row)
    text = json.dumps(row)
    return text[:len(text) // 2]


def main():
    rng = random.Random(SEED)
    when = START
    out = []
    for n in range(1, LINES + 1):
        when += timedelta(seconds=int(rng.expovariate(1 / 6000)) + 1)
        row = request(rng, n, when)
        if n in (57, 121, 166):
            out.append(broken(rng, n, row))
        else:
            out.append(json.dumps(row))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
