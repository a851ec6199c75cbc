#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The UMEM headroom (--frame-headroom): auto puts the hint on the start of a
# cache line (headroom = hint size mod 64: 16 for rx-time, 8 for mark, 0
# without a hint), a number is taken as given, and with every headroom
# each frame still arrives whole with its hint decoded (the btf_id found at
# pkt - 4 wherever the packet starts). 1-queue veth, native XDP, copy mode.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap
xh_setup uh 1

FINAL='{}'
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
	xh_send --rate 20000 --count 200 --size 1514 >/dev/null
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	[ -n "$FINAL" ] || FINAL='{}'
	tap_is "$(jqf .total.packets)" 200 "$what: every 1514-byte frame received"
	tap_is "$(jqf .total.unknown_btf_id)" 0 "$what: no btf_id read from a wrong place"
	if [ "$layout" = none ]; then
		tap_is "$(jqf .total.no_hint)" 200 "$what: every frame without a hint"
	else
		tap_is "$(jqf ".total.layouts.xdp_hints_${layout/-/_}")" 200 "$what: every hint decoded"
	fi
}

check 16 rx-time
check 8 mark
check 0 none
check 40 rx-time --frame-headroom 40
check 0 rx-time --frame-headroom 0
check 256 mark --frame-headroom 256 --frame-size 2048
tap_finish
