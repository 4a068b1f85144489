"""The version is written once, in include/llmcost.h; everything agrees.

The loaded library, the shared object's file name, llmcost.pc, the CMake
package version file and the Python package must all carry the header's
version.
"""

import os
import re

import llmcost_meta as meta


def dotted():
    return "%d.%d.%d" % meta.header_version()


def test_header_number_matches_its_parts():
    major, minor, patch = meta.header_version()
    assert 0 <= minor < 100 and 0 <= patch < 100
    assert meta.header_version_number() == major * 10000 + minor * 100 + patch


def test_loaded_library_reports_header_version():
    lib = meta.load_library()
    assert lib.llmcost_version() == meta.header_version_number()
    assert lib.llmcost_version_string() == dotted().encode()


def test_shared_object_file_version():
    real = os.path.realpath(os.path.join(meta.build_dir(), "libllmcost.so"))
    assert os.path.basename(real) == f"libllmcost.so.{dotted()}"
    soname = os.path.realpath(meta.shared_lib_path())
    assert soname == real


def test_pkgconfig_version():
    path = os.path.join(meta.build_dir(), "llmcost.pc")
    with open(path, encoding="utf-8") as f:
        versions = re.findall(r"^Version:\s*(\S+)\s*$", f.read(), re.M)
    assert versions == [dotted()]


def test_cmake_package_version():
    path = os.path.join(meta.build_dir(), "llmcostConfigVersion.cmake")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = re.findall(r'set\(PACKAGE_VERSION "(\d[^"]*)"\)', text)
    assert found == [dotted()]


def test_python_package_version():
    path = os.path.join(meta.source_dir(), "bindings", "python",
                        "pyproject.toml")
    with open(path, encoding="utf-8") as f:
        found = re.findall(r'^version = "([^"]*)"$', f.read(), re.M)
    assert found == [dotted()]
