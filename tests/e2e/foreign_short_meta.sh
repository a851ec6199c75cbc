#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --xsks-map with a producer that writes 4 bytes of metadata (the btf_id)
# but stamps the id of a 16-byte struct with rx_ktime (tests/bpf/short_meta.c).
# AF_XDP gives no metadata length, so the receiver reads 12 headroom bytes
# nobody wrote as the receive time; decoded as a time, the frames showed a
# latency of the machine's uptime with no warning. Such a time lies before
# the run began: every frame must be counted in rx_time_before_start, none
# timed, and one warning line must say so.
#
# The bpffs is mounted in a private mount namespace (the script re-runs
# itself under unshare -m), as in foreign_program.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_bpffs.sh"
bpffs_private_mount_ns "$0" "$@"
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v bpftool >/dev/null || xh_die "'bpftool' is not installed"

FRAMES=200
BPF_OBJ=$XH_BUILD/tests/short_meta.bpf.o
[ -r "$BPF_OBJ" ] || xh_die "$BPF_OBJ is missing: run 'make unit-tests' first"

bpffs_mount shortmeta

jqf() { jq -r "$1" <<<"$FINAL"; }

xh_setup sm 1
xh_static_neigh

tap_ok "bpftool loads the producer and pins its maps" \
	bpftool prog load "$BPF_OBJ" "$PIN/prog" type xdp pinmaps "$PIN/maps"
tap_ok "ip attaches it to $XH_RX_DEV in native mode" \
	ip netns exec "$XH_NS_RX" ip link set dev "$XH_RX_DEV" xdpdrv pinned "$PIN/prog"

xh_start_receiver --xsks-map "$PIN/maps/xsks_map" --json --interval 0
if ! xh_wait_ready; then
	tap_result 1 "receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
	tap_finish
	exit
fi
tap_result 0 "receiver ready"
sent=$(xh_send --flows 1 --count "$FRAMES" --rate 20000 --json | jq -r .sent)
tap_is "$sent" "$FRAMES" "sender sent every frame"
sleep 0.3 # let the last frames through the rings
xh_stop_receiver INT
tap_is "$XH_RX_RC" 0 "exit status 0 after SIGINT"
FINAL=$(xh_final_json)
tap_is "$(jqf .total.packets)" "$FRAMES" "every frame received"
tap_is "$(jqf '.total.layouts.short_meta_hint // 0')" "$FRAMES" \
	"every frame carries the btf_id of short_meta_hint"
tap_is "$(jqf .total.rx_time_before_start)" "$FRAMES" \
	"every rx time read from unwritten headroom counts as rx_time_before_start"
tap_is "$(jqf ".total.latency_ns.count // 0")" 0 "no latency sample from them"
tap_is "$(grep -c 'rx time before the run began' "$XH_RX_ERR")" 1 "one warning line says so"
tap_grep "$XH_RX_ERR" "$FRAMES hint\\(s\\) with an rx time before the run began: .*rx_time_before_start" \
	"the warning gives the count and the counter"

bpffs_cleanup
trap - EXIT
tap_ok "no namespace of this test is left" eval "xh_no_namespace_left 2>/dev/null"
tap_finish
