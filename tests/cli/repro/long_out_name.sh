#!/bin/sh
# Repro: `merge`/`snapshot` -o with a file name of 249 to 255 bytes (legal
# on Linux file systems) fails with "File name too long": the temporary
# file is OUT plus ".XXXXXX", 7 bytes more than the name limit.  The
# message names OUT, whose name is not too long.  `audit -o` writes the
# same name.
#
# usage: sh long_out_name.sh LLMCOST GOOD.snap
L=$1 GOOD=$2
d=$(mktemp -d) || exit 2
name=$d/$(printf '%0250d' 0).snap
"$L" audit --snapshot "$GOOD" -o "$name" && echo "audit -o: written"
rm -f "$name"
"$L" merge "$GOOD" -o "$name" 2>&1 | sed "s/0\{200\}/0...0/g"
ok=0
[ -f "$name" ] && ok=1
rm -rf "$d"
# Expected: the snapshot written (a shorter temporary name), or a message
# that says the temporary name is too long.
[ $ok = 1 ] && echo ok || echo PROBLEM
[ $ok = 1 ]
