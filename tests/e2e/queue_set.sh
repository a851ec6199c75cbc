#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The set of RX queues the receiver binds.  A NIC reports its queues as
# ethtool channels, rx_count + combined_count of them (some drivers mix
# both kinds: "rx 1 combined 3" is four RX queues); a driver without
# channel ops (EOPNOTSUPP) leaves the kernel's count, real_num_rx_queues,
# which sysfs shows as queues/rx-N.  We have no such NIC, so an LD_PRELOAD
# shim (tests/shim/ethtool_channels_shim.c) makes ETHTOOL_GCHANNELS answer
# for a 4-queue veth what such drivers answer.  Each case must name its
# source in the -vv line, announce the right queues in its ready line and,
# in native mode, receive on each of them exactly what was sent there.
#
# Frames reach a chosen queue deterministically: native XDP on veth runs on
# the RX queue whose index is the peer's TX queue, and XPS (xps_cpus) with
# the sender pinned to CPU 0 picks that TX queue.  Queue k gets
# (k + 1) x $PER_QUEUE frames, so a frame on the wrong queue shows.
#
# Then real drivers, no shim: a multi-queue tap with 4 queues attached
# (tests/e2e/mq_tap.py; tun reports one combined channel per queue), where
# frames written to queue k's descriptor must be counted on queue k; and a
# macvlan, which has no channel ops at all.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic tests/ethtool_channels_shim.so
xh_install_trap

SHIM=$XH_BUILD/tests/ethtool_channels_shim.so
PER_QUEUE=50
# The shim loads before the ASan runtime in the sanitized pass.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

jqf() { jq -r "$1" <<<"$FINAL"; }

# Receiver on the veth with the shim answering @spec for ETHTOOL_GCHANNELS.
start_with_channels() { # spec af_xdp_user options...
	local spec=$1
	shift
	LD_PRELOAD=$SHIM XH_SHIM_DEV=$XH_RX_DEV XH_SHIM_CHANNELS=$spec \
		xh_start_receiver -v -v --json --interval 0 "$@"
}

# Send @count frames that leave the peer on TX queue @queue (so arrive on
# RX queue @queue): XPS maps CPU 0 to that queue alone, the sender runs there.
send_to_queue() { # queue count
	local q
	for q in $(seq 0 $((XH_QUEUES - 1))); do
		ip netns exec "$XH_NS_TX" sh -c "echo $([ "$q" = "$1" ] && echo 1 || echo 0) > /sys/class/net/$XH_TX_DEV/queues/tx-$q/xps_cpus" ||
			return 1
	done
	[ "$(ip netns exec "$XH_NS_TX" taskset -c 0 "$XH_BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --flows 4 --count "$2" --rate 20000 --queue-select hash --json |
		jq -r .sent)" = "$2" ]
}

# The queue ids of the ready line, "0-3".
ready_queues() {
	sed -n 's/^af_xdp_user: ready:.* queues \([0-9]*-[0-9]*\) .*/\1/p' "$XH_RX_ERR"
}

# A 4-queue veth whose channels read @spec: all 4 bound, each receiving
# exactly what was sent to it, the count's source named.
exact_per_queue() { # what spec source-regex
	local what=$1 spec=$2 source=$3 q expected
	start_with_channels "$spec" --xdp-mode native
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver INT
		return
	fi
	tap_result 0 "$what: receiver ready"
	tap_grep "$XH_RX_ERR" "$XH_RX_DEV: .* 4 RX queue\\(s\\): $source" "$what: 4 RX queues, from $source"
	tap_is "$(ready_queues)" 0-3 "$what: ready line announces queues 0-3"
	for q in 0 1 2 3; do
		send_to_queue "$q" $(( (q + 1) * PER_QUEUE )) ||
			tap_result 1 "$what: send $(( (q + 1) * PER_QUEUE )) frames to queue $q"
	done
	sleep 0.3 # let the last frames through the rings before stopping
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 after SIGINT"
	FINAL=$(xh_final_json)
	tap_is "$(jqf '[.queues[].queue] | join(",")')" "0,1,2,3" "$what: one report entry per queue 0-3"
	expected=$(for q in 0 1 2 3; do echo -n "$(( (q + 1) * PER_QUEUE )),"; done)
	tap_is "$(jqf '[.queues[].packets] | join(",")'),"  "$expected" \
		"$what: each queue received exactly what was sent to it"
	tap_is "$(jqf '[.queues[].xdp.redirected] | join(",")'),"  "$expected" \
		"$what: XDP redirected exactly that on each queue"
	tap_is "$(jqf .total.packets)" $((10 * PER_QUEUE)) "$what: total is every frame sent"
	tap_ok "$what: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}

# Only the announced queues: the channels, not the device's 4, decide.
announced_only() { # what spec queues
	start_with_channels "$2" --xdp-mode native
	if xh_wait_ready; then
		tap_is "$(ready_queues)" "$3" "$1: ready line announces queues $3"
	else
		tap_result 1 "$1: ready line announces queues $3" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
	xh_stop_receiver INT
}

xh_setup qs 4
xh_static_neigh
exact_per_queue "channels rx 1 + combined 3" "rx=1,combined=3" "ethtool channels rx 1 \\+ combined 3"
exact_per_queue "channels combined 4" "combined=4" "ethtool channels rx 0 \\+ combined 4"
exact_per_queue "no channel ops (EOPNOTSUPP)" eopnotsupp "no ethtool channels, sysfs queues/rx-N"
announced_only "channels rx 2 + combined 0" "rx=2" 0-1
announced_only "channels rx 1 + combined 1" "rx=1,combined=1" 0-1
xh_cleanup

# ---- real drivers -----------------------------------------------------------
# tun reports one combined channel per attached queue; no shim here.
tap_queues_case() {
	local what="multi-queue tap with 4 queues attached" q expected=""
	xh_tmpdir
	XH_NS_RX="xhmq$$r"
	XH_RX_DEV="xhmq$$"
	xh_netns_add "$XH_NS_RX"
	# The helper attaches 4 queues and keeps them while it reads commands.
	coproc MQTAP { ip netns exec "$XH_NS_RX" python3 "$here/mq_tap.py" "$XH_RX_DEV" 4 2>&1; }
	read -r -t 10 line <&"${MQTAP[0]}"
	if [ "${line:-}" != attached ]; then
		tap_result 0 "$what # SKIP cannot create it here: ${line:-no answer}"
		return
	fi
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" up
	xh_start_receiver -v -v --json --interval 0 --xdp-mode native
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver INT
		echo quit >&"${MQTAP[1]}"
		return
	fi
	tap_grep "$XH_RX_ERR" "$XH_RX_DEV: .* 4 RX queue\\(s\\): ethtool channels rx 0 \\+ combined 4" \
		"$what: 4 RX queues, the driver's combined channels"
	tap_is "$(ready_queues)" 0-3 "$what: ready line announces queues 0-3"
	for q in 0 1 2 3; do
		echo "send $q $(( (q + 1) * 10 ))" >&"${MQTAP[1]}"
		read -r -t 10 line <&"${MQTAP[0]}"
		expected+="$(( (q + 1) * 10 )),"
	done
	sleep 0.3
	xh_stop_receiver INT
	echo quit >&"${MQTAP[1]}"
	wait "$MQTAP_PID" 2>/dev/null
	FINAL=$(xh_final_json)
	tap_is "$(jqf '[.queues[].packets] | join(",")'),"  "$expected" \
		"$what: frames written to queue k's descriptor counted on queue k"
	tap_ok "$what: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}
tap_queues_case

# macvlan has no channel ops (ethtool -l fails): the kernel's count, from
# sysfs.  Frames reach it through the stack of its veth lower device, so
# generic XDP, and the queue each lands on is the stack's choice: the
# total is exact, the split is not checked.
macvlan_case() {
	local what="macvlan with 4 RX queues (no channel ops)" mac sent
	xh_setup mv 4
	XH_RX_DEV="xhmv$$m"
	ip -n "$XH_NS_RX" link add "$XH_RX_DEV" numrxqueues 4 numtxqueues 4 link "xhmv$$r" \
		type macvlan mode private || { tap_result 1 "$what: created"; return; }
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" up
	mac=$(ip netns exec "$XH_NS_RX" cat "/sys/class/net/$XH_RX_DEV/address")
	tap_is "$(ip netns exec "$XH_NS_RX" ethtool -l "$XH_RX_DEV" >/dev/null 2>&1; echo $?)" 1 \
		"$what: the driver has no channel ops (ethtool -l fails)"
	xh_start_receiver -v -v --json --interval 0 --xdp-mode generic
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver INT
		return
	fi
	tap_grep "$XH_RX_ERR" "$XH_RX_DEV: .* 4 RX queue\\(s\\): no ethtool channels, sysfs" \
		"$what: 4 RX queues, from sysfs"
	tap_is "$(ready_queues)" 0-3 "$what: ready line announces queues 0-3"
	ip -n "$XH_NS_TX" neigh replace "$XH_RX_IP" lladdr "$mac" dev "$XH_TX_DEV" nud permanent
	sent=$(ip netns exec "$XH_NS_TX" "$XH_BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$mac" --dst-ip "$XH_RX_IP" --flows 8 --count 400 --rate 20000 --json | jq -r .sent)
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	tap_is "$(jqf '.queues | length')" 4 "$what: one report entry per queue"
	tap_is "$(jqf .total.packets)" "$sent" "$what: every frame sent received ($sent)"
	tap_ok "$what: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}
macvlan_case

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
