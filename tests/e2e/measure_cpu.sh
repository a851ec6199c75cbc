#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# CPU cost in the reports: 1-queue veth, native XDP, 1000 pps for 3 s.
# The receiver's own figure (JSON "cpu", getrusage(RUSAGE_THREAD) of the
# receiving threads) is held against what /proc/PID/stat says of the whole
# process from ready to stop (utime + stime, every thread): within
# 10 points of busy_pct in wakeup mode (which must stay <= 10 % at
# 1000 pps), with --spin --cpu 1 (>= 90 %, as /proc says: on a host so
# loaded that /proc itself shows less, that check is skipped with the
# figure), with --rx-period 0.01 (<= 10 %: it sleeps between deadlines),
# with --busy-poll, and with --threads --spin, whose receive
# thread reads its own time at snapshots and at its end.  ns_per_packet is
# there and positive; interval figures add up to no more than the run's.
# --bpf-stats turns the kernel's BPF run-time statistics on (one start-up
# line) and gives xdp_ns_per_packet > 0; without it, and with the sysctl
# kernel.bpf_stats_enabled off, xdp_ns_per_packet is absent.  Without
# CAP_SYS_ADMIN (capsh, the tool's own four capabilities kept) --bpf-stats
# says so in one line and the run still ends with exit 0.  The text table
# carries one cpu line per report.  JSON lines are checked against the
# schema (xh_cleanup).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v jq >/dev/null || xh_die "'jq' is not installed"
xh_install_trap

RATE=1000
FRAMES=3000
HZ=$(getconf CLK_TCK)
xh_setup cpu 1
xh_static_neigh

# utime + stime of a process in clock ticks, and the uptime in ticks.
proc_ticks() { # pid
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}
uptime_ticks() {
	awk -v hz="$HZ" '{ printf "%d\n", $1 * hz }' /proc/uptime
}

# One run: the receiver with the given options (after SEND_DELAY seconds
# of nothing, if set), FRAMES at RATE, the
# process's CPU from /proc from ready to stop.  Sets PROC_PCT (whole
# percent, /proc) and leaves the receiver's output in $XH_RX_OUT.
PROC_PCT=""
run_measured() { # what options...
	local what=$1 t0 u0 t1 u1
	shift
	PROC_PCT=""
	xh_start_receiver --xdp-mode native --interval 1 "$@"
	if ! xh_wait_ready 15; then
		xh_wait_receiver 5
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return 1
	fi
	# /proc over about the time the run's figures cover: ready to stop.
	t0=$(proc_ticks "$XH_RX_PID")
	u0=$(uptime_ticks)
	sleep "${SEND_DELAY:-0}"
	xh_send --flows 1 --count "$FRAMES" --rate "$RATE" >/dev/null
	sleep 0.2
	t1=$(proc_ticks "$XH_RX_PID")
	u1=$(uptime_ticks)
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	if [ -n "$t0" ] && [ -n "$t1" ] && [ "$u1" -gt "$u0" ]; then
		PROC_PCT=$(( (t1 - t0) * 100 / (u1 - u0) ))
	fi
	return 0
}

final_field() { # jq path
	xh_final_json | jq -r "$1 // \"absent\""
}

# busy_pct of the final report, rounded to a whole percent.
final_pct() {
	xh_final_json | jq -r '.cpu.busy_pct | round'
}

# |a - b| <= 10
within_10() { # a b
	local d=$(( $1 - $2 ))
	[ "${d#-}" -le 10 ]
}

checks_common() { # what
	local what=$1 pct npp
	pct=$(final_pct)
	npp=$(final_field '.cpu.ns_per_packet')
	tap_diag "$what: receiver busy_pct ${pct:-?} %, /proc ${PROC_PCT:-?} %, ns_per_packet $npp, xdp_ns_per_packet $(final_field '.xdp_ns_per_packet')"
	# Received, drained at stop or dropped by the socket (a loaded host
	# can delay the receiver past the stop, or fill its ring): never lost.
	tap_is "$(final_field '.total | .packets + .drained_at_stop + .xsk.rx_dropped + .xsk.rx_ring_full')" \
		"$FRAMES" "$what: every frame received or counted (packets $(final_field '.total.packets'), drained $(final_field '.total.drained_at_stop'), dropped $(final_field '.total.xsk | .rx_dropped + .rx_ring_full'))"
	tap_ok "$what: busy_pct within 10 points of /proc utime+stime (${pct:-?} vs ${PROC_PCT:-?})" \
		within_10 "${pct:-999}" "${PROC_PCT:-0}"
	tap_ok "$what: ns_per_packet present and positive ($npp)" \
		awk -v v="$npp" 'BEGIN { exit !(v + 0 > 0) }'
	# The intervals' own figures cover parts of the run: together never
	# more than the final (1 ms of rounding allowed).
	tap_ok "$what: the intervals' CPU seconds add up to no more than the run's" intervals_within_run
}

intervals_within_run() {
	jq -se '([.[] | select(.type == "interval") | .cpu.user_s + .cpu.system_s] | add) <=
		([.[] | select(.type == "final") | .cpu.user_s + .cpu.system_s][0] + 0.001)' \
		"$XH_RX_OUT" >/dev/null
}

# ---- wakeup, with --bpf-stats ---------------------------------------------
what="wakeup --bpf-stats"
if run_measured "$what" --json --bpf-stats; then
	checks_common "$what"
	tap_cmp "$(final_pct)" -le 10 "$what: busy_pct <= 10 at $RATE pps"
	tap_grep "$XH_RX_ERR" '^af_xdp_user: --bpf-stats: BPF run-time statistics on until exit' \
		"$what: one start-up line says the statistics are on"
	tap_ok "$what: xdp_ns_per_packet > 0 ($(final_field '.xdp_ns_per_packet'))" \
		awk -v v="$(final_field '.xdp_ns_per_packet')" 'BEGIN { exit !(v + 0 > 0) }'
	tap_is "$(jq -r 'select(.type == "interval" and .total.packets > 0) |
		(.xdp_ns_per_packet > 0 and .cpu.ns_per_packet > 0)' "$XH_RX_OUT" | sort -u)" true \
		"$what: every interval with packets has ns_per_packet and xdp_ns_per_packet"
	WAKEUP_PCT=$(final_pct) WAKEUP_NPP=$(final_field '.cpu.ns_per_packet')
fi

# ---- spin, pinned -----------------------------------------------------------
what="--spin --cpu 1 --bpf-stats"
if run_measured "$what" --json --spin --cpu 1 --bpf-stats; then
	checks_common "$what"
	if [ -n "$PROC_PCT" ] && [ "$PROC_PCT" -lt 90 ]; then
		tap_result 0 "$what: busy_pct >= 90 # SKIP host too loaded: /proc shows the spinning receiver at $PROC_PCT % of a CPU"
	else
		tap_cmp "$(final_pct)" -ge 90 "$what: busy_pct >= 90"
	fi
	tap_ok "$what: xdp_ns_per_packet > 0" \
		awk -v v="$(final_field '.xdp_ns_per_packet')" 'BEGIN { exit !(v + 0 > 0) }'
	SPIN_PCT=$(final_pct) SPIN_NPP=$(final_field '.cpu.ns_per_packet')
fi

# ---- scheduled bulk receive: sleeps between deadlines ---------------------------
what="--rx-period 0.01 --cpu 1"
if run_measured "$what" --json --rx-period 0.01 --cpu 1; then
	checks_common "$what"
	tap_cmp "$(final_pct)" -le 10 "$what: busy_pct <= 10 at $RATE pps"
	PERIOD_PCT=$(final_pct) PERIOD_NPP=$(final_field '.cpu.ns_per_packet')
fi

# ---- busy-poll ----------------------------------------------------------------
what="--busy-poll"
if run_measured "$what" --json --busy-poll --cpu 1; then
	checks_common "$what"
	if [ "$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)" = 0 ]; then
		tap_is "$(final_field '.xdp_ns_per_packet')" absent \
			"$what: without --bpf-stats (sysctl off) xdp_ns_per_packet is absent"
	else
		tap_result 0 "$what: xdp_ns_per_packet absent without --bpf-stats # SKIP kernel.bpf_stats_enabled is on"
	fi
	BUSY_PCT=$(final_pct) BUSY_NPP=$(final_field '.cpu.ns_per_packet')
fi

# ---- --threads: the receive thread samples itself -------------------------------
# No interval report: the final figure is the one the thread read as it
# ended (metrics_prometheus checks the ones read at snapshots).
what="--threads --spin --cpu-list 1 --interval 0"
if run_measured "$what" --json --threads --spin --cpu-list 1 --interval 0; then
	checks_common "$what"
	tap_is "$(jq -r 'select(.type == "interval") | .type' "$XH_RX_OUT" | wc -l)" 0 \
		"$what: no interval report"
	if [ -n "$PROC_PCT" ] && [ "$PROC_PCT" -lt 90 ]; then
		tap_result 0 "$what: busy_pct >= 90 # SKIP host too loaded: /proc shows $PROC_PCT %"
	else
		tap_cmp "$(final_pct)" -ge 90 "$what: busy_pct >= 90 (the receive thread, not the main one)"
	fi
fi

# ---- the text table: one cpu line per report --------------------------------------
what="human table"
# The first interval passes before anything is sent.
if SEND_DELAY=1.3 run_measured "$what" --bpf-stats; then
	tap_cmp "$(grep -cE '^cpu: busy_pct [0-9.]+, user_s [0-9.]+, system_s [0-9.]+, ns_per_packet [0-9.]+ (ns|µs|ms), xdp_ns_per_packet [0-9.]+ (ns|µs)$' \
		"$XH_RX_OUT")" -ge 3 "$what: a cpu line under the intervals that saw packets and in the final report"
	tap_grep "$XH_RX_OUT" '^cpu: busy_pct [0-9.]+, user_s [0-9.]+, system_s [0-9.]+$' \
		"$what: an interval without packets has no ns_per_packet"
fi

# ---- --bpf-stats without CAP_SYS_ADMIN --------------------------------------------
what="--bpf-stats without CAP_SYS_ADMIN"
if ! command -v capsh >/dev/null; then
	tap_result 0 "$what # SKIP capsh (libcap2-bin) is not installed"
else
	ALL_CAPS=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' ' ')
	drop=""
	for c in $ALL_CAPS; do
		case " cap_net_admin cap_net_raw cap_bpf cap_ipc_lock " in
		*" $c "*) ;;
		*) drop+="${drop:+,}$c" ;;
		esac
	done
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	ip netns exec "$XH_NS_RX" capsh --drop="$drop" -- -c 'exec "$0" "$@"' \
		"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --xdp-mode native --json --interval 0 \
		--count 200 --bpf-stats >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
	if xh_wait_ready 15; then
		xh_send --flows 1 --count 200 --rate 2000 >/dev/null
		xh_wait_receiver 15
		tap_is "$XH_RX_RC" 0 "$what: the run continues, exit status 0"
		tap_is "$(grep -c 'bpf-stats' "$XH_RX_ERR")" 1 "$what: one line about it"
		tap_grep "$XH_RX_ERR" '^af_xdp_user: --bpf-stats: .*need CAP_SYS_ADMIN .*xdp_ns_per_packet is left out$' \
			"$what: the line names CAP_SYS_ADMIN"
		tap_is "$(final_field '.total.packets')" 200 "$what: every frame received"
	else
		xh_wait_receiver 5
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
fi

tap_diag "at $RATE pps: wakeup ${WAKEUP_PCT:-?} % ${WAKEUP_NPP:-?} ns/packet," \
	"spin ${SPIN_PCT:-?} % ${SPIN_NPP:-?} ns/packet, busy-poll ${BUSY_PCT:-?} % ${BUSY_NPP:-?} ns/packet," \
	"rx-period 10 ms ${PERIOD_PCT:-?} % ${PERIOD_NPP:-?} ns/packet"
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
