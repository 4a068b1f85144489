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
run out_special_files sh out_special_files.sh "$L" "$d/good.snap"
run far_days python3 far_days.py "$L" "$d/good.snap" "$d/w"
run negative_cost python3 negative_cost.py "$L" "$d/good.snap" "$d/w"
run heavy_lies python3 heavy_lies.py "$L" "$d/capped.snap" "$d/w"
run long_out_name sh long_out_name.sh "$L" "$d/good.snap"
run py_nul_path env LLMCOST_LIBRARY="$B/libllmcost.so" python3 \
	py_nul_path.py "$d/good.snap"
rm -rf "$d"
echo "$fail reproducers show a problem"
