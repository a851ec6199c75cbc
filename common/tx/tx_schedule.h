/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Deadlines of a time-triggered sender: a grid start + k * period on
 * CLOCK_MONOTONIC, kept as a normalised timespec because that is what
 * clock_nanosleep(TIMER_ABSTIME) takes. The next deadline is always the
 * previous one plus the period, never "now + period", so wake-up delays do
 * not accumulate: after a million cycles the deadline is exactly
 * start + 10^6 * period. A cycle that overran whole periods skips the
 * grid points already in the past (counted) instead of sending a burst.
 */
#ifndef XDP_HINTS_TX_SCHEDULE_H
#define XDP_HINTS_TX_SCHEDULE_H

#include <stdint.h>
#include <time.h>

#define TX_NS_PER_SEC 1000000000LL

struct tx_schedule {
	struct timespec deadline; /* next wake-up, tv_nsec in [0, 1e9) */
	uint64_t period_ns;       /* > 0 */
	uint64_t index;           /* grid index of deadline: start + index * period */
	uint64_t skipped;         /* grid points passed over after overruns */
};

/* Bring tv_nsec into [0, 1e9), carrying into tv_sec (either sign). */
void tx_timespec_normalize(struct timespec *ts);
/* *ts += ns, normalised. */
void tx_timespec_add_ns(struct timespec *ts, uint64_t ns);
/* a - b in ns (negative when a is earlier). */
int64_t tx_timespec_diff_ns(const struct timespec *a, const struct timespec *b);

/* First deadline @start, then every @period_ns. */
void tx_schedule_init(struct tx_schedule *s, const struct timespec *start,
		      uint64_t period_ns);

/*
 * Move to the next grid point after the cycle that ran for deadline. If
 * that point is already earlier than @now (the cycle, or the wake-up,
 * took longer than a period), skip ahead to the first grid point at or
 * after @now. Returns the number of grid points skipped.
 */
uint64_t tx_schedule_advance(struct tx_schedule *s, const struct timespec *now);

#endif
