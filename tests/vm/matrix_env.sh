# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Names and numbers both halves of the kernel matrix use (sourced by
# tests/vm/matrix.sh on the host and tests/vm/guest_cells.sh in the guest).
# Locally administered MACs and addresses of a private test range; the
# taps live in a namespace of their own on the host.
GUEST_MAC0=02:78:68:00:01:01   # guest virtio_net
GUEST_MAC1=02:78:68:00:01:02   # guest e1000e
TAP0_MAC=02:78:68:00:01:11     # host tap of the virtio_net NIC, 4 queues
TAP1_MAC=02:78:68:00:01:12     # host tap of the e1000e NIC
GUEST_IP0=10.78.0.2
TAP0_IP=10.78.0.1
GUEST_IP1=10.78.1.2
TAP1_IP=10.78.1.1
QUEUES=4
FLOWS=8
FRAMES=800      # a multiple of QUEUES: exact counts per queue
RATE=2000       # the guest's CPU is emulated: gently
