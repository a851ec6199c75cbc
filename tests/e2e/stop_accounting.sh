#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# How a run ends under load, in every receive mode: the stop (SIGINT in
# the middle of an unpaced flood, --count, --duration) detaches XDP first,
# drains every RX ring, then reads the counters, so that on every queue
#
#   xdp.redirected = packets + drained_at_stop + xsk.rx_dropped + xsk.rx_ring_full
#
# exactly; --count N receives exactly N packets, also with one thread per
# queue; --interval is kept by the thread that supervises the receive
# threads; a TX thread is placed by its own options, not by the receiving
# thread's --cpu/--priority, and sends every cycle while that one spins.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

SENDER_PIDS=()
stop_senders() {
	local pid
	for pid in "${SENDER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	SENDER_PIDS=()
}
trap 'stop_senders; xh_cleanup' EXIT

# Unpaced senders on 8 flows each, until stopped.
start_flood() {
	local i
	for i in 1 2; do
		( while :; do xh_send --flows 8 --src-port $((10000 + 100 * i)) --count 100000 \
			-q >/dev/null 2>&1 || break; done ) &
		SENDER_PIDS+=("$!")
	done
}

# Every queue of the final report adds up; $1 labels the checks.
check_accounting() { # label
	local label=$1 final bad
	final=$(xh_final_json)
	if [ -z "$final" ]; then
		tap_result 1 "$label: final JSON report printed" "$(tail -n 3 "$XH_RX_ERR" | tr '\n' '|')"
		return 1
	fi
	bad=$(jq -r '[.queues[] | select(.xdp.redirected != .packets + .drained_at_stop + .xsk.rx_dropped + .xsk.rx_ring_full)
		| "queue \(.queue): redirected \(.xdp.redirected) != packets \(.packets) + drained \(.drained_at_stop) + rx_dropped \(.xsk.rx_dropped) + rx_ring_full \(.xsk.rx_ring_full)"] | join("; ")' <<<"$final")
	tap_is "$bad" "" "$label: redirected = packets + drained_at_stop + socket drops, on every queue"
	tap_cmp "$(jq -r '[.queues[].xdp.redirected] | add' <<<"$final")" -gt 0 \
		"$label: frames were redirected"
	tap_is "$(jq -r '[.queues[] | select(.xdp.redirected > 0)] | length' <<<"$final")" 4 \
		"$label: all 4 queues carried traffic"
	tap_ok "$label: no unaccounted-frames warning" eval '! grep -q "neither received nor counted" "$XH_RX_ERR"'
}

xh_setup sa 4

# 1. SIGINT in the middle of a flood, in each receive mode.
for mode in "wakeup:" "spin:--spin" "busy-poll:--busy-poll" "threads:--threads" \
	    "threads spin:--threads --spin"; do
	label="SIGINT during a flood, ${mode%%:*}"
	# shellcheck disable=SC2086
	xh_start_receiver --xdp-mode native --json --interval 0 ${mode#*:}
	if ! xh_wait_ready; then
		tap_result 1 "$label: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		continue
	fi
	start_flood
	sleep 1.5
	xh_stop_receiver INT
	stop_senders
	tap_is "$XH_RX_RC" 0 "$label: exit status 0"
	check_accounting "$label"
done

# A receiver that must end by itself (--count, --duration) under a flood:
# no SIGINT fallback. Sets FINAL.
flood_until_it_ends() { # label receiver-options...
	local label=$1
	shift
	FINAL=""
	xh_start_receiver --xdp-mode native --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$label: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return 1
	fi
	start_flood
	if xh_wait_receiver 20; then
		tap_is "$XH_RX_RC" 0 "$label: ends by itself with exit status 0"
	else
		tap_result 1 "$label: ends by itself with exit status 0" "still running after 20 s"
	fi
	stop_senders
	FINAL=$(xh_final_json)
	check_accounting "$label"
}

# 2. --count N under a flood: exactly N, with and without threads.
for mode in "one thread:" "threads:--threads" "threads spin:--threads --spin"; do
	label="--count 5000 during a flood, ${mode%%:*}"
	# shellcheck disable=SC2086
	if flood_until_it_ends "$label" --count 5000 ${mode#*:}; then
		tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" 5000 "$label: exactly 5000 packets received"
	fi
done

# 3. --duration under a flood.
flood_until_it_ends "--duration 1.5 during a flood, threads" --duration 1.5 --threads

# 4. --interval with --threads: the supervising thread wakes when a
# report is due, not on a coarse tick (2 ms asked: several hundred
# reports in a second on a quiet machine, about 150 under the sanitizers on
# a loaded one; a 20 ms tick would give at most 50).
label="--threads --interval 0.002 --duration 1"
xh_start_receiver --xdp-mode native --json --interval 0.002 --duration 1 --threads
if xh_wait_ready && xh_wait_receiver 20; then
	n=$(jq -c 'select(.type == "interval")' "$XH_RX_OUT" | wc -l)
	tap_cmp "$n" -ge 100 "$label: at least 100 interval reports ($n)"
else
	tap_result 1 "$label: ran and ended" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# 5. The TX thread is placed by its own options: with the receiving
# thread spinning at SCHED_FIFO on CPU 0, an unpinned SCHED_OTHER TX
# thread still sends every cycle (it would starve on CPU 0 at FIFO).
label="--tx with --cpu 0 --priority 10 --spin"
xh_start_receiver --xdp-mode native --json --interval 0 --cpu 0 --priority 10 --spin \
	--tx --tx-interval 0.002 --tx-cycles 300 --duration 3
if xh_wait_ready && xh_wait_receiver 20; then
	tap_is "$XH_RX_RC" 0 "$label: exit status 0"
	tap_grep "$XH_RX_ERR" '^af_xdp_user: TX thread on CPUs [0-9,-]+, SCHED_OTHER$' \
		"$label: says where the TX thread runs and with which policy"
	tap_is "$(jq -r 'select(.type == "tx") | .cycles' "$XH_RX_OUT")" 300 "$label: every TX cycle ran"
	tap_is "$(jq -r 'select(.type == "tx") | .frames_sent' "$XH_RX_OUT")" 300 "$label: every TX frame was sent"
else
	tap_result 1 "$label: ran and ended" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
label="--tx --tx-cpu 1 --threads --cpu-list 0"
xh_start_receiver --xdp-mode native --json --interval 0 --threads --cpu-list 0 \
	--tx --tx-cpu 1 --tx-interval 0.01 --tx-cycles 10 --duration 2
if xh_wait_ready && xh_wait_receiver 20; then
	tap_grep "$XH_RX_ERR" '^af_xdp_user: TX thread on CPU 1, SCHED_OTHER$' "$label: TX thread on CPU 1"
	tap_grep "$XH_RX_ERR" '^af_xdp_user: queue 3: receive thread on CPU 0, SCHED_OTHER$' \
		"$label: each receive thread says where it runs"
else
	tap_result 1 "$label: ran and ended" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
