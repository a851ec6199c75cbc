#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What people and tools read: --help fits 80 columns, -q is quiet, the default and the
# --extended reports fit 100, -V names the tool's, libbpf's and libxdp's
# versions, the interface is accepted as a positional argument, "skb" is
# generic mode, interval reports hold the interval's own counts and rates
# (rx_pps within 10 % of a paced sender's rate), and every JSON key of a
# report is explained in the manual page's OUTPUT section.  The JSON lines
# are checked against the schema by xh_cleanup (scripts/netns_lib.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap
RX=$XH_BUILD/af_xdp_user
RATE=2000
SEND_S=4

max_width() { # file: the widest line in columns (UTF-8 aware)
	python3 -c 'import sys; print(max([len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$1"
}

xh_tmpdir
"$RX" --help >"$XH_TMPDIR/help" 2>&1
tap_is "$?" 0 "--help exits 0"
tap_cmp "$(max_width "$XH_TMPDIR/help")" -le 80 "--help fits 80 columns"
tap_grep "$XH_TMPDIR/help" '^Usage: af_xdp_user \[options\] IFNAME$' "--help: the interface is the argument"
version=$("$RX" -V 2>&1)
tap_is "$?" 0 "-V exits 0"
tap_ok "-V names the tool, libbpf and libxdp versions ('$version')" \
	grep -qE '^af_xdp_user [0-9]+\.[0-9]+\.[0-9]+ \(libbpf v?[0-9.]+, libxdp [0-9.]+' <<<"$version"
tap_is "$("$RX" --version 2>&1)" "$version" "--version is -V"
"$RX" --man >"$XH_TMPDIR/man" 2>&1
tap_grep "$XH_TMPDIR/man" '^\.SH OUTPUT$' "manual page has an OUTPUT section"
# The OUTPUT section as plain words (troff escapes of '-' removed).
sed -n '/^\.SH OUTPUT$/,/^\.SH EXIT/p' "$XH_TMPDIR/man" | sed 's/\\-/-/g' >"$XH_TMPDIR/man_output"

# Run the receiver with the interface as its positional argument.
start_positional() { # af_xdp_user options (the interface is added last)
	xh_tmpdir
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	ip netns exec "$XH_NS_RX" "$RX" "$@" "$XH_RX_DEV" >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

xh_setup fmt 4
xh_static_neigh

# ---- a paced sender: interval counts and rates -----------------------------
what="positional interface, --json --interval 0.5"
start_positional --xdp-mode native --json --interval 0.5
if xh_wait_ready; then
	sender=$(xh_send --flows 8 --count $((RATE * SEND_S)) --rate "$RATE" --json)
	sleep 0.8
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	final=$(xh_final_json)
	tap_is "$(jq -r .dev <<<"$final")" "$XH_RX_DEV" "$what: reports the interface given as argument"
	tap_is "$(jq -r .total.packets <<<"$final")" "$((RATE * SEND_S))" "$what: every frame received"
	sent_pps=$(jq -r .rate_pps <<<"$sender")
	# Intervals the sender covered from start to end: every non-empty one
	# but the first and the last.
	python3 - "$XH_RX_OUT" "$sent_pps" >"$XH_TMPDIR/rates" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
iv = [o for o in objs if o["type"] == "interval"]
busy = [o for o in iv if o["total"]["packets"] > 0][1:-1]
pk = sum(o["total"]["packets"] for o in busy)
secs = sum(o["interval_s"] for o in busy)
q = sum(sum(x["packets"] for x in o["queues"]) == o["total"]["packets"] for o in iv)
print(len(busy), round(pk / secs) if secs else 0,
      sum(o["total"]["packets"] for o in iv) == iv[-1]["cumulative"]["total"]["packets"] if iv else False,
      q == len(iv),
      max((abs(o["total"]["rx_pps"] * o["interval_s"] - o["total"]["packets"]) for o in iv), default=99))
PY
	read -r n_busy rx_pps summed queues_add rate_err <"$XH_TMPDIR/rates"
	tap_cmp "${n_busy:-0}" -ge 3 "$what: at least 3 intervals fully inside the sending"
	tap_diag "sender $sent_pps pps, receiver ${rx_pps:-?} pps over the middle intervals"
	tap_ok "$what: rx_pps of the intervals within 10 % of the sent rate ($rx_pps vs $sent_pps)" \
		awk -v r="${rx_pps:-0}" -v s="${sent_pps:-1}" 'BEGIN { exit !(r >= 0.9 * s && r <= 1.1 * s) }'
	tap_is "$summed" True "$what: interval packets add up to the cumulative count"
	tap_is "$queues_add" True "$what: each interval's queues add up to its total"
	tap_ok "$what: rx_pps x interval_s = the interval's packets (off by $rate_err)" \
		awk -v e="${rate_err:-99}" 'BEGIN { exit !(e < 1) }'
	tap_is "$(jq -r 'select(.type == "interval") | .cumulative.total.rx_pps | type' "$XH_RX_OUT" | sort -u)" \
		number "$what: cumulative rates are there too"
	# Every key of the final report is explained in the manual page.
	missing=""
	for key in $(jq -r '[paths(scalars) | map(select(type == "string")) | last] | unique | .[]' <<<"$final"); do
		case "$key" in xdp_hints_*) continue ;; esac
		grep -qw -- "$key" "$XH_TMPDIR/man_output" || missing+=" $key"
	done
	tap_is "${missing:-none}" none "every JSON key of the final report is in the manual page's OUTPUT"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- the final rx_pps: over the time the traffic came, not the run ----------
# 2000 frames at 1000 pps into a 5 s run: 1000 pps, not 2000 / 5 = 400.
what="--duration 5, 2000 frames at 1000 pps"
start_positional --xdp-mode native --json --duration 5
if xh_wait_ready; then
	xh_send --flows 8 --count 2000 --rate 1000 >/dev/null
	xh_wait_receiver 15
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	final_pps=$(xh_final_json | jq -r .total.rx_pps)
	tap_diag "final rx_pps $final_pps"
	tap_ok "$what: the final rx_pps is within 20 % of 1000 ($final_pps)" \
		awk -v r="${final_pps:-0}" 'BEGIN { exit !(r >= 800 && r <= 1200) }'
	tap_is "$(xh_final_json | jq '[.queues[] | select(.packets > 1 and .rx_pps < .packets / 3)] | length')" \
		0 "$what: each queue's final rx_pps is over its own receiving time (not the 5 s run)"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- human output: widths, units, the extended table -------------------------
what="default human output"
start_positional --xdp-mode skb --interval 0.2
if xh_wait_ready; then
	tap_grep "$XH_RX_ERR" 'ready: .* xdp generic ' "--xdp-mode skb: generic XDP"
	xh_send --flows 8 --count 1500 --rate 3000 >/dev/null
	sleep 0.5
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_cmp "$(max_width "$XH_RX_OUT")" -le 100 "$what: no line wider than 100 columns"
	tap_grep "$XH_RX_OUT" '^ +time_s +packets +rx_pps +xsk\.rx_dropped_pps +xsk\.rx_ring_full_pps +p50 +p99 +max$' \
		"$what: one header for the interval lines"
	tap_cmp "$(grep -cE '^ +[0-9]+\.[0-9] +[0-9]+ +[0-9]+ ' "$XH_RX_OUT")" -ge 3 "$what: one line per interval"
	tap_grep "$XH_RX_OUT" ' [0-9.]+ (ns|µs|ms|s)( |$)' "$what: latencies with units"
	tap_ok "$what: no raw nanosecond column" bash -c "! grep -qE '(min|avg|max|p[0-9]+)_ns' '$XH_RX_OUT'"
	tap_grep "$XH_RX_OUT" '^total +1500 ' "$what: the final summary counts every frame"
	tap_grep "$XH_RX_OUT" '^queue +packets +rx_pps +xsk\.rx_dropped +xsk\.rx_ring_full +avg +p50 +p99 +max$' \
		"$what: the final table's columns named like the JSON keys"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- a demo-like run: every line of stdout and stderr within 100 columns ----
# As scripts/demo.sh runs it (native, --layout alternate), with interval
# lines. --bind-mode copy: auto's fallback notice on veth (no zero-copy)
# is worded in common/receiver/receiver.c and is still wider.
what="demo-like run (native, --layout alternate)"
xh_start_receiver --xdp-mode native --layout alternate --bind-mode copy --interval 0.2
if xh_wait_ready; then
	xh_send --flows 8 --count 400 --rate 2000 >/dev/null
	sleep 0.5
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_cmp "$(max_width "$XH_RX_ERR")" -le 100 "$what: no stderr line wider than 100 columns (start-up lines too)"
	tap_cmp "$(max_width "$XH_RX_OUT")" -le 100 "$what: no stdout line wider than 100 columns"
	tap_grep "$XH_RX_OUT" '^ +[0-9.]+µs - +[0-9.]+(µs|ms) +\|' "$what: the histogram's times in µs"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

what="-e/--extended"
start_positional --xdp-mode native -e --interval 0.3
if xh_wait_ready; then
	xh_send --flows 8 --count 600 --rate 2000 >/dev/null
	sleep 0.5
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	tap_cmp "$(max_width "$XH_RX_OUT")" -le 100 "$what: no line wider than 100 columns"
	for row in packets rx_pps no_hint unknown_btf_id xdp.seen xdp.redirected xdp.passed \
		xsk.rx_dropped xsk.rx_ring_full xsk.rx_fill_ring_empty_descs drained_at_stop \
		clock_backwards latency_ns.p999; do
		tap_grep "$XH_RX_OUT" "^$row " "$what: row $row (the JSON key)"
	done
	tap_is "$(awk '/^final:/ { on = 1 } on && /^packets / { print $NF }' "$XH_RX_OUT")" 600 \
		"$what: final total of packets"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# ---- -e leaves idle queues out, --all-queues shows them ------------------------
# One flow: its frames arrive on one queue of the four (flow f on queue f mod 4).
for all in "" "--all-queues"; do
	what="-e ${all:-without --all-queues}, traffic on one queue"
	# shellcheck disable=SC2086 # $all: no option, or one
	start_positional --xdp-mode native -e --interval 0 $all
	if xh_wait_ready; then
		xh_send --flows 1 --count 100 --rate 2000 >/dev/null
		sleep 0.3
		xh_stop_receiver INT
		tap_is "$XH_RX_RC" 0 "$what: exit status 0"
		header=$(awk '/^final:/ { on = 1 } on && /^queue / { $1 = $1; print; exit }' "$XH_RX_OUT")
		busy=$(awk '/^final:/ { on = 1 } on && /^packets / { for (i = 2; i < NF; i++) if ($i > 0) print i - 1 }' "$XH_RX_OUT")
		if [ -z "$all" ]; then
			tap_is "$(wc -w <<<"$header")" 3 "$what: columns for the one busy queue and the total ($header)"
			tap_is "$(grep -c '^queues without traffic: .* (--all-queues shows them)$' "$XH_RX_OUT")" 1 \
				"$what: one line names the idle queues"
			tap_is "$(grep '^queues without traffic:' "$XH_RX_OUT" | grep -o '[0-9]' | wc -l)" 2 \
				"$what: the idle line names 3 queues as one range"
		else
			tap_is "$header" "queue 0 1 2 3 total" "$what: a column for every queue"
			tap_is "$(grep -c '^queues without traffic:' "$XH_RX_OUT")" 0 "$what: no idle line"
		fi
		tap_is "$(wc -l <<<"$busy")" 1 "$what: one queue column counted packets"
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
done

# ---- -q: errors only, not even the ready line ---------------------------------
what="-q"
start_positional -q --json --interval 0 --duration 0.5
xh_wait_receiver 20
tap_is "$XH_RX_RC" 0 "$what: exit status 0"
tap_is "$(wc -c <"$XH_RX_ERR")" 0 "$what: nothing on standard error"
tap_is "$(tail -n 1 "$XH_RX_OUT" | jq -r .type)" final "$what: the final report still on standard output"

# ---- scripts/experiment.sh --dev, as lesson 3 shows it -------------------------
what="experiment.sh --dev"
xh_send --flows 4 --count 8000 --rate 2000 >/dev/null &
send_pid=$!
ip netns exec "$XH_NS_RX" env BUILD="$XH_BUILD" "$here/../../scripts/experiment.sh" \
	--dev "$XH_RX_DEV" --seconds 1 --modes wakeup --out "$XH_TMPDIR/exp" \
	>"$XH_TMPDIR/exp.out" 2>"$XH_TMPDIR/exp.err"
tap_is "$?" 0 "$what: exit status 0"
wait "$send_pid"
tap_is "$(grep -cE '^wakeup cpu[0-9]+ +\|' "$XH_TMPDIR/exp/summary.txt" 2>/dev/null)" 2 \
	"$what: a row per receiver CPU"
for png in latency_percentiles latency_histogram latency_over_time; do
	tap_ok "$what: $png.png written" test -s "$XH_TMPDIR/exp/$png.png"
done

# ---- plot data: time order with --threads rows ---------------------------------
what="plot_latency_data.py"
{
	echo "time_ns,queue,cpu,same_core,latency_ns,btf_id,layout"
	# Two threads' rows, each in order, interleaved out of time order.
	for t in 3 1 4 2 0 5; do
		echo "$((1000000000 + t * 100000000)),$((t % 2)),0,1,$(( (t + 1) * 1000 )),5,xdp_hints_rx_time"
	done
	echo "1000000000,0,0,,,0,none"
} >"$XH_TMPDIR/threads.csv"
python3 "$here/../../scripts/plot_latency_data.py" "$XH_TMPDIR/threads.csv" "$XH_TMPDIR/pd" 0.1
tap_is "$?" 0 "$what: exit status 0"
tap_is "$(awk '{ print $1 }' "$XH_TMPDIR/pd.time" | tr '\n' ' ')" "0.0000 0.1000 0.2000 0.3000 0.4000 0.5000 " \
	"$what: windows in time order from the first packet"
tap_is "$(awk '{ print $4 }' "$XH_TMPDIR/pd.time" | tr '\n' ' ')" "1.0000 2.0000 3.0000 4.0000 5.0000 6.0000 " \
	"$what: each window's max is its packet (us)"
tap_is "$(tail -n 1 "$XH_TMPDIR/pd.pct" | awk '{ print $2 }')" 6.0000 "$what: the last percentile is the max"
tap_ok "$what: --help" bash -c "'$here/../../scripts/plot_latency.sh' --help | grep -q nines"

# ---- usage errors of the new forms -------------------------------------------
bad() { # description expected-regex options...
	local desc=$1 re=$2 err rc
	shift 2
	err=$("$RX" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -qE -- "$re" <<<"$err"; then
		tap_result 0 "usage error: $desc"
	else
		tap_result 1 "usage error: $desc" "exit $rc, stderr '$err'"
	fi
}
bad "two interfaces" "unexpected argument 'b'" a b
bad "no interface" "interface is required" --json
bad "--cpu-list range backwards" "ends before it starts" lo --threads --cpu-list 3-1

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
