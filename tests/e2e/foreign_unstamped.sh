#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --xsks-map with a producer that redirects some frames WITHOUT a hint:
# the receiver must keep clearing each frame's btf_id slot before the
# frame goes back to the fill ring (xsk_queue_params.producer_stamps is
# false for a program we did not load, common/receiver/receiver.c). Otherwise
# a frame that gets no hint shows the btf_id the previous packet in the same
# UMEM buffer left there, and is decoded as a hint it does not carry (the
# stale btf_id failure mode: headers/xdp_hint_stamp.h).
#
# The producer is tests/bpf/stale_btf_id.c with always_stamp = false (the
# failure mode): ethertype 0x88b5 frames go to queue 0's socket, those whose
# first payload byte is 'H' with a struct stale_hint in front, the others
# with nothing written there. bpftool loads and pins it, ip attaches it.
# The receiver gets a small UMEM (--frames 64) so buffers are reused many
# times; half the frames are hinted, half not, in a shuffled order: frames
# go back to the fill ring in order, so with a strict alternation and an
# even number of buffers in flight, unhinted frames would only ever land in
# buffers no hint was written to and the check could not fail. The sender
# is paced so the ring never overflows: a frame the kernel drops after the
# copy is one the receiver cannot clear (only the producer can prevent
# that, with xdp_hint_stamp_none()), and this test is about the receiver.
#
# The bpffs is mounted in a private mount namespace (the script re-runs
# itself under unshare -m), as in foreign_program.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_bpffs.sh"
bpffs_private_mount_ns "$0" "$@"
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user
command -v bpftool >/dev/null || xh_die "'bpftool' is not installed"
command -v python3 >/dev/null || xh_die "python3 is not installed"

FRAMES=600      # half hinted, half not
GAP_US=1000     # 64 buffers: the receiver may fall 60 ms behind, none dropped
BPF_OBJ=$XH_BUILD/tests/stale_btf_id.bpf.o
[ -r "$BPF_OBJ" ] || xh_die "$BPF_OBJ is missing: run 'make unit-tests' first"

bpffs_mount unstamped

jqf() { jq -r "$1" <<<"$FINAL"; }

xh_setup fu 1

tap_ok "bpftool loads the producer (always_stamp = false) and pins its maps" \
	bpftool prog load "$BPF_OBJ" "$PIN/prog" type xdp pinmaps "$PIN/maps"
tap_ok "ip attaches it to $XH_RX_DEV in native mode" \
	ip netns exec "$XH_NS_RX" ip link set dev "$XH_RX_DEV" xdpdrv pinned "$PIN/prog"
PROG_ID=$(bpftool prog show pinned "$PIN/prog" --json | jq -r .id)

xh_start_receiver --xsks-map "$PIN/maps/xsks_map" --frames 64 --json --interval 0
if ! xh_wait_ready; then
	tap_result 1 "receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
	tap_finish
	exit
fi
tap_result 0 "receiver ready"
tap_grep "$XH_RX_ERR" "using XDP program id $PROG_ID .* loaded by another process" \
	"says it uses the other process's program"
tap_ok "sender sends $((FRAMES / 2)) hinted and $((FRAMES / 2)) unhinted frames, shuffled" \
	ip netns exec "$XH_NS_TX" python3 "$here/raw_frames.py" --gap-us "$GAP_US" \
	"$XH_TX_DEV" "$XH_RX_MAC" stale-hint+stale-none "$FRAMES"
sleep 0.3 # let the last frames through the rings
xh_stop_receiver INT
tap_is "$XH_RX_RC" 0 "exit status 0 after SIGINT"
FINAL=$(xh_final_json)
tap_is "$(jqf .total.packets)" "$FRAMES" "every frame received (none dropped)"
tap_is "$(jqf '.total.layouts.stale_hint // 0')" "$((FRAMES / 2))" \
	"exactly the hinted frames decode as stale_hint (no unhinted frame reads a stale btf_id)"
tap_is "$(jqf .total.no_hint)" "$((FRAMES / 2))" "every unhinted frame counts as no_hint"
tap_is "$(jqf .total.unknown_btf_id)" 0 "no unknown btf_id"
tap_ok "the other process's program is still attached" xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"

bpffs_cleanup
trap - EXIT
tap_ok "no namespace of this test is left" eval "xh_no_namespace_left 2>/dev/null"
tap_finish
