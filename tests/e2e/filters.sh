#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What reaches the AF_XDP sockets and what passes to the kernel, on a
# 4-queue veth in native mode: the UDP port and ethertype filters, VLAN
# tags, ARP (both our ARP frames and the kernel's own resolution through
# the XDP program), runt frames, single-queue binding, the layouts, and the
# receiver stopping by itself (--count, --duration) with interval reports.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

jqf() { jq -r "$1" <<<"$FINAL"; }

# Start a receiver with the given options; 1 (and a failed check) if it
# never gets ready.
start() { # what options...
	local what=$1
	shift
	xh_start_receiver --json --interval 0 "$@"
	if xh_wait_ready; then
		return 0
	fi
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
	return 1
}

# SIGINT the receiver and load its final report into $FINAL.
stop() {
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	[ -n "$FINAL" ] || FINAL='{}'
}

send() { xh_send --rate 20000 "$@" >/dev/null; }

# A counter of the receiving namespace's IP stack from /proc/net/snmp.
snmp() { # Ip|Udp field
	ip netns exec "$XH_NS_RX" awk -v p="$1:" -v f="$2" \
		'$1 == p { if (!n) { for (i = 2; i <= NF; i++) col[$i] = i; n = 1 } else print $col[f] }' \
		/proc/net/snmp
}

xh_setup f 4

# ---- --filter-udp-port ------------------------------------------------------
what="--filter-udp-port 9000"
if start "$what" --filter-udp-port 9000; then
	send --dst-port 9000 --flows 4 --count 300
	send --dst-port 9001 --flows 4 --count 200
	send --dst-port 9000 --flows 4 --count 50 --vlan 5
	stop
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(jqf .total.packets)" 350 "$what: only port-9000 frames received (300 plain + 50 VLAN-tagged)"
	tap_cmp "$(jqf '[.queues[].xdp.passed] | add')" -ge 200 "$what: the 200 port-9001 frames passed to the kernel"
	tap_is "$(jqf '[.queues[].xdp.redirected] | add')" 350 "$what: XDP redirected exactly the port-9000 frames"
	# The kernel checks what xdp_hints_traffic built: a bad IPv4 checksum
	# or length would count as an IP header error, not a UDP "no port".
	tap_cmp "$(snmp Udp NoPorts)" -ge 200 "$what: the kernel took the passed frames as valid UDP (NoPorts)"
	tap_is "$(snmp Ip InHdrErrors)" 0 "$what: no IPv4 header errors in the kernel"
fi

# ---- --filter-ethertype -----------------------------------------------------
what="--filter-ethertype 0x891d"
if start "$what" --filter-ethertype 0x891d; then
	send --ethertype 0x891d --count 150 --size 128
	send --flows 4 --count 100
	send --ethertype 0x88b5 --count 40
	stop
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(jqf .total.packets)" 150 "$what: only 0x891d frames received"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id')" 0 "$what: raw frames carry decodable hints"
	tap_cmp "$(jqf '[.queues[].xdp.passed] | add')" -ge 140 "$what: UDP and 0x88b5 frames passed to the kernel"
fi

# ---- ARP and runts pass to the kernel ----------------------------------------
what="ARP through the XDP program"
if start "$what"; then
	send --arp --count 20
	# Kernel to kernel: the sender has no neighbour entry, so this datagram
	# waits for an ARP exchange that must cross the XDP program both ways
	# (the request into the receiver's end, the reply out of it).
	ip -n "$XH_NS_TX" neigh flush dev "$XH_TX_DEV" 2>/dev/null
	ip netns exec "$XH_NS_TX" bash -c "echo xdp-hints >/dev/udp/$XH_RX_IP/9000" 2>/dev/null
	sleep 0.3
	send --runt --count 10
	tap_ok "$what: receiver survives runt frames" kill -0 "$XH_RX_PID"
	stop
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(jqf .total.packets)" 1 "$what: no ARP or runt frame reached AF_XDP, the kernel's datagram did"
	tap_cmp "$(jqf '[.queues[].xdp.passed] | add')" -ge 31 "$what: 20 ARP + 1 kernel ARP + 10 runts passed"
	tap_ok "$what: receiving kernel learnt the sender's MAC by ARP" \
		eval "ip -n '$XH_NS_RX' neigh show '$XH_TX_IP' | grep -qi 'lladdr $XH_TX_MAC'"
	tap_ok "$what: sending kernel resolved the receiver's MAC by ARP" \
		eval "ip -n '$XH_NS_TX' neigh show '$XH_RX_IP' | grep -qi 'lladdr $XH_RX_MAC'"
fi

# ---- --queue: one socket only ------------------------------------------------
what="--queue 1"
if start "$what" --queue 1; then
	# Which queue a flow lands on follows its hash (seeded per boot): 32
	# flows leave queue 1 empty with odds (3/4)^32; with 8 it was 1 in 10.
	send --flows 32 --count 800
	stop
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_is "$(jqf '[.queues[].queue] | join(",")')" 1 "$what: reports queue 1 only"
	tap_cmp "$(jqf .total.packets)" -gt 0 "$what: queue 1 received its flows"
	tap_cmp "$(jqf .total.packets)" -lt 800 "$what: other queues' flows were not received"
fi

# ---- layouts -----------------------------------------------------------------
for layout in rx-time mark; do
	what="--layout $layout"
	start "$what" --layout "$layout" --hw-hints off || continue
	send --flows 8 --count 400
	stop
	tap_is "$(jqf .total.packets)" 400 "$what: every frame received"
	key=xdp_hints_${layout/-/_}
	tap_is "$(jqf "[.total.layouts | to_entries[] | select(.value > 0) | .key] | join(\",\")")" "$key" \
		"$what: only $key decoded"
	if [ "$layout" = mark ]; then
		tap_is "$(jqf '.total.latency_ns.count // 0')" 0 "$what: no latency without rx_time"
		# The XDP program writes the receiving queue's index as the mark:
		# every frame's mark matches the queue that received it.
		tap_is "$(jqf .total.mark_mismatch)" 0 "$what: every mark names its own queue (mark_mismatch 0)"
	else
		tap_is "$(jqf .total.latency_ns.count)" 400 "$what: a latency sample per frame"
	fi
done

# ---- frames without a hint, and frames at the maximum size -----------------------
what="--layout none"
if start "$what" --layout none --hw-hints off; then
	send --flows 4 --count 100
	stop
	tap_is "$(jqf .total.packets)" 100 "$what: every frame received"
	tap_is "$(jqf .total.no_hint)" 100 "$what: every frame counted as carrying no hint"
	tap_is "$(jqf .total.unknown_btf_id)" 0 "$what: no stale btf_id read as a hint"
	tap_is "$(jqf '.total.latency_ns.count // 0')" 0 "$what: nothing timed without rx_ktime"
fi

what="1514-byte frames"
if start "$what" --pkt-info; then
	send --flows 4 --count 50 --size 1514
	stop
	tap_is "$(jqf .total.packets)" 50 "$what: every frame received"
	tap_is "$(jq -s '[.[] | select(.type == "packet" and .len == 1514)] | length' "$XH_RX_OUT")" 50 \
		"$what: every frame arrived whole (len 1514)"
	tap_is "$(jqf .total.latency_ns.count)" 50 "$what: every frame decoded and timed"
fi

# ---- driver RX metadata (kfuncs) ----------------------------------------------
# veth has RX-metadata kfuncs: in native mode the default (--hw-hints auto)
# loads the device-bound program and every frame carries xdp_hints_rx_hw
# with the driver's RSS hash, while veth's absent hardware timestamp is
# reported absent (bit clear, 0), not as a 0 ns time.  veth's hash is the
# skb's, set on the sending side: the flow hash when the kernel picks the TX
# queue (--queue-select hash), the socket's own hash for AF_XDP frames.
what="--hw-hints auto, native"
if start "$what" --xdp-mode native --pkt-info; then
	send --flows 8 --count 200 --queue-select hash
	stop
	tap_is "$(jqf .total.packets)" 200 "$what: every frame received"
	tap_is "$(jqf "[.total.layouts | to_entries[] | select(.value > 0) | .key] | join(\",\")")" xdp_hints_rx_hw \
		"$what: only xdp_hints_rx_hw decoded"
	tap_is "$(jqf .total.latency_ns.count)" 200 "$what: rx_ktime still timed by name"
	tap_is "$(jqf .total.hw_timestamps)" 0 "$what: veth hands out no hardware timestamp (hw_timestamps 0)"
	tap_ok "$what: says veth has no PHC" grep -q "$XH_RX_DEV has no PHC" "$XH_RX_ERR"
	tap_ok "$what: start-up line says which layout and why" grep -q 'hint layout xdp_hints_rx_hw: device-bound' "$XH_RX_ERR"
	hw=$(jq -c 'select(.type == "packet") | .hint.fields' "$XH_RX_OUT")
	tap_is "$(jq -s 'length' <<<"$hw")" 200 "$what: a decoded hint per frame"
	tap_is "$(jq -s '[.[] | select(.rx_hash != 0 and (.valid_bits % 4) >= 2)] | length' <<<"$hw")" 200 \
		"$what: every hint has a non-zero rx_hash and the hash valid bit"
	tap_is "$(jq -s '[.[] | select(.valid_bits % 2 == 1 or .rx_hw_timestamp != 0)] | length' <<<"$hw")" 0 \
		"$what: no hardware timestamp on veth: bit clear and field 0"
	tap_cmp "$(jq -s '[.[].rx_hash] | unique | length' <<<"$hw")" -gt 1 "$what: different flows, different hashes"
fi

what="--hw-hints auto, generic"
if start "$what" --xdp-mode generic; then
	send --flows 4 --count 100
	stop
	tap_is "$(jqf .total.layouts.xdp_hints_rx_time)" 100 "$what: software layout xdp_hints_rx_time"
	tap_ok "$what: start-up line says why" grep -q 'generic mode cannot call RX-metadata kfuncs' "$XH_RX_ERR"
fi

for bad in "--hw-hints on --xdp-mode generic" "--hw-hints on --layout mark" "--hw-hints maybe"; do
	# shellcheck disable=SC2086
	out=$(ip netns exec "$XH_NS_RX" "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" $bad 2>&1)
	rc=$?
	tap_is "$rc" 2 "$bad: usage error ($(head -n 1 <<<"$out"))"
done

# ---- stopping by itself --------------------------------------------------------
what="--count 500"
if start "$what" --count 500; then
	send --flows 8 --count 500
	xh_wait_receiver 10
	tap_result $? "$what: receiver exits by itself"
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" 500 "$what: final report counts 500 packets"
fi

what="--duration 1 --interval 0.25"
xh_start_receiver --json --duration 1 --interval 0.25
if xh_wait_ready; then
	send --flows 8 --count 200
	xh_wait_receiver 10
	tap_result $? "$what: receiver exits by itself"
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_ok "$what: ran between 0.9 and 3 seconds" \
		eval 'jq -e ".duration_s >= 0.9 and .duration_s < 3" <<<"${FINAL:-{\}}" >/dev/null'
	tap_cmp "$(jq -c 'select(.type == "interval")' "$XH_RX_OUT" | wc -l)" -ge 2 "$what: interval reports printed"
	tap_is "$(tail -n 1 "$XH_RX_OUT" | jq -r .type)" final "$what: the final report is the last line"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- human output ------------------------------------------------------------
what="human report"
xh_start_receiver --interval 0
if xh_wait_ready; then
	send --flows 8 --count 100
	sleep 0.3
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	# The final report's first table: header "queue packets ...", one row
	# per queue, then "total". Its packets column, read by position.
	table=$(awk '/^final:/ { f = 1; next }
		f && $1 == "queue" && $2 == "packets" { t = 1; next }
		t && $1 == "total" { print "total", $2; exit }
		t && $1 ~ /^[0-9]+$/ { sum += $2 }
		END { print "queues", sum + 0 }' "$XH_RX_OUT")
	tap_is "$(awk '$1 == "total" { print $2 }' <<<"$table")" 100 \
		"$what: the total row's packets column is 100"
	tap_is "$(awk '$1 == "queues" { print $2 }' <<<"$table")" 100 \
		"$what: the queue rows' packets add up to 100"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

tap_ok "no XDP program left on $XH_RX_DEV" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
