#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Many queues: memory and start-up that do not grow 16 MiB per queue.
# On a 64- and a 128-queue veth, with the default UMEM (--umem per-queue:
# the 64 MiB budget shared out, one UMEM of 512 or 256 frames per queue,
# 2048-byte frames at MTU 1500):
#   - the start-up lines say how the budget was sized and split;
#   - the kernel's own memory stays small: unreclaimable slab (SUnreclaim,
#     /proc/meminfo) grows by at most KERNEL_MAX_MIB while the receiver
#     runs (each socket's buffer pool holds 128 bytes per frame of its
#     UMEM: 4 MiB in all here);
#   - ready within READY_MAX_S and stopped (SIGINT to exit) within
#     STOP_MAX_S, the median of 5 runs;
#   - every queue receives: xdp_hints_traffic --queue-select explicit sends
#     flow f on TX queue f mod N, and native XDP on veth runs on the RX
#     queue of the peer's TX queue: with N flows, each queue gets exactly
#     PER_QUEUE frames, and the counts add up;
#   - resident memory (VmHWM) within the UMEM plus RSS_BASE_MIB and
#     RSS_PER_QUEUE_KIB per queue of overhead (rings, per-queue statistics
#     and buffers, the program; measured 86 MiB at 64 queues, 102 MiB at
#     128; not checked under the sanitizers, whose shadow memory counts);
#   - a burst larger than what a queue holds (--rx-period 0.5: a period's
#     frames wait in the ring, a queue's UMEM at most): the drops are
#     counted in xsk.rx_dropped / xsk.rx_ring_full, and per queue
#     xdp.redirected = packets + drained_at_stop + rx_dropped + rx_ring_full.
# At 64 queues, --umem shared (one UMEM of 32768 frames for every socket):
#   - the start-up lines say the split and what the kernel keeps for it
#     (64 sockets x 32768 frames x 128 bytes = 256 MiB), and SUnreclaim
#     grows by at least a quarter of that: why per-queue is the default;
#   - every queue receives exactly;
#   - two bursts on every queue, larger than the whole UMEM: the free pool
#     runs dry, said with the drops and the -f/--frames that would have
#     held it, and every frame is still accounted for per queue;
#     the report's pool_dry (per queue, total) and the UMEM's pool_free add
#     up with stderr and with the UMEM's frames;
#   - --umem per-queue, said explicitly, receives exactly and its report's
#     umem object has no pool keys;
#   - a kernel that refuses XDP_SHARED_UMEM (before 5.10; played by
#     tests/shim/xsk_bind_shim.c failing the second socket's bind with
#     EINVAL): one line says why, every queue gets its own UMEM and receives.
# On 4 queues with --threads: a busy queue's thread draws on the spill
# beyond its own share of the pool (check_threads_spill).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic tests/xsk_bind_shim.so
xh_install_trap

READY_MAX_S=1.0
STOP_MAX_S=1.0
PER_QUEUE=20
RSS_BASE_MIB=16
RSS_PER_QUEUE_KIB=512
BURST=3000
KERNEL_MAX_MIB=64
# ASan start-up and shadow memory: times are looser, RSS is not checked.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	READY_MAX_S=5.0
	STOP_MAX_S=3.0
fi

now_s() { date +%s.%N; }
median5() { printf '%s\n' "$@" | sort -g | sed -n 3p; }
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
	local q=$1 frames=$((32768 / $1)) umem_mib line r ready=() stop=() i hwm final bad slab0 slab1 need

	xh_setup mq "$q"

	# Start-up and stop times.
	for i in 1 2 3 4 5; do
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
		"$q queues: the default is one UMEM of $frames frames per queue, the 64 MiB budget shared out, and says so"
	r=$(median5 "${ready[@]}")
	tap_ok "$q queues: ready in $r s (median of 5) <= $READY_MAX_S s" le "$r" "$READY_MAX_S"
	r=$(median5 "${stop[@]}")
	tap_ok "$q queues: stopped in $r s after SIGINT (median of 5) <= $STOP_MAX_S s" le "$r" "$STOP_MAX_S"

	# Every queue receives exactly what was sent to it.
	slab0=$(xh_settled_sunreclaim_kib)
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
	slab1=$(xh_sunreclaim_kib)
	umem_mib=64
	xh_stop_receiver INT
	tap_cmp $(((slab1 - slab0) / 1024)) -le "$KERNEL_MAX_MIB" \
		"$q queues: the kernel's unreclaimable slab grew $(((slab1 - slab0) / 1024)) MiB <= $KERNEL_MAX_MIB MiB while receiving"
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
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: [0-9]+ frame\\(s\\) dropped on 1 queue\\(s\\) for want of a free frame \\(queue [0-9]+: [0-9]+; xsk.rx_dropped \\+ xsk.rx_ring_full\\)\$" \
		"$q queues, burst: the drops are said once, with the queue"
	need=$(sed -n "s/^af_xdp_user: $XH_RX_DEV: -f\/--frames \([0-9]*\) per queue (now $frames) would have held queue [0-9]*'s burst\$/\1/p" "$XH_RX_ERR")
	tap_cmp "${need:-0}" -ge "$BURST" \
		"$q queues, burst: -f/--frames ${need:-?} per queue suggested, enough for the burst of $BURST"
	tap_ok "$q queues: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

# Per queue, xdp.redirected = what the receiver took + what the socket dropped.
off_queues() { # final-json
	jq -r '[.queues[] | select(.xdp.redirected != .packets + .drained_at_stop + .xsk.rx_dropped + .xsk.rx_ring_full)] | map(.queue) | join(",")' <<<"$1"
}

# Every queue gets PER_QUEUE frames; exactly those arrive. $1: label.
every_queue_receives() { # label
	local line final
	line=$(xh_send --flows 64 --count $((64 * PER_QUEUE)) --rate 20000 --queue-select explicit --json)
	tap_is "$(jq -r .sent <<<"$line")" $((64 * PER_QUEUE)) "$1: $((64 * PER_QUEUE)) frames sent"
	sleep 0.5
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$1: exit status 0 after SIGINT"
	final=$(xh_final_json)
	tap_is "$(jq -r '[.queues[] | select(.packets != '"$PER_QUEUE"')] | map(.queue) | join(",")' <<<"$final")" "" \
		"$1: every queue received exactly $PER_QUEUE frames"
	tap_is "$(off_queues "$final")" "" "$1: per queue, redirected = packets + drained + drops"
}

# --umem shared and its pool running dry, on 64 queues.
check_modes() {
	local final sent1 sent2 need slab0 slab1

	xh_setup mq 64
	slab0=$(xh_settled_sunreclaim_kib)
	xh_start_receiver --json --interval 0 --umem shared
	if xh_wait_ready 15; then
		slab1=$(xh_sunreclaim_kib)
		tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: one of 32768 frames x 2048 bytes = 64.0 MiB shared by 64 queue\\(s\\), headroom 0\$" \
			"--umem shared: one UMEM of the 64 MiB budget for the 64 queues, said"
		tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: a queue owns [0-9]+ frames at least, [0-9]+ at most; [0-9]+ in the free pool\$" \
			"--umem shared: a queue's floor, cap and the free pool, said"
		tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: the kernel keeps 256.0 MiB for it, 128 bytes per frame for each of 64 sockets\$" \
			"--umem shared: what the kernel keeps for the sockets, said"
		tap_cmp $(((slab1 - slab0) / 1024)) -ge 64 \
			"--umem shared: the kernel's unreclaimable slab grew $(((slab1 - slab0) / 1024)) MiB >= 64 MiB (a quarter of the 256 MiB said)"
		every_queue_receives "--umem shared"
	else
		tap_result 1 "--umem shared: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
	# Two bursts of 600 frames on every queue (2 x 38400 frames, more than
	# the 32768-frame UMEM): each queue starts with 256 frames; the first
	# period's drain takes the pool (16384) whole, so the second burst
	# finds it empty.
	xh_start_receiver --json --interval 0 --rx-period 0.5 --umem shared
	if ! xh_wait_ready 15; then
		tap_result 1 "64 queues, bursts over the UMEM: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	sent1=$(xh_send --flows 64 --count 38400 --rate 0 --queue-select explicit --json | jq -r .sent)
	sleep 0.7
	sent2=$(xh_send --flows 64 --count 38400 --rate 0 --queue-select explicit --json | jq -r .sent)
	sleep 1.2
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "64 queues, bursts over the UMEM: exit status 0 after SIGINT"
	final=$(xh_final_json)
	tap_diag "64 queues, bursts over the UMEM: sent $sent1 + $sent2, received $(jq -r .total.packets <<<"$final"), rx_dropped $(jq -r '[.queues[].xsk.rx_dropped] | add' <<<"$final")"
	tap_is "$(jq -r '[.queues[].xdp.redirected] | add' <<<"$final")" $((sent1 + sent2)) \
		"64 queues, bursts over the UMEM: every frame sent was redirected"
	tap_cmp "$(jq -r '[.queues[].xsk.rx_dropped] | add' <<<"$final")" -gt 0 \
		"64 queues, bursts over the UMEM: drops counted in xsk.rx_dropped"
	tap_is "$(off_queues "$final")" "" \
		"64 queues, bursts over the UMEM: per queue, redirected = packets + drained_at_stop + rx_dropped + rx_ring_full"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: the shared UMEM's free pool ran dry [0-9]* time\\(s\\) on [0-9]* queue\\(s\\) .* dropped for want of a fill ring entry" \
		"64 queues, bursts over the UMEM: the pool running dry is said, with the drops"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: the shared UMEM's free pool ran dry $(jq -r .total.pool_dry <<<"$final") time\\(s\\) on $(jq -r '[.queues[] | select(.pool_dry > 0)] | length' <<<"$final") queue\\(s\\) " \
		"64 queues, bursts over the UMEM: the report's total.pool_dry and queues with pool_dry are stderr's"
	tap_is "$(jq -r '([.queues[].pool_dry] | add) == .total.pool_dry' <<<"$final")" true \
		"64 queues, bursts over the UMEM: total.pool_dry is the sum of the queues'"
	tap_is "$(jq -r '.total.frames_owned + .umem.pool_free == .umem.frames - .umem.tx_frames' <<<"$final")" true \
		"64 queues, bursts over the UMEM: every RX frame owned by a queue or free at the end"
	need=$(sed -n 's/^af_xdp_user: .*: -f\/--frames \([0-9]*\) (now 32768) would have held it: the peak of .*/\1/p' "$XH_RX_ERR")
	tap_cmp "${need:-0}" -gt 32768 "64 queues, bursts over the UMEM: -f/--frames ${need:-?} suggested, more than the 32768 it had"

	# --umem per-queue: one UMEM each, the budget shared out.
	xh_start_receiver --json --interval 0 --umem per-queue
	if xh_wait_ready 15; then
		tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: 64 queue\\(s\\) x 512 frames x 2048 bytes = 64.0 MiB, headroom 0\$" \
			"--umem per-queue: one UMEM of 512 frames per queue, said"
		every_queue_receives "--umem per-queue"
		final=$(xh_final_json)
		tap_is "$(jq -r '[.umem.mode, .umem.umems, (.umem | has("pool_free")), ([.queues[] | has("pool_dry") or has("frames_owned")] | any), (.total | has("pool_dry"))] | join(" ")' <<<"$final")" \
			"per-queue 64 false false false" "--umem per-queue: umem mode per-queue, 64 UMEMs, no pool keys"
	else
		tap_result 1 "--umem per-queue: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi

	# A kernel that refuses XDP_SHARED_UMEM on another queue: per-queue.
	LD_PRELOAD=$XH_BUILD/tests/xsk_bind_shim.so XH_SHIM_SHARED_UMEM=einval \
		xh_start_receiver --json --interval 0 --umem shared
	if xh_wait_ready 15; then
		tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: one UMEM for all queues refused \\(XDP_SHARED_UMEM on queue 1: Invalid argument; other queues of a device need Linux 5.10\\): one UMEM per queue\$" \
			"shared UMEM refused: one line says why"
		tap_grep "$XH_RX_ERR" "^af_xdp_user: UMEM: 64 queue\\(s\\) x 512 frames x 2048 bytes = 64.0 MiB, headroom 0\$" \
			"shared UMEM refused: per-queue UMEMs of the budget's share"
		every_queue_receives "shared UMEM refused, per-queue"
	else
		tap_result 1 "shared UMEM refused: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
	tap_ok "64 queues: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

# --threads on a 4-queue veth, -f 4096 (floor 512 a queue, cap 4096, a
# pool of 2048: a slice of one batch per thread, the spill the rest).
# Bursts on one queue only (--rx-period 1: a period's frames wait in the
# ring, each full batch of the drain takes a batch more): that queue's thread
# empties its slice and draws on the spill, to more frames than its floor
# plus an even quarter of the pool (what a fixed slice per thread gave);
# the third burst finds the spill empty: pool_dry on that queue, said on
# stderr with the same count. Every frame is accounted for per queue, and
# every RX frame of the UMEM is owned by a queue or free at the end.
check_threads_spill() {
	local final bq busy quarter sent=0 n i

	xh_setup mqt 4
	xh_start_receiver --json --interval 1 --threads --rx-period 1 -f 4096 --umem shared
	if ! xh_wait_ready 15; then
		tap_result 1 "--threads spill: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	for i in 1 2 3; do
		n=$(xh_send --flows 1 --count 2500 --rate 0 --queue-select explicit --json | jq -r .sent)
		sent=$((sent + ${n:-0}))
		sleep 1.3
	done
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "--threads spill: exit status 0 after SIGINT"
	final=$(xh_final_json)
	tap_diag "--threads spill: umem $(jq -c .umem <<<"$final")"
	tap_diag "--threads spill: queues $(jq -c '[.queues[] | {queue, packets, rx_dropped: .xsk.rx_dropped, pool_dry, frames_owned, frames_owned_max}]' <<<"$final")"
	tap_is "$(jq -r '[.umem.mode, .umem.slices, .umem.slice_frames, .umem.floor, .umem.pool_frames] | join(" ")' <<<"$final")" \
		"shared 4 64 512 2048" "--threads spill: umem object: shared, 4 slices of a batch, floor 512, pool 2048"
	tap_is "$(jq -r '[.queues[].xdp.redirected] | add' <<<"$final")" "$sent" \
		"--threads spill: every frame sent ($sent) was redirected"
	# One flow: the queue its TX queue maps to on the peer.
	bq=$(jq -r '.queues | max_by(.xdp.redirected) | .queue' <<<"$final")
	busy=$(jq -r --argjson q "$bq" '.queues[] | select(.queue == $q) | .frames_owned_max' <<<"$final")
	quarter=$(jq -r '.umem.floor + .umem.pool_frames / .umem.slices' <<<"$final")
	tap_cmp "${busy:-0}" -gt "${quarter:-999999}" \
		"--threads spill: busy queue $bq owned ${busy:-?} frames at most, more than its floor plus a quarter of the pool ($quarter): frames of the other threads' share"
	tap_cmp "$(jq -r .umem.spill_taken <<<"$final")" -gt 0 "--threads spill: spill_taken > 0"
	# Interval reports read each thread's own copy (taken between batches).
	tap_cmp "$(jq -r --argjson q "$bq" 'select(.type == "interval") | .cumulative.queues[] | select(.queue == $q) | .frames_owned_max' "$XH_RX_OUT" | tail -n 1)" \
		-gt 512 "--threads spill: the last interval report shows the busy queue's frames_owned_max above its floor too"
	tap_is "$(jq -r --argjson q "$bq" '[.queues[] | select(.queue != $q) | .frames_owned_max] | max' <<<"$final")" 512 \
		"--threads spill: the idle queues never owned more than their floor"
	tap_cmp "$(jq -r --argjson q "$bq" '.queues[] | select(.queue == $q) | .pool_dry' <<<"$final")" -gt 0 \
		"--threads spill: the third burst found the spill empty: queue $bq's pool_dry > 0"
	tap_is "$(jq -r --argjson q "$bq" '[.queues[] | select(.queue != $q) | .pool_dry] | add' <<<"$final")" 0 \
		"--threads spill: no pool_dry on the idle queues"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: the shared UMEM's free pool ran dry $(jq -r .total.pool_dry <<<"$final") time\\(s\\) on 1 queue\\(s\\) \\(queue $bq: " \
		"--threads spill: stderr's pool-dry count is total.pool_dry"
	tap_is "$(jq -r '.total.frames_owned + .umem.pool_free' <<<"$final")" \
		"$(jq -r '.umem.frames - .umem.tx_frames' <<<"$final")" \
		"--threads spill: at the end every RX frame is owned by a queue or free (total.frames_owned + umem.pool_free)"
	tap_is "$(off_queues "$final")" "" \
		"--threads spill: per queue, redirected = packets + drained_at_stop + rx_dropped + rx_ring_full"
	xh_cleanup
}

# The shim loads before the ASan runtime in the sanitized pass.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"
check_queues 64
check_queues 128
check_modes
check_threads_spill
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
