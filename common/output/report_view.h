/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What one report shows, the data both formats read: the run's facts
 * (report_run), the counts prepared by report_print() (report_view), and
 * the helpers both use (rates, the timestamp). report_text.c and
 * report_json.c format a report_view; report.c, above them, prepares it
 * and picks the format.
 */
#ifndef XDP_HINTS_REPORT_VIEW_H
#define XDP_HINTS_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "hint_decoder.h"
#include "rx_stats.h"

struct tx_cycle_stats;

/* Bumped whenever a key changes meaning or disappears (adding one does
 * not): schema/af_xdp_user.schema.json describes this version. */
#define REPORT_SCHEMA_VERSION 1

/* The tool's version, from the Makefile's VERSION. */
#ifndef XDP_HINTS_VERSION
#define XDP_HINTS_VERSION "unknown"
#endif

/*
 * What receiving cost in CPU time over what a report covers (an interval,
 * or the whole run in the final report): the receiving threads' user and
 * system seconds (the main thread, or the --threads receive threads), and
 * the XDP program's own nanoseconds per run from the kernel's BPF
 * run-time statistics. busy_pct and ns_per_packet follow from the
 * report's seconds and packets (report_cpu_busy_pct(), report_cpu_ns_per_packet()).
 */
struct report_cpu {
	double user_s;
	double system_s;
	double xdp_ns_per_packet; /* < 0: unknown (statistics off, no run counted) */
};

/*
 * --rx-period, in the final report: the schedule and what it met. With
 * --threads every thread keeps the schedule: periods is the most any
 * thread served, missed_deadlines their sum, the maxima over all.
 */
struct report_period {
	double period_s;
	double phase_s;
	__u64 periods;          /* deadlines served, each followed by a drain */
	__u64 max_frames;       /* most frames one drain took */
	__u64 missed_deadlines; /* passed by more than one period, unserved */
	__u64 late_ns_max;      /* latest wake after its deadline */
};

/*
 * The UMEM of the run, in the final report: how it was laid out and, with
 * --umem shared, what its free pool did (rx/frame_pool.h).
 */
struct report_umem {
	bool shared;            /* --umem shared: one UMEM for every queue */
	__u32 umems;            /* 1, or one per queue */
	__u32 frames;           /* in each UMEM */
	__u32 frame_size;       /* bytes */
	__u32 tx_frames;        /* of them (the first queue's UMEM), for TX */
	/* --umem shared only: */
	__u32 floor;            /* frames a queue owns at least */
	__u32 cap;              /* ... at most */
	__u32 pool_frames;      /* free at start-up */
	__u32 pool_free;        /* free at the end */
	/* Fewest free; with --threads the sum of each slice's and the
	 * spill's fewest, which need not fall at one moment: a lower bound. */
	__u32 pool_low_water;
	/* --threads: slices (0 without), each one's frames at start-up,
	 * frames they took from the spill and gave back to it. */
	__u32 slices;
	__u32 slice_frames;
	__u64 spill_taken;
	__u64 spill_given;
};

struct report_run {
	const char *dev;
	int ifindex;
	const char *xdp_mode;   /* "native" | "generic" | "none" */
	const char *bind_mode;  /* "copy" | "zero-copy" */
	const char *rx_mode;    /* "wakeup" | "spin" | "busy-poll" */
	const char *clock;      /* "monotonic" | "tai": of rx times and latencies */
	bool multi_buffer;      /* sockets bound with XDP_USE_SG (--frags) */
	double duration_s;      /* since the start of the run */
	/* Interval reports: the seconds since the previous report (or the
	 * start), the time the interval's counts and rates cover. */
	double interval_s;
	unsigned int interval_index; /* 0 for the first interval report */
	bool rx;                /* false with --tx --no-rx: no RX sections */
	bool all_queues;        /* --all-queues: -e shows idle queues too */
	/* With --tx, in the final report only (the TX thread has stopped):
	 * a "tx" line / TX lines. NULL otherwise. */
	const struct tx_cycle_stats *tx;
	/* The receiving threads' CPU cost; NULL: not measured (left out). */
	const struct report_cpu *cpu;
	/* --rx-period, final report only; NULL otherwise. */
	const struct report_period *period;
	/* Final report only; NULL otherwise. */
	const struct report_umem *umem;
};

enum report_kind {
	REPORT_INTERVAL,
	REPORT_FINAL,
};

enum report_style {
	REPORT_COMPACT,  /* one line per interval, a summary at the end */
	REPORT_EXTENDED, /* every counter, per queue, every report */
	REPORT_JSON,     /* one JSON object per line */
};

/*
 * What one report shows, prepared by report_print(): for an interval the
 * counts of the interval itself (@queues, @total) and the cumulative ones
 * since the start (@cumulative, @cumulative_total); for the final report
 * both are the cumulative counts. @seconds is the time @queues cover,
 * the divisor of every rate.
 */
struct report_view {
	enum report_kind kind;
	const struct report_run *run;
	const struct hint_decoder *dec;
	size_t n_queues;
	const struct queue_rx_stats *const *queues;
	const struct queue_rx_stats *total;
	const struct queue_rx_stats *const *cumulative;
	const struct queue_rx_stats *cumulative_total;
	double seconds;
};

/* Events per second over @seconds; 0 when no time passed. */
static inline double report_rate(__u64 count, double seconds)
{
	return seconds > 0 ? (double)count / seconds : 0.0;
}

/*
 * rx_pps of @s in the report @v: in an interval report the packets over
 * the interval's @seconds; in the final report over the time the queue was
 * receiving (first to last batch dequeued), so that traffic shorter than
 * the run shows its own rate. With --rx-period a drain takes what arrived
 * over the period before it, so that span is one period longer (else all
 * of a run's frames, taken in one drain of some microseconds, would make a
 * rate of millions); never longer than @seconds. A queue with one batch or
 * none, and no period: over @seconds.
 */
static inline double report_rx_pps(const struct queue_rx_stats *s, const struct report_view *v,
				   double seconds)
{
	double span_ns;

	if (v->kind != REPORT_FINAL || !s->first_rx_ns)
		return report_rate(s->packets, seconds);
	span_ns = (double)(s->last_rx_ns - s->first_rx_ns);
	if (v->run && v->run->period)
		span_ns += v->run->period->period_s * 1e9;
	if (span_ns <= 0 || span_ns > seconds * 1e9)
		return report_rate(s->packets, seconds);
	return (double)s->packets * 1e9 / span_ns;
}

/* Receiving threads' CPU time as a percentage of one CPU over @seconds;
 * 0 when no time passed. */
static inline double report_cpu_busy_pct(const struct report_cpu *c, double seconds)
{
	return seconds > 0 ? (c->user_s + c->system_s) * 100.0 / seconds : 0.0;
}

/* Receiving threads' CPU nanoseconds per packet received; < 0 without a
 * packet (unknown, not zero). */
static inline double report_cpu_ns_per_packet(const struct report_cpu *c, __u64 packets)
{
	return packets ? (c->user_s + c->system_s) * 1e9 / (double)packets : -1.0;
}

/*
 * The wall-clock time now as RFC 3339 UTC with milliseconds
 * ("2026-12-01T01:23:45.678Z") into @buf of at least 32 bytes.
 */
void report_timestamp(char *buf, size_t len);

#endif
