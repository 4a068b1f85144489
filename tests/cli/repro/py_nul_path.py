"""Repro (Python binding): a path with a NUL character is cut at the NUL
by ctypes, so Snapshot.from_file("good.snap\\0other") reads good.snap
and Snapshot.save("fleet.snap\\0.json", "json") writes JSON over
fleet.snap.  Python's own open() raises ValueError ("embedded null
byte") for such a path.  Snapshot.from_file(None) tries to open a file
named "None".

usage: LLMCOST_LIBRARY=build/libllmcost.so python3 py_nul_path.py GOOD.snap
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "..", "bindings", "python"))
import llmcost  # noqa: E402

good = sys.argv[1]
d = tempfile.mkdtemp()
fleet = os.path.join(d, "fleet.snap")
shutil.copy(good, fleet)
bad = 0
try:
    s = llmcost.Snapshot.from_file(fleet + "\0other")
    print("from_file with a NUL read", fleet, ":", len(s), "groups")
    bad = 1
    s.save(fleet + "\0.json", "json")
    head = open(fleet, "rb").read(8)
    print("save(...\\0.json) wrote over fleet.snap, which now starts",
          head)
except ValueError as e:
    print("refused:", e)
try:
    llmcost.Snapshot.from_file(None)
except TypeError as e:
    print("None refused:", e)
except llmcost.LlmcostError as e:
    print("from_file(None):", e)
    bad = 1
shutil.rmtree(d)
# Expected: ValueError (or TypeError for None) before the library is
# called, as for open().
print("PROBLEM" if bad else "ok")
sys.exit(bad)
