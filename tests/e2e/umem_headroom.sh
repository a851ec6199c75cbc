#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The UMEM headroom (--frame-headroom, default 0) is taken as given, and
# with every headroom each frame still arrives whole with its hint decoded
# (the btf_id found at pkt - 4 wherever the packet starts). A headroom
# shortens the longest frame a UMEM frame holds: the XDP program is told,
# and passes longer frames to the kernel instead of letting AF_XDP drop
# them. 1-queue veth, native XDP, copy mode.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap
xh_setup uh 1

FINAL='{}'
SIZE=1514
jqf() { jq -r "$1" <<<"$FINAL"; }

check() { # expected-headroom layout options...
	local headroom=$1 layout=$2 what
	shift 2
	what="--layout $layout${*:+ $*}"
	xh_start_receiver --xdp-mode native --bind-mode copy --hw-hints off --json --interval 0 \
		--layout "$layout" "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver KILL
		return
	fi
	tap_grep "$XH_RX_ERR" "UMEM: .*, headroom $headroom\$" "$what: UMEM headroom $headroom"
	xh_send --rate 20000 --count 200 --size "$SIZE" >/dev/null
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	[ -n "$FINAL" ] || FINAL='{}'
	tap_is "$(jqf .total.packets)" 200 "$what: every $SIZE-byte frame received"
	tap_is "$(jqf .total.unknown_btf_id)" 0 "$what: no btf_id read from a wrong place"
	if [ "$layout" = none ]; then
		tap_is "$(jqf .total.no_hint)" 200 "$what: every frame without a hint"
	else
		tap_is "$(jqf ".total.layouts.xdp_hints_${layout/-/_}")" 200 "$what: every hint decoded"
	fi
}

check 0 rx-time
check 0 mark
check 0 none
check 16 rx-time --frame-headroom 16
check 40 mark --frame-headroom 40
check 256 mark --frame-headroom 256 --frame-size 2048

# 2048-byte UMEM frames hold 2048 - 256 (XDP_PACKET_HEADROOM) - headroom
# bytes: 1792 with none, 1776 after 16. MTU 1770 allows 1784-byte frames:
# all reach the socket without a headroom; with 16 the program passes them
# to the kernel (counted, and said at start), and none is dropped in AF_XDP.
ip -n "$XH_NS_TX" link set "$XH_TX_DEV" mtu 1770
ip -n "$XH_NS_RX" link set "$XH_RX_DEV" mtu 1770
SIZE=1784
check 0 rx-time --frame-size 2048
xh_start_receiver --xdp-mode native --bind-mode copy --hw-hints off --json --interval 0 \
	--frame-size 2048 --frame-headroom 16 --frags off
if xh_wait_ready; then
	tap_grep "$XH_RX_ERR" "holds at most 1776" "headroom 16: the start-up warning names the shorter limit"
	xh_send --rate 20000 --count 200 --size 1784 >/dev/null
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	[ -n "$FINAL" ] || FINAL='{}'
	tap_is "$(jqf .total.packets)" 0 "headroom 16: no 1784-byte frame reaches the socket"
	tap_is "$(jqf .total.xsk.rx_dropped)" 0 "headroom 16: none dropped by AF_XDP (passed before it)"
	# passed also counts the kernel's own frames (ARP).
	tap_is "$(jqf '.total.xdp.passed >= 200')" true "headroom 16: every one passed to the kernel, counted"
else
	tap_result 1 "headroom 16: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
fi
tap_finish
