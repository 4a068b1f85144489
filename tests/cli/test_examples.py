"""The bundled example log: reproducible, and audited as the README says."""
import json
import os
import subprocess
import sys

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
EXAMPLE = os.path.join(SOURCE, "examples", "gateway.jsonl")
GENERATOR = os.path.join(SOURCE, "examples", "make_gateway.py")


def test_generator_reproduces_the_committed_file():
    p = subprocess.run([sys.executable, GENERATOR], capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    with open(EXAMPLE, "rb") as f:
        assert p.stdout == f.read()


def test_example_audit_accounts_for_every_line():
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    p = subprocess.run([LLMCOST, "audit", "--format", "json", EXAMPLE],
                       capture_output=True)
    assert p.returncode == 0, p.stderr.decode()
    a = json.loads(p.stdout)
    acc = a["accounting"]
    assert acc["lines"] == 200
    assert acc["filtered"] == 0
    assert acc["rows"] == 200
    assert acc["priced"] + acc["unpriced"] + acc["rejected"] == 200
    # the three damaged lines the generator writes on purpose
    assert acc["rejected"] == 3
    examples = sorted(e for g in a["rejected"] for e in g["examples"])
    assert examples == sorted("%s:%d" % (EXAMPLE, n)
                              for n in (57, 121, 166))
    codes = {g["reason_code"] for g in a["rejected"]}
    assert codes == {"LLMCOST_E_PARTS", "LLMCOST_E_NEGATIVE",
                     "LLMCOST_E_PARSE"}
    # the deployment name nobody priced is listed, never priced at $0
    assert [u["model"] for u in a["unpriced"]] == ["azure/prod-gpt4o-eu"]
    assert {t["team"] for t in a["by_team"]} == {
        "search", "support", "growth", "platform"}
