/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --metrics: the receiver's side of the HTTP endpoint (output/metrics_server.h):
 * start it, and once a second publish a copy of every queue's statistics
 * for it, the receive threads' snapshots with --threads.
 */
#ifndef XDP_HINTS_RECEIVER_METRICS_H
#define XDP_HINTS_RECEIVER_METRICS_H

#include "metrics_server.h"
#include "options.h"
#include "receiver_cpu.h"
#include "rx_program.h"
#include "rx_queue_set.h"

/* After the queues are open: listen on --metrics ADDR:PORT, serve from
 * the first copy on. Prints one message and returns negative errno on
 * failure; 0 without --metrics. */
int receiver_start_metrics(const struct rx_config *cfg, struct metrics_server *m, int stop_fd,
			   const char *xdp_mode, const struct rx_program *prog,
			   struct rx_queue_set *qs);

/* The main thread: publish the statistics as they are now. Skipped (never
 * waited for) when a scrape is reading the last copy. */
/* @cpu: the receiving threads' CPU time counts from there; NULL before
 * receiving began (left out). */
void receiver_publish_metrics(struct metrics_server *m, const struct rx_config *cfg,
			      const struct rx_program *prog, struct rx_queue_set *qs,
			      const struct receiver_cpu *cpu);

/* After the run's stop was requested: join the server's thread, free it. */
void receiver_stop_metrics(struct metrics_server *m);

#endif
