#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The fleet example of docs/user-guide.org holds: examples/prometheus.yml and
# examples/af_xdp_user.rules.yml pass `promtool check`; the unit file
# examples/af_xdp_user.service grants exactly the capabilities of the
# Least privilege section and passes `systemd-analyze verify`; and its
# ExecStart line, run with only those capabilities on a veth in a private
# namespace, receives, serves its metrics on loopback, and ends with exit
# status 0 on the SIGTERM systemd sends. (The man page it names is checked
# by tests/e2e/install.sh, so verify runs with --man=no.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib_tap.sh"
. "$here/../../scripts/netns_lib.sh"
xh_require af_xdp_user xdp_hints_traffic
xh_install_trap
UNIT=$root/examples/af_xdp_user.service
NEEDED="CAP_BPF CAP_IPC_LOCK CAP_NET_ADMIN CAP_NET_RAW"

if command -v promtool >/dev/null; then
	promtool check config "$root/examples/prometheus.yml" >/dev/null 2>&1
	tap_result $? "promtool check config examples/prometheus.yml"
	promtool check rules "$root/examples/af_xdp_user.rules.yml" >/dev/null 2>&1
	tap_result $? "promtool check rules examples/af_xdp_user.rules.yml"
else
	tap_result 0 "promtool is not installed (Debian package prometheus) # SKIP"
fi

unit_caps() { # key
	sed -n "s/^$1=//p" "$UNIT" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'
}
tap_is "$(unit_caps AmbientCapabilities)" "$NEEDED" "unit: AmbientCapabilities are the four of Least privilege"
tap_is "$(unit_caps CapabilityBoundingSet)" "$NEEDED" "unit: CapabilityBoundingSet is the same four"
readme_caps=$(sed -n 's/^sudo setcap \([a-z_,]*\)+ep.*/\1/p' "$root/docs/user-guide.org" | tr ',' '\n' |
	tr '[:lower:]' '[:upper:]' | sort | tr '\n' ' ' | sed 's/ $//')
tap_is "$readme_caps" "$NEEDED" "the user guide's setcap line names the same four"
tap_grep "$UNIT" '^DynamicUser=yes' "unit: runs as a dynamic user, not root"

# ExecStart with the unit's Environment= defaults, $BUILD's binary, our
# veth for DEV.
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
METRICS=$(sed -n 's/^Environment=.*METRICS=\([^ ]*\).*/\1/p' "$UNIT")
UDP_PORT=$(sed -n 's/^Environment=.*UDP_PORT=\([^ ]*\).*/\1/p' "$UNIT")
tap_is "${METRICS%:*}" 127.0.0.1 "unit: metrics on loopback by default"

if command -v systemd-analyze >/dev/null; then
	xh_tmpdir
	sed "s#^ExecStart=/usr/local/sbin/af_xdp_user#ExecStart=$XH_BUILD/af_xdp_user#" "$UNIT" \
		>"$XH_TMPDIR/af_xdp_user.service"
	SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$XH_TMPDIR/af_xdp_user.service" \
		>"$XH_TMPDIR/verify.out" 2>&1
	tap_result $? "systemd-analyze verify accepts the unit" "$(tr '\n' '|' <"$XH_TMPDIR/verify.out")"
else
	tap_result 0 "systemd-analyze is not installed (Debian package systemd) # SKIP"
fi

if ! command -v capsh >/dev/null || ! command -v python3 >/dev/null; then
	tap_result 0 "capsh (libcap2-bin) or python3 is not installed # SKIP"
	tap_finish
	exit
fi
xh_setup fl 4
xh_tmpdir
ALL_CAPS=$(capsh --print | sed -n 's/^Bounding set =//p' | tr ',' ' ')
keep=" $(echo "$NEEDED" | tr '[:upper:]' '[:lower:]') "
drop=""
for c in $ALL_CAPS; do
	[[ "$keep" == *" $c "* ]] || drop+="${drop:+,}$c"
done
cmd=${exec_start//\$\{DEV\}/$XH_RX_DEV}
cmd=${cmd//\$\{UDP_PORT\}/$UDP_PORT}
cmd=${cmd//\$\{METRICS\}/$METRICS}
cmd=${cmd/\/usr\/local\/sbin\/af_xdp_user/$XH_BUILD/af_xdp_user}
XH_RX_OUT=$XH_TMPDIR/rx.out
XH_RX_ERR=$XH_TMPDIR/rx.err
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
ip netns exec "$XH_NS_RX" capsh --drop="$drop" -- -c 'exec "$@"' sh $cmd \
	>"$XH_RX_OUT" 2>"$XH_RX_ERR" &
XH_RX_PID=$!
XH_RECEIVER_PIDS+=("$XH_RX_PID")
if ! xh_wait_ready; then
	tap_result 1 "the unit's command runs with only the four capabilities" "$(tr '\n' '|' <"$XH_RX_ERR")"
	tap_finish
	exit
fi
tap_result 0 "the unit's command runs with only the four capabilities"
xh_send --flows 8 --count 300 --rate 5000 --dst-port "$UDP_PORT" -q >/dev/null 2>&1
sleep 1.5
got=$(ip netns exec "$XH_NS_RX" python3 -c '
import sys, urllib.request
t = urllib.request.urlopen("http://%s/metrics" % sys.argv[1], timeout=5).read().decode()
print(sum(int(l.split()[-1]) for l in t.splitlines() if l.startswith("af_xdp_user_packets_total{")))
' "$METRICS" 2>/dev/null)
tap_is "$got" 300 "its metrics on $METRICS count every frame sent to UDP port $UDP_PORT"
xh_stop_receiver TERM
tap_is "$XH_RX_RC" 0 "SIGTERM (systemd's stop) ends it with exit status 0"
tap_is "$(xh_final_json | jq -r .total.packets)" 300 "its final report is printed"

tap_finish
