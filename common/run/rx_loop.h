/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * af_xdp_user's receive path: the per-frame work (decode the hints,
 * account, log to CSV, print with --pkt-info), one batch from one queue,
 * and the main thread's loop in its three modes (wakeup: ppoll() on every
 * socket; spin and busy-poll: go round the rings), with the run's
 * schedule of deadline, interval reports and link checks.
 *
 * One translation unit for everything a packet passes through: the frame
 * callback and what it calls inline here, and the receive threads
 * (rx_workers.c) come in through rx_receive_batch(), once per batch.
 */
#ifndef XDP_HINTS_RX_LOOP_H
#define XDP_HINTS_RX_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "csv_log.h"
#include "options.h"

struct receiver;

/* When the main thread does the next thing besides receiving. */
struct rx_schedule {
	__u64 deadline;          /* --duration, or UINT64_MAX */
	__u64 next_interval;     /* --interval, or UINT64_MAX */
	__u64 next_link_check;
};

/* From rx->start_ns and the options. */
void rx_schedule_init(struct rx_schedule *s, const struct receiver *rx);
/*
 * Do what is due at @now: an interval report (with a PHC resample), a
 * link check. Returns 1 once the deadline has passed, negative errno if
 * the interface went away or down, 0 otherwise.
 */
int rx_schedule_run_due(struct receiver *rx, struct rx_schedule *s, __u64 now);

/*
 * Receive up to @budget frames from queue @i (driving NAPI first with
 * --busy-poll); @csv is the calling thread's CSV buffer, unused without
 * --csv. Returns the number received.
 */
unsigned int rx_receive_batch(struct receiver *rx, size_t i, unsigned int budget,
			      struct csv_log *csv);

/* netdev_watch_check() on rx->watch: 0, or negative errno after one
 * message when the interface, our XDP link or the RX queues changed. */
int rx_check_link(struct receiver *rx);

/* Main thread waits in ppoll() (stop signals unblocked only there) unless
 * it busy-loops over the rings itself. */
bool rx_main_waits_in_ppoll(const struct rx_config *cfg);

/* Until a stop signal, --count, --duration or an error; with --threads,
 * supervises the receive threads instead. Negative errno on error. */
int rx_receive_loop(struct receiver *rx);

#endif
