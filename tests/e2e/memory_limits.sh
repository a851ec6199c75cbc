#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# A UMEM too large for what the process may have is refused before it is
# mapped: exit status 1, one line with the MiB requested, the limit, which
# limit, and how to fix it, and no XDP program left, instead of an OOM kill
# or an ENOBUFS from the last socket.  Three limits:
#   MemAvailable    on a veth with enough queues that 1M frames of 4 KiB
#                   each outgrow it (up to 256 queues; skipped past that),
#                   under a 2 GiB RLIMIT_AS so that a regression fails
#                   instead of pinning the machine's memory (so not under
#                   ASan, whose shadow needs far more address space)
#   memory cgroup   a child cgroup with a 256 MiB limit, the receiver moved
#                   into it: 4 x 256 MiB refused (under 'ip netns exec',
#                   whose fresh sysfs hides the cgroup file systems, started
#                   from outside it and from a shell inside it), 4 x 4 MiB
#                   receives an exact
#                   count there (cgroup v2 if its memory controller is
#                   available, else v1; skipped without either)
#   RLIMIT_MEMLOCK  without CAP_IPC_LOCK (capsh), ulimit -l 8 MiB: the
#                   default 32 MiB refused; with CAP_IPC_LOCK the limit does not apply
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic

CGROUP_DIR=""
cleanup() {
	xh_cleanup
	# Empty once its processes are gone; a cgroup is removed with rmdir.
	[ -n "$CGROUP_DIR" ] && rmdir "$CGROUP_DIR" 2>/dev/null
	CGROUP_DIR=""
}
trap 'cleanup' EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM
trap 'cleanup; trap - EXIT; exit 129' HUP

COUNT=200
FRAME_SIZE=4096
MAX_FRAMES=1048576

# The receiver's single stderr line, for diagnostics.
err_line() { tr '\n' '|' <"$XH_RX_ERR" | head -c 400; }

# A refusal: exit 1, one line on stderr matching @regex, no XDP program.
refused() { # what regex
	xh_wait_receiver 20
	tap_is "$XH_RX_RC" 1 "$1: exit status 1"
	tap_is "$(wc -l <"$XH_RX_ERR")" 1 "$1: one line on stderr"
	tap_grep "$XH_RX_ERR" "$2" "$1: the line gives the numbers and the limit"
	tap_grep "$XH_RX_ERR" 'fewer --frames, fewer queues .* smaller --frame-size' "$1: the line says how to fix it"
	tap_ok "$1: no XDP program attached" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# ---- MemAvailable ---------------------------------------------------------
avail_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
per_queue=$((MAX_FRAMES * FRAME_SIZE))
queues=$(( avail_kib * 1024 / per_queue + 1 ))
[ "$queues" -lt 2 ] && queues=2
if [ "$queues" -gt 256 ]; then
	tap_result 0 "MemAvailable: refused # SKIP $((avail_kib / 1024)) MiB available, more than 256 queues x 4 GiB"
elif ldd "$XH_BUILD/af_xdp_user" | grep -q libasan; then
	# Should the check ever fail, the receiver would pin more than the
	# machine has. The guard below, RLIMIT_AS, cannot be set under ASan
	# (its shadow memory is terabytes of address space).
	tap_result 0 "MemAvailable: refused # SKIP under ASan: no RLIMIT_AS guard possible (the unit suite covers the decision)"
else
	what="MemAvailable: $queues queues x $MAX_FRAMES frames x $FRAME_SIZE bytes"
	xh_setup ma "$queues"
	# Guard: with 2 GiB of address space, even a receiver that skipped
	# the check could not map one 4 GiB UMEM, let alone pin it.
	xh_tmpdir
	XH_RX_OUT=$XH_TMPDIR/ma.out XH_RX_ERR=$XH_TMPDIR/ma.err
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$XH_NS_RX" bash -c 'ulimit -v 2097152 && exec "$0" "$@"' \
		"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" -q --umem per-queue --frames "$MAX_FRAMES" \
		--frame-size "$FRAME_SIZE" >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
	refused "$what" "UMEM of $queues queue\\(s\\) x $MAX_FRAMES frames x $FRAME_SIZE bytes needs [0-9.]+ MiB with its rings, kernel buffers and queue state, more than the [0-9.]+ MiB of memory available \\(MemAvailable, /proc/meminfo\\)"
	requested=$(sed -n 's/.* needs \([0-9.]*\) MiB.*/\1/p' "$XH_RX_ERR")
	tap_is "$requested" "$(mib $(( queues * (MAX_FRAMES * (FRAME_SIZE + 48 + 128) + 262144) )))" \
		"$what: requested MiB is (frames x (frame size + 48 bytes of rings + 128 of kernel buffers) + 256 KiB of queue state) x queues"
	xh_cleanup
fi

# ---- memory cgroup --------------------------------------------------------
# Where a child cgroup with a memory limit can be made: prints
# "v2 DIR" or "v1 DIR" (DIR: this process's cgroup), or nothing.
cgroup_parent() {
	local mnt path
	mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	path=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ -n "$mnt" ] && [ -n "$path" ] && grep -qw memory "$mnt$path/cgroup.controllers" 2>/dev/null; then
		# Children get the memory controller only if this level passes it
		# down; a cgroup with processes cannot (no internal processes),
		# so only try where that is allowed.
		if grep -qw memory "$mnt$path/cgroup.subtree_control" 2>/dev/null ||
		   echo +memory >"$mnt$path/cgroup.subtree_control" 2>/dev/null; then
			echo "v2 $mnt${path%/}"
			return
		fi
	fi
	mnt=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ { print $5; exit }' /proc/self/mountinfo)
	path=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}:\(.*\)/\3/p' /proc/self/cgroup)
	if [ -n "$mnt" ] && [ -n "$path" ] && [ -d "$mnt$path" ] && [ -w "$mnt$path" ]; then
		echo "v1 $mnt${path%/}"
	fi
}

# Run the receiver as a member of $CGROUP_DIR (a subshell moves itself in
# and becomes the receiver).
start_in_cgroup() { # af_xdp_user options...
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	(
		echo "$BASHPID" >"$CGROUP_DIR/cgroup.procs" || exit 99
		exec ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@"
	) >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

read -r cg_version cg_parent <<<"$(cgroup_parent)"
if [ -z "${cg_version:-}" ]; then
	tap_result 0 "memory cgroup: refused # SKIP no writable cgroup v2 or v1 memory controller here"
else
	CGROUP_DIR=$cg_parent/xhmem$$
	if [ "$cg_version" = v2 ]; then
		limit_file=memory.max usage_file=memory.current
	else
		limit_file=memory.limit_in_bytes usage_file=memory.usage_in_bytes
	fi
	if ! mkdir "$CGROUP_DIR" || ! echo $((256 * 1024 * 1024)) >"$CGROUP_DIR/$limit_file"; then
		tap_result 1 "memory cgroup ($cg_version): create $CGROUP_DIR with a 256 MiB $limit_file"
	else
		tap_diag "memory cgroup $cg_version: $CGROUP_DIR, $limit_file 256 MiB"
		what="memory cgroup ($cg_version, 256 MiB): 4 queues x 16384 frames x 4096 bytes"
		xh_setup mc 4
		start_in_cgroup -q --umem per-queue --frames 16384 --frame-size 4096
		refused "$what" "UMEM of 4 queue\\(s\\) x 16384 frames x 4096 bytes needs 268.0 MiB with its rings, kernel buffers and queue state, more than the [0-9.]+ MiB left in memory cgroup $CGROUP_DIR \\($limit_file - $usage_file\\)"
		left=$(sed -n 's/.* more than the \([0-9.]*\) MiB left.*/\1/p' "$XH_RX_ERR")
		tap_ok "$what: the room named is at most the 256 MiB limit" \
			awk -v l="$left" 'BEGIN { exit !(l > 0 && l <= 256) }'
		# 'ip netns exec' mounts a fresh sysfs without the cgroup file
		# systems. Above, the receiver's parent (this shell) still sees
		# them; here its parent is a shell inside the same mount
		# namespace, so only init's (/proc/1/root) does.
		# shellcheck disable=SC2016 # expanded by the inner shell
		start_in_cgroup_nested() {
			xh_tmpdir
			XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
			XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
			XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
			(
				echo "$BASHPID" >"$CGROUP_DIR/cgroup.procs" || exit 99
				exec ip netns exec "$XH_NS_RX" bash -c '"$0" "$@"; rc=$?; exit $rc' \
					"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@"
			) >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
			XH_RX_PID=$!
			XH_RECEIVER_PIDS+=("$XH_RX_PID")
		}
		start_in_cgroup_nested -q --umem per-queue --frames 16384 --frame-size 4096
		refused "$what, parent inside ip netns exec" "UMEM of 4 queue\\(s\\) x 16384 frames x 4096 bytes needs 268.0 MiB with its rings, kernel buffers and queue state, more than the [0-9.]+ MiB left in memory cgroup $CGROUP_DIR \\($limit_file - $usage_file\\)"

		what="memory cgroup ($cg_version, 256 MiB): 4 queues x 1024 frames x 4096 bytes"
		start_in_cgroup --json --interval 0 --count "$COUNT" --umem per-queue --frames 1024 --frame-size 4096
		if xh_wait_ready 15; then
			tap_result 0 "$what: fits, receiver ready"
			tap_grep "$CGROUP_DIR/cgroup.procs" "^$XH_RX_PID\$" "$what: the receiver runs in the cgroup"
			xh_send --flows 8 --count "$COUNT" --rate 20000 >/dev/null
			xh_wait_receiver 15
			tap_is "$XH_RX_RC" 0 "$what: exit status 0 at --count"
			tap_is "$(jq -r '.total.packets' <<<"$(xh_final_json)")" "$COUNT" \
				"$what: received exactly $COUNT packets"
		else
			xh_wait_receiver 5
			tap_result 1 "$what: fits, receiver ready" "$(err_line)"
		fi
		xh_cleanup

		# 128 queues, the default: 64 MiB of UMEM, and 32 MiB of the
		# receiver's own per-queue state the cgroup charges as well. At
		# 84 MiB a check that counted the UMEM alone let the run start and
		# the cgroup's OOM killer end it, without a word.
		xh_setup mc 128
		what="memory cgroup ($cg_version, 84 MiB): 128 queues, the default UMEM"
		echo $((84 * 1024 * 1024)) >"$CGROUP_DIR/$limit_file"
		start_in_cgroup -q
		refused "$what" "UMEM of 128 queue\\(s\\) x 256 frames x 2048 bytes needs 101.5 MiB with its rings, kernel buffers and queue state, more than the [0-9.]+ MiB left in memory cgroup $CGROUP_DIR \\($limit_file - $usage_file\\)"
		what="memory cgroup ($cg_version, 160 MiB): 128 queues, the default UMEM"
		echo $((160 * 1024 * 1024)) >"$CGROUP_DIR/$limit_file"
		start_in_cgroup --json --interval 0 --duration 1
		if xh_wait_ready 15; then
			tap_result 0 "$what: fits, receiver ready"
			xh_wait_receiver 15
			tap_is "$XH_RX_RC" 0 "$what: exit status 0, not killed by the cgroup"
		else
			xh_wait_receiver 5
			tap_result 1 "$what: fits, receiver ready" "$(err_line) (exit $XH_RX_RC)"
		fi
		xh_cleanup
	fi
	rmdir "$CGROUP_DIR" 2>/dev/null
	tap_ok "memory cgroup: the test's cgroup is removed" test ! -d "$CGROUP_DIR"
	CGROUP_DIR=""
fi

# ---- RLIMIT_MEMLOCK -------------------------------------------------------
start_with_memlock() { # capsh-drop-list memlock-KiB af_xdp_user options...
	local drop=$1 kib=$2
	shift 2
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$XH_NS_RX" capsh ${drop:+--drop="$drop"} -- \
		-c 'ulimit -l '"$kib"' && exec "$0" "$@"' \
		"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@" >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

if ! command -v capsh >/dev/null; then
	tap_result 0 "RLIMIT_MEMLOCK: refused # SKIP capsh (libcap2-bin) is not installed"
else
	xh_setup ml 4
	# The default UMEM: 4 queues x 4096 frames (the most per queue) x
	# 2048 bytes (MTU 1500's frame fits), 32 MiB of the 64 MiB budget in
	# four UMEMs; --umem shared the same 32 MiB in one, pinned once.
	what="RLIMIT_MEMLOCK 8 MiB without CAP_IPC_LOCK: --umem shared, one UMEM of 16384 frames x 2048 bytes"
	start_with_memlock cap_ipc_lock 8192 -q --umem shared
	refused "$what" "one UMEM of 16384 frames x 2048 bytes shared by 4 queue\\(s\\) pins 32.0 MiB, more than RLIMIT_MEMLOCK \\(8.0 MiB\\) allows without CAP_IPC_LOCK: .*ulimit -l.*grant CAP_IPC_LOCK"
	what="RLIMIT_MEMLOCK 8 MiB without CAP_IPC_LOCK: the default, 4 queues x 4096 frames x 2048 bytes"
	start_with_memlock cap_ipc_lock 8192 -q
	refused "$what" "UMEM of 4 queue\\(s\\) x 4096 frames x 2048 bytes pins 32.0 MiB, more than RLIMIT_MEMLOCK \\(8.0 MiB\\) allows without CAP_IPC_LOCK: .*ulimit -l.*grant CAP_IPC_LOCK"

	what="RLIMIT_MEMLOCK 8 MiB with CAP_IPC_LOCK: the default 4 queues x 4096 frames x 2048 bytes"
	start_with_memlock "" 8192 --json --interval 0 --count "$COUNT"
	if xh_wait_ready 15; then
		tap_result 0 "$what: the limit does not apply, receiver ready"
		xh_send --flows 8 --count "$COUNT" --rate 20000 >/dev/null
		xh_wait_receiver 15
		tap_is "$(jq -r '.total.packets' <<<"$(xh_final_json)")" "$COUNT" \
			"$what: received exactly $COUNT packets"
	else
		xh_wait_receiver 5
		tap_result 1 "$what: the limit does not apply, receiver ready" "$(err_line)"
	fi
	tap_ok "RLIMIT_MEMLOCK: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
fi

cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
