"""Status codes, seen from outside through ctypes.

This also proves the shared library loads into a foreign runtime and can
be called without any C glue: the smoke test a Python binding relies on.
"""

import ctypes

import llmcost_meta as meta

INT_MIN = -2**31
INT_MAX = 2**31 - 1


def status_min():
    return int(meta.header_defines()["LLMCOST_STATUS_MIN"][1].strip("()"))


def test_header_status_list_is_parsed():
    statuses = meta.header_statuses()
    assert statuses[0] == ("OK", 0, "success")
    assert len(statuses) >= 17


def test_codes_are_distinct_and_contiguous():
    codes = [code for _, code, _ in meta.header_statuses()]
    assert len(set(codes)) == len(codes)
    assert sorted(codes, reverse=True) == list(range(0, status_min() - 1, -1))


def test_names_are_distinct_and_error_names_start_with_e():
    names = [name for name, _, _ in meta.header_statuses()]
    assert len(set(names)) == len(names)
    assert all(n == "OK" or n.startswith("E_") for n in names)


def test_library_names_every_status():
    lib = meta.load_library()
    for name, code, _ in meta.header_statuses():
        got = lib.llmcost_status_name(code)
        assert got == f"LLMCOST_{name}".encode(), code


def test_library_message_is_the_header_message():
    lib = meta.load_library()
    for _, code, message in meta.header_statuses():
        got = lib.llmcost_status_message(code)
        assert got, f"empty message for {code}"
        assert got == message.encode(), code


def test_unknown_codes_have_a_name_and_a_message():
    lib = meta.load_library()
    for code in (1, 2, status_min() - 1, -1000, INT_MIN, INT_MAX):
        assert lib.llmcost_status_name(code) == b"LLMCOST_E_UNKNOWN"
        message = lib.llmcost_status_message(code)
        assert message is not None and len(message) > 0


def test_last_error_is_empty_before_any_failure():
    lib = meta.load_library()
    assert lib.llmcost_last_error() == b""


def test_failure_sets_last_error_detail():
    lib = meta.load_library()
    parse = lib.llmcost_money_parse
    parse.restype = ctypes.c_int
    parse.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    out = (ctypes.c_uint64 * 2)()
    assert parse(b"abc", 3, ctypes.byref(out)) == -4
    assert lib.llmcost_last_error() != b""
