"""Regenerates the bindings' constants into a temporary directory and
fails if the committed files differ from what the header gives."""
import filecmp
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import SOURCE, run  # noqa: E402

COMMITTED = {
    "_constants.py": os.path.join(SOURCE, "bindings", "python", "llmcost",
                                  "_constants.py"),
    "constants.go": os.path.join(SOURCE, "bindings", "go", "llmcost",
                                 "constants.go"),
}

with tempfile.TemporaryDirectory() as tmp:
    run([sys.executable, os.path.join(SOURCE, "scripts", "gen_constants.py"),
         "--out", tmp])
    stale = [path for name, path in COMMITTED.items()
             if not filecmp.cmp(os.path.join(tmp, name), path,
                                shallow=False)]
if stale:
    print("FAIL: generated constants drifted from include/llmcost.h: %s\n"
          "run scripts/gen_constants.py and commit the result" %
          ", ".join(stale))
    sys.exit(1)
print("constants match include/llmcost.h")
