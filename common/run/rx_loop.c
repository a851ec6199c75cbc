// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receive path and the main thread's receive loop (see rx_loop.h).
 * Nothing on the per-frame path allocates, locks, compares strings or
 * prints unless --pkt-info asks for it.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "busy_poll.h"
#include "log.h"
#include "netdev_watch.h"
#include "receiver.h"
#include "receiver_phc.h"
#include "receiver_report.h"
#include "report.h"
#include "rx_loop.h"
#include "rx_workers.h"
#include "stop_signal.h"

/* What the per-frame callback needs; rebuilt per batch. */
struct frame_ctx {
	const struct hint_decoder *decoder;
	struct queue_rx_stats *stats;
	int cpu;
	bool pkt_info;
	bool json;
	struct csv_log *csv;       /* NULL without --csv */
	__s64 phc_offset_ns;       /* rx->phc_offset_ns at the start of the batch */
};

static void csv_record(struct frame_ctx *fc, const struct xsk_queue *q,
		       const struct decoded_hint *h, __u64 now_ns)
{
	bool timed = h->has_rx_ktime && now_ns >= h->rx_ktime;
	const char *layout = h->kind == HINT_KNOWN ? fc->decoder->layouts[h->layout].name :
			     h->kind == HINT_NONE ? "none" : "unknown";

	csv_log_record(fc->csv, now_ns, q->queue_id, fc->cpu,
		       h->has_rx_cpu ? (int)h->rx_cpu == fc->cpu : -1, timed,
		       timed ? now_ns - h->rx_ktime : 0, h->btf_id, layout);
}

static void on_frame(void *ctx, const struct xsk_queue *q, void *pkt, __u32 len,
		     __u64 now_ns)
{
	struct frame_ctx *fc = ctx;
	struct decoded_hint hint;

	hint_decoder_decode(fc->decoder, pkt, &hint);
	queue_rx_stats_account(fc->stats, &hint, now_ns, fc->cpu);
	queue_rx_stats_account_hw(fc->stats, &hint, fc->phc_offset_ns);
	if (fc->csv)
		csv_record(fc, q, &hint, now_ns);
	if (fc->pkt_info)
		report_packet(stdout, fc->json, q->queue_id, fc->decoder, &hint, pkt,
			      len, hint.has_rx_ktime ? now_ns - hint.rx_ktime : 0);
}

unsigned int rx_receive_batch(struct receiver *rx, size_t i, unsigned int budget,
			      struct csv_log *csv)
{
	struct frame_ctx fc = {
		.decoder = &rx->decoder,
		.stats = &rx->stats[i],
		/* Once per batch: the thread does not migrate mid-batch often
		 * enough to matter, and the call is not free. */
		.cpu = sched_getcpu(),
		.pkt_info = rx->cfg.pkt_info,
		.json = rx->cfg.json,
		.csv = rx->csv_fd >= 0 ? csv : NULL,
		.phc_offset_ns = atomic_load_explicit(&rx->phc_offset_ns, memory_order_relaxed),
	};

	if (rx->cfg.busy_poll)
		busy_poll_drive(rx->pollfds[i].fd);
	return xsk_queue_receive(&rx->queues[i], budget, on_frame, &fc,
				 rx->cfg.spin || rx->cfg.busy_poll);
}

static unsigned int batch_budget(const struct receiver *rx)
{
	__u64 left;

	if (!rx->cfg.max_packets)
		return RX_BATCH;
	left = rx->cfg.max_packets - rx->total_packets;
	return left < RX_BATCH ? (unsigned int)left : RX_BATCH;
}

static void receive_queue(struct receiver *rx, size_t i)
{
	unsigned int budget = batch_budget(rx);

	if (budget)
		rx->total_packets += rx_receive_batch(rx, i, budget, &rx->csv);
}

static bool count_reached(const struct receiver *rx)
{
	return rx->cfg.max_packets && rx->total_packets >= rx->cfg.max_packets;
}


int rx_check_link(struct receiver *rx)
{
	return netdev_watch_check(&rx->watch);
}

static int socket_error(const struct receiver *rx, size_t i)
{
	int so_err = 0;
	socklen_t len = sizeof(so_err);

	getsockopt(rx->pollfds[i].fd, SOL_SOCKET, SO_ERROR, &so_err, &len);
	pr_err("%s queue %u: AF_XDP socket error: %s (interface gone?)\n",
	       rx->cfg.ifname, rx->stats[i].queue_id,
	       strerror(so_err ? so_err : ENETDOWN));
	return -(so_err ? so_err : ENETDOWN);
}

static int wait_and_receive(struct receiver *rx, __u64 now, __u64 wake_at)
{
	__u64 wait_ns = wake_at > now ? wake_at - now : 0;
	struct timespec timeout = {
		.tv_sec = (time_t)(wait_ns / NS_PER_SEC),
		.tv_nsec = (long)(wait_ns % NS_PER_SEC),
	};
	int ready = ppoll(rx->pollfds, (nfds_t)rx->n_queues, &timeout, &rx_wait_sigmask);

	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	for (size_t i = 0; i < rx->n_queues && ready > 0; i++) {
		short revents = rx->pollfds[i].revents;

		if (!revents)
			continue;
		ready--;
		if (revents & (POLLERR | POLLHUP | POLLNVAL))
			return socket_error(rx, i);
		if (revents & POLLIN)
			receive_queue(rx, i);
	}
	return 0;
}

static void spin_receive(struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_queues; i++)
		receive_queue(rx, i);
}

static __u64 min_u64(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

bool rx_main_waits_in_ppoll(const struct rx_config *cfg)
{
	return cfg->threads || !(cfg->spin || cfg->busy_poll);
}

void rx_schedule_init(struct rx_schedule *s, const struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	__u64 now = rx->start_ns;

	s->deadline = cfg->duration_ns ? now + cfg->duration_ns : UINT64_MAX;
	s->next_interval = cfg->interval_ns ? now + cfg->interval_ns : UINT64_MAX;
	s->next_link_check = now + LINK_CHECK_NS;
}

int rx_schedule_run_due(struct receiver *rx, struct rx_schedule *s, __u64 now)
{
	const struct rx_config *cfg = &rx->cfg;
	int err;

	if (now >= s->deadline)
		return 1;
	if (now >= s->next_interval) {
		receiver_resample_phc(rx);
		receiver_print_report(rx, REPORT_INTERVAL);
		s->next_interval += cfg->interval_ns;
		if (s->next_interval <= now) /* we fell behind: do not burst */
			s->next_interval = now + cfg->interval_ns;
	}
	if (now >= s->next_link_check) {
		err = rx_check_link(rx);
		if (err)
			return err;
		s->next_link_check = now + LINK_CHECK_NS;
		if (!cfg->interval_ns)
			receiver_resample_phc(rx);
	}
	return 0;
}

int rx_receive_loop(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct rx_schedule sched;
	__u64 now = rx->start_ns;
	int err = 0;

	if (rx->n_workers)
		return rx_workers_supervise(rx);
	rx_schedule_init(&sched, rx);
	while (!rx_stop_requested && !count_reached(rx)) {
		if (cfg->spin || cfg->busy_poll)
			spin_receive(rx);
		else
			err = wait_and_receive(rx, now, min_u64(min_u64(sched.deadline,
									 sched.next_interval),
								 sched.next_link_check));
		if (err)
			return err;
		if (cfg->pkt_info)
			fflush(stdout);
		now = monotonic_ns();
		err = rx_schedule_run_due(rx, &sched, now);
		if (err)
			return err > 0 ? 0 : err;
	}
	return 0;
}
