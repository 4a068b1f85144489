#!/usr/bin/env python3
"""Synthetic gateway logs for `llmcost diff`, one scenario per cause.

Each scenario is two ISO weeks of requests: a baseline week starting
Monday 2026-06-01 and a current week starting Monday 2026-06-08.  Teams
that a scenario does not change keep the same traffic in both weeks (the
same rows, a week apart), so every dollar of change belongs to the team
the scenario changes.  Seeds are fixed, so the output never changes.

  model_swap  team "search" moves from gpt-4o-mini to gpt-4o
  prompt      team "search" ships prompt template r2 with twice the context
  retries     team "search" hits a timeout loop: retries triple
  launch      team "search" launches: active users and requests up 60%
  mix         the first three causes at once, one team each

Usage: gen_spend.py SCENARIO > out.jsonl   (or --all DIR)
"""
import json
import random
import sys

BASE_DAY = "2026-06-%02d"
TEAMS = ["search", "support", "billing"]


def stamp(week, i, n):
    day = 1 + 7 * week + (i * 7) // n
    sec = (i * 7919) % 86400
    return (BASE_DAY % day) + "T%02d:%02d:%02dZ" % (
        sec // 3600, sec // 60 % 60, sec % 60)


class Team:
    """How one team behaves in one week."""

    def __init__(self, name, users=20, requests=200, model="gpt-4o-mini",
                 input_tokens=20000, output_tokens=2000, retries=10,
                 template="r1", workflow="answer"):
        self.name = name
        self.users = users
        self.requests = requests
        self.model = model
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.retries = retries
        self.template = template
        self.workflow = workflow


def rows(team, week, rng):
    out = []
    for i in range(team.requests):
        # Exactly team.retries of the rows are retries, spread evenly.
        n = team.requests
        retry = 1 if (i + 1) * team.retries // n != i * team.retries // n \
            else 0
        out.append({
            "timestamp": stamp(week, i, team.requests),
            "request_id": "%s-w%d-%d" % (team.name, week, i),
            "team_id": team.name,
            "user_id": "%s-u%d" % (team.name, rng.randrange(team.users)
                                   if i >= team.users else i),
            "feature_name": team.name + "-chat",
            "provider": "openai",
            "model": team.model,
            "input_tokens": team.input_tokens,
            "output_tokens": team.output_tokens,
            "retry_count": retry,
            "status_code": 504 if retry else 200,
            "prompt_template_version": team.template,
            "workflow_name": team.workflow,
        })
    return out


def scenario(name):
    """(baseline teams, current teams) for a scenario."""
    base = [Team(t) for t in TEAMS]
    cur = [Team(t) for t in TEAMS]
    # Every team retries 5% of its requests (10 of 200) in both weeks,
    # so a storm is a rise in a rate.
    if name in ("model_swap", "mix"):
        cur[0].model = "gpt-4o"
    if name == "prompt":
        cur[0].input_tokens = 40000
        cur[0].template = "r2"
    if name == "mix":
        cur[1].input_tokens = 40000
        cur[1].template = "r2"
    storm = cur[0] if name == "retries" else cur[2]
    if name in ("retries", "mix"):
        # A timeout loop: every retry is a row of its own, and there are
        # three times as many of them (30 instead of 10).
        storm.requests += 20
        storm.retries = 30
    if name == "launch":
        cur[0].users = 32
        cur[0].requests = 320
        cur[0].retries = 16     # the same 5% of requests
    return base, cur


def generate(name, seed=6):
    rng = random.Random("%s-%d" % (name, seed))
    base, cur = scenario(name)
    out = []
    for week, teams in ((0, base), (1, cur)):
        for team in teams:
            out.extend(rows(team, week, rng))
    out.sort(key=lambda r: (r["timestamp"], r["request_id"]))
    return out


SCENARIOS = ["model_swap", "prompt", "retries", "launch", "mix"]


def main(argv):
    if len(argv) == 3 and argv[1] == "--all":
        for name in SCENARIOS:
            with open("%s/%s.jsonl" % (argv[2], name), "w") as fp:
                for r in generate(name):
                    fp.write(json.dumps(r, sort_keys=True) + "\n")
        return 0
    if len(argv) != 2 or argv[1] not in SCENARIOS:
        sys.stderr.write(__doc__)
        return 1
    for r in generate(argv[1]):
        sys.stdout.write(json.dumps(r, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
