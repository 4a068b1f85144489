"""Helpers shared by the packaging and ABI tests in tests/meta.

Not a test module itself: the test_*.py files import it.  It finds the
build tree and the source tree from the environment that CTest sets, reads
facts out of include/llmcost.h, and loads the shared library with ctypes.
"""

import ctypes
import os
import re
import shutil
import subprocess

import pytest


def env_dir(name):
    """The directory named by environment variable NAME; fails if unset."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through ctest")
    return os.path.abspath(value)


def build_dir():
    return env_dir("LLMCOST_BUILD_DIR")


def source_dir():
    return env_dir("LLMCOST_SOURCE_DIR")


def header_path():
    return os.path.join(source_dir(), "include", "llmcost.h")


def c_compiler():
    """The compiler CMake used, else cc from PATH."""
    cc = os.environ.get("LLMCOST_C_COMPILER") or shutil.which("cc")
    if not cc:
        pytest.fail("no C compiler: LLMCOST_C_COMPILER unset, no cc")
    return cc


def cxx_compiler():
    """A C++ compiler matching the C one where possible, or None."""
    cc = os.path.basename(c_compiler())
    guesses = ["clang++"] if "clang" in cc else ["g++"]
    for name in guesses + ["c++"]:
        path = shutil.which(name)
        if path:
            return path
    return None


def run(cmd, **kwargs):
    """Runs cmd and returns its stdout; fails the test with its output."""
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                    f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc.stdout


# ---- reading the public header ---------------------------------------

def strip_comments(text):
    """C source with comments blanked and string literals kept."""
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"', re.S)

    def repl(m):
        s = m.group(0)
        return s if s.startswith('"') else " "
    return pattern.sub(repl, text)


def header_text():
    with open(header_path(), encoding="utf-8") as f:
        return f.read()


def header_code():
    """The header without comments, with continued lines joined."""
    return strip_comments(header_text()).replace("\\\n", " ")


def header_api_functions():
    """Names of the functions the header declares with LLMCOST_API."""
    code = "\n".join(line for line in header_code().splitlines()
                     if not line.lstrip().startswith("#"))
    decl = re.compile(r"\bLLMCOST_API\b([^;{}]*?)\b(llmcost_\w+)\s*\(")
    return sorted({m.group(2) for m in decl.finditer(code)})


def header_defines():
    """{name: body} for every #define in the header (bodies stripped)."""
    out = {}
    for line in header_code().splitlines():
        m = re.match(r"\s*#\s*define\s+(\w+)(\([^)]*\))?\s*(.*)$", line)
        if m:
            out[m.group(1)] = (m.group(2), m.group(3).strip())
    return out


def header_version():
    """(major, minor, patch) from the header's three version lines."""
    defs = header_defines()
    return tuple(int(defs[f"LLMCOST_VERSION_{part}"][1])
                 for part in ("MAJOR", "MINOR", "PATCH"))


def header_version_number():
    major, minor, patch = header_version()
    return major * 10000 + minor * 100 + patch


def header_statuses():
    """[(NAME, code, message)] from LLMCOST_STATUS_LIST, in list order."""
    body = header_defines()["LLMCOST_STATUS_LIST"][1]
    item = re.compile(r'X\(\s*(\w+)\s*,\s*(-?\d+)\s*,\s*"((?:\\.|[^"\\])*)"'
                      r'\s*\)')
    return [(m.group(1), int(m.group(2)), m.group(3))
            for m in item.finditer(body)]


def header_enum_constants():
    """Names of enum constants written out in the header's enums."""
    names = []
    code = header_code()
    for body in re.findall(r"\benum\s+\w*\s*\{([^}]*)\}", code):
        names += re.findall(r"\b(LLMCOST_[A-Z0-9_]+)\s*=", body)
    return names


# ---- the built library -----------------------------------------------

def shared_lib_path():
    """build/libllmcost.so.<major>, the name a loader asks for."""
    major = header_version()[0]
    path = os.path.join(build_dir(), f"libllmcost.so.{major}")
    if not os.path.exists(path):
        pytest.fail(f"{path} was not built")
    return path


def load_library():
    """The shared library through ctypes, with prototypes set."""
    lib = ctypes.CDLL(shared_lib_path())
    lib.llmcost_version.restype = ctypes.c_uint
    lib.llmcost_version.argtypes = []
    lib.llmcost_version_string.restype = ctypes.c_char_p
    lib.llmcost_version_string.argtypes = []
    for name in ("llmcost_status_name", "llmcost_status_message"):
        fn = getattr(lib, name)
        fn.restype = ctypes.c_char_p
        fn.argtypes = [ctypes.c_int]
    lib.llmcost_last_error.restype = ctypes.c_char_p
    lib.llmcost_last_error.argtypes = []
    return lib
