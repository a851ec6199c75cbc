// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <poll.h>

#include "tx_cyclic.h"
#include "tx_schedule.h"

static uint64_t ts_to_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * TX_NS_PER_SEC + (uint64_t)ts->tv_nsec;
}

/* The device's MAC and IPv4 for what the options left unset; no IPv4
 * address is not an error: 0.0.0.0 is a valid UDP source on a test wire. */
static int resolve_addresses(struct tx_config *cfg, const char *ifname)
{
	struct ifreq ifr;
	int fd, err = 0;

	if (cfg->have_src_mac && cfg->have_src_ip)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (!cfg->have_src_mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
			err = -errno;
			goto out;
		}
		memcpy(cfg->src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
		cfg->have_src_mac = true;
	}
	if (!cfg->have_src_ip) {
		if (!ioctl(fd, SIOCGIFADDR, &ifr))
			cfg->src_ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
		else
			cfg->src_ip.s_addr = htonl(INADDR_ANY);
		cfg->have_src_ip = true;
	}
out:
	close(fd);
	return err;
}

int tx_cyclic_init(struct tx_cyclic *tx, const struct tx_config *cfg,
		   const char *ifname, struct xsk_queue *q)
{
	struct frame_spec spec = { .kind = FRAME_UDP };
	int err;

	memset(tx, 0, sizeof(*tx));
	tx->timer_fd = -1;
	tx->cfg = *cfg;
	tx->ifname = ifname;
	tx->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (tx->timer_fd < 0)
		return -errno;
	err = resolve_addresses(&tx->cfg, ifname);
	if (err)
		return err;
	memcpy(spec.src_mac, tx->cfg.src_mac, ETH_ALEN);
	memcpy(spec.dst_mac, tx->cfg.dst_mac, ETH_ALEN);
	spec.src_ip = tx->cfg.src_ip;
	spec.dst_ip = tx->cfg.dst_ip;
	spec.src_port = tx->cfg.src_port;
	spec.dst_port = tx->cfg.dst_port;
	spec.frame_size = tx->cfg.frame_size;
	if (!frame_build(&spec, tx->template_frame, sizeof(tx->template_frame), &tx->layout) ||
	    tx->layout.len > q->frame_size)
		return -EINVAL;
	/* 30 KiB of histogram: not on the stack of a thread. */
	tx->stats = calloc(1, sizeof(*tx->stats));
	if (!tx->stats)
		return -ENOMEM;
	latency_histogram_init(&tx->stats->wakeup_error);
	tx->stats->queue_id = q->queue_id;
	err = xsk_tx_init(&tx->xtx, q);
	if (err) {
		free(tx->stats);
		tx->stats = NULL;
	}
	return err;
}

void tx_cyclic_free(struct tx_cyclic *tx)
{
	tx_cyclic_stop(tx);
	if (tx->timer_fd > 0) /* 0: never initialised (fd 0 is always stdin here) */
		close(tx->timer_fd);
	tx->timer_fd = -1;
	xsk_tx_free(&tx->xtx);
	free(tx->stats);
	tx->stats = NULL;
}

static __u32 build_frame(void *ctx, __u8 *data, __u32 room, unsigned int i)
{
	struct tx_cyclic *tx = ctx;

	(void)room; /* tx_cyclic_init checked that the template fits a frame */
	memcpy(data, tx->template_frame, tx->layout.len);
	frame_set_u64(data, tx->layout.seq_off, tx->next_seq + i);
	frame_set_u64(data, tx->layout.time_off, tx->cycle_time_ns);
	return (__u32)tx->layout.len;
}

static int send_cycle(struct tx_cyclic *tx)
{
	struct tx_cycle_stats *s = tx->stats;
	unsigned int sent;
	int err;

	sent = xsk_tx_send(&tx->xtx, tx->cfg.batch, build_frame, tx, &err);
	tx->next_seq += sent;
	s->frames_short += tx->cfg.batch - sent;
	return err;
}

/*
 * Sleep until @until on the timer fd (an absolute CLOCK_MONOTONIC
 * hrtimer, as precise as clock_nanosleep()) or until the run's stop is
 * requested. True when the deadline came, false on a stop or an error
 * (in *err).
 */
static bool sleep_until(struct tx_cyclic *tx, const struct timespec *until, int *err)
{
	struct itimerspec when = { .it_value = *until };
	struct pollfd fds[2] = {
		{ .fd = tx->timer_fd, .events = POLLIN },
		{ .fd = tx->run_stop->fd, .events = POLLIN },
	};
	uint64_t expirations;

	*err = 0;
	if (timerfd_settime(tx->timer_fd, TFD_TIMER_ABSTIME, &when, NULL)) {
		*err = -errno;
		return false;
	}
	while (poll(fds, 2, -1) < 0) {
		if (errno != EINTR) {
			*err = -errno;
			return false;
		}
	}
	if (fds[1].revents)
		return false;
	if (read(tx->timer_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN) {
		*err = -errno;
		return false;
	}
	return true;
}

int tx_cyclic_run(struct tx_cyclic *tx, struct run_stop *stop, uint64_t stop_at_ns)
{
	struct tx_cycle_stats *s = tx->stats;
	struct timespec first, now, stop_at = { 0 };
	struct tx_schedule sched;
	int err = 0, drain_err;

	tx->run_stop = stop;
	tx->stop_at_ns = stop_at_ns;
	if (stop_at_ns) {
		stop_at.tv_sec = (time_t)(stop_at_ns / TX_NS_PER_SEC);
		stop_at.tv_nsec = (long)(stop_at_ns % TX_NS_PER_SEC);
	}
	/* The first deadline is one period ahead, so its wake-up is timed
	 * like every other. */
	clock_gettime(CLOCK_MONOTONIC, &first);
	tx_timespec_add_ns(&first, tx->cfg.interval_ns);
	tx_schedule_init(&sched, &first, tx->cfg.interval_ns);

	while (!err && !run_stop_requested(stop) &&
	       (!tx->cfg.cycles || s->cycles < tx->cfg.cycles)) {
		int64_t late_ns;

		if (stop_at_ns && tx_timespec_diff_ns(&sched.deadline, &stop_at) > 0) {
			/* The next deadline is past the end: wait for the end. */
			if (sleep_until(tx, &stop_at, &err))
				break;
			continue;
		}
		if (!sleep_until(tx, &sched.deadline, &err))
			continue; /* the stop or an error: the loop condition sees it */
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* TIMER_ABSTIME never wakes early; clamp anyway, the histogram
		 * is unsigned. */
		late_ns = tx_timespec_diff_ns(&now, &sched.deadline);
		latency_histogram_record(&s->wakeup_error, late_ns > 0 ? (uint64_t)late_ns : 0);
		tx->cycle_time_ns = ts_to_ns(&now);
		err = send_cycle(tx);
		s->cycles++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		s->missed_deadlines += tx_schedule_advance(&sched, &now);
	}

	drain_err = xsk_tx_drain(&tx->xtx, TX_DRAIN_TIMEOUT_NS);
	if (!err && drain_err != -ETIMEDOUT)
		err = drain_err; /* a timeout shows as sent != completed */
	s->frames_sent = tx->xtx.sent;
	s->frames_completed = tx->xtx.completed;
	s->kicks = tx->xtx.kicks;
	s->kick_retries = tx->xtx.kick_retries;
	tx->result = err;
	return err;
}

static void *tx_thread_main(void *arg)
{
	struct tx_cyclic *tx = arg;
	int err = tx_cyclic_run(tx, tx->run_stop, 0);

	/* Cycles done or failed: that ends the run (a no-op when the run's
	 * stop is what ended the cycles). */
	run_stop_request(tx->run_stop, err ? RUN_STOP_ERROR : RUN_STOP_TX_DONE, err);
	return NULL;
}

int tx_cyclic_start(struct tx_cyclic *tx, struct run_stop *stop, const pthread_attr_t *attr)
{
	int err;

	tx->run_stop = stop;
	err = pthread_create(&tx->thread, attr, tx_thread_main, tx);
	if (err)
		return -err;
	tx->thread_running = true;
	return 0;
}

int tx_cyclic_stop(struct tx_cyclic *tx)
{
	if (!tx->thread_running)
		return tx->result;
	/* Whoever stops the TX thread ends the run: it waits on the run's
	 * stop eventfd. Normally the stop was requested already. */
	run_stop_request(tx->run_stop, RUN_STOP_ERROR, 0);
	pthread_join(tx->thread, NULL);
	tx->thread_running = false;
	return tx->result;
}

void tx_cyclic_describe(const struct tx_cyclic *tx, char *buf, size_t len)
{
	const struct tx_config *c = &tx->cfg;
	const uint8_t *d = c->dst_mac, *sm = c->src_mac;
	char src_ip[INET_ADDRSTRLEN], dst_ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &c->src_ip, src_ip, sizeof(src_ip));
	inet_ntop(AF_INET, &c->dst_ip, dst_ip, sizeof(dst_ip));
	snprintf(buf, len,
		 "TX: queue %u, %u frame(s) of %zu bytes every %.6f s%s; "
		 "%02x:%02x:%02x:%02x:%02x:%02x %s:%u -> %02x:%02x:%02x:%02x:%02x:%02x %s:%u; "
		 "UMEM frames %u..%u for TX",
		 tx->stats->queue_id, c->batch, tx->layout.len, (double)c->interval_ns / 1e9,
		 c->cycles ? "" : " until stopped",
		 sm[0], sm[1], sm[2], sm[3], sm[4], sm[5], src_ip, c->src_port,
		 d[0], d[1], d[2], d[3], d[4], d[5], dst_ip, c->dst_port,
		 tx->xtx.q->frames - tx->xtx.n_frames, tx->xtx.q->frames - 1);
}
