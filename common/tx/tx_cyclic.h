/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Time-triggered sending: every period, at an absolute CLOCK_MONOTONIC
 * deadline (common/tx_schedule.h), wake with clock_nanosleep(TIMER_ABSTIME),
 * record how late the wake-up was, and send a batch of UDP frames on one
 * AF_XDP socket's TX ring (common/xsk_tx.h). Frames come from the TX part
 * of that queue's UMEM and return to it only through the completion ring;
 * at the end the sender waits (bounded) until every frame sent completed.
 *
 * The loop runs either on the caller's thread (TX only) or on its own
 * pthread while the caller receives: the two share no ring, so neither
 * waits for the other, and the TX wake-ups are not delayed by RX work.
 *
 * Every frame carries, after the UDP header, its sequence number and the
 * CLOCK_MONOTONIC time of its cycle's wake-up (8 bytes each, big-endian),
 * so a receiver on the peer can tell which cycle a frame belongs to.
 */
#ifndef XDP_HINTS_TX_CYCLIC_H
#define XDP_HINTS_TX_CYCLIC_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frame_build.h"
#include "run_stop.h"
#include "tx_config.h"
#include "xsk_tx.h"
#include "tx_cycle_stats.h"

/* Bounded wait for the last completions at the end of a run. */
#define TX_DRAIN_TIMEOUT_NS 1000000000ULL

struct tx_cyclic {
	struct tx_config cfg;       /* addresses resolved */
	const char *ifname;
	struct xsk_tx xtx;
	struct frame_layout layout;
	uint8_t template_frame[FRAME_BUF_MAX];
	uint64_t next_seq;
	uint64_t cycle_time_ns;     /* wake-up time of the cycle being sent */
	uint64_t stop_at_ns;        /* CLOCK_MONOTONIC end, 0: none */
	struct tx_cycle_stats *stats;
	struct run_stop *run_stop;  /* ends the cycles; the thread requests it when done */
	int timer_fd;               /* timerfd: the next deadline */
	pthread_t thread;
	bool thread_running;
	int result;                 /* 0 or negative errno of the run */
};

/*
 * Prepare sending on @q (opened with tx_frames > 0) of @ifname: fill the
 * source MAC/IPv4 the config left unset from the device, build the frame
 * template, take the queue's TX frames. 0 or negative errno (-ENOMEM,
 * -EINVAL, or the ioctl's error naming the device lookup).
 */
int tx_cyclic_init(struct tx_cyclic *tx, const struct tx_config *cfg,
		   const char *ifname, struct xsk_queue *q);
void tx_cyclic_free(struct tx_cyclic *tx);

/*
 * Run the cycles on this thread until cfg.cycles are done, @stop_at_ns
 * passed (0: no limit), the run's @stop is requested, or an error; then
 * drain. Each wait is a poll() on an absolute timerfd and @stop's eventfd.
 * Returns 0 or negative errno (-ENETDOWN/-ENXIO: interface gone).
 */
int tx_cyclic_run(struct tx_cyclic *tx, struct run_stop *stop, uint64_t stop_at_ns);

/*
 * Run on a new thread created with @attr (thread_attr_init(): its CPU and
 * policy never inherited from the caller). When the cycles are done or
 * fail, the thread requests @stop (RUN_STOP_TX_DONE or RUN_STOP_ERROR).
 */
int tx_cyclic_start(struct tx_cyclic *tx, struct run_stop *stop, const pthread_attr_t *attr);

/* Request the run's stop if nobody did, wait for the thread (drain
 * included); returns its result. Safe when never started. */
int tx_cyclic_stop(struct tx_cyclic *tx);

/* One line for the log: queue, batch, period, addresses, UMEM split. */
void tx_cyclic_describe(const struct tx_cyclic *tx, char *buf, size_t len);

#endif
