"""Runs the Python examples of docs/bindings.md's section on lint,
diagnostics, heavy hitters and quantiles, so that the page cannot drift
from the binding."""
import os
import re

from conftest import SOURCE

PAGE = os.path.join(SOURCE, "docs", "bindings.md")
SECTION = "### Lint, diagnostics, heavy hitters and quantiles"


def section_examples():
    with open(PAGE) as f:
        text = f.read()
    assert SECTION in text, "docs/bindings.md lost its section " + SECTION
    body = text.split(SECTION, 1)[1]
    body = re.split(r"^#{2,3} ", body, maxsplit=1, flags=re.M)[0]
    return re.findall(r"^```python\n(.*?)^```$", body, flags=re.M | re.S)


def test_the_section_has_its_examples():
    assert len(section_examples()) == 2


def test_each_example_runs():
    for i, code in enumerate(section_examples()):
        exec(compile(code, "%s (example %d)" % (PAGE, i + 1), "exec"), {})
