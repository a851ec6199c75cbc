#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# End to end on a veth pair in private namespaces: 1 and 4 queues, native
# and generic XDP.  xdp_hints_traffic sends a known number of UDP frames in
# 32 flows; the receiver (--layout alternate --json) is stopped with SIGINT
# and its final report must account for every frame: exact totals, per-queue
# sums, both hint layouts decoded, sane latencies, and no XDP program left.
#
# Generic XDP on veth and queues: veth hands the peer's TX queue index to
# the stack unchanged in skb->queue_mapping, and generic XDP reads that
# field as "recorded RX queue + 1".  TX queue k > 0 thus shows up as RX
# queue k - 1 and the last queue sees nothing, so generic mode is held to
# "every queue but the last".  Native XDP uses veth's own per-queue NAPI
# and gets them all.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

FRAMES=1200
# 32 flows: the queue a flow lands on follows its hash, seeded per boot;
# with 8 flows one of 4 queues stayed empty on about 4 x (3/4)^8 of boots.
FLOWS=32
RATE=20000

jqf() { jq -r "$1" <<<"$FINAL"; }

run_case() { # queues xdp-mode [extra receiver options]
	local queues=$1 mode=$2 tag="$1${2:0:1}" what sent q
	shift 2
	what="$queues queue(s), $mode XDP${*:+ $*}"
	xh_setup "$tag" "$queues"

	xh_start_receiver --xdp-mode "$mode" --layout alternate --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: receiver ready"
	tap_ok "$what: XDP program attached while running" xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"

	sent=$(xh_send --flows "$FLOWS" --count "$FRAMES" --rate "$RATE" --json | jq -r .sent)
	tap_is "$sent" "$FRAMES" "$what: sender sent every frame"
	sleep 0.3 # let the last frames through the rings before stopping
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 after SIGINT"

	FINAL=$(xh_final_json)
	if [ -z "$FINAL" ]; then
		tap_result 1 "$what: final JSON report printed" "stdout: $(head -c 300 "$XH_RX_OUT")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: final JSON report printed"
	tap_is "$(jqf .xdp_mode)" "$mode" "$what: reports the requested XDP mode"
	case " $* " in
	*" --spin "*) tap_is "$(jqf .rx_mode)" spin "$what: reports the busy-loop RX mode" ;;
	*) tap_is "$(jqf .rx_mode)" wakeup "$what: reports the wakeup RX mode" ;;
	esac
	tap_is "$(jqf .bind_mode)" copy "$what: veth binds in copy mode"
	tap_grep "$XH_RX_ERR" 'zero-copy.*copy mode|copy mode.*zero-copy' \
		"$what: says it fell back from zero-copy to copy"
	tap_is "$(jqf '.queues | length')" "$queues" "$what: one report entry per queue"
	tap_is "$(jqf .total.packets)" "$FRAMES" "$what: every frame sent was received"
	tap_is "$(jqf '[.queues[].packets] | add')" "$(jqf .total.packets)" \
		"$what: per-queue packets add up to the total"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id')" 0 \
		"$what: every frame carried a hint with a known btf_id"
	tap_cmp "$(jqf '.total.layouts.xdp_hints_rx_time // 0')" -gt 0 "$what: rx_time layout decoded"
	tap_cmp "$(jqf '.total.layouts.xdp_hints_mark // 0')" -gt 0 "$what: mark layout decoded"
	tap_is "$(jqf '[.total.layouts[]] | add')" "$FRAMES" "$what: layout counts add up to the total"
	tap_is "$(jqf .total.latency_ns.count)" "$(jqf .total.layouts.xdp_hints_rx_time)" \
		"$what: one latency sample per rx_time hint"
	tap_is "$(jqf '[.queues[] | select(.latency_ns.count > 0) | select(.latency_ns.min <= 0 or .latency_ns.max >= 1000000000)] | length')" 0 \
		"$what: every queue's latencies are > 0 and < 1 s"
	tap_cmp "$(jqf .total.latency_ns.min)" -gt 0 "$what: total minimum latency > 0"
	tap_cmp "$(jqf .total.latency_ns.max)" -lt 1000000000 "$what: total maximum latency < 1 s"
	tap_is "$(jqf '[.queues[].xdp.redirected] | add')" "$FRAMES" \
		"$what: the XDP program redirected exactly the frames sent"
	tap_is "$(jqf '[.queues[] | .xsk.rx_dropped + .xsk.rx_ring_full + .xsk.rx_invalid_descs] | add')" 0 \
		"$what: no AF_XDP socket drops"
	if [ "$queues" -gt 1 ]; then
		q=$(jqf '[.queues[] | select(.packets > 0)] | length')
		if [ "$mode" = native ]; then
			tap_is "$q" "$queues" "$what: every queue got packets"
		else
			tap_cmp "$q" -ge $((queues - 1)) "$what: every queue but the last got packets (generic XDP on veth)"
		fi
	fi
	tap_ok "$what: no XDP program left after exit" \
		eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

run_case 1 native
run_case 1 generic
run_case 4 native
run_case 4 generic
run_case 4 native --spin

tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
