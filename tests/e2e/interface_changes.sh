#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What changes under a running receiver is noticed (common/receiver/
# netdev_watch.c, checked once a second): one line naming the interface
# and what happened, exit status 1, soon after the change, and no XDP
# program left behind.  A rename is followed instead: the receiver says so,
# keeps receiving on the renamed interface and ends normally.
#
# Cases: deleted; taken down; deleted and re-created under the same name; renamed
# (then receiving; then deleted, taken down, or given more RX queues, each
# under the new name); moved to another
# network namespace; our bpf_link detached from outside (bpftool link
# detach), in wakeup mode and with --threads; the program in our link
# replaced (tests/helpers/xdp_link_replace); RX queues added (ethtool -L
# on the veth).  Removing a bound queue is refused by the kernel: checked
# too, as are queues added and removed that were never bound (no reason
# to stop).
#
# "Soon" is measured from the moment the change command returned to the
# moment the receiver had exited: the check runs every second, the bound
# (MAX_REACT_MS) leaves room for a loaded 2-core machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v bpftool >/dev/null || xh_die "'bpftool' is not installed"
xh_install_trap

MAX_REACT_MS=${MAX_REACT_MS:-3000}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# The id of the XDP program attached to a device, or nothing.
xdp_prog_id() { # namespace device
	ip -n "$1" -d link show dev "$2" 2>/dev/null |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1
}

# The program is freed once the receiver's link and object are closed;
# the kernel frees its id a little later (deferred put): poll.
prog_gone_within() { # prog_id seconds
	local i
	for i in $(seq $(($2 * 20))); do
		bpftool prog show id "$1" >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	return 1
}

no_xdp_on() { # namespace device
	! xh_xdp_attached "$1" "$2"
}

# A fresh wire for each case: every case changes or removes it.
new_wire() { # tag queues
	xh_cleanup
	xh_setup "$1" "$2"
	xh_static_neigh
}

# Start a receiver; sets PROG_ID.  1 if it did not start.
start_rx() { # what receiver-options...
	local what=$1
	shift
	xh_start_receiver --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return 1
	fi
	PROG_ID=$(xdp_prog_id "$XH_NS_RX" "$XH_RX_DEV")
	if [ -z "$PROG_ID" ]; then
		tap_result 1 "$what: XDP program attached" "$(ip -n "$XH_NS_RX" -d link show dev "$XH_RX_DEV")"
		return 1
	fi
	return 0
}

start_case() { # what tag queues receiver-options...
	local what=$1
	new_wire "$2" "$3"
	shift 3
	start_rx "$what" "$@"
}

# After the change: the receiver exits by itself with status 1, soon,
# with one line matching @regex, and its program is gone.
expect_stop() { # what regex
	local what=$1 regex=$2 t0 elapsed
	t0=$(now_ms)
	xh_wait_receiver 10
	tap_result $? "$what: receiver exits by itself"
	elapsed=$(( $(now_ms) - t0 ))
	tap_diag "$what: exited ${elapsed} ms after the change"
	tap_is "$XH_RX_RC" 1 "$what: exit status 1"
	tap_cmp "$elapsed" -lt "$MAX_REACT_MS" "$what: within ${MAX_REACT_MS} ms of the change"
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $regex" "$what: says what happened"
	tap_is "$(grep -cE "^af_xdp_user: .*(deleted|re-created|moved|detached|replaced|went from|went down|disappeared|not ours|any more)" "$XH_RX_ERR")" 1 \
		"$what: one message"
	tap_is "$(jq -r .type <<<"$(tail -n 1 "$XH_RX_OUT")" 2>/dev/null)" final "$what: final report still printed"
	tap_ok "$what: our XDP program ($PROG_ID) is gone" prog_gone_within "$PROG_ID" 3
}

# The receiver is still running, receives every frame sent now, and ends
# with status 0 on SIGINT.
expect_runs_on() { # what flows count
	local what=$1
	tap_ok "$what: receiver still running" kill -0 "$XH_RX_PID"
	xh_send --flows "$2" --count "$3" --rate 20000 >/dev/null
	sleep 0.5
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 on SIGINT"
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" "$3" "$what: every frame sent afterwards received"
}

# Up to 5 s for a line in the receiver's stderr (or for its exit).
wait_for_line() { # regex
	local i
	for i in $(seq 100); do
		grep -qE "$1" "$XH_RX_ERR" && return 0
		kill -0 "$XH_RX_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# ---- deleted -----------------------------------------------------------------
what="deleted"
if start_case "$what" del 4; then
	ip -n "$XH_NS_RX" link del "$XH_RX_DEV"
	expect_stop "$what" "$XH_RX_DEV: interface was deleted while receiving"
fi

# ---- taken down --------------------------------------------------------------
what="taken down"
if start_case "$what" dn 4; then
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" down
	expect_stop "$what" "$XH_RX_DEV: interface went down while receiving"
	tap_ok "$what: nothing attached to the interface" no_xdp_on "$XH_NS_RX" "$XH_RX_DEV"
fi

# ---- deleted and re-created under the same name ---------------------------------
what="deleted and re-created"
if start_case "$what" rec 4; then
	old_ifindex=$(ip -n "$XH_NS_RX" -j link show dev "$XH_RX_DEV" | jq -r '.[0].ifindex')
	# One batch: the receiver must not look in the gap between the two.
	ip -n "$XH_NS_RX" -batch - <<-EOF
		link del $XH_RX_DEV
		link add $XH_RX_DEV type veth peer name ${XH_RX_DEV%r}p
	EOF
	new_ifindex=$(ip -n "$XH_NS_RX" -j link show dev "$XH_RX_DEV" | jq -r '.[0].ifindex')
	expect_stop "$what" "$XH_RX_DEV: interface was deleted and re-created while receiving \(ifindex $new_ifindex, was $old_ifindex\)"
	tap_ok "$what: nothing attached to the new interface" no_xdp_on "$XH_NS_RX" "$XH_RX_DEV"
fi

# ---- renamed: followed ------------------------------------------------------------
what="renamed"
if start_case "$what" ren 4; then
	new_name=${XH_RX_DEV%r}n
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" name "$new_name"
	t0=$(now_ms)
	wait_for_line "renamed"
	elapsed=$(( $(now_ms) - t0 ))
	tap_grep "$XH_RX_ERR" "^af_xdp_user: $XH_RX_DEV: interface renamed to $new_name \(ifindex [0-9]+\): following it" \
		"$what: says so"
	tap_cmp "$elapsed" -lt "$MAX_REACT_MS" "$what: within ${MAX_REACT_MS} ms of the change"
	expect_runs_on "$what" 8 300
	tap_is "$(grep -c "renamed" "$XH_RX_ERR")" 1 "$what: said once"
	tap_ok "$what: our XDP program ($PROG_ID) is gone" prog_gone_within "$PROG_ID" 3
	tap_ok "$what: nothing attached to the renamed interface" no_xdp_on "$XH_NS_RX" "$new_name"
fi

what="renamed, then deleted"
if start_case "$what" rnd 4; then
	new_name=${XH_RX_DEV%r}n
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" name "$new_name"
	wait_for_line "renamed"
	ip -n "$XH_NS_RX" link del "$new_name"
	expect_stop "$what" "$new_name: interface was deleted while receiving"
fi

what="renamed, then taken down"
if start_case "$what" rdn 4; then
	new_name=${XH_RX_DEV%r}n
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" name "$new_name"
	wait_for_line "renamed"
	ip -n "$XH_NS_RX" link set dev "$new_name" down
	expect_stop "$what" "$new_name: interface went down while receiving"
	tap_ok "$what: nothing attached to the renamed interface" no_xdp_on "$XH_NS_RX" "$new_name"
fi

# The queue count is read under the new name: the old one names nothing.
what="renamed, then RX queues added"
new_wire rqu 4
for end in "$XH_NS_TX:$XH_TX_DEV" "$XH_NS_RX:$XH_RX_DEV"; do
	ip netns exec "${end%%:*}" ethtool -L "${end#*:}" rx 2 tx 2
done
if start_rx "$what" --xdp-mode native; then
	new_name=${XH_RX_DEV%r}n
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" name "$new_name"
	wait_for_line "renamed"
	ip netns exec "$XH_NS_RX" ethtool -L "$new_name" rx 4 tx 4
	tap_result $? "$what: ethtool -L $new_name rx 4 tx 4"
	expect_stop "$what" "$new_name: RX queues went from 2 to 4: queues 2-3 are not bound"
	tap_ok "$what: nothing attached to the renamed interface" no_xdp_on "$XH_NS_RX" "$new_name"
fi

# ---- moved to another network namespace ----------------------------------------
what="moved to another namespace"
if start_case "$what" mv 4; then
	other_ns=${XH_NS_RX%r}o
	xh_netns_add "$other_ns"
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" netns "$other_ns"
	expect_stop "$what" "$XH_RX_DEV: interface was moved to another network namespace while receiving"
	tap_ok "$what: nothing attached to it in its new namespace" no_xdp_on "$other_ns" "$XH_RX_DEV"
fi

# ---- bpf_link detached from outside -------------------------------------------
for mode in wakeup threads; do
	what="link detached ($mode)"
	opts=()
	[ "$mode" = threads ] && opts=(--threads)
	if start_case "$what" "ld${mode:0:1}" 4 "${opts[@]}"; then
		link_id=$(bpftool -j link show | jq -r ".[] | select(.type == \"xdp\" and .prog_id == $PROG_ID) | .id" | head -n 1)
		if [ -n "$link_id" ] && bpftool link detach id "$link_id"; then
			expect_stop "$what" "$XH_RX_DEV: our XDP program was detached from outside \(bpf_link id $link_id\)"
			tap_ok "$what: nothing attached to the interface" no_xdp_on "$XH_NS_RX" "$XH_RX_DEV"
		else
			tap_result 1 "$what: bpftool link detach id ${link_id:-?}"
		fi
	fi
done

# ---- our bpf_link's program replaced from outside ---------------------------
what="program replaced in our link"
if start_case "$what" pr 4; then
	link_id=$(bpftool -j link show | jq -r ".[] | select(.type == \"xdp\" and .prog_id == $PROG_ID) | .id" | head -n 1)
	if [ ! -x "$XH_BUILD/tests/helpers/xdp_link_replace" ]; then
		tap_result 1 "$what: $XH_BUILD/tests/helpers/xdp_link_replace is missing (make unit-tests builds it)"
	elif [ -n "$link_id" ] && new_prog=$("$XH_BUILD/tests/helpers/xdp_link_replace" "$link_id"); then
		expect_stop "$what" "$XH_RX_DEV: the XDP program in our bpf_link \(id $link_id\) was replaced from outside: prog id $new_prog, ours was $PROG_ID"
		tap_ok "$what: the replacing program ($new_prog) is gone with the link" prog_gone_within "$new_prog" 3
		tap_ok "$what: nothing attached to the interface" no_xdp_on "$XH_NS_RX" "$XH_RX_DEV"
	else
		tap_result 1 "$what: xdp_link_replace ${link_id:-?}"
	fi
fi

# ---- RX queues changed -----------------------------------------------------------
# Removing a bound queue: the kernel refuses (net/ethtool/channels.c: no
# fewer channels than a queue with an AF_XDP socket, copy mode included),
# and the receiver goes on.  Native mode: veth also refuses fewer RX
# queues than its peer has TX queues while XDP runs, so the peer goes
# first.
what="bound RX queues removed"
if start_case "$what" qd 4 --xdp-mode native; then
	ip netns exec "$XH_NS_TX" ethtool -L "$XH_TX_DEV" rx 2 tx 2
	! ip netns exec "$XH_NS_RX" ethtool -L "$XH_RX_DEV" rx 2 tx 2 2>/dev/null
	tap_result $? "$what: the kernel refuses ethtool -L $XH_RX_DEV rx 2 tx 2"
	sleep 1.5
	expect_runs_on "$what" 8 200
fi

# Queues that are not bound (--queue 0) come and go: no reason to stop.
# The peer sends on one TX queue, so everything lands on queue 0.
what="unbound RX queues added and removed"
new_wire qn 4
ip netns exec "$XH_NS_TX" ethtool -L "$XH_TX_DEV" rx 1 tx 1
ip netns exec "$XH_NS_RX" ethtool -L "$XH_RX_DEV" rx 2 tx 2
if start_rx "$what" --xdp-mode native --queue 0; then
	ip netns exec "$XH_NS_RX" ethtool -L "$XH_RX_DEV" rx 4 tx 4 &&
		sleep 1.5 &&
		ip netns exec "$XH_NS_RX" ethtool -L "$XH_RX_DEV" rx 1 tx 1
	tap_result $? "$what: ethtool -L $XH_RX_DEV rx 4 tx 4, then rx 1 tx 1"
	sleep 1.5
	expect_runs_on "$what" 1 200
fi

# Added queues: in native mode veth does not run the program on them, so
# only the queue count shows the gap.
what="RX queues added"
new_wire qu 4
for end in "$XH_NS_TX:$XH_TX_DEV" "$XH_NS_RX:$XH_RX_DEV"; do
	ip netns exec "${end%%:*}" ethtool -L "${end#*:}" rx 2 tx 2
done
if start_rx "$what" --xdp-mode native; then
	tap_grep "$XH_RX_ERR" "ready:.* queues 0-1 " "$what: receiver bound queues 0-1"
	ip netns exec "$XH_NS_RX" ethtool -L "$XH_RX_DEV" rx 4 tx 4
	tap_result $? "$what: ethtool -L $XH_RX_DEV rx 4 tx 4"
	expect_stop "$what" "$XH_RX_DEV: RX queues went from 2 to 4: queues 2-3 are not bound"
	tap_ok "$what: nothing attached to the interface" no_xdp_on "$XH_NS_RX" "$XH_RX_DEV"
fi

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
