#!/usr/bin/env python3
"""Lines per second of `llmcost ledger` on a large canonical JSONL file.

    bench/ledger_throughput.py [BUILD_DIR] [--lines N] [--runs R]

BUILD_DIR defaults to $LLMCOST_BUILD_DIR.  The script writes N lines
(default 1,000,000) of canonical JSON Lines into a temporary directory,
the same bytes on every run of the script, then runs

    BUILD_DIR/llmcost ledger FILE -o /dev/null

R times (default 3) and prints the median wall time and lines per second.
Times are printed, never checked.  The file is removed afterwards.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

MASK64 = (1 << 64) - 1

# Model names as gateways log them; the last two have no price.
MODELS = [
    ("openai", "gpt-4o", 0), ("openai", "openai/gpt-4o-mini", 0),
    ("openai", "gpt-4.1", 0), ("openai", "gpt-4.1-mini", 0),
    ("openai", "gpt-5", 1), ("openai", "gpt-5-mini", 1),
    ("openai", "o3", 1), ("openai", "o4-mini", 1),
    ("anthropic", "claude-sonnet-4-5", 0),
    ("anthropic", "anthropic/claude-haiku-4-5", 0),
    ("anthropic", "claude-3-5-haiku-20241022", 0),
    ("anthropic", "claude-opus-4-1", 0),
    ("gemini", "gemini-2.5-pro", 1), ("gemini", "gemini/gemini-2.5-flash", 1),
    ("gemini", "gemini-2.0-flash", 0), ("deepseek", "deepseek-chat", 0),
    ("mistral", "mistral/mistral-large-latest", 0), ("xai", "xai/grok-4", 1),
    ("azure", "azure/prod-east-chat", 0),
    (None, "acme-internal-summariser-v3", 0),
]
FEATURES = ["chat", "search", "summarise", "classify", "extract", "agent",
            "code-review", "translate"]
START_S = 1763078400  # 2025-11-14T00:00:00Z


def mix64(x):
    """A fixed 64-bit mixing function (the splitmix64 finaliser)."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def rfc3339(epoch_s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_s))


def line(i):
    x = mix64(i)
    y = mix64(x)
    user = x % 1000
    provider, model, reasoning = MODELS[(x >> 10) % len(MODELS)]
    inp = 100 + (y % 12000)
    out = 20 + ((y >> 16) % 1500)
    cached = inp * ((y >> 32) % 8) // 8 if (y >> 40) % 5 < 2 else 0
    write = 0
    if provider == "anthropic" and (y >> 44) % 7 == 0:
        write = (inp - cached) // 2
    reason = out * (3 + (y >> 48) % 6) // 10 if reasoning else 0
    status = 429 if (x >> 50) % 50 == 0 else 200
    prov = '"%s"' % provider if provider else "null"
    return (
        '{"timestamp":"%s","request_id":"req-%07d","team_id":"team-%02d",'
        '"user_id":"user-%04d","feature_name":"%s",'
        '"environment":"production","provider":%s,"model":"%s",'
        '"input_tokens":%d,"output_tokens":%d,"cached_tokens":%d,'
        '"cache_write_tokens":%d,"reasoning_tokens":%d,"latency_ms":%d,'
        '"status_code":%d,"retry_count":%d}\n'
        % (rfc3339(START_S + (x >> 20) % (10 * 86400)), i, user % 20,
           user, FEATURES[(x >> 30) % len(FEATURES)], prov, model, inp,
           out, cached, write, reason, 200 + (x >> 36) % 8000, status,
           1 if (x >> 56) % 25 == 0 else 0))


def generate(path, n):
    with open(path, "w", encoding="ascii", newline="\n") as fp:
        chunk = []
        for i in range(n):
            chunk.append(line(i))
            if len(chunk) == 10000:
                fp.write("".join(chunk))
                chunk.clear()
        fp.write("".join(chunk))


def run_once(exe, path):
    t0 = time.monotonic_ns()
    proc = subprocess.run([exe, "ledger", path, "-o", os.devnull],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    ns = time.monotonic_ns() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        sys.exit("llmcost exited with status %d" % proc.returncode)
    return ns, proc.stderr.decode("utf-8", "replace").strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir", nargs="?",
                    default=os.environ.get("LLMCOST_BUILD_DIR"))
    ap.add_argument("--lines", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not args.build_dir:
        sys.exit("give the build directory or set LLMCOST_BUILD_DIR")
    exe = os.path.join(args.build_dir, "llmcost")
    if not os.access(exe, os.X_OK):
        sys.exit("no llmcost binary at %s" % exe)

    with tempfile.TemporaryDirectory(prefix="llmcost-bench-") as tmp:
        path = os.path.join(tmp, "requests.jsonl")
        t0 = time.monotonic_ns()
        generate(path, args.lines)
        gen_s = (time.monotonic_ns() - t0) / 1e9
        size = os.path.getsize(path)
        print("input: %d lines, %.1f MB (generated in %.1f s)"
              % (args.lines, size / 1e6, gen_s))
        times = []
        summary = ""
        for _ in range(max(1, args.runs)):
            ns, summary = run_once(exe, path)
            times.append(ns)
        times.sort()
        med = times[len(times) // 2]
        print("llmcost ledger: median %.2f s of %d runs (min %.2f s, "
              "max %.2f s)" % (med / 1e9, len(times), times[0] / 1e9,
                               times[-1] / 1e9))
        print("throughput: %d lines/s, %.1f MB/s"
              % (args.lines * 1e9 // med, size * 1e3 / med))
        if summary:
            print("llmcost said: %s" % summary.splitlines()[-1])


if __name__ == "__main__":
    main()
