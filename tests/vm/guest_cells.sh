#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The guest's half of the kernel matrix (run inside the QEMU guest by
# tests/vm/matrix.sh through tests/vm/run.sh).  It runs the tool and leaves
# raw results in the shared work directory; the host checks them and prints
# TAP.  Host and guest take turns through marker files in that directory:
# "X.ready" (a receiver is up), "X.sent" (the frames are out).
#
#   guest_cells.sh WORK        (BUILD is the host's build directory)
#
# The guest's NICs, each moved into a private namespace first, so that
# xdp_hints_traffic agrees to send and nothing else shares them:
#   virtio_net, 4 queue pairs  <-> host tap $TAP0 (multi-queue)
#   e1000e                     <-> host tap $TAP1
set -u
work=$1
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

nic_of_driver() { # driver
	local dev
	for dev in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$dev/device/driver" 2>/dev/null)")" = "$1" ] &&
			{ basename "$dev"; return 0; }
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

# Receiver in namespace $2 on $3; outputs WORK/$1.{out,err,rc}. Signals
# "$1.ready" once it is ready, then waits for "$1.sent" and stops it.
receive_cell() { # name namespace device af_xdp_user-options...
	local name=$1 ns=$2 dev=$3 pid i
	shift 3
	ip netns exec "$ns" "$RX" --dev "$dev" --json --interval 0 "$@" \
		>"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	for i in $(seq 300); do
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
		touch "$work/$name.ready" # the host must not wait for nothing
	fi
	wait "$pid"
	echo $? >"$work/$name.rc"
	ip -n "$ns" -d link show dev "$dev" >"$work/$name.link"
}

# Sender for a host-side receiver: waits for "$1.ready", sends, "$1.sent".
send_cell() { # name namespace device xdp_hints_traffic-options...
	local name=$1 ns=$2 dev=$3
	shift 3
	wait_file "$work/$name.ready" 120 || { log "$name: no host receiver"; return; }
	ip netns exec "$ns" "$TX" --dev "$dev" --json "$@" >"$work/$name.send" 2>&1
	touch "$work/$name.sent"
}

uname -r >"$work/guest.kernel"

# ---- virtio_net, 4 queue pairs ------------------------------------------
vnic=$(nic_of_driver virtio_net) || log "no virtio_net NIC"
if [ -n "${vnic:-}" ]; then
	nic_to_netns xhvmv "$vnic" "$GUEST_IP0/24"
	ip netns exec xhvmv ethtool -L "$vnic" combined "$QUEUES" 2>"$work/virtio.ethtool"
	ip netns exec xhvmv ethtool -l "$vnic" >"$work/virtio.channels" 2>&1
	receive_cell virtio_native xhvmv "$vnic" --xdp-mode native --hw-hints auto
	receive_cell virtio_generic xhvmv "$vnic" --xdp-mode generic
	# The host's tap as the receiver: the guest's TX queue k is the tap's
	# RX queue k (QEMU pairs virtio queue k with tap queue k).
	send_cell tap_native xhvmv "$vnic" --dst-mac "$TAP0_MAC" --dst-ip "$TAP0_IP" \
		--flows "$FLOWS" --count "$FRAMES" --rate "$RATE"
	send_cell tap_generic xhvmv "$vnic" --dst-mac "$TAP0_MAC" --dst-ip "$TAP0_IP" \
		--flows "$FLOWS" --count "$FRAMES" --rate "$RATE"
fi

# ---- e1000e: no native XDP ------------------------------------------------
enic=$(nic_of_driver e1000e) || log "no e1000e NIC"
if [ -n "${enic:-}" ]; then
	nic_to_netns xhvme "$enic" "$GUEST_IP1/24"
	ip netns exec xhvme "$RX" --dev "$enic" --xdp-mode native --duration 1 \
		>"$work/e1000e_native.out" 2>"$work/e1000e_native.err"
	echo $? >"$work/e1000e_native.rc"
	receive_cell e1000e_auto xhvme "$enic" --xdp-mode auto
fi

# ---- veth, 4 queues: the demo ---------------------------------------------
for mode in native generic; do
	XDP_MODE=$mode "$here/../../scripts/demo.sh" >"$work/demo_$mode.out" 2>&1
	echo $? >"$work/demo_$mode.rc"
done

# ---- veth, 1 queue: --frags on and --clock tai on this kernel ---------------
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

# ---- what later work needs to know about this kernel ----------------------
if bpftool feature probe kernel 2>/dev/null |
	awk '/helpers supported for program type/ { x = ($0 ~ /program type xdp:/); next }
	     x && /bpf_ktime_get_tai_ns/ { found = 1 } END { exit !found }'; then
	echo "bpf_ktime_get_tai_ns in XDP programs: yes" >"$work/features.txt"
else
	echo "bpf_ktime_get_tai_ns in XDP programs: no" >"$work/features.txt"
fi
exit 0
