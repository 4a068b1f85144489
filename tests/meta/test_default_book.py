"""Checks lib/default_pricebook.txt, the price book compiled into the
library, against the shared LiteLLM price tables.

The book is parsed here by a small strict parser of its own, with
decimal.Decimal only: no binary floating point touches a rate.  The test
does not use the C code or the llmcost tool, so it runs before either is
built.

Environment (set by CTest): LLMCOST_SOURCE_DIR, LLMCOST_SHARED_DATA.
Without the shared data directory the comparisons are skipped; the
checks of the book's own shape still run.
"""

import datetime
import json
import os
import re
from decimal import Decimal, localcontext

import pytest

MILLION = Decimal(10) ** 6

# The day the newer shared table was taken; our prices valid then are
# compared with it.
NEW_TABLE_DATE = datetime.date(2025, 11, 21)
NEW_TABLE = "litellm_model_prices.json"

# The older shared table, used to check a price history.
OLD_TABLE_DATE = datetime.date(2025, 5, 31)
OLD_TABLE = "litellm_model_prices_2025-05-31.json"

BASE_RATES = ("input", "output", "cache_read", "cache_write_5m",
              "cache_write_1h", "reasoning")
TIER_RATES = tuple(r + "_above" for r in BASE_RATES)
# Rates of the flex and priority service tiers (batch follows the
# documented half-price rule instead; docs/pricebook.md).
SERVICE_TIERS = ("flex", "priority")
SERVICE_RATES = tuple(r + "_" + t for t in SERVICE_TIERS
                      for r in ("input", "output", "cache_read"))
RATE_KEYS = frozenset(BASE_RATES + TIER_RATES + SERVICE_RATES)

# Our rate name -> LiteLLM field names, first present wins.  A long
# context field adds "_above_<K>k_tokens" to the base field.
LITELLM_FIELDS = {
    "input": ("input_cost_per_token",),
    "output": ("output_cost_per_token",),
    # Older DeepSeek entries keep the cache-hit rate under its own name.
    "cache_read": ("cache_read_input_token_cost",
                   "input_cost_per_token_cache_hit"),
    "cache_write_5m": ("cache_creation_input_token_cost",),
    "cache_write_1h": ("cache_creation_input_token_cost_above_1hr",),
    "reasoning": ("output_cost_per_reasoning_token",),
}
for _tier in SERVICE_TIERS:
    LITELLM_FIELDS["input_" + _tier] = ("input_cost_per_token_" + _tier,)
    LITELLM_FIELDS["output_" + _tier] = ("output_cost_per_token_" + _tier,)
    LITELLM_FIELDS["cache_read_" + _tier] = (
        "cache_read_input_token_cost_" + _tier,)
TIER_FIELD = re.compile(r"^(.*)_above_(\d+)k_tokens$")

# Rates LiteLLM's format has no field for, so there is nothing to compare
# them with: the 1-hour cache write inside a long-context tier (Claude
# Sonnet 4 and 4.5 charge twice the tier's input rate; LiteLLM has only a
# base 1-hour field), and a reasoning rate inside a tier.
NO_LITELLM_FIELD = frozenset({"cache_write_1h_above", "reasoning_above"})

# Makers that the book must cover, told apart by provider and key.
MAKERS = {
    "openai": lambda key, prov: prov == "openai",
    "anthropic": lambda key, prov: "claude" in key,
    "google": lambda key, prov: prov in ("gemini", "google"),
    "mistral": lambda key, prov: prov == "mistral",
    "deepseek": lambda key, prov: prov == "deepseek",
    "xai": lambda key, prov: prov == "xai",
    "meta": lambda key, prov: "llama" in key.lower(),
    "amazon": lambda key, prov: prov == "bedrock" and "nova" in key,
}

# Claude models whose published cache rates are rounded rather than the
# exact multiples of input (read 0.1x, 5-minute write 1.25x, 1-hour write
# 2x) that hold for every other Claude model.
ANTHROPIC_RULE_EXCEPTIONS = {
    # Listed at $0.30 for 5-minute writes and $0.03 for reads.
    "claude-3-haiku-20240307": ("cache_read", "cache_write_5m"),
}

R_MISSING_KEY = "missing"  # the key itself is absent from LiteLLM's table

# Every place where our book and the newer LiteLLM table disagree, keyed
# by (our key, our rate name, R_MISSING_KEY, or "above" for the tier
# threshold) with the reason.  The test fails on a difference missing
# here and on an entry here that no longer differs.
KNOWN_DIFFERENCES = {}


def known(keys, rates, reason):
    for key in keys:
        for rate in rates:
            KNOWN_DIFFERENCES[(key, rate)] = reason


# --- keys LiteLLM's table does not have
known(["claude-opus-4-5-20251101", "claude-opus-4-5"], [R_MISSING_KEY],
      "Claude Opus 4.5 was released on 2025-11-24, after the table")
known(["claude-opus-4-0", "claude-sonnet-4-0"], [R_MISSING_KEY],
      "Anthropic's own alias spelling; LiteLLM has only the dated key and "
      "the claude-4-opus/claude-4-sonnet spellings")

# --- Anthropic
known(["claude-3-5-haiku-latest"],
      ["input", "output", "cache_read", "cache_write_5m"],
      "LiteLLM gives this alias $1/$5, Claude 3.5 Haiku's launch price "
      "(still the Vertex price); Anthropic lists it at $0.80/$4, as "
      "LiteLLM's own dated key claude-3-5-haiku-20241022 does")
known(["claude-3-5-haiku-20241022", "claude-3-5-haiku-latest",
       "claude-3-haiku-20240307", "claude-3-opus-20240229",
       "claude-3-opus-latest"], ["cache_write_1h"],
      "LiteLLM has a flat $6 per million for 1-hour cache writes on older "
      "Claude models; Anthropic bills twice the model's input rate")
known(["claude-sonnet-4-5-20250929", "claude-sonnet-4-5",
       "claude-4-sonnet-20250514", "claude-4-opus-20250514"],
      ["cache_write_1h"],
      "LiteLLM's entry lacks the 1-hour cache write rate, which Anthropic "
      "bills at twice the input rate")

# --- Amazon Bedrock
known(["global.anthropic.claude-haiku-4-5-20251001-v1:0"],
      ["input", "output", "cache_read", "cache_write_5m"],
      "the global cross-region profile carries Anthropic's list price; "
      "LiteLLM copied the 10% higher geographic (us./eu.) price here, "
      "unlike its global Sonnet 4.5 entry")
known(["amazon.nova-pro-v1:0", "us.amazon.nova-pro-v1:0",
       "amazon.nova-lite-v1:0", "us.amazon.nova-lite-v1:0",
       "amazon.nova-micro-v1:0", "us.amazon.nova-micro-v1:0"],
      ["cache_read"],
      "Bedrock bills Nova cache reads at a quarter of the input rate; "
      "LiteLLM's entry has no cache rate")

# --- Google
known(["gemini/gemini-1.5-pro", "gemini/gemini-1.5-pro-002"],
      ["input", "output", "input_above", "output_above"],
      "LiteLLM's Gemini API entries keep the price from before the cut of "
      "2024-10-01 ($3.50/$10.50); we have both prices, dated")
known(["gemini-1.5-pro", "gemini-1.5-pro-002", "gemini/gemini-1.5-pro",
       "gemini/gemini-1.5-pro-002", "gemini-1.5-flash",
       "gemini-1.5-flash-002", "gemini/gemini-1.5-flash"], ["cache_read"],
      "Gemini 1.5 context-cache reads cost a quarter of input; LiteLLM "
      "has the rate only on some gemini/ snapshots")
known(["gemini-1.5-pro", "gemini-1.5-pro-002", "gemini/gemini-1.5-pro",
       "gemini/gemini-1.5-pro-002", "gemini-1.5-flash",
       "gemini-1.5-flash-002", "gemini/gemini-1.5-flash",
       "gemini/gemini-1.5-flash-002"], ["cache_read_above"],
      "LiteLLM has no cache-read rate for prompts over 128k; Google "
      "doubles it like the input rate")
known(["gemini-1.5-flash", "gemini-1.5-flash-002"], ["input_above"],
      "the unprefixed key is LiteLLM's Vertex entry; its $1 per million "
      "for input above 128k exceeds even its own output tier ($0.60) and "
      "looks like a data error; Google lists $0.15")
known(["gemini/gemini-1.5-flash-002"], ["cache_write_5m"],
      "LiteLLM puts Gemini's hourly cache storage fee ($1 per million "
      "tokens per hour) in the cache-write field; it is not a per-token "
      "write rate, and Gemini bills cache writes as input")
known(["gemini-2.5-pro", "gemini-3-pro-preview"], ["cache_write_5m_above"],
      "LiteLLM's Vertex entry carries a $0.25 'cache creation above 200k' "
      "rate (2.5 Pro's cache-read rate above 200k, filed under the wrong "
      "field); Google bills no separate per-token cache-write rate")
known(["gemini-2.5-pro", "gemini/gemini-2.5-pro"], ["cache_read_above"],
      "Google lists 2.5 Pro cache reads at $0.25 above 200k tokens; "
      "LiteLLM has no such rate")
known(["gemini-2.5-pro-preview-03-25", "gemini-2.5-pro-preview-05-06",
       "gemini-2.5-pro-preview-06-05", "gemini/gemini-2.5-pro-preview-03-25",
       "gemini/gemini-2.5-pro-preview-05-06",
       "gemini/gemini-2.5-pro-preview-06-05"], ["cache_read_above"],
      "Google listed the 2.5 Pro preview cache reads at $0.625 above 200k "
      "tokens (twice the base rate, like input); LiteLLM has no such rate")
known(["gemini/gemini-2.5-pro"], ["cache_read"],
      "LiteLLM's Gemini API entry keeps the preview cache-read price "
      "($0.3125); the current price is $0.125, as in its Vertex entry")

# --- Mistral
known(["mistral/mistral-large-2407"], ["input", "output"],
      "Mistral cut Large 2 from $3/$9 to $2/$6 on 2024-09-17; LiteLLM "
      "keeps the launch price (we have both, dated)")
known(["mistral/open-mistral-nemo", "mistral/open-mistral-nemo-2407"],
      ["input", "output"],
      "Mistral cut NeMo from $0.30 to $0.15 on 2024-09-17; LiteLLM keeps "
      "the launch price (we have both, dated)")
known(["mistral/codestral-latest"], ["input", "output"],
      "codestral-latest is Codestral 25.01 at $0.30/$0.90 since "
      "2025-01-13; LiteLLM keeps the 2024 launch price of $1/$3")

# --- DeepSeek
known(["deepseek-chat", "deepseek-reasoner"],
      ["input", "output", "cache_read"],
      "LiteLLM's unprefixed keys have $0.60/$1.70 (cache hit $0.06), "
      "which matches no DeepSeek list price we know; since 2025-09-29 "
      "(V3.2-Exp) both models cost $0.28/$0.42, cache hit $0.028")
known(["deepseek/deepseek-chat", "deepseek/deepseek-reasoner"],
      ["input", "output", "cache_read"],
      "LiteLLM's deepseek/ keys keep the prices from before 2025-09-05 "
      "(we have them, dated); since 2025-09-29 both models cost "
      "$0.28/$0.42, cache hit $0.028")
known(["deepseek/deepseek-chat"], ["cache_write_5m"],
      "LiteLLM prices cache writes at 0; DeepSeek bills a cache miss at "
      "the input rate, so we give no write rate")

# --- xAI
known(["xai/grok-4", "xai/grok-4-0709", "xai/grok-4-latest", "xai/grok-3",
       "xai/grok-3-latest", "xai/grok-3-beta", "xai/grok-3-mini",
       "xai/grok-3-mini-latest", "xai/grok-3-mini-beta"], ["cache_read"],
      "xAI lists a cached-input rate of a quarter of input for Grok 3 and "
      "4; LiteLLM's entry has none")
known(["xai/grok-4"], ["above", "input_above", "output_above"],
      "xAI charges $6/$30 above 128k tokens; LiteLLM has the tier on "
      "xai/grok-4-0709 and xai/grok-4-latest but not on this alias")

# --- OpenAI
PRIORITY = ["input_priority", "output_priority", "cache_read_priority"]
FLEX = ["input_flex", "output_flex", "cache_read_flex"]
known(["gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14",
       "gpt-4.1-nano-2025-04-14", "gpt-4o-mini-2024-07-18",
       "o3-2025-04-16", "o4-mini-2025-04-16"], PRIORITY,
      "LiteLLM has the priority rates on the alias only; the dated "
      "snapshot the alias names is the same model at the same prices")
known(["o3-2025-04-16", "o4-mini-2025-04-16"], FLEX,
      "LiteLLM has the flex rates on the alias only; the dated snapshot "
      "the alias names is the same model at the same prices")
known(["gpt-5-nano"], ["input_priority"],
      "LiteLLM's undated key alone has a priority input rate, gpt-5's "
      "$2.50, with no output rate, and its dated key has none; we give "
      "gpt-5-nano no priority rates, so such a request is unpriced")
known(["o1-mini-2024-09-12"], ["input", "output", "cache_read"],
      "o1-mini was repriced to $1.10/$4.40 when o3-mini launched; "
      "LiteLLM updated the undated o1-mini key but not this snapshot")


# ---------------------------------------------------------------- parsing

class BookError(ValueError):
    """The book breaks the grammar; the message names the line."""


class Price:
    def __init__(self, date, rates, above):
        self.date = date        # datetime.date, valid from 00:00 UTC
        self.rates = rates      # rate name -> Decimal dollars per million
        self.above = above      # int tier threshold, or None


class Model:
    def __init__(self, name, provider, line):
        self.name = name
        self.provider = provider
        self.line = line
        self.aliases = []
        self.prices = []

    def keys(self):
        return [self.name] + self.aliases

    def valid_on(self, day):
        """The price in force on day, or None before the first one."""
        found = None
        for price in self.prices:
            if price.date <= day:
                found = price
        return found


KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]*$")
PROVIDER_RE = re.compile(r"^provider=([a-z][a-z0-9_]*)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# At most 12 decimals: dollars per million at 10^-12 become whole units
# of 10^-18 USD per token, the library's money unit.
RATE_RE = re.compile(r"^\d+(\.\d{1,12})?$")
ABOVE_RE = re.compile(r"^[1-9]\d*$")
KEY_MAX = 255


def fail(lineno, what):
    raise BookError(f"line {lineno}: {what}")


def parse_key(lineno, word):
    if len(word) > KEY_MAX or not KEY_RE.match(word):
        fail(lineno, f"bad model key {word!r}")
    return word


def parse_date(lineno, word):
    if not DATE_RE.match(word):
        fail(lineno, f"date {word!r} is not YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(word)
    except ValueError:
        fail(lineno, f"date {word!r} does not exist")


def parse_pair(lineno, word, seen):
    name, eq, value = word.partition("=")
    if not eq:
        fail(lineno, f"{word!r} is not key=value")
    if name in seen:
        fail(lineno, f"{name} given twice")
    if name == "above":
        if not ABOVE_RE.match(value):
            fail(lineno, f"above={value!r} is not a positive integer")
        return name, int(value)
    if name not in RATE_KEYS:
        fail(lineno, f"unknown rate {name!r}")
    if not RATE_RE.match(value):
        fail(lineno, f"{name}={value!r} is not a plain decimal")
    return name, Decimal(value)


def parse_price(lineno, words):
    if len(words) < 2:
        fail(lineno, "price needs a date")
    date = parse_date(lineno, words[1])
    rates = {}
    above = None
    for word in words[2:]:
        name, value = parse_pair(lineno, word, set(rates) | (
            {"above"} if above is not None else set()))
        if name == "above":
            above = value
        else:
            rates[name] = value
    if "input" not in rates or "output" not in rates:
        fail(lineno, "a price needs input and output rates")
    tier = [r for r in rates if r.endswith("_above")]
    if (above is None) != (not tier):
        fail(lineno, "above=N and the *_above rates go together")
    return Price(date, rates, above)


def parse_book(text):
    """Parses the book; returns the list of models.  Strict: anything
    outside the grammar raises BookError."""
    if not text.endswith("\n"):
        raise BookError("the file does not end with a newline")
    models = []
    seen_format = False
    for lineno, line in enumerate(text[:-1].split("\n"), start=1):
        if line.startswith("#"):
            continue
        if line != line.strip() or "\t" in line or "\r" in line:
            fail(lineno, "stray whitespace")
        words = line.split(" ")
        if "" in words:
            fail(lineno, "empty line or doubled space")
        if not seen_format:
            if words != ["format", "1"]:
                fail(lineno, "the first line must be 'format 1'")
            seen_format = True
            continue
        verb = words[0]
        if verb == "model":
            if len(words) != 3:
                fail(lineno, "model NAME provider=P")
            match = PROVIDER_RE.match(words[2])
            if not match:
                fail(lineno, f"bad provider {words[2]!r}")
            if models and not models[-1].prices:
                fail(lineno, f"model {models[-1].name} has no price")
            models.append(Model(parse_key(lineno, words[1]),
                                match.group(1), lineno))
        elif verb == "alias":
            if len(words) != 2:
                fail(lineno, "alias NAME")
            if not models or models[-1].prices:
                fail(lineno, "an alias goes after its model line, "
                     "before the price lines")
            models[-1].aliases.append(parse_key(lineno, words[1]))
        elif verb == "price":
            if not models:
                fail(lineno, "price before any model")
            models[-1].prices.append(parse_price(lineno, words))
        else:
            fail(lineno, f"unknown line kind {verb!r}")
    if not seen_format:
        raise BookError("no 'format 1' line")
    if not models or not models[-1].prices:
        raise BookError("the last model has no price")
    return models


# ------------------------------------------------------- LiteLLM's tables

def per_token(per_million):
    with localcontext() as ctx:
        ctx.prec = 60
        return per_million / MILLION


def is_number(value):
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)


def base_rate_of(field):
    for rate, fields in LITELLM_FIELDS.items():
        if field in fields:
            return rate
    return None


def litellm_rates(entry):
    """A LiteLLM entry in our vocabulary: (rate -> Decimal per token,
    tier threshold or None)."""
    rates = {}
    for rate, fields in LITELLM_FIELDS.items():
        for field in fields:
            if is_number(entry.get(field)):
                rates[rate] = Decimal(entry[field])
                break
    thresholds = set()
    for field, value in entry.items():
        match = TIER_FIELD.match(field)
        rate = base_rate_of(match.group(1)) if match else None
        if rate is None or not is_number(value):
            continue
        rates[rate + "_above"] = Decimal(value)
        thresholds.add(int(match.group(2)) * 1000)
    if len(thresholds) > 1:
        raise AssertionError(f"several tier thresholds: {thresholds}")
    return rates, (thresholds.pop() if thresholds else None)


def differences(price, entry):
    """(rate, words) for every rate where our price and the LiteLLM
    entry disagree; 'above' stands for the tier threshold."""
    theirs, their_above = litellm_rates(entry)
    ours = {r: per_token(v) for r, v in price.rates.items()
            if r not in NO_LITELLM_FIELD}
    # Without a reasoning rate, reasoning tokens are billed as output; a
    # LiteLLM reasoning rate equal to the output rate says the same.
    if "reasoning" not in ours and theirs.get("reasoning") == ours["output"]:
        del theirs["reasoning"]
    found = []
    for rate in sorted(set(ours) | set(theirs)):
        mine = ours.get(rate)
        other = theirs.get(rate)
        if mine is None or other is None or mine != other:
            found.append((rate, f"ours {fmt(mine)}, LiteLLM {fmt(other)}"))
    if price.above != their_above:
        found.append(("above", f"ours {price.above}, LiteLLM "
                      f"{their_above}"))
    return found


def fmt(per_token_rate):
    if per_token_rate is None:
        return "absent"
    return f"${(per_token_rate * MILLION).normalize():f}/M"


# ---------------------------------------------------------------- fixtures

def source_dir():
    env = os.environ.get("LLMCOST_SOURCE_DIR")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..")


def shared_pricing_dir():
    env = os.environ.get("LLMCOST_SHARED_DATA")
    base = env or os.path.join(source_dir(), "..", "shared", "data")
    return os.path.join(base, "pricing")


@pytest.fixture(scope="module")
def models():
    path = os.path.join(source_dir(), "lib", "default_pricebook.txt")
    with open(path, encoding="utf-8") as f:
        return parse_book(f.read())


@pytest.fixture(scope="module")
def by_key(models):
    return {k: m for m in models for k in m.keys()}


def load_table(name):
    path = os.path.join(shared_pricing_dir(), name)
    if not os.path.isfile(path):
        pytest.skip(f"shared price table {path} is absent; "
                    "set LLMCOST_SHARED_DATA to the shared data directory")
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


@pytest.fixture(scope="module")
def new_table():
    return load_table(NEW_TABLE)


@pytest.fixture(scope="module")
def old_table():
    return load_table(OLD_TABLE)


def all_differences(models, table):
    """(key, rate or R_MISSING_KEY) -> words, over every key of ours."""
    found = {}
    for model in models:
        latest = model.prices[-1]
        for key in model.keys():
            if key not in table:
                found[(key, R_MISSING_KEY)] = "key not in LiteLLM's table"
                continue
            if latest.date > NEW_TABLE_DATE:
                continue
            for rate, words in differences(latest, table[key]):
                found[(key, rate)] = words
    return found


# ------------------------------------------------------------------ tests

def test_book_parses_with_enough_models(models):
    assert len(models) >= 40


def test_book_covers_every_maker(models):
    for maker, test in MAKERS.items():
        hits = [m.name for m in models
                if any(test(k, m.provider) for k in m.keys())]
        assert hits, f"no model from {maker}"


def test_keys_are_unique_in_any_case(models):
    seen = {}
    for model in models:
        for key in model.keys():
            low = key.lower()
            assert low not in seen, f"{key} repeats {seen[low]}"
            seen[low] = key


def test_dates_are_real_and_increase(models):
    # No LLM API price predates 2023; a price announced ahead of time may
    # lie in the future, but not by more than a year.
    first = datetime.date(2023, 1, 1)
    last = datetime.date.today() + datetime.timedelta(days=366)
    for model in models:
        dates = [p.date for p in model.prices]
        assert all(first <= d <= last for d in dates), model.name
        assert dates == sorted(set(dates)), \
            f"{model.name}: dates not strictly increasing: {dates}"


def test_rates_are_sane(models):
    for model in models:
        for price in model.prices:
            r = price.rates
            where = f"{model.name} {price.date}"
            assert r["input"] > 0 and r["output"] > 0, where
            if "cache_read" in r:
                assert r["cache_read"] < r["input"], where
            if "cache_write_5m" in r:
                assert r["cache_write_5m"] >= r["input"], where
            for rate in BASE_RATES:
                if rate + "_above" in r:
                    assert r[rate + "_above"] >= r[rate], where


def test_anthropic_cache_rates_follow_the_rule(models):
    rule = {"cache_read": Decimal("0.1"), "cache_write_5m": Decimal("1.25"),
            "cache_write_1h": Decimal("2")}
    checked = 0
    for model in models:
        if "claude" not in model.name:
            continue
        exempt = ANTHROPIC_RULE_EXCEPTIONS.get(model.name, ())
        for price in model.prices:
            for suffix in ("", "_above"):
                base = price.rates.get("input" + suffix)
                for rate, factor in rule.items():
                    value = price.rates.get(rate + suffix)
                    if base is None or value is None or rate in exempt:
                        continue
                    assert value == base * factor, \
                        f"{model.name} {rate}{suffix}"
                    checked += 1
    assert checked >= 60


def test_header_says_units_date_and_override():
    path = os.path.join(source_dir(), "lib", "default_pricebook.txt")
    with open(path, encoding="utf-8") as f:
        header = []
        for line in f:
            if not line.startswith("#"):
                break
            header.append(line)
    text = " ".join(line.lstrip("#").strip() for line in header)
    assert "per million tokens" in text
    assert "--prices" in text
    assert re.search(r"as\s+we\s+know\s+them\s+on\s+\d{4}-\d{2}-\d{2}", text)


def test_o3_history(by_key):
    o3 = by_key["o3"]
    before = o3.valid_on(datetime.date(2025, 6, 9))
    after = o3.valid_on(datetime.date(2025, 6, 10))
    assert (before.rates["input"], before.rates["output"]) == (
        Decimal("10"), Decimal("40"))
    assert (after.rates["input"], after.rates["output"]) == (
        Decimal("2"), Decimal("8"))


def test_o3_matches_the_old_table(by_key, old_table):
    price = by_key["o3"].valid_on(OLD_TABLE_DATE)
    assert price is not None
    assert differences(price, old_table["o3"]) == []
    assert per_token(price.rates["cache_read"]) == Decimal("2.5E-6")


def test_every_difference_from_litellm_is_known(models, new_table):
    found = all_differences(models, new_table)
    unknown = {k: v for k, v in found.items() if k not in KNOWN_DIFFERENCES}
    assert not unknown, "differences not in KNOWN_DIFFERENCES:\n" + \
        "\n".join(f"  {k}: {v}" for k, v in sorted(unknown.items()))


def test_every_known_difference_still_exists(models, new_table):
    found = all_differences(models, new_table)
    stale = sorted(k for k in KNOWN_DIFFERENCES if k not in found)
    assert not stale, f"KNOWN_DIFFERENCES entries that no longer differ: " \
        f"{stale}"
    for key, reason in KNOWN_DIFFERENCES.items():
        assert isinstance(reason, str) and len(reason) > 20, key


def test_most_keys_agree_with_litellm(models, new_table):
    """Guards against the comparison silently matching nothing."""
    found = all_differences(models, new_table)
    clean = [k for m in models for k in m.keys()
             if k in new_table and m.prices[-1].date <= NEW_TABLE_DATE
             and not any(d[0] == k for d in found)]
    assert len(clean) >= 60


@pytest.mark.parametrize("text, words", [
    ("model a provider=x\nprice 2024-01-01 input=1 output=2\n", "format 1"),
    ("format 1\n\nmodel a provider=x\nprice 2024-01-01 input=1 output=2\n",
     "empty line"),
    ("format 1\nmodel a provider=x\nprice 2024-02-30 input=1 output=2\n",
     "does not exist"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=1 input=2 "
     "output=2\n", "given twice"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=3e-6 output=2\n",
     "plain decimal"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 "
     "input=0.0000000000001 output=2\n", "plain decimal"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=1 output=2 "
     "input_above=2\n", "go together"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=1 output=2 "
     "batch=1\n", "unknown rate"),
    ("format 1\nprice 2024-01-01 input=1 output=2\n", "before any model"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=1 output=2\n"
     "alias b\n", "before the price lines"),
    ("format 1\nmodel a provider=x\nmodel b provider=x\n"
     "price 2024-01-01 input=1 output=2\n", "has no price"),
    ("format 1\nmodel a provider=x\nprice 2024-01-01 input=1 output=2",
     "newline"),
])
def test_parser_rejects(text, words):
    with pytest.raises(BookError, match=words):
        parse_book(text)


def test_parser_reads_a_tiered_price():
    text = ("# c\nformat 1\nmodel m provider=p\nalias n\n"
            "price 2025-01-02 input=3 output=15 above=200000 "
            "input_above=6 output_above=22.50\n")
    (model,) = parse_book(text)
    assert model.keys() == ["m", "n"]
    price = model.prices[0]
    assert price.date == datetime.date(2025, 1, 2)
    assert price.above == 200000
    assert price.rates["output_above"] == Decimal("22.50")
    assert per_token(price.rates["output_above"]) == Decimal("0.0000225")
