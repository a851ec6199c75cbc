#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --pcapng read back with Wireshark's tshark and capinfos: 4-queue veth,
# native XDP, --json --pkt-info beside the capture.  The file must hold
# one interface (IDB) per bound queue named IF@qN with nanosecond time
# resolution; exactly as many frames as the tool reports received; each
# frame on the interface of the queue its comment names; timestamps with
# 9 decimals, within the run's wall-clock start and end, equal to the
# hint's rx_ktime plus the CLOCK_REALTIME - CLOCK_MONOTONIC offset; and
# each comment a JSON object equal to a --pkt-info line the tool printed.
# Then --snaplen, frames without a hint (--layout none), and a file
# system that fills up (exit status 1, one message, run ended).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
for tool in tshark capinfos python3; do
	if ! command -v "$tool" >/dev/null; then
		tap_result 0 "$tool is not installed (Debian package tshark / python3) # SKIP"
		tap_finish
		exit
	fi
done
xh_install_trap

FRAMES=2000
xh_setup pc 4
xh_tmpdir
T=$XH_TMPDIR
PCAP=$T/capture.pcapng

wall_ns() { date +%s%N; }

# tshark warns when run as root; its fields go to stdout.
fields() { # file fields...
	local file=$1 f args=()
	shift
	for f in "$@"; do args+=(-e "$f"); done
	tshark -r "$file" -T fields -E separator=/t -E quote=n "${args[@]}" 2>/dev/null
}

report_checks() { # file label
	local status what why
	while IFS=$'\t' read -r status what why; do
		[ -n "$status" ] || continue
		if [ "$status" = ok ]; then tap_result 0 "$2: $what"; else tap_result 1 "$2: $what" "$why"; fi
	done <"$1"
}

# One capture of FRAMES frames over 4 queues, read back.
capture_case() { # label af_xdp_user options...
	local label=$1
	shift
	start_wall=$(wall_ns)
	xh_start_receiver --xdp-mode native --json --pkt-info --interval 0.2 --pcapng "$PCAP" "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$label: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_stop_receiver KILL
		return
	fi
	sent=$(xh_send --flows 8 --count "$FRAMES" --rate 5000 --json | jq -r .sent)
	tap_is "$sent" "$FRAMES" "$label: sender sent every frame"
	sleep 0.4
	xh_stop_receiver INT
	end_wall=$(wall_ns)
	tap_is "$XH_RX_RC" 0 "$label: exit status 0 after SIGINT"
	received=$(xh_final_json | jq -r .total.packets)
	tap_is "$received" "$FRAMES" "$label: the tool received every frame"

	idbs=$(capinfos -M "$PCAP" 2>/dev/null | grep -c 'Name = ')
	tap_is "$idbs" 4 "$label: capinfos: one interface description block per bound queue"
	names=$(capinfos -M "$PCAP" 2>/dev/null | sed -n 's/^ *Name = //p' | tr '\n' ' ')
	tap_is "$names" "${XH_RX_DEV}@q0 ${XH_RX_DEV}@q1 ${XH_RX_DEV}@q2 ${XH_RX_DEV}@q3 " \
		"$label: interfaces named IF@qN in queue order"
	tap_is "$(capinfos -M "$PCAP" 2>/dev/null | grep -c 'Time precision = nanoseconds (9)')" 4 \
		"$label: every interface has if_tsresol 9 (nanoseconds)"
	tap_is "$(fields "$PCAP" frame.number | wc -l)" "$received" \
		"$label: tshark: packet count equals the tool's received count"
	# One thread polls every queue: their frames merged in time order.
	# (--threads writes each queue's buffer as it fills: not asserted.)
	if [ "$label" = main ]; then
		tap_is "$(capinfos -o "$PCAP" 2>/dev/null | sed -n 's/^Strict time order: *//p')" True \
			"$label: capinfos -o: strict time order across the 4 queues"
		tap_cmp "$(fields "$PCAP" frame.interface_name | sort -u | wc -l)" -eq 4 \
			"$label: frames on all 4 queues"
	fi

	fields "$PCAP" frame.interface_name frame.time_epoch frame.len frame.cap_len frame.comment \
		>"$T/fields.tsv"
	python3 - "$T/fields.tsv" "$XH_RX_OUT" "$start_wall" "$end_wall" "$XH_RX_DEV" <<'PY' >"$T/checks"
import collections, json, re, sys, time

tsv, out, start, end, dev = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def res(ok, what, why=""):
    print(("ok" if ok else "fail") + "\t" + what + "\t" + why)

# The offset now; the tool's was sampled during the run: NTP may slew it
# by a few ms at most in between.
offset = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_MONOTONIC)
rows = [l.rstrip("\n").split("\t") for l in open(tsv) if l.strip()]
lines = [json.loads(l) for l in open(out) if l.strip()]
# "timestamp" is the wall-clock time the line was formatted: the comment
# and the --pkt-info line of one frame may straddle a millisecond.
def same_frame(o):
    return json.dumps({k: v for k, v in o.items() if k != "timestamp"}, sort_keys=True)
printed = collections.Counter(same_frame(o) for o in lines if o.get("type") == "packet")
bad_ts, bad_range, bad_iface, bad_json, bad_len, bad_offset = [], [], [], [], [], []
comments = collections.Counter()
for n, r in enumerate(rows, 1):
    if len(r) != 5:
        bad_json.append("frame %d: %r" % (n, r))
        continue
    iface, epoch, flen, caplen, comment = r
    if not re.fullmatch(r"\d+\.\d{9}", epoch):
        bad_ts.append("frame %d: %s" % (n, epoch))
        continue
    sec, frac = epoch.split(".")
    ts = int(sec) * 10**9 + int(frac)
    if not start <= ts <= end:
        bad_range.append("frame %d: %d not in [%d, %d]" % (n, ts, start, end))
    try:
        c = json.loads(comment.replace("\\\\", "\\"))
    except ValueError as e:
        bad_json.append("frame %d: %s: %r" % (n, e, comment[:80]))
        continue
    comments[same_frame(c)] += 1
    if iface != "%s@q%d" % (dev, c["queue"]):
        bad_iface.append("frame %d: %s, comment queue %d" % (n, iface, c["queue"]))
    if int(flen) != c["len"] or int(caplen) != c["len"]:
        bad_len.append("frame %d: len %s cap %s, comment %d" % (n, flen, caplen, c["len"]))
    rx_ktime = c.get("hint", {}).get("fields", {}).get("rx_ktime")
    if rx_ktime is None or abs(ts - rx_ktime - offset) > 50 * 10**6:
        bad_offset.append("frame %d: ts %d rx_ktime %s offset %d" % (n, ts, rx_ktime, offset))
res(not bad_ts, "every timestamp has 9 decimals", "; ".join(bad_ts[:3]))
res(not bad_range, "every timestamp lies between the run's start and end", "; ".join(bad_range[:3]))
res(not bad_offset, "timestamp = rx_ktime + (CLOCK_REALTIME - CLOCK_MONOTONIC), within 50 ms",
    "; ".join(bad_offset[:3]))
res(not bad_json and len(comments) > 0, "every comment is a JSON object", "; ".join(bad_json[:3]))
res(not bad_iface, "each frame is on the interface of its queue", "; ".join(bad_iface[:3]))
res(not bad_len, "whole frames captured (cap_len = len = the comment's len)", "; ".join(bad_len[:3]))
res(comments == printed, "the comments are exactly the --pkt-info JSON lines the tool printed",
    "%d comments, %d lines, %d differ" % (sum(comments.values()), sum(printed.values()),
                                          sum((comments - printed).values())))
ok_keys = all({"layout", "btf_id", "latency_ns", "hint"} <= set(json.loads(k)) for k in comments)
res(ok_keys, "each comment has the layout, btf_id, the fields and latency_ns")
PY
	report_checks "$T/checks" "$label"

}

capture_case main
capture_case threads --threads

# ---- --snaplen and frames without a hint ----------------------------------
PCAP2=$T/snap.pcapng
xh_start_receiver --xdp-mode native --json --layout none --count 100 --snaplen 42 --pcapng "$PCAP2"
if xh_wait_ready; then
	xh_send --flows 4 --count 100 --rate 5000 --size 200 >/dev/null
	xh_wait_receiver 10
	tap_is "$XH_RX_RC" 0 "--snaplen 42 --layout none --count 100: exit status 0"
	fields "$PCAP2" frame.len frame.cap_len frame.comment >"$T/snap.tsv"
	tap_is "$(wc -l <"$T/snap.tsv")" 100 "--snaplen: every frame captured"
	tap_is "$(awk -F'\t' '$1 == 200 && $2 == 42' "$T/snap.tsv" | wc -l)" 100 \
		"--snaplen 42: 42 bytes kept of each 200-byte frame, the original length recorded"
	tap_is "$(cut -f3 "$T/snap.tsv" | jq -c 'select(.layout == "none" and (has("latency_ns") | not))' | wc -l)" 100 \
		"frames without a hint: the comment says layout none, no latency"
else
	tap_result 1 "--snaplen receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
fi

# ---- a FIFO that tshark reads while the receiver writes ------------------
mkfifo "$T/live.fifo"
tshark -r "$T/live.fifo" -T fields -e frame.interface_name >"$T/live.out" 2>/dev/null &
reader=$!
xh_start_receiver --xdp-mode native --json --count 300 --pcapng "$T/live.fifo"
if xh_wait_ready; then
	xh_send --flows 8 --count 300 --rate 5000 >/dev/null
	xh_wait_receiver 10
	tap_is "$XH_RX_RC" 0 "--pcapng FIFO --count 300: exit status 0"
	for i in $(seq 100); do kill -0 "$reader" 2>/dev/null || break; sleep 0.05; done
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	tap_is "$(grep -c "^$XH_RX_DEV@q[0-3]\$" "$T/live.out")" 300 \
		"--pcapng FIFO: tshark reading the FIFO sees all 300 frames"
else
	tap_result 1 "--pcapng FIFO: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver KILL
	kill "$reader" 2>/dev/null
fi

# ---- --pcapng - : the capture on stdout, piped into tshark -r - -----------
# As tcpdump -w -: the reports move to stderr, stdout carries only pcapng.
# --duration 6, not --count: a writer gives a pipe up 1 s after its stop,
# and tshark, started beside the receiver, may take seconds to read.
( cd "$T" && ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --xdp-mode native --json \
	--interval 0 --duration 6 --pcapng - 2>"$T/stdout.err" |
	tshark -r - -T fields -e frame.interface_name >"$T/stdout.tsv" 2>/dev/null ) &
pipe_pid=$!
ready=1
for i in $(seq 200); do
	grep -q '^af_xdp_user: ready:' "$T/stdout.err" && { ready=0; break; }
	kill -0 "$pipe_pid" 2>/dev/null || break
	sleep 0.05
done
if [ "$ready" = 0 ]; then
	xh_send --flows 8 --count 300 --rate 5000 >/dev/null
	for i in $(seq 400); do kill -0 "$pipe_pid" 2>/dev/null || break; sleep 0.05; done
fi
wait "$pipe_pid"
tap_is "$ready" 0 "--pcapng -: receiver ready"
tap_is "$(grep -c "^$XH_RX_DEV@q[0-3]\$" "$T/stdout.tsv")" 300 \
	"--pcapng - | tshark -r -: tshark counts all 300 frames sent"
tap_is "$(grep '^{' "$T/stdout.err" | jq -r 'select(.type == "final") | .total.packets')" 300 \
	"--pcapng -: the final report goes to stderr"
tap_is "$(ls "$T" | grep -cx -- -)" 0 "--pcapng -: no file named - created"

# ---- SIGINT while open() waits for a FIFO nobody reads ---------------------
mkfifo "$T/nobody.fifo"
xh_start_receiver --xdp-mode native --pcapng "$T/nobody.fifo"
sleep 1
stop_start=$(date +%s%N)
xh_stop_receiver INT
tap_is "$XH_RX_RC" 0 "SIGINT while --pcapng waits for a FIFO's reader: exit status 0"
tap_cmp "$(( ($(date +%s%N) - stop_start) / 1000000 ))" -lt 3000 \
	"SIGINT while --pcapng waits for a FIFO's reader: ends at once"

# ---- a file system that fills up during the run ---------------------------
for threads in "" "--threads"; do
	what="--pcapng on a full file system${threads:+ with $threads}"
	mnt=$T/small$RANDOM
	mkdir -p "$mnt"
	# A private mount namespace: the 256 KiB tmpfs vanishes with it.
	# shellcheck disable=SC2086
	ip netns exec "$XH_NS_RX" unshare -m sh -c "mount -t tmpfs -o size=256k tmpfs '$mnt' && exec '$XH_BUILD/af_xdp_user' --dev '$XH_RX_DEV' --xdp-mode native --json --interval 0 --duration 30 $threads --pcapng '$mnt/c.pcapng'" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	XH_RECEIVER_PIDS+=("$pid")
	ready=1
	for i in $(seq 200); do
		grep -q '^af_xdp_user: ready:' "$T/err" && { ready=0; break; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ "$ready" = 0 ]; then
		# Megabytes of frames: the 1 MiB per-queue buffers go out mid-run.
		xh_send --flows 8 --count 40000 --rate 50000 --size 1000 -q >/dev/null 2>&1
		for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			tap_result 1 "$what: the write error ends the run" "still running"
		else
			tap_result 0 "$what: the write error ends the run"
		fi
		wait "$pid"
		tap_is "$?" 1 "$what: exit status 1"
		tap_is "$(grep -c "^af_xdp_user: --pcapng $mnt/c.pcapng: writing: No space left on device\$" "$T/err")" 1 \
			"$what: one message naming the file and the cause"
		tap_is "$(jq -r 'select(.type == "final") | .type' "$T/out")" final \
			"$what: the final report is still printed"
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	tap_ok "$what: no XDP program left" bash -c "! ip -n '$XH_NS_RX' -d link show dev '$XH_RX_DEV' | grep -q 'prog/xdp'"
done

tap_finish
