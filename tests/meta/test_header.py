"""include/llmcost.h compiles as strict C89 and as C++, and is complete.

Each standard builds tests/meta/consumer/header_use.c (C) or header_use.cpp
(C++) with warnings as errors, links it to the shared library and runs it.
A further check makes sure header_use.c mentions every macro, enum
constant and type of the header, so a new one cannot go untested.
"""

import os
import re

import pytest

import llmcost_meta as meta

C_STANDARDS = ["c89", "c99", "c11"]
CXX_STANDARDS = ["c++98", "c++11", "c++17"]
STRICT = ["-pedantic", "-Werror", "-Wall", "-Wextra"]

# Macros that a program has no reason to use: the include guard and the
# export attribute.  Names ending in "_" are the header's own helpers.
NOT_FOR_USERS = {"LLMCOST_H", "LLMCOST_API"}


def consumer(name):
    return os.path.join(meta.source_dir(), "tests", "meta", "consumer", name)


def include_flags():
    return ["-I", os.path.join(meta.source_dir(), "include")]


def link_flags():
    build = meta.build_dir()
    return ["-L", build, f"-Wl,-rpath,{build}", "-lllmcost"]


def build_and_run(compiler, std, source, tmp_path):
    obj = str(tmp_path / "header_use.o")
    exe = str(tmp_path / "header_use")
    meta.run([compiler, f"-std={std}", *STRICT, *include_flags(),
              "-c", source, "-o", obj])
    meta.run([compiler, obj, "-o", exe, *link_flags()])
    return meta.run([exe])


@pytest.mark.parametrize("std", C_STANDARDS)
def test_header_as_c(std, tmp_path):
    out = build_and_run(meta.c_compiler(), std, consumer("header_use.c"),
                        tmp_path)
    assert out == "header_use: all checks passed\n"


@pytest.mark.parametrize("std", CXX_STANDARDS)
def test_header_as_cxx(std, tmp_path):
    cxx = meta.cxx_compiler()
    if cxx is None:
        pytest.skip("no C++ compiler (g++, clang++ or c++) on PATH")
    out = build_and_run(cxx, std, consumer("header_use.cpp"), tmp_path)
    assert out == "header_use.cpp: all checks passed\n"


def test_header_alone_is_self_contained(tmp_path):
    # The header first and alone, with no other include before it.
    src = tmp_path / "alone.c"
    src.write_text('#include "llmcost.h"\n'
                   "int alone(void);\n"
                   "int alone(void) { return LLMCOST_OK; }\n")
    meta.run([meta.c_compiler(), "-std=c89", *STRICT, *include_flags(),
              "-c", str(src), "-o", str(tmp_path / "alone.o")])


def public_names():
    """Every macro, enum constant, status and type a user may name."""
    names = {n for n in meta.header_defines()
             if n not in NOT_FOR_USERS and not n.endswith("_")}
    names |= set(meta.header_enum_constants())
    names |= {f"LLMCOST_{name}" for name, _, _ in meta.header_statuses()}
    names |= set(re.findall(r"\}\s*(llmcost_\w+)\s*;", meta.header_code()))
    names |= set(re.findall(r"typedef\s+struct\s+\w+\s+(llmcost_\w+)\s*;",
                            meta.header_code()))
    return names


def test_public_names_are_found():
    names = public_names()
    for expected in ("LLMCOST_VERSION_NUMBER", "LLMCOST_E_MISSING",
                     "LLMCOST_C_REASONING", "LLMCOST_T_CAPACITY",
                     "llmcost_group", "llmcost_prices"):
        assert expected in names
    assert "LLMCOST_H" not in names and "LLMCOST_API" not in names


def test_header_use_mentions_every_public_name():
    with open(consumer("header_use.c"), encoding="utf-8") as f:
        used = set(re.findall(r"\b\w+\b", meta.strip_comments(f.read())))
    missing = sorted(public_names() - used)
    assert not missing, f"header_use.c does not use: {missing}"

