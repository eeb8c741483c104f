# Helpers for CLI tests: each check prints "ok - NAME" or "not ok - NAME";
# finish prints "N passed, N failed, N skipped" and sets the exit status.
# Needs STRATA (path to the strata binary).

: "${STRATA:=build/cli/strata}"
cli_passed=0
cli_failed=0
cli_skipped=0
cli_out=$(mktemp)
cli_err=$(mktemp)
cli_tmp=$(mktemp -d)
trap 'rm -rf "$cli_out" "$cli_err" "$cli_tmp"' EXIT

pass() {
	echo "ok - $1"
	cli_passed=$((cli_passed + 1))
}

fail() {
	echo "not ok - $1"
	[ -n "${2:-}" ] && echo "# $2"
	cli_failed=$((cli_failed + 1))
}

# skip NAME REASON: a check that cannot run here.
skip() {
	echo "ok - $1 # SKIP $2"
	cli_skipped=$((cli_skipped + 1))
}

# run ARGS...: runs strata with stdout and stderr captured; sets $status.
run() {
	"$STRATA" "$@" >"$cli_out" 2>"$cli_err"
	status=$?
}

# expect_status NAME CODE: the last run exited with CODE.
expect_status() {
	if [ "$status" -eq "$2" ]; then
		pass "$1"
	else
		fail "$1" "exit $status, expected $2; stderr: $(head -c 600 "$cli_err")"
	fi
}

# expect_stdout NAME REGEX / expect_stderr NAME REGEX
expect_stdout() {
	if grep -qE -- "$2" "$cli_out"; then
		pass "$1"
	else
		fail "$1" "stdout lacks /$2/: $(head -c 600 "$cli_out")"
	fi
}

expect_stderr() {
	if grep -qE -- "$2" "$cli_err"; then
		pass "$1"
	else
		fail "$1" "stderr lacks /$2/: $(head -c 600 "$cli_err")"
	fi
}

# expect_stdout_not NAME REGEX
expect_stdout_not() {
	if grep -qE -- "$2" "$cli_out"; then
		fail "$1" "stdout has /$2/"
	else
		pass "$1"
	fi
}

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '$2', expected '$3'"
	fi
}

finish() {
	echo "$cli_passed passed, $cli_failed failed, $cli_skipped skipped"
	[ "$cli_failed" -eq 0 ]
}
