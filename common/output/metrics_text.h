/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's statistics as metrics for Prometheus (--metrics), in
 * the Prometheus text exposition format 0.0.4 or in OpenMetrics 1.0
 * (https://prometheus.io/docs/instrumenting/exposition_formats/,
 * https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md).
 * Every series carries dev="IFNAME" and, per queue, queue="N":
 *
 *   af_xdp_user_run_info                 1, with xdp_mode, bind_mode, rx_mode
 *   af_xdp_user_packets_total            frames received on the AF_XDP socket
 *   af_xdp_user_hint_packets_total       ... by layout (a hint struct's name,
 *                                        "none": no hint, "unknown": an unknown btf_id)
 *   af_xdp_user_clock_backwards_total    rx_ktime in our future: not timed
 *   af_xdp_user_mark_mismatch_total      a mark hint naming another queue
 *   af_xdp_user_xsk_drops_total          frames the socket dropped, cause =
 *                                        the XDP_STATISTICS name: rx_dropped,
 *                                        rx_ring_full, rx_invalid_descs
 *   af_xdp_user_xsk_rx_fill_ring_empty_descs_total  (XDP_STATISTICS)
 *   af_xdp_user_xdp_{seen,stamped,meta_failed,redirected,redirect_failed,passed}_total
 *                                        the XDP program's per-queue counters
 *   af_xdp_user_latency_seconds          histogram of the XDP-to-userspace
 *                                        latency, core = same|remote|unknown
 *   af_xdp_user_hw_to_xdp_seconds        histogram of the NIC-to-XDP delay
 *   af_xdp_user_receiver_cpu_seconds_total  the receiving threads' CPU time
 *                                        since the start, mode = user|system
 *   process_cpu_seconds_total            the whole process's user + system
 *                                        time (the name every exporter uses,
 *                                        no prefix, no labels)
 *
 * Histogram buckets: the fixed bounds below (1-2-5 steps, 100 ns to 1 s,
 * and +Inf), in seconds. They are derived from the tool's log-linear
 * histogram (latency_histogram.h), whose buckets are 1/64 of a power of
 * two wide: a latency counts towards a bound when its whole histogram
 * bucket lies at or below the bound, so a latency within 0.8% under a
 * bound may be counted in the next one, never in an earlier one. _sum and
 * _count are exact.
 */
#ifndef XDP_HINTS_METRICS_TEXT_H
#define XDP_HINTS_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hint_decoder.h"
#include "latency_histogram.h"
#include "rx_stats.h"

#define METRICS_BUCKET_BOUNDS 22
/* Upper bounds (inclusive) in ns: 100 ns, 200 ns, 500 ns, 1 us, ... 1 s. */
extern const uint64_t metrics_bucket_bounds_ns[METRICS_BUCKET_BOUNDS];

enum metrics_format {
	METRICS_PROMETHEUS_TEXT, /* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS,     /* application/openmetrics-text; version=1.0.0 */
};

/* What holds for the whole run; strings not owned. */
struct metrics_run {
	const char *dev;
	const char *xdp_mode;
	const char *bind_mode;
	const char *rx_mode;
};

/* CPU time, read by the caller when it formats (metrics_text_write()). */
struct metrics_cpu {
	uint64_t process_ns;         /* getrusage(RUSAGE_SELF): user + system */
	bool has_receiver;           /* false: the receiver's series are left out */
	uint64_t receiver_user_ns;   /* the receiving threads', since the start */
	uint64_t receiver_system_ns;
};

/*
 * Cumulative bucket counts of @h for metrics_bucket_bounds_ns:
 * @cumulative[i] = latencies whose histogram bucket lies wholly at or below
 * bound i. The +Inf bucket is h->count.
 */
void metrics_histogram_buckets(const struct latency_histogram *h,
			       uint64_t cumulative[METRICS_BUCKET_BOUNDS]);

/*
 * Write every metric of @queues (@n_queues statistics, counters of the
 * kernel filled in) and of @cpu (NULL: no CPU series) in @format to @out.
 * @dec names the layouts. Returns 0 or -EIO when @out reports an error.
 */
int metrics_text_write(FILE *out, enum metrics_format format, const struct metrics_run *run,
		       const struct hint_decoder *dec,
		       const struct queue_rx_stats *const *queues, size_t n_queues,
		       const struct metrics_cpu *cpu);

#endif
