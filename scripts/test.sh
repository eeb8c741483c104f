#!/usr/bin/env bash
# Builds strata twice (warnings as errors; ASan+UBSan) and runs every test:
# unit tests, fuzz corpus replay, CLI tests and the real-image acceptance
# tests, then a short libFuzzer smoke run. Ends with "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh test || exit 1

passed=0
failed=0
skipped=0
failures=()

# Adds the counts from the last "N passed, N failed[, N skipped]" line of
# a test program's output (file $2), or counts the program as one test.
tally() {
	local name=$1 log=$2 status=$3 line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + ${s:-0}))
		if [ "$f" -ne 0 ] || [ "$status" -ne 0 ]; then
			[ "$f" -eq 0 ] && failed=$((failed + 1))
			failures+=("$name")
		fi
	elif [ "$status" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

run() {
	local name=$1
	shift
	local log
	log=$(mktemp)
	echo "== $name"
	"$@" >"$log" 2>&1
	local status=$?
	grep -E '^(not ok|ok .*# SKIP)|check failed|ERROR|runtime error|Sanitizer' "$log" | head -n 40
	tail -n 1 "$log"
	tally "$name" "$log" "$status"
	rm -f "$log"
}

build() {
	local dir=$1
	shift
	if [ ! -d "$dir" ]; then
		meson setup "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

suite() {
	local dir=$1 label=$2 t
	for t in "$dir"/tests/unit/*_test; do
		[ -f "$t" ] || continue
		run "$label unit $(basename "$t")" "$t"
	done
	for t in "$dir"/fuzz/*_replay; do
		[ -f "$t" ] || continue
		local target
		target=$(basename "$t" _replay)
		run "$label fuzz replay $target" "$t" "fuzz/corpus/$target"
	done
	for t in tests/cli/*_test.sh; do
		run "$label cli $(basename "$t")" env STRATA="$dir/cli/strata" bash "$t"
	done
}

if build build -Dwerror=true -Dbuildtype=debugoptimized; then
	suite build plain
else
	failed=$((failed + 1))
	failures+=("build (werror)")
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The sanitizer build uses zlib's inflate, so that both gzip paths (ISA-L
# in the plain build) run every test.
if build build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug -Dinflate=zlib; then
	suite build-asan asan
else
	failed=$((failed + 1))
	failures+=("build (asan+ubsan)")
fi

# A short run of each real fuzzer (clang, libFuzzer), on a copy of the
# corpus so that the repository stays unchanged.
if CC=clang build build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug; then
	for f in build-fuzz/fuzz/fuzz_*; do
		case "$f" in *_replay | *.p) continue ;; esac
		[ -f "$f" ] && [ -x "$f" ] || continue
		target=$(basename "$f")
		work=$(mktemp -d)
		cp -r "fuzz/corpus/$target/." "$work/"
		run "fuzz smoke $target" "$f" -seed=1 -max_total_time="${STRATA_FUZZ_SECONDS:-15}" \
			-max_len=65536 "$work"
		rm -rf "$work"
	done
else
	failed=$((failed + 1))
	failures+=("build (libFuzzer)")
fi

if [ ${#failures[@]} -ne 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
