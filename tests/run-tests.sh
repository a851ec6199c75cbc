#!/bin/bash
# Runs every test suite and ends with one line, alone and last:
#   N passed, N failed, N skipped
#
# A suite is a cmocka binary (run with TAP output) or a script in tests/e2e
# that prints TAP lines ("ok N - name" / "not ok N - name") and a plan
# ("1..N").  The counting is strict, so that nothing is passed by default:
#   - "ok N ... # SKIP why" (e2e) and "not ok N # SKIP name" (cmocka's
#     skip()) count as skipped, never as passed nor failed;
#   - a suite whose plans (a binary may print several) do not add up to the
#     result lines it printed, or that printed no plan, fails once more;
#   - a suite that exits non-zero without a failed case fails once more, so a
#     crash is never silent;
#   - a tests/e2e/*.sh that is not executable fails (lib_*.sh are sourced
#     libraries, not suites), and so does a tests/unit/test_*.c without its
#     built binary: a suite cannot drop out unnoticed.
# The line before the last says how many distinct checks ran: the sanitized
# pass reruns the same checks against build-san, so its count is shown apart.
#
#   BUILD=/abs/build [SAN_BUILD=/abs/build-san] [SAN_ONLY=1] [MUTANTS=1] \
#       tests/run-tests.sh [suite-filter-regex]
#
# With SAN_BUILD (a build made with SANITIZE=1: ASan, LeakSanitizer and
# UBSan), the unit suites and the e2e scripts run a second time against it,
# named san/<suite>.  Sanitizer reports go to files (log_path), not to the
# programs' stderr, so tests that check stderr line by line still see only
# the tool's own lines; any report file a suite leaves behind counts as one
# more failure and is shown.  SAN_ONLY=1 runs only that second pass
# (make test-sanitize).  MUTANTS=1 runs tests/mutants/mutate.py last, as one
# more suite (mutants/all): a mutant the suites do not kill is a failure.
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
#                      suites already run the tool's paths under ASan;
#   runner_limits      this script on made-up suites: no build is involved.
# flood_accounting is rerun, shortened to a few seconds (SAN_FLOOD_SECONDS):
# the packet path under ASan at full rate, with and without drops.
#
# Nothing on the host is relied on, nor left behind:
#   - every suite runs in a private mount namespace where /sys/fs/bpf is
#     not mounted (unmounted there if the host has it), as on a fresh
#     machine: a suite that needs bpffs mounts its own (e2e/lib_bpffs.sh);
#   - every suite has a time limit, SUITE_TIMEOUT seconds (default 600;
#     e2e/vm_matrix 3600, the mutants none); past it the suite's process
#     group gets SIGTERM, 10 s later SIGKILL, and the suite fails;
#   - when a suite ends (or is killed), what is left of its process group
#     is killed, and the network namespaces it created (scripts/
#     netns_lib.sh records them in XH_NETNS_RECORD) are deleted, with any
#     process still in them; each is named in a "# swept" line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${XH_RUNNER_MNT_NS:-}" ]; then
	if unshare -m --propagation private true 2>/dev/null; then
		XH_RUNNER_MNT_NS=1 exec unshare -m --propagation private "$0" "$@"
	fi
	echo "# cannot create a private mount namespace (unshare -m): suites see the host's /sys/fs/bpf"
else
	# Lazily: a pin held open by a host process stays the host's.
	mountpoint -q /sys/fs/bpf && umount -l /sys/fs/bpf
	if mountpoint -q /sys/fs/bpf; then
		echo "# /sys/fs/bpf is still mounted in the private mount namespace"
	else
		echo "# suites run with /sys/fs/bpf unmounted (a private mount namespace)"
	fi
fi
SUITE_TIMEOUT=${SUITE_TIMEOUT:-}
# A suite is a session of its own, out of reach of the terminal's ^C: pass
# the stop on to it, and let its traps clean up.
CURRENT_PGID=""
stop_runner() { # exit-status
	[ -n "$CURRENT_PGID" ] && kill -TERM -- "-$CURRENT_PGID" 2>/dev/null
	exit "$1"
}
trap 'stop_runner 130' INT
trap 'stop_runner 143' TERM
BUILD=${BUILD:-$here/../build}
SAN_BUILD=${SAN_BUILD:-}
SAN_ONLY=${SAN_ONLY:-0}
SAN_SKIP='^e2e/(kill_storm|valgrind_receiver|fuzz_smoke|install|vm_matrix|runner_limits)$'
SAN_FLOOD_SECONDS=${SAN_FLOOD_SECONDS:-3}
# Leaks that are by design in a library, if one ever needs it: one narrow
# entry per leak in tests/lsan.supp (none is needed with libbpf 1.1 and
# libxdp 1.3 today). Detection itself is never turned off.
LSAN_SUPPRESSIONS=""
[ -f "$here/lsan.supp" ] && LSAN_SUPPRESSIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export BUILD
filter=${1:-.}

MUTANTS=${MUTANTS:-0}

passed=0
failed=0
skipped=0
todo=0
failed_names=()
# Checks (passed + failed + skipped) per pass, for the line before the last.
checks_plain=0
checks_san=0
checks_mutants=0
pass_name=plain

count_checks() { # n
	case $pass_name in
	plain) checks_plain=$((checks_plain + $1)) ;;
	san) checks_san=$((checks_san + $1)) ;;
	mutants) checks_mutants=$((checks_mutants + $1)) ;;
	esac
}

suite_failed() { # name reason
	echo "not ok - $1: $2"
	failed=$((failed + 1))
	[[ " ${failed_names[*]} " == *" $1 "* ]] || failed_names+=("$1")
}

# Seconds a suite may run (0: no limit).
suite_limit() { # name
	if [ -n "$SUITE_TIMEOUT" ]; then
		echo "$SUITE_TIMEOUT"
		return
	fi
	case $1 in
	mutants/*) echo 0 ;;
	e2e/vm_matrix | san/e2e/vm_matrix) echo 3600 ;;
	*) echo 600 ;;
	esac
}

# After a suite: kill what is left of its process group, delete the
# network namespaces it recorded (and the processes in them).
sweep_suite() { # name pgid netns-record
	local ns pids
	if kill -0 -- "-$2" 2>/dev/null; then
		echo "# swept: processes left in $1's process group $2"
		kill -KILL -- "-$2" 2>/dev/null
	fi
	[ -s "$3" ] || return 0
	while read -r ns; do
		[ -n "$ns" ] || continue
		ip netns list 2>/dev/null | grep -qE "^$ns( |\$)" || continue
		echo "# swept: network namespace $ns left by $1"
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one pid per word
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done <"$3"
}

run_suite() { # name command...
	local name=$1; shift
	local out rc ok notok skip td planned results limit pid tail_pid record start timed_out=0
	echo "=== $name"
	out=$(mktemp)
	record=$(mktemp)
	limit=$(suite_limit "$name")
	start=$SECONDS
	# Its own process group (setsid: the suite is the group's leader, its
	# pid the group's id), so that it can be killed whole.
	CMOCKA_MESSAGE_OUTPUT=TAP XH_NETNS_RECORD=$record setsid "$@" >"$out" 2>&1 </dev/null &
	pid=$!
	CURRENT_PGID=$pid
	tail -n +1 -s 0.2 -f --pid="$pid" "$out" &
	tail_pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$limit" -gt 0 ] && [ $((SECONDS - start)) -ge "$limit" ]; then
			timed_out=1
			kill -TERM -- "-$pid" 2>/dev/null
			for _ in $(seq 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL -- "-$pid" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait "$pid"
	rc=$?
	wait "$tail_pid" 2>/dev/null
	sweep_suite "$name" "$pid" "$record"
	CURRENT_PGID=""
	rm -f "$record"
	# TAP directives are case-insensitive: "# SKIP", "# skip". "ok N # SKIP
	# why" is a skip, not a pass; "not ok N # TODO why" is a known gap, not
	# a failure. Both are counted and shown.
	skip=$(grep -ciE '^(not )?ok [0-9]+[^#]*# *skip' "$out")
	td=$(grep -ciE '^not ok [0-9]+[^#]*# *todo' "$out")
	ok=$(grep -E '^ok [0-9]+' "$out" | grep -cviE '^ok [0-9]+[^#]*# *skip')
	notok=$(grep -E '^not ok [0-9]+' "$out" | grep -cviE '^not ok [0-9]+[^#]*# *(skip|todo)')
	results=$((ok + notok + skip + td))
	planned=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	local plans
	plans=$(grep -cE '^1\.\.[0-9]+$' "$out")
	rm -f "$out"
	passed=$((passed + ok))
	failed=$((failed + notok))
	skipped=$((skipped + skip))
	todo=$((todo + td))
	count_checks "$results"
	[ "$notok" -gt 0 ] && failed_names+=("$name")
	if [ "$timed_out" = 1 ]; then
		suite_failed "$name" "killed at its time limit of $limit s (SUITE_TIMEOUT)"
		return
	fi
	if [ "$plans" -eq 0 ]; then
		suite_failed "$name" "printed no TAP plan (1..N) after $results result line(s)"
	elif [ "$planned" -ne "$results" ]; then
		suite_failed "$name" "its plan says $planned check(s), it printed $results result line(s)"
	fi
	if [ "$notok" -eq 0 ] && [ "$rc" -ne 0 ]; then
		suite_failed "$name" "exited with status $rc after $ok passing case(s)"
	fi
}

# One pass over every suite of a build.  $prefix names the pass.
run_pass() { # build prefix
	local build=$1 prefix=$2 bin name script src
	export BUILD=$build
	for src in "$here"/unit/test_*.c; do
		bin=$build/tests/$(basename "$src" .c)
		name=$prefix$(basename "$bin")
		[[ "$name" =~ $filter ]] || continue
		if [ ! -x "$bin" ]; then
			suite_failed "$name" "$bin is missing or not executable (make unit-tests)"
			continue
		fi
		run_suite_checked "$name" "${bin#"$build"/tests/}" "$bin"
	done
	for script in "$here"/e2e/*.sh; do
		case $(basename "$script") in lib_*.sh) continue ;; esac
		name=e2e/$(basename "$script" .sh)
		if [ -n "$prefix" ] && [[ "$name" =~ $SAN_SKIP ]]; then
			continue
		fi
		name=$prefix$name
		[[ "$name" =~ $filter ]] || continue
		if [ ! -x "$script" ]; then
			suite_failed "$name" "$script is not executable (chmod +x, or name it lib_*.sh if it is sourced)"
			continue
		fi
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
	pass_name=san
	SAN_LOGS=$(mktemp -d /tmp/xdp-hints-san.XXXXXX)
	echo "=== sanitized pass: $SAN_BUILD (reports in $SAN_LOGS)"
	run_pass "$SAN_BUILD" "san/"
	# Keep the directory only when it holds a report.
	find "$SAN_LOGS" -type d -empty -delete 2>/dev/null
	SAN_LOGS=""
fi
if [ "$MUTANTS" = 1 ]; then
	baseline=
	# Every suite just passed on this tree: the harness need not rerun them
	# unmutated first.
	[ "$SAN_ONLY" != 1 ] && [ "$filter" = . ] && [ "$failed" -eq 0 ] && baseline=passed
	pass_name=mutants
	MUTANT_BASELINE=$baseline run_suite mutants/all "$here/mutants/mutate.py"
fi

echo
if [ "${#failed_names[@]}" -gt 0 ]; then
	echo "failing suites: ${failed_names[*]}"
fi
[ "$todo" -gt 0 ] && echo "$todo TODO (known gaps, listed above as 'not ok ... # TODO')"
echo "checks: plain pass $checks_plain, sanitizer rerun of the same checks $checks_san, mutants $checks_mutants"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
