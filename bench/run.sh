#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make bench: every benchmark of the project, one table, each figure next
# to its target with PASS or MISS. Raw output of every step goes to
# $BENCH_RESULTS (the table is at its end): by default
# $BUILD/bench/results/latest.txt, outside the tracked tree, so a run on a
# busy machine does not rewrite the numbers README.org quotes; `make
# bench-record` writes bench/results/latest.txt on purpose.
#
#   BUILD=/abs/build/dir [BENCH_RESULTS=FILE] bench/run.sh
#
# 1. decode    instructions per hint decode under callgrind (no hardware
#              counters here), only the decode loop counted (--toggle-collect)
# 2. rx pps    AF_XDP receive rate of af_xdp_user, layout none vs rx-time,
#              frames injected with BPF_PROG_TEST_RUN live frames, native and
#              generic XDP, copy mode; a,b alternated, medians compared
# 3. latency   XDP->application p50/p99 of af_xdp_user vs bench_min_rx at a
#              paced 20k pps, spin and wakeup mode
# 4. memory    VmRSS per queue for several --frames settings
#
# Times are only compared as ratios measured back to back in this run; the
# absolute numbers depend on the machine. The namespaces it creates are
# removed on every exit path (trap).
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
: "${BUILD:?BUILD must name the absolute build directory}"
RESULTS=${BENCH_RESULTS:-$BUILD/bench/results/latest.txt}
BPF_OBJ=$BUILD/af_xdp_kern.bpf.o
INJECT_SECONDS=${INJECT_SECONDS:-0.7}
PPS_ROUNDS=${PPS_ROUNDS:-7}
# A subset, for working on one benchmark: BENCH_PARTS="decode pps latency memory"
BENCH_PARTS=${BENCH_PARTS:-decode pps latency memory}
LAT_RATE=20000
LAT_SECONDS=1.5
LAT_ROUNDS=${LAT_ROUNDS:-3}
MEM_FRAMES="1024 4096 16384"
# The injector gets one CPU, the receiver the other (2-core machine).
CPU_INJECT=0
CPU_RX=1

# shellcheck source=scripts/netns_lib.sh
. "$REPO_DIR/scripts/netns_lib.sh"
xh_require af_xdp_user bench/bench_decode bench/bench_inject bench/bench_min_rx
command -v valgrind >/dev/null || xh_die "valgrind is not installed (./configure --install-deps)"
command -v taskset >/dev/null || xh_die "taskset is not installed"
xh_install_trap
xh_tmpdir
# Kept when a step fails (the message names it); renamed to latest.txt at the end.
RAW=$RESULTS.partial
mkdir -p "$(dirname "$RESULTS")"
ROWS=$XH_TMPDIR/rows.txt
: >"$RAW"
: >"$ROWS"
START_S=$(date +%s)
# Times are only as good as the machine is quiet: the load is in the footer.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "$*" >>"$RAW"; }
say() { echo "bench: $*" >&2; log "## $*"; }
# Floating point in the shell's stead.
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
# PASS when the awk condition holds.
verdict() { awk "BEGIN { exit !($1) }" && echo PASS || echo MISS; }
row() { printf '%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" >>"$ROWS"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; else print 0 }'; }

# A trial may fail for reasons outside it (the machine is shared): one more
# try, with the first failure's receiver output kept in the raw log.
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
	for v in loop direct member field by_name registry tool; do
		ir=$(callgrind_count "$v") || xh_die "callgrind failed for variant $v"
		[ -n "$ir" ] || xh_die "no 'Collected' line from callgrind for variant $v"
		per_decode[$v]=$(calc "$ir / $DECODES" 1)
		log "decode $v: $ir instructions, ${per_decode[$v]} per decode"
	done
	local a=${per_decode[direct]}
	row "decode (a) direct C struct" "$a instr/decode" "reference" "-"
	for v in "member:(b) field_member+XSK_BTF_READ_INTO:1.2" \
		 "field:(b) resolve_field+xsk_hint_field__u64:1.2" \
		 "by_name:(c) xsk_btf__read_field by name:3" \
		 "registry:(d) registry__dispatch+all fields:1.5"; do
		IFS=: read -r key label target <<<"$v"
		per=${per_decode[$key]}
		ratio=$(calc "$per / $a")
		row "decode $label" "$per instr (${ratio}x)" "<= ${target}x (a)" \
		    "$(verdict "$ratio <= $target")"
	done
	per=${per_decode[tool]}
	row "decode af_xdp_user hint_decoder (info)" "$per instr ($(calc "$per / $a")x)" "-" "-"
	row "decode loop alone, in every figure (info)" "${per_decode[loop]} instr" "-" "-"
}

# ---- receiver helpers --------------------------------------------------------

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

# ---- 2. receive throughput -----------------------------------------------------

# One trial; prints the received packets per second (receiver count / time
# the injector ran).
# --hw-hints off everywhere: the injector feeds frames through
# BPF_PROG_TEST_RUN, which cannot run a device-bound (RX-metadata) program.
pps_trial() { # xdp-mode layout
	local out=$XH_TMPDIR/pps.out err=$XH_TMPDIR/pps.err inj packets secs
	start_rx "$out" "$err" '^af_xdp_user: ready:' "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" \
		--xdp-mode "$1" --bind-mode copy --spin --layout "$2" --hw-hints off --json --interval 0 ||
		return 1
	# Live frames always arrive as rx_queue_index 0 (see below): one queue.
	inj=$(inject --queues 1 --seconds "$INJECT_SECONDS") || { xh_stop_receiver INT; return 1; }
	log "pps $1 $2: program alone $(inject --prog-cost --repeat 1000000)"
	sleep 0.2 # let the receiver drain its rings
	xh_stop_receiver INT
	packets=$(jq -r 'select(.type == "final") | .total.packets' "$out")
	secs=$(jq -r '.elapsed_s' <<<"$inj")
	log "pps $1 $2: injector $inj"
	log "pps $1 $2: receiver $(jq -c 'select(.type == "final") | {total: .total.packets, queues: [.queues[] | {q: .queue, p: .packets, xdp: .xdp, xsk: .xsk}]}' "$out")"
	[ -n "$packets" ] && [ "$packets" -gt 0 ] || return 1
	calc "$packets / $secs" 0
}

bench_pps() {
	local mode round layout p a b ratio
	say "rx pps: af_xdp_user --spin, copy mode, BPF_PROG_TEST_RUN live frames for ${INJECT_SECONDS}s, $PPS_ROUNDS rounds of (none, rx-time)"
	log "Live frames: the kernel registers its own rxq with queue index 0 for the"
	log "injected frames, so they all reach queue 0 whatever ctx_in says; the"
	log "receiver still binds all $XH_QUEUES queues. The program runs in the injecting"
	log "thread's context, so the XDP attach mode changes the attachment, not"
	log "the path injected frames take."
	for mode in native generic; do
		: >"$XH_TMPDIR/pps.none"
		: >"$XH_TMPDIR/pps.rx-time"
		: >"$XH_TMPDIR/pps.ratio"
		for round in $(seq "$PPS_ROUNDS"); do
			for layout in none rx-time; do
				p=$(retry pps_trial "$mode" "$layout") || xh_die "rx pps trial $mode/$layout failed (see $RAW)"
				log "pps $mode $layout round $round: $p"
				echo "$p" >>"$XH_TMPDIR/pps.$layout"
			done
			# Each b against the a run just before it: slow drifts cancel.
			calc "$p / $(tail -n 1 "$XH_TMPDIR/pps.none")" 4 >>"$XH_TMPDIR/pps.ratio"
			echo >>"$XH_TMPDIR/pps.ratio"
		done
		a=$(median <"$XH_TMPDIR/pps.none")
		b=$(median <"$XH_TMPDIR/pps.rx-time")
		ratio=$(median <"$XH_TMPDIR/pps.ratio")
		log "pps $mode: per-round ratios b/a $(tr '\n' ' ' <"$XH_TMPDIR/pps.ratio"), median $ratio"
		row "rx pps $mode (a) layout none, median" "$(calc "$a / 1e6") Mpps" "reference" "-"
		row "rx pps $mode (b) layout rx-time, median" \
		    "$(calc "$b / 1e6") Mpps ($(calc "$ratio")x)" \
		    ">= 0.90x (a)" "$(verdict "$ratio >= 0.9")"
	done
}

# ---- 3. latency -------------------------------------------------------------------

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

# The tool's JSON has count/min/avg/max; when it has no percentiles they
# come from its --pkt-info lines (one per packet, latency taken before the
# line is printed; at 20k pps packets are 50 us apart, so printing one
# does not delay the next).
lat_tool() { # spin|wakeup
	local out=$XH_TMPDIR/lat.out err=$XH_TMPDIR/lat.err spin=() final p50 p99 avg
	[ "$1" = spin ] && spin=(--spin)
	start_rx "$out" "$err" '^af_xdp_user: ready:' "$BUILD/af_xdp_user" --dev "$XH_RX_DEV" \
		--xdp-mode native --bind-mode copy "${spin[@]}" --layout rx-time --hw-hints off --json \
		--pkt-info --interval 0 || return 1
	inject --rate "$LAT_RATE" --seconds "$LAT_SECONDS" >>"$RAW" || return 1
	sleep 0.1
	xh_stop_receiver INT
	final=$(jq -c 'select(.type == "final") | .total' "$out")
	log "latency tool $1: $final"
	avg=$(jq -r '.latency_ns.avg' <<<"$final")
	p50=$(jq -r '.latency_ns.p50 // empty' <<<"$final")
	p99=$(jq -r '.latency_ns.p99 // empty' <<<"$final")
	if [ -z "$p50" ]; then
		echo "p50/p99 from --pkt-info lines (final JSON has avg only)" >"$XH_TMPDIR/lat.source"
		jq -r 'select(.type == "packet") | .latency_ns // empty' "$out" | sort -n >"$XH_TMPDIR/lat.sorted"
		p50=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) * 0.5)] + 0 }' "$XH_TMPDIR/lat.sorted")
		p99=$(awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999); print v[i] + 0 }' "$XH_TMPDIR/lat.sorted")
	else
		echo "p50/p99 from the final JSON" >"$XH_TMPDIR/lat.source"
	fi
	echo "$p50 $p99 $avg"
}

bench_latency() {
	local rxm round m t mp50s tp50s
	say "latency: XDP->application at a paced $LAT_RATE pps (live frames, one per call), native XDP, $LAT_ROUNDS rounds of (minimal, tool)"
	for rxm in spin wakeup; do
		: >"$XH_TMPDIR/lat.m"
		: >"$XH_TMPDIR/lat.t"
		for round in $(seq "$LAT_ROUNDS"); do
			m=$(retry lat_min "$rxm") || xh_die "latency run of bench_min_rx ($rxm) failed (see $RAW)"
			t=$(retry lat_tool "$rxm") || xh_die "latency run of af_xdp_user ($rxm) failed (see $RAW)"
			log "latency $rxm round $round: minimal p50/p99/avg $m; tool $t ($(cat "$XH_TMPDIR/lat.source"))"
			echo "$m" >>"$XH_TMPDIR/lat.m"
			echo "$t" >>"$XH_TMPDIR/lat.t"
		done
		mp50s=$(cut -d' ' -f1 "$XH_TMPDIR/lat.m" | median)
		tp50s=$(cut -d' ' -f1 "$XH_TMPDIR/lat.t" | median)
		row "latency $rxm minimal p50 / p99" \
		    "$(calc "$mp50s / 1000" 1) / $(calc "$(cut -d' ' -f2 "$XH_TMPDIR/lat.m" | median) / 1000" 1) us" \
		    "reference" "-"
		row "latency $rxm af_xdp_user p50 / p99" \
		    "$(calc "$tp50s / 1000" 1) / $(calc "$(cut -d' ' -f2 "$XH_TMPDIR/lat.t" | median) / 1000" 1) us ($(calc "$tp50s / $mp50s")x p50)" \
		    "p50 <= 1.10x min" "$(verdict "$tp50s / $mp50s <= 1.1")"
		row "latency $rxm avg tool / minimal (info)" \
		    "$(calc "$(cut -d' ' -f3 "$XH_TMPDIR/lat.t" | median) / 1000" 1) / $(calc "$(cut -d' ' -f3 "$XH_TMPDIR/lat.m" | median) / 1000" 1) us" \
		    "-" "-"
	done
	log "latency: tool $(cat "$XH_TMPDIR/lat.source")"
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

# ---- the run -------------------------------------------------------------------------

print_table() {
	local line
	printf '%-46s %-34s %-18s %s\n' "benchmark" "measured" "target" "result"
	printf '%-46s %-34s %-18s %s\n' "---------" "--------" "------" "------"
	while IFS='|' read -r name value target result; do
		printf '%-46s %-34s %-18s %s\n' "$name" "$value" "$target" "$result"
	done <"$ROWS"
	line=$(grep -c '|PASS$' "$ROWS")
	printf '%s targets met, %s missed; %s s on %s CPUs, kernel %s\n' "$line" \
		"$(grep -c '|MISS$' "$ROWS")" "$(( $(date +%s) - START_S ))" "$(nproc)" "$(uname -r)"
	printf 'load average at start %s, at end %s (other work on the machine skews pps and latency)\n' \
		"$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

log "# xdp-hints benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), $(nproc) CPUs"
log "# commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
want() { [[ " $BENCH_PARTS " == *" $1 "* ]]; }
want decode && bench_decode
if want pps || want latency || want memory; then
	xh_setup bn 4
	want pps && bench_pps
	want latency && bench_latency
	want memory && bench_memory
fi

TABLE=$(print_table)
echo "$TABLE"
{
	cat "$RAW"
	echo
	echo "## table"
	echo "$TABLE"
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS" && rm -f "$RAW"
echo "raw output: $RESULTS" >&2
