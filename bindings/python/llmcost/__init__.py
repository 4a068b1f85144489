"""Exact LLM request pricing and cost rollups, over libllmcost.

Money is never a float here: every amount is a decimal.Decimal parsed
from the library's exact decimal text.
"""
import ctypes
import decimal
import json
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Union

from . import _constants as constants
from . import _native as N

__all__ = ["LlmcostError", "Prices", "Cost", "Rollup", "Snapshot", "Tags",
           "Record", "LintFinding", "PriceDiagnostic", "HeavyHitter",
           "HeavyHitters", "library_version", "library_path", "constants"]

_lib = N.lib
library_path = N.path
TIME_UNKNOWN = -2**63  # LLMCOST_TIME_UNKNOWN (INT64_MIN)


# The version of the header these bindings were made from; the loaded
# library's own is library_version().
__version__ = "%d.%d.%d" % (constants.VERSION_MAJOR, constants.VERSION_MINOR,
                            constants.VERSION_PATCH)


def library_version():
    """The loaded library's version text, "MAJOR.MINOR.PATCH"."""
    return _lib.llmcost_version_string().decode()


class LlmcostError(Exception):
    """A failure reported by libllmcost: code, name and detail text."""

    def __init__(self, code, name, message):
        super().__init__("%s: %s" % (name, message))
        self.code = code
        self.name = name
        self.message = message


def _error(code):
    detail = _lib.llmcost_last_error().decode("utf-8", "replace")
    name = _lib.llmcost_status_name(code).decode()
    if not detail:
        detail = _lib.llmcost_status_message(code).decode()
    return LlmcostError(code, name, detail)


def _check(code):
    if code < 0:
        raise _error(code)
    return code


def _money(m):
    buf = ctypes.create_string_buffer(constants.MONEY_STRLEN)
    _check(_lib.llmcost_money_format(m, buf, len(buf)))
    return decimal.Decimal(buf.value.decode())


def _to_money(value):
    text = str(value).encode()
    out = N.Money()
    _check(_lib.llmcost_money_parse(text, len(text), ctypes.byref(out)))
    return out


def _bytes(text):
    if isinstance(text, bytes):
        return text
    return str(text).encode("utf-8")


def _cstr(text, what):
    """Bytes for a C string: one with a NUL would be cut short there, so
    it is refused rather than silently shortened."""
    raw = _bytes(text)
    if b"\0" in raw:
        raise ValueError("%s holds a NUL byte at %d"
                         % (what, raw.index(b"\0")))
    return raw


def _path(path):
    """A file name as bytes: str, bytes or os.PathLike; never None."""
    return _cstr(os.fsencode(os.fspath(path)), "file name")


def _name_table(fn, count):
    return [fn(i).decode() for i in range(count)]


def _text(raw):
    """A C string the library owns, copied out ("" for NULL)."""
    return "" if raw is None else raw.decode("utf-8", "replace")


COMPONENTS = _name_table(_lib.llmcost_component_name, constants.C_COUNT)
DIMS = _name_table(_lib.llmcost_dim_name, constants.DIM_COUNT)
BUCKETS = _name_table(_lib.llmcost_bucket_name, constants.BUCKET_COUNT)
TOKENS = ["input", "output", "cached", "cache_write_5m", "cache_write_1h",
          "reasoning"]
UNITS = ["input_audio", "input_image", "input_video", "output_audio",
         "output_image", "web_search", "file_search"]
# llmcost_metric, in order: the values a group keeps quantile sketches of.
METRICS = ["input_tokens", "latency_ms"]
# LLMCOST_LINT_* by value (1, 2, ...) to the library's names.
LINT_KINDS = {k: _lib.llmcost_lint_kind_name(k).decode()
              for k in range(1, constants.LINT_KIND_END_)}
_ALIASES = {"team": "team_id", "user": "user_id", "tenant": "tenant_id",
            "feature": "feature_name", "workflow": "workflow_name"}


class Record:
    """One request in the library's token convention (see llmcost.h).

    Keyword names are the C record's fields; team, user, tenant, feature
    and workflow are accepted for team_id and so on."""

    def __init__(self, **fields):
        self._c = N.new(N.Record)
        self._c.request_count = 1
        self._c.timestamp_ms = TIME_UNKNOWN
        self._keep = {}
        self.update(**fields)

    def update(self, **fields):
        for key, value in fields.items():
            self._set(_ALIASES.get(key, key), value)
        return self

    def _set(self, name, value):
        if name in N.RECORD_STRINGS:
            raw = None if value is None else _cstr(value, name)
            self._keep[name] = raw
            setattr(self._c, name, raw)
        elif name in N.RECORD_INTS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("%s must be an int" % name)
            if not -2**63 <= value < 2**63:
                raise OverflowError("%s out of range" % name)
            setattr(self._c, name, value)
        else:
            raise TypeError("unknown record field %r" % name)

    def __getattr__(self, name):
        name = _ALIASES.get(name, name)
        if name in N.RECORD_STRINGS or name in N.RECORD_INTS:
            value = getattr(self._c, name)
            return value.decode() if isinstance(value, bytes) else value
        raise AttributeError(name)

    def parse_usage(self, shape, usage):
        """Sets token counts from a provider usage object (dict or JSON
        text) of shape "openai-chat", "openai-responses", "anthropic",
        "gemini", "bedrock" or "otel"."""
        code = _lib.llmcost_usage_shape_from_name(_cstr(shape, "usage shape"))
        _check(code)
        text = usage if isinstance(usage, (str, bytes)) else \
            json.dumps(usage)
        raw = _bytes(text)
        _check(_lib.llmcost_usage_parse(code, raw, len(raw),
                                        ctypes.byref(self._c)))
        if self._c.service_tier:
            self._keep["service_tier"] = self._c.service_tier
        return self


class Cost:
    """The price of one request.  priced is False for an unpriced model
    or a missing rate; then total and the costs are None."""

    def __init__(self, record, c):
        self.record = record
        self._c = c
        self.status = c.status
        self.status_name = _lib.llmcost_status_name(c.status).decode()
        self.priced = c.status == constants.OK
        self.flags = c.flags
        self.rule = _lib.llmcost_rule_name(c.rule).decode()
        self.price_key = c.price_key.decode() if c.price_key else None
        self.note = c.note.decode("utf-8", "replace")
        self.service_tier = _lib.llmcost_service_tier_name(
            c.service_tier).decode()
        self.components = {}
        self.units = {}
        self.total = self.list_cost = None
        self.contracted_cost = self.effective_cost = None
        if not self.priced:
            return
        self.total = _money(c.total)
        self.list_cost = _money(c.list_cost)
        self.contracted_cost = _money(c.contracted_cost)
        self.effective_cost = _money(c.effective_cost)
        for i, name in enumerate(COMPONENTS):
            self.components[name] = _money(c.component[i])
            self.units[name] = c.units[i]

    def as_dict(self):
        out = {"status": self.status_name, "priced": self.priced,
               "price_key": self.price_key, "rule": self.rule,
               "note": self.note}
        if self.priced:
            out.update(total=str(self.total),
                       list_cost=str(self.list_cost),
                       contracted_cost=str(self.contracted_cost),
                       effective_cost=str(self.effective_cost),
                       components={k: str(v) for k, v in
                                   self.components.items() if v})
        return out

    def __repr__(self):
        return "Cost(%s, total=%s)" % (self.status_name, self.total)


class _Handle:
    _free = None

    def __init__(self, ptr):
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, self._free, ptr)

    @property
    def _h(self):
        if not self._finalizer.alive:
            raise ValueError("llmcost: %s is closed" % type(self).__name__)
        return self._ptr

    def close(self):
        """Releases the handle; safe to call more than once."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _new(fn, *args):
    out = ctypes.c_void_p()
    _check(fn(ctypes.byref(out), *args))
    return out.value


class Prices(_Handle):
    """A price table.  Prices() holds the built-in book; Prices(empty=True)
    holds nothing until loaded.  Loading is not thread-safe; pricing is."""

    _free = _lib.llmcost_prices_free

    def __init__(self, empty=False):
        fn = _lib.llmcost_prices_new if empty else \
            _lib.llmcost_prices_new_default
        super().__init__(_new(fn))

    @classmethod
    def from_file(cls, path, valid_from_ms=TIME_UNKNOWN):
        prices = cls(empty=True)
        prices.load_file(path, valid_from_ms)
        return prices

    def load_file(self, path, valid_from_ms=TIME_UNKNOWN):
        """Loads a price book or a LiteLLM JSON table, by its first byte."""
        _check(_lib.llmcost_prices_load_file(self._h, _path(path),
                                             valid_from_ms))
        return self

    def load_book(self, text):
        raw = _bytes(text)
        _check(_lib.llmcost_prices_load_book(self._h, raw, len(raw)))
        return self

    def load_litellm(self, table, valid_from_ms=TIME_UNKNOWN):
        """Loads LiteLLM's price table format (JSON text or a dict)."""
        raw = _bytes(table if isinstance(table, (str, bytes))
                     else json.dumps(table))
        _check(_lib.llmcost_prices_load_litellm(self._h, raw, len(raw),
                                                valid_from_ms))
        return self

    def load_contract(self, text):
        raw = _bytes(text)
        _check(_lib.llmcost_prices_load_contract(self._h, raw, len(raw)))
        return self

    def __len__(self):
        return _lib.llmcost_prices_count(self._h)

    @property
    def diag_count(self):
        return _lib.llmcost_prices_diag_count(self._h)

    def diagnostics(self) -> "List[PriceDiagnostic]":
        """What the loaders skipped or changed, in load order: each
        entry or rate of a LiteLLM table that could not be used, with the
        model key, the field ("" for the whole entry) and the reason.  A
        price book never gives any (a bad line fails the load)."""
        out = []
        for i in range(_lib.llmcost_prices_diag_count(self._h)):
            key, fld, msg = ctypes.c_char_p(), ctypes.c_char_p(), \
                ctypes.c_char_p()
            _check(_lib.llmcost_prices_diag(self._h, i, ctypes.byref(key),
                                            ctypes.byref(fld),
                                            ctypes.byref(msg)))
            out.append(PriceDiagnostic(_text(key.value), _text(fld.value),
                                       _text(msg.value)))
        return out

    def lint(self) -> "List[LintFinding]":
        """Checks the table for the mistakes found in public price tables
        (llmcost_prices_lint): one LintFinding per mistake, in the
        library's stable order; [] for a clean table.  Unusable rates
        among the load diagnostics come back as "bad_rate" findings."""
        handle = ctypes.c_void_p()
        _check(_lib.llmcost_prices_lint(self._h, ctypes.byref(handle)))
        try:
            out = []
            for i in range(_lib.llmcost_lint_count(handle)):
                kind = ctypes.c_int()
                key, fld, msg = ctypes.c_char_p(), ctypes.c_char_p(), \
                    ctypes.c_char_p()
                _check(_lib.llmcost_lint_finding(
                    handle, i, ctypes.byref(kind), ctypes.byref(key),
                    ctypes.byref(fld), ctypes.byref(msg)))
                out.append(LintFinding(
                    LINT_KINDS.get(kind.value, ""), _text(key.value),
                    _text(fld.value), _text(msg.value), kind.value))
            return out
        finally:
            _lib.llmcost_lint_free(handle)

    def price_record(self, record):
        """Prices a Record.  Returns a Cost (priced or not); raises
        LlmcostError for a rejected record or a bad argument."""
        c = N.new(N.Cost)
        code = _lib.llmcost_price(self._h, ctypes.byref(record._c),
                                  ctypes.byref(c))
        if code not in (constants.OK, constants.E_UNPRICED,
                        constants.E_NORATE):
            raise _error(code)
        return Cost(record, c)

    def price(self, **fields):
        """Prices a request given as keyword fields of Record."""
        return self.price_record(Record(**fields))

    def price_usage(self, shape, usage, **fields):
        """Prices a provider usage object (see Record.parse_usage) with the
        other fields (model, team, ...) as keywords."""
        return self.price_record(Record(**fields).parse_usage(shape, usage))


@dataclass(frozen=True)
class PriceDiagnostic:
    """A load diagnostic of a price table: the model key, the field (""
    when it is about the whole entry) and the library's message."""
    key: str
    field: str
    message: str


@dataclass(frozen=True)
class LintFinding:
    """A price-table lint finding.  kind is the library's name
    ("bad_rate", "cache_read_dear", "cache_write_cheap",
    "write_1h_multiple", "scale", "output_cheap", "tier_order"),
    kind_code its LLMCOST_LINT_* value; field is "" when none; message
    gives the rates compared, in USD per million tokens."""
    kind: str
    key: str
    field: str
    message: str
    kind_code: int


@dataclass(frozen=True)
class HeavyHitter:
    """One key of a grouping ranked by priced cost, time buckets summed.
    Its true cost lies in [cost_low, cost_high]; exact when they are
    equal (every key's cost is exact while its grouping is under its
    cap)."""
    key: Dict[str, str]
    cost_low: decimal.Decimal
    cost_high: decimal.Decimal
    exact: bool

    @property
    def error(self) -> decimal.Decimal:
        """The width of the interval: how far cost_high may be above the
        true cost."""
        return self.cost_high - self.cost_low


@dataclass(frozen=True)
class HeavyHitters:
    """The result of Snapshot.heavy_hitters(): the keys with the highest
    priced cost, highest first, and unlisted_bound, a bound on the true
    cost of any key not listed.  Iterates over the keys."""
    grouping: int
    dims: List[str]
    hitters: List[HeavyHitter]
    unlisted_bound: decimal.Decimal

    def __iter__(self) -> Iterator[HeavyHitter]:
        return iter(self.hitters)

    def __len__(self) -> int:
        return len(self.hitters)

    def __getitem__(self, i):
        return self.hitters[i]


def _quantile(raw):
    """A group's p50/p95 field: None for a group without records."""
    return None if raw < 0 else raw


def _dims_mask(dims):
    mask = 0
    for d in dims:
        if d not in DIMS:
            raise ValueError("unknown dimension %r" % d)
        mask |= 1 << DIMS.index(d)
    return mask


def _dims_list(mask):
    return [d for i, d in enumerate(DIMS) if mask >> i & 1]


def _group_dict(g, dims):
    out = {"grouping": g.grouping,
           "overflow": bool(g.flags & constants.GROUP_OVERFLOW),
           "bucket_start_ms": None if g.bucket_start_ms ==
           TIME_UNKNOWN else g.bucket_start_ms,
           "requests": g.requests, "records": g.records,
           "priced_requests": g.priced_requests,
           "unpriced_requests": g.unpriced_requests,
           "retries": g.retries, "errors": g.errors,
           "latency_sum_ms": g.latency_sum_ms,
           "latency_max_ms": g.latency_max_ms,
           "total": _money(g.total),
           "contracted_cost": _money(g.contracted_cost),
           "effective_cost": _money(g.effective_cost)}
    for d in dims:
        k = g.key[DIMS.index(d)]
        out[d] = k.decode("utf-8", "replace") if k is not None else ""
    out["tokens"] = {n: g.tokens[i] for i, n in enumerate(TOKENS)}
    out["units"] = {n: g.units[i] for i, n in enumerate(UNITS)}
    out["components"] = {n: _money(g.component[i])
                         for i, n in enumerate(COMPONENTS)}
    out["input_tokens_p50"] = _quantile(g.input_tokens_p50)
    out["input_tokens_p95"] = _quantile(g.input_tokens_p95)
    out["latency_p50_ms"] = _quantile(g.latency_p50_ms)
    out["latency_p95_ms"] = _quantile(g.latency_p95_ms)
    return out


class Rollup(_Handle):
    """An accumulator.  groupings is a list of dicts with "dims" (names),
    and optional "bucket" ("none", "hour", "day", "week", "month"),
    "max_groups" and "heavy_hitters"; None gives the default rollup
    (team, user, feature, model by day).  add() is thread-safe."""

    _free = _lib.llmcost_rollup_free

    def __init__(self, groupings=None):
        if groupings is None:
            self._dims = [_dims_list(constants.DIMS_DEFAULT)]
            super().__init__(_new(_lib.llmcost_rollup_new))
            return
        opts = N.new(N.RollupOptions)
        self._dims = []
        for g in groupings:
            dims = list(g.get("dims", ()))
            bucket = BUCKETS.index(g.get("bucket", "none"))
            _check(_lib.llmcost_rollup_options_add(
                ctypes.byref(opts), _dims_mask(dims), bucket,
                g.get("max_groups", 0), g.get("heavy_hitters", 0)))
            self._dims.append(_dims_list(_dims_mask(dims)))
        super().__init__(_new(_lib.llmcost_rollup_new_with,
                              ctypes.byref(opts)))

    def add(self, cost):
        """Adds a priced (or unpriced) request: a Cost from Prices."""
        _check(_lib.llmcost_rollup_add(self._h, ctypes.byref(cost.record._c),
                                       ctypes.byref(cost._c)))

    def __len__(self):
        return _lib.llmcost_rollup_count(self._h)

    def groups(self):
        """Every group as a dict: its keys, counts and exact costs."""
        out = []
        for i in range(len(self)):
            g = N.new(N.Group)
            _check(_lib.llmcost_rollup_group(self._h, i, ctypes.byref(g)))
            out.append(_group_dict(g, self._dims[g.grouping]))
        return out

    def snapshot(self):
        out = ctypes.c_void_p()
        _check(_lib.llmcost_rollup_snapshot(self._h, ctypes.byref(out)))
        return Snapshot(out.value)


_SNAPSHOT_FORMATS = {"binary": constants.SNAPSHOT_BINARY,
                     "json": constants.SNAPSHOT_JSON}


class Snapshot(_Handle):
    """A copy of a rollup to save, load and merge."""

    _free = _lib.llmcost_snapshot_free

    def __init__(self, ptr=None):
        super().__init__(ptr if ptr else _new(_lib.llmcost_snapshot_new))

    @classmethod
    def from_bytes(cls, data):
        data = bytes(data)
        return cls(_new(_lib.llmcost_snapshot_load, data, len(data)))

    @classmethod
    def from_file(cls, path) -> "Snapshot":
        """Reads a snapshot file, binary or JSON."""
        return cls(_new(_lib.llmcost_snapshot_load_file, _path(path)))

    def save(self, path, format: str = "binary") -> None:
        """Writes the snapshot to a file ("binary" or "json"), replacing
        it whole."""
        fmt = _SNAPSHOT_FORMATS.get(format)
        if fmt is None:
            raise ValueError("unknown snapshot format %r" % (format,))
        _check(_lib.llmcost_snapshot_save_file(self._h, fmt, _path(path)))

    def _save(self, fmt):
        need = ctypes.c_size_t()
        code = _lib.llmcost_snapshot_save(self._h, fmt, None, 0,
                                          ctypes.byref(need))
        if code != constants.E_RANGE:
            _check(code)
        buf = ctypes.create_string_buffer(max(need.value, 1))
        _check(_lib.llmcost_snapshot_save(self._h, fmt, buf, len(buf),
                                          ctypes.byref(need)))
        return buf.raw[:need.value]

    def to_bytes(self):
        return self._save(constants.SNAPSHOT_BINARY)

    def to_json(self):
        return json.loads(self._save(constants.SNAPSHOT_JSON))

    def merge(self, other):
        _check(_lib.llmcost_snapshot_merge(self._h, other._h))
        return self

    def __len__(self):
        return _lib.llmcost_snapshot_count(self._h)

    def groupings(self):
        out = []
        for i in range(_lib.llmcost_snapshot_grouping_count(self._h)):
            info = N.new(N.GroupingInfo)
            _check(_lib.llmcost_snapshot_grouping(self._h, i,
                                                  ctypes.byref(info)))
            out.append({"index": i,
                        "dims": _dims_list(info.dims),
                        "bucket": BUCKETS[info.bucket],
                        "max_groups": info.max_groups,
                        "heavy_hitters": info.heavy_hitters,
                        "groups": info.groups,
                        "overflow_groups": info.overflow_groups,
                        "overflow_requests": info.overflow_requests,
                        "overflow_cost": _money(info.overflow_cost)})
        return out

    def groups(self):
        """Every group as a dict, as Rollup.groups(), with "index" its
        number in this snapshot (for quantile())."""
        dims = [g["dims"] for g in self.groupings()]
        out = []
        for i in range(len(self)):
            g = N.new(N.Group)
            _check(_lib.llmcost_snapshot_group(self._h, i, ctypes.byref(g)))
            d = _group_dict(g, dims[g.grouping])
            d["index"] = i
            out.append(d)
        return out

    def quantile(self, index: int, metric: str, permyriad: int) -> int:
        """The nearest-rank quantile of a metric ("input_tokens" or
        "latency_ms") over group number index's records, permyriad in
        ten-thousandths (5000: median, 9500: p95, 10000: the largest).
        Within 1/64 of the exact quantile (values below 64 exact).
        LlmcostError (LLMCOST_E_NOTFOUND) for no such group or a group
        without records."""
        if metric not in METRICS:
            raise ValueError("unknown metric %r (one of %s)" %
                             (metric, ", ".join(METRICS)))
        if isinstance(permyriad, bool) or not isinstance(permyriad, int):
            raise TypeError("permyriad must be an int")
        if not 0 <= permyriad < 2**32:
            raise OverflowError("permyriad out of range")
        if not 0 <= index < 2**64:
            raise OverflowError("index out of range")
        out = ctypes.c_int64()
        _check(_lib.llmcost_snapshot_quantile(self._h, index,
                                              METRICS.index(metric),
                                              permyriad, ctypes.byref(out)))
        return out.value

    def heavy_hitters(self, grouping: int,
                      limit: Optional[int] = None) -> HeavyHitters:
        """The keys of grouping number grouping (as in groupings()) with
        the highest priced cost, highest first: at most limit of them, or
        every key the snapshot can name when limit is None.  Past the
        grouping's cap each cost is an interval from the space-saving
        counters; see HeavyHitter and docs/snapshot.md."""
        infos = self.groupings()
        if not 0 <= grouping < 2**64:
            raise OverflowError("grouping out of range")
        if grouping >= len(infos):
            # The library's own error names the grouping.
            _check(_lib.llmcost_snapshot_heavy(self._h, grouping, None, 0,
                                               ctypes.byref(
                                                   ctypes.c_size_t()),
                                               None))
        info = infos[grouping]
        if limit is None:
            # A key has a group or a counter: no more keys than both.
            limit = info["groups"] + info["heavy_hitters"]
        if limit < 0:
            raise ValueError("limit must be >= 0")
        arr = (N.Heavy * max(limit, 1))()
        for h in arr:
            h.struct_size = ctypes.sizeof(N.Heavy)
        count = ctypes.c_size_t()
        unlisted = N.Money()
        _check(_lib.llmcost_snapshot_heavy(self._h, grouping, arr, limit,
                                           ctypes.byref(count),
                                           ctypes.byref(unlisted)))
        dims = info["dims"]
        hitters = []
        for h in arr[:count.value]:
            key = {d: _text(h.key[DIMS.index(d)]) for d in dims}
            hitters.append(HeavyHitter(key, _money(h.cost_low),
                                       _money(h.cost_high),
                                       bool(h.exact)))
        return HeavyHitters(grouping, list(dims), hitters,
                            _money(unlisted))


class Tags(_Handle):
    """Canonical tag vocabulary.  Build it (config, add, add_alias) from one
    thread; the first lookup freezes it; lookups are then thread-safe."""

    _free = _lib.llmcost_tags_free

    def __init__(self, config=None):
        super().__init__(_new(_lib.llmcost_tags_new))
        if config is not None:
            raw = _bytes(config if isinstance(config, (str, bytes))
                         else json.dumps(config))
            _check(_lib.llmcost_tags_load_json(self._h, raw, len(raw)))

    @staticmethod
    def _dim(dim):
        return _check(_lib.llmcost_tag_dim_from_name(_cstr(dim, "dimension")))

    def add(self, dim, canonical, aliases=()):
        d = self._dim(dim)
        _check(_lib.llmcost_tags_add(self._h, d, _cstr(canonical,
                                                           "canonical value")))
        for alias in aliases:
            _check(_lib.llmcost_tags_add_alias(self._h, d, _bytes(canonical),
                                               _cstr(alias, "alias")))
        return self

    def lookup(self, dim, raw):
        """Maps a raw value (str, bytes or None) to a dict with value,
        key, outcome and flags."""
        tag = N.new(N.Tag)
        data = None if raw is None else _bytes(raw)
        _check(_lib.llmcost_tags_lookup(self._h, self._dim(dim), data,
                                        0 if data is None else len(data),
                                        ctypes.byref(tag)))
        return {"value": tag.value.decode("utf-8", "replace"),
                "key": tag.key.decode("utf-8", "replace"),
                "outcome": _lib.llmcost_tag_outcome_name(
                    tag.outcome).decode(),
                "flags": tag.flags}

    def normalise(self, dim, raw):
        """The value to attribute raw to."""
        return self.lookup(dim, raw)["value"]

    @staticmethod
    def fold(raw, flags=constants.FOLD_DEFAULT):
        buf = ctypes.create_string_buffer(constants.TAG_MAX_BYTES + 1)
        data = _bytes(raw)
        _check(_lib.llmcost_tag_fold(flags, data, len(data), buf, len(buf),
                                     None))
        return buf.value.decode("utf-8", "replace")
