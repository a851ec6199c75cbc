#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Many queues: memory and start-up that do not grow 16 MiB per queue.
# On a 64- and a 128-queue veth, with the default UMEM (a 64 MiB budget
# shared out across the queues, 2048-byte frames at MTU 1500):
#   - the start-up line says how the budget was shared out;
#   - ready within READY_MAX_S and stopped (SIGINT to exit) within
#     STOP_MAX_S, the median of 3 runs;
#   - every queue receives: xdp_hints_traffic --queue-select explicit sends
#     flow f on TX queue f mod N, and native XDP on veth runs on the RX
#     queue of the peer's TX queue: with N flows, each queue gets exactly
#     PER_QUEUE frames, and the counts add up;
#   - resident memory (VmHWM) within the UMEM plus RSS_BASE_MIB and
#     RSS_PER_QUEUE_KIB per queue of overhead (rings, per-queue statistics
#     and buffers, the program; measured 86 MiB at 64 queues, 102 MiB at
#     128; not checked under the sanitizers, whose shadow memory counts);
#   - a burst larger than what a queue holds (--rx-period 0.5: a period's
#     frames wait in the ring, 256 or 512 frames per queue): the drops are
#     counted in xsk.rx_dropped / xsk.rx_ring_full, and per queue
#     xdp.redirected = packets + drained_at_stop + rx_dropped + rx_ring_full.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

READY_MAX_S=1.0
STOP_MAX_S=1.0
PER_QUEUE=20
RSS_BASE_MIB=16
RSS_PER_QUEUE_KIB=512
BURST=3000
# ASan start-up and shadow memory: times are looser, RSS is not checked.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	READY_MAX_S=5.0
	STOP_MAX_S=3.0
fi

now_s() { date +%s.%N; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# Start, wait for ready, SIGINT, wait for exit: RUN_TIMES="ready_s stop_s".
# Not in a subshell: the receiver's pid must reach xh_cleanup.
time_one_run() {
	local t0 t1 t2
	RUN_TIMES=""
	t0=$(now_s)
	xh_start_receiver --interval 0
	xh_wait_ready 15 || return 1
	t1=$(now_s)
	sleep 0.3
	t2=$(now_s)
	kill -INT "$XH_RX_PID"
	xh_wait_receiver 15 || return 1
	[ "$XH_RX_RC" = 0 ] || return 1
	RUN_TIMES=$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$(now_s)" 'BEGIN { printf "%.3f %.3f\n", b - a, d - c }')
}

check_queues() { # queues
	local q=$1 frames umem_mib line r ready=() stop=() i hwm final bad

	case $q in
	64) frames=512 ;;
	128) frames=256 ;;
	esac
	xh_setup mq "$q"

	# Start-up and stop times.
	for i in 1 2 3; do
		if ! time_one_run; then
			tap_result 1 "$q queues: run $i ready and stopped" "$(tr '\n' '|' <"$XH_RX_ERR")"
			xh_cleanup
			return
		fi
		ready+=("${RUN_TIMES% *}")
		stop+=("${RUN_TIMES#* }")
	done
	tap_diag "$q queues: ready ${ready[*]} s, stop ${stop[*]} s"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: budget 64 MiB shared by $q queue\\(s\\); -f/--frames to change\$" \
		"$q queues: the budget is said"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: $q queue\\(s\\) x $frames frames x 2048 bytes = 64.0 MiB, headroom 0\$" \
		"$q queues: the default UMEM is the 64 MiB budget shared out, and says so"
	r=$(median3 "${ready[@]}")
	tap_ok "$q queues: ready in $r s (median of 3) <= $READY_MAX_S s" le "$r" "$READY_MAX_S"
	r=$(median3 "${stop[@]}")
	tap_ok "$q queues: stopped in $r s after SIGINT (median of 3) <= $STOP_MAX_S s" le "$r" "$STOP_MAX_S"

	# Every queue receives exactly what was sent to it.
	xh_start_receiver --json --interval 0
	if ! xh_wait_ready 15; then
		tap_result 1 "$q queues: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	line=$(xh_send --flows "$q" --count $((q * PER_QUEUE)) --rate 20000 --queue-select explicit --json)
	tap_is "$(jq -r .sent <<<"$line")" $((q * PER_QUEUE)) "$q queues: $((q * PER_QUEUE)) frames sent, $q flows"
	sleep 0.5
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$XH_RX_PID/status")
	umem_mib=$((q * frames * 2048 / 1048576))
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$q queues: exit status 0 after SIGINT"
	final=$(xh_final_json)
	tap_is "$(jq -r '.queues | length' <<<"$final")" "$q" "$q queues: one report entry per queue"
	tap_is "$(jq -r .total.packets <<<"$final")" $((q * PER_QUEUE)) "$q queues: every frame received"
	bad=$(jq -r --argjson n "$PER_QUEUE" '[.queues[] | select(.packets != $n)] | map(.queue) | join(",")' <<<"$final")
	tap_is "$bad" "" "$q queues: every queue received exactly $PER_QUEUE frames (queues off: '$bad')"
	tap_is "$(jq -r '[.queues[] | .xsk.rx_dropped + .xsk.rx_ring_full] | add' <<<"$final")" 0 \
		"$q queues: no socket drops"
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		tap_result 0 "$q queues: VmHWM within the UMEM + overhead # SKIP sanitizer shadow memory counts in RSS"
	else
		tap_diag "$q queues: VmHWM $hwm KiB, UMEM $umem_mib MiB"
		tap_cmp "${hwm:-999999999}" -le $(((umem_mib + RSS_BASE_MIB) * 1024 + q * RSS_PER_QUEUE_KIB)) \
			"$q queues: VmHWM $hwm KiB <= UMEM $umem_mib MiB + $RSS_BASE_MIB MiB + $RSS_PER_QUEUE_KIB KiB per queue"
	fi

	# A burst larger than a queue holds: dropped, and counted.
	xh_start_receiver --json --interval 0 --rx-period 0.5
	if ! xh_wait_ready 15; then
		tap_result 1 "$q queues, burst: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	line=$(xh_send --flows 1 --count "$BURST" --rate 0 --json)
	sleep 1.2
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$q queues, burst: exit status 0 after SIGINT"
	final=$(xh_final_json)
	# One flow: AF_PACKET, the queue its flow hash picks.
	tap_diag "$q queues, burst: sent $(jq -r .sent <<<"$line"), its queue: $(jq -c '.queues | max_by(.xdp.redirected) | {queue, packets, drained_at_stop, redirected: .xdp.redirected, rx_dropped: .xsk.rx_dropped, rx_ring_full: .xsk.rx_ring_full}' <<<"$final")"
	tap_cmp "$(jq -r '[.queues[] | .xsk.rx_dropped + .xsk.rx_ring_full] | add' <<<"$final")" -gt 0 \
		"$q queues, burst of $BURST on one queue of $frames frames: drops counted (rx_dropped + rx_ring_full)"
	tap_cmp "$(jq -r '[.queues[].xdp.redirected] | max' <<<"$final")" -gt "$frames" \
		"$q queues, burst: more frames redirected to the queue than it holds"
	bad=$(jq -r '[.queues[] | select(.xdp.redirected != .packets + .drained_at_stop + .xsk.rx_dropped + .xsk.rx_ring_full)] | map(.queue) | join(",")' <<<"$final")
	tap_is "$bad" "" "$q queues, burst: per queue, redirected = packets + drained_at_stop + rx_dropped + rx_ring_full (queues off: '$bad')"
	tap_ok "$q queues: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

check_queues 64
check_queues 128
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
