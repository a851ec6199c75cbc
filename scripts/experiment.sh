#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make experiment: what each receive mode costs and what it gives, with the
# receiver on the core where XDP ran or on another: wakeup (poll()), spin
# (busy loop over the RX ring), busy-poll (SO_PREFER_BUSY_POLL), and
# scheduled bulk receive (--rx-period 1 ms and 10 ms: sleep, then drain).
# The traffic is PCF-like sync frames (ethertype 0x891d, one in --mix-every)
# among periodic bulk UDP, every frame with the sender's send time
# (xdp_hints_traffic --stamp-tx); the XDP program times only the sync frames
# (--stamp-time ethertype:0x891d). For each run: XDP->user, tx->XDP (the
# hint's own accuracy plus the path) and tx->user p50/p99, and the
# receiver's CPU use and CPU time per packet.
#
#   scripts/experiment.sh [options]        (as root; BUILD=/abs/build, default ./build,
#                                           installed: af_xdp_user's directory on PATH)
#
#   --dev IFNAME        a real NIC: run the receiver modes only, the traffic
#                       is yours (default: a private veth pair with traffic)
#   --filter-udp-port P with --dev: redirect only UDP to port P (needed on
#                       the interface that carries the default route)
#   --seconds S         per run (default 3)
#   --rate PPS          veth traffic rate (default 10000)
#   --modes LIST        receive modes, comma separated: wakeup, spin,
#                       busy-poll, period-1ms, period-10ms
#                       (default: all five)
#   --mix-every N       one 0x891d sync frame every N frames (default 10)
#   --cpus "A B"        receiver CPUs: A = the traffic's CPU ("same"), B another
#                       ("remote") (default "0 1")
#   --cpu-dma-latency US  passed to af_xdp_user (hold C-states shallow)
#   --out DIR           results directory (default results/experiment-DATE)
#
# On veth the XDP program runs in the NAPI of the receiving veth's queue,
# scheduled on the CPU where the sender transmitted: the sender is pinned
# with taskset to CPU A, so --cpu A puts the receiver on the XDP CPU and
# --cpu B on another.  Whether that worked is not assumed: the "core"
# column says what the receiver measured (hint xdp_rx_cpu against
# sched_getcpu() per packet), "mixed" when neither class reached 95%.
#
# Output: a table (also DIR/summary.txt), each run's JSON report and
# per-packet CSV, DIR/cpu_vs_latency.png (receiver CPU % against tx->user
# p99, tx->XDP p99 beside it), and DIR/latency_percentiles.png,
# DIR/latency_histogram.png, DIR/latency_over_time.png (plot_latency.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# In the source tree: ./build.  Installed (PREFIX/share/xdp-hints/scripts):
# where af_xdp_user and xdp_hints_traffic are on PATH.
if [ -z "${BUILD:-}" ]; then
	if [ -x "$here/../build/af_xdp_user" ]; then
		BUILD=$(cd "$here/.." && pwd)/build
	elif command -v af_xdp_user >/dev/null; then
		BUILD=$(dirname "$(command -v af_xdp_user)")
	else
		BUILD=$(cd "$here/.." && pwd)/build
	fi
fi
. "$here/netns_lib.sh"

DEV=""
SECONDS_PER_RUN=3
RATE=10000
MODES=wakeup,spin,busy-poll,period-1ms,period-10ms
MIX_EVERY=10
CPUS="0 1"
DMA=""
OUT=""
FILTER=()

die_usage() { echo "experiment.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--dev) DEV=${2:?}; shift ;;
	--filter-udp-port) FILTER=(--filter-udp-port "${2:?}"); shift ;;
	--seconds) SECONDS_PER_RUN=${2:?}; shift ;;
	--rate) RATE=${2:?}; shift ;;
	--modes) MODES=${2:?}; shift ;;
	--mix-every) MIX_EVERY=${2:?}; shift ;;
	--cpus) CPUS=${2:?}; shift ;;
	--cpu-dma-latency) DMA=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	-h|--help) sed -n '3,42p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die_usage "unknown option '$1' (see --help)" ;;
	esac
	shift
done
[[ "$SECONDS_PER_RUN" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die_usage "--seconds: '$SECONDS_PER_RUN' is not a number of seconds"
[[ "$RATE" =~ ^[1-9][0-9]*$ ]] || die_usage "--rate: '$RATE' is not a positive number"
[[ "$MIX_EVERY" =~ ^[1-9][0-9]*$ ]] || die_usage "--mix-every: '$MIX_EVERY' is not a positive number"
read -r CPU_SAME CPU_REMOTE <<<"$CPUS"
[[ "${CPU_SAME:-}" =~ ^[0-9]+$ && "${CPU_REMOTE:-}" =~ ^[0-9]+$ ]] || die_usage "--cpus: expects two CPU numbers, e.g. \"0 1\""
for m in ${MODES//,/ }; do
	case $m in wakeup|spin|busy-poll|period-1ms|period-10ms) ;;
	*) die_usage "--modes: unknown mode '$m' (wakeup, spin, busy-poll, period-1ms, period-10ms)" ;;
	esac
done

if [ -n "$DEV" ]; then
	xh_require af_xdp_user
else
	xh_require af_xdp_user xdp_hints_traffic
fi
command -v taskset >/dev/null || xh_die "'taskset' is not installed (util-linux)"
xh_install_trap

OUT=${OUT:-results/experiment-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" || xh_die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CPU_MODEL=${CPU_MODEL:-unknown}
KERNEL=$(uname -r)

mode_flags() { # mode
	case $1 in
	wakeup) ;;
	spin) echo --spin ;;
	busy-poll) echo --busy-poll ;;
	period-1ms) echo --rx-period 0.001 ;;
	period-10ms) echo --rx-period 0.01 ;;
	esac
}

ROWS=()
PLOTS=()

# One run: receiver pinned to $2, the rest of the options from the mode.
# Appends a table row; returns 1 if the receiver failed.
run_one() { # mode cpu placement-wanted
	local mode=$1 cpu=$2 want=$3 name="$1-$2" final sent
	local args=(--json --interval 0 --cpu "$cpu" --csv "$OUT/$name.csv" $(mode_flags "$mode")
		"${FILTER[@]}")
	# Our own traffic carries send stamps and PCF-like frames; a real
	# NIC's traffic is the user's: every frame timed, no stamps assumed.
	[ -z "$DEV" ] && args+=(--tx-stamps --stamp-time ethertype:0x891d)
	[ -n "$DMA" ] && args+=(--cpu-dma-latency "$DMA")
	echo "experiment: $mode, receiver on CPU $cpu (wanted: $want core)" >&2
	if [ -n "$DEV" ]; then
		timeout $((${SECONDS_PER_RUN%.*} + 30)) "$XH_BUILD/af_xdp_user" --dev "$DEV" \
			--duration "$SECONDS_PER_RUN" "${args[@]}" >"$OUT/$name.json" 2>"$OUT/$name.err"
	else
		xh_start_receiver "${args[@]}"
		if ! xh_wait_ready 15; then
			echo "experiment: the receiver did not start:" >&2
			cat "$XH_RX_ERR" >&2
			return 1
		fi
		# taskset: the sender's transmit, and with it the receiving veth's
		# NAPI and XDP program, runs on CPU $CPU_SAME.
		sent=$(ip netns exec "$XH_NS_TX" taskset -c "$CPU_SAME" "$XH_BUILD/xdp_hints_traffic" \
			--dev "$XH_TX_DEV" --dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --flows 1 \
			--count "$(awk -v r="$RATE" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", r * s }')" \
			--rate "$RATE" --stamp-tx --mix "0x891d:$MIX_EVERY" --json | jq -r .sent)
		sleep 0.3
		xh_stop_receiver INT
		cp "$XH_RX_OUT" "$OUT/$name.json"
		cp "$XH_RX_ERR" "$OUT/$name.err"
		echo "experiment:   sent $sent frames" >&2
	fi
	final=$(jq -c 'select(.type == "final")' "$OUT/$name.json" | tail -n 1)
	if [ -z "$final" ]; then
		echo "experiment: no final report from the receiver ($OUT/$name.err):" >&2
		tail -n 3 "$OUT/$name.err" >&2
		return 1
	fi
	ROWS+=("$(jq -r --arg test "$mode" --arg cpu "$cpu" --arg want "$want" '
		def us: if . == null then "-" else (. / 1000 * 10 | round / 10 | tostring) end;
		.total as $t | ($t.same_core + $t.remote_core) as $n |
		(if $n == 0 then "unknown"
		 elif $t.same_core * 100 >= $n * 95 then "same"
		 elif $t.remote_core * 100 >= $n * 95 then "remote"
		 else "mixed(\($t.same_core * 100 / $n | floor)% same)" end) as $core |
		["\($test) cpu\($cpu)", ($t.latency_ns.p50 | us), ($t.latency_ns.p99 | us),
		 ($t.tx_to_xdp_ns.p50 | us), ($t.tx_to_xdp_ns.p99 | us),
		 ($t.tx_to_user_ns.p50 | us), ($t.tx_to_user_ns.p99 | us),
		 (.cpu.busy_pct | . * 10 | round / 10 | tostring),
		 (if .cpu.ns_per_packet == null then "-" else (.cpu.ns_per_packet | round | tostring) end),
		 $core, $want] | join("\t")' <<<"$final")")
	PLOTS+=("$mode-$want=$OUT/$name.csv")
}

if [ -n "$DEV" ]; then
	DRIVER=$(ethtool -i "$DEV" 2>/dev/null | awk '/^driver:/ { print $2 }')
else
	xh_setup ex 1
	xh_static_neigh
	DRIVER=$(ip netns exec "$XH_NS_RX" ethtool -i "$XH_RX_DEV" 2>/dev/null | awk '/^driver:/ { print $2 }')
fi
DRIVER=${DRIVER:-unknown}

failed=0
for mode in ${MODES//,/ }; do
	run_one "$mode" "$CPU_SAME" same || failed=1
	run_one "$mode" "$CPU_REMOTE" remote || failed=1
done

{
	echo "driver $DRIVER, kernel $KERNEL, $CPU_MODEL"
	printf '%-18s | %9s %9s | %9s %9s | %9s %9s | %6s | %8s | %s\n' \
		"mode, receiver" "xdp>u p50" "p99" "tx>x p50" "p99" "tx>u p50" "p99" "CPU %" "ns/pkt" "core (measured)"
	for row in "${ROWS[@]}"; do
		IFS=$'\t' read -r test xu50 xu99 tx50 tx99 tu50 tu99 busy nspp core want <<<"$row"
		printf '%-18s | %9s %9s | %9s %9s | %9s %9s | %6s | %8s | %s\n' \
			"$test" "$xu50" "$xu99" "$tx50" "$tx99" "$tu50" "$tu99" "$busy" "$nspp" \
			"$core$([ "$core" = "$want" ] || echo " (wanted $want)")"
	done
	echo "(latencies in us; $SECONDS_PER_RUN s per run$([ -z "$DEV" ] && echo ", $RATE pps from CPU $CPU_SAME over veth, one 0x891d frame in $MIX_EVERY");"
	echo " xdp>u: XDP's bpf_ktime_get_ns() to the receiver's read, timed 0x891d frames; tx>x: the"
	echo " sender's send time to XDP's; tx>u: send time to the receiver's read, every stamped frame;"
	echo " CPU %: the receiving thread's user+system time over the run, of one CPU)"
} | tee "$OUT/summary.txt"

# CPU against the delay userspace sees, with the timestamp's own delay beside it.
if [ "${#ROWS[@]}" -gt 0 ] && command -v gnuplot >/dev/null; then
	for row in "${ROWS[@]}"; do
		IFS=$'\t' read -r test xu50 xu99 tx50 tx99 tu50 tu99 busy nspp core want <<<"$row"
		echo "${test// /_} $busy $tu99 $tx99"
	done >"$OUT/cpu_vs_latency.dat"
	gnuplot <<-EOF || echo "experiment: the CPU plot failed" >&2
		set terminal pngcairo size 900,600 noenhanced
		set output "$OUT/cpu_vs_latency.png"
		set title "Receiver CPU against p99 delay from the send:\ntx->user (what the application waits) and tx->XDP (the time stamp's own)"
		set xlabel "receiver CPU, % of one core"
		set ylabel "p99 delay from send, us"
		set logscale y
		set key top right
		plot "$OUT/cpu_vs_latency.dat" using 2:3 with points pt 7 ps 1.5 title "tx->user p99", \
		     "" using 2:3:1 with labels offset 0,1 font ",8" notitle, \
		     "" using 2:4 with points pt 5 ps 1.2 title "tx->XDP p99"
	EOF
fi

if [ "${#PLOTS[@]}" -gt 0 ]; then
	"$here/plot_latency.sh" -o "$OUT" -t "XDP to AF_XDP latency, $DRIVER" "${PLOTS[@]}" ||
		echo "experiment: plotting failed (is gnuplot installed?)" >&2
fi
echo "experiment: results in $OUT"
exit "$failed"
