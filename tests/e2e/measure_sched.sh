#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The receiver's scheduling and power options on a veth pair:
# --cpu-dma-latency holds /dev/cpu_dma_latency (the PM QoS value the
# kernel reports drops to ours while running and comes back after exit),
# --priority switches the receiving thread to SCHED_FIFO, --busy-poll
# receives everything and warns while napi_defer_hard_irqs /
# gro_flush_timeout are 0 (not once they are set) and sets its socket
# options (read back from its sockets).  Bad values for the
# new options are usage errors: exit 2, one line naming the option.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v python3 >/dev/null || xh_die "'python3' is not installed"
xh_install_trap

DMA=/dev/cpu_dma_latency
xh_setup ms 1
xh_tmpdir

receive_some() { # what
	tap_is "$(xh_send --count 300 --rate 10000 --json | jq -r .sent)" 300 "$1: sender sent every frame"
	sleep 0.3
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$1: exit status 0"
	tap_is "$(xh_final_json | jq -r .total.packets)" 300 "$1: every frame received"
}

# --- --cpu-dma-latency ---------------------------------------------------
if [ -c "$DMA" ]; then
	before=$(od -An -td4 "$DMA" | tr -d ' ')
	want=$(( before > 7 ? 7 : 0 ))
	xh_start_receiver --json --interval 0 --cpu-dma-latency "$want"
	if xh_wait_ready; then
		tap_ok "--cpu-dma-latency: the receiver holds $DMA open" \
			eval 'ls -l /proc/$XH_RX_PID/fd | grep -q " -> $DMA\$"'
		tap_is "$(od -An -td4 "$DMA" | tr -d ' ')" "$want" \
			"--cpu-dma-latency $want: the kernel's CPU latency limit is ours while running"
		tap_grep "$XH_RX_ERR" "$DMA: holding a CPU wakeup latency limit of $want us" \
			"--cpu-dma-latency: says what it holds"
		receive_some "--cpu-dma-latency"
		tap_is "$(od -An -td4 "$DMA" | tr -d ' ')" "$before" \
			"--cpu-dma-latency: the limit is released after exit (back to $before)"
	else
		tap_result 1 "--cpu-dma-latency: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
else
	ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" -q \
		--cpu-dma-latency 0 >/dev/null 2>"$XH_TMPDIR/dma.err"
	tap_is "$?" 1 "--cpu-dma-latency without $DMA: runtime error"
	tap_grep "$XH_TMPDIR/dma.err" "^af_xdp_user: --cpu-dma-latency: cannot hold $DMA" \
		"--cpu-dma-latency without $DMA: one clear line"
fi

# --- --priority ------------------------------------------------------------
xh_start_receiver --json --interval 0 --priority 10 --cpu 0
if xh_wait_ready; then
	tap_is "$(awk '{ print $41 }' /proc/"$XH_RX_PID"/stat)" 1 \
		"--priority 10: the receiving thread runs SCHED_FIFO (policy 1)"
	tap_is "$(awk '{ print $40 }' /proc/"$XH_RX_PID"/stat)" 10 "--priority 10: at RT priority 10"
	tap_is "$(awk '{ print $39 }' /proc/"$XH_RX_PID"/stat)" 0 "--cpu 0: the receiving thread last ran on CPU 0"
	receive_some "--priority"
else
	tap_result 1 "--priority: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# --- --busy-poll ----------------------------------------------------------
# The socket options are read back from the receiver's own AF_XDP sockets,
# not from its log line: pidfd_getfd() (5.6) copies each socket of the
# running process, getsockopt() reads SO_PREFER_BUSY_POLL and SO_BUSY_POLL.
# One line per AF_XDP socket. SO_BUSY_POLL_BUDGET has no getsockopt() in the
# kernel (ENOPROTOOPT): only the log line below speaks for it. (No ptrace:
# strace would stop the receiver, and LeakSanitizer cannot run under it.)
xsk_busy_poll_options() { # pid
	python3 - "$1" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_open, SYS_pidfd_getfd = 434, 438  # the same on every architecture
SOL_SOCKET, SO_DOMAIN, AF_XDP = 1, 39, 44
OPTS = (("SO_PREFER_BUSY_POLL", 69), ("SO_BUSY_POLL", 46))
pid = int(sys.argv[1])
pidfd = libc.syscall(SYS_pidfd_open, pid, 0)
if pidfd < 0:
    sys.exit("pidfd_open(%d): %s" % (pid, os.strerror(ctypes.get_errno())))
def getopt(fd, opt):
    value, size = ctypes.c_int(), ctypes.c_uint(4)
    if libc.getsockopt(fd, SOL_SOCKET, opt, ctypes.byref(value), ctypes.byref(size)):
        return "error:" + os.strerror(ctypes.get_errno())
    return value.value
for name in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
    try:
        if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
            continue
    except OSError:
        continue
    fd = libc.syscall(SYS_pidfd_getfd, pidfd, int(name), 0)
    if fd < 0:
        sys.exit("pidfd_getfd(%s): %s" % (name, os.strerror(ctypes.get_errno())))
    if getopt(fd, SO_DOMAIN) == AF_XDP:
        print(" ".join("%s=%s" % (n, getopt(fd, o)) for n, o in OPTS))
    os.close(fd)
PY
}

sys=/sys/class/net/$XH_RX_DEV
ip netns exec "$XH_NS_RX" sh -c "echo 0 > $sys/napi_defer_hard_irqs; echo 0 > $sys/gro_flush_timeout"
xh_start_receiver --json --interval 0 --busy-poll --busy-poll-usec 50
if xh_wait_ready; then
	tap_is "$(xsk_busy_poll_options "$XH_RX_PID" 2>&1 | tr '\n' '|')" \
		"SO_PREFER_BUSY_POLL=1 SO_BUSY_POLL=50|" \
		"--busy-poll-usec 50: the queue's AF_XDP socket holds SO_PREFER_BUSY_POLL 1, SO_BUSY_POLL 50"
	tap_grep "$XH_RX_ERR" "busy-poll is ineffective while napi_defer_hard_irqs is 0 and gro_flush_timeout is 0.*napi_defer_hard_irqs.*gro_flush_timeout" \
		"--busy-poll: warns that defer/flush settings are 0 and names what to set"
	tap_grep "$XH_RX_ERR" 'SO_BUSY_POLL 50 us, SO_BUSY_POLL_BUDGET 64' "--busy-poll-usec 50: socket options set"
	tap_grep "$XH_RX_ERR" '^af_xdp_user: ready:.* rx busy-poll ' "--busy-poll: ready line names the mode"
	receive_some "--busy-poll"
	tap_is "$(xh_final_json | jq -r .rx_mode)" busy-poll "--busy-poll: report names the mode"
else
	tap_result 1 "--busy-poll: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
ip netns exec "$XH_NS_RX" sh -c "echo 2 > $sys/napi_defer_hard_irqs; echo 200000 > $sys/gro_flush_timeout"
xh_start_receiver --json --interval 0 --busy-poll
if xh_wait_ready; then
	tap_ok "--busy-poll with napi_defer_hard_irqs=2, gro_flush_timeout=200000: no warning" \
		eval '! grep -q ineffective "$XH_RX_ERR"'
	receive_some "--busy-poll with deferred interrupts"
else
	tap_result 1 "--busy-poll (deferred): receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# --- usage errors ------------------------------------------------------------
bad() { # description stderr-regex args...
	local what=$1 regex=$2 rc
	shift 2
	ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@" \
		>/dev/null 2>"$XH_TMPDIR/bad.err"
	rc=$?
	tap_is "$rc" 2 "$what: exit status 2"
	if [ "$(wc -l <"$XH_TMPDIR/bad.err")" -eq 1 ] && grep -qE -- "^af_xdp_user: $regex" "$XH_TMPDIR/bad.err"; then
		tap_result 0 "$what: one line naming the option"
	else
		tap_result 1 "$what: one line naming the option" "got: $(tr '\n' '|' <"$XH_TMPDIR/bad.err")"
	fi
}
bad "--priority 0" "--priority: '0' is out of range: accepts SCHED_FIFO priority 1..99" --priority 0
bad "--priority 100" "--priority: '100' is out of range" --priority 100
bad "--cpu 4096" "--cpu: '4096' is out of range" --cpu 4096
bad "--cpu -1" "--cpu: '-1' is negative" --cpu -1
bad "--cpu-list without --threads" "--cpu-list: needs --threads" --cpu-list 0
bad "--cpu-list 0,x" "--cpu-list: 'x' in '0,x' is not a CPU number" --threads --cpu-list 0,x
bad "--busy-poll-usec 0" "--busy-poll-usec: '0' is out of range" --busy-poll-usec 0
bad "--cpu-dma-latency -5" "--cpu-dma-latency: '-5' is negative" --cpu-dma-latency -5
bad "--csv ''" "--csv: file name is empty" --csv ""

# A CSV file that cannot be created: runtime error, one line.
ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" -q \
	--csv /nonexistent-dir/x.csv >/dev/null 2>"$XH_TMPDIR/csv.err"
tap_is "$?" 1 "--csv in a missing directory: exit status 1"
tap_grep "$XH_TMPDIR/csv.err" '^af_xdp_user: --csv /nonexistent-dir/x.csv: cannot create the file: No such file' \
	"--csv in a missing directory: names the file and the cause"

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
