"""Runs the Python bindings' pytest suite against this build's library,
then checks that `pip install ./bindings/python` gives a working package
that finds a libllmcost.so placed next to it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import LIBRARY, SOURCE, missing, run  # noqa: E402

PKG = os.path.join(SOURCE, "bindings", "python")


def have(module):
    return subprocess.call([sys.executable, "-c", "import " + module],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) == 0


if not have("pytest"):
    missing("pytest for " + sys.executable)
if not (have("pip") and have("setuptools") and have("wheel")):
    missing("pip, setuptools and wheel for " + sys.executable)

run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
     os.path.join(PKG, "tests")], cwd=PKG)

with tempfile.TemporaryDirectory() as tmp:
    target = os.path.join(tmp, "site")
    shutil.copytree(PKG, os.path.join(tmp, "src"),
                    ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                  "__pycache__"))
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", "--disable-pip-version-check",
         "--target", target, os.path.join(tmp, "src")])
    shutil.copy(LIBRARY, os.path.join(target, "llmcost", "libllmcost.so"))
    env = dict(os.environ, PYTHONPATH=target)
    env.pop("LLMCOST_LIBRARY", None)
    check = ("import llmcost, os\n"
             "assert llmcost.library_path == os.path.join("
             "os.path.dirname(llmcost.__file__), 'libllmcost.so'), "
             "llmcost.library_path\n"
             "c = llmcost.Prices().price(model='gpt-4o', "
             "timestamp_ms=1735689600000, input_tokens=1000, "
             "output_tokens=100)\n"
             "assert str(c.total) == '0.0035', c.total\n"
             "print('installed package OK:', llmcost.library_path)\n")
    run([sys.executable, "-c", check], env=env, cwd=tmp)
