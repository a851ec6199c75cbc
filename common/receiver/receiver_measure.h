/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Measurement set-up for af_xdp_user: the held /dev/cpu_dma_latency
 * request, the --csv file, the main thread's CPU and SCHED_FIFO placement
 * when it is the one receiving, and preferred busy polling on the
 * sockets. Each failure is one message naming the option and the cause.
 */
#ifndef XDP_HINTS_RECEIVER_MEASURE_H
#define XDP_HINTS_RECEIVER_MEASURE_H

#include "csv_log.h"
#include "options.h"
#include "pcapng_writer.h"
#include "receiver_checks.h"
#include "rx_queue_set.h"

struct run_stop;
struct rx_path;

/* What the measurement set-up holds until receiver_release_measurement(). */
struct rx_measure {
	int dma_latency_fd;        /* held /dev/cpu_dma_latency request, or -1 */
	struct csv_file csv;       /* --csv; fd -1 without */
	struct pcapng_file pcapng; /* --pcapng; fd -1 without */
};

#define RX_MEASURE_INIT { .dma_latency_fd = -1, .csv = { .fd = -1 }, .pcapng = { .fd = -1 } }

/* Before the sockets exist: PM QoS request, CSV and pcapng files
 * (receiver_capture.h; @stop: its abandon_fd ends a wait for a FIFO's
 * reader, @path: the wall-clock offset), placement. */
int receiver_setup_measurement(const struct rx_config *cfg, const struct rx_iface *iface,
			       struct rx_measure *m, struct run_stop *stop, struct rx_path *path);
/* --busy-poll: the socket options on every open socket. */
int receiver_enable_busy_poll(const struct rx_config *cfg, const struct rx_queue_set *qs);
/* Flush and close the CSV file, withdraw the PM QoS request. Idempotent. */
void receiver_release_measurement(struct rx_measure *m);

#endif
