#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Same-core / remote-core classification under --cpu pinning on veth.
# The sender is pinned to CPU 0 with taskset: veth's transmit schedules the
# receiving queue's NAPI, and with it the XDP program, on that CPU.  A
# receiver on --cpu 0 must then see mostly same-core packets and one on
# --cpu 1 mostly remote-core ones: the majority class must flip.  (Mostly,
# not all: a NAPI run may be deferred to ksoftirqd or another CPU.)  Then
# --threads --cpu-list places the queue's thread, and --cpu names only
# usable CPUs.  Needs two CPUs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
command -v taskset >/dev/null || xh_die "'taskset' is not installed"
xh_install_trap

if ! taskset -c 1 true 2>/dev/null; then
	echo "ok 1 - same/remote-core placement # SKIP needs CPUs 0 and 1"
	echo "1..1"
	exit 0
fi

FRAMES=1000
xh_setup mp 1

send_from_cpu0() {
	ip netns exec "$XH_NS_TX" taskset -c 0 "$XH_BUILD/xdp_hints_traffic" --dev "$XH_TX_DEV" \
		--dst-mac "$XH_RX_MAC" --dst-ip "$XH_RX_IP" --count "$FRAMES" --rate 10000 --json |
		jq -r .sent
}

# Sets SAME and REMOTE from one run; the description names the case.
run_case() { # what receiver-options...
	local what=$1 final
	shift
	SAME=-1 REMOTE=-1
	xh_start_receiver --json --interval 0 "$@"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		return
	fi
	tap_is "$(send_from_cpu0)" "$FRAMES" "$what: sender (pinned to CPU 0) sent every frame"
	sleep 0.3
	xh_stop_receiver INT
	final=$(xh_final_json)
	tap_is "$(jq -r .total.packets <<<"$final")" "$FRAMES" "$what: every frame received"
	SAME=$(jq -r .total.same_core <<<"$final")
	REMOTE=$(jq -r .total.remote_core <<<"$final")
	tap_is "$((SAME + REMOTE))" "$FRAMES" "$what: every packet classified same or remote core"
	tap_is "$(jq -r '.total.same_core_latency_ns.count // 0' <<<"$final")" "$SAME" \
		"$what: same-core latency count = same_core"
	tap_diag "$what: same_core $SAME remote_core $REMOTE"
}

run_case "--cpu 0 wakeup" --cpu 0
tap_cmp "$SAME" -gt "$((FRAMES / 2))" "--cpu 0 wakeup: majority same-core (receiver on the XDP CPU)"
same0=$SAME

run_case "--cpu 1 wakeup" --cpu 1
tap_cmp "$REMOTE" -gt "$((FRAMES / 2))" "--cpu 1 wakeup: majority remote-core (receiver off the XDP CPU)"
tap_cmp "$same0" -gt "$SAME" "the same-core count drops when the receiver moves from CPU 0 to CPU 1"

run_case "--cpu 1 spin" --cpu 1 --spin
tap_cmp "$REMOTE" -gt "$((FRAMES / 2))" "--cpu 1 spin: majority remote-core"

run_case "--threads --cpu-list 1" --threads --cpu-list 1
tap_cmp "$REMOTE" -gt "$((FRAMES / 2))" "--threads --cpu-list 1: the queue's thread runs on CPU 1 (remote)"
run_case "--threads --cpu-list 0" --threads --cpu-list 0
tap_cmp "$SAME" -gt "$((FRAMES / 2))" "--threads --cpu-list 0: the queue's thread runs on CPU 0 (same)"

# A CPU that is not online: a usage error naming the usable ones.
n_cpus=$(nproc --all)
ip netns exec "$XH_NS_RX" "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --cpu "$n_cpus" \
	>/dev/null 2>"$XH_TMPDIR/cpu.err"
tap_is "$?" 2 "--cpu $n_cpus (not online): exit status 2"
tap_grep "$XH_TMPDIR/cpu.err" "^af_xdp_user: --cpu: CPU $n_cpus is not online or not allowed: usable CPUs are [0-9]" \
	"--cpu $n_cpus: one clear line naming the usable CPUs"
tap_is "$(wc -l <"$XH_TMPDIR/cpu.err")" 1 "--cpu $n_cpus: exactly one line on stderr"
ip netns exec "$XH_NS_RX" taskset -c 0 "$XH_BUILD/af_xdp_user" --dev "$XH_RX_DEV" --cpu 1 \
	>/dev/null 2>"$XH_TMPDIR/cpu.err"
tap_is "$?" 2 "--cpu 1 outside the process's allowed CPUs (taskset -c 0): exit status 2"
tap_grep "$XH_TMPDIR/cpu.err" 'usable CPUs are 0$' "--cpu 1 under taskset -c 0: names CPU 0 as the only usable one"

xh_cleanup
tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
