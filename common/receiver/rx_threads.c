// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The receive threads of --threads (see rx_threads.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu_setup.h"
#include "log.h"
#include "mono_clock.h"
#include "run_stop.h"
#include "rx_queue_set.h"
#include "rx_threads.h"

#define SNAPSHOT_TIMEOUT_NS 500000000ULL /* half a second */

/*
 * Interval reports need a consistent picture of statistics another
 * thread is writing. The main thread sets snapshot_req and writes the
 * queue's wake eventfd (for a thread asleep in poll()); the thread copies
 * its stats into its snapshot between two batches and clears the request
 * with release ordering; the report reads the snapshots once every
 * request is clear. The final report reads the stats after the join.
 */
static void take_snapshot(struct rx_queue *q)
{
	__u64 counter;

	if (!atomic_load_explicit(&q->snapshot_req, memory_order_acquire))
		return;
	if (read(q->wake_fd, &counter, sizeof(counter)) < 0 && errno != EAGAIN)
		pr_debug("queue %u: reading the wake eventfd: %s\n", q->xsk.queue_id,
			 strerror(errno));
	queue_rx_stats_copy(&q->snapshot, &q->stats);
	rx_queue_read_pool(q, &q->snapshot);
	cpu_time_thread(&q->cpu_time); /* only the thread itself can read RUSAGE_THREAD */
	atomic_store_explicit(&q->snapshot_req, 0, memory_order_release);
}

static void socket_failed(struct rx_queue *q)
{
	pr_err("%s queue %u: AF_XDP socket error (interface gone?)\n", q->path->ifname,
	       q->xsk.queue_id);
	run_stop_request(q->path->stop, RUN_STOP_ERROR, -ENETDOWN);
}

/* Wakeup mode: sleep in poll() on the socket, the stop and the wake fd. */
static void receive_waking(struct rx_queue *q)
{
	struct run_stop *stop = q->path->stop;
	struct pollfd fds[3] = {
		{ .fd = rx_queue_fd(q), .events = POLLIN },
		{ .fd = stop->fd, .events = POLLIN },
		{ .fd = q->wake_fd, .events = POLLIN },
	};

	for (;;) {
		take_snapshot(q);
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			run_stop_request(stop, RUN_STOP_ERROR, -errno);
			return;
		}
		if (fds[1].revents)
			return;
		if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			socket_failed(q);
			return;
		}
		if (fds[0].revents & POLLIN)
			rx_queue_poll(q);
	}
}

/*
 * --rx-period: sleep until each deadline, drain the ring in bulk, sleep
 * again; statistics snapshots are handed over at every wake (a step of a
 * long period at the latest), no poll() on the socket.
 */
static void receive_scheduled(struct rx_queue *q)
{
	const struct rx_path *path = q->path;
	struct rx_period period;
	enum rx_period_wake wake;
	int err;

	err = rx_period_start(&period, path->rx_period_ns, path->rx_period_phase_ns,
			      q->xsk.clock);
	if (err) {
		run_stop_request(path->stop, RUN_STOP_ERROR, err);
		return;
	}
	while ((wake = rx_period_wait(&period, path->stop)) != RX_PERIOD_STOPPED) {
		take_snapshot(q);
		if (wake == RX_PERIOD_DEADLINE) {
			rx_period_done(&period, rx_queue_poll_all(q));
			q->period = period.stats;
		}
	}
	q->period = period.stats;
}

static void *rx_thread_main(void *arg)
{
	struct rx_queue *q = arg;

	if (q->path->rx_period_ns) {
		receive_scheduled(q);
	} else if (q->path->kick_fill) {
		while (!run_stop_requested(q->path->stop)) {
			take_snapshot(q);
			rx_queue_poll(q);
		}
	} else {
		receive_waking(q);
	}
	/* The main thread reports a CSV error: the file holds it. */
	csv_log_flush(&q->csv);
	pcapng_log_flush(&q->capture);
	cpu_time_thread(&q->cpu_time); /* for the final report */
	/* A request that raced with the stop must not leave the main
	 * thread waiting. */
	atomic_store_explicit(&q->snapshot_req, 0, memory_order_release);
	return NULL;
}

static int thread_cpu(const struct rx_config *cfg, size_t i)
{
	if (cfg->n_cpu_list)
		return cfg->cpu_list[i % cfg->n_cpu_list];
	return cfg->cpu;
}

static int start_one(const struct rx_config *cfg, struct rx_queue *q, size_t i)
{
	char placement[160];
	pthread_attr_t attr;
	int err;

	q->cpu = thread_cpu(cfg, i);
	err = thread_attr_init(&attr, q->cpu, cfg->priority, placement, sizeof(placement));
	if (err) {
		pr_err("%s queue %u: thread attributes (%s): %s\n", cfg->ifname,
		       q->xsk.queue_id, placement, strerror(-err));
		return err;
	}
	err = -pthread_create(&q->thread, &attr, rx_thread_main, q);
	pthread_attr_destroy(&attr);
	if (err == -EPERM && cfg->priority) {
		pr_err("--priority %u: SCHED_FIFO for the thread of queue %u not permitted: needs root or CAP_SYS_NICE, and RLIMIT_RTPRIO/cgroup RT budget\n",
		       cfg->priority, q->xsk.queue_id);
		return err;
	}
	if (err) {
		pr_err("%s queue %u: starting its receive thread (%s): %s\n", cfg->ifname,
		       q->xsk.queue_id, placement, strerror(-err));
		return err;
	}
	q->thread_started = true;
	pr_info("queue %u: receive thread on %s\n", q->xsk.queue_id, placement);
	return 0;
}

int rx_threads_start(const struct rx_config *cfg, struct rx_queue_set *qs, struct run_stop *stop)
{
	int err;

	if (!cfg->threads)
		return 0;
	for (size_t i = 0; i < qs->n_open; i++) {
		err = start_one(cfg, &qs->queue[i], i);
		if (err) {
			run_stop_request(stop, RUN_STOP_ERROR, err);
			return err;
		}
		qs->n_threads = i + 1;
	}
	pr_info("%zu receive thread(s) started\n", qs->n_threads);
	return 0;
}

void rx_threads_join(struct rx_queue_set *qs)
{
	for (size_t i = 0; i < qs->n_threads; i++) {
		struct rx_queue *q = &qs->queue[i];

		if (q->thread_started)
			pthread_join(q->thread, NULL);
		q->thread_started = false;
	}
	qs->n_threads = 0;
}

int rx_threads_snapshot(struct rx_queue_set *qs)
{
	__u64 give_up = monotonic_ns() + SNAPSHOT_TIMEOUT_NS;
	struct timespec pause = { .tv_nsec = 50000 };
	__u64 one = 1;

	for (size_t i = 0; i < qs->n_threads; i++) {
		struct rx_queue *q = &qs->queue[i];

		atomic_store_explicit(&q->snapshot_req, 1, memory_order_release);
		if (write(q->wake_fd, &one, sizeof(one)) < 0)
			pr_debug("waking the thread of queue %u: %s\n", q->xsk.queue_id,
				 strerror(errno));
	}
	for (size_t i = 0; i < qs->n_threads; i++) {
		while (atomic_load_explicit(&qs->queue[i].snapshot_req, memory_order_acquire)) {
			if (monotonic_ns() > give_up)
				return -ETIMEDOUT;
			nanosleep(&pause, NULL);
		}
	}
	return 0;
}
