"""The README's examples stay true: its C program compiles and prints what
the README says, and its first command's audit runs on the bundled log."""

import os
import re
import subprocess

from llmcost_meta import build_dir, c_compiler, source_dir


def readme():
    with open(os.path.join(source_dir(), "README.md"), encoding="utf-8") as f:
        return f.read()


def test_c_example_compiles_runs_and_prints_the_stated_cost(tmp_path):
    text = readme()
    blocks = re.findall(r"```c\n(.*?)```", text, re.S)
    assert blocks, "README has no C example"
    claim = re.search(r"It prints `([^`]+)`", text)
    assert claim, "README does not say what the C example prints"
    src = tmp_path / "app.c"
    src.write_text(blocks[0])
    exe = tmp_path / "app"
    build = build_dir()
    subprocess.run(
        [c_compiler(), "-std=c99", "-Wall", "-Wextra", "-Werror",
         "-I", os.path.join(source_dir(), "include"), str(src),
         "-L", build, "-lllmcost", "-Wl,-rpath," + build, "-o", str(exe)],
        check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == claim.group(1)


def test_first_command_audits_the_bundled_log():
    first = [l for l in readme().splitlines() if "llmcost audit" in l][0]
    args = first.split("&&")[-1].split()
    assert args[0] == "./build/llmcost"
    exe = os.path.join(build_dir(), "llmcost")
    out = subprocess.run([exe] + args[1:], cwd=source_dir(), check=True,
                         capture_output=True, text=True).stdout
    assert re.search(r"rows\s+200\s+= priced \d+ \+ unpriced \d+ \+ "
                     r"rejected \d+ \+ duplicate \d+\n", out), out[:2000]
