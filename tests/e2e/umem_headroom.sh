#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The UMEM headroom (--frame-headroom): auto puts the hint on the start of a
# cache line (headroom = hint size mod 64: 16 for rx-time, 8 for mark, 4
# for --layout none's btf_id alone), but only when every frame the MTU
# allows still fits a UMEM frame after it; a number is taken as given, and
# with every headroom each frame still arrives whole with its hint decoded
# (the btf_id found at pkt - 4 wherever the packet starts). 1-queue veth,
# native XDP, copy mode.
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

check 16 rx-time
check 8 mark
check 4 none
check 40 rx-time --frame-headroom 40
check 0 rx-time --frame-headroom 0
check 256 mark --frame-headroom 256 --frame-size 2048

# MTU 1770: 1784-byte frames fit a 2048-byte UMEM frame (256 bytes of
# XDP_PACKET_HEADROOM: 1792 left) but not after a 16-byte UMEM headroom
# (1776), so auto keeps 0 rather than lose them.
ip -n "$XH_NS_TX" link set "$XH_TX_DEV" mtu 1770
ip -n "$XH_NS_RX" link set "$XH_RX_DEV" mtu 1770
SIZE=1784
check 0 rx-time --frame-size 2048
tap_finish
