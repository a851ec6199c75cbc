// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receive threads of --threads (see rx_workers.h). They receive
 * through rx_receive_batch(), the same per-batch path as the main thread
 * without --threads.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "cpu_setup.h"
#include "log.h"
#include "receiver.h"
#include "rx_loop.h"
#include "rx_workers.h"
#include "stop_signal.h"

/*
 * One thread per queue; each owns its queue's socket, statistics and CSV
 * buffer, so the packet path shares nothing but a per-batch atomic add
 * (the --count total). The main thread only supervises: it waits for the
 * deadline, the interval and the stop signals (which only it receives:
 * workers start with them blocked).
 *
 * Interval reports need a consistent picture of statistics another thread
 * is writing. The main thread sets a worker's snapshot_req and wakes it
 * (eventfd, for a worker asleep in poll()); the worker copies its stats
 * into rx->snapshots[queue] between two batches and clears the flag with
 * release ordering; the main thread reports from the snapshots once every
 * flag is clear. The final report reads the stats after the join.
 */
struct rx_worker {
	struct receiver *rx;
	size_t queue;             /* index into rx->queues, rx->stats */
	int cpu;                  /* -1: not pinned */
	pthread_t thread;
	int wake_fd;              /* eventfd: stop or snapshot request */
	struct csv_log csv;
	atomic_int snapshot_req;
	atomic_int setup_done;    /* 1: set-up over (see err) */
	atomic_int err;           /* negative errno: the worker gave up */
};

static atomic_bool workers_stop;

#define WORKER_SNAPSHOT_TIMEOUT_NS (NS_PER_SEC / 2)
#define WORKER_SUPERVISE_NS (NS_PER_SEC / 50)

static void worker_take_snapshot(struct rx_worker *w)
{
	if (!atomic_load_explicit(&w->snapshot_req, memory_order_acquire))
		return;
	queue_rx_stats_copy(&w->rx->snapshots[w->queue], &w->rx->stats[w->queue]);
	atomic_store_explicit(&w->snapshot_req, 0, memory_order_release);
}

static void worker_receive(struct rx_worker *w)
{
	struct receiver *rx = w->rx;
	unsigned int budget = RX_BATCH, n;

	if (rx->cfg.max_packets) {
		__u64 total = atomic_load_explicit(&rx->shared_packets, memory_order_relaxed);

		if (total >= rx->cfg.max_packets)
			return;
		if (rx->cfg.max_packets - total < budget)
			budget = (unsigned int)(rx->cfg.max_packets - total);
	}
	n = rx_receive_batch(rx, w->queue, budget, &w->csv);
	if (n)
		atomic_fetch_add_explicit(&rx->shared_packets, n, memory_order_relaxed);
}

/* Wakeup mode: sleep in poll() on the socket and the wake eventfd. */
static int worker_wait(struct rx_worker *w)
{
	struct pollfd fds[2] = {
		{ .fd = w->rx->pollfds[w->queue].fd, .events = POLLIN },
		{ .fd = w->wake_fd, .events = POLLIN },
	};
	__u64 counter;

	if (poll(fds, 2, 1000) < 0)
		return errno == EINTR ? 0 : -errno;
	if (fds[1].revents & POLLIN && read(w->wake_fd, &counter, sizeof(counter)) < 0)
		return -errno;
	if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENETDOWN;
	if (fds[0].revents & POLLIN)
		worker_receive(w);
	return 0;
}

static int worker_setup(struct rx_worker *w)
{
	int err;

	if (w->cpu >= 0) {
		err = cpu_pin_self(w->cpu);
		if (err)
			return err;
	}
	if (w->rx->cfg.priority) {
		err = cpu_fifo_self(w->rx->cfg.priority);
		if (err)
			return err;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct rx_worker *w = arg;
	bool busy = w->rx->cfg.spin || w->rx->cfg.busy_poll;
	int err = worker_setup(w);

	atomic_store(&w->err, err);
	atomic_store(&w->setup_done, 1);
	while (!err && !atomic_load_explicit(&workers_stop, memory_order_relaxed)) {
		worker_take_snapshot(w);
		if (busy)
			worker_receive(w);
		else
			err = worker_wait(w);
	}
	if (w->rx->csv_fd >= 0 && !err)
		err = csv_log_flush(&w->csv);
	if (err)
		atomic_store(&w->err, err);
	/* A request that raced with the stop must not leave the main thread waiting. */
	atomic_store_explicit(&w->snapshot_req, 0, memory_order_release);
	return NULL;
}

static void wake_worker(struct rx_worker *w)
{
	__u64 one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0)
		pr_debug("waking the thread of queue %u: %s\n",
			 w->rx->stats[w->queue].queue_id, strerror(errno));
}

/* Stop and join every started worker, free what they held. Idempotent. */
void rx_workers_stop(struct receiver *rx)
{
	atomic_store(&workers_stop, true);
	for (size_t i = 0; i < rx->n_workers; i++) {
		wake_worker(&rx->workers[i]);
		pthread_join(rx->workers[i].thread, NULL);
	}
	for (size_t i = 0; rx->workers && i < rx->n_queues; i++) {
		if (rx->workers[i].wake_fd >= 0)
			close(rx->workers[i].wake_fd);
		csv_log_close(&rx->workers[i].csv);
	}
	rx->n_workers = 0;
	free(rx->workers);
	rx->workers = NULL;
	if (rx->snapshots)
		for (size_t i = 0; i < rx->n_queues; i++)
			queue_rx_stats_free(&rx->snapshots[i]);
	free(rx->snapshots);
	rx->snapshots = NULL;
}

static int worker_cpu(const struct rx_config *cfg, size_t i)
{
	if (cfg->n_cpu_list)
		return cfg->cpu_list[i % cfg->n_cpu_list];
	return cfg->cpu;
}

static int describe_worker_error(const struct receiver *rx, const struct rx_worker *w, int err)
{
	__u32 queue = rx->stats[w->queue].queue_id;

	if (err == -EPERM && rx->cfg.priority)
		pr_err("--priority %u: SCHED_FIFO for the thread of queue %u not permitted: needs root or CAP_SYS_NICE, and RLIMIT_RTPRIO/cgroup RT budget\n",
		       rx->cfg.priority, queue);
	else if (w->cpu >= 0 && err == -EINVAL)
		pr_err("pinning the thread of queue %u to CPU %d: %s\n", queue, w->cpu,
		       strerror(-err));
	else if (err == -ENETDOWN)
		pr_err("%s queue %u: AF_XDP socket error (interface gone?)\n", rx->cfg.ifname, queue);
	else
		pr_err("%s queue %u: receive thread: %s\n", rx->cfg.ifname, queue, strerror(-err));
	return err;
}

/* Start one thread per queue; returns once each has finished its set-up. */
int rx_workers_start(struct receiver *rx)
{
	int err;

	if (!rx->cfg.threads)
		return 0;
	rx->workers = calloc(rx->n_queues, sizeof(*rx->workers));
	rx->snapshots = calloc(rx->n_queues, sizeof(*rx->snapshots));
	if (!rx->workers || !rx->snapshots) {
		pr_err("setting up the receive threads: out of memory\n");
		return -ENOMEM;
	}
	for (size_t i = 0; i < rx->n_queues; i++)
		rx->workers[i].wake_fd = -1;
	for (size_t i = 0; i < rx->n_queues; i++) {
		struct rx_worker *w = &rx->workers[i];

		w->rx = rx;
		w->queue = i;
		w->cpu = worker_cpu(&rx->cfg, i);
		err = queue_rx_stats_init(&rx->snapshots[i], rx->stats[i].queue_id,
					  rx->decoder.n_layouts);
		if (!err && rx->csv_fd >= 0)
			err = csv_log_init(&w->csv, rx->csv_fd);
		if (err) {
			pr_err("setting up the receive threads: out of memory\n");
			return err;
		}
		w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->wake_fd < 0) {
			err = -errno;
			pr_err("creating an eventfd for the thread of queue %u: %s\n",
			       rx->stats[i].queue_id, strerror(-err));
			return err;
		}
	}
	atomic_store(&workers_stop, false);
	for (size_t i = 0; i < rx->n_queues; i++) {
		err = -pthread_create(&rx->workers[i].thread, NULL, worker_main, &rx->workers[i]);
		if (err) {
			pr_err("starting the receive thread of queue %u: %s\n",
			       rx->stats[i].queue_id, strerror(-err));
			return err;
		}
		rx->n_workers = i + 1;
	}
	for (size_t i = 0; i < rx->n_workers; i++) {
		struct rx_worker *w = &rx->workers[i];

		while (!atomic_load(&w->setup_done))
			sched_yield();
		err = atomic_load(&w->err);
		if (err)
			return describe_worker_error(rx, w, err);
	}
	pr_info("%zu receive thread(s) started\n", rx->n_workers);
	return 0;
}

/* Fill rx->snapshots from every worker. -ETIMEDOUT if one did not answer. */
int rx_workers_snapshot(struct receiver *rx)
{
	__u64 give_up = monotonic_ns() + WORKER_SNAPSHOT_TIMEOUT_NS;
	struct timespec pause = { .tv_nsec = 50000 };

	for (size_t i = 0; i < rx->n_workers; i++) {
		atomic_store_explicit(&rx->workers[i].snapshot_req, 1, memory_order_release);
		wake_worker(&rx->workers[i]);
	}
	for (size_t i = 0; i < rx->n_workers; i++) {
		while (atomic_load_explicit(&rx->workers[i].snapshot_req, memory_order_acquire)) {
			if (monotonic_ns() > give_up)
				return -ETIMEDOUT;
			nanosleep(&pause, NULL);
		}
	}
	return 0;
}

static int worker_failure(const struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_workers; i++) {
		int err = atomic_load(&rx->workers[i].err);

		if (err)
			return describe_worker_error(rx, &rx->workers[i], err);
	}
	return 0;
}

int rx_workers_supervise(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct timespec tick = { .tv_nsec = WORKER_SUPERVISE_NS };
	struct rx_schedule sched;
	int err = 0, due;

	rx_schedule_init(&sched, rx);
	while (!rx_stop_requested && !err) {
		if (cfg->max_packets &&
		    atomic_load(&rx->shared_packets) >= cfg->max_packets)
			break;
		/* Short naps: the count and the workers' errors have no fd. */
		if (ppoll(NULL, 0, &tick, &rx_wait_sigmask) < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		due = rx_schedule_run_due(rx, &sched, monotonic_ns());
		if (due > 0)
			break;
		err = due ? due : worker_failure(rx);
	}
	rx_workers_stop(rx);
	rx->total_packets = atomic_load(&rx->shared_packets);
	return err;
}
