"""An installed libllmcost is usable through pkg-config and CMake.

The build tree is installed into a temporary prefix; then a small program
(tests/meta/consumer/price_one.c) that prices one request with the default
price book is built against that prefix four ways: pkg-config with the
shared library, pkg-config --static, and find_package(llmcost) with the
shared and the static target.  Each must print the exact cost.
"""

import glob
import os
import shlex
import shutil
import subprocess

import pytest

import llmcost_meta as meta

# gpt-4o-2024-08-06 lists $2.50 per million input tokens and $10.00 per
# million output tokens: 1234 * 2.5e-6 + 567 * 1e-5 = 0.003085 + 0.00567.
MODEL = "gpt-4o-2024-08-06"
INPUT_TOKENS = "1234"
OUTPUT_TOKENS = "567"
EXPECTED = "0.008755\n"


def need(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found on PATH")
    return path


def consumer_dir():
    return os.path.join(meta.source_dir(), "tests", "meta", "consumer")


def dotted():
    return "%d.%d.%d" % meta.header_version()


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    root = tmp_path_factory.mktemp("install") / "prefix"
    meta.run([need("cmake"), "--install", meta.build_dir(),
              "--prefix", str(root)])
    return root


def only(pattern):
    found = glob.glob(pattern, recursive=True)
    assert len(found) == 1, f"{pattern}: {found}"
    return found[0]


def libdir(prefix):
    return os.path.dirname(only(f"{prefix}/**/libllmcost.a"))


def pkg_env(prefix):
    env = dict(os.environ)
    pcdir = os.path.dirname(only(f"{prefix}/**/pkgconfig/llmcost.pc"))
    env["PKG_CONFIG_PATH"] = pcdir
    return env


def pkg_config(prefix, *args):
    out = meta.run([need("pkg-config"), *args, "llmcost"],
                   env=pkg_env(prefix))
    return shlex.split(out)


def run_consumer(exe, prefix, shared=True):
    env = dict(os.environ)
    if shared:
        env["LD_LIBRARY_PATH"] = libdir(prefix)
    else:
        env.pop("LD_LIBRARY_PATH", None)
    return meta.run([exe, MODEL, INPUT_TOKENS, OUTPUT_TOKENS], env=env)


def needed_libraries(exe):
    out = meta.run([need("readelf"), "-d", exe])
    return [line.split("[")[1].rstrip("]")
            for line in out.splitlines() if "(NEEDED)" in line]


def test_install_lays_out_every_file(prefix):
    major = meta.header_version()[0]
    lib = libdir(prefix)
    assert os.path.isfile(prefix / "include" / "llmcost.h")
    assert os.path.isfile(prefix / "bin" / "llmcost")
    assert os.path.isfile(os.path.join(lib, f"libllmcost.so.{dotted()}"))
    assert os.path.islink(os.path.join(lib, f"libllmcost.so.{major}"))
    assert os.path.islink(os.path.join(lib, "libllmcost.so"))
    assert os.path.isfile(os.path.join(lib, "pkgconfig", "llmcost.pc"))
    for name in ("llmcostConfig.cmake", "llmcostConfigVersion.cmake",
                 "llmcostTargets.cmake"):
        assert os.path.isfile(os.path.join(lib, "cmake", "llmcost", name))


def test_installed_header_is_the_source_header(prefix):
    with open(prefix / "include" / "llmcost.h", encoding="utf-8") as f:
        assert f.read() == meta.header_text()


def test_installed_files_do_not_point_into_the_trees(prefix):
    # The package must be relocatable and must not depend on the build
    # or source directory it came from.
    lib = libdir(prefix)
    files = [os.path.join(lib, "pkgconfig", "llmcost.pc")]
    files += glob.glob(os.path.join(lib, "cmake", "llmcost", "*.cmake"))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert meta.build_dir() not in text, path
        assert meta.source_dir() not in text, path


def test_pkgconfig_reports_version_and_prefix(prefix):
    assert pkg_config(prefix, "--modversion") == [dotted()]
    cflags = pkg_config(prefix, "--cflags")
    assert any(os.path.realpath(flag[2:]) ==
               os.path.realpath(prefix / "include")
               for flag in cflags if flag.startswith("-I"))
    assert "-lllmcost" in pkg_config(prefix, "--libs")


def test_pkgconfig_static_needs_cjson(prefix):
    libs = pkg_config(prefix, "--static", "--libs")
    assert "-lllmcost" in libs
    assert "-lcjson" in libs


def build_with_pkgconfig(prefix, tmp_path, static):
    exe = str(tmp_path / ("price_one_static" if static else "price_one"))
    flags = pkg_config(prefix, *(["--static"] if static else []),
                       "--cflags", "--libs")
    if static:
        # Both libraries sit in one directory; ask for the archive by name.
        flags = ["-l:libllmcost.a" if f == "-lllmcost" else f
                 for f in flags]
    src = os.path.join(consumer_dir(), "price_one.c")
    meta.run([meta.c_compiler(), src, "-o", exe, *flags])
    return exe


def test_pkgconfig_consumer_prices_a_request(prefix, tmp_path):
    exe = build_with_pkgconfig(prefix, tmp_path, static=False)
    assert f"libllmcost.so.{meta.header_version()[0]}" in \
        needed_libraries(exe)
    assert run_consumer(exe, prefix) == EXPECTED


def test_pkgconfig_static_consumer_prices_a_request(prefix, tmp_path):
    exe = build_with_pkgconfig(prefix, tmp_path, static=True)
    assert not [n for n in needed_libraries(exe) if "llmcost" in n]
    assert run_consumer(exe, prefix, shared=False) == EXPECTED


def build_with_cmake(prefix, tmp_path, static):
    build = tmp_path / "build"
    meta.run([need("cmake"), "-S", consumer_dir(), "-B", str(build),
              f"-DCMAKE_PREFIX_PATH={prefix}",
              f"-DCMAKE_C_COMPILER={meta.c_compiler()}",
              f"-DWANT_VERSION={dotted()}",
              f"-DCONSUMER_STATIC={'ON' if static else 'OFF'}"])
    meta.run([need("cmake"), "--build", str(build)])
    return str(build / "price_one")


def test_cmake_consumer_prices_a_request(prefix, tmp_path):
    exe = build_with_cmake(prefix, tmp_path, static=False)
    assert f"libllmcost.so.{meta.header_version()[0]}" in \
        needed_libraries(exe)
    assert run_consumer(exe, prefix) == EXPECTED


def test_cmake_static_consumer_prices_a_request(prefix, tmp_path):
    exe = build_with_cmake(prefix, tmp_path, static=True)
    assert not [n for n in needed_libraries(exe) if "llmcost" in n]
    assert run_consumer(exe, prefix, shared=False) == EXPECTED


def test_cmake_rejects_another_major_version(prefix, tmp_path):
    wrong = "%d.0.0" % (meta.header_version()[0] + 1)
    proc = subprocess.run(
        [need("cmake"), "-S", consumer_dir(), "-B", str(tmp_path / "b"),
         f"-DCMAKE_PREFIX_PATH={prefix}", f"-DWANT_VERSION={wrong}"],
        capture_output=True, text=True)
    assert proc.returncode != 0
    assert "llmcost" in proc.stderr
