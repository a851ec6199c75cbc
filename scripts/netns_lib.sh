# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
#
# Shell helpers for the demo and the end-to-end tests: a private veth
# "wire" between two network namespaces, the receiver on one end, the
# traffic generator on the other, and a cleanup that always runs.
#
#   . scripts/netns_lib.sh
#   xh_install_trap                 # cleanup on EXIT/INT/TERM/HUP
#   xh_setup q4 4                   # purpose tag, queue count
#   xh_start_receiver --xdp-mode native --json
#   xh_wait_ready || ...
#   xh_send --flows 8 --count 800 --rate 20000
#   xh_stop_receiver INT            # $XH_RX_RC, $XH_RX_OUT, $XH_RX_ERR
#
# Why two namespaces: the receiver's end and the sender's end each hold an
# address; in one namespace the kernel would route between them over
# loopback and never touch the veth.  Frames from xdp_hints_traffic do not
# need routing, but kernel traffic (ARP, a UDP datagram from a shell) does.
#
# IPv6 is disabled in both namespaces before the veth exists: otherwise the
# kernel sends MLD and router solicitations the moment the link comes up,
# and these would reach the receiver and spoil exact packet counts.
#
# Native XDP on veth (kernel 6.x, checked on 6.18): attaching the program
# to the receiving end is enough.  veth then enables NAPI on its RX queues
# and runs XDP on the frames the peer transmits; neither GRO nor an XDP
# program on the peer is needed.  The peer's TX queue selects the RX queue;
# xdp_hints_traffic sends UDP flow f on TX queue f mod N itself (the
# kernel's flow-hash choice differs between kernels: on 6.1 8 flows left
# one of 4 queues empty).
#
# Generic XDP on veth: the peer's TX queue index k reaches the stack
# unchanged in skb->queue_mapping, which generic XDP reads as "RX queue
# k - 1" (the field stores rx queue + 1).  TX queues 0 and 1 both land on
# RX queue 0 and the last RX queue never sees a frame: with 4 queues only
# queues 0..2 receive (tests/e2e/veth_rx.sh holds generic mode to that).

XH_BUILD=${BUILD:-}
XH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
XH_NAMESPACES=()     # every namespace this process created
XH_RECEIVER_PIDS=()  # every receiver this process started
XH_TMPDIR=""
XH_RX_ADDR_PREFIX=10.77.0

xh_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# Root, the tools this file uses, and the binaries under $BUILD.
xh_require() { # binary names under $BUILD...
	local bin
	[ "$(id -u)" = 0 ] || xh_die "needs root: it creates network namespaces and loads XDP programs"
	for bin in ip ethtool jq timeout; do
		command -v "$bin" >/dev/null || xh_die "'$bin' is not installed"
	done
	[ -n "$XH_BUILD" ] || xh_die "BUILD is not set (the absolute build directory)"
	for bin in "$@"; do
		[ -x "$XH_BUILD/$bin" ] || xh_die "$XH_BUILD/$bin is missing: run 'make BUILD=$XH_BUILD all' first"
	done
}

xh_tmpdir() {
	if [ -z "$XH_TMPDIR" ]; then
		XH_TMPDIR=$(mktemp -d "/tmp/xh.$$.XXXXXX") || xh_die "cannot create a temporary directory"
	fi
}

# Kill receivers, delete namespaces (which destroys the veth ends in them),
# remove temporary files.  Safe to call more than once.
xh_cleanup() {
	local pid ns
	for pid in "${XH_RECEIVER_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid"
		fi
	done 2>/dev/null
	XH_RECEIVER_PIDS=()
	for ns in "${XH_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	XH_NAMESPACES=()
	xh_check_report_schema
	if [ -n "$XH_TMPDIR" ]; then
		rm -rf "$XH_TMPDIR"
		XH_TMPDIR=""
	fi
}

# In a TAP test: every JSON line af_xdp_user printed in this temporary
# directory (receivers' rx*.out, a sender's tx.out) must match
# schema/af_xdp_user.schema.json, one result per directory that has any.
xh_check_report_schema() {
	local files=() f out
	# After the plan (tap_finish ran it already) no result may follow.
	[ -n "$XH_TMPDIR" ] && [ -z "${TAP_PLANNED:-}" ] && declare -F tap_result >/dev/null ||
		return 0
	for f in "$XH_TMPDIR"/rx*.out "$XH_TMPDIR"/tx.out; do
		[ -f "$f" ] && grep -q '^{' "$f" && files+=("$f")
	done
	[ "${#files[@]}" -gt 0 ] || return 0
	out=$("$XH_LIB_DIR/validate_report_json.py" "${files[@]}" 2>&1)
	tap_result $? "JSON output matches schema/af_xdp_user.schema.json ($(tail -n 1 <<<"$out"))" \
		"$(head -n 3 <<<"$out" | tr '\n' '|')"
}

xh_install_trap() {
	trap 'xh_cleanup' EXIT
	# After cleaning up, leave with the conventional status for the signal.
	trap 'xh_cleanup; trap - EXIT; exit 130' INT
	trap 'xh_cleanup; trap - EXIT; exit 143' TERM
	trap 'xh_cleanup; trap - EXIT; exit 129' HUP
}

xh_netns_add() { # name
	ip netns add "$1" || xh_die "cannot create network namespace $1"
	XH_NAMESPACES+=("$1")
	# tests/run-tests.sh deletes what a killed (or careless) suite left.
	[ -n "${XH_NETNS_RECORD:-}" ] && echo "$1" >>"$XH_NETNS_RECORD"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null ||
		xh_die "cannot disable IPv6 in namespace $1"
}

# Create the wire.  Sets:
#   XH_NS_RX XH_RX_DEV XH_RX_MAC XH_RX_IP   receiver side
#   XH_NS_TX XH_TX_DEV XH_TX_MAC XH_TX_IP   sender side
#   XH_QUEUES
xh_setup() { # purpose(short tag) queues
	local purpose=$1 queues=$2 ns
	XH_QUEUES=$queues
	XH_NS_RX="xh${purpose}$$r"
	XH_NS_TX="xh${purpose}$$t"
	XH_RX_DEV="xh${purpose}$$r"
	XH_TX_DEV="xh${purpose}$$t"
	# IFNAMSIZ is 16 including the terminating NUL.
	[ "${#XH_RX_DEV}" -le 15 ] || xh_die "interface name $XH_RX_DEV is longer than 15 characters: use a shorter purpose tag"
	XH_RX_IP=$XH_RX_ADDR_PREFIX.1
	XH_TX_IP=$XH_RX_ADDR_PREFIX.2
	# Fixed, locally administered MACs: readable in reports and tests.
	XH_RX_MAC=02:78:68:00:00:01
	XH_TX_MAC=02:78:68:00:00:02

	xh_netns_add "$XH_NS_RX"
	xh_netns_add "$XH_NS_TX"
	ip -n "$XH_NS_RX" link add "$XH_RX_DEV" numrxqueues "$queues" numtxqueues "$queues" \
		address "$XH_RX_MAC" type veth peer name "$XH_TX_DEV" netns "$XH_NS_TX" \
		numrxqueues "$queues" numtxqueues "$queues" address "$XH_TX_MAC" ||
		xh_die "cannot create veth pair $XH_RX_DEV/$XH_TX_DEV"
	for ns in "$XH_NS_RX:$XH_RX_DEV" "$XH_NS_TX:$XH_TX_DEV"; do
		# The channel count is what the receiver reads to find the queues.
		ip netns exec "${ns%%:*}" ethtool -L "${ns#*:}" rx "$queues" tx "$queues" 2>/dev/null ||
			[ "$queues" = 1 ] || xh_die "ethtool -L ${ns#*:} rx $queues tx $queues failed"
	done
	ip -n "$XH_NS_RX" addr add "$XH_RX_IP/24" dev "$XH_RX_DEV"
	ip -n "$XH_NS_TX" addr add "$XH_TX_IP/24" dev "$XH_TX_DEV"
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" up
	ip -n "$XH_NS_TX" link set "$XH_TX_DEV" up
	xh_wait_carrier || xh_die "veth $XH_RX_DEV/$XH_TX_DEV did not come up"
}

xh_wait_carrier() {
	local i
	for i in $(seq 50); do
		# 2>/dev/null: iproute2 complains of other users' namespaces.
		if ip -n "$XH_NS_RX" link show "$XH_RX_DEV" 2>/dev/null | grep -q 'state UP' &&
		   ip -n "$XH_NS_TX" link show "$XH_TX_DEV" 2>/dev/null | grep -q 'state UP'; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# The sender's kernel knows the receiver's MAC without asking (ARP would
# otherwise be the first thing it sends).
xh_static_neigh() {
	ip -n "$XH_NS_TX" neigh replace "$XH_RX_IP" lladdr "$XH_RX_MAC" dev "$XH_TX_DEV" nud permanent
}

# Start af_xdp_user on the receiving end in the background.  Its stdout and
# stderr go to $XH_RX_OUT and $XH_RX_ERR; $XH_RX_PID is its pid (ip netns
# exec replaces itself with the program, so signals reach it directly).
xh_start_receiver() { # af_xdp_user options (--dev is added)
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@" \
		>"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

# Wait for the receiver's "ready:" line.  1 if it exited or timed out.
xh_wait_ready() { # [timeout seconds, default 10]
	local deadline=$(( $(date +%s) + ${1:-10} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		grep -q '^af_xdp_user: ready:' "$XH_RX_ERR" 2>/dev/null && return 0
		kill -0 "$XH_RX_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Signal the receiver and wait for it (up to 10 s, then SIGKILL).  Sets
# XH_RX_RC to its exit status (128+N if a signal killed it).
xh_stop_receiver() { # [signal, default INT]
	# The shell's own "Killed" notice is noise here: the status is the result.
	xh_stop_receiver_quiet "${1:-INT}" 2>/dev/null
}

xh_stop_receiver_quiet() {
	local i
	kill -"$1" "$XH_RX_PID"
	for i in $(seq 200); do
		kill -0 "$XH_RX_PID" || break
		sleep 0.05
	done
	kill -0 "$XH_RX_PID" && kill -KILL "$XH_RX_PID"
	wait "$XH_RX_PID"
	XH_RX_RC=$?
}

# Wait for a receiver that stops by itself (--count, --duration).  After
# the timeout it gets SIGINT (so it still reports), the result is 1 and
# XH_RX_RC is 124 (timeout(1)'s status), not the status SIGINT gave: a
# receiver that never stopped by itself must not pass as one that did.
xh_wait_receiver() { # timeout seconds
	local deadline=$(( $(date +%s) + $1 ))
	while kill -0 "$XH_RX_PID" 2>/dev/null; do
		if [ "$(date +%s)" -gt "$deadline" ]; then
			xh_stop_receiver INT
			XH_RX_RC=124
			return 1
		fi
		sleep 0.05
	done
	{ wait "$XH_RX_PID"; } 2>/dev/null
	XH_RX_RC=$?
	return 0
}

# Send from the sender's end to the receiver's MAC and address.
xh_send() { # xdp_hints_traffic options
	ip netns exec "$XH_NS_TX" "$XH_BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" "$@"
}

# The last {"type":"final",...} object of the receiver's JSON output.
xh_final_json() {
	jq -c 'select(.type == "final")' "$XH_RX_OUT" 2>/dev/null | tail -n 1
}

# 0 if an XDP program is attached to the device (any mode).
xh_xdp_attached() { # namespace device
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -qE '(^|[[:space:]])(prog/xdp|xdp|xdpgeneric|xdpdrv|xdpoffload)([[:space:]]|$)'
}

# 0 when no namespace named by xh_setup in this process still exists.
xh_no_namespace_left() {
	! ip netns list 2>/dev/null | grep -qE "^xh[0-9a-z]*$$[rt]( |$)"
}

# Unreclaimable slab, KiB (/proc/meminfo SUnreclaim): where the kernel's
# AF_XDP buffer pools live, 128 bytes per frame of a socket's UMEM.
xh_sunreclaim_kib() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }

# The same once the pools of earlier runs are gone: the kernel frees them
# after the sockets close, from a workqueue (xp_release_deferred()). Two
# reads 0.3 s apart within 4 MiB, for 6 s at most. System-wide: other work
# on the machine adds to it.
xh_settled_sunreclaim_kib() {
	local a b
	b=$(xh_sunreclaim_kib)
	for _ in $(seq 20); do
		sleep 0.3
		a=$b
		b=$(xh_sunreclaim_kib)
		[ $((a > b ? a - b : b - a)) -le 4096 ] && break
	done
	echo "$b"
}
