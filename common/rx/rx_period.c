// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Scheduled bulk receive: the sleep between drains (see rx_period.h). */
#include <errno.h>
#include <stdio.h>

#include "rx_period.h"

#define NS_PER_S 1000000000ULL

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * NS_PER_S + (__u64)ts.tv_nsec;
}

__u64 rx_period_first_deadline(__u64 period_ns, __u64 phase_ns, __u64 now_ns)
{
	__u64 k;

	if (now_ns <= phase_ns)
		return phase_ns;
	k = (now_ns - phase_ns + period_ns - 1) / period_ns;
	return k * period_ns + phase_ns;
}

int rx_period_start(struct rx_period *p, __u64 period_ns, __u64 phase_ns, clockid_t clock)
{
	struct timespec ts;

	if (period_ns < RX_PERIOD_MIN_NS || period_ns > RX_PERIOD_MAX_NS || phase_ns >= period_ns)
		return -EINVAL;
	if (clock_gettime(clock, &ts))
		return -errno;
	*p = (struct rx_period){ .period_ns = period_ns, .phase_ns = phase_ns, .clock = clock };
	p->next_ns = rx_period_first_deadline(period_ns, phase_ns, clock_ns(clock));
	return 0;
}

enum rx_period_wake rx_period_wait(struct rx_period *p, const struct run_stop *stop)
{
	bool stepped = false;

	for (;;) {
		__u64 now = clock_ns(p->clock);
		__u64 wake_at, late;
		struct timespec ts;

		if (run_stop_requested(stop))
			return RX_PERIOD_STOPPED;
		if (now >= p->next_ns) {
			late = now - p->next_ns;
			if (late > p->period_ns) {
				/* Slept through deadlines (a stopped process, a
				 * preempted thread): count them, serve only this one. */
				p->stats.missed_deadlines += late / p->period_ns;
				p->next_ns += late / p->period_ns * p->period_ns;
				late %= p->period_ns;
			}
			if (late > p->stats.late_ns_max)
				p->stats.late_ns_max = late;
			return RX_PERIOD_DEADLINE;
		}
		if (stepped)
			return RX_PERIOD_STEP;
		wake_at = p->next_ns;
		if (wake_at - now > RX_PERIOD_STOP_STEP_NS) {
			wake_at = now + RX_PERIOD_STOP_STEP_NS;
			stepped = true;
		}
		ts.tv_sec = (time_t)(wake_at / NS_PER_S);
		ts.tv_nsec = (long)(wake_at % NS_PER_S);
		/* EINTR (a signal for the main thread) just loops: the stop it
		 * may carry is read above. */
		clock_nanosleep(p->clock, TIMER_ABSTIME, &ts, NULL);
	}
}

bool rx_period_wait_deadline(struct rx_period *p, const struct run_stop *stop)
{
	enum rx_period_wake wake;

	while ((wake = rx_period_wait(p, stop)) == RX_PERIOD_STEP)
		;
	return wake == RX_PERIOD_DEADLINE;
}

void rx_period_describe(const struct rx_period *p, char *buf, size_t len)
{
	if (p->phase_ns)
		snprintf(buf, len, "%.6g s, phase %.6g s", (double)p->period_ns / 1e9,
			 (double)p->phase_ns / 1e9);
	else
		snprintf(buf, len, "%.6g s", (double)p->period_ns / 1e9);
}

void rx_period_done(struct rx_period *p, __u64 frames)
{
	p->stats.periods++;
	if (frames > p->stats.max_frames)
		p->stats.max_frames = frames;
	p->next_ns += p->period_ns;
}

void rx_period_stats_add(struct rx_period_stats *sum, const struct rx_period_stats *add)
{
	sum->periods += add->periods;
	sum->missed_deadlines += add->missed_deadlines;
	if (add->max_frames > sum->max_frames)
		sum->max_frames = add->max_frames;
	if (add->late_ns_max > sum->late_ns_max)
		sum->late_ns_max = add->late_ns_max;
}
