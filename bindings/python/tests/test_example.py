import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))

import openai_stamp  # noqa: E402


def test_stamp_writes_one_ledger_line():
    out = io.StringIO()
    rec = openai_stamp.stamp(openai_stamp.SAMPLE, team="search",
                             user="ana", feature="answers", ledger=out,
                             now_ms=1735689600000)
    line = json.loads(out.getvalue())
    assert out.getvalue().count("\n") == 1
    assert line == rec
    # gpt-4o from 2024-10-02: 800 * 2.50 + 200 * 1.25 + 500 * 10 per 10^6.
    assert line["cost_usd"] == "0.00725"
    assert (line["team"], line["user"], line["feature"]) == \
        ("search", "ana", "answers")
    assert line["cached_tokens"] == 200 and line["input_tokens"] == 1000


def test_stamp_marks_unpriced_models():
    resp = dict(openai_stamp.SAMPLE, model="no-such-model")
    rec = openai_stamp.stamp(resp, team="t", user="u", feature="f")
    assert rec["cost_usd"] is None
    assert rec["cost_status"] == "LLMCOST_E_UNPRICED"
