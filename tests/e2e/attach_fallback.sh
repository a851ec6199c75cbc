#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Defaults that work where native XDP does not, and failures that name the
# kernel's reason.  On veth in private namespaces:
#
#   - a peer with more TX queues than our RX queues, and MTU 9000 on both
#     ends: veth refuses native XDP.  The defaults (--xdp-mode auto
#     --hw-hints auto) fall back to the software program in generic mode,
#     say why in one line with veth's own words, and receive every frame;
#     --xdp-mode native and --hw-hints on exit 1 with one error line
#     carrying the same words and a fix;
#   - frames longer than a UMEM frame (MTU 3000, --frame-size 2048): a
#     warning at start, the XDP program passes them to the kernel (the
#     kernel answers the pings), the receiver counts them, and ordinary
#     frames still reach AF_XDP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

COUNT=200

# A veth pair like xh_setup's, with its own queue counts and MTU.
setup_pair() { # tag rx-queues peer-queues mtu
	local tag=$1 rxq=$2 txq=$3 mtu=$4
	XH_QUEUES=$rxq
	XH_NS_RX="xh${tag}$$r" XH_NS_TX="xh${tag}$$t"
	XH_RX_DEV="xh${tag}$$r" XH_TX_DEV="xh${tag}$$t"
	XH_RX_IP=$XH_RX_ADDR_PREFIX.1 XH_TX_IP=$XH_RX_ADDR_PREFIX.2
	XH_RX_MAC=02:78:68:00:00:01 XH_TX_MAC=02:78:68:00:00:02
	xh_netns_add "$XH_NS_RX"
	xh_netns_add "$XH_NS_TX"
	ip -n "$XH_NS_RX" link add "$XH_RX_DEV" numrxqueues "$rxq" numtxqueues "$rxq" \
		address "$XH_RX_MAC" mtu "$mtu" type veth peer name "$XH_TX_DEV" netns "$XH_NS_TX" \
		numrxqueues "$txq" numtxqueues "$txq" address "$XH_TX_MAC" mtu "$mtu" ||
		xh_die "cannot create veth pair $XH_RX_DEV/$XH_TX_DEV"
	ip -n "$XH_NS_RX" addr add "$XH_RX_IP/24" dev "$XH_RX_DEV"
	ip -n "$XH_NS_TX" addr add "$XH_TX_IP/24" dev "$XH_TX_DEV"
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" up
	ip -n "$XH_NS_TX" link set "$XH_TX_DEV" up
	xh_wait_carrier || xh_die "veth $XH_RX_DEV/$XH_TX_DEV did not come up"
}

# The defaults fall back and receive; the strict choices fail with the words.
check_refusal() { # what kernel-words-regex fix-regex [receiver options]
	local what=$1 words=$2 fix=$3 rc
	shift 3
	xh_start_receiver --json --interval 0 --count "$COUNT" "$@"
	if xh_wait_ready; then
		tap_result 0 "$what, defaults: receiver runs"
		tap_grep "$XH_RX_ERR" "^af_xdp_user: ready: .* xdp generic .* layout rx-time" \
			"$what, defaults: generic mode, software layout"
		tap_is "$(grep -c 'native XDP attach on .* refused' "$XH_RX_ERR")" 1 \
			"$what, defaults: one line says why"
		tap_grep "$XH_RX_ERR" "^af_xdp_user: hint layout xdp_hints_rx_time in generic mode: native XDP attach on $XH_RX_DEV refused: $words \\(.*\\); to get driver metadata: $fix" \
			"$what, defaults: the line carries veth's words and the fix"
		xh_send --flows 4 --count "$COUNT" --rate 20000 >/dev/null
		xh_wait_receiver 15
		tap_is "$XH_RX_RC" 0 "$what, defaults: exit status 0 at --count"
		tap_is "$(jq -r .total.packets <<<"$(xh_final_json)")" "$COUNT" \
			"$what, defaults: received all $COUNT frames"
	else
		tap_result 1 "$what, defaults: receiver runs" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver KILL
	fi
	for strict in "--xdp-mode native" "--hw-hints on"; do
		# shellcheck disable=SC2086
		timeout 20 ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" -q \
			--interval 0 --duration 1 $strict "$@" >/dev/null 2>"$XH_TMPDIR/strict.err"
		rc=$?
		tap_is "$rc" 1 "$what, $strict: exit status 1"
		tap_is "$(wc -l <"$XH_TMPDIR/strict.err")" 1 "$what, $strict: one line on stderr"
		tap_grep "$XH_TMPDIR/strict.err" "^af_xdp_user: $XH_RX_DEV: attaching XDP in native mode \\(driver veth\\): $words \\([A-Za-z ]+\\); fix: $fix" \
			"$what, $strict: names veth's words and the fix, no bare errno"
		tap_ok "$what, $strict: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	done
	tap_ok "$what: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}

xh_tmpdir

# ---- a peer with more TX queues than our RX queues --------------------------
setup_pair pq 2 4 1500
check_refusal "peer with 4 TX queues, 2 RX queues" \
	"veth: XDP expects number of rx queues not less than peer tx queues" \
	"give $XH_RX_DEV's peer no more TX queues than $XH_RX_DEV has RX queues"
xh_cleanup
xh_tmpdir

# ---- MTU 9000 -----------------------------------------------------------------
setup_pair mt 1 1 9000
# Single-buffer (--frags off): with --frags auto the tool receives these
# frames multi-buffer instead (tests/e2e/jumbo_frames.sh).
check_refusal "MTU 9000" "veth: Peer MTU is too large to set XDP" "lower the MTU" --frags off
# And the frames bigger than a UMEM frame, in generic mode.
xh_start_receiver --json --interval 0 --frags off
if xh_wait_ready; then
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: MTU 9000 allows 9018-byte frames \\(with a VLAN tag\\), but a 4096-byte UMEM frame holds at most 3840: longer frames pass to the kernel" \
		"MTU 9000: warns at start that longer frames pass to the kernel"
	ip netns exec "$XH_NS_TX" ping -q -c 3 -i 0.2 -W 2 -s 8000 -M "do" "$XH_RX_IP" >/dev/null
	tap_is "$?" 0 "MTU 9000, generic mode: the kernel answered 8 KB pings (they passed the XDP program)"
	xh_stop_receiver INT
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: [3-9] frame\\(s\\) longer than the 3840 bytes a 4096-byte UMEM frame holds passed to the kernel" \
		"MTU 9000, generic mode: the oversize frames are counted"
else
	tap_result 1 "MTU 9000: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
xh_cleanup
xh_tmpdir

# ---- frames bigger than a UMEM frame, native mode ---------------------------------
setup_pair fs 1 1 3000
xh_start_receiver --json --interval 0 --frame-size 2048 --xdp-mode native --frags off
if xh_wait_ready; then
	tap_result 0 "MTU 3000, --frame-size 2048: receiver runs in native mode"
	tap_is "$(grep -c 'MTU 3000 allows 3018-byte frames (with a VLAN tag), but a 2048-byte UMEM frame holds at most 1792: longer frames pass to the kernel (lower the MTU to 1774 or use --frame-size 4096)' "$XH_RX_ERR")" 1 \
		"MTU 3000, --frame-size 2048: one warning at start with the limit and the fix"
	ip netns exec "$XH_NS_TX" ping -q -c 4 -i 0.2 -W 2 -s 2500 -M "do" "$XH_RX_IP" >/dev/null
	tap_is "$?" 0 "the kernel answered every 2528-byte ping: the XDP program passed them"
	xh_static_neigh
	xh_send --flows 2 --count 100 --size 1514 --rate 20000 >/dev/null
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" 100 "1514-byte frames (they fit) still reach AF_XDP"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: [4-9] frame\\(s\\) longer than the 1792 bytes a 2048-byte UMEM frame holds passed to the kernel instead of AF_XDP" \
		"the oversize frames are counted and reported"
	tap_is "$(jq -r '[.queues[].xsk.rx_dropped] | add' <<<"${FINAL:-{\}}")" 0 "no frame dropped in the socket"
else
	tap_result 1 "MTU 3000, --frame-size 2048: receiver runs in native mode" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
