#!/bin/sh
# Repro: a capped snapshot merged with one of the same grouping without
# a cap keeps "no cap" (the larger) and its overflow group.  The text
# audit then says "no cap" and drops the Snapshots section's "overflow"
# line, although an "(overflow)" row of 2 requests, $0.05, is in every
# view, the JSON gives overflow_requests 2, and a later section is
# titled "Heaviest keys of the capped grouping".
#
# usage: sh merged_cap_text.sh LLMCOST CAPPED.snap GOOD.snap
L=$1 CAPPED=$2 GOOD=$3
d=$(mktemp -d) || exit 2
"$L" merge "$CAPPED" "$GOOD" -o "$d/m.snap" || exit 2
"$L" audit --snapshot "$d/m.snap" >"$d/out"
sed -n '/^Snapshots/,/^$/p' "$d/out"
grep '^  (overflow)' "$d/out" | head -1
grep '^Heaviest' "$d/out" | cut -c1-50
bad=0
if grep -q '^  (overflow)' "$d/out" &&
	! sed -n '/^Snapshots/,/^$/p' "$d/out" | grep -q '^  overflow'; then
	bad=1
fi
rm -rf "$d"
# Expected: the Snapshots section says that 2 requests, 0.0500 USD, are
# in the overflow group (past a cap of an input), as it does for a
# capped grouping.
[ $bad = 0 ] && echo ok || echo PROBLEM
exit $bad
