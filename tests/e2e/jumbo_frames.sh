#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# AF_XDP multi-buffer (--frags) on a veth pair with MTU 9000, native XDP.
#
# Frames of 1500, 4000, 8000 and 9000 bytes, sent by xdp_hints_traffic
# --crc-trailer: a byte pattern ending in the CRC-32 of the frame before it,
# so the CRC-32 of every frame that arrives whole and unchanged is
# 0x2144df1c; --pkt-info on a multi-buffer socket prints each frame's
# length, buffer count and CRC-32. Checked: exact counts per size (--count
# stops at exactly the total), the buffer count of each size (one buffer
# holds frame size - 256 bytes), every byte of every frame (CRC), a hint
# decoded and timed in front of each frame, and the end-of-run identity in
# frames. Then the same with 2048-byte UMEM frames (more buffers per
# frame), with a thread per queue, and in generic mode; a 4-queue flood of
# 9000-byte frames stopped by a signal (exact accounting with frames in
# flight); and the single-buffer cases:
# --frags off in native mode is refused with the kernel's reason, and in
# generic mode jumbo frames pass to the kernel and are counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

PER_SIZE=40
SIZES="1500 4000 8000 9000"
MTU=9000
RESIDUE=0x2144df1c

jqf() { jq -r "$1" <<<"$FINAL"; }

setup_jumbo() { # tag queues
	xh_setup "$1" "$2"
	ip -n "$XH_NS_RX" link set "$XH_RX_DEV" mtu "$MTU" &&
		ip -n "$XH_NS_TX" link set "$XH_TX_DEV" mtu "$MTU" ||
		xh_die "cannot set MTU $MTU on $XH_RX_DEV/$XH_TX_DEV"
}

# Packet lines (JSON) of the receiver's output.
pkt_lines() {
	jq -c 'select(.type == "packet")' "$XH_RX_OUT"
}

sizes_case() { # xdp-mode frame-size [extra receiver options]
	local mode=$1 frame_size=$2 what cap total s bufs n
	shift 2
	what="MTU $MTU, $mode, ${frame_size}-byte UMEM frames${*:+ $*}"
	cap=$((frame_size - 256))
	total=0
	for s in $SIZES; do total=$((total + PER_SIZE)); done
	setup_jumbo "jf${mode:0:1}${frame_size:0:1}" 1

	xh_start_receiver --xdp-mode "$mode" --frame-size "$frame_size" --json --interval 0 \
		--pkt-info --count "$total" "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: receiver ready"
	tap_grep "$XH_RX_ERR" 'ready: .* buffers multi$' "$what: sockets bound multi-buffer"
	for s in $SIZES; do
		n=$(xh_send --count "$PER_SIZE" --size "$s" --crc-trailer --json | jq -r .sent)
		tap_is "$n" "$PER_SIZE" "$what: sent $PER_SIZE frames of $s bytes"
	done
	if ! xh_wait_receiver 20; then
		tap_result 1 "$what: --count $total ends the run by itself" "$(tail -n 3 "$XH_RX_ERR" | tr '\n' '|')"
	else
		tap_result 0 "$what: --count $total ends the run by itself"
	fi
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_is "$(jqf .multi_buffer)" true "$what: report says multi_buffer"
	tap_is "$(jqf .total.packets)" "$total" "$what: every frame received, counted once"
	tap_is "$(pkt_lines | wc -l)" "$total" "$what: one --pkt-info line per frame"
	for s in $SIZES; do
		bufs=$(( (s + cap - 1) / cap ))
		tap_is "$(pkt_lines | jq -r "select(.len == $s) | .bufs" | sort | uniq -c | awk '{print $1 "x" $2}')" \
			"${PER_SIZE}x$bufs" "$what: $PER_SIZE frames of $s bytes, each in $bufs buffer(s)"
	done
	tap_is "$(pkt_lines | jq -r "select(.crc32 != \"$RESIDUE\")" | wc -l)" 0 \
		"$what: every byte of every frame arrived (CRC-32 $RESIDUE)"
	tap_is "$(jqf .total.buffers)" "$(pkt_lines | jq -s 'map(.bufs) | add')" \
		"$what: buffers counted = the lines' buffer counts"
	tap_is "$(pkt_lines | jq -r 'select(.hint == null or .latency_ns == null)' | wc -l)" 0 \
		"$what: a hint decoded and a latency in every line"
	tap_is "$(jqf '.total.no_hint + .total.unknown_btf_id')" 0 "$what: every frame had a known hint"
	tap_is "$(jqf .total.latency_ns.count)" "$total" "$what: one latency sample per frame, not per buffer"
	tap_is "$(jqf .total.incomplete_frames)" 0 "$what: no incomplete frame"
	tap_is "$(jqf '[.queues[] | .xdp.redirected - .packets - .drained_at_stop - .incomplete_frames - .xsk.rx_dropped - .xsk.rx_ring_full] | map(select(. != 0)) | length')" 0 \
		"$what: redirected = packets + drained_at_stop + incomplete + socket drops"
	tap_ok "$what: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

# Frames in flight when the stop comes: drained whole, still counted in frames.
flood_case() {
	local what="MTU $MTU, native, 4 queues, 9000-byte frames stopped by SIGINT" final
	setup_jumbo jfl 4
	xh_start_receiver --xdp-mode native --json --interval 0
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: receiver ready"
	xh_send --flows 8 --count 200000 --size 9000 --crc-trailer >/dev/null 2>&1 &
	local sender=$!
	sleep 1
	xh_stop_receiver INT
	kill "$sender" 2>/dev/null
	wait "$sender" 2>/dev/null
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	FINAL=$(xh_final_json)
	tap_cmp "$(jqf .total.packets)" -gt 0 "$what: frames received"
	tap_is "$(jqf '.total.buffers == 3 * .total.packets')" true "$what: 3 buffers per frame"
	tap_is "$(jqf '[.queues[] | select(.xdp.redirected != .packets + .drained_at_stop + .incomplete_frames + .xsk.rx_dropped + .xsk.rx_ring_full)] | length')" 0 \
		"$what: redirected = packets + drained_at_stop + incomplete + socket drops, every queue"
	tap_ok "$what: no XDP program left after exit" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	xh_cleanup
}

# Single-buffer with an MTU that needs more: what the user is told / gets.
single_buffer_cases() {
	local what="MTU $MTU, --frags off" n
	setup_jumbo jfo 1
	xh_start_receiver --xdp-mode native --frags off --json --interval 0
	xh_wait_receiver 10
	tap_is "$XH_RX_RC" 1 "$what, native: refused with exit status 1"
	tap_grep "$XH_RX_ERR" 'MTU 9000 allows 9018-byte frames \(with a VLAN tag\), but a 4096-byte UMEM frame holds at most 3840' \
		"$what, native: says which frames a single buffer cannot hold"
	tap_grep "$XH_RX_ERR" 'attaching XDP.*--frags' "$what, native: the attach error points at --frags"
	tap_ok "$what, native: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'

	xh_start_receiver --xdp-mode generic --frags off --json --interval 0
	if ! xh_wait_ready; then
		tap_result 1 "$what, generic: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what, generic: receiver ready"
	n=$(xh_send --count 20 --size 1500 --json | jq -r .sent)
	n=$((n + $(xh_send --count 20 --size 9000 --json | jq -r .sent)))
	sleep 0.3
	xh_stop_receiver INT
	FINAL=$(xh_final_json)
	tap_is "$(jqf .multi_buffer)" false "$what, generic: report says single-buffer"
	tap_is "$(jqf .total.packets)" 20 "$what, generic: the 1500-byte frames arrive"
	tap_is "$(jqf '[.queues[].xsk.rx_dropped] | add')" 0 \
		"$what, generic: the socket drops nothing"
	tap_grep "$XH_RX_ERR" ': 20 frame\(s\) longer than the 3840 bytes a 4096-byte UMEM frame holds passed to the kernel' \
		"$what, generic: the 9000-byte frames passed to the kernel, counted and reported"
	tap_is "$(jqf '[.queues[] | select(.xdp.redirected != .packets + .drained_at_stop + .incomplete_frames + .xsk.rx_dropped + .xsk.rx_ring_full)] | length')" 0 \
		"$what, generic: every redirected frame accounted for"
	xh_cleanup
}

# A frame longer than the 16 KiB --pcapng gathers from its buffers: the
# file keeps 16384 bytes of it but says its true length (the EPB's original
# packet length), and the comment's len is the true length too, so the
# capture does not look complete. xdp_hints_traffic stops at 9014 bytes:
# the frame is built here (IPv4/UDP to port 9000).
long_frame_case() {
	local what="MTU 30000, native, --frags on, --pcapng: a 20000-byte frame" pcap fields
	if ! command -v tshark >/dev/null; then
		tap_result 0 "$what: tshark is not installed (Debian package tshark) # SKIP"
		return
	fi
	MTU=30000 setup_jumbo jfx 1
	xh_tmpdir
	pcap=$XH_TMPDIR/long.pcapng
	xh_start_receiver --xdp-mode native --frags on --json --interval 0 --count 1 \
		--pcapng "$pcap"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: receiver ready"
	ip netns exec "$XH_NS_TX" python3 - "$XH_TX_DEV" "$XH_RX_MAC" <<'PY'
import socket, struct, sys
dev, dst = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
payload = bytes(i & 0xff for i in range(20000 - 14 - 20 - 8))
udp = struct.pack("!HHHH", 9000, 9000, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([10, 77, 0, 2]), bytes([10, 77, 0, 1]))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16)
s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
frame = dst + bytes.fromhex("027868000002") + b"\x08\x00" + ip + udp
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((dev, 0))
sock.send(frame)
PY
	if ! xh_wait_receiver 10; then
		tap_result 1 "$what: --count 1 ends the run" "$(tail -n 3 "$XH_RX_ERR" | tr '\n' '|')"
	else
		tap_result 0 "$what: --count 1 ends the run"
	fi
	tap_is "$XH_RX_RC" 0 "$what: exit status 0"
	fields=$(tshark -r "$pcap" -T fields -E separator=, -e frame.len -e frame.cap_len \
		2>/dev/null)
	tap_is "$fields" "20000,16384" \
		"$what: pcapng original length 20000, captured length 16384"
	tap_is "$(tshark -r "$pcap" -T fields -e frame.comment 2>/dev/null | jq -r '"\(.len) \(.bufs)"')" \
		"20000 6" "$what: the comment's len is the frame's, 20000 bytes in 6 buffers"
	xh_cleanup
}

sizes_case native 4096
sizes_case native 2048
sizes_case native 4096 --frags on --threads
sizes_case generic 4096
flood_case
single_buffer_cases
long_frame_case

tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
