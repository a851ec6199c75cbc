#!/bin/bash
# Runs every test suite and prints one closing line: "N passed, N failed".
#
# A suite is a cmocka binary (run with TAP output) or an executable script in
# tests/e2e that prints TAP lines ("ok N - name" / "not ok N - name"). A suite
# that exits non-zero without reporting a failed case counts as one failure,
# so a crash is never silent.
#
#   BUILD=/abs/build [SAN_BUILD=/abs/build-san] [SAN_ONLY=1] \
#       tests/run-tests.sh [suite-filter-regex]
#
# With SAN_BUILD (a build made with SANITIZE=1: ASan, LeakSanitizer and
# UBSan), the unit suites and the e2e scripts run a second time against it,
# named san/<suite>.  Sanitizer reports go to files (log_path), not to the
# programs' stderr, so tests that check stderr line by line still see only
# the tool's own lines; any report file a suite leaves behind counts as one
# more failure and is shown.  SAN_ONLY=1 runs only that second pass
# (make test-sanitize).
#
# Not rerun under the sanitizers (see SAN_SKIP):
#   kill_storm         every run ends in SIGKILL: no exit-time leak check can
#                      run, and 100 ASan start-ups add nothing but time;
#   valgrind_receiver  valgrind cannot run ASan binaries;
#   fuzz_smoke         its fuzzers are built with ASan/UBSan already;
#   install            installs and links a plain build (an ASan library
#                      cannot be linked into a plain program);
#   vm_matrix          kernels and drivers (tests/vm/matrix.sh): what it
#                      checks does not change with the build, and the other
#                      suites already run the tool's paths under ASan.
# flood_accounting is rerun, shortened to a few seconds (SAN_FLOOD_SECONDS):
# the packet path under ASan at full rate, with and without drops.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../build}
SAN_BUILD=${SAN_BUILD:-}
SAN_ONLY=${SAN_ONLY:-0}
SAN_SKIP='^e2e/(kill_storm|valgrind_receiver|fuzz_smoke|install|vm_matrix)$'
SAN_FLOOD_SECONDS=${SAN_FLOOD_SECONDS:-3}
# Leaks that are by design in a library, if one ever needs it: one narrow
# entry per leak in tests/lsan.supp (none is needed with libbpf 1.1 and
# libxdp 1.3 today). Detection itself is never turned off.
LSAN_SUPPRESSIONS=""
[ -f "$here/lsan.supp" ] && LSAN_SUPPRESSIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export BUILD
filter=${1:-.}

passed=0
failed=0
skipped=0
todo=0
failed_names=()

run_suite() { # name command...
	local name=$1; shift
	local out rc ok notok skip td
	echo "=== $name"
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	# TAP directives: "ok N # SKIP why" is a skip, not a pass; "not ok N
	# # TODO why" is a known gap, not a failure. Both are counted and shown.
	ok=$(grep -E '^ok [0-9]+' "$out" | grep -cvE '# SKIP')
	skip=$(grep -E '^ok [0-9]+' "$out" | grep -cE '# SKIP')
	notok=$(grep -E '^not ok [0-9]+' "$out" | grep -cvE '# TODO')
	td=$(grep -E '^not ok [0-9]+' "$out" | grep -cE '# TODO')
	rm -f "$out"
	passed=$((passed + ok))
	failed=$((failed + notok))
	skipped=$((skipped + skip))
	todo=$((todo + td))
	if [ "$notok" -gt 0 ]; then
		failed_names+=("$name")
	elif [ "$rc" -ne 0 ] || [ $((ok + skip + td)) -eq 0 ]; then
		echo "not ok - $name exited with status $rc after $ok passing case(s)"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
}

# One pass over every suite of a build.  $prefix names the pass.
run_pass() { # build prefix
	local build=$1 prefix=$2 bin name script
	export BUILD=$build
	for bin in "$build"/tests/test_*; do
		[ -x "$bin" ] || continue
		case "$bin" in *.o|*.d) continue ;; esac
		name=$prefix$(basename "$bin")
		[[ "$name" =~ $filter ]] || continue
		run_suite_checked "$name" "${bin#"$build"/tests/}" "$bin"
	done
	for script in "$here"/e2e/*.sh; do
		[ -x "$script" ] || continue
		name=e2e/$(basename "$script" .sh)
		if [ -n "$prefix" ] && [[ "$name" =~ $SAN_SKIP ]]; then
			continue
		fi
		name=$prefix$name
		[[ "$name" =~ $filter ]] || continue
		run_suite_checked "$name" "$name" "$script"
	done
}

# In the sanitized pass: run the suite with the sanitizers' reports going
# to a fresh directory, and fail it if any report appears there.
run_suite_checked() { # name label command...
	local name=$1 label=$2 logs report
	shift 2
	if [ -z "$SAN_LOGS" ]; then
		run_suite "$name" "$@"
		return
	fi
	logs=$SAN_LOGS/${label//\//_}
	mkdir -p "$logs"
	ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$logs/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
	LSAN_OPTIONS="$LSAN_SUPPRESSIONS" \
	FLOOD_SECONDS=$SAN_FLOOD_SECONDS FLOOD_DROP_SECONDS=2 \
		run_suite "$name" "$@"
	for report in "$logs"/*; do
		[ -f "$report" ] || continue
		echo "not ok - $name: sanitizer report $report:"
		sed -n '1,40p' "$report" | sed 's/^/#   /'
		failed=$((failed + 1))
		[[ " ${failed_names[*]} " == *" $name "* ]] || failed_names+=("$name")
	done
}

SAN_LOGS=""
if [ "$SAN_ONLY" != 1 ]; then
	run_pass "$BUILD" ""
fi
if [ -n "$SAN_BUILD" ]; then
	SAN_LOGS=$(mktemp -d /tmp/xdp-hints-san.XXXXXX)
	echo "=== sanitized pass: $SAN_BUILD (reports in $SAN_LOGS)"
	run_pass "$SAN_BUILD" "san/"
	# Keep the directory only when it holds a report.
	find "$SAN_LOGS" -type d -empty -delete 2>/dev/null
fi

echo
if [ "${#failed_names[@]}" -gt 0 ]; then
	echo "failing suites: ${failed_names[*]}"
fi
[ "$todo" -gt 0 ] && echo "$todo TODO (known gaps, listed above as 'not ok ... # TODO')"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
