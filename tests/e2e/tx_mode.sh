#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Time-triggered TX end to end on a veth pair in private namespaces.
# af_xdp_user --tx on one end sends CYCLES batches of BATCH UDP frames on
# absolute deadlines from its AF_XDP socket; af_xdp_user on the other end
# receives them with hints.  Checked: the receiver gets exactly
# CYCLES x BATCH frames, every one decoded with a hint; the sender ran
# CYCLES cycles, every frame sent came back on the completion ring, and
# its wake-up error statistics hold one sample per cycle.  Both the
# TX-only mode (--no-rx) and TX next to RX (a TX thread) are run, a stop
# by SIGINT, the interface deleted or set down while sending (the message
# says which), and bad TX option values, which must give exit status 2.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user
command -v python3 >/dev/null || xh_die "'python3' is not installed"
xh_install_trap

CYCLES=20
BATCH=8
FRAMES=$((CYCLES * BATCH))
PERIOD=0.005

jqf() { jq -r "$1" <<<"$2"; }

# Run the sender in the sender's namespace; its stdout/stderr go to files.
start_sender() { # af_xdp_user options (--dev and addresses are added)
	xh_tmpdir
	TX_OUT=$XH_TMPDIR/tx.out
	TX_ERR=$XH_TMPDIR/tx.err
	ip netns exec "$XH_NS_TX" "$XH_BUILD/af_xdp_user" --dev "$XH_TX_DEV" --tx \
		--tx-dst-mac "$XH_RX_MAC" --tx-dst-ip "$XH_RX_IP" --json --interval 0 "$@" \
		>"$TX_OUT" 2>"$TX_ERR" &
	TX_PID=$!
	XH_RECEIVER_PIDS+=("$TX_PID")
}

wait_sender() { # timeout seconds; sets TX_RC
	local deadline=$(( $(date +%s) + $1 ))
	while kill -0 "$TX_PID" 2>/dev/null; do
		if [ "$(date +%s)" -gt "$deadline" ]; then
			kill -KILL "$TX_PID" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	{ wait "$TX_PID"; } 2>/dev/null
	TX_RC=$?
}

# Every line strict JSON: jq (used for the values) reads inf and nan as
# numbers, JSON has neither.
strict_json_lines() { # file
	python3 -c '
import json, math, sys
def no_constant(name):
    raise ValueError("non-finite number " + name)
def finite(text):
    if not math.isfinite(float(text)):
        raise ValueError("number out of range " + text)
    return float(text)
for line in open(sys.argv[1]):
    json.loads(line, parse_constant=no_constant, parse_float=finite)
' "$1"
}

# The sender's TX statistics: a "tx" line, before its final report (none
# with --no-rx, which has no receive side to report on).
sender_final() {
	jq -c 'select(.type == "tx")' "$TX_OUT" 2>/dev/null | tail -n 1
}

check_sender() { # what final-json cycles
	local what=$1 final=$2 cycles=$3
	tap_is "$(jqf .cycles "$final")" "$cycles" "$what: sender ran $cycles cycles"
	tap_is "$(jqf .frames_sent "$final")" "$((cycles * BATCH))" \
		"$what: sender sent cycles x batch frames"
	tap_is "$(jqf .frames_completed "$final")" "$(jqf .frames_sent "$final")" \
		"$what: every frame sent completed (none leaked)"
	tap_is "$(jqf .wakeup_error_ns.count "$final")" "$cycles" \
		"$what: one wake-up error sample per cycle"
	# Each cycle sleeps until its absolute deadline and reads the clock
	# after waking: now is past the deadline, so even the smallest wake-up
	# error is above 0 ns. A sender that did not sleep would run its cycles
	# ahead of their deadlines, clamped to 0. (No upper bound: the machine
	# may be loaded.)
	tap_cmp "$(jqf .wakeup_error_ns.min "$final")" -gt 0 \
		"$what: every cycle woke after its deadline (wake-up error min > 0 ns)"
	tap_ok "$what: every sender stdout line is strict JSON (no inf or NaN)" \
		strict_json_lines "$TX_OUT"
	tap_is "$(jqf '.wakeup_error_ns | (.min <= .p99 and .p99 <= .max and .min <= .avg and .avg <= .max)' "$final")" \
		true "$what: wake-up error min <= avg, p99 <= max"
	tap_grep "$TX_ERR" '^af_xdp_user: TX timestamps (unavailable|not requested): ' \
		"$what: says whether TX timestamps are available"
}

run_round() { # tag what [sender options]
	local tag=$1 what=$2 final
	shift 2
	xh_setup "$tag" 2
	xh_start_receiver --json --interval 0 --count "$FRAMES" --duration 20
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	start_sender --tx-cycles "$CYCLES" --tx-batch "$BATCH" --tx-interval "$PERIOD" "$@"
	wait_sender 20
	tap_is "$TX_RC" 0 "$what: sender exits 0 after --tx-cycles"
	xh_wait_receiver 25
	tap_is "$XH_RX_RC" 0 "$what: receiver exits 0"

	final=$(sender_final)
	if [ -z "$final" ]; then
		tap_result 1 "$what: sender printed a final JSON report" "$(tr '\n' '|' <"$TX_ERR")"
	else
		tap_result 0 "$what: sender printed a final JSON report"
		check_sender "$what" "$final" "$CYCLES"
	fi
	if [[ " $* " == *" --no-rx "* ]]; then
		tap_is "$(jq -c 'select(.type == "final" or .type == "interval")' "$TX_OUT" | wc -l)" 0 \
			"$what: no RX report without a receive side"
	else
		tap_is "$(tail -n 1 "$TX_OUT" | jq -r .type)" final "$what: the final RX report is the last line"
	fi
	final=$(xh_final_json)
	tap_is "$(jqf .total.packets "$final")" "$FRAMES" "$what: receiver got cycles x batch frames"
	tap_cmp "$(jqf '.duration_s * 1000 | floor' "$final")" -lt 20000 \
		"$what: receiver stopped on --count, not on its --duration limit"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id' "$final")" 0 \
		"$what: every frame received carried a known hint"
	tap_is "$(jqf .total.latency_ns.count "$final")" "$FRAMES" \
		"$what: every frame received was timed from its rx_ktime hint"
	xh_cleanup
	tap_ok "$what: namespaces removed" xh_no_namespace_left
}

run_round txo "TX only (--no-rx)" --no-rx
run_round txr "TX thread next to RX"

# Exactness the other way: a receiver that is not told the count must still
# see exactly cycles x batch frames, no more.  Stopped with SIGINT, the
# sender (TX next to RX, no --tx-cycles) must report a consistent state.
what="stop by SIGINT"
xh_setup txs 2
xh_start_receiver --json --interval 0 --duration 20
if xh_wait_ready; then
	start_sender --tx-batch "$BATCH" --tx-interval "$PERIOD"
	sleep 1
	kill -INT "$TX_PID"
	wait_sender 10
	tap_is "$TX_RC" 0 "$what: sender exits 0 after SIGINT"
	final=$(sender_final)
	sent=$(jqf .frames_sent "$final")
	tap_cmp "$(jqf .cycles "$final")" -gt 10 "$what: sender ran cycles until stopped"
	tap_is "$sent" "$(( $(jqf .cycles "$final") * BATCH ))" "$what: sent cycles x batch frames"
	tap_is "$(jqf .frames_completed "$final")" "$sent" "$what: every frame completed"
	tap_is "$(jqf .wakeup_error_ns.count "$final")" "$(jqf .cycles "$final")" \
		"$what: one wake-up sample per cycle"
	tap_is "$(jqf .xdp_mode "$final")" native "$what: the sender's own receive side ran too"
	tap_ok "$what: sender's XDP program gone" bash -c "! ip -n $XH_NS_TX -d link show dev $XH_TX_DEV | grep -q prog/xdp"
	sleep 0.3
	xh_stop_receiver INT
	tap_is "$(xh_final_json | jq -r .total.packets)" "$sent" \
		"$what: receiver got exactly the frames the sender sent"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
xh_cleanup

# --umem shared with --tx: the TX frames come out of the one UMEM, and what
# is left for RX must still give every queue its 64 frames.
what="--umem shared --tx -f 128 on 2 queues"
xh_setup txu 2
xh_start_receiver --umem shared --tx --tx-batch 64 -f 128
xh_wait_receiver 10
tap_is "$XH_RX_RC" 2 "$what: exit status 2"
tap_grep "$XH_RX_ERR" "^af_xdp_user: -f/--frames 128: with --umem shared and --tx, 64 of them are for TX and the rest is less than 64 per queue for 2 queue\\(s\\): -f 256 or more\$" \
	"$what: one line says how many frames are for TX and what would do"
tap_ok "$what: no XDP program attached" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup

# Usage errors: exit 2 with one line naming the option, before any set-up.
# The interface deleted (or set down) while sending: the message says so,
# and the frames left on the ring are not put down to a 1 s drain timeout
# that never ran.
for fate in "went away:link del dev" "went down:link set down dev"; do
	what="--tx, interface ${fate%%:*}"
	xh_setup txg 1
	start_sender --tx-interval "$PERIOD"
	sleep 1
	# shellcheck disable=SC2086 # the ip words are meant to split
	ip -n "$XH_NS_TX" ${fate#*:} "$XH_TX_DEV"
	wait_sender 10
	tap_is "$TX_RC" 1 "$what: exit status 1"
	tap_grep "$TX_ERR" "^af_xdp_user: $XH_TX_DEV: the interface ${fate%%:*} while sending\$" \
		"$what: says the interface ${fate%%:*}"
	tap_ok "$what: no 'never completed within 1.0 s' (no drain ran)" \
		eval "! grep -q 'never completed within' '$TX_ERR'"
	xh_cleanup
done

bad_usage() { # description options...
	local desc=$1 rc err
	shift
	# A private namespace's lo and a timeout: a usage check that broke
	# must not attach to the host's lo, nor hang.
	err=$(timeout 10 unshare -n "$XH_BUILD/af_xdp_user" --dev lo "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <<<"$err")" = 1 ]; then
		tap_result 0 "usage error: $desc"
	else
		tap_result 1 "usage error: $desc" "exit $rc, stderr '$err'"
	fi
}
bad_usage "--tx-batch 0" --tx --tx-batch 0
bad_usage "--tx-batch 1025" --tx --tx-batch 1025
bad_usage "--tx-batch above half of --frames" --tx --frames 64 --tx-batch 33
bad_usage "--tx-interval 0" --tx --tx-interval 0
bad_usage "--tx-interval 11" --tx --tx-interval 11
bad_usage "--tx-interval abc" --tx --tx-interval abc
bad_usage "--tx-cycles 0" --tx --tx-cycles 0
bad_usage "--tx-cycles -1" --tx --tx-cycles -1
bad_usage "--tx-size 59" --tx --tx-size 59
bad_usage "--tx-size 1515" --tx --tx-size 1515
bad_usage "--tx-dst-mac zz:00:00:00:00:01" --tx --tx-dst-mac zz:00:00:00:00:01
bad_usage "--tx-src-mac 02:00:00:00:00" --tx --tx-src-mac 02:00:00:00:00
bad_usage "--tx-dst-ip 300.1.1.1" --tx --tx-dst-ip 300.1.1.1
bad_usage "--tx-src-port 0" --tx --tx-src-port 0
bad_usage "--tx-dst-port 65536" --tx --tx-dst-port 65536
bad_usage "a TX setting without --tx" --tx-batch 4
bad_usage "--no-rx without --tx" --no-rx
bad_usage "--no-rx with --count" --tx --no-rx --count 5

tap_finish
