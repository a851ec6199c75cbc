#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Output that fails or blocks. A report or a --csv record that cannot be
# written (standard output closed, /dev/full, a pipe whose reader left, a
# full file system) is one message naming the file and the cause, and
# exit status 1. A stop signal ends the run wherever the receiver waits:
# in open() of a FIFO nobody opens, in a write to a pipe or FIFO nobody
# reads; the process is gone within about a second and leaves no XDP
# program behind. A file that fills up is cut back to its last whole pcapng
# block or CSV line (readable to its end). --pcapng and --csv never follow
# a symbolic link. Packet lines and CSV records of several receive threads
# never interleave.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

xh_setup of 4
xh_tmpdir
T=$XH_TMPDIR

# An array, not a function: "$!" of a backgrounded function would be a
# subshell, which a SIGINT does not reach.
RX=(ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --xdp-mode native)
no_xdp_left() { ! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"; }
ms_now() { date +%s%3N; }

# Start "$@" in the background with stdout/stderr as given by the caller,
# wait for the ready line in $T/err.
wait_ready_file() { # pid
	local i
	for i in $(seq 200); do
		grep -q '^af_xdp_user: ready:' "$T/err" 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Send SIGINT to @pid (a child of this shell) and wait for it; sets
# STOP_RC and STOP_MS. SIGKILL after 5 s.
interrupt() { # pid
	local start i
	start=$(ms_now)
	kill -INT "$1"
	for i in $(seq 250); do
		[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && { sleep 0.02; continue; }
		break
	done
	STOP_MS=$(( $(ms_now) - start ))
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && kill -KILL "$1"
	wait "$1"
	STOP_RC=$?
}

# The kernel releases a closed AF_XDP socket's queue a moment after the
# process is gone: the next receiver must not find it still bound.
next_case() {
	local i
	for i in $(seq 40); do
		no_xdp_left && break
		sleep 0.05
	done
	sleep 0.3
}

# ---- standard output closed, full, or a pipe without a reader ---------------
"${RX[@]}" --json --duration 3 >&- 2>"$T/err"
tap_is "$?" 1 "stdout closed: exit status 1"
tap_grep "$T/err" '^af_xdp_user: standard output is closed' "stdout closed: says so"
next_case
tap_ok "stdout closed: no XDP program left" no_xdp_left

what="stdout is /dev/full"
"${RX[@]}" --json --interval 0.1 --duration 5 >/dev/full 2>"$T/err" &
pid=$!
start=$(ms_now)
wait "$pid"
rc=$?
tap_is "$rc" 1 "$what: exit status 1"
tap_cmp "$(( $(ms_now) - start ))" -lt 4000 "$what: the first failed interval report ends the run"
tap_is "$(grep -c 'writing the report to standard output: No space left on device' "$T/err")" 1 \
	"$what: one message naming the output and the cause"
next_case
tap_ok "$what: no XDP program left" no_xdp_left

what="stdout is a pipe whose reader left"
start=$(ms_now)
"${RX[@]}" --json --interval 0.1 --duration 5 2>"$T/err" | true
rc=${PIPESTATUS[0]}
tap_is "$rc" 1 "$what: exit status 1 (SIGPIPE does not kill it silently)"
tap_cmp "$(( $(ms_now) - start ))" -lt 4000 "$what: ends the run at once"
tap_grep "$T/err" 'writing the report to standard output: Broken pipe' "$what: names the cause"
next_case
tap_ok "$what: no XDP program left" no_xdp_left

# ---- --csv on a file system that fills up during the run --------------------
for threads in "" "--threads"; do
	what="--csv on a full file system${threads:+ with $threads}"
	mnt=$T/small$RANDOM
	mkdir -p "$mnt"
	# A private mount namespace: the 64 KiB tmpfs vanishes with it.
	# shellcheck disable=SC2086
	ip netns exec "$XH_NS_RX" unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$mnt' && exec '$XH_BUILD/af_xdp_user' --dev '$XH_RX_DEV' --xdp-mode native --json --interval 0 --duration 20 $threads --csv '$mnt/p.csv'" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	if wait_ready_file "$pid"; then
		# Megabytes of records: the per-queue buffers go out mid-run.
		xh_send --flows 8 --count 100000 --rate 100000 -q >/dev/null 2>&1
		start=$(ms_now)
		for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			tap_result 1 "$what: the write error ends the run" "still running"
		else
			tap_result 0 "$what: the write error ends the run"
		fi
		wait "$pid"
		tap_is "$?" 1 "$what: exit status 1"
		tap_is "$(grep -c "^af_xdp_user: --csv $mnt/p.csv: writing: No space left on device\$" "$T/err")" 1 \
			"$what: one message naming the file and the cause"
		tap_ok "$what: the final report is still printed" jq -e 'select(.type == "final")' "$T/out"
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	next_case
tap_ok "$what: no XDP program left" no_xdp_left
done

# ---- --pcapng / --csv on a file system that fills up: readable to the end ----
# The file is cut back to its last whole block or line (ftruncate), so
# tshark reads the capture to its end and the CSV ends in a whole row. The
# tmpfs (3 MiB: room for a few of the 1 MiB per-queue buffers, then one
# that fits in part) lives in a private mount namespace: the file is copied
# out before it goes.
for opt in --pcapng --csv; do
	what="$opt on a full file system: the file stays readable"
	mnt=$T/small$RANDOM
	mkdir -p "$mnt"
	rm -f "$T/full.out"
	ip netns exec "$XH_NS_RX" unshare -m sh -c "mount -t tmpfs -o size=3m tmpfs '$mnt' &&
		'$XH_BUILD/af_xdp_user' --dev '$XH_RX_DEV' --xdp-mode native --json --interval 0 \
			--duration 20 $opt '$mnt/f'; rc=\$?; cp '$mnt/f' '$T/full.out'; exit \$rc" \
		>"$T/out" 2>"$T/err" &
	pid=$!
	if wait_ready_file "$pid"; then
		xh_send --flows 8 --count 100000 --rate 100000 -q >/dev/null 2>&1
		for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		kill -0 "$pid" 2>/dev/null && kill -INT "$pid"
		wait "$pid"
		tap_is "$?" 1 "$what: exit status 1"
		tap_grep "$T/err" "^af_xdp_user: $opt $mnt/f: writing: No space left on device\$" \
			"$what: says the file system is full"
		size=$(stat -c %s "$T/full.out" 2>/dev/null || echo 0)
		tap_cmp "$size" -gt 1000000 "$what: the file holds the buffers that fitted ($size bytes)"
		if [ "$opt" = --pcapng ]; then
			if ! command -v tshark >/dev/null; then
				tap_result 0 "$what: tshark is not installed (Debian package tshark) # SKIP"
			else
				tshark -r "$T/full.out" >/dev/null 2>"$T/tshark.err"
				tap_result $? "$what: tshark reads the capture to its end" \
					"$(head -c 300 "$T/tshark.err" | tr '\n' '|')"
			fi
			tap_is "$(python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
pos = 0
while pos + 12 <= len(b):
    n = struct.unpack_from("<I", b, pos + 4)[0]
    if n < 12 or pos + n > len(b) or struct.unpack_from("<I", b, pos + n - 4)[0] != n:
        break
    pos += n
print(len(b) - pos)' "$T/full.out")" 0 "$what: the file ends at the end of a whole block"
		else
			tap_is "$(tail -c 1 "$T/full.out" | od -An -c | tr -d ' ')" '\n' \
				"$what: the CSV ends with a newline"
			tap_is "$(tail -n +2 "$T/full.out" | grep -cvE '^[0-9]+,[0-3],[0-9]+,[01]?,[0-9]*,[0-9]+,[a-z_]+$')" 0 \
				"$what: every CSV row is whole"
		fi
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	next_case
done

# ---- --pcapng / --csv never follow a symbolic link ---------------------------
# A link planted in a world-writable sticky directory (another user's: here
# nobody's) at the name root is told to write, pointing at root's file:
# refused with one line, the file untouched. Also a link of root's own in a
# plain directory: O_NOFOLLOW refuses any link as the last component.
sticky=$T/sticky
mkdir -m 1777 "$sticky"
echo precious >"$T/victim"
ln -s "$T/victim" "$sticky/link"
chown -h nobody "$sticky/link" 2>/dev/null
ln -s "$T/victim" "$T/own_link"
for opt in --pcapng --csv; do
	for link in "$sticky/link" "$T/own_link"; do
		what="$opt $link (a symbolic link to root's file)"
		timeout 30 "${RX[@]}" --duration 1 "$opt" "$link" >/dev/null 2>"$T/err"
		tap_is "$?" 1 "$what: exit status 1"
		# The kernel may refuse the other user's link first (EACCES):
		# either way, one line, naming the path.
		if [ "$link" = "$T/own_link" ]; then
			cause="it is a symbolic link: not followed"
		else
			cause="(it is a symbolic link: not followed|Permission denied)"
		fi
		tap_is "$(grep -cE "^af_xdp_user: $opt $link: cannot create the file: $cause" "$T/err")" 1 \
			"$what: one line naming the path and the cause"
		tap_is "$(cat "$T/victim")" precious "$what: the file it points to is untouched"
		next_case
	done
done

# ---- a stop signal wherever the receiver waits ------------------------------
what="SIGINT while open() waits for a FIFO's reader"
mkfifo "$T/nobody.fifo"
"${RX[@]}" --json --csv "$T/nobody.fifo" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
interrupt "$pid"
tap_is "$STOP_RC" 0 "$what: exit status 0"
tap_cmp "$STOP_MS" -lt 1500 "$what: gone within a second (${STOP_MS} ms)"
next_case
tap_ok "$what: no XDP program left" no_xdp_left

# The receiver writes to a FIFO whose reader never reads (stdout or
# --csv, as @where says); @frames fill it; SIGINT must still end the run.
interrupt_stuck_writer() { # what where(stdout|csv) frames receiver-options...
	local what=$1 where=$2 frames=$3 fifo reader pid
	shift 3
	fifo=$T/stuck$RANDOM.fifo
	mkfifo "$fifo"
	sleep 60 <"$fifo" &
	reader=$!
	if [ "$where" = stdout ]; then
		"${RX[@]}" "$@" >"$fifo" 2>"$T/err" &
	else
		"${RX[@]}" "$@" --csv "$fifo" >"$T/out" 2>"$T/err" &
	fi
	pid=$!
	if wait_ready_file "$pid"; then
		xh_send --flows 8 --count "$frames" --rate 100000 -q >/dev/null 2>&1
		sleep 0.5
		interrupt "$pid"
		tap_cmp "$STOP_MS" -lt 1800 "$what: gone within about a second (${STOP_MS} ms)"
		tap_ok "$what: ended by the signal, not killed" test "$STOP_RC" -lt 128
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
		kill -KILL "$pid" 2>/dev/null
	fi
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	next_case
	tap_ok "$what: no XDP program left" no_xdp_left
}

# Far more than a pipe holds: the receiver blocks writing.
interrupt_stuck_writer "SIGINT while stdout is a pipe nobody reads" stdout 3000 \
	--json --pkt-info --interval 0
interrupt_stuck_writer "SIGINT while stdout is a pipe nobody reads (--threads)" stdout 3000 \
	--json --pkt-info --interval 0 --threads
interrupt_stuck_writer "SIGINT while --csv is a FIFO nobody reads (--threads)" csv 20000 \
	--json --interval 0 --threads

# A second stop signal ends the process at once (128 + SIGINT); the
# kernel still releases the bpf_link with it.
what="two SIGINTs while stdout is a pipe nobody reads"
fifo=$T/twice.fifo
mkfifo "$fifo"
sleep 60 <"$fifo" &
reader=$!
"${RX[@]}" --json --pkt-info --interval 0 --threads >"$fifo" 2>"$T/err" &
pid=$!
if wait_ready_file "$pid"; then
	xh_send --flows 8 --count 3000 --rate 100000 -q >/dev/null 2>&1
	sleep 0.5
	kill -INT "$pid"
	# Two signals sent at once may merge into one pending signal.
	sleep 0.1
	kill -INT "$pid"
	wait "$pid"
	tap_is "$?" 130 "$what: exit status 130 (the second one ends it at once)"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
	kill -KILL "$pid" 2>/dev/null
fi
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
next_case
tap_ok "$what: no XDP program left" no_xdp_left

# ---- --duration and --count end the run while an output stalls ------------
# A consumer that stopped (SIGSTOP): at the end of the run the output gets
# the 1 s grace, then it is given up with one line naming it and the bytes
# not written; the process is gone about a second after the end.
stalled_case() { # what output(stdout|--csv|--pcapng) limit-options...
	local what=$1 out=$2 fifo reader pid rc start ms
	shift 2
	fifo=$T/stall$RANDOM.fifo
	mkfifo "$fifo"
	cat "$fifo" >/dev/null &
	reader=$!
	if [ "$out" = stdout ]; then
		"${RX[@]}" --json --pkt-info --interval 0 "$@" >"$fifo" 2>"$T/err" &
	else
		"${RX[@]}" --json --interval 0 "$out" "$fifo" "$@" >/dev/null 2>"$T/err" &
	fi
	pid=$!
	if wait_ready_file "$pid"; then
		kill -STOP "$reader"
		start=$(ms_now)
		xh_send --flows 8 --count 3000 --rate 100000 -q >/dev/null 2>&1
		for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
		ms=$(( $(ms_now) - start ))
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			tap_result 1 "$what: the run ends by itself" "still running after $ms ms"
		else
			tap_result 0 "$what: the run ends by itself ($ms ms after the traffic began)"
		fi
		wait "$pid"
		rc=$?
		tap_is "$rc" 0 "$what: exit status 0"
		name=$out
		[ "$out" = stdout ] && name="standard output" || name="$out $fifo"
		tap_is "$(grep -cE "^af_xdp_user: $name: nobody read it: given up 1 s after the stop, [1-9][0-9]* byte\(s\) not written\$" "$T/err")" 1 \
			"$what: one line naming the output and the bytes not written"
	else
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	kill -KILL "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	rm -f "$fifo"
	next_case
	tap_ok "$what: no XDP program left" no_xdp_left
}
stalled_case "--pkt-info --duration 2, stdout a FIFO whose reader stopped" stdout --duration 2
stalled_case "--csv FIFO whose reader stopped, --duration 2" --csv --duration 2
stalled_case "--pcapng FIFO whose reader stopped, --duration 2" --pcapng --duration 2
stalled_case "--csv FIFO whose reader stopped, --count 3000" --csv --count 3000

# A FIFO nobody opens: said once, and --duration ends the wait.
for opt in --csv --pcapng; do
	what="$opt FIFO that no reader opens, --duration 2"
	fifo=$T/noreader$RANDOM.fifo
	mkfifo "$fifo"
	start=$(ms_now)
	timeout 20 "${RX[@]}" --json --interval 0 --duration 2 "$opt" "$fifo" >/dev/null 2>"$T/err"
	rc=$?
	ms=$(( $(ms_now) - start ))
	tap_is "$rc" 1 "$what: exit status 1"
	tap_cmp "$ms" -lt 5000 "$what: ends at --duration ($ms ms)"
	tap_is "$(grep -c "^af_xdp_user: $opt $fifo: a FIFO no reader has open: waiting for one (at most --duration)\$" "$T/err")" 1 \
		"$what: says once that it waits for a reader"
	tap_is "$(grep -c "^af_xdp_user: $opt $fifo: no reader opened the FIFO within --duration\$" "$T/err")" 1 \
		"$what: says --duration ran out"
	rm -f "$fifo"
	next_case
	tap_ok "$what: no XDP program left" no_xdp_left
done

# ---- lines of several threads never interleave ------------------------------
what="--threads --pkt-info --json and --csv through pipes"
mkfifo "$T/lines.fifo" "$T/rows.fifo"
cat <"$T/lines.fifo" >"$T/lines" &
cat_lines=$!
cat <"$T/rows.fifo" >"$T/rows" &
cat_rows=$!
"${RX[@]}" --json --pkt-info --interval 0 --threads --count 8000 --csv "$T/rows.fifo" \
	>"$T/lines.fifo" 2>"$T/err" &
pid=$!
if wait_ready_file "$pid"; then
	xh_send --flows 8 --count 8000 --rate 0 -q >/dev/null 2>&1
	for i in $(seq 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$pid" 2>/dev/null && kill -INT "$pid"
	wait "$pid"
	tap_is "$?" 0 "$what: exit status 0"
	wait "$cat_lines" "$cat_rows"
	tap_is "$(grep -vc '^{' "$T/lines")" 0 "$what: every stdout line starts a JSON object"
	tap_is "$(python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1]):
    try:
        json.loads(line)
    except ValueError:
        bad += 1
print(bad)' "$T/lines")" 0 "$what: every stdout line is one whole JSON object"
	tap_is "$(grep -c '"type":"packet"' "$T/lines")" 8000 "$what: one packet line per packet"
	tap_is "$(tail -n +2 "$T/rows" | grep -cvE '^[0-9]+,[0-3],[0-9]+,[01]?,[0-9]*,[0-9]+,[a-z_]+$')" 0 \
		"$what: every CSV row is whole"
	tap_is "$(( $(wc -l <"$T/rows") - 1 ))" 8000 "$what: one CSV row per packet"
else
	tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$T/err")"
	kill -KILL "$pid" "$cat_lines" "$cat_rows" 2>/dev/null
fi

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
