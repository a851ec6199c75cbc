// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "tx_schedule.h"

void tx_timespec_normalize(struct timespec *ts)
{
	ts->tv_sec += ts->tv_nsec / TX_NS_PER_SEC;
	ts->tv_nsec %= TX_NS_PER_SEC;
	/* C division truncates toward zero: a negative remainder borrows. */
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += TX_NS_PER_SEC;
		ts->tv_sec--;
	}
}

void tx_timespec_add_ns(struct timespec *ts, uint64_t ns)
{
	/* Whole seconds first: ns may not fit in tv_nsec (a long). */
	ts->tv_sec += (time_t)(ns / TX_NS_PER_SEC);
	ts->tv_nsec += (long)(ns % TX_NS_PER_SEC);
	tx_timespec_normalize(ts);
}

int64_t tx_timespec_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(a->tv_sec - b->tv_sec) * TX_NS_PER_SEC +
	       (int64_t)(a->tv_nsec - b->tv_nsec);
}

void tx_schedule_init(struct tx_schedule *s, const struct timespec *start,
		      uint64_t period_ns)
{
	s->deadline = *start;
	tx_timespec_normalize(&s->deadline);
	s->period_ns = period_ns ? period_ns : 1;
	s->index = 0;
	s->skipped = 0;
}

uint64_t tx_schedule_advance(struct tx_schedule *s, const struct timespec *now)
{
	int64_t late_ns;
	uint64_t skip = 0;

	tx_timespec_add_ns(&s->deadline, s->period_ns);
	s->index++;
	late_ns = tx_timespec_diff_ns(now, &s->deadline);
	if (late_ns > 0) {
		/* Smallest skip with deadline + skip * period >= now. */
		skip = ((uint64_t)late_ns + s->period_ns - 1) / s->period_ns;
		/* One multiplication, not skip additions: exact and O(1). */
		tx_timespec_add_ns(&s->deadline, skip * s->period_ns);
		s->index += skip;
		s->skipped += skip;
	}
	return skip;
}
