#!/bin/sh
# Repro: `merge` and `audit --snapshot` time grows faster than the size
# of their inputs: each input is merged into the running total by
# building a new snapshot of every group so far (llmcost_snapshot_merge()
# copies `into` whole), so N inputs cost about N times the total.
# Measured on 2 CPUs, one 200,000-row log split into N parts of ~660
# groups each:  75 inputs 0.3 s, 150 inputs 1.9 s, 300 inputs 10.5 s
# (`audit --snapshot` of the 300: 16.6 s), while `snapshot` of all 300
# logs at once takes 3.5 s.  A fleet of 1000 replicas, or a month of
# hourly snapshots, takes minutes.
#
# usage: sh many_inputs.sh LLMCOST [N]   (N parts, default 300)
L=$1 N=${2:-300}
here=$(dirname "$0")
d=$(mktemp -d) || exit 2
python3 "$here/genlog.py" 200000 >"$d/big.jsonl"
split -n l/"$N" -d -a 4 "$d/big.jsonl" "$d/part."
for f in "$d"/part.*; do
	"$L" snapshot "$f" -o "$f.snap" 2>/dev/null || exit 2
done
for n in $((N / 4)) $((N / 2)) "$N"; do
	ls "$d"/part.*.snap | head -n "$n" >"$d/list"
	s=$(date +%s.%N)
	"$L" merge $(cat "$d/list") -o "$d/m.snap" || exit 2
	e=$(date +%s.%N)
	echo "$n inputs: $(echo "$e - $s" | bc) s"
done
s=$(date +%s.%N)
"$L" snapshot "$d"/part.???? -o "$d/all.snap" 2>/dev/null
e=$(date +%s.%N)
echo "one snapshot of all $N logs: $(echo "$e - $s" | bc) s"
rm -rf "$d"
# Expected: about linear in the total (merge by pairs, or into a table
# keyed by group, then one canonical sort).
