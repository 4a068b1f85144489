#!/bin/sh
# Repro: `diff --baseline-snapshot A --current-snapshot B` ignores, with
# exit 0, options and arguments it cannot apply to snapshots:
#  - --where team_id=X: the report is of every team, not of X, with no
#    word that the filter was dropped (`audit --snapshot` refuses it);
#  - a FILE argument, even one that does not exist;
#  - a second --baseline-snapshot silently replaces the first (audit's
#    --snapshot adds up every one given).
#
# usage: sh diff_ignores_options.sh LLMCOST GOOD.snap OTHER.snap
L=$1 A=$2 B=$3
bad=0
plain=$("$L" diff --baseline-snapshot "$A" --current-snapshot "$B")
"$L" diff --baseline-snapshot "$A" --current-snapshot "$B" \
	--where team_id=nobody >/tmp/diff_where.$$ 2>&1
rc=$?
echo "--where team_id=nobody: exit $rc"
if [ $rc = 0 ] && [ "$(cat /tmp/diff_where.$$)" = "$plain" ]; then
	echo "  same report as without --where"; bad=1
fi
"$L" diff --baseline-snapshot "$A" --current-snapshot "$B" \
	no-such-file.jsonl >/dev/null 2>&1
rc=$?
echo "extra FILE that does not exist: exit $rc"
[ $rc = 0 ] && bad=1
"$L" diff --baseline-snapshot "$B" --baseline-snapshot "$A" \
	--current-snapshot "$A" >/tmp/diff_twice.$$ 2>&1
rc=$?
echo "--baseline-snapshot given twice: exit $rc"
sed -n 2p /tmp/diff_twice.$$
[ $rc = 0 ] && bad=1
rm -f /tmp/diff_where.$$ /tmp/diff_twice.$$
# Expected: exit 1 (usage) naming the option or argument that does not
# apply to snapshots, as `audit --snapshot --where` does.
[ $bad = 0 ] && echo ok || echo PROBLEM
exit $bad
