"""Runs the Go bindings' tests (and the proxy example's) against this
build's library, through a generated uninstalled llmcost.pc."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import LIBRARY, SOURCE, missing, run  # noqa: E402

go = shutil.which("go") or "/usr/local/go/bin/go"
if not os.access(go, os.X_OK):
    missing("Go (the go command)")

PC = """Name: llmcost
Description: libllmcost from a build tree
Version: 0
Libs: -L{lib} -lllmcost -Wl,-rpath,{lib}
Cflags: -I{inc}
"""

with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "llmcost.pc"), "w") as f:
        f.write(PC.format(lib=os.path.dirname(LIBRARY),
                          inc=os.path.join(SOURCE, "include")))
    env = dict(os.environ, PKG_CONFIG_PATH=tmp, CGO_ENABLED="1",
               GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    if "GOCACHE" not in env and not os.environ.get("HOME"):
        env["GOCACHE"] = os.path.join(tmp, "gocache")
    mod = os.path.join(SOURCE, "bindings", "go")
    run([go, "vet", "./..."], cwd=mod, env=env)
    run([go, "test", "-count=1", "./..."], cwd=mod, env=env)
    run([go, "test", "-count=1", "-run", "^$", "-bench", "Stamp$",
         "-benchtime", "2000x", "./llmcost/"], cwd=mod, env=env)
