"""llmcost report: one self-contained HTML page with inline SVG charts.

Fixtures: tests/fixtures/report/{baseline,current}.jsonl, written by
make_logs.py there (fixed seed), priced with the compiled-in price book.
Expected figures are recomputed here from `llmcost ledger` rows.
"""
import json
import os
import re
import shutil
import struct
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest

BUILD = os.environ.get("LLMCOST_BUILD_DIR", "")
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR", "")
LLMCOST = os.path.join(BUILD, "llmcost")
FIX = os.path.join(SOURCE, "tests", "fixtures", "report")
CURRENT = os.path.join(FIX, "current.jsonl")
BASELINE = os.path.join(FIX, "baseline.jsonl")
CHROMIUM = os.environ.get("LLMCOST_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "") == "true"


def run(*args):
    if not os.path.exists(LLMCOST):
        pytest.fail("llmcost binary not built at %s" % LLMCOST)
    return subprocess.run([LLMCOST, *args], capture_output=True, cwd=FIX)


def report(tmp_path, *args):
    out = tmp_path / "report.html"
    p = run("report", *args, "-o", str(out))
    assert p.returncode == 0, p.stderr.decode()
    return out, out.read_text()


def ledger_rows(path):
    p = run("ledger", path)
    assert p.returncode == 0, p.stderr.decode()
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def money(v):
    """The page's rounding: 4 decimals below $10, else 2, half away."""
    q = Decimal("0.0001") if abs(v) < 10 else Decimal("0.01")
    return "$" + format(v.quantize(q, rounding=ROUND_HALF_UP), ",f")


def share(part, whole):
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return "%s%%" % pct


def test_page_is_self_contained(tmp_path):
    _, html = report(tmp_path, CURRENT, "--baseline", BASELINE)
    assert html.startswith("<!DOCTYPE html>")
    low = html.lower()
    for banned in ("<script", "<link", "<img", "<iframe", "@import",
                   "url(", "http:", "https:", "src=", "href="):
        assert banned not in low, banned
    for section in ("over-time", "by-model", "top-users", "gaps",
                    "change"):
        assert 'id="%s"' % section in html
    assert html.count("<svg") == 4
    assert "@media print" in html


def test_figures_match_the_ledger(tmp_path):
    _, html = report(tmp_path, CURRENT, "--baseline", BASELINE)
    rows = [r for r in ledger_rows(CURRENT) if r["status"] == "priced"]
    total = sum(Decimal(r["cost_usd"]) for r in rows)
    assert money(total) in html
    assert ">%d</b>" % len(rows) in html
    no_team = sum(Decimal(r["cost_usd"]) for r in rows if not r["team_id"])
    no_feature = sum(Decimal(r["cost_usd"]) for r in rows
                     if not r["feature_name"])
    assert no_team > 0 and no_feature > 0
    assert "%s of cost &#183; %s" % (share(no_team, total),
                                     money(no_team)) in html
    assert "%s of cost &#183; %s" % (share(no_feature, total),
                                     money(no_feature)) in html
    by_model = {}
    for r in rows:
        by_model[r["model"]] = by_model.get(r["model"], 0) + \
            Decimal(r["cost_usd"])
    top = max(by_model, key=by_model.get)
    assert "%s &#183; %s" % (money(by_model[top]),
                             share(by_model[top], total)) in html
    # the change table: support's summaries moved to a larger model
    base = [r for r in ledger_rows(BASELINE) if r["status"] == "priced"]
    then = sum(Decimal(r["cost_usd"]) for r in base
               if r["team_id"] == "support")
    now = sum(Decimal(r["cost_usd"]) for r in rows
              if r["team_id"] == "support")
    row = re.search(r"<tr><td>support</td>(.*?)</tr>", html).group(1)
    assert money(then) in row and money(now) in row
    assert "+" + money(now - then) in row
    assert '<td class="cause">model substitution' in row


def test_text_from_logs_is_escaped(tmp_path):
    log = tmp_path / "evil.jsonl"
    log.write_text(json.dumps({
        "timestamp": "2025-11-03T10:00:00Z", "team_id": "<b>&x\"'",
        "user_id": "</svg><script>alert(1)</script>", "model": "gpt-4o",
        "input_tokens": 100, "output_tokens": 10}) + "\n")
    _, html = report(tmp_path, str(log), "--title", "<i>t</i>")
    assert "<script" not in html and "<b>&x" not in html
    assert "&lt;b&gt;&amp;x&quot;&#39;" in html
    assert "&lt;/svg&gt;&lt;script&gt;" in html
    assert "<title>&lt;i&gt;t&lt;/i&gt;</title>" in html


def test_usage_errors(tmp_path):
    assert run("report", "--format", "json", CURRENT).returncode == 1
    assert run("ledger", "--baseline", BASELINE, CURRENT).returncode == 1
    assert run("export", "focus", "--title", "x", CURRENT).returncode == 1
    p = run("report", "--baseline", "no-such.jsonl", CURRENT, "-o",
            str(tmp_path / "r.html"))
    assert p.returncode == 2


# ---- headless Chromium ----------------------------------------------------

def chromium_or_skip():
    if os.access(CHROMIUM, os.X_OK):
        return
    msg = "Chromium not found at %s (apt-get install chromium)" % CHROMIUM
    if IN_CI:
        pytest.fail(msg)
    pytest.skip(msg)


def render(page, png, profile):
    """Opens page in headless Chromium, writes a screenshot, and returns
    the console messages it logged.  Every host name resolves to nothing,
    so the page could reach no other machine even if it tried."""
    p = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--user-data-dir=%s" % profile, "--enable-logging=stderr",
         "--v=0", "--hide-scrollbars", "--window-size=1280,2000",
         "--screenshot=%s" % png, "file://%s" % page],
        capture_output=True, text=True, timeout=120)
    assert os.path.exists(png), p.stderr[-3000:]
    return [line for line in p.stderr.splitlines() if ":CONSOLE" in line]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_chromium_renders_without_console_errors(tmp_path):
    chromium_or_skip()
    page, _ = report(tmp_path, CURRENT, "--baseline", BASELINE, "--title",
                     "LLM spend, 3-16 November 2025")
    outdir = os.path.join(BUILD, "test-output")
    os.makedirs(outdir, exist_ok=True)
    png = os.path.join(outdir, "report.png")
    if os.path.exists(png):
        os.remove(png)
    console = render(str(page), png, tmp_path / "profile")
    assert console == []
    assert png_size(png) == (1280, 2000)
    # The check can fail: a page with a script error is caught.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>noSuchFunction()"
                   "</script>")
    console = render(str(bad), str(tmp_path / "bad.png"),
                     tmp_path / "profile2")
    assert any("noSuchFunction" in line for line in console)
