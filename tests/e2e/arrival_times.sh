#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Arrival times without spinning, on a 1-queue veth, native XDP:
#  - --rx-period 0.02 with the sender's stamps (xdp_hints_traffic
#    --stamp-tx, receiver --tx-stamps) at 1000 pps: the frames wait for
#    the period (tx_to_user p50 >= 5 ms) while the time stamp taken in XDP
#    stays close to the send (tx_to_xdp p99 <= 1 ms); every sent frame is
#    received and stamped; the schedule served about one deadline per
#    period and says how many frames a drain took at most;
#  - the same with --threads (each thread keeps the schedule);
#  - --stamp-time ethertype:0x891d with --mix 0x891d:10: exactly the
#    0x891d frames carry a time (xdp_hints_rx_time), the rest
#    xdp_hints_untimed; latencies are taken from the timed ones only;
#  - a sender on CLOCK_TAI against a receiver on CLOCK_MONOTONIC: every
#    stamp is a tx_clock_mismatch, none timed, one line names both clocks;
#  - frames without a stamp are not counted as stamped; frames with the
#    stamp's magic but a later version, or cut short, are counted as
#    tx_stamp_invalid, none timed, one line says so;
#  - --pkt-info lines and the pcapng comments carry each frame's send time,
#    tx_to_xdp_ns and tx_to_user_ns;
#  - usage errors: --rx-period 0, below 10 us, above 10 s, a phase not
#    below the period, with --spin or --busy-poll; --stamp-time with an
#    unknown class, an ethertype below 0x0600, a port outside 1..65535.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v jq >/dev/null || xh_die "'jq' is not installed"
xh_install_trap

RATE=1000
FRAMES=2000
xh_setup arr 1
xh_static_neigh

final_field() { # jq path
	xh_final_json | jq -r "$1 // \"absent\""
}

# Receiver with the given options, FRAMES at RATE with the given sender
# options, then stop. Returns 1 when the receiver never got ready.
run_one() { # what receiver-options... -- sender-options...
	local what=$1 rx=() tx=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do rx+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	tx=("$@")
	xh_start_receiver --xdp-mode native --json --interval 0 "${rx[@]}"
	if ! xh_wait_ready 15; then
		xh_wait_receiver 5
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return 1
	fi
	SENT=$(xh_send --flows 1 --count "$FRAMES" --rate "$RATE" --json "${tx[@]}" | jq -r .sent)
	sleep 0.3
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$SENT" "$FRAMES" "$what: the sender sent every frame"
	return 0
}

# Every frame the program redirected arrived or was counted as dropped.
accounted() {
	xh_final_json | jq -e '.total as $t | $t.xdp.redirected ==
		($t.packets + $t.drained_at_stop + $t.incomplete_frames + $t.xsk.rx_dropped + $t.xsk.rx_ring_full)' >/dev/null
}

# ---- scheduled bulk receive, 20 ms -----------------------------------------------
for mode in main threads; do
	what="--rx-period 0.02 ($mode)"
	extra=()
	[ "$mode" = threads ] && extra=(--threads)
	if run_one "$what" --rx-period 0.02 --tx-stamps "${extra[@]}" -- --stamp-tx; then
		t50=$(final_field '.total.tx_to_user_ns.p50')
		x99=$(final_field '.total.tx_to_xdp_ns.p99')
		tap_diag "$what: tx_to_user p50 $t50 ns, tx_to_xdp p99 $x99 ns, xdp_to_user p50 $(final_field '.total.latency_ns.p50') ns, busy_pct $(final_field '.cpu.busy_pct'), periods $(final_field '.rx_period.periods'), max_frames $(final_field '.rx_period.max_frames'), missed $(final_field '.rx_period.missed_deadlines')"
		tap_is "$(final_field '.total.packets + .total.drained_at_stop')" "$FRAMES" \
			"$what: every sent frame received or drained at stop"
		tap_ok "$what: every frame the program redirected is accounted for" accounted
		tap_is "$(final_field '.total.tx_stamped')" "$(final_field '.total.packets')" \
			"$what: every received frame carried a valid send stamp"
		tap_cmp "${t50%.*}" -ge 5000000 "$what: tx_to_user p50 >= 5 ms (frames wait for their period)"
		tap_cmp "${x99%.*}" -le 1000000 "$what: tx_to_xdp p99 <= 1 ms (the time taken in XDP stays exact)"
		tap_is "$(final_field '.rx_mode')" rx-period "$what: the report names the receive mode"
		tap_is "$(final_field '.rx_period.period_s')" 0.02 "$what: the report gives the period"
		# 2 s of traffic plus start and stop: at least 80 periods of 20 ms.
		tap_cmp "$(final_field '.rx_period.periods')" -ge 80 "$what: about one drain per period"
		tap_cmp "$(final_field '.rx_period.max_frames')" -ge 10 \
			"$what: a drain takes a period's frames in bulk (max_frames)"
		tap_ok "$what: missed_deadlines is reported" \
			jq -e 'select(.type == "final") | .rx_period.missed_deadlines >= 0' "$XH_RX_OUT"
		tap_grep "$XH_RX_ERR" '^af_xdp_user: --rx-period 0.02 s: a queue holds [0-9]+ frames between two drains' \
			"$what: the start-up line says what a period can hold"
	fi
done

# ---- time stamps only where needed -----------------------------------------------
what="--stamp-time ethertype:0x891d, --mix 0x891d:10"
if run_one "$what" --stamp-time ethertype:0x891d --tx-stamps -- --stamp-tx --mix 0x891d:10; then
	timed=$(final_field '.total.layouts.xdp_hints_rx_time')
	untimed=$(final_field '.total.layouts.xdp_hints_untimed')
	tap_diag "$what: rx_time $timed, untimed $untimed, latency count $(final_field '.total.latency_ns.count'), tx_to_xdp count $(final_field '.total.tx_to_xdp_ns.count')"
	tap_is "$timed" $((FRAMES / 10)) "$what: exactly the 0x891d frames carry a time"
	tap_is "$untimed" $((FRAMES - FRAMES / 10)) "$what: every other frame carries xdp_hints_untimed"
	tap_is "$(final_field '.total.latency_ns.count')" $((FRAMES / 10)) \
		"$what: latencies come from the timed frames only"
	tap_is "$(final_field '.total.tx_to_xdp_ns.count')" $((FRAMES / 10)) \
		"$what: tx_to_xdp from the timed frames only"
	tap_is "$(final_field '.total.tx_to_user_ns.count')" "$FRAMES" \
		"$what: tx_to_user from every stamped frame"
fi

# ---- a stamp of another clock ------------------------------------------------------
what="sender on CLOCK_TAI, receiver on CLOCK_MONOTONIC"
if run_one "$what" --tx-stamps -- --stamp-tx tai; then
	tap_is "$(final_field '.total.tx_clock_mismatch')" "$FRAMES" "$what: every stamp is a clock_mismatch"
	tap_is "$(final_field '.total.tx_stamped')" 0 "$what: none is timed"
	tap_is "$(grep -c 'send stamp on CLOCK_TAI, not comparable with the receiver.s CLOCK_MONOTONIC' "$XH_RX_ERR")" 1 \
		"$what: one line names both clocks"
fi

# ---- frames without a stamp -------------------------------------------------------
what="no stamp in the frames"
if run_one "$what" --tx-stamps --; then
	tap_is "$(final_field '.total.tx_stamped')" 0 "$what: not counted as stamped"
	tap_is "$(final_field '.total.tx_clock_mismatch')" 0 "$what: not counted as a clock mismatch"
	tap_is "$(xh_final_json | jq -r '.total.tx_to_user_ns.count // 0')" 0 "$what: no tx_to_user sample"
fi

# ---- stamps this receiver cannot read --------------------------------------------------
what="stamps of another version, and cut short"
BAD_STAMPS=100
xh_start_receiver --xdp-mode native --json --interval 0 --tx-stamps
if xh_wait_ready 15; then
	ip netns exec "$XH_NS_TX" python3 "$here/raw_frames.py" --gap-us 200 "$XH_TX_DEV" \
		"$XH_RX_MAC" stamp-next-version+stamp-cut $((2 * BAD_STAMPS))
	sleep 0.3
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(final_field '.total.packets + .total.drained_at_stop')" $((2 * BAD_STAMPS)) \
		"$what: every frame received"
	tap_is "$(final_field '.total.tx_stamp_invalid')" $((2 * BAD_STAMPS)) \
		"$what: every one counted as tx_stamp_invalid"
	tap_is "$(final_field '.total.tx_stamped') $(final_field '.total.tx_clock_mismatch')" "0 0" \
		"$what: none timed, none a clock mismatch"
	tap_is "$(grep -c "$((2 * BAD_STAMPS)) frame(s) carry a send stamp this receiver cannot read" "$XH_RX_ERR")" 1 \
		"$what: one line says so"
else
	xh_wait_receiver 5
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- the frame's own figures: --pkt-info lines and the pcapng comment -----------------
what="--tx-stamps --pkt-info --pcapng"
FRAMES_BEFORE=$FRAMES
FRAMES=50
xh_tmpdir
if run_one "$what" --tx-stamps --pkt-info --pcapng "$XH_TMPDIR/stamps.pcapng" -- --stamp-tx; then
	tap_is "$(jq -r 'select(.type == "packet" and .tx_send_ns > 0 and .tx_to_user_ns >= 0 and
		.tx_to_xdp_ns >= 0) | .type' "$XH_RX_OUT" | wc -l)" "$FRAMES" \
		"$what: every packet line carries tx_send_ns, tx_to_xdp_ns and tx_to_user_ns"
	if command -v tshark >/dev/null; then
		tap_is "$(tshark -r "$XH_TMPDIR/stamps.pcapng" -T fields -e frame.comment 2>/dev/null |
			grep -c '"tx_to_xdp_ns":[0-9]*,\{0,1\}.*' )" "$FRAMES" \
			"$what: every pcapng comment carries the frame's tx_to_xdp_ns"
	else
		tap_result 0 "$what: pcapng comments # SKIP tshark is not installed"
	fi
fi
FRAMES=$FRAMES_BEFORE

# ---- usage errors ---------------------------------------------------------------------
bad() { # description expected-regex options...
	local desc=$1 re=$2 out rc
	shift 2
	out=$(ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" "$XH_RX_DEV" "$@" 2>&1)
	rc=$?
	tap_is "$rc" 2 "usage: $desc: exit status 2"
	tap_ok "usage: $desc: one line naming the option ($out)" \
		bash -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && [[ "$1" =~ $2 ]]' _ "$out" "$re"
}
bad "--rx-period 0" '--rx-period: .0. is not a period' --rx-period 0
bad "--rx-period below 10 us" '--rx-period: .0.000009. is not a period' --rx-period 0.000009
bad "--rx-period above 10 s" '--rx-period: .10.5. is not a period' --rx-period 10.5
bad "--rx-period phase not below the period" 'the phase must be' --rx-period 0.01,0.01
bad "--rx-period with --spin" '--rx-period: .*conflicts with -s/--spin' --rx-period 0.01 --spin
bad "--rx-period with --busy-poll" '--rx-period: .*conflicts with --busy-poll' --rx-period 0.01 --busy-poll
bad "--stamp-time unknown class" '--stamp-time: unknown class' --stamp-time ptp
bad "--stamp-time ethertype below 0x0600" '--stamp-time: .*0x0600' --stamp-time ethertype:0x05ff
bad "--stamp-time port 0" '--stamp-time: .*1..65535' --stamp-time udp:0
bad "--stamp-time port 65536" '--stamp-time: .*1..65535' --stamp-time udp:65536
bad "--stamp-time with --hw-hints on" '--stamp-time: .*conflicts with --hw-hints on' --stamp-time udp:319 --hw-hints on

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
