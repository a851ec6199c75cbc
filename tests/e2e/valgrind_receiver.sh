#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The receiver under valgrind's memcheck on a 4-queue veth with traffic:
# no invalid reads or writes, no use of uninitialised memory, no definite
# or indirect leak, on the normal path (--count reached, with interval
# reports) and on a late error path (zero-copy bind refused by veth after
# the program is loaded and the UMEMs exist).  tests/valgrind.supp holds
# the few known libbpf reports, matched narrowly; nothing else is hidden.
# (Not in the sanitized pass: valgrind cannot run ASan binaries.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

if ! command -v valgrind >/dev/null; then
	tap_result 0 "valgrind is not installed # SKIP"
	tap_finish
	exit 0
fi

COUNT=2000
VG_ERROR_RC=99
SUPP=$here/../valgrind.supp

xh_setup vg 4
xh_tmpdir

# Like xh_start_receiver, with valgrind in front.  The log is separate from
# the tool's stderr, so the ready line and error messages stay readable.
start_under_valgrind() { # log-file af_xdp_user options...
	local log=$1
	shift
	XH_RX_SEQ=$(( ${XH_RX_SEQ:-0} + 1 ))
	XH_RX_OUT=$XH_TMPDIR/rx$XH_RX_SEQ.out
	XH_RX_ERR=$XH_TMPDIR/rx$XH_RX_SEQ.err
	ip netns exec "$XH_NS_RX" valgrind --quiet --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode="$VG_ERROR_RC" --suppressions="$SUPP" --log-file="$log" \
		"$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" "$@" >"$XH_RX_OUT" 2>"$XH_RX_ERR" &
	XH_RX_PID=$!
	XH_RECEIVER_PIDS+=("$XH_RX_PID")
}

# memcheck's verdict from its log: with --quiet it holds only errors.
check_log() { # what log
	local what=$1 log=$2
	tap_is "$(grep -cE 'Invalid (read|write|free)|Mismatched free' "$log")" 0 \
		"$what: no invalid read, write or free"
	tap_is "$(grep -cE 'uninitialised|Uninitialised' "$log")" 0 \
		"$what: no use of uninitialised memory"
	tap_is "$(grep -cE '(definitely|indirectly) lost in' "$log")" 0 "$what: no definite or indirect leak"
	# valgrind 3.19 warns about bpf() commands it has no wrapper for
	# (BPF_LINK_CREATE, BPF_PROG_BIND_MAP): noise, not findings.
	if grep -qv 'WARNING: unhandled eBPF command' "$log"; then
		tap_diag "$what: valgrind log:"
		grep -v 'WARNING: unhandled eBPF command' "$log" | sed -n '1,40p' | sed 's/^/#   /'
	fi
}

# 1. The normal path: bind every queue, receive --count, report, exit.
what="--count $COUNT"
log=$XH_TMPDIR/vg-count.log
start_under_valgrind "$log" --json --interval 0.5 --count "$COUNT"
if xh_wait_ready 90; then
	tap_result 0 "$what: ready under valgrind"
	# 32 flows: the queue a flow lands on follows its hash, seeded per boot;
	# with 8 flows one of 4 queues stayed empty on about 4 x (3/4)^8 of boots.
	xh_send --flows 32 --count "$COUNT" --rate 10000 >/dev/null
	xh_wait_receiver 90
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 (valgrind reports errors with $VG_ERROR_RC)"
	FINAL=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"${FINAL:-{\}}")" "$COUNT" "$what: every packet received"
	tap_is "$(jq -r '[.queues[] | select(.packets > 0)] | length' <<<"${FINAL:-{\}}")" 4 \
		"$what: all 4 queues received"
else
	tap_result 1 "$what: ready under valgrind" "$(tr '\n' '|' <"$XH_RX_ERR")"
	xh_stop_receiver INT
fi
check_log "$what" "$log"

# 2. A late error: veth cannot bind zero-copy, after the BPF object is
# loaded and the first UMEM exists; everything must still be released.
what="zero-copy bind refused"
log=$XH_TMPDIR/vg-zc.log
start_under_valgrind "$log" --bind-mode zero-copy
xh_wait_receiver 90
tap_is "$XH_RX_RC" 1 "$what: exit status 1 (runtime error, no valgrind error)"
tap_grep "$XH_RX_ERR" '^af_xdp_user: .*zero-copy' "$what: says zero-copy is the cause"
check_log "$what" "$log"

tap_ok "no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
