// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The main thread's loop and the end of the run (see rx_loop.h). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "log.h"
#include "netdev_watch.h"
#include "mono_clock.h"
#include "receiver.h"
#include "receiver_capture.h"
#include "receiver_metrics.h"
#include "receiver_phc.h"
#include "receiver_report.h"
#include "receiver_tx.h"
#include "rx_loop.h"
#include "rx_threads.h"

/* How long the end of a run waits for frames still in flight. */
#define SETTLE_TIMEOUT_NS (NS_PER_SEC / 5)

/* When the main thread does the next thing besides receiving. */
struct rx_schedule {
	__u64 deadline;          /* --duration, or UINT64_MAX */
	__u64 next_interval;     /* --interval, or UINT64_MAX */
	__u64 next_link_check;
};

static __u64 min_u64(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

static void schedule_init(struct rx_schedule *s, const struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	__u64 now = rx->run.start_ns;

	s->deadline = cfg->duration_ns ? now + cfg->duration_ns : UINT64_MAX;
	s->next_interval = cfg->interval_ns ? now + cfg->interval_ns : UINT64_MAX;
	s->next_link_check = now + LINK_CHECK_NS;
}

static __u64 schedule_next(const struct rx_schedule *s)
{
	return min_u64(min_u64(s->deadline, s->next_interval), s->next_link_check);
}

int rx_check_link(struct receiver *rx)
{
	return netdev_watch_check(&rx->res.watch);
}

/* Do what is due at @now; what ends the run requests the stop. */
static void schedule_run_due(struct receiver *rx, struct rx_schedule *s, __u64 now)
{
	const struct rx_config *cfg = rx->conf.cfg;
	int err;

	if (now >= s->deadline) {
		run_stop_request(&rx->res.stop, RUN_STOP_DURATION, 0);
		return;
	}
	if (now >= s->next_interval) {
		receiver_resample_phc(cfg->ifname, &rx->res.phc, &rx->res.path);
		receiver_resample_wall_clock(&rx->res.measure.pcapng, &rx->res.path);
		err = receiver_report(rx, REPORT_INTERVAL);
		if (err)
			run_stop_request(&rx->res.stop, RUN_STOP_ERROR, err);
		s->next_interval += cfg->interval_ns;
		if (s->next_interval <= now) /* we fell behind: do not burst */
			s->next_interval = now + cfg->interval_ns;
	}
	if (now >= s->next_link_check) {
		err = rx_check_link(rx);
		if (err)
			run_stop_request(&rx->res.stop, RUN_STOP_ERROR, err);
		s->next_link_check = now + LINK_CHECK_NS;
		if (!cfg->interval_ns) {
			receiver_resample_phc(cfg->ifname, &rx->res.phc, &rx->res.path);
			receiver_resample_wall_clock(&rx->res.measure.pcapng, &rx->res.path);
		}
		receiver_publish_metrics(&rx->res.metrics, rx->conf.cfg, &rx->res.prog, &rx->res.queues,
					 rx->run.start_ns ? &rx->res.cpu : NULL);
	}
}

static void socket_failed(struct receiver *rx, const struct rx_queue *q)
{
	int so_err = 0;
	socklen_t len = sizeof(so_err);

	getsockopt(rx_queue_fd(q), SOL_SOCKET, SO_ERROR, &so_err, &len);
	pr_err("%s queue %u: AF_XDP socket error: %s (interface gone?)\n",
	       rx->conf.cfg->ifname, q->xsk.queue_id, strerror(so_err ? so_err : ENETDOWN));
	run_stop_request(&rx->res.stop, RUN_STOP_ERROR, -(so_err ? so_err : ENETDOWN));
}

/*
 * Wakeup mode: sleep until a socket has frames, the stop eventfd is
 * readable or the schedule is due. @fds: the stop eventfd, then one slot
 * per queue, in queue order.
 */
static void wait_and_receive(struct receiver *rx, struct pollfd *fds, __u64 now,
			     __u64 wake_at)
{
	__u64 wait_ns = wake_at > now ? wake_at - now : 0;
	struct timespec timeout = {
		.tv_sec = (time_t)(wait_ns / NS_PER_SEC),
		.tv_nsec = (long)(wait_ns % NS_PER_SEC),
	};
	int ready = ppoll(fds, (nfds_t)rx->res.queues.n_open + 1, &timeout, NULL);

	if (ready < 0) {
		if (errno != EINTR)
			run_stop_request(&rx->res.stop, RUN_STOP_ERROR, -errno);
		return;
	}
	for (size_t i = 0; i < rx->res.queues.n_open && ready > 0; i++) {
		short revents = fds[i + 1].revents;

		if (!revents)
			continue;
		ready--;
		if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
			socket_failed(rx, &rx->res.queues.queue[i]);
			return;
		}
		if (revents & POLLIN)
			rx_queue_poll(&rx->res.queues.queue[i]);
	}
}

/* With --threads the main thread only keeps the schedule. */
static void supervise(struct receiver *rx, struct rx_schedule *sched)
{
	struct pollfd stop = { .fd = rx->res.stop.fd, .events = POLLIN };
	__u64 now = monotonic_ns();

	while (!run_stop_requested(&rx->res.stop)) {
		__u64 wake_at = schedule_next(sched);
		__u64 wait_ns = wake_at > now ? wake_at - now : 0;
		struct timespec timeout = {
			.tv_sec = (time_t)(wait_ns / NS_PER_SEC),
			.tv_nsec = (long)(wait_ns % NS_PER_SEC),
		};

		if (ppoll(&stop, 1, &timeout, NULL) < 0 && errno != EINTR) {
			run_stop_request(&rx->res.stop, RUN_STOP_ERROR, -errno);
			break;
		}
		now = monotonic_ns();
		schedule_run_due(rx, sched, now);
	}
}

/*
 * --rx-period on the main thread: sleep until each deadline, drain every
 * ring in bulk; between the steps of a long period, the schedule's own
 * duties (reports, the interface check, --duration).
 */
static void receive_scheduled(struct receiver *rx, struct rx_schedule *sched)
{
	const struct rx_config *cfg = rx->conf.cfg;
	struct rx_queue_set *qs = &rx->res.queues;
	struct rx_period period;
	enum rx_period_wake wake;
	int err;

	err = rx_period_start(&period, cfg->rx_period_ns, cfg->rx_period_phase_ns,
			      cfg->clock == HINT_CLOCK_TAI ? CLOCK_TAI : CLOCK_MONOTONIC);
	if (err) {
		pr_err("--rx-period: reading the clock: %s\n", strerror(-err));
		run_stop_request(&rx->res.stop, RUN_STOP_ERROR, err);
		return;
	}
	while ((wake = rx_period_wait(&period, &rx->res.stop)) != RX_PERIOD_STOPPED) {
		if (wake == RX_PERIOD_DEADLINE) {
			__u64 frames = 0;

			for (size_t i = 0; i < qs->n_open; i++)
				frames += rx_queue_poll_all(&qs->queue[i]);
			rx_period_done(&period, frames);
			rx->run.period = period.stats;
		}
		schedule_run_due(rx, sched, monotonic_ns());
	}
	rx->run.period = period.stats;
}

void rx_loop_run(struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	struct pollfd fds[XDP_HINTS_MAX_QUEUES + 1];
	struct rx_schedule sched;
	__u64 now = rx->run.start_ns;

	schedule_init(&sched, rx);
	if (rx->res.queues.n_threads) {
		supervise(rx, &sched);
		return;
	}
	if (cfg->rx_period_ns) {
		receive_scheduled(rx, &sched);
		return;
	}
	fds[0] = (struct pollfd){ .fd = rx->res.stop.fd, .events = POLLIN };
	for (size_t i = 0; i < rx->res.queues.n_open; i++)
		fds[i + 1] = (struct pollfd){ .fd = rx_queue_fd(&rx->res.queues.queue[i]), .events = POLLIN };
	while (!run_stop_requested(&rx->res.stop)) {
		if (cfg->spin || cfg->busy_poll) {
			for (size_t i = 0; i < rx->res.queues.n_open; i++)
				rx_queue_poll(&rx->res.queues.queue[i]);
		} else {
			wait_and_receive(rx, fds, now, schedule_next(&sched));
		}
		now = monotonic_ns();
		schedule_run_due(rx, &sched, now);
	}
}

/* Read the counters into the final stats; true when every queue adds up. */
static bool all_accounted(struct receiver *rx)
{
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	bool exact = true;

	for (size_t i = 0; i < rx->res.queues.n_open; i++)
		stats[i] = &rx->res.queues.queue[i].stats;
	rx_program_read_counters(&rx->res.prog, &rx->res.queues, stats);
	for (size_t i = 0; i < rx->res.queues.n_open; i++)
		exact = exact && queue_rx_stats_unaccounted(stats[i]) == 0;
	return exact;
}

/* One warning for every queue: hints whose rx time lies before the run. */
static void warn_rx_time_before_start(const struct receiver *rx)
{
	__u64 total = 0;

	for (size_t i = 0; i < rx->res.queues.n_open; i++)
		total += rx->res.queues.queue[i].stats.rx_time_before_start;
	if (total)
		pr_warn("%s: %llu hint(s) with an rx time before the run began: not timed, counted as rx_time_before_start (does the XDP program write less metadata than the struct its btf_id names?)\n",
			rx->conf.cfg->ifname, (unsigned long long)total);
}

/*
 * --umem shared: when a busy queue wanted frames and the free pool had
 * none, say so, with the drops it may have caused, and the -f/--frames
 * that would have held the run: the peak of frames in use (all RX frames
 * but the pool's fewest free) plus every frame dropped for want of a fill
 * ring entry (each needed a frame at a moment when none was free; at worst
 * all at the peak), rounded up to a power of two, plus the TX frames.
 */
static void say_pool_dry(const struct receiver *rx)
{
	const struct rx_queue_set *qs = &rx->res.queues;
	const struct xsk_shared_umem *shared = qs->shared;
	__u64 dry = 0, dropped = 0, most = 0;
	__u32 queues_dry = 0, most_queue = 0, low = 0, need;

	if (!shared)
		return;
	for (size_t i = 0; i < qs->n_open; i++) {
		const struct rx_queue *q = &qs->queue[i];

		dropped += q->stats.xsk.rx_dropped;
		if (!q->xsk.pool_dry)
			continue;
		dry += q->xsk.pool_dry;
		queues_dry++;
		if (q->xsk.pool_dry > most) {
			most = q->xsk.pool_dry;
			most_queue = q->xsk.queue_id;
		}
	}
	if (!dry)
		return;
	for (__u32 i = 0; i < shared->n_pools; i++)
		low += shared->pools[i].low_water;
	need = frame_pool_pow2_ceil((__u32)((shared->rx_frames - low) + dropped)) +
	       shared->tx_frames;
	need = frame_pool_pow2_ceil(need);
	pr_warn("%s: the shared UMEM's free pool ran dry %llu time(s) on %u queue(s) (queue %u: %llu): busy queues found no frame to take; %llu frame(s) dropped for want of a fill ring entry (xsk.rx_dropped)\n",
		rx->conf.cfg->ifname, (unsigned long long)dry, queues_dry, most_queue,
		(unsigned long long)most, (unsigned long long)dropped);
	/* Nothing dropped (the busy queues waited for their own frames), or
	 * no more than there is: no advice. */
	if (!dropped || need <= shared->frames)
		return;
	pr_warn("%s: -f/--frames %u (now %u) would have held it: the peak of %u frame(s) in use plus the %llu dropped, rounded up to a power of two%s\n",
		rx->conf.cfg->ifname, need, shared->frames, shared->rx_frames - low,
		(unsigned long long)dropped, shared->tx_frames ? ", plus the TX frames" : "");
}

/*
 * Per-queue UMEMs: frames the kernel dropped because a queue had none free
 * (xsk.rx_dropped: the fill ring was empty; xsk.rx_ring_full: the RX ring,
 * as large as the UMEM up to 8192 entries, was full), said once with the
 * -f/--frames per queue that would have held the worst queue's burst: its
 * UMEM's frames plus its drops, rounded up to a power of two. Right when
 * the receiver sleeps between drains (--rx-period); with a receiver that
 * does not keep up, more frames only delay the drops.
 */
static void say_frames_short(const struct receiver *rx)
{
	const struct rx_queue_set *qs = &rx->res.queues;
	__u64 dropped = 0, most = 0;
	__u32 queues = 0, most_queue = 0, frames = rx->conf.cfg->frames, need;

	if (qs->shared)
		return;
	for (size_t i = 0; i < qs->n_open; i++) {
		const struct rx_queue *q = &qs->queue[i];
		__u64 d = q->stats.xsk.rx_dropped + q->stats.xsk.rx_ring_full;

		if (!d)
			continue;
		dropped += d;
		queues++;
		if (d > most) {
			most = d;
			most_queue = q->xsk.queue_id;
		}
	}
	if (!dropped)
		return;
	need = most > RX_FRAMES_MAX - frames ? RX_FRAMES_MAX :
					       frame_pool_pow2_ceil(frames + (__u32)most);
	pr_warn("%s: %llu frame(s) dropped on %u queue(s) for want of a free frame (queue %u: %llu; xsk.rx_dropped + xsk.rx_ring_full)\n",
		rx->conf.cfg->ifname, (unsigned long long)dropped, queues, most_queue,
		(unsigned long long)most);
	pr_warn("%s: -f/--frames %u per queue (now %u) would have held queue %u's burst\n",
		rx->conf.cfg->ifname, need, frames, most_queue);
}

void rx_loop_finish(struct receiver *rx)
{
	struct timespec pause = { .tv_nsec = 1000000 };
	__u64 give_up;

	rx_threads_join(&rx->res.queues);
	warn_rx_time_before_start(rx);
	/* The main thread's buffers (the threads flushed their own). */
	for (size_t i = 0; i < rx->res.queues.n_open; i++) {
		csv_log_flush(&rx->res.queues.queue[i].csv);
		pcapng_log_flush(&rx->res.queues.queue[i].capture);
	}
	/* Nothing is redirected from now on; what is in flight lands soon. */
	xdp_attachment_release(&rx->res.attachment);
	if (rx->conf.cfg->tx.no_rx)
		return;
	if (!rx->res.prog.skel) {
		/* --xsks-map: another process's program keeps redirecting and
		 * its counters are not ours to read; take what is in the rings. */
		struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];

		for (size_t i = 0; i < rx->res.queues.n_open; i++) {
			rx_queue_drain(&rx->res.queues.queue[i]);
			stats[i] = &rx->res.queues.queue[i].stats;
		}
		rx_program_read_counters(&rx->res.prog, &rx->res.queues, stats);
		return;
	}
	give_up = monotonic_ns() + SETTLE_TIMEOUT_NS;
	for (;;) {
		for (size_t i = 0; i < rx->res.queues.n_open; i++)
			rx_queue_drain(&rx->res.queues.queue[i]);
		if (all_accounted(rx) || monotonic_ns() > give_up)
			break;
		nanosleep(&pause, NULL);
	}
	for (size_t i = 0; i < rx->res.queues.n_open; i++) {
		const struct queue_rx_stats *s = &rx->res.queues.queue[i].stats;
		long long missing = queue_rx_stats_unaccounted(s);

		if (missing)
			pr_warn("%s queue %u: %lld frame(s) redirected by XDP are neither received nor counted as dropped by the socket\n",
				rx->conf.cfg->ifname, s->queue_id, missing);
		if (s->incomplete_frames)
			pr_warn("%s queue %u: %llu multi-buffer frame(s) without their last buffer: dropped, counted as incomplete_frames\n",
				rx->conf.cfg->ifname, s->queue_id,
				(unsigned long long)s->incomplete_frames);
		if (s->drained_at_stop)
			pr_info("%s queue %u: %llu frame(s) still in the RX ring at stop: counted as drained_at_stop, not timed\n",
				rx->conf.cfg->ifname, s->queue_id,
				(unsigned long long)s->drained_at_stop);
	}
	say_pool_dry(rx);
	say_frames_short(rx);
}

int receiver_run(struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	int err;

	if (!cfg->tx.enabled) {
		rx_loop_run(rx);
		return 0;
	}
	if (cfg->tx.no_rx)
		return receiver_tx_alone(cfg, rx->conf.iface.ifindex, &rx->res.tx, &rx->res.stop,
					 rx->run.start_ns);
	err = receiver_tx_start(cfg, &rx->res.tx, &rx->res.stop);
	if (err)
		return err;
	rx_loop_run(rx);
	return receiver_tx_stop(cfg->ifname, rx->conf.iface.ifindex, &rx->res.tx);
}
