"""Loading libllmcost and declaring its C interface for ctypes."""
import ctypes
import ctypes.util
import os

from . import _constants as K

c_i32 = ctypes.c_int32
c_u32 = ctypes.c_uint32
c_i64 = ctypes.c_int64
c_u64 = ctypes.c_uint64
c_str = ctypes.c_char_p
c_size = ctypes.c_size_t
c_void = ctypes.c_void_p


class Money(ctypes.Structure):
    _fields_ = [("hi", c_i64), ("lo", c_u64)]


_RECORD_STRINGS = (
    "request_id", "team_id", "user_id", "tenant_id", "feature_name",
    "environment", "provider", "model", "prompt_template_version",
    "workflow_name", "service_tier", "region")
_RECORD_COUNTS = (
    "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens",
    "cache_write_1h_tokens", "reasoning_tokens", "request_count",
    "latency_ms", "web_search_requests")
_RECORD_PARTS = (
    "input_audio_tokens", "input_image_tokens", "input_video_tokens",
    "output_audio_tokens", "output_image_tokens", "file_search_requests")


class Record(ctypes.Structure):
    _fields_ = ([("struct_size", c_u32), ("flags", c_u32),
                 ("timestamp_ms", c_i64)] +
                [(n, c_str) for n in _RECORD_STRINGS] +
                [(n, c_i64) for n in _RECORD_COUNTS] +
                [("status_code", c_i32), ("retry_count", c_i32)] +
                [(n, c_i64) for n in _RECORD_PARTS] +
                [("search_context_size", c_str)])


RECORD_STRINGS = _RECORD_STRINGS + ("search_context_size",)
RECORD_INTS = _RECORD_COUNTS + _RECORD_PARTS + (
    "status_code", "retry_count", "flags", "timestamp_ms")


class Cost(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("status", c_i32),
                ("flags", c_u32), ("rule", c_u32), ("total", Money),
                ("component", Money * K.C_CAPACITY),
                ("price_key", c_str), ("price_valid_from_ms", c_i64),
                ("long_context_threshold", c_i64),
                ("note", ctypes.c_char * K.NOTE_SIZE),
                ("unrated", c_u32), ("service_tier", c_u32),
                ("units", c_i64 * K.C_CAPACITY),
                ("list_cost", Money), ("contracted_cost", Money),
                ("effective_cost", Money)]


class Group(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("reserved", c_u32),
                ("key", c_str * K.DIM_CAPACITY),
                ("day_start_ms", c_i64), ("requests", c_i64),
                ("priced_requests", c_i64), ("unpriced_requests", c_i64),
                ("tokens", c_i64 * K.T_CAPACITY), ("retries", c_i64),
                ("errors", c_i64), ("latency_sum_ms", c_i64),
                ("latency_max_ms", c_i64), ("total", Money),
                ("component", Money * K.C_CAPACITY),
                ("grouping", c_u32), ("flags", c_u32),
                ("bucket_start_ms", c_i64), ("records", c_i64),
                ("units", c_i64 * K.U_CAPACITY),
                ("contracted_cost", Money), ("effective_cost", Money),
                ("input_tokens_p50", c_i64), ("input_tokens_p95", c_i64),
                ("latency_p50_ms", c_i64), ("latency_p95_ms", c_i64)]


class RollupOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("grouping_count", c_u32),
                ("dims", c_u32 * K.GROUPING_MAX),
                ("bucket", c_u32 * K.GROUPING_MAX),
                ("heavy_hitters", c_u32 * K.GROUPING_MAX),
                ("reserved", c_u32),
                ("max_groups", c_u64 * K.GROUPING_MAX)]


class GroupingInfo(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("dims", c_u32),
                ("bucket", c_u32), ("heavy_hitters", c_u32),
                ("max_groups", c_u64), ("groups", c_u64),
                ("overflow_groups", c_u64), ("overflow_requests", c_i64),
                ("overflow_cost", Money)]


class Heavy(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("exact", c_u32),
                ("key", c_str * K.DIM_CAPACITY),
                ("cost_low", Money), ("cost_high", Money)]


class Tag(ctypes.Structure):
    _fields_ = [("struct_size", c_u32), ("dim", c_u32),
                ("outcome", c_u32), ("flags", c_u32),
                ("canonical", c_i32), ("reserved", c_u32),
                ("value", ctypes.c_char * (K.TAG_MAX_BYTES + 1)),
                ("key", ctypes.c_char * (K.TAG_MAX_BYTES + 1))]


P = ctypes.POINTER
PP = ctypes.POINTER(c_void)

# name: (restype, argtypes)
_PROTOS = {
    "llmcost_version": (ctypes.c_uint, []),
    "llmcost_version_string": (c_str, []),
    "llmcost_status_name": (c_str, [ctypes.c_int]),
    "llmcost_status_message": (c_str, [ctypes.c_int]),
    "llmcost_last_error": (c_str, []),
    "llmcost_money_format": (ctypes.c_int, [Money, ctypes.c_char_p,
                                            c_size]),
    "llmcost_money_parse": (ctypes.c_int, [c_str, c_size, P(Money)]),
    "llmcost_record_init": (None, [P(Record)]),
    "llmcost_cost_init": (None, [P(Cost)]),
    "llmcost_group_init": (None, [P(Group)]),
    "llmcost_grouping_info_init": (None, [P(GroupingInfo)]),
    "llmcost_tag_init": (None, [P(Tag)]),
    "llmcost_heavy_init": (None, [P(Heavy)]),
    "llmcost_rollup_options_init": (None, [P(RollupOptions)]),
    "llmcost_prices_new": (ctypes.c_int, [PP]),
    "llmcost_prices_new_default": (ctypes.c_int, [PP]),
    "llmcost_prices_free": (None, [c_void]),
    "llmcost_prices_load_litellm": (ctypes.c_int, [c_void, c_str, c_size,
                                                   c_i64]),
    "llmcost_prices_load_book": (ctypes.c_int, [c_void, c_str, c_size]),
    "llmcost_prices_load_file": (ctypes.c_int, [c_void, c_str, c_i64]),
    "llmcost_prices_load_contract": (ctypes.c_int, [c_void, c_str,
                                                    c_size]),
    "llmcost_prices_count": (c_size, [c_void]),
    "llmcost_prices_diag_count": (c_size, [c_void]),
    "llmcost_prices_diag": (ctypes.c_int, [c_void, c_size, P(c_str),
                                           P(c_str), P(c_str)]),
    "llmcost_lint_kind_name": (c_str, [ctypes.c_int]),
    "llmcost_prices_lint": (ctypes.c_int, [c_void, PP]),
    "llmcost_lint_free": (None, [c_void]),
    "llmcost_lint_count": (c_size, [c_void]),
    "llmcost_lint_finding": (ctypes.c_int, [c_void, c_size,
                                            P(ctypes.c_int), P(c_str),
                                            P(c_str), P(c_str)]),
    "llmcost_price": (ctypes.c_int, [c_void, P(Record), P(Cost)]),
    "llmcost_component_name": (c_str, [ctypes.c_int]),
    "llmcost_rule_name": (c_str, [ctypes.c_int]),
    "llmcost_service_tier_name": (c_str, [ctypes.c_int]),
    "llmcost_usage_shape_from_name": (ctypes.c_int, [c_str]),
    "llmcost_usage_parse": (ctypes.c_int, [ctypes.c_int, c_str, c_size,
                                           P(Record)]),
    "llmcost_dim_name": (c_str, [ctypes.c_int]),
    "llmcost_bucket_name": (c_str, [ctypes.c_int]),
    "llmcost_rollup_options_add": (ctypes.c_int, [P(RollupOptions), c_u32,
                                                  ctypes.c_int, c_u64,
                                                  c_u32]),
    "llmcost_rollup_new": (ctypes.c_int, [PP]),
    "llmcost_rollup_new_with": (ctypes.c_int, [PP, P(RollupOptions)]),
    "llmcost_rollup_free": (None, [c_void]),
    "llmcost_rollup_add": (ctypes.c_int, [c_void, P(Record), P(Cost)]),
    "llmcost_rollup_count": (c_size, [c_void]),
    "llmcost_rollup_group": (ctypes.c_int, [c_void, c_size, P(Group)]),
    "llmcost_rollup_snapshot": (ctypes.c_int, [c_void, PP]),
    "llmcost_snapshot_new": (ctypes.c_int, [PP]),
    "llmcost_snapshot_free": (None, [c_void]),
    "llmcost_snapshot_load": (ctypes.c_int, [PP, c_void, c_size]),
    "llmcost_snapshot_load_file": (ctypes.c_int, [PP, c_str]),
    "llmcost_snapshot_save_file": (ctypes.c_int, [c_void, ctypes.c_int,
                                                  c_str]),
    "llmcost_snapshot_save": (ctypes.c_int, [c_void, ctypes.c_int, c_void,
                                             c_size, P(c_size)]),
    "llmcost_snapshot_merge": (ctypes.c_int, [c_void, c_void]),
    "llmcost_snapshot_count": (c_size, [c_void]),
    "llmcost_snapshot_group": (ctypes.c_int, [c_void, c_size, P(Group)]),
    "llmcost_snapshot_quantile": (ctypes.c_int, [c_void, c_size,
                                                 ctypes.c_int, c_u32,
                                                 P(c_i64)]),
    "llmcost_snapshot_heavy": (ctypes.c_int, [c_void, c_size, c_void,
                                              c_size, P(c_size),
                                              P(Money)]),
    "llmcost_snapshot_grouping_count": (c_size, [c_void]),
    "llmcost_snapshot_grouping": (ctypes.c_int, [c_void, c_size,
                                                 P(GroupingInfo)]),
    "llmcost_tag_dim_from_name": (ctypes.c_int, [c_str]),
    "llmcost_tag_outcome_name": (c_str, [ctypes.c_int]),
    "llmcost_tag_fold": (ctypes.c_int, [ctypes.c_uint, c_str, c_size,
                                        ctypes.c_char_p, c_size,
                                        P(ctypes.c_uint)]),
    "llmcost_tags_new": (ctypes.c_int, [PP]),
    "llmcost_tags_free": (None, [c_void]),
    "llmcost_tags_load_json": (ctypes.c_int, [c_void, c_str, c_size]),
    "llmcost_tags_add": (ctypes.c_int, [c_void, ctypes.c_int, c_str]),
    "llmcost_tags_add_alias": (ctypes.c_int, [c_void, ctypes.c_int, c_str,
                                              c_str]),
    "llmcost_tags_lookup": (ctypes.c_int, [c_void, ctypes.c_int, c_str,
                                           c_size, P(Tag)]),
}


def _candidates():
    env = os.environ.get("LLMCOST_LIBRARY")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.join(here, "libllmcost.so")]
    out = [p for p in out if os.path.exists(p)]
    found = ctypes.util.find_library("llmcost")
    if found:
        out.append(found)
    out.append("libllmcost.so.0")
    return out


def _open():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("llmcost: cannot load libllmcost (" +
                      "; ".join(errors) + "); set LLMCOST_LIBRARY")


def _declare(lib):
    for name, (res, args) in _PROTOS.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args


def _check_version(lib, path):
    have = lib.llmcost_version()
    text = lib.llmcost_version_string().decode()
    if have // 10000 != K.VERSION_MAJOR:
        raise ImportError(
            "llmcost: %s is libllmcost %s, but these bindings need major "
            "version %d" % (path, text, K.VERSION_MAJOR))


def _check_layout(lib, path):
    for init, cls in (("llmcost_record_init", Record),
                      ("llmcost_cost_init", Cost),
                      ("llmcost_group_init", Group),
                      ("llmcost_grouping_info_init", GroupingInfo),
                      ("llmcost_tag_init", Tag),
                      ("llmcost_heavy_init", Heavy),
                      ("llmcost_rollup_options_init", RollupOptions)):
        buf = ctypes.create_string_buffer(16384)
        getattr(lib, init)(ctypes.cast(buf, P(cls)))
        size = c_u32.from_buffer(buf).value
        if size < ctypes.sizeof(cls):
            raise ImportError("llmcost: %s has size %d in %s, %d here" %
                              (cls.__name__, size, path,
                               ctypes.sizeof(cls)))


lib, path = _open()
_declare(lib)
_check_version(lib, path)
_check_layout(lib, path)


def new(cls):
    """A zeroed struct with struct_size set to this binding's size."""
    obj = cls()
    obj.struct_size = ctypes.sizeof(cls)
    return obj
