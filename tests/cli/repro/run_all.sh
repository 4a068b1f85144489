#!/bin/sh
# Runs every reproducer against a build.  usage: sh run_all.sh [BUILD]
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
B=$(cd "${1:-$top/build}" && pwd)
L=$B/llmcost
d=$(mktemp -d) || exit 2
"$L" snapshot "$top/examples/gateway.jsonl" -o "$d/good.snap" 2>/dev/null
${CC:-cc} -I "$top/include" "$top/tests/cli/snapshot/gateway_snap.c" \
	-L "$B" -lllmcost -Wl,-rpath,"$B" -o "$d/gateway_snap" &&
	"$d/gateway_snap" capped "$d/capped.snap"
fail=0
run() { echo "== $1"; shift; "$@" || fail=$((fail + 1)); }
cd "$here" || exit 2
rm -rf "$d"
echo "$fail reproducers show a problem"
