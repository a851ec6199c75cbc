#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --clock tai on a veth pair: the XDP program stamps bpf_ktime_get_tai_ns()
# into hint xdp_hints_rx_tai (field rx_tai_ns) and the receiver reads
# CLOCK_TAI. If either side used another clock the latencies would be off
# by the TAI-monotonic distance (decades) or negative (clock_backwards), so
# "every frame timed, every latency > 0 and < 1 s" proves both sides agree.
# The stamp itself is compared with CLOCK_TAI read around the run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

FRAMES=200

jqf() { jq -r "$1" <<<"$FINAL"; }

tai_ns() { python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_TAI))'; }

clock_case() { # clock layout field
	local clock=$1 layout=$2 field=$3 what="--clock $1" before after stamp
	xh_setup "tc${clock:0:1}" 1
	before=$(tai_ns)
	xh_start_receiver --clock "$clock" --hw-hints off --json --interval 0 --pkt-info \
		--count "$FRAMES"
	if ! xh_wait_ready; then
		tap_result 1 "$what: receiver ready" "$(tr '\n' '|' <"$XH_RX_ERR")"
		xh_cleanup
		return
	fi
	tap_result 0 "$what: receiver ready"
	tap_grep "$XH_RX_ERR" "hint layout $layout" "$what: says the layout is $layout"
	xh_send --count "$FRAMES" --flows 4 >/dev/null
	xh_wait_receiver 15
	after=$(tai_ns)
	tap_is "$XH_RX_RC" 0 "$what: exit status 0 after --count"
	FINAL=$(xh_final_json)
	tap_is "$(jqf .clock)" "$clock" "$what: report names the clock"
	tap_is "$(jqf ".total.layouts.$layout")" "$FRAMES" "$what: every frame carried $layout"
	tap_is "$(jqf .total.latency_ns.count)" "$FRAMES" "$what: every frame timed"
	tap_is "$(jqf .total.clock_backwards)" 0 "$what: no receive time in the receiver's future"
	tap_cmp "$(jqf .total.latency_ns.min)" -gt 0 "$what: minimum latency > 0"
	tap_cmp "$(jqf .total.latency_ns.max)" -lt 1000000000 "$what: maximum latency < 1 s"
	stamp=$(jq -r "select(.type == \"packet\") | .hint.fields.$field" "$XH_RX_OUT" | head -n 1)
	if [ "$clock" = tai ]; then
		tap_cmp "$stamp" -gt "$before" "$what: $field is CLOCK_TAI (after the start)"
		tap_cmp "$stamp" -lt "$after" "$what: $field is CLOCK_TAI (before the end)"
	else
		tap_cmp "$stamp" -lt "$before" "$what: $field is not CLOCK_TAI (monotonic is smaller)"
	fi
	xh_cleanup
}

clock_case tai xdp_hints_rx_tai rx_tai_ns
clock_case monotonic xdp_hints_rx_time rx_ktime

tap_ok "no namespace of this test is left" xh_no_namespace_left
tap_finish
