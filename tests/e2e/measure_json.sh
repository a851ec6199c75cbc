#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Latency measurement output, parsed back: 4-queue veth, native XDP,
# --json with interval reports and --csv.  Every JSON line must parse;
# every latency object (per queue and total; all, same-core, remote-core)
# must have min <= p50 <= p90 <= p99 <= p999 <= max and avg within
# [min, max]; same- and remote-core counts must add up to the latency
# count.  The CSV must hold one valid line per packet received, agreeing
# with the JSON per queue and on the exact latency min and max.  Then
# the human table: percentile columns and the final terminal histogram.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v python3 >/dev/null || xh_die "'python3' is not installed"
xh_install_trap

FRAMES=3000
xh_setup mj 4
xh_tmpdir
CSV=$XH_TMPDIR/packets.csv

xh_start_receiver --xdp-mode native --json --interval 0.1 --csv "$CSV"
if xh_wait_ready; then
	tap_result 0 "receiver ready"
else
	tap_result 1 "receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	tap_finish
	exit
fi
sent=$(xh_send --flows 8 --count "$FRAMES" --rate 10000 --json | jq -r .sent)
tap_is "$sent" "$FRAMES" "sender sent every frame"
sleep 0.4
xh_stop_receiver INT
tap_is "$XH_RX_RC" 0 "exit status 0 after SIGINT"

# One check per line of output from the checker: "ok|fail<TAB>what<TAB>why".
check_json() {
	python3 - "$XH_RX_OUT" "$FRAMES" <<'PY'
import json, math, sys

path, frames = sys.argv[1], int(sys.argv[2])
# Strict JSON: Python (like jq) would accept NaN and Infinity, which JSON
# does not have.
def no_constant(name):
    raise ValueError("non-finite number " + name)
def finite(text):
    if not math.isfinite(float(text)):
        raise ValueError("number out of range " + text)
    return float(text)
def out(ok, what, why=""):
    print(("ok" if ok else "fail") + "\t" + what + "\t" + why)

lines = [l for l in open(path).read().splitlines() if l.strip()]
objs, bad = [], []
for n, l in enumerate(lines, 1):
    try:
        objs.append(json.loads(l, parse_constant=no_constant, parse_float=finite))
    except ValueError as e:
        bad.append("line %d: %s" % (n, e))
out(not bad and lines, "every stdout line is a JSON object", "; ".join(bad[:3]) or "no output")
types = [o.get("type") for o in objs]
out(types.count("final") == 1 and types[-1] == "final", "exactly one final report, last",
    str(types[-3:]))
out(types.count("interval") >= 2, "interval reports printed", "%d" % types.count("interval"))

keys = ("count", "min", "avg", "max", "p50", "p90", "p99", "p999")
order_bad, split_bad, shape_bad, avg_bad, absent_bad = [], [], [], [], []
def groups(o):
    """(where, stats) of every queue and total, interval and cumulative."""
    for prefix, part in [("", o)] + ([("cumulative ", o["cumulative"])] if "cumulative" in o else []):
        for q in part["queues"]:
            yield "%s%s q%d" % (prefix, o["type"], q["queue"]), q
        yield "%s%s total" % (prefix, o["type"]), part["total"]
for o in objs:
    for where, s in groups(o):
        counts = {}
        for name in ("latency_ns", "same_core_latency_ns", "remote_core_latency_ns"):
            l = s.get(name)
            if l is None:   # absent: no sample, never a summary of zeros
                counts[name] = 0
                continue
            if not isinstance(l, dict) or any(not isinstance(l.get(k), int) for k in keys):
                shape_bad.append("%s %s" % (where, name))
                continue
            counts[name] = l["count"]
            if l["count"] == 0:
                absent_bad.append("%s %s" % (where, name))
            seq = [l["min"], l["p50"], l["p90"], l["p99"], l["p999"], l["max"]]
            if seq != sorted(seq) or l["min"] <= 0:
                order_bad.append("%s %s %s" % (where, name, seq))
            if not l["min"] <= l["avg"] <= l["max"]:
                avg_bad.append("%s %s" % (where, name))
        sc, rc = counts.get("same_core_latency_ns", 0), counts.get("remote_core_latency_ns", 0)
        if sc + rc != counts.get("latency_ns", 0) or s["same_core"] + s["remote_core"] != s["packets"]:
            split_bad.append("%s: %d+%d vs %d" % (where, sc, rc, counts.get("latency_ns", 0)))
out(not shape_bad, "latency objects have count,min,avg,max,p50,p90,p99,p999", "; ".join(shape_bad[:3]))
out(not absent_bad, "a latency summary without samples is absent, not zeros", "; ".join(absent_bad[:3]))
out(not order_bad, "min <= p50 <= p90 <= p99 <= p999 <= max everywhere", "; ".join(order_bad[:3]))
out(not avg_bad, "avg within [min, max] everywhere", "; ".join(avg_bad[:3]))
out(not split_bad, "same-core + remote-core counts = latency count, and = packets",
    "; ".join(split_bad[:3]))
final = objs[-1]
out(final["total"]["packets"] == frames, "final report counts every frame",
    "%s" % final["total"]["packets"])
intervals = [o for o in objs if o["type"] == "interval"]
prev = -1
mono = True
for o in intervals:
    if o["cumulative"]["total"]["packets"] < prev:
        mono = False
    prev = o["cumulative"]["total"]["packets"]
out(mono, "cumulative totals of the interval reports never go down")
# Interval = interval: each report holds its own packets, and together
# with what came after the last one they make up the final count.
summed = sum(o["total"]["packets"] for o in intervals)
last_cum = intervals[-1]["cumulative"]["total"]["packets"] if intervals else 0
out(summed == last_cum, "interval packets add up to the cumulative count",
    "sum %d, cumulative %d" % (summed, last_cum))
out(last_cum <= final["total"]["packets"], "cumulative count <= final count",
    "%d vs %d" % (last_cum, final["total"]["packets"]))
bad_rate = [o["interval_index"] for o in intervals
            if abs(o["total"]["rx_pps"] - o["total"]["packets"] / o["interval_s"]) > 0.1 + 1e-3 * o["total"]["rx_pps"]]
out(not bad_rate, "interval rx_pps = the interval's packets / interval_s", str(bad_rate[:3]))
idx = [o["interval_index"] for o in intervals]
out(idx == list(range(len(idx))), "interval_index counts 0, 1, 2, ...", str(idx[:5]))
PY
}

check_csv() {
	python3 - "$XH_RX_OUT" "$CSV" <<'PY'
import json, sys

final = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
def out(ok, what, why=""):
    print(("ok" if ok else "fail") + "\t" + what + "\t" + why)

rows = open(sys.argv[2]).read().splitlines()
out(rows and rows[0] == "time_ns,queue,cpu,same_core,latency_ns,btf_id,layout",
    "CSV header line", rows[0] if rows else "empty file")
rows = rows[1:]
out(len(rows) == final["total"]["packets"], "one CSV line per packet received",
    "%d lines, %d packets" % (len(rows), final["total"]["packets"]))
bad, per_queue, lats, same = [], {}, [], 0
prev_t = {}
for n, r in enumerate(rows, 2):
    f = r.split(",")
    try:
        ok = (len(f) == 7 and all(x.isdigit() for x in f[:3] + f[4:6])
              and f[3] in ("0", "1") and int(f[1]) < 4 and int(f[4]) > 0
              and f[6] in ("xdp_hints_rx_time", "xdp_hints_rx_hw"))
    except ValueError:
        ok = False
    if not ok:
        bad.append("line %d: %r" % (n, r))
        continue
    q = int(f[1])
    per_queue[q] = per_queue.get(q, 0) + 1
    lats.append(int(f[4]))
    same += f[3] == "1"
    if int(f[0]) < prev_t.get(q, 0):
        bad.append("line %d: time goes back on queue %d" % (n, q))
    prev_t[q] = int(f[0])
out(not bad, "every CSV line: 7 columns, numbers, same_core 0/1, latency > 0, layout name",
    "; ".join(bad[:3]))
jq = {q["queue"]: q["packets"] for q in final["queues"] if q["packets"]}
out(per_queue == jq, "CSV lines per queue match the JSON report", "%s vs %s" % (per_queue, jq))
t = final["total"]
out(lats and min(lats) == t["latency_ns"]["min"] and max(lats) == t["latency_ns"]["max"],
    "CSV latency min and max equal the report's exact min and max",
    "%s..%s vs %s..%s" % (min(lats) if lats else "-", max(lats) if lats else "-",
                          t["latency_ns"]["min"], t["latency_ns"]["max"]))
out(same == t["same_core"], "CSV same-core lines equal the report's same_core",
    "%d vs %d" % (same, t["same_core"]))
PY
}

report_checks() { # lines of "ok|fail<TAB>what<TAB>why"
	local status what why
	while IFS=$'\t' read -r status what why; do
		[ -n "$status" ] || continue
		tap_result "$([ "$status" = ok ] && echo 0 || echo 1)" "$what" "$why"
	done
}

report_checks < <(check_json 2>&1 | sed 's/^Traceback.*/fail\tJSON checker crashed\t/')
report_checks < <(check_csv 2>&1 | sed 's/^Traceback.*/fail\tCSV checker crashed\t/')

# Human output: the latency table and, in the final report, the histogram.
xh_start_receiver --xdp-mode native --interval 0
if xh_wait_ready; then
	xh_send --flows 8 --count 500 --rate 10000 >/dev/null
	sleep 0.3
	xh_stop_receiver INT
	tap_grep "$XH_RX_OUT" '^queue +packets +rx_pps +xsk\.rx_dropped +xsk\.rx_ring_full +avg +p50 +p99 +max$' \
		"human report: per-queue summary with percentile columns"
	tap_grep "$XH_RX_OUT" '^total +500 ' "human report: total row counts every packet"
	tap_grep "$XH_RX_OUT" '^latency_ns histogram' "human final report: histogram title"
	tap_is "$(awk '/^latency_ns histogram/ { on = 1; next } /^[a-z]/ { on = 0 }
		on && /\| +[0-9]+$/ { sum += $NF } END { print sum + 0 }' "$XH_RX_OUT")" 500 \
		"human final report: histogram rows add up to every packet"
else
	tap_result 1 "human receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
