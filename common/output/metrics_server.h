/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The --metrics endpoint: an HTTP server (GNU libmicrohttpd) on its own
 * thread, answering GET /metrics with metrics_text.h's text, in
 * OpenMetrics when the scraper's Accept header asks for it (Prometheus
 * does), else in the Prometheus text format 0.0.4.
 *
 * It never touches the live statistics and never makes the receive path
 * wait: the main thread publishes a copy (metrics_server_publish(), once a
 * second) under a mutex it only try-locks, so a scrape that is formatting
 * the previous copy makes that publication skip, not wait; the server
 * formats from the copy.
 */
#ifndef XDP_HINTS_METRICS_SERVER_H
#define XDP_HINTS_METRICS_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "cpu_usage.h"
#include "metrics_listen.h"
#include "metrics_text.h"


struct metrics_server {
	struct MHD_Daemon *daemon;
	int listen_fd;                /* until the daemon runs, then the daemon's */
	int stop_fd;                  /* the run's stop eventfd: not owned */
	pthread_t thread;
	bool thread_started;
	const struct hint_decoder *dec; /* names the layouts; not owned */
	struct metrics_run run;       /* its strings not owned */
	pthread_mutex_t lock;         /* guards what follows */
	bool lock_ready;
	struct queue_rx_stats *published; /* the last copy, n_queues of them */
	size_t n_queues;
	struct metrics_cpu cpu;       /* receiver's part published; process_ns read per scrape */
	struct metrics_conn *conns;   /* open connections: the server thread's */
};

#define METRICS_SERVER_INIT { .listen_fd = -1, .stop_fd = -1 }

/*
 * Listen on @listen and serve until @stop_fd (an eventfd that stays
 * readable once the run stops) becomes readable, on a thread created with
 * thread_attr_init() (no CPU pinning, SCHED_OTHER, every signal blocked).
 * @queue_ids: the @n_queues bound queues (statistics are allocated for
 * them here, for @dec's layouts). On error returns negative errno and
 * names the step in *@failed ("socket", "bind", "listen", "libmicrohttpd",
 * "thread", "memory"); metrics_server_stop() releases what was made.
 */
int metrics_server_start(struct metrics_server *m, const struct metrics_listen *listen,
			 int stop_fd, const struct metrics_run *run,
			 const struct hint_decoder *dec, const __u32 *queue_ids,
			 size_t n_queues, const char **failed);

/*
 * Copy @stats (@n_queues, in the order given to start) and the receiving
 * threads' CPU time @receiver_cpu (NULL: not known, left out) for the
 * next scrapes; the process's CPU time is read at each scrape. Never
 * blocks: -EBUSY when a scrape holds the copy (try again next time), else
 * 0. Call from one thread only.
 */
int metrics_server_publish(struct metrics_server *m, const struct queue_rx_stats *const *stats,
			   size_t n_queues, const struct cpu_time *receiver_cpu);

/* Join the thread (the stop eventfd must be readable by now, or it is
 * never joined: the caller requests the run's stop first), stop the
 * daemon, free everything. Safe on METRICS_SERVER_INIT. */
void metrics_server_stop(struct metrics_server *m);

#endif
