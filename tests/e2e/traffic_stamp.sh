#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# xdp_hints_traffic --stamp-tx and --mix on a veth pair, checked at the
# receiving end with tests/helpers/tx_stamp_capture (AF_PACKET, every
# frame through tx_stamp_parse() of headers/tx_stamp.h):
#   UDP with --mix 0x891d:5   exactly frames 5, 10, ... are raw 0x891d, the
#                             rest UDP; every stamp parses, seq 0..N-1 in
#                             order, CLOCK_MONOTONIC, sent before received
#   --mix TYPE:1              every frame is the mixed type
#   --ethertype --vlan, tai   raw tagged frames carry CLOCK_TAI stamps
#   no --stamp-tx             frames carry no stamp (-ENOMSG)
#   bad input                 exit 2 with one line naming option and cause
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require xdp_hints_traffic tests/helpers/tx_stamp_capture
xh_install_trap

xh_setup ts 1
# No ARP between the two: the capture takes the sender's frames only.
xh_static_neigh
xh_tmpdir
CAP=$XH_TMPDIR/cap.txt
CAP_ERR=$XH_TMPDIR/cap.err
SEND_ERR=$XH_TMPDIR/send.err
PCF=891d
ENOMSG=42

# Capture COUNT frames from the sender while it sends them; CAP holds
# one line per frame (see tx_stamp_capture).
capture() { # count xdp_hints_traffic-options...
	local count=$1 pid i
	shift
	rm -f "$CAP" "$CAP_ERR"
	ip netns exec "$XH_NS_RX" "$XH_BUILD/tests/helpers/tx_stamp_capture" "$XH_RX_DEV" \
		"$XH_TX_MAC" "$count" 10000 >"$CAP" 2>"$CAP_ERR" &
	pid=$!
	for i in $(seq 100); do
		grep -q ready "$CAP_ERR" 2>/dev/null && break
		sleep 0.05
	done
	xh_send --count "$count" --rate 20000 --json "$@" >/dev/null 2>"$SEND_ERR"
	SEND_RC=$?
	wait "$pid"
}

# 1. UDP with every 5th frame a PCF, monotonic stamps.
what="UDP, --stamp-tx, --mix 0x$PCF:5"
capture 100 --stamp-tx --mix "0x$PCF:5"
tap_is "$SEND_RC" 0 "$what: the sender succeeds"
tap_is "$(wc -l <"$CAP")" 100 "$what: 100 frames captured"
tap_is "$(awk -v t=$PCF '($1 == t) != (NR % 5 == 0)' "$CAP" | wc -l)" 0 \
	"$what: exactly every 5th frame is 0x$PCF, the others not"
tap_is "$(awk '$1 == "0800"' "$CAP" | wc -l)" 80 "$what: the other 80 are IPv4"
tap_is "$(awk '$2 != 0' "$CAP" | wc -l)" 0 "$what: every stamp parses"
tap_is "$(awk '$3 != NR - 1' "$CAP" | wc -l)" 0 "$what: seq 0..99, in order"
tap_is "$(awk '$4 != 1' "$CAP" | wc -l)" 0 "$what: clock monotonic"
tap_is "$(awk '!($5 > 0 && $5 <= $6 && $6 - $5 < 1000000000)' "$CAP" | wc -l)" 0 \
	"$what: sent before received, less than 1 s before"
tap_is "$(awk -v t=$PCF '($1 == t && $7 != 14) || ($1 == "0800" && $7 != 42)' "$CAP" | wc -l)" 0 \
	"$what: the stamp after the Ethernet header (raw) or the UDP header"
tap_is "$(awk 'NR > 1 && $5 < prev { n++ } { prev = $5 } END { print n + 0 }' "$CAP")" 0 \
	"$what: send times do not go back"

# 2. N = 1: all mixed.
what="--mix 0x88b5:1"
capture 20 --stamp-tx --mix 0x88b5:1
tap_is "$(awk '$1 == "88b5" && $2 == 0' "$CAP" | wc -l)" 20 "$what: every frame is 0x88b5, stamped"

# 3. Raw tagged frames, TAI.
what="--ethertype 0x$PCF --vlan 7 --stamp-tx tai"
capture 20 --ethertype "0x$PCF" --vlan 7 --stamp-tx tai
tap_is "$(awk '$2 == 0 && $4 == 2' "$CAP" | wc -l)" 20 "$what: 20 stamps of clock tai"
tap_is "$(awk '$3 != NR - 1' "$CAP" | wc -l)" 0 "$what: seq 0..19"

# 4. Without --stamp-tx there is no stamp.
what="no --stamp-tx"
capture 10 --mix "0x$PCF:2"
tap_is "$(awk -v e=-$ENOMSG '$2 == e' "$CAP" | wc -l)" 10 "$what: no frame has a stamp"
tap_is "$(awk -v t=$PCF '$1 == t' "$CAP" | wc -l)" 5 "$what: --mix alone still mixes"

# 5. Bad input: exit 2, one line naming the option and the cause.
bad() { # description regex xdp_hints_traffic-options...
	local what="bad input: $1" regex=$2 rc
	shift 2
	ip netns exec "$XH_NS_TX" "$XH_BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --count 1 "$@" >/dev/null 2>"$SEND_ERR"
	rc=$?
	tap_is "$rc" 2 "$what: exit 2"
	if [ "$(wc -l <"$SEND_ERR")" -eq 1 ] && grep -qE -- "^xdp_hints_traffic: .*($regex)" "$SEND_ERR"; then
		tap_result 0 "$what: one line"
	else
		tap_result 1 "$what: one line" "got '$(tr '\n' '|' <"$SEND_ERR")'"
	fi
}
bad "--mix 0x0500:3" "--mix.*0x0600" --mix 0x0500:3
bad "--mix 0x891d:0" "--mix.*N >= 1" --mix 0x891d:0
bad "--mix 0x891d" "--mix.*ETHERTYPE:N" --mix 0x891d
bad "--mix pcf:3" "--mix.*ethertype" --mix pcf:3
bad "--stamp-tx=utc" "--stamp-tx.*monotonic or tai" --stamp-tx=utc
bad "--stamp-tx --size 60" "--stamp-tx needs --size 66" --stamp-tx --size 60
bad "--stamp-tx --arp" "--stamp-tx needs UDP or --ethertype" --stamp-tx --arp
bad "--mix with --runt" "--mix needs UDP or --ethertype" --mix 0x891d:2 --runt

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
