#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Bad input to af_xdp_user (and to xdp_hints_traffic): every case must
# exit non-zero (2 for usage errors, 1 for runtime errors), print exactly
# one line on stderr, "af_xdp_user: ...", that names the cause, and leave
# no XDP program on the interface.  Also: an interface that already has an
# XDP program (a running receiver's bpf_link, or a netlink attachment) and
# zero-copy, which veth cannot do.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

xh_setup b 4
xh_tmpdir
ERR=$XH_TMPDIR/bad.err
OUT=$XH_TMPDIR/bad.out

# Run the receiver in the receiver's namespace and check how it fails.
# A usage error (rc 2) must be the only line on stderr.  A runtime error
# (rc 1) may follow start-up information at the default verbosity, so it
# must be the last line there, and the only line with -q (errors only).
# expected_rc "12" means 1 or 2 (the contract leaves the class open).
# XDP_CHECK=0 skips the "no XDP program left" check (another receiver runs).
run_rx() { # args...
	timeout 20 ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" "$@" >"$OUT" 2>"$ERR"
}

one_line_matches() { # file regex
	[ "$(wc -l <"$1")" -eq 1 ] && grep -qE -- "$2" "$1"
}

expect_fail() { # description expected_rc stderr_regex args...
	local what=$1 want=$2 regex="^af_xdp_user: .*($3)" rc
	shift 3
	run_rx "$@"
	rc=$?
	if [ "${#want}" -gt 1 ]; then
		if [[ "$want" == *"$rc"* ]]; then
			tap_result 0 "$what: exit status $rc"
		else
			tap_result 1 "$what: exit status" "expected one of $want got $rc"
		fi
	else
		tap_is "$rc" "$want" "$what: exit status"
	fi
	if [ "$rc" = 2 ]; then
		tap_ok "$what: one line on stderr naming the cause" one_line_matches "$ERR" "$regex"
	else
		if tail -n 1 "$ERR" | grep -qE -- "$regex"; then
			tap_result 0 "$what: last stderr line names the cause"
		else
			tap_result 1 "$what: last stderr line names the cause" \
				"expected /$regex/ got: $(head -c 400 "$ERR" | tr '\n' '|')"
		fi
		run_rx -q "$@"
		tap_ok "$what: with -q exactly that one line" one_line_matches "$ERR" "$regex"
	fi
	[ "${XDP_CHECK:-1}" = 0 ] ||
		tap_ok "$what: no XDP program left" eval '! xh_xdp_attached "$XH_NS_RX" "$XH_RX_DEV"'
	[ "$(wc -l <"$ERR")" -eq 1 ] || tap_diag "stderr: $(tr '\n' '|' <"$ERR")"
}

D=$XH_RX_DEV

# ---- usage errors: exit 2 ---------------------------------------------------
expect_fail "no options" 2 '--dev'
expect_fail "missing --dev" 2 '--dev.*required|required.*--dev' --count 5
expect_fail "--dev without a value" 2 'dev.*(needs|requires|missing).*argument' --dev
expect_fail "unknown option" 2 'unknown option.*--bogus' --dev "$D" --bogus
expect_fail "stray argument" 2 "unexpected argument.*stray" --dev "$D" stray
expect_fail "--queue negative" 2 'queue.*-1' --dev "$D" --queue -1
expect_fail "--queue non-numeric" 2 "queue.*'abc'.*not a number" --dev "$D" --queue abc
expect_fail "--queue overflow" 2 'queue.*out of range' --dev "$D" --queue 99999999999999999999999
expect_fail "--frames not a power of two" 2 'frames.*power of two' --dev "$D" --frames 100
expect_fail "--frames too small" 2 'frames.*out of range' --dev "$D" --frames 32
expect_fail "--frames too large" 2 'frames.*out of range' --dev "$D" --frames 2097152
expect_fail "--frame-size 3000" 2 'frame-size.*2048 or 4096' --dev "$D" --frame-size 3000
expect_fail "--xdp-mode unknown" 2 "xdp-mode.*'turbo'" --dev "$D" --xdp-mode turbo
expect_fail "--bind-mode unknown" 2 "bind-mode.*'fast'" --dev "$D" --bind-mode fast
expect_fail "--layout unknown" 2 "layout.*'fancy'" --dev "$D" --layout fancy
expect_fail "--filter-udp-port 0" 2 'filter-udp-port.*out of range' --dev "$D" --filter-udp-port 0
expect_fail "--filter-udp-port 65536" 2 'filter-udp-port.*out of range' --dev "$D" --filter-udp-port 65536
expect_fail "--filter-udp-port negative" 2 'filter-udp-port.*-5' --dev "$D" --filter-udp-port -5
expect_fail "--filter-ethertype below 0x0600" 2 'filter-ethertype.*out of range' --dev "$D" --filter-ethertype 0x0500
expect_fail "--filter-ethertype above 0xffff" 2 'filter-ethertype.*out of range' --dev "$D" --filter-ethertype 0x10000
expect_fail "--filter-ethertype non-numeric" 2 'filter-ethertype.*not a number' --dev "$D" --filter-ethertype ip
expect_fail "-u and -e together" 2 'conflict' --dev "$D" -u 9000 -E 0x891d
expect_fail "--count 0" 2 'count.*out of range' --dev "$D" --count 0
expect_fail "--count negative" 2 'count.*-1' --dev "$D" --count -1
expect_fail "--count overflow" 2 'count.*out of range' --dev "$D" --count 18446744073709551616
expect_fail "--duration non-numeric" 2 "duration.*'soon'" --dev "$D" --duration soon
expect_fail "--duration negative" 2 'duration.*-3' --dev "$D" --duration -3
expect_fail "--interval too small" 2 'interval.*out of range' --dev "$D" --interval 0.0001

# ---- runtime errors: exit 1 (name format: 1 or 2) ----------------------------
expect_fail "unknown interface" 1 'xhnosuch0: no such interface' --dev xhnosuch0
expect_fail "empty interface name" 12 'empty' --dev ""
expect_fail "16-character interface name" 12 'longer than|too long' --dev xh0123456789abcd
expect_fail "--queue beyond the queue count" 1 "queue 4 does not exist.*4 RX queue" --dev "$D" --queue 4
# 6.3+: refused before the bind, from the driver's xdp-features (netdev
# netlink family); before: the bind's EOPNOTSUPP.
zc_refusal="$D queue [0-9]+: cannot bind AF_XDP socket in zero-copy mode: its driver \\(veth\\) lacks zero-copy support"
IFS=. read -r kmajor kminor _ <<<"$(uname -r)"
if [ "$kmajor" -gt 6 ] || { [ "$kmajor" = 6 ] && [ "${kminor%%[!0-9]*}" -ge 3 ]; }; then
	zc_refusal="$D: cannot bind AF_XDP sockets in zero-copy mode: driver veth: xdp-features lack xsk-zerocopy"
fi
expect_fail "--bind-mode zero-copy on veth" 1 "$zc_refusal \\(use --bind-mode copy or auto\\)" \
	--dev "$D" --bind-mode zero-copy

ip -n "$XH_NS_RX" link set "$D" down
expect_fail "interface down" 1 "$D: .*down" --dev "$D"
ip -n "$XH_NS_RX" link set "$D" up
xh_wait_carrier

# ---- an XDP program is already there ------------------------------------------
# A running receiver holds a bpf_link: a second one must be refused, with
# and without --force, and the first keeps running.
xh_start_receiver --json --interval 0
if xh_wait_ready; then
	first_id=$(ip -n "$XH_NS_RX" -d link show dev "$D" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	XDP_CHECK=0 expect_fail "second receiver on the same interface" 1 "$D: .*$first_id.*already attached" --dev "$D"
	# --force cannot take a bpf_link away from its process; where it stops
	# (at the busy queues or at the link) the message must say which.
	XDP_CHECK=0 expect_fail "second receiver with --force" 1 \
		"$D.*(bpf_link|held by|busy|another AF_XDP socket)" --dev "$D" --force --duration 0.5
	tap_is "$(ip -n "$XH_NS_RX" -d link show dev "$D" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" \
		"$first_id" "second receiver: the first one's program is still the one attached"
	tap_ok "second receiver: first one still running" kill -0 "$XH_RX_PID"
	xh_stop_receiver INT
	tap_is "$XH_RX_RC" 0 "first receiver: exit status 0 after SIGINT"
else
	tap_result 1 "first receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
fi

# A netlink attachment (what "ip link set xdp" makes) stays until removed.
if ip -n "$XH_NS_RX" link set dev "$D" xdpgeneric obj "$XH_BUILD/af_xdp_kern.bpf.o" sec xdp 2>/dev/null; then
	old_id=$(ip -n "$XH_NS_RX" -d link show dev "$D" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	expect_fail_keep() {
		timeout 20 ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$D" >"$OUT" 2>"$ERR"
		tap_is "$?" 1 "netlink-attached program without --force: exit status"
		if [ "$(wc -l <"$ERR")" -eq 1 ] && grep -qE "^af_xdp_user: $D: .*$old_id.*already attached.*--force" "$ERR"; then
			tap_result 0 "netlink-attached program without --force: one line naming the program and --force"
		else
			tap_result 1 "netlink-attached program without --force: one line naming the program and --force" \
				"got: $(head -c 400 "$ERR" | tr '\n' '|')"
		fi
		tap_is "$(ip -n "$XH_NS_RX" -d link show dev "$D" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" \
			"$old_id" "netlink-attached program without --force: left in place"
	}
	expect_fail_keep
	xh_start_receiver --json --interval 0 --force --count 100
	if xh_wait_ready; then
		tap_grep "$XH_RX_ERR" "--force.*$old_id|$old_id.*--force|replac|detach" "--force: says it replaced the program"
		xh_send --flows 8 --count 100 --rate 20000 >/dev/null
		xh_wait_receiver 10
		tap_is "$XH_RX_RC" 0 "--force: receiver ran and exited 0"
		tap_ok "--force: neither program left afterwards" eval '! xh_xdp_attached "$XH_NS_RX" "$D"'
	else
		tap_result 1 "--force: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
	fi
	ip -n "$XH_NS_RX" link set dev "$D" xdpgeneric off 2>/dev/null
else
	tap_result 1 "attach a netlink XDP program with ip link (setup)"
fi

# ---- xdp_hints_traffic ---------------------------------------------------------
traffic_fail() { # description expected_rc stderr_regex args...
	local what="xdp_hints_traffic $1" want=$2 regex=$3 rc
	shift 3
	ip netns exec "$XH_NS_TX" "$XH_BUILD/xdp_hints_traffic" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	tap_is "$rc" "$want" "$what: exit status"
	if [ "$(wc -l <"$ERR")" -eq 1 ] && grep -qE -- "^xdp_hints_traffic: .*($regex)" "$ERR"; then
		tap_result 0 "$what: one line naming the cause"
	else
		tap_result 1 "$what: one line naming the cause" "got: $(head -c 300 "$ERR" | tr '\n' '|')"
	fi
}
T=$XH_TX_DEV
M=$XH_RX_MAC
traffic_fail "missing --dev" 2 '--dev' --dst-mac "$M" --dst-ip 10.0.0.1
traffic_fail "missing --dst-mac" 2 '--dst-mac' --dev "$T" --dst-ip 10.0.0.1
traffic_fail "bad MAC" 2 "'02:00:zz'.*--dst-mac" --dev "$T" --dst-mac 02:00:zz
traffic_fail "bad IPv4" 2 "'10.0.0.300'.*--dst-ip" --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.300
traffic_fail "--size 59" 2 '--size' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --size 59
traffic_fail "--size 9015" 2 '--size' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --size 9015
traffic_fail "--size above the MTU" 1 '--size 1515 is longer than its MTU 1500' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --size 1515
traffic_fail "--flows 0" 2 '--flows' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --flows 0
traffic_fail "--count negative" 2 '--count' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --count -4
traffic_fail "--ethertype 0x05ff" 2 '--ethertype' --dev "$T" --dst-mac "$M" --ethertype 0x05ff
traffic_fail "--arp with --runt" 2 'exclude' --dev "$T" --arp --runt --dst-ip 10.0.0.1
traffic_fail "ports past 65535" 2 '65535' --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --src-port 65530 --flows 10
traffic_fail "--queue-select rss" 2 "'rss'.*--queue-select" --dev "$T" --dst-mac "$M" --dst-ip 10.0.0.1 --queue-select rss
traffic_fail "unknown interface" 1 'xhnosuch0: no such interface' --dev xhnosuch0 --dst-mac "$M" --dst-ip 10.0.0.1
traffic_fail "unknown interface as the argument" 1 'xhnosuch0: no such interface' xhnosuch0 --dst-mac "$M" --dst-ip 10.0.0.1
traffic_fail "argument and --dev differ" 2 "unexpected argument 'xhnosuch0'" --dev "$T" xhnosuch0 --dst-mac "$M" --dst-ip 10.0.0.1
traffic_fail "two interface arguments" 2 "unexpected argument 'xhnosuch1'" "$T" xhnosuch1 --dst-mac "$M" --dst-ip 10.0.0.1
# Outside a namespace made with "ip netns add" it must refuse to send. Run
# in a private, unnamed one (unshare -n) with a timeout: were the refusal
# broken, the frame would stay there, not reach the host's lo.
timeout 10 unshare -n "$XH_BUILD/xdp_hints_traffic" --dev lo --dst-mac "$M" --dst-ip 127.0.0.1 --count 1 \
	>"$OUT" 2>"$ERR"
tap_is "$?" 1 "xdp_hints_traffic outside a private namespace: exit status"
tap_grep "$ERR" '^xdp_hints_traffic: refusing to send' "xdp_hints_traffic outside a private namespace: refuses"

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
