#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Control traffic stays with the kernel, under every filter and with none,
# behind VLAN tags (802.1Q, 802.1ad QinQ, three tags) and IPv6 extension
# headers (the list is in af_xdp_kern.c).  On a veth in native mode:
#
#   - every control frame kind (ARP, RS/NS/NA, MLD query and report behind
#     hop-by-hop, NS behind hop-by-hop + destination options, IGMP, STP,
#     and DHCP, DHCPv6, PTP, LLDP, LACP unless named) with 0..3 tags is
#     passed, while UDP data frames with the same tags and behind IPv6
#     extension headers are received exactly: no filter, --filter-udp-port,
#     --filter-ethertype 0x8100 (the outer type) and 0x88a8;
#   - --filter-udp-port 67 and --filter-ethertype 0x88f7 select DHCP and
#     PTP: named control traffic can still be measured;
#   - a first IPv4 fragment stays with the kernel under --filter-udp-port;
#   - kernel to kernel over QinQ (802.1ad 100 / 802.1Q 200 VLAN devices on
#     both ends): with no filter, ARP and IPv6 neighbour discovery reach
#     the receiving kernel (its answers show in the sender's neighbour
#     table) while the echo requests go to AF_XDP; with a UDP filter, ping
#     and ping -6 work.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user
xh_install_trap
command -v python3 >/dev/null || xh_die "python3 is not installed"

EACH=4
ALWAYS="arp rs ns na mld-query mld-report ns-ext igmp stp"
NAMED="dhcp dhcpv6 ptp-udp ptp-l2 lldp lacp"
TAG_SETS=("" "8100" "88a8,8100" "88a8,8100,8100")
DATA_TAG_SETS=("" "8100" "88a8,8100")

raw() { # kind count [tpids]
	ip netns exec "$XH_NS_TX" python3 "$here/raw_frames.py" "$XH_TX_DEV" "$XH_RX_MAC" "$@"
}

jqf() { jq -r "$1" <<<"$FINAL"; }

start() { # what options...
	local what=$1
	shift
	xh_start_receiver --json --interval 0 --xdp-mode native "$@"
	if xh_wait_ready; then
		return 0
	fi
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
	return 1
}

stop() {
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	[ -n "$FINAL" ] || FINAL='{}'
}

xh_setup ct 1

# ---- every control kind, with and without tags, under each filter ------------
# expected data frames received: each data kind x each data tag set x EACH,
# as far as the filter takes them.
for filter in "none" "--filter-udp-port 9000" "--filter-ethertype 0x8100" "--filter-ethertype 0x88a8"; do
	case $filter in
	none) opts=(); want=$((2 * 3 * EACH)) ;;
	--filter-udp-port*) read -ra opts <<<"$filter"; want=$((2 * 3 * EACH)) ;;
	*0x8100) read -ra opts <<<"$filter"; want=$((2 * 2 * EACH)) ;;
	*0x88a8) read -ra opts <<<"$filter"; want=$((2 * 1 * EACH)) ;;
	esac
	what="filter $filter"
	start "$what" "${opts[@]}" || continue
	controls=0
	for tags in "${TAG_SETS[@]}"; do
		for kind in $ALWAYS $NAMED; do
			raw "$kind" "$EACH" "$tags" || tap_result 1 "$what: send $kind [$tags]"
			controls=$((controls + EACH))
		done
	done
	for tags in "${DATA_TAG_SETS[@]}"; do
		raw udp "$EACH" "$tags"
		raw udp6-ext "$EACH" "$tags"
	done
	stop
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(jqf .total.packets)" "$want" \
		"$what: exactly the $want UDP data frames it selects reached AF_XDP, none of $controls control frames"
	tap_cmp "$(jqf '[.queues[].xdp.passed] | add')" -ge "$controls" \
		"$what: all $controls control frames passed to the kernel"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id')" 0 "$what: every received frame carried a hint"
done

# ---- named control traffic can be the measured traffic -----------------------
what="--filter-udp-port 67 (DHCP named)"
if start "$what" --filter-udp-port 67; then
	raw dhcp "$EACH" "88a8,8100"
	raw arp "$EACH" "88a8,8100"
	stop
	tap_is "$(jqf .total.packets)" "$EACH" "$what: DHCP in QinQ received, ARP not"
fi
what="--filter-ethertype 0x88f7 (PTP named)"
if start "$what" --filter-ethertype 0x88f7; then
	raw ptp-l2 "$EACH" "8100"
	raw lldp "$EACH" "8100"
	stop
	tap_is "$(jqf .total.packets)" "$EACH" "$what: PTP received, LLDP not"
fi

# ---- fragments under the UDP filter ----------------------------------------------
what="--filter-udp-port 9000, first IPv4 fragment"
if start "$what" --filter-udp-port 9000; then
	raw udp-first-fragment "$EACH"
	raw udp "$EACH"
	stop
	tap_is "$(jqf .total.packets)" "$EACH" "$what: the fragment stays with the kernel, whole datagrams are received"
fi

# ---- kernel to kernel over QinQ, through the running receiver ---------------------
qinq_stack() { # namespace device address4 address6
	# IPv6 on the new VLAN devices only (netns_lib turned it off).
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null &&
	ip -n "$1" link add link "$2" name "$2.s" type vlan proto 802.1ad id 100 &&
	ip -n "$1" link add link "$2.s" name "$2.c" type vlan proto 802.1Q id 200 &&
	ip -n "$1" link set "$2.s" up && ip -n "$1" link set "$2.c" up &&
	ip -n "$1" addr add "$3/24" dev "$2.c" && ip -n "$1" -6 addr add "$4/64" dev "$2.c" nodad
}
RX_V=rv$$ TX_V=tv$$
ip -n "$XH_NS_RX" link set "$XH_RX_DEV" name "$RX_V" && ip -n "$XH_NS_TX" link set "$XH_TX_DEV" name "$TX_V"
XH_RX_DEV=$RX_V XH_TX_DEV=$TX_V
if ! ip -n "$XH_NS_RX" link add link "$RX_V" name vlanprobe type vlan id 1 2>/dev/null; then
	tap_result 0 "QinQ kernel to kernel # SKIP this kernel has no 802.1Q VLAN devices (CONFIG_VLAN_8021Q)"
elif ip -n "$XH_NS_RX" link del vlanprobe && qinq_stack "$XH_NS_RX" "$RX_V" 10.78.0.1 fd00:78::1 &&
     qinq_stack "$XH_NS_TX" "$TX_V" 10.78.0.2 fd00:78::2; then
	# No filter: the echo requests go to AF_XDP (no reply comes), but the
	# neighbour resolution before them must have gone through the kernel.
	what="QinQ, kernel to kernel, no filter"
	if start "$what"; then
		ip netns exec "$XH_NS_TX" ping -q -c 2 -i 0.2 -W 1 10.78.0.1 >/dev/null
		ip netns exec "$XH_NS_TX" ping -6 -q -c 2 -i 0.2 -W 1 fd00:78::1 >/dev/null
		tap_ok "$what: the receiving kernel answered ARP in 802.1ad + 802.1Q" \
			eval "ip -n '$XH_NS_TX' neigh show 10.78.0.1 | grep -qi 'lladdr $XH_RX_MAC'"
		tap_ok "$what: the receiving kernel answered the neighbour solicitation in QinQ" \
			eval "ip -n '$XH_NS_TX' -6 neigh show fd00:78::1 | grep -qi 'lladdr $XH_RX_MAC'"
		tap_ok "$what: the receiving kernel learnt the sender's MAC" \
			eval "ip -n '$XH_NS_RX' neigh show 10.78.0.2 | grep -qi 'lladdr $XH_TX_MAC'"
		stop
		tap_is "$XH_RX_RC" 0 "$what: exit status 0"
		tap_is "$(jqf .total.packets)" 4 "$what: the 4 echo requests (IPv4, IPv6) reached AF_XDP"
	fi
	# With a filter that leaves ICMP alone, the pings themselves work.
	what="QinQ, kernel to kernel, --filter-udp-port 9000"
	if start "$what" --filter-udp-port 9000; then
		ip -n "$XH_NS_TX" neigh flush dev "$TX_V.c"
		ip -n "$XH_NS_TX" -6 neigh flush dev "$TX_V.c"
		ip netns exec "$XH_NS_TX" ping -q -c 2 -i 0.2 -W 2 10.78.0.1 >/dev/null
		tap_is "$?" 0 "$what: ping over QinQ works"
		ip netns exec "$XH_NS_TX" ping -6 -q -c 2 -i 0.2 -W 2 fd00:78::1 >/dev/null
		tap_is "$?" 0 "$what: ping -6 over QinQ works"
		stop
		tap_is "$(jqf .total.packets)" 0 "$what: nothing taken"
	fi
else
	tap_result 1 "QinQ VLAN devices created"
fi

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
