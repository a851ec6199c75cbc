#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# xdp_hints_traffic's choice of TX queue on a 4-queue veth pair, checked
# at the receiving end (native XDP: the peer's TX queue k is RX queue k):
#   explicit (default)  flow f on TX queue f mod 4 (one AF_XDP socket per
#                       queue): exactly a quarter of the frames per queue,
#                       on any kernel;
#   hash                AF_PACKET, the kernel's flow hash picks: every frame
#                       arrives, the spread is the kernel's business;
#   fallback            the sender's queues are taken (another AF_XDP
#                       socket holds them): one warning line, the hash
#                       path, every frame still arrives;
#   one flow            nothing to spread: the hash path, silently.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

QUEUES=4
FRAMES=800
xh_setup tq "$QUEUES"
xh_tmpdir
SEND_ERR=$XH_TMPDIR/send.err

jqf() { jq -r "$1" <<<"$FINAL"; }

# Receive $FRAMES frames sent with the given options; sets FINAL and SENT.
run_case() { # what xdp_hints_traffic-options...
	local what=$1
	shift
	xh_start_receiver --xdp-mode native --json --interval 0 --count "$FRAMES"
	if ! xh_wait_ready 15; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver KILL
		FINAL="" SENT=""
		return 1
	fi
	SENT=$(xh_send --count "$FRAMES" --rate 20000 --json "$@" 2>"$SEND_ERR")
	xh_wait_receiver 10
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .sent <<<"$SENT")" "$FRAMES" "$what: sender sent every frame"
	tap_is "$(jqf .total.packets)" "$FRAMES" "$what: every frame received"
}

what="explicit (default), 8 flows"
if run_case "$what" --flows 8; then
	tap_is "$(jq -r .queue_select <<<"$SENT")" explicit "$what: sender says explicit"
	tap_is "$(jq -r '.sent_per_queue | map(tostring) | join(" ")' <<<"$SENT")" "200 200 200 200" \
		"$what: sender counts a quarter per TX queue"
	tap_is "$(jqf '[.queues[].packets] | map(tostring) | join(" ")')" "200 200 200 200" \
		"$what: a quarter of the frames on each RX queue"
	tap_is "$(wc -c <"$SEND_ERR")" 0 "$what: sender prints nothing on stderr"
fi

what="explicit, 3 flows on 4 queues"
if run_case "$what" --flows 3; then
	tap_is "$(jq -r '.sent_per_queue | length' <<<"$SENT")" 3 "$what: as many TX queues as flows"
	tap_is "$(jqf '[.queues[].packets] | map(tostring) | join(" ")')" "267 267 266 0" \
		"$what: flow f on queue f, the fourth queue idle"
fi

what="--queue-select hash"
if run_case "$what" --flows 8 --queue-select hash; then
	tap_is "$(jq -r .queue_select <<<"$SENT")" hash "$what: sender says hash"
	tap_is "$(jq -r '.sent_per_queue | length' <<<"$SENT")" 0 "$what: no per-queue counts"
fi

what="one flow"
if run_case "$what" --flows 1; then
	tap_is "$(jq -r .queue_select <<<"$SENT")" hash "$what: nothing to spread, the kernel picks"
fi

# Fallback: a receiver on the sender's own end holds every queue of it.
what="sender's queues taken"
XH_NS_RX_SAVED=$XH_NS_RX XH_RX_DEV_SAVED=$XH_RX_DEV
XH_NS_RX=$XH_NS_TX XH_RX_DEV=$XH_TX_DEV
xh_start_receiver --xdp-mode native --interval 0
holder_pid=$XH_RX_PID
xh_wait_ready 15 || tap_diag "the queue holder did not start: $(tr '\n' '|' <"$XH_RX_ERR")"
XH_NS_RX=$XH_NS_RX_SAVED XH_RX_DEV=$XH_RX_DEV_SAVED
if run_case "$what" --flows 8; then
	tap_is "$(jq -r .queue_select <<<"$SENT")" hash "$what: falls back to the kernel's choice"
	tap_is "$(wc -l <"$SEND_ERR")" 1 "$what: one warning line"
	tap_grep "$SEND_ERR" "^xdp_hints_traffic: $XH_TX_DEV: cannot send on TX queue 0 with AF_XDP \(Device or resource busy\)" \
		"$what: the warning names the device, the queue and the cause"
fi
kill -INT "$holder_pid" 2>/dev/null
wait "$holder_pid" 2>/dev/null

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
