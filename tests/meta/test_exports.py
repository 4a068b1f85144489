"""The shared library's ABI surface: files, SONAME and exported symbols.

Every symbol libllmcost.so exports must be a function the public header
declares with LLMCOST_API, and every such function must be exported, under
the version node of lib/llmcost.map.  Vendored code (xxhash, cJSON) and the
library's internal lc_* helpers must not leak.
"""

import os
import re
import shutil

import pytest

import llmcost_meta as meta


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found (binutils is needed for this test)")
    return path


def version_nodes():
    """Version node names defined in lib/llmcost.map ("LLMCOST_0")."""
    path = os.path.join(meta.source_dir(), "lib", "llmcost.map")
    with open(path, encoding="utf-8") as f:
        text = meta.strip_comments(f.read())
    return set(re.findall(r"^\s*([A-Za-z_]\w*)\s*\{", text, re.M))


def dynamic_symbols():
    """[(type, name, version)] of the .so's defined dynamic symbols."""
    out = meta.run([tool("nm"), "-D", "--defined-only",
                    meta.shared_lib_path()])
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, full = parts[-2], parts[-1]
        name, _, version = full.partition("@")
        syms.append((kind, name, version.lstrip("@")))
    return syms


def exported_functions():
    nodes = version_nodes()
    return [s for s in dynamic_symbols() if s[1] not in nodes]


def test_build_leaves_shared_static_and_tool():
    build = meta.build_dir()
    for name in ("libllmcost.so", "libllmcost.a", "llmcost"):
        assert os.path.isfile(os.path.join(build, name)), name
    assert os.access(os.path.join(build, "llmcost"), os.X_OK)


def test_soname_is_major_version_only():
    major = meta.header_version()[0]
    out = meta.run([tool("readelf"), "-d", meta.shared_lib_path()])
    sonames = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    assert sonames == [f"libllmcost.so.{major}"]


def test_header_declares_api_functions():
    names = meta.header_api_functions()
    assert len(names) >= 30
    assert "llmcost_version" in names
    assert "llmcost_price" in names


def test_exports_equal_header_api():
    exported = {name for _, name, _ in exported_functions()}
    declared = set(meta.header_api_functions())
    missing = sorted(declared - exported)
    extra = sorted(exported - declared)
    assert not missing, f"declared LLMCOST_API but not exported: {missing}"
    assert not extra, f"exported but not declared LLMCOST_API: {extra}"


def test_every_export_has_llmcost_prefix():
    bad = [name for _, name, _ in exported_functions()
           if not name.startswith("llmcost_")]
    assert not bad


def test_exports_are_functions_in_the_version_node():
    nodes = version_nodes()
    assert nodes, "lib/llmcost.map defines no version node"
    for kind, name, version in exported_functions():
        assert kind == "T", f"{name} is exported as {kind}, not a function"
        assert version in nodes, f"{name} has version '{version}'"


def test_vendored_and_internal_symbols_do_not_leak():
    leaked = [name for _, name, _ in dynamic_symbols()
              if re.match(r"(XXH|xxh|cJSON|cjson|lc_|_lc_)", name)]
    assert not leaked


def test_static_library_globals_are_namespaced():
    # A program that links libllmcost.a shares one global namespace with
    # it: every global the archive defines must carry our prefixes.
    archive = os.path.join(meta.build_dir(), "libllmcost.a")
    out = meta.run([tool("nm"), "-g", "--defined-only", archive])
    bad = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[-2]) == 1:
            name = parts[-1]
            if not name.startswith(("llmcost_", "lc_")):
                bad.append(name)
    assert not bad, f"globals without llmcost_/lc_ prefix: {bad}"
