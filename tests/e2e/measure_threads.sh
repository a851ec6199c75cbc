#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --threads: one receive thread per queue on a 4-queue veth.  The exact
# number of frames sent must be received (each thread counts its own
# queue; the main thread merges at report time), interval reports taken
# from the threads' snapshots must parse and never go backwards, the CSV
# (shared file, per-thread buffers) must hold one whole line per packet,
# --count must stop all threads, and spin mode must work the same way.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

FRAMES=4000
xh_setup mt 4
xh_tmpdir

# Every line strict JSON: jq reads inf and nan as numbers, JSON has neither.
strict_json_lines() { # file
	python3 -c '
import json, math, sys
def no_constant(name):
    raise ValueError("non-finite number " + name)
def finite(text):
    if not math.isfinite(float(text)):
        raise ValueError("number out of range " + text)
    return float(text)
for line in open(sys.argv[1]):
    json.loads(line, parse_constant=no_constant, parse_float=finite)
' "$1"
}

run_case() { # what extra-options...
	local what=$1 final csv=$XH_TMPDIR/threads$RANDOM.csv
	shift
	xh_start_receiver --xdp-mode native --threads --json --interval 0.1 --csv "$csv" "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_grep "$XH_RX_ERR" '4 receive thread\(s\) started' "$what: one thread per queue"
	tap_cmp "$(ls /proc/"$XH_RX_PID"/task | wc -l)" -ge 5 "$what: the process runs main + 4 threads"
	tap_is "$(xh_send --flows 16 --count "$FRAMES" --rate 20000 --json | jq -r .sent)" "$FRAMES" \
		"$what: sender sent every frame"
	sleep 0.4
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 after SIGINT"
	final=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"$final")" "$FRAMES" "$what: exactly every frame received"
	tap_is "$(jq -r '[.queues[].packets] | add' <<<"$final")" "$FRAMES" "$what: per-queue counts add up"
	tap_is "$(jq -r '[.queues[] | select(.packets > 0)] | length' <<<"$final")" 4 \
		"$what: every queue's thread received"
	tap_is "$(jq -r '.total.latency_ns.count' <<<"$final")" "$FRAMES" "$what: one latency per frame"
	tap_ok "$what: every line parses as strict JSON (no NaN or Infinity)" strict_json_lines "$XH_RX_OUT"
	tap_cmp "$(jq -r 'select(.type == "interval") | .type' "$XH_RX_OUT" | wc -l)" -ge 2 \
		"$what: interval reports printed during the run"
	tap_is "$(jq -s '[.[] | select(.type == "interval" or .type == "final") | (.cumulative // .).total.packets] as $p | [range(1; $p | length) | select($p[.] < $p[. - 1])] | length' "$XH_RX_OUT")" 0 \
		"$what: interval totals never go backwards"
	tap_is "$(( $(wc -l <"$csv") - 1 ))" "$FRAMES" "$what: CSV holds one line per frame"
	tap_is "$(tail -n +2 "$csv" | grep -cvE '^[0-9]+,[0-3],[0-9]+,[01],[0-9]+,[0-9]+,xdp_hints_rx_(time|hw)$')" 0 \
		"$what: every CSV line whole and valid (no interleaving between threads)"
}

run_case "--threads wakeup"
run_case "--threads spin" --spin
run_case "--threads --cpu-list 0,1" --cpu-list 0,1

# --count with threads: every thread stops, the process exits by itself.
xh_start_receiver --xdp-mode native --threads --json --interval 0 --count 1000
if xh_wait_ready; then
	xh_send --flows 16 --count 1000 --rate 20000 >/dev/null
	if xh_wait_receiver 10; then
		tap_result 0 "--threads --count 1000: exits by itself"
	else
		tap_result 1 "--threads --count 1000: exits by itself" "still running after 10 s"
	fi
	tap_is "$XH_RX_RC" 0 "--threads --count: exit status 0"
	tap_is "$(xh_final_json | jq -r .total.packets)" 1000 "--threads --count: total 1000"
else
	tap_result 1 "--threads --count: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
