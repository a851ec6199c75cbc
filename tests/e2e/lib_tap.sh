# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
#
# TAP output for the end-to-end scripts.  Sourced, not run (this file is
# deliberately not executable, so tests/run-tests.sh skips it).
#
# Each check prints "ok K - what" or "not ok K - what # expected X got Y";
# the plan "1..N" is printed last by tap_finish, which also turns any
# failure into a non-zero exit status.

TAP_COUNT=0
TAP_FAILED=0

tap_result() { # status(0 = pass) description [diagnostic]
	TAP_COUNT=$((TAP_COUNT + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_COUNT - $2"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_COUNT - $2${3:+ # $3}"
	fi
}

# Pass when the command succeeds.
tap_ok() { # description command...
	local desc=$1
	shift
	"$@"
	tap_result $? "$desc"
}

# Exact string or number equality.
tap_is() { # got expected description
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3" "expected '$2' got '$1'"
	fi
}

# Integer comparison with a test(1) operator: -gt -ge -lt -le -eq -ne.
tap_cmp() { # got operator expected description
	if [[ "$1" =~ ^-?[0-9]+$ ]] && [ "$1" "$2" "$3" ]; then
		tap_result 0 "$4"
	else
		tap_result 1 "$4" "expected $2 $3 got '$1'"
	fi
}

# A line matching the extended regex exists in the file.
tap_grep() { # file regex description
	if grep -qE -- "$2" "$1" 2>/dev/null; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3" "expected a line matching /$2/ got '$(head -c 300 "$1" 2>/dev/null | tr '\n' '|')'"
	fi
}

tap_diag() {
	echo "# $*"
}

tap_finish() {
	# Checks of the whole script (netns_lib.sh: every JSON line against the
	# schema) come before the plan, which must count them.
	declare -F xh_check_report_schema >/dev/null && xh_check_report_schema
	TAP_PLANNED=1
	echo "1..$TAP_COUNT"
	[ "$TAP_FAILED" -eq 0 ]
}
