#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make bench: every benchmark of the project, one table, each figure next
# to its target and a verdict that says whether the figure can be trusted.
#
#   BUILD=/abs/build/dir [BENCH_UPDATE=1] bench/run.sh
#
# Results (raw output of every step, the table at its end) go to
# $BENCH_OUT (default $BUILD/bench/results.txt). Nothing tracked is written
# unless asked: BENCH_UPDATE=1 (make bench-update) also copies them to
# bench/results/latest.txt.
#
# 1. decode       instructions per hint decode under callgrind (no hardware
#                 counters here), only the decode loop counted
#                 (--toggle-collect); deterministic, so no noise check
# 2. rx pps       AF_XDP receive rate of bench_min_rx (af_xdp_kern, layout
#                 none), af_xdp_user --layout none and --layout rx-time,
#                 frames injected with BPF_PROG_TEST_RUN live frames, native
#                 XDP, copy mode, the three interleaved in every round
# 3. latency      XDP->application p50/p99 of af_xdp_user vs bench_min_rx at
#                 a paced 20k pps, spin and wakeup mode
# 4. attribution  where a hint's cost goes: bench_min_rx on a bare XDP
#                 program (bench/bpf/bench_layouts.c) per layout and
#                 receiver variant, and af_xdp_user; per variant the
#                 kernel's CPU time per injected frame, the program's own run
#                 time (BPF run-time statistics) and the received rate; then
#                 a veth sender instead of injected frames
# 5. memory       VmRSS per queue for several --frames settings
# 6. stamp        (BENCH_PARTS=stamp) the receive time for one class only:
#                 bulk UDP under stamp class ethertype:0x891d vs layout
#                 none, and af_xdp_kern's layout none vs a bare
#                 bpf_redirect_map() program; received rate, kernel ns and
#                 the program's own ns per frame for each
# 7. rxpath       instructions per received frame of af_xdp_user's receive
#                 path (rx_queue_poll() on rings built in memory,
#                 bench/bench_rx_path.c) under callgrind, layout none and
#                 rx-time; deterministic
# 8. ab           this tree against another build of the project, in the
#                 same run (only with BENCH_BASE or BENCH_BASE_REV): the
#                 receivers' rate and their CPU time per packet (wakeup
#                 mode: a receiver that sleeps when idle spends CPU only on
#                 packets), af_xdp_user and bench_min_rx of both builds in
#                 every round, rotated; and rxpath's instructions for both
#     BENCH_BASE=/abs/build/dir   the other build (af_xdp_user, bench/...)
#     BENCH_BASE_REV=main         or a revision of this repository, cloned
#                                 and built in the run's scratch directory
#
# 9. queues       af_xdp_user with its default options on veths of 1, 16,
#                 64 and 128 queues (QUEUE_COUNTS), 5 runs each
#                 (QUEUE_RUNS): peak resident memory (VmHWM) against the
#                 UMEM its start-up line reports and the documented 64 MiB
#                 budget plus an allowance, start to ready line, SIGINT to
#                 exit. Then --umem shared against --umem per-queue on 4
#                 queues, alternated in CMP_ROUNDS rounds: received rate
#                 and receiver CPU per packet under a flood of every
#                 queue, frames lost to one burst, and to a train of 4,
#                 of twice a per-queue share on one queue (--rx-period 1,
#                 one burst per drain), VmHWM, kernel memory (SUnreclaim
#                 growth: each socket's buffer pool has a descriptor per
#                 frame of its UMEM), ready time; and whether that
#                 supports per-queue as the default. Its rows say SKIP
#                 when af_xdp_user has no --umem.
#
# A subset: BENCH_PARTS="pps ab" (any of decode rxpath pps latency
# attribution memory stamp queues ab); PPS_ROUNDS, AB_ROUNDS, ... below.
#
# Verdicts that cannot lie. Times are compared only as ratios of medians of
# rounds interleaved in this run. A timing row says PASS or MISS only when
# its noise checks hold, and NOISY (with the reason) when one fails:
#   spread  the 95 % confidence interval of the median per-round ratio
#           (order statistics, no assumption about the distribution) lies
#           on one side of the target. The two series of a ratio are
#           measured in the same rounds, in rotating order, so a slower or
#           faster machine moves both: what must hold still is their
#           ratio, and more rounds narrow the interval. The reference row
#           and the attribution rows, which stand alone, check each
#           series' interquartile range over its median <= SPREAD_MAX
#           (rates) or LAT_SPREAD_MAX (latencies).
#   ref     the reference figure lies in the range this machine gives when
#           quiet (REF_* below): a 4.7 ms reference p50 is a loaded
#           machine, not a fast receiver
#   cpu     CPU pressure (/proc/pressure/cpu "some": the share of the
#           block's time a runnable task waited for a CPU) <= PSI_MAX
#           percent, and the 1-minute load average <= LOAD_MAX (our own
#           injector and spinning receiver are 2 of it)
# The namespaces it creates are removed on every exit path (trap).
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
: "${BUILD:?BUILD must name the absolute build directory}"
RESULTS=${BENCH_OUT:-$BUILD/bench/results.txt}
TRACKED_RESULTS=$BENCH_DIR/results/latest.txt
BENCH_UPDATE=${BENCH_UPDATE:-0}
BPF_OBJ=$BUILD/af_xdp_kern.bpf.o
INJECT_SECONDS=${INJECT_SECONDS:-1.0}
PPS_ROUNDS=${PPS_ROUNDS:-21}
ATTR_ROUNDS=${ATTR_ROUNDS:-7}
VETH_FRAMES=${VETH_FRAMES:-300000}
AB_ROUNDS=${AB_ROUNDS:-11}
BENCH_BASE=${BENCH_BASE:-}
BENCH_BASE_REV=${BENCH_BASE_REV:-}
# A subset, for working on one benchmark:
# BENCH_PARTS="decode rxpath pps latency attribution memory stamp queues ab"
if [ -n "$BENCH_BASE$BENCH_BASE_REV" ]; then
	BENCH_PARTS=${BENCH_PARTS:-decode rxpath pps latency attribution memory stamp queues ab}
else
	BENCH_PARTS=${BENCH_PARTS:-decode rxpath pps latency attribution memory stamp queues}
fi
STAMP_ROUNDS=${STAMP_ROUNDS:-11}
LAT_RATE=20000
LAT_SECONDS=1.0
LAT_ROUNDS=${LAT_ROUNDS:-15}
MEM_FRAMES="1024 4096 16384"
# queues: the queue counts, runs per count, frames sent to every queue.
QUEUE_COUNTS=${QUEUE_COUNTS:-1 16 64 128}
QUEUE_RUNS=${QUEUE_RUNS:-5}
QUEUE_PER_FRAMES=20
QUEUE_TIME_MAX_S=1.0 # ready, and stop, each
# The documented default: a 64 MiB UMEM budget shared by the queues
# (UMEM_SHARE_BUDGET, common/host/umem_budget.h). What resident memory
# may add to it is tests/e2e/many_queues.sh's allowance: 16 MiB for the
# process (libraries, the BPF object and its BTF, stacks: 8.5 MiB measured
# at 1 queue) and 512 KiB per queue (its rings, at most 24 B per frame,
# statistics and latency histogram: about 115 KiB measured). With the
# UMEM within the budget, that bounds VmHWM by 64 + 16 MiB + 512 KiB per
# queue; the former default, 16 MiB of UMEM per queue, breaks the budget
# from the fifth queue on.
UMEM_BUDGET_KIB=$((64 * 1024))
MEM_BASE_KIB=$((16 * 1024))
MEM_PER_QUEUE_KIB=512
# The kernel's own memory for the sockets, unreclaimable slab: each
# socket's buffer pool holds a 128-byte descriptor per frame of its UMEM
# (XSK_KERNEL_BYTES_PER_FRAME, common/host/umem_budget.h): 4 MiB for the
# budget's frames spread over per-queue UMEMs, queues x 4 MiB for one
# shared UMEM. The default must stay within this, at any queue count.
KERNEL_MAX_KIB=$((64 * 1024))
# shared against per-queue UMEM: queues, rounds, flood frames, drain period.
CMP_QUEUES=4
CMP_ROUNDS=${CMP_ROUNDS:-9}
CMP_FLOOD_FRAMES=${CMP_FLOOD_FRAMES:-300000}
CMP_PERIOD_S=1
CMP_TRAIN=4 # bursts in a train, one per drain period
# Noise limits (see above), and what this machine gives when it is quiet.
SPREAD_MAX=${SPREAD_MAX:-0.10}
LAT_SPREAD_MAX=${LAT_SPREAD_MAX:-0.25}
PSI_MAX=${PSI_MAX:-10}
NCPUS=$(nproc)
LOAD_MAX=${LOAD_MAX:-$(( NCPUS + 1 ))}
REF_PPS_RANGE=${REF_PPS_RANGE:-2.0 10.0}         # Mpps, bench_min_rx, layout none
REF_SPIN_P50_RANGE=${REF_SPIN_P50_RANGE:-0.1 5}  # us, bench_min_rx --spin
REF_WAKE_P50_RANGE=${REF_WAKE_P50_RANGE:-2 100}  # us, bench_min_rx
# The injector gets one CPU, the receiver the other (2-core machine).
CPU_INJECT=0
CPU_RX=1

# shellcheck source=scripts/netns_lib.sh
. "$REPO_DIR/scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic bench/bench_decode bench/bench_inject bench/bench_min_rx \
	bench/bench_rx_path
command -v valgrind >/dev/null || xh_die "valgrind is not installed (./configure --install-test-deps)"
command -v taskset >/dev/null || xh_die "taskset is not installed"
# queues starts its bursts at a phase of CLOCK_MONOTONIC (Time::HiRes).
command -v perl >/dev/null || xh_die "perl is not installed"
# This script's own work (jq, grep, sleep) stays off the receiver's CPU:
# it runs between injections, so it takes nothing from the injector either.
taskset -pc "$CPU_INJECT" $$ >/dev/null || xh_die "taskset -pc $CPU_INJECT $$ failed"
xh_install_trap
xh_tmpdir
# Kept when a step fails (the message names it); renamed to $RESULTS at the end.
RAW=$RESULTS.partial
mkdir -p "$(dirname "$RESULTS")"
ROWS=$XH_TMPDIR/rows.txt
: >"$RAW"
: >"$ROWS"
START_S=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "$*" >>"$RAW"; }
say() { echo "bench: $*" >&2; log "## $*"; }
# shellcheck source=bench/verdicts.sh
. "$BENCH_DIR/verdicts.sh"
row() { # name measured target result [noise]
	printf '%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "${5:--}" "$4" >>"$ROWS"
}

# A trial may fail for reasons outside it (the machine is shared): one more
# try, with the first failure's receiver output kept in the raw log.
# The items, one a line, starting with item (round - 1) mod count: each
# variant goes first in some rounds and after each other one in others,
# so whatever a run leaves behind (its exit's deferred work in the
# kernel) and any drift within a round fall on every variant alike.
rotated() { # round items...
	local round=$1 i n
	shift
	n=$#
	for ((i = 0; i < n; i++)); do
		local k=$(( (round - 1 + i) % n + 1 ))
		printf '%s\n' "${!k}"
	done
}

# What the rounds say of a ratio: their median and its 95 % interval.
rounds_text() { # ratios-file
	local lo hi
	read -r lo hi < <(median_ci "$1")
	echo "rounds: median $(calc "$(median <"$1")"), 95% interval $(calc "$lo")-$(calc "$hi")"
}

retry() { # command...
	"$@" && return 0
	log "retrying after a failed trial: $*"
	[ -n "${XH_RX_ERR_LAST:-}" ] && cat "$XH_RX_ERR_LAST" >>"$RAW" 2>/dev/null
	kill -0 "${XH_RX_PID:-0}" 2>/dev/null && xh_stop_receiver KILL
	"$@"
}

# ---- 1. decode cost -------------------------------------------------------

# Instructions callgrind collected inside run_$1 (and what it calls).
callgrind_count() { # variant
	local out
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--toggle-collect="run_$1" "$BUILD/bench/bench_decode" "$BPF_OBJ" "$1" \
		"$DECODES" 2>&1) || { log "$out"; return 1; }
	log "$out"
	sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' <<<"$out"
}

bench_decode() {
	local v ir per ratio
	declare -A per_decode
	DECODES=1000000
	say "decode: instructions per decode, callgrind, $DECODES decodes, 3:1 mix of xdp_hints_rx_time/xdp_hints_mark"
	"$BUILD/bench/bench_decode" "$BPF_OBJ" all 100000 >>"$RAW" 2>&1 ||
		xh_die "bench_decode: the variants disagree or the BTF of $BPF_OBJ is unusable (see $RAW)"
	for v in loop direct field registry checked tool; do
		ir=$(callgrind_count "$v") || xh_die "callgrind failed for variant $v"
		[ -n "$ir" ] || xh_die "no 'Collected' line from callgrind for variant $v"
		per_decode[$v]=$(calc "$ir / $DECODES" 1)
		log "decode $v: $ir instructions, ${per_decode[$v]} per decode"
	done
	local a=${per_decode[direct]}
	row "decode (a) direct C struct" "$a instr/decode" "reference" "-"
	# (c) dispatches inline over the registry's public table (struct xsk_hints_index).
	for v in "field:(b) xsk_hint__field_u64/u32+xsk_hint_u64/u32__read:1.3" \
		 "registry:(c) xsk_hints_index__lookup+all fields:1.5"; do
		IFS=: read -r key label target <<<"$v"
		per=${per_decode[$key]}
		ratio=$(calc "$per / $a")
		row "decode $label" "$per instr (${ratio}x)" "<= ${target}x (a)" \
		    "$(verdict "$ratio <= $target")"
	done
	per=${per_decode[checked]}
	row "decode (c) with run-time width xsk_hint_field__u64 (info)" "$per instr ($(calc "$per / $a")x)" "-" "-"
	per=${per_decode[tool]}
	row "decode af_xdp_user hint_decoder (info)" "$per instr ($(calc "$per / $a")x)" "-" "-"
	row "decode loop alone, in every figure (info)" "${per_decode[loop]} instr" "-" "-"
}

# ---- receiver helpers -----------------------------------------------------------

# Start a receiver pinned to CPU_RX; wait for its ready line on stderr.
start_rx() { # out err ready-pattern command...
	local out=$1 err=$2 pattern=$3 i
	shift 3
	XH_RX_ERR_LAST=$err
	# The redirection below truncates in the background child: without
	# this, the wait could still see the previous run's ready line.
	rm -f "$out" "$err"
	taskset -c "$CPU_RX" ip netns exec "$XH_NS_RX" "$@" >"$out" 2>"$err" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
	for i in $(seq 200); do
		grep -q "$pattern" "$err" 2>/dev/null && return 0
		kill -0 "$XH_RX_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "receiver did not get ready: $*"
	cat "$err" >>"$RAW"
	return 1
}

inject() { # bench_inject options
	taskset -c "$CPU_INJECT" ip netns exec "$XH_NS_RX" "$BUILD/bench/bench_inject" \
		--dev "$XH_RX_DEV" "$@" 2>>"$RAW"
}

# Start one of the two receivers, spinning: "min ARGS" is bench_min_rx,
# "tool ARGS" is af_xdp_user (copy mode, no driver hints: BPF_PROG_TEST_RUN
# cannot run a device-bound program). RX_BUILD: whose binaries (default
# $BUILD); RX_WAKEUP=1: poll() for packets instead of spinning.
start_receiver() { # out err min|tool args...
	local out=$1 err=$2 kind=$3 dir=${RX_BUILD:-$BUILD} spin=(--spin)
	shift 3
	[ "${RX_WAKEUP:-0}" = 1 ] && spin=()
	if [ "$kind" = min ]; then
		start_rx "$out" "$err" '^bench_min_rx: ready' "$dir/bench/bench_min_rx" \
			--dev "$XH_RX_DEV" --xdp-mode native "${spin[@]}" "$@"
	else
		start_rx "$out" "$err" '^af_xdp_user: ready:' "$dir/af_xdp_user" \
			--dev "$XH_RX_DEV" --xdp-mode native --bind-mode copy "${spin[@]}" \
			--hw-hints off --json --interval 0 "$@"
	fi
}

# Packets the stopped receiver counted.
received() { # out min|tool
	if [ "$2" = min ]; then
		jq -r '.packets' "$1"
	else
		jq -r 'select(.type == "final") | .total.packets' "$1"
	fi
}

# One throughput trial: frames injected for INJECT_SECONDS into queue 0.
# Prints "received-pps injected-pps kernel-cpu-ns-per-frame [prog-run-ns]"
# (received over the injector's time; the injector's CPU time per frame is
# the kernel's whole cost of a frame: program, redirect, copy).
throughput_trial() { # inject-options(quoted) min|tool args...
	local out=$XH_TMPDIR/tp.out err=$XH_TMPDIR/tp.err inj_opts=$1 kind=$2 inj packets secs
	shift
	start_receiver "$out" "$err" "$@" || return 1
	# shellcheck disable=SC2086 # inject options are words
	inj=$(inject --queues 1 --seconds "$INJECT_SECONDS" $inj_opts) ||
		{ xh_stop_receiver INT; return 1; }
	sleep 0.2 # let the receiver drain its ring
	xh_stop_receiver INT
	packets=$(received "$out" "$kind")
	secs=$(jq -r '.elapsed_s' <<<"$inj")
	log "trial $*: injector $inj; received $packets"
	[ -n "$packets" ] && [ "$packets" != null ] && [ "$packets" -gt 0 ] || return 1
	echo "$(calc "$packets / $secs" 0) $(jq -r '.pps' <<<"$inj") $(jq -r '.cpu_ns_per_frame' <<<"$inj") $(jq -r '.run_ns_per_frame // empty' <<<"$inj")"
}

# ---- 2. receive throughput ------------------------------------------------------

bench_pps() {
	local round v key p a b m ratio rx_pps inj_pps kns kns_a kns_b
	local variants=("min:min --layout none" "none:tool --layout none" "rxtime:tool --layout rx-time")
	say "rx pps: --spin receivers, copy mode, native XDP, BPF_PROG_TEST_RUN live frames for ${INJECT_SECONDS}s, $PPS_ROUNDS rounds of (bench_min_rx none, af_xdp_user none, af_xdp_user rx-time)"
	log "Live frames: the kernel registers its own rxq with queue index 0 for the"
	log "injected frames, so they all reach queue 0 whatever ctx_in says; the"
	log "receivers still bind all $XH_QUEUES queues."
	for key in min none rxtime; do
		for f in "" .kns .got; do : >"$XH_TMPDIR/pps.$key$f"; done
	done
	noise_begin
	for round in $(seq "$PPS_ROUNDS"); do
		while IFS= read -r v <&3; do
			key=${v%%:*}
			# shellcheck disable=SC2086 # the variant's words
			p=$(retry throughput_trial "" ${v#*:}) || xh_die "rx pps trial '${v#*:}' failed (see $RAW)"
			log "pps $key round $round: $p"
			read -r rx_pps inj_pps kns _ <<<"$p"
			echo "$rx_pps" >>"$XH_TMPDIR/pps.$key"
			echo "$kns" >>"$XH_TMPDIR/pps.$key.kns"
			calc "$rx_pps / $inj_pps" 4 >>"$XH_TMPDIR/pps.$key.got"
			echo >>"$XH_TMPDIR/pps.$key.got"
		done 3< <(rotated "$round" "${variants[@]}")
	done
	noise_end
	m=$(median <"$XH_TMPDIR/pps.min")
	a=$(median <"$XH_TMPDIR/pps.none")
	b=$(median <"$XH_TMPDIR/pps.rxtime")

	noise_row
	check_ref "$(calc "$m / 1e6")" "$REF_PPS_RANGE" Mpps "reference"
	check_spread "$XH_TMPDIR/pps.min" "$SPREAD_MAX" "rate"
	row "rx pps (r) bench_min_rx, layout none" \
	    "$(calc "$m / 1e6") Mpps (spread $(calc "100 * $(rel_spread "$XH_TMPDIR/pps.min")" 0)%)" \
	    "reference" "$([ -n "$NOISE_BAD" ] && echo "NOISY: ${NOISE_BAD%; }" || echo -)" "$NOISE_TEXT"

	ratios "$XH_TMPDIR/pps.min" "$XH_TMPDIR/pps.none" >"$XH_TMPDIR/pps.ratio_none"
	ratio=$(calc "$a / $m" 3)
	noise_row
	check_ref "$(calc "$m / 1e6")" "$REF_PPS_RANGE" Mpps "reference"
	row "rx pps (a) af_xdp_user --layout none" \
	    "$(calc "$a / 1e6") Mpps = $(calc "$ratio")x (r) ($(rounds_text "$XH_TMPDIR/pps.ratio_none")); received $(calc "100 * $(median <"$XH_TMPDIR/pps.none.got")" 1)% vs $(calc "100 * $(median <"$XH_TMPDIR/pps.min.got")" 1)% of injected" \
	    ">= 0.95x (r)" "$(timing_verdict "$ratio" ">=" 0.95 "$XH_TMPDIR/pps.ratio_none")" "$NOISE_TEXT"

	ratios "$XH_TMPDIR/pps.none" "$XH_TMPDIR/pps.rxtime" >"$XH_TMPDIR/pps.ratio_rxtime"
	ratio=$(calc "$b / $a" 3)
	noise_row
	check_ref "$(calc "$m / 1e6")" "$REF_PPS_RANGE" Mpps "reference"
	# Where the ratio comes from: when both receivers take every injected
	# frame, the injector sets the rate, and its CPU time per frame (the
	# kernel's: program, redirect, copy) is what the two differ in.
	kns_a=$(median <"$XH_TMPDIR/pps.none.kns")
	kns_b=$(median <"$XH_TMPDIR/pps.rxtime.kns")
	row "rx pps (b) af_xdp_user --layout rx-time" \
	    "$(calc "$b / 1e6") Mpps = $(calc "$ratio")x (a) ($(rounds_text "$XH_TMPDIR/pps.ratio_rxtime")); kernel $(calc "$kns_b" 0) vs $(calc "$kns_a" 0) ns/frame = $(calc "$kns_a / $kns_b")x; received $(calc "100 * $(median <"$XH_TMPDIR/pps.rxtime.got")" 1)% vs $(calc "100 * $(median <"$XH_TMPDIR/pps.none.got")" 1)% of injected" \
	    ">= 0.85x (a)" "$(timing_verdict "$ratio" ">=" 0.85 "$XH_TMPDIR/pps.ratio_rxtime")" "$NOISE_TEXT"
}

# ---- 3. latency ---------------------------------------------------------------------

# p50 p99 avg of one receiver run at a paced rate, as "p50 p99 avg".
lat_min() { # spin|wakeup
	local out=$XH_TMPDIR/lat.out err=$XH_TMPDIR/lat.err spin=()
	[ "$1" = spin ] && spin=(--spin)
	start_rx "$out" "$err" '^bench_min_rx: ready' "$BUILD/bench/bench_min_rx" \
		--dev "$XH_RX_DEV" --xdp-mode native "${spin[@]}" || return 1
	inject --rate "$LAT_RATE" --seconds "$LAT_SECONDS" >>"$RAW" || return 1
	sleep 0.1
	xh_stop_receiver INT
	log "latency min $1: $(cat "$out")"
	jq -r '.latency_ns | "\(.p50) \(.p99) \(.avg)"' "$out"
}

# The tool as a user runs it (no --pkt-info): p50/p99 from its final JSON.
lat_tool() { # spin|wakeup
	local out=$XH_TMPDIR/lat.out err=$XH_TMPDIR/lat.err spin=() final
	[ "$1" = spin ] && spin=(--spin)
	start_rx "$out" "$err" '^af_xdp_user: ready:' "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" \
		--xdp-mode native --bind-mode copy "${spin[@]}" --layout rx-time --hw-hints off --json \
		--interval 0 || return 1
	inject --rate "$LAT_RATE" --seconds "$LAT_SECONDS" >>"$RAW" || return 1
	sleep 0.1
	xh_stop_receiver INT
	final=$(jq -c 'select(.type == "final") | .total' "$out")
	log "latency tool $1: $final"
	jq -r '.latency_ns | "\(.p50) \(.p99) \(.avg)"' <<<"$final"
}

bench_latency() {
	local rxm round who m t mp50 tp50 ratio target ref
	say "latency: XDP->application at a paced $LAT_RATE pps (live frames, one per call), native XDP, $LAT_ROUNDS rounds of (minimal, tool)"
	for rxm in spin wakeup; do
		: >"$XH_TMPDIR/lat.m"
		: >"$XH_TMPDIR/lat.t"
		noise_begin
		for round in $(seq "$LAT_ROUNDS"); do
			while IFS= read -r who <&3; do
				if [ "$who" = min ]; then
					m=$(retry lat_min "$rxm") || xh_die "latency run of bench_min_rx ($rxm) failed (see $RAW)"
				else
					t=$(retry lat_tool "$rxm") || xh_die "latency run of af_xdp_user ($rxm) failed (see $RAW)"
				fi
			done 3< <(rotated "$round" min tool)
			log "latency $rxm round $round: minimal p50/p99/avg $m; tool $t"
			echo "$m" >>"$XH_TMPDIR/lat.m"
			echo "$t" >>"$XH_TMPDIR/lat.t"
		done
		noise_end
		cut -d' ' -f1 "$XH_TMPDIR/lat.m" >"$XH_TMPDIR/lat.m50"
		cut -d' ' -f1 "$XH_TMPDIR/lat.t" >"$XH_TMPDIR/lat.t50"
		ratios "$XH_TMPDIR/lat.m50" "$XH_TMPDIR/lat.t50" >"$XH_TMPDIR/lat.ratio"
		mp50=$(median <"$XH_TMPDIR/lat.m50")
		tp50=$(median <"$XH_TMPDIR/lat.t50")
		ratio=$(calc "$tp50 / $mp50" 3)
		if [ "$rxm" = spin ]; then target=1.05; ref=$REF_SPIN_P50_RANGE; else target=1.10; ref=$REF_WAKE_P50_RANGE; fi
		noise_row
		check_ref "$(calc "$mp50 / 1000")" "$ref" us "reference p50"
		check_spread "$XH_TMPDIR/lat.m50" "$LAT_SPREAD_MAX" "p50"
		row "latency $rxm (r) bench_min_rx p50 / p99" \
		    "$(calc "$mp50 / 1000") / $(calc "$(cut -d' ' -f2 "$XH_TMPDIR/lat.m" | median) / 1000" 1) us" \
		    "reference" "$([ -n "$NOISE_BAD" ] && echo "NOISY: ${NOISE_BAD%; }" || echo -)" "$NOISE_TEXT"
		noise_row
		check_ref "$(calc "$mp50 / 1000")" "$ref" us "reference p50"
		row "latency $rxm af_xdp_user p50 / p99" \
		    "$(calc "$tp50 / 1000") / $(calc "$(cut -d' ' -f2 "$XH_TMPDIR/lat.t" | median) / 1000" 1) us = $(calc "$ratio")x (r) p50 ($(rounds_text "$XH_TMPDIR/lat.ratio"))" \
		    "p50 <= ${target}x (r)" "$(timing_verdict "$ratio" "<=" "$target" "$XH_TMPDIR/lat.ratio")" "$NOISE_TEXT"
	done
}

# ---- 4. attribution ---------------------------------------------------------------------

# The variants: key|what the row means|receiver and its options.
ATTR_VARIANTS=(
	"none|bare program, layout none: nothing written, nothing read|min --program bare --layout none"
	"id|bare, 4-byte btf_id 0 written and read|min --program bare --layout id"
	"mark|bare, xdp_hints_mark (8 B) written, mark+btf_id read|min --program bare --layout mark"
	"rxtime|bare, xdp_hints_rx_time (16 B), rx_ktime read, histogram|min --program bare --layout rx-time"
	"clear|rx-time + the clearing write per frame|min --program bare --layout rx-time --clear"
	"prefetch|rx-time + prefetch 4 descriptors ahead|min --program bare --layout rx-time --prefetch"
	"f2048|rx-time, 2048 frames|min --program bare --layout rx-time --frames 2048"
	"head16|rx-time, headroom 16: the hint starts a cache line|min --program bare --layout rx-time --headroom 16"
	"touch|none, the packet's first 8 bytes read (as any receiver that reads packets)|min --program bare --layout none --touch"
	"rxtouch|rx-time + the packet's first 8 bytes (the line after the hint's)|min --program bare --layout rx-time --touch"
	"tnone|af_xdp_user --layout none (its program parses and counts; the receiver reads no frame)|tool --layout none"
	"trxtime|af_xdp_user --layout rx-time, as it runs by default|tool --layout rx-time"
	"trx16|af_xdp_user --layout rx-time --frame-headroom 16|tool --layout rx-time --frame-headroom 16"
)

# One veth trial: xdp_hints_traffic sends VETH_FRAMES as fast as it can
# from the peer namespace (CPU_INJECT; native XDP on veth runs in the
# sender's softirq there); prints "received-pps sent-pps".
veth_trial() { # layout
	local out=$XH_TMPDIR/veth.out err=$XH_TMPDIR/veth.err sent packets secs
	start_receiver "$out" "$err" min --program bare --layout "$1" || return 1
	sent=$(taskset -c "$CPU_INJECT" ip netns exec "$XH_NS_TX" "$BUILD/xdp_hints_traffic" \
		--dev "$XH_TX_DEV" --dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --flows 1 \
		--count "$VETH_FRAMES" --json --quiet 2>>"$RAW") || { xh_stop_receiver INT; return 1; }
	sleep 0.2
	xh_stop_receiver INT
	packets=$(received "$out" min)
	secs=$(jq -r '.duration_s' <<<"$sent")
	log "veth $1: sender $sent; received $packets"
	[ -n "$packets" ] && [ "$packets" -gt 0 ] || return 1
	echo "$(calc "$packets / $secs" 0) $(jq -r '.rate_pps' <<<"$sent")"
}

bench_attribution() {
	local round v key what args p rx inj cpu prog drop
	say "attribution: $ATTR_ROUNDS interleaved rounds of ${#ATTR_VARIANTS[@]} receiver variants (received rate, kernel CPU per frame), then one run each with BPF run-time statistics, then a veth sender"
	for v in "${ATTR_VARIANTS[@]}"; do
		key=${v%%|*}
		: >"$XH_TMPDIR/attr.$key.rx"; : >"$XH_TMPDIR/attr.$key.inj"; : >"$XH_TMPDIR/attr.$key.cpu"
	done
	noise_begin
	for round in $(seq "$ATTR_ROUNDS"); do
		while IFS= read -r v <&3; do
			key=${v%%|*}
			args=${v##*|}
			# shellcheck disable=SC2086 # the variant's words
			p=$(retry throughput_trial "" $args) || xh_die "attribution trial '$args' failed (see $RAW)"
			read -r rx inj cpu _ <<<"$p"
			echo "$rx" >>"$XH_TMPDIR/attr.$key.rx"
			echo "$inj" >>"$XH_TMPDIR/attr.$key.inj"
			echo "$cpu" >>"$XH_TMPDIR/attr.$key.cpu"
		done 3< <(rotated "$round" "${ATTR_VARIANTS[@]}")
	done
	# The program's own time, with the statistics on (they slow it down
	# by two clock reads per run: rates above come from runs without).
	for v in "${ATTR_VARIANTS[@]}"; do
		key=${v%%|*}
		args=${v##*|}
		# shellcheck disable=SC2086
		p=$(retry throughput_trial "--run-stats" $args) || xh_die "run-stats trial '$args' failed (see $RAW)"
		read -r _ _ _ prog <<<"$p"
		echo "${prog:-0}" >"$XH_TMPDIR/attr.$key.prog"
	done
	noise_end
	for v in "${ATTR_VARIANTS[@]}"; do
		key=${v%%|*}
		what=${v#*|}
		what=${what%|*}
		rx=$(median <"$XH_TMPDIR/attr.$key.rx")
		inj=$(median <"$XH_TMPDIR/attr.$key.inj")
		cpu=$(median <"$XH_TMPDIR/attr.$key.cpu")
		prog=$(cat "$XH_TMPDIR/attr.$key.prog")
		drop=$(calc "100 * (1 - $rx / $inj)" 0)
		noise_row
		check_spread "$XH_TMPDIR/attr.$key.rx" "$SPREAD_MAX" "received"
		check_spread "$XH_TMPDIR/attr.$key.cpu" "$SPREAD_MAX" "kernel ns"
		row "attr $key: $what" \
		    "rx $(calc "$rx / 1e6") Mpps ($(calc "1e9 / $rx" 0) ns), kernel $(calc "$cpu" 0) ns (prog $(calc "$prog" 0)), inj $(calc "$inj / 1e6") Mpps, drop ${drop}%" \
		    "info" "$([ -n "$NOISE_BAD" ] && echo "NOISY: ${NOISE_BAD%; }" || echo -)" "$NOISE_TEXT"
	done

	for v in none rx-time; do : >"$XH_TMPDIR/veth.$v"; : >"$XH_TMPDIR/veth.$v.sent"; done
	noise_begin
	for round in $(seq "$ATTR_ROUNDS"); do
		for v in none rx-time; do
			p=$(retry veth_trial "$v") || xh_die "veth trial ($v) failed (see $RAW)"
			echo "${p%% *}" >>"$XH_TMPDIR/veth.$v"
			echo "${p#* }" >>"$XH_TMPDIR/veth.$v.sent"
		done
	done
	noise_end
	for v in none rx-time; do
		rx=$(median <"$XH_TMPDIR/veth.$v")
		noise_row
		check_spread "$XH_TMPDIR/veth.$v" "$SPREAD_MAX" "received"
		row "attr veth sender, bare, layout $v" \
		    "rx $(calc "$rx / 1e6") Mpps of $(calc "$(median <"$XH_TMPDIR/veth.$v.sent") / 1e6") Mpps sent" \
		    "info" "$([ -n "$NOISE_BAD" ] && echo "NOISY: ${NOISE_BAD%; }" || echo -)" "$NOISE_TEXT"
	done
}

# ---- 4. memory ---------------------------------------------------------------------

vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# VmRSS in KiB of af_xdp_user with --frames N on all queues or on queue 0.
rss_run() { # frames all|one
	local out=$XH_TMPDIR/mem.out err=$XH_TMPDIR/mem.err queue=() before after
	[ "$2" = one ] && queue=(--queue 0)
	start_rx "$out" "$err" '^af_xdp_user: ready:' "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" \
		--xdp-mode native --bind-mode copy --frames "$1" --frame-size 4096 \
		"${queue[@]}" --layout rx-time --hw-hints off --json --interval 0 || return 1
	before=$(vmrss_kib "$XH_RX_PID")
	# Twice the ring's frames: every frame of queue 0 has held a packet.
	inject --count $(( 2 * $1 )) --repeat 256 --seconds 5 >>"$RAW" || return 1
	sleep 0.2
	after=$(vmrss_kib "$XH_RX_PID")
	xh_stop_receiver INT
	log "memory frames $1 queues $2: VmRSS ${before} KiB before traffic, ${after} KiB after"
	echo "$after"
}

bench_memory() {
	local frames all one per umem over
	say "memory: af_xdp_user VmRSS, --frames $MEM_FRAMES x 4096 B, per queue = (RSS with $XH_QUEUES queues - RSS with 1) / $((XH_QUEUES - 1))"
	log "The UMEM is pinned when it is registered, so it is resident from the start;"
	log "traffic through queue 0 then touches every one of its frames as well."
	for frames in $MEM_FRAMES; do
		all=$(retry rss_run "$frames" all) || xh_die "memory run (--frames $frames) failed (see $RAW)"
		one=$(retry rss_run "$frames" one) || xh_die "memory run (--frames $frames --queue 0) failed (see $RAW)"
		# A per-queue figure below the UMEM itself means a broken run, not a PASS.
		per=$(( (all - one) / (XH_QUEUES - 1) ))
		umem=$(( frames * 4 ))
		over=$(( per - umem ))
		log "memory frames $frames: all $all KiB, one $one KiB, per queue $per KiB, UMEM $umem KiB, overhead $over KiB"
		row "memory per queue, --frames $frames" \
		    "$(calc "$per / 1024") MiB (UMEM $(calc "$umem / 1024") + $(calc "$over / 1024") MiB)" \
		    "UMEM + < 1 MiB" "$(verdict "$per * 10 >= $umem * 9 && $over < 1024")"
	done
}

# ---- 6. stamp class ----------------------------------------------------------------

# key|what|receiver and its options (bench_min_rx, af_xdp_kern unless bare).
STAMP_VARIANTS=(
	"bare|bare program: bpf_redirect_map() alone, nothing written|min --program bare --layout none"
	"knone|af_xdp_kern --layout none: parse, control list, counters, btf_id 0|min --layout none"
	"kclass|af_xdp_kern rx-time, stamp class ethertype:0x891d: bulk UDP gets xdp_hints_untimed|min --layout rx-time --stamp-class ethertype:0x891d"
)

bench_stamp() {
	local round v key args p rx inj cpu prog ratio what
	say "stamp: $STAMP_ROUNDS interleaved rounds of ${#STAMP_VARIANTS[@]} variants (UDP frames injected, none of the class), then one run each with BPF run-time statistics"
	for v in "${STAMP_VARIANTS[@]}"; do
		key=${v%%|*}
		: >"$XH_TMPDIR/st.$key.rx"; : >"$XH_TMPDIR/st.$key.cpu"; : >"$XH_TMPDIR/st.$key.inj"
	done
	noise_begin
	for round in $(seq "$STAMP_ROUNDS"); do
		while IFS= read -r v <&3; do
			key=${v%%|*}
			args=${v##*|}
			# shellcheck disable=SC2086 # the variant's words
			p=$(retry throughput_trial "" $args) || xh_die "stamp trial '$args' failed (see $RAW)"
			log "stamp $key round $round: $p"
			read -r rx inj cpu _ <<<"$p"
			echo "$rx" >>"$XH_TMPDIR/st.$key.rx"
			echo "$inj" >>"$XH_TMPDIR/st.$key.inj"
			echo "$cpu" >>"$XH_TMPDIR/st.$key.cpu"
		done 3< <(rotated "$round" "${STAMP_VARIANTS[@]}")
	done
	for v in "${STAMP_VARIANTS[@]}"; do
		key=${v%%|*}
		args=${v##*|}
		# shellcheck disable=SC2086
		p=$(retry throughput_trial "--run-stats" $args) || xh_die "run-stats trial '$args' failed (see $RAW)"
		read -r _ _ _ prog <<<"$p"
		echo "${prog:-0}" >"$XH_TMPDIR/st.$key.prog"
	done
	noise_end
	for v in "${STAMP_VARIANTS[@]}"; do
		key=${v%%|*}
		what=${v#*|}
		what=${what%|*}
		rx=$(median <"$XH_TMPDIR/st.$key.rx")
		noise_row
		check_spread "$XH_TMPDIR/st.$key.rx" "$SPREAD_MAX" "received"
		check_spread "$XH_TMPDIR/st.$key.cpu" "$SPREAD_MAX" "kernel ns"
		row "stamp $key: $what" \
		    "rx $(calc "$rx / 1e6") Mpps, kernel $(calc "$(median <"$XH_TMPDIR/st.$key.cpu")" 0) ns (prog $(calc "$(cat "$XH_TMPDIR/st.$key.prog")" 0)), inj $(calc "$(median <"$XH_TMPDIR/st.$key.inj") / 1e6") Mpps" \
		    "info" "$([ -n "$NOISE_BAD" ] && echo "NOISY: ${NOISE_BAD%; }" || echo -)" "$NOISE_TEXT"
	done
	# Judged on the kernel's CPU time per frame (the injector's: program,
	# redirect, copy), as a speed ratio: a's ns over b's, per round. The
	# received rate also depends on the receiver getting its CPU.
	stamp_ratio_row() { # a b label target
		local a=$1 b=$2 ra rb ka kb
		ratios "$XH_TMPDIR/st.$b.cpu" "$XH_TMPDIR/st.$a.cpu" >"$XH_TMPDIR/st.ratio.$b"
		ra=$(median <"$XH_TMPDIR/st.$a.rx")
		rb=$(median <"$XH_TMPDIR/st.$b.rx")
		ka=$(median <"$XH_TMPDIR/st.$a.cpu")
		kb=$(median <"$XH_TMPDIR/st.$b.cpu")
		ratio=$(calc "$ka / $kb" 3)
		noise_row
		row "$3" \
		    "$(calc "$ratio")x ($(rounds_text "$XH_TMPDIR/st.ratio.$b")): kernel $(calc "$kb" 0) vs $(calc "$ka" 0) ns/frame, prog $(calc "$(cat "$XH_TMPDIR/st.$b.prog")" 0) vs $(calc "$(cat "$XH_TMPDIR/st.$a.prog")" 0) ns; rx $(calc "$rb / 1e6") vs $(calc "$ra / 1e6") Mpps" \
		    ">= ${4}x" "$(timing_verdict "$ratio" ">=" "$4" "$XH_TMPDIR/st.ratio.$b")" "$NOISE_TEXT"
	}
	stamp_ratio_row knone kclass "stamp (1) bulk UDP, class ethertype:0x891d vs layout none, kernel ns" 0.97
	stamp_ratio_row bare knone "stamp (2) af_xdp_kern layout none vs bare redirect, kernel ns" 0.95
}

# ---- 7. the receive path's instructions -----------------------------------------------

# Instructions per frame callgrind counts in run_poll of a bench_rx_path.
rxpath_count() { # bench_rx_path layout
	local out ir frames=$(( RXPATH_BATCHES * 64 ))
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=run_poll \
		"$1" "$BPF_OBJ" "$2" "$RXPATH_BATCHES" 2>&1) || { log "$out"; return 1; }
	log "$out"
	ir=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' <<<"$out")
	[ -n "$ir" ] || return 1
	calc "$ir / $frames" 1
}

RXPATH_BATCHES=20000
bench_rxpath() {
	local v per
	say "rxpath: instructions per frame of rx_queue_poll() (bench_rx_path, callgrind, $RXPATH_BATCHES batches of 64)"
	for v in none rx-time; do
		per=$(rxpath_count "$BUILD/bench/bench_rx_path" "$v") ||
			xh_die "bench_rx_path $v failed under callgrind (see $RAW)"
		log "rxpath $v: $per instructions per frame"
		row "rxpath rx_queue_poll() per frame, layout $v (info)" "$per instr" "-" "-"
		echo "$per" >"$XH_TMPDIR/rxpath.$v"
	done
}

# ---- 8. this tree against another build ---------------------------------------------------

# The other build: BENCH_BASE as is, or BENCH_BASE_REV cloned and built
# here. bench_rx_path.c is this tree's: it calls rx_queue_poll() only, so
# it builds against an older tree too, where there is none of its own.
ab_base() {
	local src=$XH_TMPDIR/base
	if [ -n "$BENCH_BASE" ]; then
		AB_BASE=$BENCH_BASE
		return 0
	fi
	say "ab: building $BENCH_BASE_REV ($(git -C "$REPO_DIR" rev-parse --short "$BENCH_BASE_REV" 2>/dev/null || echo unknown)) in $src"
	if ! git clone -q --shared "$REPO_DIR" "$src" >>"$RAW" 2>&1 ||
	   ! git -C "$src" checkout -q "$(git -C "$REPO_DIR" rev-parse "$BENCH_BASE_REV")" >>"$RAW" 2>&1; then
		xh_die "cannot check out $BENCH_BASE_REV (see $RAW)"
	fi
	[ -e "$src/bench/bench_rx_path.c" ] || cp "$BENCH_DIR/bench_rx_path.c" "$src/bench/"
	# Its own build directory, whatever BUILD and MAKEFLAGS say (make
	# bench exports them for this tree).
	(cd "$src" && unset MAKEFLAGS MAKELEVEL MFLAGS && ./configure &&
		make -j"$NCPUS" BUILD="$src/build" all "$src/build/bench/bench_min_rx") >>"$RAW" 2>&1 ||
		xh_die "building $BENCH_BASE_REV failed (see $RAW)"
	(cd "$src" && unset MAKEFLAGS MAKELEVEL MFLAGS &&
		make BUILD="$src/build" "$src/build/bench/bench_rx_path") >>"$RAW" 2>&1 ||
		log "bench_rx_path does not build against $BENCH_BASE_REV: no rxpath comparison"
	AB_BASE=$src/build
}

# Nanoseconds a process (all its threads) has run on a CPU.
cpu_ns() { # pid
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}

# One trial in wakeup mode: prints "received-pps receiver-cpu-ns-per-packet";
# the CPU time is taken from ready to after the injection, so start-up
# (loading BPF, binding) is not in it.
ab_trial() { # build min|tool args...
	local out=$XH_TMPDIR/ab.out err=$XH_TMPDIR/ab.err kind=$2 inj packets secs c0 c1 comm
	RX_BUILD=$1 RX_WAKEUP=1 start_receiver "$out" "$err" "${@:2}" || return 1
	c0=$(cpu_ns "$XH_RX_PID")
	inj=$(inject --queues 1 --seconds "$INJECT_SECONDS") || { xh_stop_receiver INT; return 1; }
	sleep 0.2
	c1=$(cpu_ns "$XH_RX_PID")
	comm=$(cat "/proc/$XH_RX_PID/comm" 2>/dev/null)
	xh_stop_receiver INT
	packets=$(received "$out" "$kind")
	secs=$(jq -r '.elapsed_s' <<<"$inj")
	log "ab trial $*: injector $inj; received $packets; receiver ($comm) cpu $c0 -> $c1 ns"
	[ -n "$packets" ] && [ "$packets" != null ] && [ "$packets" -gt 0 ] && [ "$c1" -gt "$c0" ] || return 1
	echo "$(calc "$packets / $secs" 0) $(calc "($c1 - $c0) / $packets" 2)"
}

bench_ab() {
	local round v key dir p rx ns kind what per_new per_old a b
	local variants=("tnew:tool --layout rx-time" "told:tool --layout rx-time"
			"mnew:min --layout rx-time" "mold:min --layout rx-time")
	ab_base
	say "ab: this tree ($(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)) against $AB_BASE, wakeup mode, $AB_ROUNDS rounds of (af_xdp_user, bench_min_rx) x (this, other), rotated"
	for v in "${variants[@]}"; do
		key=${v%%:*}
		: >"$XH_TMPDIR/ab.$key.rx"; : >"$XH_TMPDIR/ab.$key.ns"
	done
	noise_begin
	for round in $(seq "$AB_ROUNDS"); do
		while IFS= read -r v <&3; do
			key=${v%%:*}
			dir=$BUILD
			[[ $key == *old ]] && dir=$AB_BASE
			# shellcheck disable=SC2086 # the variant's words
			p=$(retry ab_trial "$dir" ${v#*:}) || xh_die "ab trial '$key ${v#*:}' failed (see $RAW)"
			log "ab $key round $round: $p"
			read -r rx ns <<<"$p"
			echo "$rx" >>"$XH_TMPDIR/ab.$key.rx"
			echo "$ns" >>"$XH_TMPDIR/ab.$key.ns"
		done 3< <(rotated "$round" "${variants[@]}")
	done
	noise_end
	for kind in t m; do
		[ "$kind" = t ] && what="af_xdp_user --layout rx-time" || what="bench_min_rx --layout rx-time"
		ratios "$XH_TMPDIR/ab.${kind}old.rx" "$XH_TMPDIR/ab.${kind}new.rx" >"$XH_TMPDIR/ab.$kind.rx.ratio"
		ratios "$XH_TMPDIR/ab.${kind}old.ns" "$XH_TMPDIR/ab.${kind}new.ns" >"$XH_TMPDIR/ab.$kind.ns.ratio"
		a=$(median <"$XH_TMPDIR/ab.${kind}old.rx")
		b=$(median <"$XH_TMPDIR/ab.${kind}new.rx")
		noise_row
		row "ab rate $what, this / other" \
		    "$(calc "$b / 1e6") vs $(calc "$a / 1e6") Mpps = $(calc "$b / $a" 3)x ($(rounds_text "$XH_TMPDIR/ab.$kind.rx.ratio"))" \
		    ">= 0.97x" "$(timing_verdict "$(median <"$XH_TMPDIR/ab.$kind.rx.ratio")" ">=" 0.97 "$XH_TMPDIR/ab.$kind.rx.ratio")" "$NOISE_TEXT"
		a=$(median <"$XH_TMPDIR/ab.${kind}old.ns")
		b=$(median <"$XH_TMPDIR/ab.${kind}new.ns")
		noise_row
		row "ab receiver CPU per packet $what, this / other" \
		    "$(calc "$b" 1) vs $(calc "$a" 1) ns = $(calc "$b / $a" 3)x ($(rounds_text "$XH_TMPDIR/ab.$kind.ns.ratio"))" \
		    "<= 1.03x" "$(timing_verdict "$(median <"$XH_TMPDIR/ab.$kind.ns.ratio")" "<=" 1.03 "$XH_TMPDIR/ab.$kind.ns.ratio")" "$NOISE_TEXT"
	done
	if [ -x "$AB_BASE/bench/bench_rx_path" ]; then
		for v in none rx-time; do
			per_new=$(cat "$XH_TMPDIR/rxpath.$v" 2>/dev/null) ||
				per_new=$(rxpath_count "$BUILD/bench/bench_rx_path" "$v") ||
				xh_die "bench_rx_path $v failed under callgrind (see $RAW)"
			per_old=$(rxpath_count "$AB_BASE/bench/bench_rx_path" "$v") ||
				xh_die "the other build's bench_rx_path $v failed under callgrind (see $RAW)"
			row "ab rx_queue_poll() instructions per frame, layout $v, this / other" \
			    "$per_new vs $per_old instr = $(calc "$per_new / $per_old" 3)x" \
			    "<= 1.00x" "$(verdict "$per_new <= $per_old")"
		done
	fi
}

# ---- 9. queues: memory and start-up by queue count, shared or per-queue UMEM ----------

# af_xdp_user on the current veth with its default options, --json
# --interval 0 and the caller's, pinned to CPU_RX. QR_READY_S: seconds
# from its start (taskset and ip netns exec included) to its ready line,
# polled every 10 ms. Not in a subshell: its pid must reach the cleanup.
queues_start() { # out err options...
	local out=$1 err=$2 i t0 t1
	shift 2
	XH_RX_ERR_LAST=$err
	rm -f "$out" "$err"
	t0=$EPOCHREALTIME
	taskset -c "$CPU_RX" ip netns exec "$XH_NS_RX" "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" \
		--json --interval 0 "$@" >"$out" 2>"$err" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
	for i in $(seq 1500); do
		if grep -q '^af_xdp_user: ready:' "$err" 2>/dev/null; then
			t1=$EPOCHREALTIME
			QR_READY_S=$(calc "$t1 - $t0" 3)
			return 0
		fi
		kill -0 "$XH_RX_PID" 2>/dev/null || break
		sleep 0.01
	done
	log "receiver did not get ready within 15 s: af_xdp_user $*"
	cat "$err" >>"$RAW"
	kill -0 "$XH_RX_PID" 2>/dev/null && xh_stop_receiver KILL
	return 1
}

# SIGINT, then its exit, polled every 10 ms (SIGKILL after 15 s).
# QR_STOP_S: seconds from the signal to the exit; XH_RX_RC its status.
queues_stop() {
	local i t0 t1
	t0=$EPOCHREALTIME
	kill -INT "$XH_RX_PID" 2>/dev/null
	for i in $(seq 1500); do
		kill -0 "$XH_RX_PID" 2>/dev/null || break
		sleep 0.01
	done
	t1=$EPOCHREALTIME
	kill -0 "$XH_RX_PID" 2>/dev/null && kill -KILL "$XH_RX_PID"
	wait "$XH_RX_PID" 2>/dev/null
	XH_RX_RC=$?
	QR_STOP_S=$(calc "$t1 - $t0" 3)
}

vmhwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }


# The kernel memory one receiver's sockets take: SUnreclaim while it runs
# less SUnreclaim settled before. System-wide: other work on the machine
# adds to it (never takes away much in 0.3 s). Sets QK_KIB.
kernel_kib_run() { # af_xdp_user options...
	local s0 s1
	s0=$(xh_settled_sunreclaim_kib)
	queues_start "$XH_TMPDIR/qk.out" "$XH_TMPDIR/qk.err" "$@" || return 1
	sleep 0.3
	s1=$(xh_sunreclaim_kib)
	queues_stop
	QK_KIB=$((s1 - s0))
	[ "$XH_RX_RC" = 0 ]
}

# The start-up line's UMEM, per queue ("UMEM: 4 queue(s) x 4096 frames x
# 2048 bytes = 32.0 MiB, ...") or shared ("UMEM: one of 16384 frames x 2048
# bytes = 32.0 MiB shared by 4 queue(s), ..."): its KiB, its frames per
# queue (per-queue only), its frames in words.
umem_kib() { sed -n 's/^af_xdp_user: UMEM: .* = \([0-9.]*\) MiB.*/\1/p' "$1" | head -n 1 | awk '{ printf "%d", $1 * 1024 }'; }
umem_frames() { sed -n 's/^af_xdp_user: UMEM: .* x \([0-9]*\) frames x .*/\1/p' "$1" | head -n 1; }
umem_frames_text() {
	sed -n -e 's/^af_xdp_user: UMEM: .* x \([0-9]*\) frames x .*/\1 frames\/queue/p' \
		-e 's/^af_xdp_user: UMEM: one of \([0-9]*\) frames x .*/\1 frames shared/p' "$1" | head -n 1
}

queues_send() { # xdp_hints_traffic options
	taskset -c "$CPU_INJECT" ip netns exec "$XH_NS_TX" "$BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --queue-select explicit --json --quiet "$@" 2>>"$RAW"
}

# One run on Q queues: start, QUEUE_PER_FRAMES frames to every queue,
# VmHWM, stop. Sets QR_READY_S QR_STOP_S QR_HWM QR_UMEM QR_FRAMES
# QR_SENT QR_GOT.
queues_run() { # queues af_xdp_user options...
	local out=$XH_TMPDIR/qr.out err=$XH_TMPDIR/qr.err q=$1 line
	shift
	queues_start "$out" "$err" "$@" || return 1
	line=$(queues_send --flows "$q" --count $((q * QUEUE_PER_FRAMES)) --rate 20000) ||
		{ queues_stop; return 1; }
	sleep 0.3
	QR_HWM=$(vmhwm_kib "$XH_RX_PID")
	queues_stop
	QR_UMEM=$(umem_kib "$err")
	QR_FRAMES=$(umem_frames_text "$err")
	QR_SENT=$(jq -r .sent <<<"$line")
	QR_GOT=$(jq -r 'select(.type == "final") | .total.packets' "$out")
	log "queues $q: ready $QR_READY_S s, stop $QR_STOP_S s (exit $XH_RX_RC), VmHWM $QR_HWM KiB, $(grep '^af_xdp_user: UMEM:' "$err" | tr '\n' ' '), sent $QR_SENT, received $QR_GOT"
	if [ "$XH_RX_RC" != 0 ] || [ -z "$QR_HWM" ] || [ -z "$QR_UMEM" ] || [ -z "$QR_GOT" ]; then
		cat "$err" >>"$RAW"
		return 1
	fi
}

# The veth of the queue count just measured goes before the next one.
queues_teardown() {
	ip netns del "$XH_NS_RX" 2>/dev/null
	ip netns del "$XH_NS_TX" 2>/dev/null
}

# "median s (runs lo-hi)" of a file of times.
times_text() { # file
	echo "median $(calc "$(median <"$1")" 3) s (runs $(calc "$(sort -g "$1" | head -n 1)" 3)-$(calc "$(sort -g "$1" | tail -n 1)" 3))"
}

bench_queues_counts() {
	local q r f hwm umem over target first="" firsthwm firstumem growth
	say "queues: af_xdp_user, default options, on veths of $QUEUE_COUNTS queues, $QUEUE_RUNS runs each: start to ready line, SIGINT to exit, VmHWM after $QUEUE_PER_FRAMES frames to every queue, the UMEM of its start-up line"
	log "Allowance over the UMEM: $((MEM_BASE_KIB / 1024)) MiB + $MEM_PER_QUEUE_KIB KiB per queue (tests/e2e/many_queues.sh's)."
	for q in $QUEUE_COUNTS; do
		xh_setup "q$q" "$q"
		for f in ready stop hwm umem got; do : >"$XH_TMPDIR/q.$f"; done
		noise_begin
		for r in $(seq "$QUEUE_RUNS"); do
			retry queues_run "$q" || xh_die "queues: run $r on $q queues failed (see $RAW)"
			echo "$QR_READY_S" >>"$XH_TMPDIR/q.ready"
			echo "$QR_STOP_S" >>"$XH_TMPDIR/q.stop"
			echo "$QR_HWM" >>"$XH_TMPDIR/q.hwm"
			echo "$QR_UMEM" >>"$XH_TMPDIR/q.umem"
			echo "$QR_GOT" >>"$XH_TMPDIR/q.got"
		done
		noise_end
		# Counts, not times: one run in each mode is enough.
		local kp="" ks=""
		retry kernel_kib_run && kp=$QK_KIB
		if "$BUILD/af_xdp_user" --help 2>&1 | grep -q -- '--umem'; then
			retry kernel_kib_run --umem shared && ks=$QK_KIB
		fi
		queues_teardown
		if [ -n "$kp" ]; then
			row "queues $q: kernel memory (SUnreclaim growth), default UMEM" \
			    "$(calc "$kp / 1024") MiB; --umem shared: $([ -n "$ks" ] && echo "$(calc "$ks / 1024") MiB" || echo -)" \
			    "<= $((KERNEL_MAX_KIB / 1024)) MiB" "$(verdict "$kp <= $KERNEL_MAX_KIB")"
		fi
		hwm=$(median <"$XH_TMPDIR/q.hwm")
		umem=$(median <"$XH_TMPDIR/q.umem")
		over=$(calc "$hwm - $umem" 0)
		target=$(( umem + MEM_BASE_KIB + q * MEM_PER_QUEUE_KIB ))
		row "queues $q: memory, default UMEM" \
		    "VmHWM $(calc "$hwm / 1024") MiB = UMEM $(calc "$umem / 1024") MiB ($QR_FRAMES) + $(calc "$over / 1024") MiB; received $(median <"$XH_TMPDIR/q.got") of $QR_SENT" \
		    "UMEM <= $((UMEM_BUDGET_KIB / 1024)), VmHWM <= UMEM + $((MEM_BASE_KIB / 1024)) + $q x $MEM_PER_QUEUE_KIB KiB = $(calc "$target / 1024" 1) MiB" \
		    "$(mem_budget_verdict "$hwm" "$umem" "$q" "$UMEM_BUDGET_KIB" "$MEM_BASE_KIB" "$MEM_PER_QUEUE_KIB")"
		# Absolute times: PASS or MISS only when every run lies on one
		# side of the target (below 6 runs median_ci is the whole range).
		noise_row
		row "queues $q: ready (start to ready line)" "$(times_text "$XH_TMPDIR/q.ready")" \
		    "<= $QUEUE_TIME_MAX_S s" \
		    "$(timing_verdict "$(median <"$XH_TMPDIR/q.ready")" "<=" "$QUEUE_TIME_MAX_S" "$XH_TMPDIR/q.ready")" "$NOISE_TEXT"
		noise_row
		row "queues $q: stop (SIGINT to exit)" "$(times_text "$XH_TMPDIR/q.stop")" \
		    "<= $QUEUE_TIME_MAX_S s" \
		    "$(timing_verdict "$(median <"$XH_TMPDIR/q.stop")" "<=" "$QUEUE_TIME_MAX_S" "$XH_TMPDIR/q.stop")" "$NOISE_TEXT"
		if [ -z "$first" ]; then
			first=$q firsthwm=$hwm firstumem=$umem
		elif [ "$q" -gt "$first" ]; then
			growth=$(calc "($hwm - $firsthwm - ($umem - $firstumem)) / ($q - $first)" 0)
		fi
	done
	[ -n "${growth:-}" ] && row "queues memory per added queue, UMEM aside, $first -> $q queues" \
	    "$growth KiB/queue (the former default: 16 MiB of UMEM per queue)" \
	    "<= $MEM_PER_QUEUE_KIB KiB" "$(verdict "$growth <= $MEM_PER_QUEUE_KIB")"
	return 0
}

# One flood on all CMP_QUEUES queues, wakeup mode (a receiver that sleeps
# when idle spends CPU only on packets). Sets CF_RATE (received over the
# sender's time), CF_NS (receiver CPU ns per packet, ready to after the
# flood), CF_GOT_PCT, CF_HWM, CF_READY.
cmp_flood() { # af_xdp_user options...
	local out=$XH_TMPDIR/cf.out err=$XH_TMPDIR/cf.err line c0 c1 got
	queues_start "$out" "$err" "$@" || return 1
	c0=$(cpu_ns "$XH_RX_PID")
	line=$(queues_send --flows "$CMP_QUEUES" --count "$CMP_FLOOD_FRAMES" --rate 0) ||
		{ queues_stop; return 1; }
	sleep 0.2
	c1=$(cpu_ns "$XH_RX_PID")
	CF_HWM=$(vmhwm_kib "$XH_RX_PID")
	queues_stop
	CF_READY=$QR_READY_S
	got=$(jq -r 'select(.type == "final") | .total.packets' "$out")
	log "queues flood $*: sender $line; received $got; cpu $c0 -> $c1 ns; VmHWM $CF_HWM KiB; ready $CF_READY s; $(grep '^af_xdp_user: UMEM:' "$err" | tr '\n' ' ')"
	if [ "$XH_RX_RC" != 0 ] || [ -z "$got" ] || [ "$got" = null ] || [ "$got" -le 0 ] || [ "$c1" -le "$c0" ]; then
		cat "$err" >>"$RAW"
		return 1
	fi
	CF_RATE=$(calc "$got / $(jq -r .duration_s <<<"$line")" 0)
	CF_NS=$(calc "($c1 - $c0) / $got" 1)
	CF_GOT_PCT=$(calc "100 * $got / $(jq -r .sent <<<"$line")" 1)
}

# Bursts of CMP_BURST frames on one queue while the others idle (one
# flow: the sender leaves the queue to the kernel's flow hash), the
# receiver draining every CMP_PERIOD_S (--rx-period: the frames wait in the
# rings), one burst per period. Each starts 50 ms after a drain (the
# deadlines are whole multiples of the period on CLOCK_MONOTONIC, the
# hints' clock) and must end before the next: a run where one straddled a
# drain is retried. One burst finds the frames as the start left them; in
# a train of several, a shared pool may have moved frames to the busy
# queue at the drains between them. Sets CB_LOST (rx_dropped +
# rx_ring_full, all queues), CB_FILL_EMPTY (rx_fill_ring_empty_descs),
# CB_REDIR and CB_TOOK (the busy queue: frames the program redirected to
# it, frames it delivered).
cmp_burst() { # bursts af_xdp_user options...
	local out=$XH_TMPDIR/cb.out err=$XH_TMPDIR/cb.err n=$1 b line t0 t1 final times=""
	shift
	queues_start "$out" "$err" --rx-period "$CMP_PERIOD_S" "$@" || return 1
	for b in $(seq "$n"); do
		t0=$(perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC,sleep -e '
			my $p = shift; my $t = clock_gettime(CLOCK_MONOTONIC); my $r = $t - $p * int($t / $p);
			sleep($r < 0.05 ? 0.05 - $r : $p - $r + 0.05);
			printf "%.6f\n", clock_gettime(CLOCK_MONOTONIC)' "$CMP_PERIOD_S")
		line=$(queues_send --flows 1 --count "$CMP_BURST" --rate 0) || { queues_stop; return 1; }
		t1=$(perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e 'printf "%.6f\n", clock_gettime(CLOCK_MONOTONIC)')
		times+="$t0-$t1 "
		if ! holds "int($t0 / $CMP_PERIOD_S) == int($t1 / $CMP_PERIOD_S)"; then
			log "burst $b at monotonic $t0-$t1 straddled a drain: again"
			queues_stop
			return 1
		fi
	done
	sleep "$(calc "$CMP_PERIOD_S + 0.3" 1)"
	queues_stop
	final=$(jq -c 'select(.type == "final")' "$out")
	log "queues $n burst(s) $*: last sender $line, monotonic $times; $(grep '^af_xdp_user: UMEM:' "$err" | tr '\n' ' '); queues $(jq -c '[.queues[] | {queue, packets, drained_at_stop, redirected: .xdp.redirected, rx_dropped: .xsk.rx_dropped, rx_ring_full: .xsk.rx_ring_full, fill_empty: .xsk.rx_fill_ring_empty_descs}]' <<<"$final")"
	if [ "$XH_RX_RC" != 0 ] || [ -z "$final" ]; then
		cat "$err" >>"$RAW"
		return 1
	fi
	CB_LOST=$(jq -r '[.queues[] | .xsk.rx_dropped + .xsk.rx_ring_full] | add' <<<"$final")
	CB_FILL_EMPTY=$(jq -r '[.queues[].xsk.rx_fill_ring_empty_descs] | add' <<<"$final")
	CB_REDIR=$(jq -r '.queues | max_by(.xdp.redirected) | .xdp.redirected' <<<"$final")
	CB_TOOK=$(jq -r '.queues | max_by(.xdp.redirected) | .packets + .drained_at_stop' <<<"$final")
}

burst_what() { # bursts
	if [ "$1" = 1 ]; then
		echo "1 burst of $CMP_BURST on one queue"
	else
		echo "$1 bursts of $CMP_BURST on one queue, 1 per drain"
	fi
}

# Which mode a ratio file (shared / per-queue per round) favours, in words.
better_words() { # ratios-file higher|lower
	case $(better_of "$1" "$2") in
	b) echo "shared better" ;;
	a) echo "per-queue better" ;;
	*) echo "no difference beyond the rounds' spread" ;;
	esac
}

bench_queues_compare() {
	local have=1 round v key args f perq_frames skip="SKIP: af_xdp_user has no --umem"
	local rp rs np ns hp hs lp ls res better axes=() mb_res text
	"$BUILD/af_xdp_user" --help 2>&1 | grep -q -- '--umem' || have=0
	local modes=("perq:--umem per-queue" "shared:--umem shared")
	# Without the option today's behaviour is per-queue: measured without it.
	[ "$have" = 1 ] || modes=("perq:")
	xh_setup qc "$CMP_QUEUES"
	xh_static_neigh
	# A burst of twice what one queue of the per-queue UMEM holds.
	# shellcheck disable=SC2086 # the mode's words
	queues_start "$XH_TMPDIR/cf.out" "$XH_TMPDIR/cf.err" ${modes[0]#*:} ||
		xh_die "queues: af_xdp_user does not start on $CMP_QUEUES queues (see $RAW)"
	queues_stop
	perq_frames=$(umem_frames "$XH_TMPDIR/cf.err")
	[ -n "$perq_frames" ] || xh_die "queues: no UMEM line from af_xdp_user (see $RAW)"
	CMP_BURST=$((2 * perq_frames))
	say "queues: UMEM $( [ "$have" = 1 ] && echo "shared against per-queue" || echo "per-queue only (no --umem)") on $CMP_QUEUES queues, $CMP_ROUNDS rounds, modes alternated: a flood of $CMP_FLOOD_FRAMES frames on every queue (wakeup mode); with --rx-period $CMP_PERIOD_S, 1 burst and a train of $CMP_TRAIN bursts (1 per period) of $CMP_BURST frames (twice a per-queue share of $perq_frames) on one queue"
	for v in "${modes[@]}"; do
		key=${v%%:*}
		for f in rate ns got hwm ready b1.lost b1.fill b1.redir b1.took b$CMP_TRAIN.lost \
			 b$CMP_TRAIN.fill b$CMP_TRAIN.redir b$CMP_TRAIN.took; do
			: >"$XH_TMPDIR/cmp.$key.$f"
		done
	done
	noise_begin
	for round in $(seq "$CMP_ROUNDS"); do
		while IFS= read -r v <&3; do
			key=${v%%:*}
			args=${v#*:}
			# shellcheck disable=SC2086 # the mode's words
			retry cmp_flood $args || xh_die "queues: flood ($key) failed (see $RAW)"
			for f in "rate:$CF_RATE" "ns:$CF_NS" "got:$CF_GOT_PCT" "hwm:$CF_HWM" "ready:$CF_READY"; do
				echo "${f#*:}" >>"$XH_TMPDIR/cmp.$key.${f%%:*}"
			done
			for b in 1 "$CMP_TRAIN"; do
				# shellcheck disable=SC2086
				retry cmp_burst "$b" $args || xh_die "queues: $b burst(s) ($key) failed (see $RAW)"
				for f in "lost:$CB_LOST" "fill:$CB_FILL_EMPTY" "redir:$CB_REDIR" "took:$CB_TOOK"; do
					echo "${f#*:}" >>"$XH_TMPDIR/cmp.$key.b$b.${f%%:*}"
				done
			done
			log "queues $key round $round: rate $CF_RATE pps, $CF_NS ns/packet, received $CF_GOT_PCT%, VmHWM $CF_HWM KiB, ready $CF_READY s; lost to 1 burst $(tail -n 1 "$XH_TMPDIR/cmp.$key.b1.lost"), to $CMP_TRAIN $CB_LOST"
		done 3< <(rotated "$round" "${modes[@]}")
	done
	noise_end
	# The kernel's memory for the sockets: counts, one run each.
	local kp="" ks=""
	if [ "$have" = 1 ]; then
		retry kernel_kib_run --umem per-queue || xh_die "queues: kernel memory run (per-queue) failed (see $RAW)"
		kp=$QK_KIB
		retry kernel_kib_run --umem shared || xh_die "queues: kernel memory run (shared) failed (see $RAW)"
		ks=$QK_KIB
	fi
	queues_teardown
	m() { median <"$XH_TMPDIR/cmp.$1.$2"; }
	if [ "$have" = 0 ]; then
		row "queues $CMP_QUEUES: flood rate, shared / per-queue" \
		    "per-queue $(calc "$(m perq rate) / 1e3" 1) kpps, received $(m perq got)%; shared -" ">= 0.95x" "$skip" "$NOISE_TEXT"
		row "queues $CMP_QUEUES: receiver CPU per packet, shared / per-queue" \
		    "per-queue $(m perq ns) ns; shared -" "<= 1.05x" "$skip" "$NOISE_TEXT"
		for b in 1 "$CMP_TRAIN"; do
			row "queues $CMP_QUEUES: $(burst_what "$b"), lost, shared / per-queue" \
			    "per-queue lost $(m perq "b$b.lost") (fill ring empty $(m perq "b$b.fill")), the queue took $(m perq "b$b.took") of $(m perq "b$b.redir"); shared -" "<= 1.00x" "$skip"
		done
		row "queues $CMP_QUEUES: memory VmHWM, shared / per-queue" \
		    "per-queue $(calc "$(m perq hwm) / 1024") MiB; shared -" "shared <= UMEM budget + allowance" "$skip"
		row "queues $CMP_QUEUES: ready, shared / per-queue" \
		    "per-queue $(times_text "$XH_TMPDIR/cmp.perq.ready"); shared -" "<= $QUEUE_TIME_MAX_S s" "$skip" "$NOISE_TEXT"
		row "queues default --umem per-queue, supported by the data" "-" \
		    "shared worse on some axis" "$skip"
		return 0
	fi
	for f in rate ns hwm ready; do
		ratios "$XH_TMPDIR/cmp.perq.$f" "$XH_TMPDIR/cmp.shared.$f" >"$XH_TMPDIR/cmp.ratio.$f"
	done
	rp=$(m perq rate); rs=$(m shared rate)
	noise_row
	res=$(timing_verdict "$(calc "$rs / $rp" 3)" ">=" 0.95 "$XH_TMPDIR/cmp.ratio.rate")
	better=$(better_words "$XH_TMPDIR/cmp.ratio.rate" higher)
	row "queues $CMP_QUEUES: flood rate, shared / per-queue" \
	    "$(calc "$rs / 1e3" 1) vs $(calc "$rp / 1e3" 1) kpps = $(calc "$rs / $rp" 3)x ($(rounds_text "$XH_TMPDIR/cmp.ratio.rate")), received $(m shared got)% vs $(m perq got)%; $better" \
	    ">= 0.95x" "$res" "$NOISE_TEXT"
	axes+=("rate|$res|$([ "$better" = "shared better" ] && echo yes)")
	np=$(m perq ns); ns=$(m shared ns)
	noise_row
	res=$(timing_verdict "$(calc "$ns / $np" 3)" "<=" 1.05 "$XH_TMPDIR/cmp.ratio.ns")
	better=$(better_words "$XH_TMPDIR/cmp.ratio.ns" lower)
	row "queues $CMP_QUEUES: receiver CPU per packet, shared / per-queue" \
	    "$ns vs $np ns = $(calc "$ns / $np" 3)x ($(rounds_text "$XH_TMPDIR/cmp.ratio.ns")); $better" \
	    "<= 1.05x" "$res" "$NOISE_TEXT"
	axes+=("cpu|$res|$([ "$better" = "shared better" ] && echo yes)")
	# Counts, not times: every burst lands whole between two drains.
	for b in 1 "$CMP_TRAIN"; do
		lp=$(m perq "b$b.lost"); ls=$(m shared "b$b.lost")
		if holds "$ls < $lp"; then better="shared better"; elif holds "$ls > $lp"; then better="per-queue better"; else better="even"; fi
		text="$ls vs $lp lost$(holds "$lp > 0" && echo " = $(calc "$ls / $lp" 3)x") (fill ring empty $(m shared "b$b.fill") vs $(m perq "b$b.fill")); the queue took $(m shared "b$b.took") vs $(m perq "b$b.took") of $(m shared "b$b.redir") vs $(m perq "b$b.redir"); $better"
		if [ "$b" = 1 ]; then
			# The first burst after start meets the pool's reserve (a
			# queue owns half an even share): its price, shown, not
			# judged; the train below counts it in its total.
			row "queues $CMP_QUEUES: $(burst_what "$b") just after start (info), lost, shared / per-queue" \
			    "$text" "- (the reserve's price: a queue starts with half a share)" "-"
			continue
		fi
		res=$(verdict "$ls <= $lp")
		row "queues $CMP_QUEUES: $(burst_what "$b"), lost, shared / per-queue" "$text" "<= 1.00x" "$res"
		axes+=("$b bursts|$res|$([ "$better" = "shared better" ] && echo yes)")
	done
	hp=$(m perq hwm); hs=$(m shared hwm)
	if holds "$hs < 0.98 * $hp"; then better="shared better"; elif holds "$hs > 1.02 * $hp"; then better="per-queue better"; else better="even (within 2%)"; fi
	mb_res=$(verdict "$hs <= $UMEM_BUDGET_KIB + $MEM_BASE_KIB + $CMP_QUEUES * $MEM_PER_QUEUE_KIB")
	row "queues $CMP_QUEUES: memory VmHWM, shared / per-queue" \
	    "$(calc "$hs / 1024") vs $(calc "$hp / 1024") MiB = $(calc "$hs / $hp" 3)x; $better" \
	    "shared <= $((UMEM_BUDGET_KIB / 1024)) + $((MEM_BASE_KIB / 1024)) + $CMP_QUEUES x $MEM_PER_QUEUE_KIB KiB" "$mb_res"
	axes+=("memory|$mb_res|$([ "$better" = "shared better" ] && echo yes)")
	if holds "$ks > $kp + 1024"; then better="per-queue better"; elif holds "$kp > $ks + 1024"; then better="shared better"; else better="even (within 1 MiB)"; fi
	res=$(verdict "$ks <= $kp + 1024")
	row "queues $CMP_QUEUES: kernel memory (SUnreclaim growth), shared / per-queue" \
	    "$(calc "$ks / 1024") vs $(calc "$kp / 1024") MiB; $better" "shared <= per-queue + 1 MiB" "$res"
	axes+=("kernel memory|$res|$([ "$better" = "shared better" ] && echo yes)")
	noise_row
	res=$(timing_verdict "$(m shared ready)" "<=" "$QUEUE_TIME_MAX_S" "$XH_TMPDIR/cmp.shared.ready")
	better=$(better_words "$XH_TMPDIR/cmp.ratio.ready" lower)
	row "queues $CMP_QUEUES: ready, shared / per-queue" \
	    "$(m shared ready) vs $(m perq ready) s = $(calc "$(m shared ready) / $(m perq ready)" 3)x ($(rounds_text "$XH_TMPDIR/cmp.ratio.ready")); $better" \
	    "shared <= $QUEUE_TIME_MAX_S s" "$res" "$NOISE_TEXT"
	axes+=("ready|$res|$([ "$better" = "shared better" ] && echo yes)")
	local said=""
	for v in "${axes[@]}"; do
		IFS='|' read -r key res better <<<"$v"
		said+="$key ${res%%:*}$([ "$better" = yes ] && echo " (shared better)"), "
	done
	# Shared would be the default if it were not worse on any axis and
	# better on one; per-queue is, so the data supports it when shared
	# misses somewhere.
	res=$(default_verdict "${axes[@]}")
	case $res in
	MISS*) res=PASS ;;
	PASS*) res="MISS: shared is not worse on any axis and better on one" ;;
	esac
	row "queues default --umem per-queue, supported by the data" "shared: ${said%, }" \
	    "shared worse on some axis" "$res"
}

bench_queues() {
	bench_queues_counts
	bench_queues_compare
}

# ---- the run -------------------------------------------------------------------------

print_table() {
	local fmt='%-62s %-78s %-15s %-26s %s\n'
	# shellcheck disable=SC2059 # one format for every line
	printf "$fmt" "benchmark" "measured" "target" "noise" "result"
	# shellcheck disable=SC2059
	printf "$fmt" "---------" "--------" "------" "-----" "------"
	while IFS='|' read -r name value target noise result; do
		# shellcheck disable=SC2059
		printf "$fmt" "$name" "$value" "$target" "$noise" "$result"
	done <"$ROWS"
	printf '%s targets met, %s missed, %s too noisy to judge, %s skipped; %s s on %s CPUs, kernel %s\n' \
		"$(grep -c '|PASS$' "$ROWS")" "$(grep -c '|MISS$' "$ROWS")" \
		"$(grep -c '|NOISY' "$ROWS")" "$(grep -c '|SKIP' "$ROWS")" "$(( $(date +%s) - START_S ))" \
		"$NCPUS" "$(uname -r)"
	printf 'load average at start %s, at end %s\n' "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

log "# xdp-hints benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), $NCPUS CPUs"
log "# commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
want() { [[ " $BENCH_PARTS " == *" $1 "* ]]; }
want decode && bench_decode
want rxpath && bench_rxpath
if want pps || want latency || want attribution || want memory || want stamp || want ab; then
	xh_setup bn 4
	xh_static_neigh
	want pps && bench_pps
	want latency && bench_latency
	want attribution && bench_attribution
	want memory && bench_memory
	want stamp && bench_stamp
	want ab && bench_ab
fi
# Its own veths, one queue count after another.
want queues && bench_queues

# The same rows as an Org table, for docs/benchmarks.org.
org_table() {
	echo "| benchmark | measured | target | noise | result |"
	echo "|-"
	sed -e 's/|/ | /g' -e 's/^/| /' -e 's/$/ |/' "$ROWS"
}

TABLE=$(print_table)
echo "$TABLE"
{
	cat "$RAW"
	echo
	echo "## table"
	echo "$TABLE"
	echo
	echo "## org"
	org_table
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS" && rm -f "$RAW"
echo "results: $RESULTS" >&2
if [ "$BENCH_UPDATE" = 1 ]; then
	# Paths relative to the checkout: the tracked file names no machine's.
	sed "s#$REPO_DIR/##g" "$RESULTS" >"$TRACKED_RESULTS" && echo "copied to $TRACKED_RESULTS" >&2
fi
