#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --xsks-map: af_xdp_user receives through an XDP program that another
# process loaded. bpftool loads build/af_xdp_kern.bpf.o, pins the program
# and its maps in a bpffs (bpftool prog load ... pinmaps) and exits; ip
# attaches the pinned program to a veth (netlink: the attachment outlives
# ip). The receiver opens the pinned XSKMAP, puts one socket per queue in
# it, and decodes the program's hints with the BTF the kernel keeps for it,
# found from the attached program or from --prog-id. Every frame sent must
# arrive decoded; the other program must still be attached afterwards.
# Bad input (nothing pinned, not a map, not an XSKMAP, no such program, a
# program that does not use the map, no program attached, options that
# only our own program knows) gets one message and a non-zero exit.
#
# The bpffs is mounted in a private mount namespace (the script re-runs
# itself under unshare -m), so nothing is pinned in the host's
# /sys/fs/bpf and the mount vanishes with the test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_bpffs.sh"
bpffs_private_mount_ns "$0" "$@"
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v bpftool >/dev/null || xh_die "'bpftool' is not installed"

FRAMES=400
QUEUES=2
BPF_OBJ=$XH_BUILD/af_xdp_kern.bpf.o
OTHER_OBJ=$XH_BUILD/tests/meta_limit.bpf.o

bpffs_mount foreign

jqf() { jq -r "$1" <<<"$FINAL"; }

xh_setup fp "$QUEUES"
xh_static_neigh

# ---- another process loads, pins and attaches ------------------------------------
tap_ok "bpftool loads the program and pins its maps, then exits" \
	bpftool prog load "$BPF_OBJ" "$PIN/prog" type xdp pinmaps "$PIN/maps"
tap_ok "ip attaches the pinned program to $XH_RX_DEV in native mode" \
	ip netns exec "$XH_NS_RX" ip link set dev "$XH_RX_DEV" xdpdrv pinned "$PIN/prog"
PROG_ID=$(bpftool prog show pinned "$PIN/prog" --json | jq -r .id)
tap_cmp "$PROG_ID" -gt 0 "the pinned program has an id"

run_receiver() { # what receiver-options...
	local what=$1
	shift
	xh_start_receiver --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver KILL
		return 1
	fi
	tap_result 0 "$what: receiver ready"
	tap_grep "$XH_RX_ERR" "using XDP program id $PROG_ID .* loaded by another process" \
		"$what: says which program it uses"
	sent=$(xh_send --flows 8 --count "$FRAMES" --json | jq -r .sent)
	tap_is "$sent" "$FRAMES" "$what: sender sent every frame"
	sleep 0.3 # let the last frames through the rings
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 after SIGINT"
	FINAL=$(xh_final_json)
	tap_is "$(jqf .total.packets)" "$FRAMES" "$what: every frame received"
	tap_is "$(jqf '.queues | length')" "$QUEUES" "$what: a socket on each queue"
	tap_is "$(jqf '.total.layouts.xdp_hints_rx_time // 0')" "$FRAMES" \
		"$what: every frame's hint decoded with the program's BTF (xdp_hints_rx_time)"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id')" 0 "$what: no frame without a known hint"
	tap_is "$(jqf .total.latency_ns.count)" "$FRAMES" "$what: a latency sample per frame"
	tap_is "$(jqf .xdp_mode)" native "$what: reports the other program's XDP mode"
	tap_ok "$what: the other process's program is still attached" \
		xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"
}

what="--xsks-map, program found on the interface"
run_receiver "$what" --xsks-map "$PIN/maps/xsks_map"
what="--xsks-map --prog-id $PROG_ID"
run_receiver "$what" --xsks-map "$PIN/maps/xsks_map" --prog-id "$PROG_ID"

# ---- frames waiting in the RX rings at stop ----------------------------------------
# The other program keeps redirecting after we stop, and we read its rings
# once: the drain must take every frame in them, not one batch.  The
# receiver is stopped (SIGSTOP) while WAITING frames fill its rings, then
# gets SIGINT and SIGCONT together: the handler runs before it reads again.
WAITING=1000
what="--xsks-map, $WAITING frames waiting in the rings at stop"
xh_start_receiver --json --interval 0 --xsks-map "$PIN/maps/xsks_map"
if xh_wait_ready; then
	kill -STOP "$XH_RX_PID"
	sent=$(xh_send --flows 8 --count "$WAITING" --rate 20000 --json | jq -r .sent)
	tap_is "$sent" "$WAITING" "$what: sender sent every frame"
	sleep 0.3 # let the last frames into the rings
	kill -INT "$XH_RX_PID"
	kill -CONT "$XH_RX_PID"
	xh_wait_receiver 15
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_is "$(jqf '.total.packets + .total.drained_at_stop')" "$WAITING" \
		"$what: packets + drained_at_stop account for every frame"
	tap_cmp "$(jqf .total.drained_at_stop)" -gt 64 "$what: more than one batch drained"
	tap_diag "$what: packets $(jqf .total.packets), drained_at_stop $(jqf .total.drained_at_stop)"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
fi

# ---- the other program detached mid-run ------------------------------------------------
# Nothing wakes the sockets when it goes: the once-a-second watch must notice.
what="--xsks-map, the other program detached mid-run"
xh_start_receiver --json --interval 0 --xsks-map "$PIN/maps/xsks_map"
if xh_wait_ready; then
	ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" xdp off
	xh_wait_receiver 5
	tap_is "$XH_RX_RC" 1 "$what: exit status 1 within 5 s"
	tap_grep "$XH_RX_ERR" "$XH_RX_DEV: the other process's XDP program \\(id $PROG_ID\\) was detached" \
		"$what: one line says so"
	tap_is "$(grep -c 'was detached' "$XH_RX_ERR")" 1 "$what: said once"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
fi
ip netns exec "$XH_NS_RX" ip link set dev "$XH_RX_DEV" xdpdrv pinned "$PIN/prog" ||
	tap_diag "could not attach the pinned program again"

# ---- bad input -----------------------------------------------------------------------
bad() { # description exit-status message-regex receiver-options...
	local desc=$1 want_rc=$2 regex=$3 rc
	shift 3
	ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --duration 1 "$@" \
		>"$XH_TMPDIR/bad.out" 2>"$XH_TMPDIR/bad.err"
	rc=$?
	tap_is "$rc" "$want_rc" "$desc: exit status $want_rc"
	tap_grep "$XH_TMPDIR/bad.err" "$regex" "$desc: one clear message"
	tap_is "$(wc -l <"$XH_TMPDIR/bad.err")" 1 "$desc: exactly one line on stderr"
}
xh_tmpdir
bad "nothing pinned at the path" 1 "--xsks-map $PIN/nope: nothing pinned there" \
	--xsks-map "$PIN/nope"
printf 'not a map\n' >"$XH_TMPDIR/regular"
bad "a regular file, outside bpffs" 1 "--xsks-map $XH_TMPDIR/regular: not on a bpf filesystem \\(bpffs\\), where pinned maps live: a regular file, not a pinned BPF object" \
	--xsks-map "$XH_TMPDIR/regular"
bad "a directory outside bpffs" 1 "--xsks-map $XH_TMPDIR: not on a bpf filesystem \\(bpffs\\), where pinned maps live\$" \
	--xsks-map "$XH_TMPDIR"
bad "a directory on the bpffs" 1 "--xsks-map $PIN/maps: not a pinned BPF object \\(a directory on the bpffs\\)" \
	--xsks-map "$PIN/maps"
bad "a pinned program, not a map" 1 "--xsks-map $PIN/prog: pinned object is not a map" \
	--xsks-map "$PIN/prog"
bad "a map that is not an XSKMAP" 1 "map 'queue_stats' is a percpu_array, not an XSKMAP" \
	--xsks-map "$PIN/maps/queue_stats"
bad "no such program id" 1 "XDP program id 4000000000: no such program" \
	--xsks-map "$PIN/maps/xsks_map" --prog-id 4000000000
bpftool prog load "$OTHER_OBJ" "$PIN/other" type xdp ||
	tap_diag "could not load $OTHER_OBJ for the next case"
OTHER_ID=$(bpftool prog show pinned "$PIN/other" --json 2>/dev/null | jq -r .id)
bad "a program that does not use the map" 1 "XDP program id $OTHER_ID .* does not use the XSKMAP at $PIN/maps/xsks_map" \
	--xsks-map "$PIN/maps/xsks_map" --prog-id "$OTHER_ID"
bad "--prog-id without --xsks-map" 2 "--prog-id: needs --xsks-map" --prog-id "$PROG_ID"
bad "--layout with --xsks-map" 2 "--layout: configures our own XDP program: conflicts with --xsks-map" \
	--xsks-map "$PIN/maps/xsks_map" --layout mark
ip -n "$XH_NS_RX" link set dev "$XH_RX_DEV" xdp off
bad "no program attached and no --prog-id" 1 "$XH_RX_DEV: no XDP program is attached" \
	--xsks-map "$PIN/maps/xsks_map"

bpffs_cleanup
trap - EXIT
tap_ok "no namespace of this test is left" eval "xh_no_namespace_left 2>/dev/null"
tap_finish
