/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --rx-period S[,PHASE]: scheduled bulk receive. The receiving thread
 * sleeps until the absolute deadlines k*S + PHASE of the hints' clock
 * (CLOCK_MONOTONIC, or CLOCK_TAI so the schedule can line up with a
 * PTP-disciplined TSN cycle), then drains every RX ring it owns in one go
 * and sleeps again: no poll() on the sockets, no spinning. The time in a
 * frame's hint was taken in XDP, so it stays exact however late the frame
 * is read; what the schedule costs is the frames' wait in the RX ring,
 * which has to hold a whole period of traffic (rx_ring_full counts what
 * it could not).
 *
 * The sleep is clock_nanosleep(TIMER_ABSTIME) on that clock, in steps of
 * at most RX_PERIOD_STOP_STEP_NS so a stop request is seen within one
 * step however long the period: a sleep cannot wait on the stop eventfd.
 */
#ifndef XDP_HINTS_RX_PERIOD_H
#define XDP_HINTS_RX_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>

#include "run_stop.h"

#define RX_PERIOD_MIN_NS 10000ULL            /* 10 us */
#define RX_PERIOD_MAX_NS 10000000000ULL      /* 10 s */
#define RX_PERIOD_STOP_STEP_NS 100000000ULL  /* 100 ms */

/* What a thread's schedule saw; summed over threads for the reports. */
struct rx_period_stats {
	__u64 periods;          /* deadlines woken for, each followed by a drain */
	__u64 max_frames;       /* most frames taken in one period */
	__u64 missed_deadlines; /* deadlines passed by more than one period unserved */
	__u64 late_ns_max;      /* latest wake after a deadline, ns */
};

struct rx_period {
	__u64 period_ns;
	__u64 phase_ns;         /* < period_ns */
	clockid_t clock;
	__u64 next_ns;          /* the next deadline, on @clock */
	struct rx_period_stats stats;
};

/* The first deadline k*period + phase at or after @now_ns. */
__u64 rx_period_first_deadline(__u64 period_ns, __u64 phase_ns, __u64 now_ns);

/* Set up the schedule from the current time of @clock. 0 or -errno. */
int rx_period_start(struct rx_period *p, __u64 period_ns, __u64 phase_ns, clockid_t clock);

enum rx_period_wake {
	RX_PERIOD_DEADLINE, /* the deadline is reached: drain, then rx_period_done() */
	RX_PERIOD_STEP,     /* one step of a long period passed: other work, then wait again */
	RX_PERIOD_STOPPED,  /* the run's stop was requested */
};

/*
 * Sleep towards the next deadline, at most RX_PERIOD_STOP_STEP_NS at a
 * time: returns at the deadline, after such a step (so a caller with other
 * duties, a report or a statistics snapshot, gets to them), or at once
 * when @stop was requested. Deadlines slept through by more than one
 * period are counted in missed_deadlines and skipped, never served in a
 * burst.
 */
enum rx_period_wake rx_period_wait(struct rx_period *p, const struct run_stop *stop);

/* With a caller that has nothing else to do: wait until the deadline.
 * true at the deadline, false once @stop was requested. */
bool rx_period_wait_deadline(struct rx_period *p, const struct run_stop *stop);

/* A short description for the start-up line: "0.010 s" or "0.010 s,
 * phase 0.002 s", of @len bytes at most. */
void rx_period_describe(const struct rx_period *p, char *buf, size_t len);

/* After the drain of a period: account it and move to the next deadline. */
void rx_period_done(struct rx_period *p, __u64 frames);

/* @sum += @add (max fields take the larger). */
void rx_period_stats_add(struct rx_period_stats *sum, const struct rx_period_stats *add);

#endif
