#!/bin/sh
# Repro: `diff` text and Markdown print slice names raw: a team id with
# an escape sequence or a newline (valid JSON, "\u001b[31m...\n...")
# reaches the terminal as a control sequence and breaks the Markdown
# table across lines; a "|" adds a column.  `audit` escapes the same
# name (\x1b, \n).  The same holds for a snapshot's keys (see mutate.py,
# case key_ansi_newline).
#
# usage: sh diff_controls.sh LLMCOST LOG.jsonl   (one row of LOG is used)
L=$1 LOG=$2
d=$(mktemp -d) || exit 2
head -n 1 "$LOG" | python3 -c '
import json, sys
row = json.loads(sys.stdin.readline())
row["team_id"] = "\x1b[31mred\nX|y"
row["timestamp"] = "2025-11-03T10:00:00Z"
print(json.dumps(row))' >"$d/esc.jsonl"
set -- diff --baseline 2025-11-01..2025-11-02 \
	--current 2025-11-03..2025-11-04 --min-usd 0 --min-pct 0 "$d/esc.jsonl"
bad=0
for fmt in text md; do
	"$L" "$@" --format $fmt >"$d/out"
	if grep -q "$(printf '\033')" "$d/out"; then
		echo "diff --format $fmt: raw ESC in the output:"
		cat -A "$d/out" | grep -A1 'red' | head -3
		bad=1
	fi
done
"$L" audit "$d/esc.jsonl" | grep -a 'x1b' | head -1
rm -rf "$d"
# Expected: names escaped as the audit does (\x1b[31mred\nX|y), and "|"
# escaped in Markdown.
[ $bad = 0 ] && echo ok || echo PROBLEM
exit $bad
