#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make demo: the whole idea on one screen, with no NIC.  Two private
# network namespaces joined by a 4-queue veth pair; af_xdp_user on one end
# (native XDP, an AF_XDP socket per queue, hint layouts alternating), 8 UDP
# flows sent from the other end, then the receiver's per-queue report.
# Everything it creates is removed on exit, on failure and on Ctrl-C.
#
#   BUILD=/abs/build scripts/demo.sh        (as root; make demo does this)
#   XDP_MODE=generic ...                    generic XDP instead of native
#   LAYOUT=rx-time ...                      the default layout (driver metadata where it can)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns_lib.sh"

QUEUES=4
FLOWS=8
PER_FLOW=250
FRAMES=$((FLOWS * PER_FLOW))
RATE=20000

xh_require af_xdp_user xdp_hints_traffic
xh_install_trap

xh_setup demo "$QUEUES"
echo "demo: veth pair with $QUEUES queues on each end, in two private namespaces:"
echo "demo:   receiver end $XH_RX_DEV ($XH_RX_IP, $XH_RX_MAC) in namespace $XH_NS_RX"
echo "demo:   sender end   $XH_TX_DEV ($XH_TX_IP, $XH_TX_MAC) in namespace $XH_NS_TX"
echo "demo: starting af_xdp_user on $XH_RX_DEV: one AF_XDP socket per queue, --layout ${LAYOUT:-alternate}"

xh_start_receiver --xdp-mode "${XDP_MODE:-native}" --layout "${LAYOUT:-alternate}" --interval 0 --count "$FRAMES"
if ! xh_wait_ready 15; then
	echo "demo: the receiver did not start; it said:" >&2
	cat "$XH_RX_ERR" >&2
	exit 1
fi
sed 's/^/  /' "$XH_RX_ERR"

echo "demo: sending $FLOWS UDP flows x $PER_FLOW frames = $FRAMES frames at $RATE pps from $XH_TX_DEV"
echo "demo: (flow f leaves on TX queue f mod $QUEUES, so arrives on RX queue f mod $QUEUES)"
if ! xh_send --flows "$FLOWS" --count "$FRAMES" --rate "$RATE" | sed 's/^/  /'; then
	echo "demo: sending failed" >&2
	exit 1
fi

# The receiver stops by itself after $FRAMES packets (--count); if some
# never arrive, it gets SIGINT after a while and still reports what did.
if ! xh_wait_receiver 10; then
	echo "demo: not every frame arrived in 10 s; the report shows what did" >&2
fi
echo "demo: the receiver's report (latency = XDP program to userspace, per RX queue):"
cat "$XH_RX_OUT"
if [ "${XH_RX_RC:-1}" -ne 0 ]; then
	echo "demo: af_xdp_user exited with status $XH_RX_RC:" >&2
	cat "$XH_RX_ERR" >&2
	exit 1
fi
echo "demo: removing namespaces $XH_NS_RX and $XH_NS_TX (and with them the veth pair)"
