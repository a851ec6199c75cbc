#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# "Already attached" names the owner and a fix that works.  On a veth in
# private namespaces, with an XDP program put there by:
#
#   - netlink (ip link set ... xdpgeneric obj): the message names the
#     program, its id and mode, and 'ip link set dev D xdpgeneric off',
#     which, run as printed, lets the receiver start;
#   - a bpf_link held by another process (tests/helpers/xdp_link_pin
#     --hold): the message names the process and pid; 'ip link set ...
#     off' really cannot remove it, --force neither; once that process
#     stops, the receiver starts;
#   - a bpf_link pinned in bpffs with no process holding it: the message
#     names the pin; 'rm PIN', run as printed, lets the receiver start;
#   - a running receiver: a second one names af_xdp_user and its pid.
# The pin lives in a bpffs of the test's own, mounted at /sys/fs/bpf (where
# the tool looks for pins) in a private mount namespace (lib_bpffs.sh): the
# host's /sys/fs/bpf need not be mounted, and is never touched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_bpffs.sh"
bpffs_private_mount_ns "$0" "$@"
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user tests/helpers/xdp_link_pin
command -v nsenter >/dev/null || xh_die "nsenter (util-linux) is not installed"
HOLD_PID=""
BPFFS=""
PIN=""
cleanup_owner() {
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null && wait "$HOLD_PID" 2>/dev/null
	[ -n "$PIN" ] && rm -f "$PIN"
	xh_cleanup
	[ -n "$BPFFS" ] && umount "$BPFFS" 2>/dev/null
}
trap 'cleanup_owner' EXIT
trap 'cleanup_owner; trap - EXIT; exit 130' INT
trap 'cleanup_owner; trap - EXIT; exit 143' TERM
mount -t bpf bpf /sys/fs/bpf || xh_die "cannot mount a bpffs at /sys/fs/bpf (private mount namespace)"
BPFFS=/sys/fs/bpf
PIN=$BPFFS/xh_owner_$$

xh_setup ow 1
xh_tmpdir
D=$XH_RX_DEV
ERR=$XH_TMPDIR/owner.err

# The receiver's network namespace, but this mount namespace: "ip netns
# exec" remounts /sys, and the bpffs with the pin is this namespace's.
in_rx() {
	nsenter --net="/run/netns/$XH_NS_RX" "$@"
}

prog_id() {
	ip -n "$XH_NS_RX" -d link show dev "$D" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

# Run a receiver that must be refused; its one stderr line goes to $ERR.
refused() { # what [options...]
	local what=$1 rc
	shift
	timeout 30 nsenter --net="/run/netns/$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$D" -q --interval 0 \
		--duration 0.5 "$@" >/dev/null 2>"$ERR"
	rc=$?
	tap_is "$rc" 1 "$what: exit status 1"
	tap_is "$(wc -l <"$ERR")" 1 "$what: one line on stderr"
}

runs() { # what
	timeout 30 nsenter --net="/run/netns/$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$D" -q --interval 0 \
		--duration 0.3 >/dev/null 2>"$ERR"
	tap_is "$?" 0 "$1: the receiver now runs ($(head -n 1 "$ERR"))"
}

# The command the message tells the user to run, between quotes.
advised_command() {
	sed -n "s/.*: remove it with '\([^']*\)'.*/\1/p" "$ERR"
}

# ---- netlink ------------------------------------------------------------------------
what="netlink attachment"
if ip -n "$XH_NS_RX" link set dev "$D" xdpgeneric obj "$XH_BUILD/af_xdp_kern.bpf.o" sec xdp; then
	id=$(prog_id)
	refused "$what"
	tap_grep "$ERR" "^af_xdp_user: $D: XDP program xdp_hints_redir \\(id $id, generic\\) already attached through netlink: remove it with 'ip link set dev $D xdpgeneric off' or use --force$" \
		"$what: names the program, id, mode and the fix"
	cmd=$(advised_command)
	# shellcheck disable=SC2086 # the advised command, word by word
	ip netns exec "$XH_NS_RX" $cmd
	tap_is "$?" 0 "$what: the advised command runs"
	runs "$what, after the advised command"
else
	tap_result 1 "$what: attach with ip link (setup)"
fi

# ---- a bpf_link held by another process -------------------------------------------
what="bpf_link held by another process"
coproc HOLDER { exec ip netns exec "$XH_NS_RX" "$XH_BUILD/tests/helpers/xdp_link_pin" "$D" --hold; }
HOLD_PID=$HOLDER_PID # set by coproc
if read -r -t 10 line <&"${HOLDER[0]}" && [ "$line" = attached ]; then
	id=$(prog_id)
	refused "$what"
	tap_grep "$ERR" "^af_xdp_user: $D: XDP program xdp_hints_redir \\(id $id, generic\\) already attached through bpf_link id [0-9]+, held by xdp_link_pin \\(pid $HOLD_PID\\): stop that process \\('ip link set dev $D xdpgeneric off' cannot remove a bpf_link, nor can --force\\)$" \
		"$what: names the process, its pid and the fix"
	refused "$what, --force" --force
	tap_grep "$ERR" "held by xdp_link_pin \\(pid $HOLD_PID\\)" "$what, --force: names the holder too"
	ip -n "$XH_NS_RX" link set dev "$D" xdpgeneric off 2>/dev/null
	tap_is "$(prog_id)" "$id" "$what: 'ip link set ... xdpgeneric off' indeed cannot remove it"
	kill "$HOLD_PID"
	wait "$HOLD_PID" 2>/dev/null
	HOLD_PID=""
	runs "$what, after stopping the holder"
else
	tap_result 1 "$what: xdp_link_pin --hold attached (setup)"
fi

# ---- a pinned bpf_link ------------------------------------------------------------
what="pinned bpf_link"
if in_rx "$XH_BUILD/tests/helpers/xdp_link_pin" "$D" "$PIN"; then
	id=$(prog_id)
	refused "$what"
	tap_grep "$ERR" "^af_xdp_user: $D: XDP program xdp_hints_redir \\(id $id, generic\\) already attached through bpf_link id [0-9]+, pinned at $PIN and held by no process: remove it with 'rm $PIN'" \
		"$what: names the pin and the fix"
	ip -n "$XH_NS_RX" link set dev "$D" xdpgeneric off 2>/dev/null
	tap_is "$(prog_id)" "$id" "$what: 'ip link set ... xdpgeneric off' indeed cannot remove it"
	cmd=$(advised_command)
	tap_is "$cmd" "rm $PIN" "$what: the advised command is 'rm PIN'"
	$cmd
	runs "$what, after the advised command"
else
	tap_result 1 "$what: xdp_link_pin DEV PIN (setup)"
fi

# ---- a running receiver -------------------------------------------------------------
what="a running receiver"
xh_start_receiver --json --interval 0
if xh_wait_ready; then
	refused "$what, second receiver"
	tap_grep "$ERR" "already attached through bpf_link id [0-9]+, held by af_xdp_user \\(pid $XH_RX_PID\\): stop that process" \
		"$what: the second one names af_xdp_user and its pid"
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: the first one exits 0"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$D"'
tap_ok "no pin left" test ! -e "$PIN"
cleanup_owner
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
