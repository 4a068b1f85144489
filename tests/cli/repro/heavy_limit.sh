#!/bin/sh
# Repro: `audit --snapshot` of a snapshot whose audit grouping is capped
# allocates and fills --limit heavy-hitter entries up front (about 100
# bytes each), however few keys there are.  On the 5-request snapshot of
# `gateway_snap capped`:
#   --limit 10000000   1.6 GB resident and ~30 s (2 CPUs)
#   --limit 100000000  would need ~16 GB
#   --limit 99999999999999999999  calloc fails at once
# When the allocation fails, the report up to "Top users" is already on
# standard output (exit 2, "writing the audit failed: out of memory"),
# or, with -o FILE, in FILE, which is left half written.
# An audit of logs with the same --limit takes 4 MB.  This script runs
# under `ulimit -v` so as not to take the machine's memory.
#
# usage: sh heavy_limit.sh LLMCOST CAPPED.snap
L=$1 CAPPED=$2
d=$(mktemp -d) || exit 2
(
	ulimit -v 1000000
	"$L" audit --snapshot "$CAPPED" --limit 20000000 >"$d/out" 2>"$d/err"
	echo "--limit 20000000 under a 1 GB address space: exit $?," \
		"$(wc -c <"$d/out") bytes on stdout"
	cat "$d/err"
	"$L" audit --snapshot "$CAPPED" --limit 20000000 -o "$d/rep.txt" \
		2>/dev/null
	echo "the same with -o rep.txt: exit $?, rep.txt left with" \
		"$(wc -c <"$d/rep.txt") bytes"
)
bad=0
[ -s "$d/out" ] && grep -q "out of memory" "$d/err" && bad=1
s=$(date +%s)
"$L" audit --snapshot "$CAPPED" --limit 2000000 >/dev/null
echo "--limit 2000000: $(($(date +%s) - s)) s"
rm -rf "$d"
# Expected: the heavy list sized by the keys there are (groups plus
# counters), so any --limit is cheap; and no partial report on failure.
[ $bad = 0 ] && echo ok || echo PROBLEM
exit $bad
