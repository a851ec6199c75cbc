#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Safety: the receiver redirects every frame of its interface to AF_XDP
# unless a filter says otherwise, which on the interface that carries the
# default route would cut the machine off the network.  In a namespace
# where the veth carries the default route (IPv4, then IPv6) it must refuse
# without a filter (exit 1, one line suggesting the filters and --force),
# and run with -u PORT or --force; a multipath (ECMP) default route with a
# nexthop on the interface counts too.  A default route in any routing table
# counts (policy routing may use it); plain routes do not.  So does a
# default route through a device stacked on the veth: a macvlan on it, a
# bridge it is a port of (VLAN devices and bonds are the same case, but
# this kernel may lack them).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

COUNT=200
UDP_PORT=9000 # xdp_hints_traffic's default destination port

xh_setup dr 4
xh_tmpdir
ERR=$XH_TMPDIR/refused.err

run_rx_q() { # options...
	timeout 20 ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" -q \
		--json --interval 0 "$@" >/dev/null 2>"$ERR"
}

expect_refused() { # what family(IPv4/IPv6) [options...]
	local what=$1 family=$2 rc
	shift 2
	run_rx_q "$@"
	rc=$?
	tap_is "$rc" 1 "$what: refused with exit status 1"
	tap_is "$(wc -l <"$ERR")" 1 "$what: one line on stderr"
	tap_grep "$ERR" "^af_xdp_user: $XH_RX_DEV: ${CARRIER:+is the lower device of $CARRIER, which }carries the $family default route${TABLE:+ \\(routing table $TABLE\\)}: .*--filter-udp-port.*--filter-ethertype.*--force" \
		"$what: says why and suggests the filters or --force"
	tap_ok "$what: no XDP program attached" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}

expect_runs() { # what options...
	local what=$1
	shift
	xh_start_receiver --json --interval 0 --count "$COUNT" "$@"
	if ! xh_wait_ready; then
		xh_wait_receiver 5
		tap_result 1 "$what: receiver runs" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_result 0 "$what: receiver runs"
	xh_send --flows 8 --count "$COUNT" --rate 20000 >/dev/null
	xh_wait_receiver 15
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 at --count"
	tap_is "$(jq -r .total.packets <<<"$(xh_final_json)")" "$COUNT" "$what: received exactly $COUNT"
}

# No default route at all: runs without a filter.
expect_runs "no default route, no filter"

# A plain route is not the way out.
ip -n "$XH_NS_RX" route add 10.99.0.0/16 via "$XH_TX_IP" dev "$XH_RX_DEV"
expect_runs "a plain route, no filter"
ip -n "$XH_NS_RX" route del 10.99.0.0/16

# A default route in another table may be (ip rule decides): refused.
ip -n "$XH_NS_RX" route add default via "$XH_TX_IP" dev "$XH_RX_DEV" table 100
TABLE=100 expect_refused "default route only in table 100, no filter" IPv4
ip -n "$XH_NS_RX" route del default table 100

# A macvlan on the veth carries the default route: its frames come in
# through the veth, where XDP would take them first.
MV=mv$$
if ip -n "$XH_NS_RX" link add link "$XH_RX_DEV" name "$MV" type macvlan mode bridge; then
	ip -n "$XH_NS_RX" addr add 10.77.1.1/24 dev "$MV"
	ip -n "$XH_NS_RX" link set "$MV" up
	ip -n "$XH_NS_RX" route add default via 10.77.1.2 dev "$MV"
	CARRIER=$MV expect_refused "macvlan on the veth carries the default route" IPv4
	ip -n "$XH_NS_RX" route del default
	ip -n "$XH_NS_RX" route add default via 10.77.1.2 dev "$MV" table 200
	CARRIER=$MV TABLE=200 expect_refused "macvlan on the veth, default route in table 200" IPv4
	ip -n "$XH_NS_RX" route del default table 200
	expect_runs "macvlan on the veth without a default route, no filter"
	ip -n "$XH_NS_RX" link del "$MV"
else
	tap_result 0 "macvlan on the veth # SKIP this kernel has no macvlan"
fi

# A bridge the veth is a port of carries the default route.
BR=br$$
if ip -n "$XH_NS_RX" link add "$BR" type bridge; then
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" master "$BR"
	ip -n "$XH_NS_RX" addr add 10.77.2.1/24 dev "$BR"
	ip -n "$XH_NS_RX" link set "$BR" up
	ip -n "$XH_NS_RX" route add default via 10.77.2.2 dev "$BR"
	CARRIER=$BR expect_refused "bridge with the veth as a port carries the default route" IPv4
	ip -n "$XH_NS_RX" route del default
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" nomaster
	ip -n "$XH_NS_RX" link del "$BR"
	xh_wait_carrier
else
	tap_result 0 "bridge port # SKIP this kernel has no bridge"
fi

ip -n "$XH_NS_RX" route add default via "$XH_TX_IP" dev "$XH_RX_DEV"
expect_refused "IPv4 default route, no filter" IPv4
expect_refused "IPv4 default route, --layout mark and no filter" IPv4 --layout mark
expect_runs "IPv4 default route, -u $UDP_PORT" -u "$UDP_PORT"
expect_runs "IPv4 default route, --force" --force
ip -n "$XH_NS_RX" route del default

# A multipath (ECMP) default route: the interface is one of its nexthops,
# and not the first. The other nexthop is a veth pair inside the receiving
# namespace (it goes with the namespace).
other=xhe$$
ip -n "$XH_NS_RX" link add "${other}a" type veth peer name "${other}b"
ip -n "$XH_NS_RX" addr add 10.254.1.1/24 dev "${other}a"
ip -n "$XH_NS_RX" link set "${other}a" up
ip -n "$XH_NS_RX" link set "${other}b" up
if ip -n "$XH_NS_RX" route add default nexthop via 10.254.1.2 dev "${other}a" \
	nexthop via "$XH_TX_IP" dev "$XH_RX_DEV"; then
	expect_refused "IPv4 multipath default route, second nexthop, no filter" IPv4
	expect_runs "IPv4 multipath default route, -u $UDP_PORT" -u "$UDP_PORT"
	ip -n "$XH_NS_RX" route del default
else
	tap_result 1 "IPv4 multipath default route added" "ip route add ... nexthop failed"
fi
# ECMP over other interfaces only: not this interface's route.
if ip -n "$XH_NS_RX" route add default nexthop via 10.254.1.2 dev "${other}a" \
	nexthop via 10.254.1.3 dev "${other}a"; then
	expect_runs "IPv4 multipath default route over another interface, no filter"
	ip -n "$XH_NS_RX" route del default
else
	tap_result 1 "IPv4 multipath default route over another interface added" "ip route add failed"
fi
ip -n "$XH_NS_RX" link del "${other}a"

# IPv6: netns_lib disables it for exact counts; enable it on the
# receiving end for the refusal only.
ip netns exec "$XH_NS_RX" sysctl -qw "net.ipv6.conf.$XH_RX_DEV.disable_ipv6=0" \
	net.ipv6.conf.all.disable_ipv6=0 >/dev/null
if ip -n "$XH_NS_RX" -6 route add default via fe80::2 dev "$XH_RX_DEV" 2>/dev/null; then
	expect_refused "IPv6 default route, no filter" IPv6
	run_rx_q -u "$UDP_PORT" --duration 0.2
	tap_is "$?" 0 "IPv6 default route, -u $UDP_PORT: runs"
else
	tap_result 1 "IPv6 default route added" "ip -6 route add failed"
fi

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
