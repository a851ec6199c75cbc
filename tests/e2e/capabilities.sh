#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Least privilege.  The receiver needs exactly CAP_NET_ADMIN, CAP_NET_RAW,
# CAP_BPF and CAP_IPC_LOCK (the last only when its UMEMs exceed
# RLIMIT_MEMLOCK); not CAP_PERFMON: the verifier accepts the XDP program
# from a loader without it, each filter's variant and the device-bound
# driver-metadata program too.  Run through capsh with every other
# capability dropped from the bounding set (so even uid 0 does not have
# them), it must receive an exact count; with one of the four dropped as
# well, it must exit 1 with one line naming exactly that capability, before
# touching the interface (CAP_IPC_LOCK alone: the line of the UMEM memory
# check, with the UMEM and RLIMIT_MEMLOCK sizes; tests/e2e/memory_limits.sh
# has more).  CAP_SYS_ADMIN may stand in for NET_ADMIN and BPF.
# --tx --no-rx loads no XDP program: it sends with CAP_NET_RAW and
# CAP_IPC_LOCK alone.
#
# RLIMIT_MEMLOCK is pinned to 8 MiB inside each run, so the default UMEM
# (4 queues x 16 MiB) needs CAP_IPC_LOCK whatever the caller's limit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

if ! command -v capsh >/dev/null; then
	tap_result 0 "capsh (libcap2-bin) is not installed # SKIP"
	tap_finish
	exit 0
fi

NEEDED="cap_net_admin cap_net_raw cap_bpf cap_ipc_lock"
MEMLOCK_KIB=8192
COUNT=400
ALL_CAPS=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' ' ')

# Every capability of the bounding set not in the list, comma-separated.
drop_list() { # capabilities to keep...
	local keep=" $* " drop="" c
	for c in $ALL_CAPS; do
		[[ "$keep" == *" $c "* ]] || drop+="${drop:+,}$c"
	done
	echo "$drop"
}

# Start the receiver with only the given capabilities (space-separated).
start_with_caps() { # "caps" af_xdp_user options...
	local keep=$1
	shift
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$XH_NS_RX" capsh --drop="$(drop_list $keep)" -- \
		-c 'ulimit -l '"$MEMLOCK_KIB"' && exec "$0" "$@"' \
		"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@" >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

# The capability names in "missing capability X (why), Y (why); ...".
missing_names() { # stderr file
	sed -n 's/^af_xdp_user: missing capabilit[a-z]* \(.*\); \(the receiver\|--tx --no-rx\) needs .*/\1/p' "$1" |
		sed 's/ ([^)]*)//g'
}

receives_exactly() { # what "caps" [receiver options...]
	local what=$1 keep=$2
	shift 2
	start_with_caps "$keep" --json --interval 0 --count "$COUNT" "$@"
	if ! xh_wait_ready 15; then
		xh_wait_receiver 5
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_result 0 "$what: receiver ready"
	xh_send --flows 8 --count "$COUNT" --rate "${RATE:-20000}" >/dev/null
	xh_wait_receiver 15
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 at --count"
	tap_is "$(jq -r '.total.packets' <<<"$(xh_final_json)")" "$COUNT" \
		"$what: received exactly $COUNT packets"
}

xh_setup cap 4

receives_exactly "only $NEEDED (no CAP_PERFMON), driver-metadata program" "$NEEDED"
tap_grep "$XH_RX_ERR" 'hint layout xdp_hints_rx_hw' "without CAP_PERFMON: the device-bound program loaded"
receives_exactly "without CAP_PERFMON, --hw-hints off --layout alternate" "$NEEDED" \
	--hw-hints off --layout alternate
receives_exactly "without CAP_PERFMON, --filter-udp-port 9000" "$NEEDED" --filter-udp-port 9000
receives_exactly "without CAP_PERFMON, --filter-ethertype 0x0800" "$NEEDED" --filter-ethertype 0x0800

for cap in $NEEDED; do
	keep=$(tr ' ' '\n' <<<"$NEEDED" | grep -vx "$cap" | tr '\n' ' ')
	upper=$(tr '[:lower:]' '[:upper:]' <<<"$cap")
	what="without $upper"
	start_with_caps "$keep" -q --json --interval 0 --count "$COUNT"
	xh_wait_receiver 15
	tap_is "$XH_RX_RC" 1 "$what: exit status 1"
	tap_is "$(wc -l <"$XH_RX_ERR")" 1 "$what: one line on stderr"
	if [ "$cap" = cap_ipc_lock ]; then
		# Alone, it is a question of size: the memory check's line.
		tap_grep "$XH_RX_ERR" '^af_xdp_user: UMEM of 4 queue\(s\) x [0-9]+ frames x [0-9]+ bytes pins [0-9.]+ MiB, more than RLIMIT_MEMLOCK \(8.0 MiB\) allows without CAP_IPC_LOCK' \
			"$what: the message gives the UMEM and RLIMIT_MEMLOCK sizes and names $upper"
	else
		tap_is "$(missing_names "$XH_RX_ERR")" "$upper" "$what: the message names exactly $upper"
	fi
	tap_ok "$what: no XDP program attached" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
done

start_with_caps "cap_net_raw" -q --json --interval 0
xh_wait_receiver 15
tap_is "$(missing_names "$XH_RX_ERR")" "CAP_NET_ADMIN, CAP_BPF, CAP_IPC_LOCK" \
	"only CAP_NET_RAW: every missing capability named in one line"

# 4 x 64 frames x 4 KiB = 1 MiB fits under RLIMIT_MEMLOCK: no CAP_IPC_LOCK.
# 64-frame rings overflow if the receiver is off the CPU for a few ms at
# 20000 frames/s (seen on a loaded machine): a tenth of that rate.
RATE=2000 receives_exactly "small UMEM without CAP_IPC_LOCK" "cap_net_admin cap_net_raw cap_bpf" \
	--umem per-queue --frames 64
receives_exactly "CAP_SYS_ADMIN for NET_ADMIN and BPF" "cap_sys_admin cap_net_raw cap_ipc_lock"

# --tx --no-rx: the sender runs with CAP_NET_RAW and CAP_IPC_LOCK only, the
# receiver (all capabilities) on the other end counts what it sent.
what="--tx --no-rx with CAP_NET_RAW and CAP_IPC_LOCK only"
TX_FRAMES=40
xh_start_receiver --json --interval 0 --count "$TX_FRAMES" --duration 15
RX_PID=$XH_RX_PID RX_OUT=$XH_RX_OUT
if xh_wait_ready; then
	xh_tmpdir
	ip netns exec "$XH_NS_TX" capsh --drop="$(drop_list cap_net_raw cap_ipc_lock)" -- \
		-c 'ulimit -l '"$MEMLOCK_KIB"' && exec "$0" "$@"' \
		"$XH_BUILD/af_xdp_user" --dev "$XH_TX_DEV" --tx --no-rx --tx-dst-mac "$XH_RX_MAC" \
		--tx-dst-ip "$XH_RX_IP" --tx-cycles 5 --tx-batch 8 --tx-interval 0.005 \
		--json --interval 0 >"$XH_TMPDIR/tx.out" 2>"$XH_TMPDIR/tx.err"
	tap_is "$?" 0 "$what: sender exits 0 ($(grep -v '^af_xdp_user: TX' "$XH_TMPDIR/tx.err" | head -n 1))"
	tap_ok "$what: no XDP program on the sending end" eval '! xh_xdp_attached "$XH_NS_TX" "$XH_TX_DEV"'
	XH_RX_PID=$RX_PID XH_RX_OUT=$RX_OUT
	xh_wait_receiver 15
	tap_is "$(jq -r '.total.packets' <<<"$(xh_final_json)")" "$TX_FRAMES" "$what: the receiver got all $TX_FRAMES frames"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
start_with_caps "cap_ipc_lock" -q --tx --no-rx --tx-dst-mac "$XH_TX_MAC" --tx-dst-ip "$XH_TX_IP" --tx-cycles 1
xh_wait_receiver 15
tap_is "$(missing_names "$XH_RX_ERR")" "CAP_NET_RAW" "--tx --no-rx without CAP_NET_RAW: only CAP_NET_RAW named"

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
