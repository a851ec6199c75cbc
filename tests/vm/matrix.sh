#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The kernel and driver matrix (make test-vm; part of make test).  TAP on
# stdout; one row per cell in $VM_MATRIX_RESULTS (default
# $BUILD/vm-matrix.tsv: kernel, NIC, mode, result), from which
# tests/vm/tested_on.sh writes docs/testing.org's "Tested on" table.
#
#   kernel            cells                          who sends -> who receives
#   running           veth: the demo                 veth peer -> af_xdp_user
#                     tun/tap (fed by the 6.1 guest) guest NIC -> host tap
#   Debian 12 (6.1)   virtio_net native/generic copy host tap  -> guest NIC
#                     e1000e (no native XDP), veth demo, --frags on
#                     refused, --clock tai
#   Debian 13 (6.12)  virtio_net copy with the driver's RX hash;
#                     zero-copy refused (xdp-features)
#   Debian 13 bpo     virtio_net zero-copy (VIRTIO_F_ACCESS_PLATFORM):
#   (7.x)             hash, auto, busy-poll, TX; multi-buffer (copy: zero-
#                     copy refused); zero-copy refused without
#                     ACCESS_PLATFORM (second NIC)
#   Debian 13 RT      veth demo; virtio_net copy in the receive modes
#   (6.12 rt)         wakeup (--priority 50), spin (--priority 49),
#                     busy-poll (counts only); spin and busy-poll at
#                     --priority 50: the tool's warnings
#
# One boot per guest kernel (tests/vm/run.sh: Debian's kernels under QEMU)
# runs tests/vm/guest_cells.sh, which leaves its results in a shared work
# directory; the checks run here.  The guest's NICs are backed by two taps
# in a private namespace of the host, and frames only go between that
# namespace and the guest.  Where no guest can be booted (no qemu, no
# /dev/net/tun, ...) its cells are reported as skipped with the reason:
# counted, never passed.  VM_MATRIX_KERNELS picks guest kernels (default
# all of tests/vm/prepare.sh --list); VM_MATRIX_KEEP=1 keeps each guest's
# work directory (its raw results) and prints where.
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
SRC=$(cd "$here/../.." && pwd)
KERNELS=${VM_MATRIX_KERNELS:-$("$here/prepare.sh" --list | tr '\n' ' ')}
MATRIX_START=$(date +%s)

vm_cleanup() {
	if [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; then
		kill -TERM "$VM_PID" 2>/dev/null
		wait "$VM_PID" 2>/dev/null
	fi
	[ -n "$VM_NS" ] && ip netns del "$VM_NS" 2>/dev/null
	if [ -n "$VM_WORK" ] && [ -n "${VM_MATRIX_KEEP:-}" ]; then
		echo "# kept the guest's work directory $VM_WORK (VM_MATRIX_KEEP)"
	elif [ -n "$VM_WORK" ]; then
		rm -rf "$VM_WORK"
	fi
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
	tap_is "$(jq -r .bind_mode <<<"$final")" "${BIND:-copy}" "$what: AF_XDP ${BIND:-copy} mode"
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
	# Frames longer than its AF_XDP frame go through AF_PACKET: the
	# kernel picks the queue (QS=hash); RSS steers them in the guest anyway.
	if [ "${QS:-explicit}" = hash ]; then
		tap_is "$(jq -r .queue_select <<<"$json" 2>/dev/null)" hash \
			"$1: sender left the TX queue to the kernel (long frames)"
	else
		tap_is "$(jq -r .queue_select <<<"$json" 2>/dev/null)" explicit \
			"$1: sender chose the TX queues itself (flow f on queue f mod $3)"
	fi
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

# ---- checks of the --pkt-info lines: the driver's RX hash -------------------
# Every frame carries xdp_hints_rx_hw with the hash valid; the $FLOWS flows
# give $FLOWS different non-zero hashes, each on exactly FRAMES / FLOWS
# frames (same within a flow), and each hash on one queue only.
check_hash() { # what out-file
	local what=$1 out=$2 pk
	pk=$(jq -c 'select(.type == "packet")' "$out" 2>/dev/null)
	tap_is "$(jq -s 'map(select(.layout == "xdp_hints_rx_hw")) | length' <<<"$pk")" "$FRAMES" \
		"$what: every frame's hint is xdp_hints_rx_hw"
	tap_is "$(jq -s 'map(select(.hint.fields.rx_hash != 0 and (.hint.fields.valid_bits % 4 >= 2))) | length' <<<"$pk")" "$FRAMES" \
		"$what: every frame has a non-zero driver RX hash, marked valid"
	tap_is "$(jq -s 'group_by(.hint.fields.rx_hash) | map(length) | map(tostring) | join(" ")' -r <<<"$pk")" \
		"$(printf "$((FRAMES / FLOWS))%.0s " $(seq "$FLOWS") | sed 's/ $//')" \
		"$what: $FLOWS flows, $FLOWS different hashes, each on $((FRAMES / FLOWS)) frames"
	tap_is "$(jq -s --argjson n "$QUEUES" 'map(select(.queue != .hint.fields.rx_hash % $n)) | length' <<<"$pk")" 0 \
		"$what: every frame on queue hash mod $QUEUES (RSS)"
}

# With rss=on QEMU steers each frame by the hash it reports (software RSS)
# through the guest's indirection table, which virtio_net fills evenly
# (entry i: queue i mod $QUEUES; 128 entries): queue = hash mod $QUEUES,
# whatever tap queue the frame came on.  The hash key is random per boot,
# so the counts per queue are exact but known only from the hashes: this
# predicts them from the --pkt-info lines' hashes, and check_hash checks
# each frame's queue against its hash.
per_queue_by_hash() { # out-file
	jq -s -r --argjson n "$QUEUES" 'map(select(.type == "packet")) as $p |
		[range($n) as $q | ($p | map(select(.hint.fields.rx_hash % $n == $q)) | length) | tostring] | join(" ")' "$1"
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

# ---- the guests ----------------------------------------------------------------
kernel_label() { # kernel
	case "$1" in
	deb12) echo "Debian 12 stock" ;;
	deb13) echo "Debian 13 stock" ;;
	deb13-bpo) echo "Debian 13 backports" ;;
	deb13-rt) echo "Debian 13 PREEMPT_RT" ;;
	esac
}
# The cells of each guest kernel: "NIC|mode" (the rows when skipped).
guest_cells() { # kernel
	case "$1" in
	deb12) printf '%s\n' "virtio_net, 4 queue pairs|native, copy" "virtio_net, 4 queue pairs|generic, copy" \
		"e1000e|generic (no native XDP)" "veth, 4 queues|native: the demo" "veth, 4 queues|generic: the demo" \
		"veth, 1 queue|--frags on: refused" "veth, 1 queue|--clock tai" ;;
	deb13) printf '%s\n' "virtio_net, 4 queue pairs|native, copy, driver RX hash" \
		"virtio_net, 4 queue pairs|zero-copy: refused (xdp-features)" ;;
	deb13-bpo) printf '%s\n' "virtio_net, 4 queue pairs, ACCESS_PLATFORM|native, zero-copy, driver RX hash" \
		"virtio_net, 4 queue pairs, ACCESS_PLATFORM|--bind-mode auto: zero-copy" \
		"virtio_net, 4 queue pairs, ACCESS_PLATFORM|zero-copy, --busy-poll" \
		"virtio_net, 1 queue pair, ACCESS_PLATFORM|zero-copy, RX ring overflow: always-stamp, no stale btf_id" \
		"virtio_net, 4 queue pairs, ACCESS_PLATFORM|zero-copy, --tx" \
		"virtio_net, 4 queue pairs, ACCESS_PLATFORM|MTU 9000, --frags auto, zero-copy: refused" \
		"virtio_net, 4 queue pairs, ACCESS_PLATFORM|MTU 9000, --frags auto: copy, multi-buffer" \
		"virtio_net, 1 queue pair|zero-copy: refused (no ACCESS_PLATFORM)" ;;
	deb13-rt) printf '%s\n' "veth, 4 queues|native: the demo" \
		"virtio_net, 4 queue pairs|native, copy, --priority 50, wakeup" \
		"virtio_net, 4 queue pairs|native, copy, --priority 49, --spin" \
		"virtio_net, 4 queue pairs|native, copy, --busy-poll" \
		"virtio_net, 4 queue pairs|--spin or --busy-poll at --priority 50: warned" ;;
	esac
}
HOST_TAP_CELLS=("tun/tap, 4 queues|native, copy" "tun/tap, 4 queues|generic, copy")

skip_guest() { # kernel reason
	local c
	while IFS= read -r c; do
		cell_skip "$(kernel_label "$1") (guest)" "${c%%|*}" "${c#*|}" "$2"
	done < <(guest_cells "$1")
	if [ "$1" = deb12 ]; then
		for c in "${HOST_TAP_CELLS[@]}"; do cell_skip "$HOST_KERNEL (running)" "${c%%|*}" "${c#*|}" "$2 (the guest feeds the tap)"; done
	fi
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

host_send() { # name
	local nic count extra tap mac ip
	read -r nic count extra <"$VM_WORK/$1.args"
	# Raw frames of tests/bpf/stale_btf_id.c (guest_cells.sh --send-raw):
	# "raw COUNT H|N", back to back.
	if [ "$nic" = raw ]; then
		local kind=stale-none
		[ "$extra" = H ] && kind=stale-hint
		ip netns exec "$VM_NS" python3 "$SRC/tests/e2e/raw_frames.py" "$TAP0" "$GUEST_MAC0" \
			"$kind" "$count" >"$VM_WORK/$1.send" 2>&1
		return
	fi
	tap=$TAP0 mac=$GUEST_MAC0 ip=$GUEST_IP0
	[ "$nic" = 1 ] && tap=$TAP1 mac=$GUEST_MAC1 ip=$GUEST_IP1
	# shellcheck disable=SC2086 # $extra: sender options, split on purpose
	ip netns exec "$VM_NS" "$XH_BUILD/xdp_hints_traffic" --dev "$tap" --dst-mac "$mac" \
		--dst-ip "$ip" --flows "$FLOWS" --count "$count" --rate "$RATE" --json $extra \
		>"$VM_WORK/$1.send" 2>&1
}

# af_xdp_user on the host's tap, fed by the guest; its results in
# $VM_WORK/NAME.host.{out,err,rc}, checked after the guest is done.
host_receive() { # name af_xdp_user-options...
	local name=$1
	shift
	XH_NS_RX=$VM_NS XH_RX_DEV=$TAP0
	xh_start_receiver --json --interval 0 "$@"
	if xh_wait_ready 30; then
		touch "$VM_WORK/$name.hostready"
		wait_guest_file "$name.sent" 180
		sleep 1
		xh_stop_receiver INT
	else
		touch "$VM_WORK/$name.hostready" # the guest must not wait for nothing
		xh_stop_receiver KILL
	fi
	cp "$XH_RX_OUT" "$VM_WORK/$name.host.out"
	cp "$XH_RX_ERR" "$VM_WORK/$name.host.err"
	echo "$XH_RX_RC" >"$VM_WORK/$name.host.rc"
	xh_xdp_attached "$VM_NS" "$TAP0" && touch "$VM_WORK/$name.host.attached"
}

# The host's side while the guest runs its cells: it sends when a guest
# receiver is ready ("X.ready", "X.args"), receives on the tap when the
# guest asks ("X.hostrx") and counts the tap's received frames ("X.snap").
serve_guest() {
	local f name
	while guest_running; do
		for f in "$VM_WORK"/*.ready; do
			[ -e "$f" ] || continue
			name=$(basename "$f" .ready)
			[ -e "$VM_WORK/$name.sent" ] && continue
			host_send "$name"
			touch "$VM_WORK/$name.sent"
		done
		for f in "$VM_WORK"/*.hostrx; do
			[ -e "$f" ] || continue
			name=$(basename "$f" .hostrx)
			[ -e "$VM_WORK/$name.hostready" ] && continue
			# shellcheck disable=SC2046 # the options, split on purpose
			host_receive "$name" $(cat "$f")
		done
		sleep 0.2
	done
}

# The QEMU NICs of each kernel's guest.
guest_nics() { # kernel
	local nic0="virtio-net-pci,netdev=n0,mac=$GUEST_MAC0,mq=on,vectors=$((2 * QUEUES + 2))"
	local tap0="tap,id=n0,ifname=$TAP0,script=no,downscript=no,queues=$QUEUES,vhost=off"
	local tap1="tap,id=n1,ifname=$TAP1,script=no,downscript=no,vhost=off"
	case "$1" in
	deb12) printf '%s\n' -netdev "$tap0" -device "$nic0" -netdev "$tap1" -device "e1000e,netdev=n1,mac=$GUEST_MAC1" ;;
	# hash=on: VIRTIO_NET_F_HASH_REPORT, the driver's RX hash (with RSS).
	deb13) printf '%s\n' -netdev "$tap0" -device "$nic0,rss=on,hash=on" ;;
	# iommu_platform=on: VIRTIO_F_ACCESS_PLATFORM, without which virtio_net
	# has no DMA device for an XSK pool (zero-copy bind: EINVAL); the
	# second NIC lacks it.
	deb13-bpo) printf '%s\n' -netdev "$tap0" \
		-device "$nic0,rss=on,hash=on,disable-legacy=on,iommu_platform=on" \
		-netdev "$tap1" -device "virtio-net-pci,netdev=n1,mac=$GUEST_MAC1,disable-legacy=on" ;;
	deb13-rt) printf '%s\n' -netdev "$tap0" -device "$nic0" ;;
	esac
}

why=$("$here/prepare.sh" --check) || {
	for k in $KERNELS; do skip_guest "$k" "$why"; done
	write_results; tap_finish; exit
}

# One guest: boots it, serves it, leaves its results in $VM_WORK.  Returns
# non-zero (with $SKIP_WHY) when the guest's cells cannot run.
boot_guest() { # kernel
	local k=$1 qemu_args=() a prep_err
	SKIP_WHY=""
	prep_err=$(mktemp)
	if ! "$here/prepare.sh" "$k" >/dev/null 2>"$prep_err"; then
		sed 's/^/# /' "$prep_err" | tail -n 5
		SKIP_WHY="kernel $k could not be prepared: $(grep '^vm/prepare:' "$prep_err" | tail -n 1 | sed 's/^vm\/prepare: //')"
		rm -f "$prep_err"
		return 1
	fi
	rm -f "$prep_err"
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
	ip -n "$VM_NS" link set "$TAP0" mtu 9000
	ip -n "$VM_NS" link set "$TAP0" up
	ip -n "$VM_NS" link set "$TAP1" up
	while IFS= read -r a; do qemu_args+=(--qemu "$a"); done < <(guest_nics "$k")
	# The checkout and the build directory, at their own paths: the
	# guest's /tmp is its own.
	local shares=(--share "$SRC")
	case "$XH_BUILD/" in "$SRC"/*) ;; *) shares+=(--share "$XH_BUILD") ;; esac

	GUEST_START=$(date +%s)
	"$here/run.sh" --kernel "$k" --work "$VM_WORK" "${shares[@]}" --netns "$VM_NS" --timeout 600 \
		"${qemu_args[@]}" -- "BUILD='$XH_BUILD' '$here/guest_cells.sh' '$VM_WORK' '$k'" \
		>"$VM_WORK/guest.log" 2>&1 &
	VM_PID=$!
	# The guest's init writes "booted", then guest_cells.sh the kernel's
	# release first thing.  If neither comes, say which did not.
	if ! wait_guest_file guest.kernel 300; then
		guest_running && kill -TERM "$VM_PID"
		wait "$VM_PID"
		VM_RC=$?
		VM_PID=""
		sed 's/^/# /' "$VM_WORK/guest.log" | tail -n 25
		if [ -s "$VM_WORK/booted" ]; then
			SKIP_WHY="the guest ($(cat "$VM_WORK/booted")) booted but did not run tests/vm/guest_cells.sh (exit status $VM_RC): $(tail -n 1 "$VM_WORK/guest.log" | cut -c1-120)"
		elif [ "$VM_RC" = 124 ]; then
			SKIP_WHY="the guest did not boot in 300 s (kernel $k)"
		else
			SKIP_WHY="no guest boot (tests/vm/run.sh exit status $VM_RC: $(grep -m1 'vm/' "$VM_WORK/guest.log" | cut -c1-120))"
		fi
		return 1
	fi
	serve_guest
	wait "$VM_PID"
	VM_RC=$?
	VM_PID=""
	tap_diag "guest $k: $(cat "$VM_WORK/guest.kernel" 2>/dev/null || echo '?'), $(( $(date +%s) - GUEST_START )) s from boot to power-off ($(cat "$VM_WORK/accel"))"
	tap_is "$VM_RC" 0 "guest $k ran its cells (run.sh exit status)"
	GUEST="$(kernel_label "$k") $(cat "$VM_WORK/guest.kernel") (guest, $(tr a-z A-Z <"$VM_WORK/accel"))"
	W=$VM_WORK
	return 0
}

# One receiver cell of the guest, from its files $W/NAME.*.
guest_rx() { # what name mode [per-queue]
	check_sender "$1" "$W/$2.send" "$QUEUES"
	check_rx "$1" "$W/$2.out" "$W/$2.err" "$(cat "$W/$2.rc" 2>/dev/null)" \
		"$3" "$QUEUES" "${4:-$(even_split "$FRAMES" "$QUEUES")}"
	tap_ok "$1: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/$2.link'"
}

checks_deb12() {
	local mode what kv final
	for mode in native generic; do
		cell_begin
		what="$HOST_KERNEL tun/tap $mode"
		tap_ok "$what: the guest asked the host to receive" test -e "$W/tap_$mode.hostready"
		check_sender "$what" "$W/tap_$mode.send" "$QUEUES"
		check_rx "$what" "$W/tap_$mode.host.out" "$W/tap_$mode.host.err" "$(cat "$W/tap_$mode.host.rc" 2>/dev/null)" \
			"$mode" "$QUEUES" "$(even_split "$FRAMES" "$QUEUES")"
		tap_ok "$what: no XDP program left on the tap" test ! -e "$W/tap_$mode.host.attached"
		cell_end "$HOST_KERNEL (running)" "tun/tap, 4 queues" "$mode, copy"
	done
	for mode in native generic; do
		cell_begin
		what="guest virtio_net $mode"
		guest_rx "$what" "virtio_$mode" "$mode"
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
}

checks_deb13() {
	local what="guest 6.12 virtio_net copy, driver hash"
	cell_begin
	guest_rx "$what" hash_copy native "$(per_queue_by_hash "$W/hash_copy.out")"
	tap_grep "$W/hash_copy.err" '(virtio_net: hash)' "$what: the tool says (virtio_net: hash)"
	check_hash "$what" "$W/hash_copy.out"
	cell_end "$GUEST" "virtio_net, 4 queue pairs" "native, copy, driver RX hash"
	cell_begin
	what="guest 6.12 virtio_net --bind-mode zero-copy"
	tap_is "$(cat "$W/zc_refused.rc" 2>/dev/null)" 1 "$what: refused with exit status 1"
	tap_grep "$W/zc_refused.err" "virtio_net.*xdp-features.*(no|lack).*xsk-zerocopy" \
		"$what: says the driver's xdp-features lack XSK zero-copy"
	tap_ok "$what: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/zc_refused.link'"
	cell_end "$GUEST" "virtio_net, 4 queue pairs" "zero-copy: refused (xdp-features)"
}

checks_deb13_bpo() {
	local nic="virtio_net, 4 queue pairs, ACCESS_PLATFORM" what final
	cell_begin
	what="guest 7.x virtio_net zero-copy, driver hash"
	BIND=zero-copy guest_rx "$what" zc_hash native "$(per_queue_by_hash "$W/zc_hash.out")"
	tap_grep "$W/zc_hash.err" 'ready: .* bind zero-copy ' "$what: the ready line says bind zero-copy"
	# --umem shared: every queue's socket on one UMEM (XDP_SHARED_UMEM), in
	# the driver's zero-copy path.
	tap_grep "$W/zc_hash.err" 'af_xdp_user: UMEM: one of [0-9]* frames .* shared by 4 queue' \
		"$what: one UMEM shared by the 4 queues"
	check_hash "$what" "$W/zc_hash.out"
	cell_end "$GUEST" "$nic" "native, zero-copy, driver RX hash"

	cell_begin
	what="guest 7.x virtio_net --bind-mode auto"
	BIND=zero-copy guest_rx "$what" zc_auto native "$(per_queue_by_hash "$W/zc_auto.out")"
	tap_grep "$W/zc_auto.err" 'ready: .* bind zero-copy ' "$what: picks zero-copy"
	tap_grep "$W/zc_auto.err" 'af_xdp_user: UMEM: 4 queue\(s\) x [0-9]+ frames x ' \
		"$what: one UMEM per queue (the default)"
	cell_end "$GUEST" "$nic" "--bind-mode auto: zero-copy"

	cell_begin
	what="guest 7.x virtio_net zero-copy --busy-poll"
	BIND=zero-copy guest_rx "$what" zc_busy_poll native "$(per_queue_by_hash "$W/zc_busy_poll.out")"
	tap_grep "$W/zc_busy_poll.err" 'ready: .* bind zero-copy rx busy-poll' "$what: zero-copy, busy-poll receive"
	tap_ok "$what: no warning that busy polling is ineffective" eval "! grep -q 'ineffective' '$W/zc_busy_poll.err'"
	cell_end "$GUEST" "$nic" "zero-copy, --busy-poll"

	# The stale-btf_id contract (headers/xdp_hint_stamp.h) under zero-copy:
	# test_stale_btf_id's two tests, 64 hinted frames into an 8-slot RX
	# ring (56 dropped after the XDP program wrote their hint), then 8
	# unhinted frames.  Its own asserts are exact (8 drained, 8 read, a
	# non-zero btf_id only ever the dropped frames' stale_hint); here its
	# report lines.  Without always-stamp the count is measured, not
	# checked: virtio_net posts the buffers the receiver gave back, not
	# the dropped frames' ones, so no unhinted frame read a stale btf_id
	# in either run (the failure mode does not show; docs/lesson4).
	cell_begin
	what="guest 7.x virtio_net zero-copy stale btf_id"
	local zc_line
	tap_is "$(cat "$W/stale_zc.rc" 2>/dev/null)" 0 "$what: test_stale_btf_id exits 0"
	tap_is "$(grep -c '^ok ' "$W/stale_zc.out")" 2 "$what: both of its tests pass"
	zc_line=$(grep -o 'bind zero-copy, always_stamp=1: .*' "$W/stale_zc.out")
	tap_diag "$(grep -o 'always_stamp=0: .*' "$W/stale_zc.out")"
	tap_diag "$zc_line"
	tap_ok "$what: bound zero-copy, the RX ring overflowed" \
		eval "grep -qE 'bind zero-copy, always_stamp=1: burst of 64 hinted frames, RX ring 8: rx_ring_full 56' '$W/stale_zc.out'"
	tap_ok "$what: always-stamp: 0 of 8 unhinted frames read a non-zero btf_id" \
		eval "grep -q 'bind zero-copy, always_stamp=1: .* 0 of 8 unhinted frames read a non-zero btf_id' '$W/stale_zc.out'"
	tap_ok "$what: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/stale_zc.link'"
	cell_end "$GUEST" "virtio_net, 1 queue pair, ACCESS_PLATFORM" "zero-copy, RX ring overflow: always-stamp, no stale btf_id"

	cell_begin
	what="guest 7.x virtio_net zero-copy --tx"
	final=$(jq -c 'select(.type == "tx")' "$W/zc_tx.out" 2>/dev/null | tail -n 1)
	tap_is "$(cat "$W/zc_tx.rc" 2>/dev/null)" 0 "$what: exit status 0"
	tap_grep "$W/zc_tx.err" 'ready: .* bind zero-copy ' "$what: bound zero-copy"
	tap_is "$(jq -r '.frames_sent' <<<"${final:-{\}}")" 80 "$what: 20 cycles of 4 frames sent"
	tap_is "$(jq -r '.frames_completed' <<<"${final:-{\}}")" 80 "$what: every frame completed"
	# One flow from the guest's TX queue 0: the tap's RX queue 0.
	FRAMES_ALL=$FRAMES FRAMES=80
	check_rx "$what: the host's tap" "$W/zc_tx.host.out" "$W/zc_tx.host.err" "$(cat "$W/zc_tx.host.rc" 2>/dev/null)" \
		native "$QUEUES" "80 0 0 0"
	FRAMES=$FRAMES_ALL
	cell_end "$GUEST" "$nic" "zero-copy, --tx"

	# Multi-buffer: virtio_net takes one buffer per frame in zero-copy.
	cell_begin
	what="guest 7.x virtio_net MTU 9000 --frags auto --bind-mode zero-copy"
	tap_is "$(cat "$W/zc_frags.rc" 2>/dev/null)" 1 "$what: refused with exit status 1"
	tap_grep "$W/zc_frags.err" "cannot bind AF_XDP sockets in zero-copy mode: driver virtio_net takes one buffer per frame in zero-copy \\(netdev xdp-zc-max-segs 1\\), and multi-buffer is needed" \
		"$what: says virtio_net takes one buffer per frame in zero-copy and multi-buffer is needed"
	tap_ok "$what: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/zc_frags.link'"
	cell_end "$GUEST" "$nic" "MTU 9000, --frags auto, zero-copy: refused"
	cell_begin
	what="guest 7.x virtio_net MTU 9000 --frags auto, 8000-byte frames"
	QS=hash guest_rx "$what" frags_auto native "$(per_queue_by_hash "$W/frags_auto.out")"
	tap_grep "$W/frags_auto.err" 'no zero-copy: driver virtio_net takes one buffer per frame' \
		"$what: --bind-mode auto says why it binds copy"
	tap_grep "$W/frags_auto.err" 'ready: .* bind copy .* buffers multi' "$what: copy mode, multi-buffer"
	tap_is "$(jq -s 'map(select(.type == "packet" and .len == 8000 and .bufs > 1)) | length' "$W/frags_auto.out")" "$FRAMES" \
		"$what: every frame 8000 bytes, in more than one buffer"
	cell_end "$GUEST" "$nic" "MTU 9000, --frags auto: copy, multi-buffer"

	cell_begin
	what="guest 7.x virtio_net without ACCESS_PLATFORM --bind-mode zero-copy"
	tap_is "$(cat "$W/zc_no_platform.rc" 2>/dev/null)" 1 "$what: refused with exit status 1"
	tap_grep "$W/zc_no_platform.err" "VIRTIO_F_ACCESS_PLATFORM.*iommu_platform" \
		"$what: names VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on)"
	tap_ok "$what: no XDP program left" eval "! grep -qE ' (xdp|xdpgeneric|xdpdrv) ' '$W/zc_no_platform.link'"
	cell_end "$GUEST" "virtio_net, 1 queue pair" "zero-copy: refused (no ACCESS_PLATFORM)"
}

checks_deb13_rt() {
	local m label prio
	cell_begin
	check_demo "guest RT veth native" "$W/demo_native.out" "$(cat "$W/demo_native.rc" 2>/dev/null)" native
	cell_end "$GUEST" "veth, 4 queues" "native: the demo"
	for m in wakeup spin busy_poll; do
		label=wakeup prio=", --priority 50"
		[ "$m" = spin ] && label=--spin prio=", --priority 49"
		[ "$m" = busy_poll ] && label=--busy-poll prio=""
		cell_begin
		guest_rx "guest RT virtio_net$prio $label" "rt_$m" native
		tap_grep "$W/rt_$m.err" "ready: .* rx ${m/_/-}" "guest RT virtio_net $label: receive mode ${m/_/-}"
		tap_ok "guest RT virtio_net $label: no starvation warning" eval "! grep -q 'PREEMPT_RT' '$W/rt_$m.err'"
		cell_end "$GUEST" "virtio_net, 4 queue pairs" "native, copy$prio, $label"
	done
	cell_begin
	tap_grep "$W/rt_spin_prio.err" "--spin with --priority 50 on a PREEMPT_RT kernel: .*interrupt threads \\(SCHED_FIFO 50\\).*cannot preempt it" \
		"guest RT --spin --priority 50: the tool warns that the interrupt threads cannot preempt it"
	tap_grep "$W/rt_busy_poll_prio.err" "--busy-poll with --priority 50 on a PREEMPT_RT kernel: while interrupts are deferred" \
		"guest RT --busy-poll --priority 50: the tool warns that NAPI's timer and softirq threads starve"
	cell_end "$GUEST" "virtio_net, 4 queue pairs" "--spin or --busy-poll at --priority 50: warned"
}

for k in $KERNELS; do
	if ! boot_guest "$k"; then
		skip_guest "$k" "$SKIP_WHY"
		vm_cleanup
		continue
	fi
	case "$k" in
	deb12) checks_deb12 ;;
	deb13) checks_deb13 ;;
	deb13-bpo) checks_deb13_bpo ;;
	deb13-rt) checks_deb13_rt ;;
	esac
	ns=$VM_NS
	vm_cleanup
	tap_ok "guest $k: no namespace of this test is left" eval "! ip netns list 2>/dev/null | grep -q '^$ns '"
done
tap_diag "matrix wall time: $(( $(date +%s) - MATRIX_START )) s"
write_results
tap_finish
