#!/usr/bin/env python3
"""Stamp an OpenAI-style response with its owners and exact cost, and
write the ledger line.

    stamp(response, team="search", user="ana", feature="answers")

takes the response as a dict shaped like the SDK's (response.model_dump()
gives one), prices its "usage" object with libllmcost, adds team, user,
feature and cost to the log record, appends one JSON line to the ledger,
and returns the record.  Costs are written as exact decimal strings.

Run it as a script to stamp a sample response to standard output.
"""
import json
import sys
import time

import llmcost

_PRICES = None


def prices():
    """The built-in price book, loaded once."""
    global _PRICES
    if _PRICES is None:
        _PRICES = llmcost.Prices()
    return _PRICES


def stamp(response, team, user, feature, ledger=None, now_ms=None):
    """Prices response and returns its log record; appends the record to
    ledger (a file object) as one JSON line when given."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    cost = prices().price_usage("openai-chat", response["usage"],
                                model=response["model"], provider="openai",
                                team=team, user=user, feature=feature,
                                request_id=response.get("id"),
                                timestamp_ms=now_ms)
    record = {"request_id": response.get("id"),
              "timestamp_ms": now_ms,
              "model": response["model"],
              "team": team, "user": user, "feature": feature,
              "input_tokens": cost.record.input_tokens,
              "cached_tokens": cost.record.cached_tokens,
              "output_tokens": cost.record.output_tokens,
              "reasoning_tokens": cost.record.reasoning_tokens,
              "cost_usd": str(cost.total) if cost.priced else None,
              "cost_status": cost.status_name,
              "price_key": cost.price_key}
    if cost.note:
        record["note"] = cost.note
    if ledger is not None:
        ledger.write(json.dumps(record, sort_keys=True) + "\n")
    return record


SAMPLE = {
    "id": "chatcmpl-123", "object": "chat.completion", "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant",
                                          "content": "Hello."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1000, "completion_tokens": 500,
              "total_tokens": 1500,
              "prompt_tokens_details": {"cached_tokens": 200},
              "completion_tokens_details": {"reasoning_tokens": 0}},
}

if __name__ == "__main__":
    stamp(SAMPLE, team="search", user="ana", feature="answers",
          ledger=sys.stdout)
