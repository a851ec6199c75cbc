#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# How the receiver ends: SIGINT, SIGTERM and SIGHUP give the final report
# and exit 0; SIGKILL gives nothing, but the bpf_link dies with the process
# so no XDP program stays on the interface and the namespace can go; an
# interface deleted under a running receiver is a runtime error (exit 1).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

# Poll: the link is released when the dead process's files are closed.
xdp_gone_within() { # seconds
	local i
	for i in $(seq $(($1 * 20))); do
		xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV" || return 0
		sleep 0.05
	done
	return 1
}

xh_setup s 4

for sig in INT TERM HUP; do
	what="SIG$sig"
	xh_start_receiver --json --interval 0
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		continue
	fi
	xh_send --flows 8 --count 400 --rate 20000 >/dev/null
	sleep 0.3
	xh_stop_receiver "$sig"
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" 400 "$what: final report printed with every packet"
	tap_ok "$what: no XDP program left" xdp_gone_within 2
done

what=SIGKILL
xh_start_receiver --json --interval 0
if xh_wait_ready; then
	tap_ok "$what: XDP program attached while running" xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"
	xh_send --flows 8 --count 100 --rate 20000 >/dev/null
	xh_stop_receiver KILL
	tap_is "$XH_RX_RC" 137 "$what: killed by the signal"
	tap_ok "$what: no XDP program left on the interface" xdp_gone_within 2
	tap_is "$(ip -n "$XH_NS_RX" -d link show dev "$XH_RX_DEV" | grep -cE 'prog/xdp|xdp(generic|drv|offload)?( |$)')" 0 \
		"$what: 'ip -d link show' has no xdp line"
	# The interface is clean enough for a new receiver without --force.
	xh_start_receiver --json --interval 0 --count 50
	if xh_wait_ready; then
		xh_send --flows 8 --count 50 --rate 20000 >/dev/null
		xh_wait_receiver 10
		tap_is "$XH_RX_RC" 0 "$what: a new receiver attaches afterwards without --force"
	else
		tap_result 1 "$what: a new receiver attaches afterwards without --force" \
			"$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# Interface deleted under a running receiver: ONE line naming it, exit 1.
what="interface deleted while running"
xh_start_receiver --json --interval 0
if xh_wait_ready; then
	ip -n "$XH_NS_RX" link del "$XH_RX_DEV"
	xh_wait_receiver 10
	tap_result $? "$what: receiver exits by itself"
	tap_is "$XH_RX_RC" 1 "$what: exit status 1"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: .*$XH_RX_DEV.*(disappeared|gone|no such|removed)" \
		"$what: says the interface is gone"
	tap_is "$(jq -r .type <<<"$(tail -n 1 "$XH_RX_OUT")" 2>/dev/null)" final "$what: final report still printed"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# Namespaces go away even right after a SIGKILLed receiver.
rx_ns=$XH_NS_RX
tx_ns=$XH_NS_TX
ip netns del "$rx_ns"
tap_is "$?" 0 "ip netns del of the receiver's namespace succeeds"
ip netns del "$tx_ns"
tap_is "$?" 0 "ip netns del of the sender's namespace succeeds"
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
