#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The guest's half of the kernel matrix (run inside the QEMU guest by
# tests/vm/matrix.sh through tests/vm/run.sh).  It runs the tool and leaves
# raw results in the shared work directory; the host checks them and prints
# TAP.  Host and guest take turns through marker files in that directory:
# "X.ready" (a receiver is up), "X.sent" (the frames are out).
#
#   guest_cells.sh WORK KERNEL   (BUILD is the host's build directory,
#                                 KERNEL one of tests/vm/prepare.sh --list)
#   guest_cells.sh --send-raw WORK NAME H|N COUNT
#       asks the host for COUNT raw frames of tests/bpf/stale_btf_id.c
#       (H: hinted, N: not) on the virtio_net NIC and returns once they
#       are out (test_stale_btf_id's STALE_BTF_ID_SEND)
#
# The guest's NICs, each moved into a private namespace first, so that
# xdp_hints_traffic agrees to send and nothing else shares them:
#   virtio_net, 4 queue pairs  <-> host tap $TAP0 (multi-queue)
#   e1000e (deb12), or a second virtio_net without VIRTIO_F_ACCESS_PLATFORM
#   (deb13-bpo)                <-> host tap $TAP1
# Which cells run on which kernel: see the case at the end.
set -u
if [ "${1:-}" = --send-raw ]; then
	[ $# = 5 ] || { echo "guest_cells.sh --send-raw WORK NAME H|N COUNT" >&2; exit 2; }
	name="$3_$4_$(date +%s%N)"
	echo "raw $5 $4" >"$2/$name.args"
	touch "$2/$name.ready"
	for _ in $(seq 600); do
		[ -e "$2/$name.sent" ] && exit 0
		sleep 0.2
	done
	echo "guest: $name: the host never sent" >&2
	exit 1
fi
work=$1
kernel=${2:-deb12}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/matrix_env.sh"
BUILD=${BUILD:?BUILD is not set}
RX=$BUILD/af_xdp_user
TX=$BUILD/xdp_hints_traffic

log() { echo "guest: $*"; }

wait_file() { # path timeout-seconds
	local deadline=$(( $(date +%s) + $2 ))
	while [ ! -e "$1" ]; do
		[ "$(date +%s)" -gt "$deadline" ] && return 1
		sleep 0.2
	done
}

nic_of_mac() { # MAC
	local dev
	for dev in /sys/class/net/*; do
		[ "$(cat "$dev/address")" = "$1" ] && { basename "$dev"; return 0; }
	done
	return 1
}

# Move NIC $2 into a new namespace $1 (IPv6 off: no MLD or router
# solicitations spoil the counts), give it address $3, bring it up.
nic_to_netns() { # namespace device address/prefix
	ip netns add "$1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	ip link set "$2" netns "$1"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}

# Receiver in namespace $2 on $3; outputs WORK/$1.{out,err,rc,link}.
# Asks the host to send (WORK/$1.args: "NIC COUNT [sender options]", NIC
# 0 or 1 the tap, COUNT frames to $FLOWS flows: $SEND_COUNT, default
# $FRAMES, and $SEND_ARGS) with "$1.ready" once it is ready, then waits
# for "$1.sent" and stops it.
receive_cell() { # name namespace device af_xdp_user-options...
	local name=$1 ns=$2 dev=$3 pid i
	shift 3
	echo "${SEND_NIC:-0} ${SEND_COUNT:-$FRAMES} ${SEND_ARGS:-}" >"$work/$name.args"
	ip netns exec "$ns" "$RX" --dev "$dev" --json --interval 0 "$@" \
		>"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	for i in $(seq 600); do
		grep -q '^af_xdp_user: ready:' "$work/$name.err" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if grep -q '^af_xdp_user: ready:' "$work/$name.err"; then
		touch "$work/$name.ready"
		wait_file "$work/$name.sent" 120 || log "$name: the host never sent"
		sleep 1 # the last frames through the rings (emulated CPU)
		kill -INT "$pid" 2>/dev/null
	else
		log "$name: the receiver did not get ready"
		kill -INT "$pid" 2>/dev/null
	fi
	wait "$pid"
	echo $? >"$work/$name.rc"
	ip -n "$ns" -d link show dev "$dev" >"$work/$name.link"
}

# A receiver that stops by itself (--duration 1 first, later options may
# replace it), or is expected to refuse: its output and exit status.
refuse_cell() { # name namespace device af_xdp_user-options...
	local name=$1 ns=$2 dev=$3
	shift 3
	timeout 120 ip netns exec "$ns" "$RX" --dev "$dev" --duration 1 "$@" \
		>"$work/$name.out" 2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	ip -n "$ns" -d link show dev "$dev" >"$work/$name.link"
}

# A receiver on the host's tap: asks for one ("$1.hostrx": its options)
# and waits for "$1.hostready".  host_done: "$1.sent", the host stops it.
host_rx() { # name af_xdp_user-options...
	local name=$1
	shift
	echo "$*" >"$work/$name.hostrx"
	wait_file "$work/$name.hostready" 120 || log "$name: no host receiver"
}
host_done() { touch "$work/$1.sent"; }

# Sender for a host-side receiver.
send_cell() { # name namespace device mode xdp_hints_traffic-options...
	local name=$1 ns=$2 dev=$3
	host_rx "$name" --xdp-mode "$4"
	shift 4
	ip netns exec "$ns" "$TX" --dev "$dev" --json "$@" >"$work/$name.send" 2>&1
	host_done "$name"
}

# The virtio_net NIC, 4 queue pairs, in namespace xhvmv with IPv4 only.
setup_virtio() {
	vnic=$(nic_of_mac "$GUEST_MAC0") || { log "no virtio_net NIC ($GUEST_MAC0)"; return 1; }
	nic_to_netns xhvmv "$vnic" "$GUEST_IP0/24"
	ip netns exec xhvmv ethtool -L "$vnic" combined "$QUEUES" 2>"$work/virtio.ethtool"
	# virtio_net answers the RX-hash kfunc only with receive hashing on
	# (off by default; the device offers it with VIRTIO_NET_F_HASH_REPORT).
	ip netns exec xhvmv ethtool -K "$vnic" rxhash on 2>>"$work/virtio.ethtool"
	ip netns exec xhvmv ethtool -l "$vnic" >"$work/virtio.channels" 2>&1
	ip netns exec xhvmv ethtool -k "$vnic" >"$work/virtio.features" 2>&1
	ip netns exec xhvmv cat "/sys/class/net/$vnic/device/features" >>"$work/virtio.features" 2>&1
	return 0
}

uname -r >"$work/guest.kernel"

# The hash check's frames: --pkt-info, one JSON line per frame.
cells_virtio_deb12() {
	receive_cell virtio_native xhvmv "$vnic" --xdp-mode native --hw-hints auto
	receive_cell virtio_generic xhvmv "$vnic" --xdp-mode generic
	# The host's tap as the receiver: the guest's TX queue k is the tap's
	# RX queue k (QEMU pairs virtio queue k with tap queue k).
	send_cell tap_native xhvmv "$vnic" native --dst-mac "$TAP0_MAC" --dst-ip "$TAP0_IP" \
		--flows "$FLOWS" --count "$FRAMES" --rate "$RATE"
	send_cell tap_generic xhvmv "$vnic" generic --dst-mac "$TAP0_MAC" --dst-ip "$TAP0_IP" \
		--flows "$FLOWS" --count "$FRAMES" --rate "$RATE"
}

cells_e1000e() {
	local enic
	enic=$(nic_of_mac "$GUEST_MAC1") || { log "no e1000e NIC"; return; }
	nic_to_netns xhvme "$enic" "$GUEST_IP1/24"
	refuse_cell e1000e_native xhvme "$enic" --xdp-mode native
	SEND_NIC=1 SEND_COUNT=200 receive_cell e1000e_auto xhvme "$enic" --xdp-mode auto
}

cells_demo() { # modes...
	local mode
	for mode in "$@"; do
		XDP_MODE=$mode "$here/../../scripts/demo.sh" >"$work/demo_$mode.out" 2>&1
		echo $? >"$work/demo_$mode.rc"
	done
}

# veth, 1 queue: --frags on and --clock tai on this kernel.
cells_veth_6_1() {
	(
		. "$here/../../scripts/netns_lib.sh"
		xh_install_trap
		xh_setup vf 1
		ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" "$XH_RX_DEV" --frags on --duration 1 \
			>/dev/null 2>"$work/frags_on.err"
		echo $? >"$work/frags_on.rc"
		xh_start_receiver --clock tai --json --interval 0 --count 50
		if xh_wait_ready 60; then
			xh_send --count 50 --rate 500 -q >/dev/null 2>&1
			xh_wait_receiver 120
			echo "$XH_RX_RC" >"$work/tai.rc"
		else
			echo 125 >"$work/tai.rc"
		fi
		cp "$XH_RX_OUT" "$work/tai.out"
		cp "$XH_RX_ERR" "$work/tai.err"
		xh_cleanup
	)
}

# 6.12: copy mode (virtio_net has no AF_XDP zero-copy before 6.14?), the
# driver's RX hash in xdp_hints_rx_hw.
cells_deb13() {
	receive_cell hash_copy xhvmv "$vnic" --xdp-mode native --hw-hints on --pkt-info
	refuse_cell zc_refused xhvmv "$vnic" --xdp-mode native --bind-mode zero-copy
}

# 7.x with VIRTIO_F_ACCESS_PLATFORM: zero-copy.
cells_deb13_bpo() {
	local nic1
	# One UMEM for the 4 queues (XDP_SHARED_UMEM) in zero-copy; the other
	# cells bind per-queue UMEMs, the default.
	receive_cell zc_hash xhvmv "$vnic" --xdp-mode native --bind-mode zero-copy --hw-hints on --pkt-info \
		--umem shared
	receive_cell zc_auto xhvmv "$vnic" --xdp-mode native --pkt-info
	# Preferred busy polling: interrupts deferred while the socket polls.
	ip netns exec xhvmv sh -c "echo 2 > /sys/class/net/$vnic/napi_defer_hard_irqs; echo 200000 > /sys/class/net/$vnic/gro_flush_timeout"
	receive_cell zc_busy_poll xhvmv "$vnic" --xdp-mode native --bind-mode zero-copy --busy-poll --pkt-info
	ip netns exec xhvmv sh -c "echo 0 > /sys/class/net/$vnic/napi_defer_hard_irqs; echo 0 > /sys/class/net/$vnic/gro_flush_timeout"
	cell_stale_zc
	# TX from the zero-copy socket of queue 0, to a receiver on the host's tap.
	host_rx zc_tx --xdp-mode native --filter-udp-port 9000
	refuse_cell zc_tx xhvmv "$vnic" --xdp-mode native --bind-mode zero-copy --json --interval 0 \
		--tx --tx-cycles 20 --tx-batch 4 --tx-interval 0.01 \
		--tx-dst-mac "$TAP0_MAC" --tx-dst-ip "$TAP0_IP" --tx-dst-port 9000
	host_done zc_tx
	# Multi-buffer: 9000-byte MTU, 8000-byte frames.
	ip -n xhvmv link set "$vnic" mtu 9000 2>"$work/mtu9000.err"
	refuse_cell zc_frags xhvmv "$vnic" --xdp-mode native --bind-mode zero-copy --frags auto
	SEND_ARGS="--size 8000" receive_cell frags_auto xhvmv "$vnic" --xdp-mode native \
		--frags auto --pkt-info
	ip -n xhvmv link set "$vnic" mtu 1500
	# The second virtio_net NIC lacks VIRTIO_F_ACCESS_PLATFORM.
	nic1=$(nic_of_mac "$GUEST_MAC1") || { log "no second virtio_net NIC"; return; }
	nic_to_netns xhvmw "$nic1" "$GUEST_IP1/24"
	refuse_cell zc_no_platform xhvmw "$nic1" --xdp-mode native --bind-mode zero-copy
}

# The stale-btf_id contract under zero-copy: tests/unit/test_stale_btf_id
# on queue 0 of the virtio_net NIC (one queue pair for it: the raw frames
# have no RSS hash, and its XSKMAP has queue 0's socket only), the frames
# from the host's tap.  A burst of 64 (one UMEM): the driver posts all 64
# fill-ring buffers at bind, and after a shorter burst the unhinted frames
# land in posted buffers no frame has used yet.  (With 128, only 64 reach
# the XDP program within 5 s: the dropped frames' buffers are not posted
# again while the fill ring is empty.)
cell_stale_zc() {
	ip netns exec xhvmv ethtool -L "$vnic" combined 1 2>"$work/stale_zc.ethtool"
	ip netns exec xhvmv env STALE_BTF_ID_DEV="$vnic" STALE_BTF_ID_BIND=zero-copy STALE_BTF_ID_BURST=64 \
		STALE_BTF_ID_SEND="$here/guest_cells.sh --send-raw $work stale_zc" \
		CMOCKA_MESSAGE_OUTPUT=TAP timeout 120 "$BUILD/tests/test_stale_btf_id" \
		>"$work/stale_zc.out" 2>&1
	echo $? >"$work/stale_zc.rc"
	ip -n xhvmv -d link show dev "$vnic" >"$work/stale_zc.link"
	ip netns exec xhvmv ethtool -L "$vnic" combined "$QUEUES" 2>>"$work/stale_zc.ethtool"
}

# PREEMPT_RT: SCHED_FIFO receiver, the receive modes.  A receiver that
# never sleeps stays below the interrupt threads (SCHED_FIFO 50), which run
# NAPI; at 50 and above the tool warns (its frames then depend on where
# the interrupts land).
cells_deb13_rt() {
	receive_cell rt_wakeup xhvmv "$vnic" --xdp-mode native --bind-mode copy --priority 50
	receive_cell rt_spin xhvmv "$vnic" --xdp-mode native --bind-mode copy --priority 49 --spin
	refuse_cell rt_spin_prio xhvmv "$vnic" --xdp-mode native --bind-mode copy --priority 50 --spin
	ip netns exec xhvmv sh -c "echo 2 > /sys/class/net/$vnic/napi_defer_hard_irqs; echo 200000 > /sys/class/net/$vnic/gro_flush_timeout"
	receive_cell rt_busy_poll xhvmv "$vnic" --xdp-mode native --bind-mode copy --busy-poll
	refuse_cell rt_busy_poll_prio xhvmv "$vnic" --xdp-mode native --bind-mode copy --busy-poll --priority 50
}

case "$kernel" in
deb12)
	setup_virtio && cells_virtio_deb12
	cells_e1000e
	cells_demo native generic
	cells_veth_6_1
	;;
deb13) setup_virtio && cells_deb13 ;;
deb13-bpo) setup_virtio && cells_deb13_bpo ;;
deb13-rt)
	cells_demo native
	setup_virtio && cells_deb13_rt
	;;
*) log "unknown kernel $kernel" ;;
esac

exit 0
