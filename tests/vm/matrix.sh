#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The kernel and driver matrix (make test-vm; part of make test).  TAP on
# stdout; one row per cell in $VM_MATRIX_RESULTS (default
# $BUILD/vm-matrix.tsv: kernel, NIC, mode, result), from which
# tests/vm/tested_on.sh writes docs/testing.org's "Tested on" table.
#
#   cell                               kernel   who sends -> who receives
#   veth, 4 queues: the demo           running  veth peer -> af_xdp_user
#   veth, 4 queues: the demo           guest    veth peer -> af_xdp_user
#   virtio_net, 4 queue pairs          guest    host tap  -> guest NIC
#   tun/tap, 4 queues                  running  guest NIC -> host tap
#   e1000e (no native XDP)             guest    host tap  -> guest NIC
#
# The guest (tests/vm/run.sh: Debian's stock kernel under QEMU) runs
# tests/vm/guest_cells.sh; its NICs are backed by two taps in a private
# namespace of the host, and frames only go between that namespace and the
# guest.  Where no guest can be booted (no qemu, no /dev/net/tun, ...) its
# cells are reported as skipped with the reason: counted, never passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
. "$here/matrix_env.sh"
xh_require af_xdp_user xdp_hints_traffic
RESULTS=${VM_MATRIX_RESULTS:-$XH_BUILD/vm-matrix.tsv}
HOST_KERNEL=$(uname -r)
VM_NS=""
VM_PID=""
VM_WORK=""

vm_cleanup() {
	if [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; then
		kill -TERM "$VM_PID" 2>/dev/null
		wait "$VM_PID" 2>/dev/null
	fi
	[ -n "$VM_NS" ] && ip netns del "$VM_NS" 2>/dev/null
	[ -n "$VM_WORK" ] && rm -rf "$VM_WORK"
	VM_PID="" VM_NS="" VM_WORK=""
	xh_cleanup
}
trap 'vm_cleanup' EXIT
trap 'vm_cleanup; trap - EXIT; exit 130' INT
trap 'vm_cleanup; trap - EXIT; exit 143' TERM

# ---- cells and their rows -------------------------------------------------
ROWS=()
TAP_TODO=0
cell_begin() { CELL_FAILED0=$TAP_FAILED CELL_COUNT0=$TAP_COUNT CELL_TODO0=$TAP_TODO; }
cell_end() { # kernel nic mode
	local checks=$((TAP_COUNT - CELL_COUNT0)) failed=$((TAP_FAILED - CELL_FAILED0))
	local todo=$((TAP_TODO - CELL_TODO0)) result
	if [ "$failed" -gt 0 ]; then result="FAIL ($failed of $checks checks)"
	else result="pass ($((checks - todo)) checks)"; fi
	[ "$todo" -gt 0 ] && result="$result, $todo TODO"
	ROWS+=("$1	$2	$3	$result")
}
cell_skip() { # kernel nic mode reason
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT - $1 / $2 / $3 # SKIP $4"
	ROWS+=("$1	$2	$3	skipped: $4")
}
write_results() {
	mkdir -p "$(dirname "$RESULTS")"
	{
		printf 'kernel\tNIC\tmode\tresult\n'
		printf '%s\n' "${ROWS[@]}"
	} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
	tap_diag "results: $RESULTS"
}

# Per-queue "packets" column of the receiver's text table ("0  500 ...").
table_queue_packets() { # file
	awk '/^queue +packets/ { t = 1; next } t && /^[0-9]+ / { printf "%s%s", s, $2; s = " " } t && /^total/ { exit }' "$1"
}

# ---- checks of one receiver's JSON report ---------------------------------
# Exact: every frame, exactly $per_queue frames on each of $queues queues.
check_rx() { # what out-file err-file rc mode queues per-queue-list(space separated)
	local what=$1 out=$2 err=$3 rc=$4 mode=$5 queues=$6 per_queue=$7 final
	tap_is "$rc" 0 "$what: receiver exits 0"
	final=$(jq -c 'select(.type == "final")' "$out" 2>/dev/null | tail -n 1)
	if [ -z "$final" ]; then
		tap_result 1 "$what: final JSON report" "stderr: $(tail -c 300 "$err" | tr '\n' '|')"
		return
	fi
	tap_is "$(jq -r .xdp_mode <<<"$final")" "$mode" "$what: XDP mode $mode"
	tap_is "$(jq -r .bind_mode <<<"$final")" copy "$what: AF_XDP copy mode"
	tap_is "$(jq -r '.queues | length' <<<"$final")" "$queues" "$what: $queues queue(s)"
	tap_is "$(jq -r .total.packets <<<"$final")" "$FRAMES" "$what: every frame received"
	tap_is "$(jq -r '[.queues[].packets] | map(tostring) | join(" ")' <<<"$final")" "$per_queue" \
		"$what: frames per queue"
	tap_is "$(jq -r '[.queues[].xdp.redirected] | add' <<<"$final")" "$FRAMES" \
		"$what: the XDP program redirected exactly the frames sent"
	tap_is "$(jq -r '[.queues[] | .xsk.rx_dropped + .xsk.rx_ring_full + .xsk.rx_invalid_descs] | add' <<<"$final")" 0 \
		"$what: no AF_XDP socket drops"
	tap_is "$(jq -r '.total.no_hint + .total.unknown_btf_id' <<<"$final")" 0 \
		"$what: every frame carried a known hint"
}

even_split() { # total queues
	local q out=""
	for q in $(seq "$2"); do out="$out${out:+ }$(($1 / $2))"; done
	echo "$out"
}

check_sender() { # what file queues
	local json
	json=$(tail -n 1 "$2" 2>/dev/null)
	tap_is "$(jq -r .sent <<<"$json" 2>/dev/null)" "$FRAMES" "$1: sender sent every frame"
	tap_is "$(jq -r .queue_select <<<"$json" 2>/dev/null)" explicit \
		"$1: sender chose the TX queues itself (flow f on queue f mod $3)"
}

# ---- the demo, on a kernel: native gets all 4 queues; generic XDP on veth
# reads TX queue k as RX queue k - 1 (see scripts/netns_lib.sh): queue 0
# gets flows 0 and 1 mod 4, queue 3 none.
check_demo() { # what out rc mode
	local expect="500 500 500 500"
	[ "$4" = generic ] && expect="1000 500 500 0"
	tap_is "$3" 0 "$1: demo exits 0"
	tap_grep "$2" "xdp $4 bind copy" "$1: receiver in $4 mode, copy bind"
	tap_is "$(table_queue_packets "$2")" "$expect" "$1: frames per RX queue"
}

# ---- running kernel, veth ----------------------------------------------------
for mode in native generic; do
	cell_begin
	out=$(mktemp)
	XDP_MODE=$mode "$here/../../scripts/demo.sh" >"$out" 2>&1
	check_demo "$HOST_KERNEL veth $mode" "$out" $? "$mode"
	rm -f "$out"
	cell_end "$HOST_KERNEL (running)" "veth, 4 queues" "$mode: the demo"
done

# ---- the guest ----------------------------------------------------------------
GUEST_CELLS=(
	"virtio_net, 4 queue pairs|native, copy"
	"virtio_net, 4 queue pairs|generic, copy"
	"e1000e|generic (no native XDP)"
	"veth, 4 queues|native: the demo"
	"veth, 4 queues|generic: the demo"
)
HOST_TAP_CELLS=("tun/tap, 4 queues|native, copy" "tun/tap, 4 queues|generic, copy")

skip_guest() { # reason
	local c
	for c in "${GUEST_CELLS[@]}"; do cell_skip "Debian $(. /etc/os-release && echo "$VERSION_ID") stock (guest)" "${c%%|*}" "${c#*|}" "$1"; done
	for c in "${HOST_TAP_CELLS[@]}"; do cell_skip "$HOST_KERNEL (running)" "${c%%|*}" "${c#*|}" "$1 (the guest feeds the tap)"; done
}

guest_running() { [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; }

# Wait for a marker the guest writes; give up when the guest is gone.
wait_guest_file() { # name timeout
	local deadline=$(( $(date +%s) + $2 ))
	while [ ! -e "$VM_WORK/$1" ]; do
		guest_running || return 1
		[ "$(date +%s)" -gt "$deadline" ] && return 1
		sleep 0.2
	done
}

host_send() { # name tap dst-mac dst-ip
	if wait_guest_file "$1.ready" 180; then
		ip netns exec "$VM_NS" "$XH_BUILD/xdp_hints_traffic" --dev "$2" --dst-mac "$3" \
			--dst-ip "$4" --flows "$FLOWS" --count "$FRAMES" --rate "$RATE" --json \
			>"$VM_WORK/$1.send" 2>&1
	fi
	touch "$VM_WORK/$1.sent"
}

# af_xdp_user on the host's tap, fed by the guest.
host_receive() { # name mode
	local name=$1 mode=$2 what="$HOST_KERNEL tun/tap $2"
	cell_begin
	XH_NS_RX=$VM_NS XH_RX_DEV=$TAP0
	xh_start_receiver --xdp-mode "$mode" --json --interval 0
	if xh_wait_ready 30; then
		touch "$VM_WORK/$name.ready"
		wait_guest_file "$name.sent" 180
		sleep 1
		xh_stop_receiver INT
		check_sender "$what" "$VM_WORK/$name.send" "$QUEUES"
		check_rx "$what" "$XH_RX_OUT" "$XH_RX_ERR" "$XH_RX_RC" "$mode" "$QUEUES" \
			"$(even_split "$FRAMES" "$QUEUES")"
		tap_ok "$what: no XDP program left on the tap" eval '! xh_xdp_attached "$VM_NS" "$TAP0"'
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		touch "$VM_WORK/$name.ready" # the guest must not wait for nothing
		xh_stop_receiver KILL
	fi
	cell_end "$HOST_KERNEL (running)" "tun/tap, 4 queues" "$mode, copy"
}

why=$("$here/prepare.sh" --check) || { skip_guest "$why"; write_results; tap_finish; exit; }
if ! "$here/prepare.sh" >/dev/null; then
	skip_guest "the guest's kernel or initramfs could not be prepared (see above)"
	write_results; tap_finish; exit
fi

VM_NS="xhvm$$"
TAP0="xhvm$$t0"
TAP1="xhvm$$t1"
VM_WORK=$(mktemp -d /tmp/xh-vm.XXXXXX)
xh_netns_add "$VM_NS"
ip -n "$VM_NS" tuntap add dev "$TAP0" mode tap multi_queue
ip -n "$VM_NS" tuntap add dev "$TAP1" mode tap
ip -n "$VM_NS" link set "$TAP0" address "$TAP0_MAC"
ip -n "$VM_NS" link set "$TAP1" address "$TAP1_MAC"
ip -n "$VM_NS" addr add "$TAP0_IP/24" dev "$TAP0"
ip -n "$VM_NS" addr add "$TAP1_IP/24" dev "$TAP1"
ip -n "$VM_NS" link set "$TAP0" up
ip -n "$VM_NS" link set "$TAP1" up

vm_start=$(date +%s)
"$here/run.sh" --work "$VM_WORK" --netns "$VM_NS" --timeout 900 \
	--qemu -netdev --qemu "tap,id=n0,ifname=$TAP0,script=no,downscript=no,queues=$QUEUES,vhost=off" \
	--qemu -device --qemu "virtio-net-pci,netdev=n0,mac=$GUEST_MAC0,mq=on,vectors=$((2 * QUEUES + 2))" \
	--qemu -netdev --qemu "tap,id=n1,ifname=$TAP1,script=no,downscript=no,vhost=off" \
	--qemu -device --qemu "e1000e,netdev=n1,mac=$GUEST_MAC1" \
	-- "BUILD='$XH_BUILD' '$here/guest_cells.sh' '$VM_WORK'" >"$VM_WORK/guest.log" 2>&1 &
VM_PID=$!

# The guest writes its kernel's release first thing.  If it never does,
# this machine cannot boot it (run.sh says why): its cells are skipped.
if ! wait_guest_file guest.kernel 300; then
	guest_running && kill -TERM "$VM_PID"
	wait "$VM_PID"
	vm_rc=$?
	VM_PID=""
	sed 's/^/# /' "$VM_WORK/guest.log" | tail -n 25
	skip_guest "no guest boot (tests/vm/run.sh exit status $vm_rc)"
	write_results
	tap_finish
	exit
fi

# The host's turns, in the order guest_cells.sh takes them.
host_send virtio_native "$TAP0" "$GUEST_MAC0" "$GUEST_IP0"
host_send virtio_generic "$TAP0" "$GUEST_MAC0" "$GUEST_IP0"
if guest_running; then
	host_receive tap_native native
	host_receive tap_generic generic
else
	for c in "${HOST_TAP_CELLS[@]}"; do
		tap_result 1 "$HOST_KERNEL ${c%%|*} ${c#*|}: the guest was there to send"
		ROWS+=("$HOST_KERNEL (running)	${c%%|*}	${c#*|}	FAIL (no guest)")
	done
fi
if wait_guest_file e1000e_auto.ready 300; then
	FRAMES_ALL=$FRAMES FRAMES=200
	host_send e1000e_auto "$TAP1" "$GUEST_MAC1" "$GUEST_IP1"
	FRAMES=$FRAMES_ALL
else
	touch "$VM_WORK/e1000e_auto.sent"
fi
wait "$VM_PID"
vm_rc=$?
VM_PID=""
tap_diag "guest: $(cat "$VM_WORK/guest.kernel" 2>/dev/null || echo '?'), $(( $(date +%s) - vm_start )) s from boot to power-off ($(cat "$VM_WORK/accel"))"
tap_is "$vm_rc" 0 "guest ran its cells (run.sh exit status)"
GUEST="Debian $(. /etc/os-release && echo "$VERSION_ID") stock $(cat "$VM_WORK/guest.kernel") (guest, $(tr a-z A-Z <"$VM_WORK/accel"))"
W=$VM_WORK

for mode in native generic; do
	cell_begin
	what="guest virtio_net $mode"
	check_sender "$what" "$W/virtio_$mode.send" "$QUEUES"
	check_rx "$what" "$W/virtio_$mode.out" "$W/virtio_$mode.err" "$(cat "$W/virtio_$mode.rc" 2>/dev/null)" \
		"$mode" "$QUEUES" "$(even_split "$FRAMES" "$QUEUES")"
	tap_ok "$what: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/virtio_$mode.link'"
	if [ "$mode" = native ]; then
		kv=$(cut -d. -f1,2 "$W/guest.kernel")
		tap_grep "$W/virtio_native.err" "kernel $kv has no XDP RX-metadata kfuncs \\(6\\.3\\+\\)" \
			"$what: --hw-hints auto says kernel $kv has no XDP RX-metadata kfuncs"
	fi
	cell_end "$GUEST" "virtio_net, 4 queue pairs" "$mode, copy"
done

cell_begin
what="guest e1000e"
tap_cmp "$(cat "$W/e1000e_native.rc" 2>/dev/null)" -ne 0 "$what: --xdp-mode native fails"
tap_grep "$W/e1000e_native.err" 'native' "$what: --xdp-mode native says native XDP is the problem"
tap_grep "$W/e1000e_auto.err" 'native XDP refused.*attached in generic mode' "$what: --xdp-mode auto says it falls back to generic"
FRAMES_ALL=$FRAMES FRAMES=200
check_rx "$what auto" "$W/e1000e_auto.out" "$W/e1000e_auto.err" "$(cat "$W/e1000e_auto.rc" 2>/dev/null)" \
	generic 1 200
FRAMES=$FRAMES_ALL
cell_end "$GUEST" "e1000e" "generic (no native XDP)"

for mode in native generic; do
	cell_begin
	check_demo "guest veth $mode" "$W/demo_$mode.out" "$(cat "$W/demo_$mode.rc" 2>/dev/null)" "$mode"
	cell_end "$GUEST" "veth, 4 queues" "$mode: the demo"
done
# Multi-buffer AF_XDP came in 6.6: a clear refusal before it. TAI receive
# times need bpf_ktime_get_tai_ns() (6.1).
kv=$(cut -d. -f1,2 "$W/guest.kernel")
cell_begin
what="guest veth --frags on"
tap_is "$(cat "$W/frags_on.rc" 2>/dev/null)" 1 "$what: refused with exit status 1"
tap_grep "$W/frags_on.err" "kernel $kv has no AF_XDP multi-buffer \\(6\\.6\\+\\)" \
	"$what: says kernel $kv has no AF_XDP multi-buffer (6.6+)"
cell_end "$GUEST" "veth, 1 queue" "--frags on: refused"
cell_begin
what="guest veth --clock tai"
final=$(jq -c 'select(.type == "final")' "$W/tai.out" 2>/dev/null | tail -n 1)
tap_is "$(cat "$W/tai.rc" 2>/dev/null)" 0 "$what: exit status 0 at --count"
tap_is "$(jq -r .clock <<<"${final:-{\}}")" tai "$what: the report says clock tai"
tap_is "$(jq -r .total.packets <<<"${final:-{\}}")" 50 "$what: every frame received"
tap_is "$(jq -r .total.layouts.xdp_hints_rx_tai <<<"${final:-{\}}")" 50 \
	"$what: every frame carried xdp_hints_rx_tai"
cell_end "$GUEST" "veth, 1 queue" "--clock tai"
tap_diag "guest features: $(tr '\n' ';' <"$W/features.txt" 2>/dev/null)"

write_results
vm_cleanup
tap_ok "no namespace of this test is left" eval '! ip netns list | grep -q "^xhvm$$ "'
tap_finish
