#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Sustained load with exact accounting.  FLOOD_SENDERS (default 2)
# unpaced xdp_hints_traffic loops, 8 UDP flows each, flood a 4-queue veth
# for FLOOD_SECONDS (default 30) while the receiver runs.  Afterwards every
# frame must be accounted for, from the sender to the receiver:
#
#   sent       = xdp.seen
#                (the sending veth drops a frame when the peer's ring is
#                full and counts it in tx_dropped, but the drop is
#                returned to the sender's sendmmsg() as ENOBUFS and the
#                frame is sent again: those drops are rejected attempts,
#                not lost frames, and "sent" counts each frame once.  A
#                frame lost silently between sender and XDP would break
#                this equation.)
#   xdp.seen   = xdp.redirected + xdp.passed
#                (passed includes meta_failed and redirect_failed)
#   redirected = packets received + xsk.rx_dropped + xsk.rx_ring_full
#                (rx_fill_ring_empty_descs is the part of rx_dropped due
#                to an empty fill ring; rx_invalid_descs counts bad
#                descriptors, not packets, and must stay 0)
#
# and the kernel's own counters must agree with the receiver's: the frames
# the sending veth transmitted equal xdp.seen, veth's per-queue XDP packet
# counters (ethtool -S) equal xdp.seen, and veth's per-queue drops equal
# the AF_XDP socket drops.  Memory stays flat: the receiver's VmRSS after
# 2 s and at the end of the flood differ by less than 1 MiB.
#
# A second, shorter flood (FLOOD_DROP_SECONDS, default 4) against a
# receiver with a 64-frame UMEM per queue forces drops, so the equations
# are also checked with non-zero drop counters.
#
# Sums are over queues, from the receiver's final JSON report.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

FLOOD_SECONDS=${FLOOD_SECONDS:-30}
SENDERS=${FLOOD_SENDERS:-2}
DROP_SECONDS=${FLOOD_DROP_SECONDS:-4}
CHUNK=200000          # frames per xdp_hints_traffic run
RSS_SLACK_KIB=1024

SENDER_PIDS=()
stop_senders() {
	local pid
	for pid in "${SENDER_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	SENDER_PIDS=()
}
trap 'stop_senders; xh_cleanup' EXIT

vmrss_kib() { # pid
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

tx_stat() { # jq path under stats64 of the sending end
	ip -s -j -n "$XH_NS_TX" link show dev "$XH_TX_DEV" | jq -r ".[0].stats64.$1"
}

# Sum of the receiving veth's per-queue ethtool counters rx_queue_N_<name>.
veth_queue_sum() { # name
	ip netns exec "$XH_NS_RX" ethtool -S "$XH_RX_DEV" |
		awk -v name="$1" '$1 ~ "^rx_queue_[0-9]+_" name ":$" { sum += $2 } END { print sum + 0 }'
}

# One sender: whole runs of CHUNK frames until the deadline, one JSON
# summary line per run in its file; a failed run leaves a line in .fail.
sender_loop() { # index deadline_s
	local out=$XH_TMPDIR/sender$1
	while [ "$(date +%s)" -lt "$2" ]; do
		# AF_PACKET (--queue-select hash): a frame the full peer ring
		# refuses comes back as ENOBUFS and is sent again, which "sent"
		# relies on; through AF_XDP copy-mode TX the kernel completes a
		# dropped frame as if sent. 32 flows reach all 4 queues whatever
		# the boot's flow-hash seed.
		if ! xh_send --flows 32 --queue-select hash --src-port $((10000 + 100 * $1)) \
			--count "$CHUNK" --json >>"$out.json" 2>>"$out.err"; then
			echo "run failed" >>"$out.fail"
		fi
	done
}

# One flood against a receiver started with the given options; every
# check is prefixed with the label.
run_flood() { # label seconds check_rss(0/1) expect_drops(0/1) receiver-options...
	local label=$1 seconds=$2 check_rss=$3 expect_drops=$4
	shift 4
	local tx_packets0 tx_dropped0 veth_xdp0 veth_drops0 flood_start deadline i pid
	local rss_start rss_end flood_ns sent failed_runs tx_packets peer_drops veth_xdp
	local veth_drops seen redirected passed meta_failed redirect_failed received
	local rx_dropped ring_full fill_empty invalid rate diff_kib drained

	rm -f "$XH_TMPDIR"/sender*
	xh_start_receiver --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$label: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_result 0 "$label: receiver ready on 4 queues"

	tx_packets0=$(tx_stat tx.packets)
	tx_dropped0=$(tx_stat tx.dropped)
	veth_xdp0=$(veth_queue_sum xdp_packets)
	veth_drops0=$(veth_queue_sum drops)

	flood_start=$(date +%s%N)
	deadline=$(( $(date +%s) + seconds ))
	for i in $(seq "$SENDERS"); do
		sender_loop "$i" "$deadline" &
		SENDER_PIDS+=("$!")
	done
	sleep 2
	rss_start=$(vmrss_kib "$XH_RX_PID")
	for pid in "${SENDER_PIDS[@]}"; do
		wait "$pid"
	done
	SENDER_PIDS=()
	flood_ns=$(( $(date +%s%N) - flood_start ))
	rss_end=$(vmrss_kib "$XH_RX_PID")
	sleep 1 # let the rings drain before the final report
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$label: receiver exit status 0 after SIGINT"

	sent=$(cat "$XH_TMPDIR"/sender*.json 2>/dev/null | jq -s 'map(.sent) | add // 0')
	failed_runs=$(cat "$XH_TMPDIR"/sender*.fail 2>/dev/null | wc -l)
	tap_is "$failed_runs" 0 "$label: every sender run succeeded"
	tap_cmp "$sent" -gt 0 "$label: frames were sent"
	tx_packets=$(( $(tx_stat tx.packets) - tx_packets0 ))
	peer_drops=$(( $(tx_stat tx.dropped) - tx_dropped0 ))
	veth_xdp=$(( $(veth_queue_sum xdp_packets) - veth_xdp0 ))
	veth_drops=$(( $(veth_queue_sum drops) - veth_drops0 ))

	FINAL=$(xh_final_json)
	if [ -z "$FINAL" ]; then
		tap_result 1 "$label: final JSON report printed" "stdout: $(head -c 300 "$XH_RX_OUT")"
		return
	fi
	seen=$(sum .xdp.seen)
	redirected=$(sum .xdp.redirected)
	passed=$(sum .xdp.passed)
	meta_failed=$(sum .xdp.meta_failed)
	redirect_failed=$(sum .xdp.redirect_failed)
	received=$(sum .packets)
	drained=$(sum .drained_at_stop)
	rx_dropped=$(sum .xsk.rx_dropped)
	ring_full=$(sum .xsk.rx_ring_full)
	fill_empty=$(sum .xsk.rx_fill_ring_empty_descs)
	invalid=$(sum .xsk.rx_invalid_descs)

	rate=$(( sent * 1000000000 / (flood_ns > 0 ? flood_ns : 1) ))
	tap_diag "$label: $SENDERS sender(s), $sent frames in $((flood_ns / 1000000)) ms = $rate frames/s"
	tap_diag "$label: sent $sent = seen $seen (sending veth rejected $peer_drops attempts with ENOBUFS; the sender resent them)"
	tap_diag "$label: seen $seen = redirected $redirected + passed $passed (meta_failed $meta_failed, redirect_failed $redirect_failed)"
	tap_diag "$label: redirected $redirected = received $received + rx_dropped $rx_dropped + rx_ring_full $ring_full (fill ring empty $fill_empty, invalid descs $invalid)"
	tap_diag "$label: kernel: sending veth transmitted $tx_packets, veth XDP packets $veth_xdp, veth queue drops $veth_drops"
	tap_diag "$label: receiver VmRSS: $rss_start KiB after 2 s, $rss_end KiB at the end"

	tap_is "$seen" "$sent" "$label: sent = xdp.seen (no frame lost before XDP)"
	tap_is "$seen" "$((redirected + passed))" "$label: xdp.seen = redirected + passed"
	tap_cmp "$passed" -ge "$((meta_failed + redirect_failed))" \
		"$label: passed includes meta_failed and redirect_failed"
	tap_is "$redirected" "$((received + drained + rx_dropped + ring_full))" \
		"$label: redirected = received + drained_at_stop + rx_dropped + rx_ring_full"
	tap_cmp "$fill_empty" -le "$rx_dropped" "$label: fill-ring-empty drops are part of rx_dropped"
	tap_is "$invalid" 0 "$label: no invalid descriptors"
	tap_is "$tx_packets" "$seen" "$label: the sending veth transmitted exactly what XDP saw"
	tap_is "$veth_xdp" "$seen" "$label: veth's XDP packet counters agree with xdp.seen"
	tap_is "$veth_drops" "$((rx_dropped + ring_full))" \
		"$label: veth's queue drops agree with the AF_XDP socket drops"
	tap_is "$(jq -r .total.packets <<<"$FINAL")" "$received" "$label: total.packets is the sum over queues"
	tap_is "$(jq -r '[.queues[] | select(.xdp.seen > 0)] | length' <<<"$FINAL")" 4 \
		"$label: every queue carried traffic"
	tap_cmp "$received" -gt 0 "$label: packets were received"
	if [ "$expect_drops" = 1 ]; then
		tap_cmp "$((rx_dropped + ring_full))" -gt 0 "$label: the overloaded receiver dropped frames (and counted them)"
	fi
	if [ "$check_rss" = 1 ]; then
		if [[ "$rss_start" =~ ^[0-9]+$ && "$rss_end" =~ ^[0-9]+$ ]]; then
			diff_kib=$(( rss_end > rss_start ? rss_end - rss_start : rss_start - rss_end ))
			tap_cmp "$diff_kib" -lt "$RSS_SLACK_KIB" \
				"$label: receiver RSS flat: |$rss_end - $rss_start| KiB < 1 MiB"
		else
			tap_result 1 "$label: receiver RSS sampled" "start '$rss_start' end '$rss_end'"
		fi
	fi
	tap_ok "$label: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}

sum() { jq -r "[.queues[] | $1] | add" <<<"$FINAL"; }

xh_setup f 4
xh_tmpdir

run_flood "flood ${FLOOD_SECONDS}s" "$FLOOD_SECONDS" 1 0
# A 64-frame UMEM per queue (--umem per-queue) cannot absorb the flood: the fill ring runs
# dry and frames are dropped, which must show up in the same equations.
run_flood "overload (64-frame UMEM)" "$DROP_SECONDS" 0 1 --umem per-queue --frames 64

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
