#!/bin/bash
# Runs every test suite and prints one closing line: "N passed, N failed".
#
# A suite is a cmocka binary (run with TAP output) or an executable script in
# tests/e2e that prints TAP lines ("ok N - name" / "not ok N - name"). A suite
# that exits non-zero without reporting a failed case counts as one failure,
# so a crash is never silent.
#
#   BUILD=/abs/build tests/run-tests.sh [suite-filter-regex]
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../build}
export BUILD
filter=${1:-.}

passed=0
failed=0
failed_names=()

run_suite() { # name command...
	local name=$1; shift
	local out rc ok notok
	echo "=== $name"
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	ok=$(grep -cE '^ok [0-9]+' "$out")
	notok=$(grep -cE '^not ok [0-9]+' "$out")
	rm -f "$out"
	passed=$((passed + ok))
	failed=$((failed + notok))
	if [ "$notok" -gt 0 ]; then
		failed_names+=("$name")
	elif [ "$rc" -ne 0 ] || [ "$ok" -eq 0 ]; then
		echo "not ok - $name exited with status $rc after $ok passing case(s)"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
}

for bin in "$BUILD"/tests/test_*; do
	[ -x "$bin" ] || continue
	case "$bin" in *.o|*.d) continue ;; esac
	name=$(basename "$bin")
	[[ "$name" =~ $filter ]] || continue
	run_suite "$name" "$bin"
done

for script in "$here"/e2e/*.sh; do
	[ -x "$script" ] || continue
	name=e2e/$(basename "$script" .sh)
	[[ "$name" =~ $filter ]] || continue
	run_suite "$name" "$script"
done

echo
if [ "${#failed_names[@]}" -gt 0 ]; then
	echo "failing suites: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
