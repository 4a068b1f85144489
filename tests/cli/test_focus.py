"""llmcost export focus: FOCUS 1.2 rows, exact sums, the validator.

Fixtures in tests/fixtures/focus (rates in USD per million tokens, web
search per thousand calls):
  gpt-4o         input 2.50, output 10, cache_read 1.25, web_search 35
  gpt-4o-mini    input 0.15, output 0.60
  claude-sonnet-4-5  input 3, output 15, cache_read 0.30,
                 cache_write_5m 3.75, cache_write_1h 6
  o3-mini        input 1.10, output 4.40 (reasoning at the output rate)
acme.contract: 20% off OpenAI, Claude input 2.40 and output 12 fixed,
then 5% commitment credit on everything.

usage.jsonl (worked out by hand):
  r1 gpt-4o 2025-10-01 search/ann: 10000 uncached input 0.025, 2000
     cached 0.0025, 800 output 0.008, 2 web searches 0.07 = 0.1055
  r2 gpt-4o 2025-10-01 search/ann: 4000 input 0.01, 200 output 0.002
  r3 claude 2025-10-01 ml/bob: 5000 input 0.015, 30000 cached 0.009,
     10000 5m writes 0.0375, 5000 1h writes 0.03, 3000 output 0.045
     = 0.1365
  r4 o3-mini 2025-10-02 ml/bob: 2000 input 0.0022, 1000 output 0.0044,
     4000 reasoning 0.0176 = 0.0242
  r5 gpt-4o-mini 2025-10-02 search/cat: 25727 input 0.00385905, 100
     output 0.00006
  r6 mystery-model: unpriced, left out
  r7 gpt-4o 2025-10-02 no team, user dan: 1000 input 0.0025, 100 output
     0.001
  list total 0.28561905.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
SHARED = os.environ.get("LLMCOST_SHARED_DATA", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "focus")
BOOK = os.path.join(FIX, "prices.book")
USAGE = os.path.join(FIX, "usage.jsonl")
CONTRACT = os.path.join(FIX, "acme.contract")
SAMPLE = os.path.join(SHARED, "focus", "focus_sample.csv")
IN_CI = os.environ.get("CI", "") == "true"

VENV = os.environ.get("LLMCOST_FOCUS_VENV", "/opt/llmcost-focus")
VALIDATOR = os.path.join(VENV, "bin", "focus-validator")
# What our data provider supports, in the validator's words: these turn
# on the rules for the conditional columns we fill.
CRITERIA = ",".join([
    "NEGOTIATED_PRICING_SUPPORTED", "PUBLIC_PRICE_LIST_SUPPORTED",
    "USAGE_MEASUREMENT_SUPPORTED", "UNIT_PRICING_SUPPORTED",
    "SUB_ACCOUNT_SUPPORTED", "TAGGING_SUPPORTED", "REGION_SUPPORTED",
    "MULTIPLE_PRICING_CATEGORIES_SUPPORTED", "ACCOUNT_NAMING_SUPPORTED",
])

COLUMNS = [
    "BilledCost", "BillingAccountId", "BillingAccountName",
    "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
    "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
    "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountStatus",
    "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
    "ContractedUnitPrice", "EffectiveCost", "InvoiceId",
    "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingCurrency", "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice",
    "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
    "RegionId", "RegionName", "ServiceCategory", "ServiceName",
    "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails",
    "SkuPriceId", "SubAccountId", "SubAccountName", "Tags", "x_Provider",
    "x_Model", "x_PriceKey", "x_TokenType", "x_ServiceTier",
    "x_LongContextThreshold", "x_PriceValidFrom", "x_Requests",
]

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def run(*args):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], capture_output=True, cwd=FIX)


def export(*args):
    p = run("export", "focus", "--prices", BOOK, *args)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout.decode(), p.stderr.decode()


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def find(rows, model, token, team=None, day="2025-10-01"):
    got = [r for r in rows if r["x_Model"] == model and
           r["x_TokenType"] == token and r["SubAccountId"] == (team or "")
           and r["ChargePeriodStart"].startswith(day)]
    assert len(got) == 1, (model, token, team, day, len(got))
    return got[0]


def test_columns_and_constant_values():
    text, _ = export(USAGE)
    assert text.splitlines()[0].split(",") == COLUMNS
    rows = rows_of(text)
    # 5 claude + 4 gpt-4o (r1, r2) + 2 gpt-4o (r7) + 3 o3-mini
    # + 1 gpt-4o-mini output + 10 split gpt-4o-mini input lines
    assert len(rows) == 25
    for r in rows:
        assert r["ServiceCategory"] == "AI and Machine Learning"
        assert r["ServiceSubcategory"] == "Generative AI"
        assert r["ChargeCategory"] == "Usage"
        assert r["ChargeFrequency"] == "Usage-Based"
        assert r["BillingCurrency"] == r["PricingCurrency"] == "USD"
        assert r["PricingCategory"] == "Standard"
        assert r["ChargeClass"] == "" and r["CommitmentDiscountStatus"] == ""
        for col in ("ChargePeriodStart", "ChargePeriodEnd",
                    "BillingPeriodStart", "BillingPeriodEnd"):
            assert TIME_RE.match(r[col]), r[col]
        assert r["BillingPeriodStart"] == "2025-10-01T00:00:00Z"
        assert r["BillingPeriodEnd"] == "2025-11-01T00:00:00Z"
        assert r["ConsumedUnit"] in ("Tokens", "Calls")
        assert r["PricingUnit"].endswith(r["ConsumedUnit"])
    # A null is an empty field, never an empty quoted string.
    assert '""' not in text.replace('""', '\0').replace('\0\0', '')
    assert ',"",' not in text


def test_rows_worked_by_hand():
    rows = rows_of(export(USAGE)[0])
    r = find(rows, "gpt-4o", "input", "search")
    assert Decimal(r["ListCost"]) == Decimal("0.035")      # 14000 x 2.5/M
    assert Decimal(r["ConsumedQuantity"]) == 14000
    assert r["PricingUnit"] == "1000000 Tokens"
    assert Decimal(r["ListUnitPrice"]) == Decimal("2.5")
    assert Decimal(r["PricingQuantity"]) == Decimal("0.014")
    assert r["x_Requests"] == "2"
    assert r["ProviderName"] == "OpenAI"
    assert r["ServiceName"] == "OpenAI API"
    assert r["SkuId"] == "gpt-4o:input"
    assert r["SkuPriceId"] == "gpt-4o:input:standard:base:2024-10-01"
    assert r["InvoiceId"] == "openai:default:2025-10"
    assert json.loads(r["Tags"]) == {"team": "search", "user": "ann",
                                     "feature": "chat",
                                     "environment": "prod"}
    ws = find(rows, "gpt-4o", "web_search", "search")
    assert Decimal(ws["ListCost"]) == Decimal("0.07")
    assert ws["PricingUnit"] == "1000 Calls"
    assert Decimal(ws["ListUnitPrice"]) == 35
    claude = find(rows, "claude-sonnet-4-5", "cache_write_1h", "ml")
    assert Decimal(claude["ListCost"]) == Decimal("0.03")
    assert claude["ProviderName"] == "Anthropic"
    reasoning = find(rows, "o3-mini", "reasoning", "ml", "2025-10-02")
    assert Decimal(reasoning["ListCost"]) == Decimal("0.0176")
    noteam = find(rows, "gpt-4o", "input", None, "2025-10-02")
    assert noteam["SubAccountId"] == "" and noteam["SubAccountName"] == ""
    assert json.loads(noteam["Tags"]) == {"user": "dan"}


def test_list_total_equals_the_audit():
    rows = rows_of(export(USAGE)[0])
    total = sum(Decimal(r["ListCost"]) for r in rows)
    assert total == Decimal("0.28561905")
    p = run("audit", "--format", "json", "--prices", BOOK, USAGE)
    assert p.returncode == 0, p.stderr.decode()
    audit = json.loads(p.stdout)
    assert Decimal(audit["totals"]["cost_usd"]) == total
    for r in rows:        # no contract: all four costs agree
        assert r["ListCost"] == r["ContractedCost"] == r["EffectiveCost"]
        assert r["BilledCost"] == r["EffectiveCost"]


def test_contract_gives_three_costs():
    rows = rows_of(export("--contract", CONTRACT, USAGE)[0])
    # Claude: fixed input 2.40/M and output 12/M; 5% credit on top.
    r = find(rows, "claude-sonnet-4-5", "input", "ml")
    assert (Decimal(r["ListCost"]), Decimal(r["ContractedCost"]),
            Decimal(r["EffectiveCost"])) == (
        Decimal("0.015"), Decimal("0.012"), Decimal("0.0114"))
    assert Decimal(r["ContractedUnitPrice"]) == Decimal("2.4")
    r = find(rows, "claude-sonnet-4-5", "output", "ml")
    assert (Decimal(r["ListCost"]), Decimal(r["ContractedCost"]),
            Decimal(r["EffectiveCost"])) == (
        Decimal("0.045"), Decimal("0.036"), Decimal("0.0342"))
    # Cache buckets have no fixed rate and Anthropic no discount.
    r = find(rows, "claude-sonnet-4-5", "cache_write_5m", "ml")
    assert Decimal(r["ContractedCost"]) == Decimal("0.0375")
    # OpenAI: 20% off, then 5%.
    r = find(rows, "gpt-4o", "web_search", "search")
    assert (Decimal(r["ContractedCost"]), Decimal(r["EffectiveCost"])) == (
        Decimal("0.056"), Decimal("0.0532"))
    assert sum(Decimal(r["ContractedCost"]) for r in rows) == \
        Decimal("0.24379524")
    assert sum(Decimal(r["EffectiveCost"]) for r in rows) == \
        Decimal("0.231605478")
    assert sum(Decimal(r["ListCost"]) for r in rows) == \
        Decimal("0.28561905")


def binary64_products_hold(rows):
    """The validator's check, as it computes it: each decimal read as a
    binary64, multiplied in binary64, compared with ==."""
    for r in rows:
        q = float(r["PricingQuantity"])
        assert float(r["ListUnitPrice"]) * q == float(r["ListCost"]), r
        if "ContractedUnitPrice" in r:
            assert float(r["ContractedUnitPrice"]) * q == \
                float(r["ContractedCost"]), r
            assert Decimal(r["ContractedUnitPrice"]) * \
                Decimal(r["PricingQuantity"]) == Decimal(r["ContractedCost"])
        if "PricingCurrencyListUnitPrice" in r:
            assert float(r["PricingCurrencyListUnitPrice"]) * q == \
                float(r["ListCost"]), r
        # and exactly, in decimal
        assert Decimal(r["ListUnitPrice"]) * Decimal(r["PricingQuantity"]) \
            == Decimal(r["ListCost"])


@pytest.mark.parametrize("extra", [[], ["--contract", CONTRACT],
                                   ["--granularity", "hour"],
                                   ["--granularity", "hour", "--contract",
                                    CONTRACT]])
def test_unit_price_times_quantity_holds_in_binary64(extra):
    binary64_products_hold(rows_of(export(*extra, USAGE)[0]))


def test_row_no_unit_fits_is_split_by_binary_digits():
    # 25727 tokens at 0.15/M: under no power-of-ten unit does
    # float(price) * float(quantity) == float(cost); powers of two do.
    rows = [r for r in rows_of(export(USAGE)[0])
            if r["x_Model"] == "gpt-4o-mini" and r["x_TokenType"] == "input"]
    qty = sorted(int(Decimal(r["ConsumedQuantity"])) for r in rows)
    assert qty == [1, 2, 4, 8, 16, 32, 64, 1024, 8192, 16384]
    assert sum(qty) == 25727
    assert all(r["PricingUnit"] == "Tokens" for r in rows)
    assert sum(Decimal(r["ListCost"]) for r in rows) == Decimal("0.00385905")
    assert sum(int(r["x_Requests"]) for r in rows) == 1
    binary64_products_hold(rows)
    # A single line would not hold under any unit.
    cost = float("0.00385905")
    for scale in range(0, 13):
        price = Decimal("0.00000015") * 10 ** scale
        assert float(price) * float(Decimal(25727) / 10 ** scale) != cost


def test_hourly_periods():
    rows = rows_of(export("--granularity", "hour", USAGE)[0])
    starts = {r["ChargePeriodStart"] for r in rows
              if r["x_Model"] == "gpt-4o" and r["SubAccountId"] == "search"}
    assert starts == {"2025-10-01T09:00:00Z", "2025-10-01T17:00:00Z"}
    for r in rows:
        assert r["ChargePeriodEnd"][11:13] == \
            "%02d" % ((int(r["ChargePeriodStart"][11:13]) + 1) % 24)


def test_unpriced_rows_are_left_out_and_counted():
    text, err = export(USAGE)
    assert "mystery-model" not in text
    assert "1 unpriced row left out of the FOCUS export" in err


def test_usage_errors():
    assert run("export", USAGE).returncode == 1
    assert run("export", "csv", USAGE).returncode == 1
    assert run("export", "focus", "--format", "json", USAGE).returncode == 1
    assert run("export", "focus", "--granularity", "week",
               USAGE).returncode == 1
    assert run("ledger", "--like", "x.csv", USAGE).returncode == 1
    p = run("export", "focus", "--contract", "no-such.contract", USAGE)
    assert p.returncode == 2 and b"no-such.contract" in p.stderr


def test_like_needs_a_focus_header(tmp_path):
    for text in ("", "a,b,c\n1,2,3\n", "\x00\xff junk"):
        bad = tmp_path / "bad.csv"
        bad.write_text(text)
        p = run("export", "focus", "--prices", BOOK, "--like", str(bad),
                USAGE)
        assert p.returncode == 2
        assert b"header names FOCUS columns" in p.stderr


def test_like_copies_columns_and_conventions():
    like = os.path.join(FIX, "like_sample.csv")
    text, _ = export("--like", like, USAGE)
    lines = text.split("\n")
    with open(like, newline="") as f:
        header = f.readline().rstrip("\n")
    assert lines[0] == header           # same columns, quoted the same
    assert "\r" not in text             # LF, as the sample
    first = next(csv.reader([lines[1]]))
    cols = next(csv.reader([header]))
    cell = dict(zip(cols, first))
    assert cell["ChargePeriodStart"] == "2025-10-01 00:00:00"
    assert cell["ChargeClass"] == "NULL" and cell["Id"] == "NULL"
    # bare numbers with the sample's decimals, ListUnitPrice quoted
    raw = lines[1].split(",")
    assert raw[0] == "0.01500000000"
    assert raw[cols.index("ListUnitPrice")] == '"3"'
    assert raw[cols.index("ChargePeriodStart")] == '"2025-10-01 00:00:00"'
    assert ', "user": "bob"' in cell["Tags"]
    binary64_products_hold(rows_of(text))


# ---- the official validator ------------------------------------------------

def validator_or_skip():
    if os.access(VALIDATOR, os.X_OK):
        return
    msg = ("focus-validator not installed at %s (scripts/install-deps.sh "
           "installs it; LLMCOST_FOCUS_VENV moves it)" % VALIDATOR)
    if IN_CI:
        pytest.fail(msg)
    pytest.skip(msg)


def validate(path):
    """Runs the validator on path; returns {rule: (status, violations)}.
    It reads its currency list by a path relative to the working
    directory, so it runs from its site-packages; --block-download keeps
    it from fetching rule files, and a dead loopback proxy makes sure."""
    py = os.path.join(VENV, "bin", "python")
    site = subprocess.run(
        [py, "-c", "import os, focus_validator as f; "
         "print(os.path.dirname(os.path.dirname(f.__file__)))"],
        capture_output=True, text=True, check=True).stdout.strip()
    env = dict(os.environ, HTTP_PROXY="http://127.0.0.1:9",
               HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="")
    p = subprocess.run([VALIDATOR, "--data-file", path, "--block-download",
                        "--validate-version", "1.2",
                        "--applicability-criteria", CRITERIA],
                       capture_output=True, text=True, cwd=site, env=env,
                       timeout=600)
    out = p.stdout + p.stderr
    assert "=== Validation Results ===" in out, out[-3000:]
    results = {}
    for m in re.finditer(r"^\S+ ([A-Za-z]+-[A-Z]-\d{3}-[A-Z]): "
                         r"(PASS|FAIL|SKIPPED)\s+\(violations=(\d+)",
                         out, re.M):
        results[m.group(1)] = (m.group(2), int(m.group(3)))
    assert results, out[-3000:]
    return results, site


def or_parents(site):
    """rule -> the rules whose requirement is an OR that names it."""
    with open(os.path.join(site, "focus_validator", "rules",
                           "model-1.2.0.1.json")) as f:
        model = json.load(f)["ModelRules"]
    parents = {}

    def walk(node, owner, in_or):
        if isinstance(node, dict):
            fn = node.get("CheckFunction")
            if fn == "CheckModelRule" and in_or:
                parents.setdefault(node["ModelRuleId"], set()).add(owner)
            for v in node.values():
                walk(v, owner, in_or or fn == "OR")
        elif isinstance(node, list):
            for v in node:
                walk(v, owner, in_or)

    for rule, body in model.items():
        walk(body.get("ValidationCriteria", {}).get("Requirement", {}),
             rule, False)
    return parents


def test_validator_passes_on_our_export(tmp_path):
    validator_or_skip()
    out = tmp_path / "focus.csv"
    p = run("export", "focus", "--prices", BOOK, "--contract", CONTRACT,
            USAGE, "-o", str(out))
    assert p.returncode == 0, p.stderr.decode()
    results, site = validate(str(out))
    parents = or_parents(site)
    passed = {r for r, (s, _) in results.items() if s == "PASS"}
    # the binary64 products (ContractedCost-C-009-C is one the validator
    # skips; ContractedUnitPrice-C-011-C checks the same product)
    for rule in ("ListCost-C-009-C", "ListUnitPrice-C-010-C",
                 "ContractedUnitPrice-C-011-C"):
        assert rule in passed, rule
    assert "CostAndUsage-D-000-M" not in {
        r for r, (s, _) in results.items() if s == "FAIL"}
    for rule, (status, n) in results.items():
        if status != "FAIL":
            continue
        # Only a branch of an OR may fail (InvoiceId is either null or
        # not), and then the OR itself must pass.
        assert parents.get(rule, set()) & passed, (rule, n)


def test_like_sample_concatenates_into_one_valid_file(tmp_path):
    if not os.path.exists(SAMPLE):
        pytest.skip("FOCUS sample not found at %s (configure with "
                    "-DLLMCOST_SHARED_DATA=DIR)" % SAMPLE)
    text, _ = export("--like", SAMPLE, USAGE)
    with open(SAMPLE, newline="") as f:
        sample = f.read()
    assert text.split("\n")[0] == sample.split("\n")[0]
    joined = tmp_path / "joined.csv"
    joined.write_text(sample + text.split("\n", 1)[1], newline="")
    rows = list(csv.DictReader(open(joined, newline="")))
    assert len(rows) == 1000 + len(rows_of(text))
    ours = rows[1000:]
    binary64_products_hold(ours)
    for r in ours:
        assert r["ServiceCategory"] == "AI and Machine Learning"
        assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$",
                        r["ChargePeriodStart"])
    validator_or_skip()
    alone, _ = validate(SAMPLE)
    both, _ = validate(str(joined))
    # Our rows add no violation to any rule: every rule ends as it did
    # on the sample alone, with the same number of violations.
    assert both == alone


def test_thousands_of_generated_rows_hold_in_binary64(tmp_path):
    import random
    rng = random.Random(8)
    models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "o3-mini"]
    lines = []
    for i in range(3000):
        model = rng.choice(models)
        inp = rng.choice([rng.randint(1, 999), rng.randint(1, 200000)])
        cached = rng.randint(0, inp // 2)
        out = rng.randint(1, 50000)
        rec = {"timestamp": 1759276800 + rng.randint(0, 5 * 86400),
               "request_id": "g%d" % i, "team_id": "t%d" % rng.randint(1, 3),
               "user_id": "u%d" % i, "model": model, "input_tokens": inp,
               "cached_tokens": cached, "output_tokens": out}
        if model == "o3-mini":
            rec["reasoning_tokens"] = rng.randint(0, out)
        lines.append(json.dumps(rec))
    log = tmp_path / "gen.jsonl"
    log.write_text("\n".join(lines) + "\n")
    for extra in ([], ["--contract", CONTRACT]):
        rows = rows_of(export(*extra, str(log))[0])
        assert len(rows) >= 3000 * 3
        binary64_products_hold(rows)
        p = run("audit", "--format", "json", "--prices", BOOK, *extra,
                str(log))
        total = Decimal(json.loads(p.stdout)["totals"]["cost_usd"])
        assert sum(Decimal(r["ListCost"]) for r in rows) == total
