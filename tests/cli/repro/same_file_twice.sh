#!/bin/sh
# Repro: the same snapshot given twice is added twice, with no word:
# `audit --snapshot a.snap a.snap` and `merge a.snap a.snap` report
# double the cost, while `audit log.jsonl log.jsonl` counts every row
# once (the second copy is all duplicates).  A fleet script that globs
# twice, or lists a replica's snapshot under two names (a link), doubles
# the bill silently.
#
# usage: sh same_file_twice.sh LLMCOST LOG.jsonl
L=$1 LOG=$2
d=$(mktemp -d) || exit 2
"$L" snapshot "$LOG" -o "$d/a.snap" 2>/dev/null
ln "$d/a.snap" "$d/b.snap"
cost() { sed -n 's/^  cost USD *\([0-9.,]*\).*/\1/p' | head -1; }
echo "audit LOG:              $("$L" audit "$LOG" | cost)"
echo "audit LOG LOG:          $("$L" audit "$LOG" "$LOG" | cost)"
echo "audit --snapshot a a:   $("$L" audit --snapshot "$d/a.snap" \
	"$d/a.snap" | cost)"
echo "audit --snapshot a b (b a hard link of a): $("$L" audit \
	--snapshot "$d/a.snap" "$d/b.snap" | cost)"
one=$("$L" audit --snapshot "$d/a.snap" | cost)
two=$("$L" audit --snapshot "$d/a.snap" "$d/a.snap" 2>/dev/null | cost)
rm -rf "$d"
# Expected: the same file (same device and inode) given twice is refused
# or counted once with a note on standard error.
[ "$one" = "$two" ] && { echo ok; exit 0; }
echo PROBLEM
exit 1
