"""Shared helpers of the binding test drivers."""
import os
import subprocess
import sys

SOURCE = os.environ["LLMCOST_SOURCE_DIR"]
BUILD = os.environ["LLMCOST_BUILD_DIR"]
LIBRARY = os.environ["LLMCOST_LIBRARY"]


def missing(what):
    """A tool is missing: fail in CI, skip (exit 77) elsewhere."""
    if os.environ.get("CI") == "true":
        print("FAIL: %s is missing, and CI=true needs it "
              "(scripts/install-deps.sh installs it)" % what)
        sys.exit(1)
    print("SKIP: %s is missing; run scripts/install-deps.sh" % what)
    sys.exit(77)


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    rc = subprocess.call(cmd, **kw)
    if rc != 0:
        print("FAIL: exit status %d" % rc)
        sys.exit(1)
