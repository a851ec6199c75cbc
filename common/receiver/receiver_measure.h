/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Measurement set-up for af_xdp_user: the held /dev/cpu_dma_latency
 * request, the --csv file, the main thread's CPU and SCHED_FIFO placement
 * when it is the one receiving, and preferred busy polling on the
 * sockets. Each failure is one message naming the option and the cause.
 */
#ifndef XDP_HINTS_RECEIVER_MEASURE_H
#define XDP_HINTS_RECEIVER_MEASURE_H

struct receiver;

/* Before the sockets exist: PM QoS request, CSV file, placement. */
int receiver_setup_measurement(struct receiver *rx);
/* --busy-poll: the socket options on every open socket. */
int receiver_enable_busy_poll(struct receiver *rx);
/* Flush and close the CSV file, withdraw the PM QoS request. Idempotent. */
void receiver_release_measurement(struct receiver *rx);

#endif
