#!/usr/bin/env bash
# Everything CI runs beyond the README's build-and-test command:
#   asan      ASan+UBSan build, the full ctest
#   tsan      ThreadSanitizer build, the concurrency tests (tests/tsan)
#   fuzz      clang libFuzzer build, every harness for a fixed time
#   abi       abidiff of libllmcost.so against abi/libllmcost.abi
#   valgrind  memcheck over the CLI tests
# Usage: scripts/ci-hardening.sh [STEP...]   (default: all, in that order)
# Env: LLMCOST_HARDEN_DIR (build dirs; default build-hardening under the
# source tree), LLMCOST_FUZZ_SECONDS (per harness; default 20),
# LLMCOST_JOBS (default 2), LLMCOST_VALGRIND_TESTS (the tests/cli files
# run under memcheck; default below: memcheck slows the tool tenfold).  Needs: clang, abigail-tools, valgrind
# (scripts/install-deps.sh installs them).  Exits non-zero on any failure.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${LLMCOST_HARDEN_DIR:-$src/build-hardening}
fuzz_seconds=${LLMCOST_FUZZ_SECONDS:-20}
jobs=${LLMCOST_JOBS:-2}
valgrind_tests=${LLMCOST_VALGRIND_TESTS:-test_input.py test_hostile.py \
test_options.py test_acceptance.py}
failed=()

section() {
	printf '\n==== ci-hardening: %s ====\n' "$*"
}

configure_build() {
	local dir=$1
	shift
	cmake -S "$src" -B "$dir" -G Ninja "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

step_asan() {
	section "ASan+UBSan build, full ctest"
	configure_build "$out/asan" -DCMAKE_C_COMPILER="${CC:-cc}" \
		-DLLMCOST_SANITIZE=address
	# Left out: tests that load the instrumented library into a process
	# that is not (Python through ctypes, consumer programs built outside
	# this build, the symbol-table checks that see ASan's own globals).
	# The library code they reach runs instrumented in the other tests.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$out/asan" -j"$jobs" --output-on-failure \
		-E '^(meta\.|bindings\.python$)'
}

step_tsan() {
	section "ThreadSanitizer build, concurrency tests"
	configure_build "$out/tsan" -DCMAKE_C_COMPILER="${CC:-cc}" \
		-DLLMCOST_SANITIZE=thread
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		ctest --test-dir "$out/tsan" -L tsan --output-on-failure \
		--no-tests=error
}

step_fuzz() {
	local h name work

	section "libFuzzer, ${fuzz_seconds}s per harness"
	configure_build "$out/fuzz" -DCMAKE_C_COMPILER=clang -DLLMCOST_FUZZ=ON
	for h in "$src"/fuzz/fuzz_*.c; do
		name=$(basename "$h" .c)
		name=${name#fuzz_}
		work="$out/fuzz-corpus/$name"
		rm -rf "$work"
		mkdir -p "$work"
		cp -r "$src/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
		echo "-- fuzz_$name"
		(cd "$out/fuzz" && ./fuzz/fuzz_"$name" \
			-max_total_time="$fuzz_seconds" -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 "$work" \
			2>&1 | tail -n 12) || return 1
		# the pipe hides the fuzzer's status; a finding leaves a file
		if ls "$out/fuzz"/crash-* "$out/fuzz"/leak-* \
		      "$out/fuzz"/timeout-* "$out/fuzz"/oom-* >/dev/null 2>&1
		then
			echo "fuzz_$name: finding in $out/fuzz" >&2
			return 1
		fi
	done
}

header_major() {
	sed -n 's/^#define LLMCOST_VERSION_MAJOR \([0-9]*\).*/\1/p' "$1"
}

step_abi() {
	local base="$src/abi/libllmcost.abi" rc=0
	local old_major new_major

	section "ABI: abidiff against abi/libllmcost.abi"
	configure_build "$out/abi" -DCMAKE_BUILD_TYPE=RelWithDebInfo
	old_major=$(header_major "$src/tests/abi/llmcost-baseline.h")
	new_major=$(header_major "$src/include/llmcost.h")
	abidw --headers-dir "$src/include" --no-corpus-path --no-comp-dir-path \
		--short-locs \
		"$out/abi/libllmcost.so" >"$out/abi/current.abi"
	abidiff --headers-dir2 "$src/include" "$base" \
		"$out/abi/libllmcost.so" || rc=$?
	# abidiff: bit 4 (8) is an incompatible change, bits 1-2 an error
	if [ $((rc & 3)) -ne 0 ]; then
		echo "abidiff failed to run (status $rc)" >&2
		return 1
	fi
	if [ $((rc & 8)) -ne 0 ]; then
		if [ "$old_major" != "$new_major" ]; then
			echo "incompatible ABI change, major version" \
			     "$old_major -> $new_major: allowed"
			return 0
		fi
		echo "incompatible ABI change without a new major version" >&2
		return 1
	fi
	echo "abi: compatible (abidiff status $rc)"
}

step_valgrind() {
	local shadow="$out/valgrind-shadow" f

	section "valgrind memcheck over the CLI tests"
	configure_build "$out/valgrind" -DCMAKE_BUILD_TYPE=RelWithDebInfo
	# The CLI tests run $LLMCOST_BUILD_DIR/llmcost: a shadow of the build
	# tree whose llmcost runs the real one under memcheck.  The test that
	# measures the tool's memory is left out: it would measure valgrind.
	rm -rf "$shadow"
	mkdir -p "$shadow"
	for f in "$out/valgrind"/*; do
		ln -s "$f" "$shadow/$(basename "$f")"
	done
	rm "$shadow/llmcost"
	cat >"$shadow/llmcost" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 "$out/valgrind/llmcost" "\$@"
WRAP
	chmod +x "$shadow/llmcost"
	LLMCOST_BUILD_DIR="$shadow" LLMCOST_SOURCE_DIR="$src" \
	LLMCOST_SHARED_DATA="${LLMCOST_SHARED_DATA:-$src/../shared/data}" \
	LLMCOST_C_COMPILER="${CC:-cc}" \
		python3 -m pytest -q -rs -p no:cacheprovider \
		-k "not longer_than_16_mib" \
		$(for f in $valgrind_tests; do echo "$src/tests/cli/$f"; done)
}

# Each step runs in a subshell with errexit on (a function called as an
# "if" condition would run with errexit off).
run_step() {
	local rc

	set +e
	(set -e; "step_$1")
	rc=$?
	set -e
	if [ "$rc" -eq 0 ]; then
		echo "ci-hardening: $1 passed"
	else
		echo "ci-hardening: $1 FAILED" >&2
		failed+=("$1")
	fi
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(asan tsan fuzz abi valgrind)
mkdir -p "$out"
for s in "${steps[@]}"; do
	case $s in
	asan|tsan|fuzz|abi|valgrind) run_step "$s" ;;
	*) echo "ci-hardening: unknown step $s" >&2; exit 2 ;;
	esac
done
section "summary"
if [ ${#failed[@]} -gt 0 ]; then
	echo "ci-hardening: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "ci-hardening: all passed (${steps[*]})"
