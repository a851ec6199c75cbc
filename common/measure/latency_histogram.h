/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Latency histogram for the per-packet path: log-linear buckets of 64-bit
 * nanosecond values, recorded in O(1) with no allocation, lock or floating
 * point, and read back as count/min/max/mean (exact) and percentiles (within
 * 1/128 = 0.78% of the true sample).
 *
 * Layout (HDR-style). Values 0..127 each have their own bucket, so they are
 * exact. Above that, every power of two [2^e, 2^(e+1)), e = 7..63, is split
 * into 64 linear sub-buckets of width 2^(e-6). A bucket is reported by its
 * midpoint, which is at most half a width, i.e. 2^(e-7), away from any value
 * in it; every such value is >= 2^e, so the relative error is <= 1/128
 * (0.78%) over the whole range 0..UINT64_MAX.
 *
 * 128 + 57 * 64 = 3776 buckets of 64-bit counters: sizeof(struct
 * latency_histogram) is 30256 bytes (29.5 KiB), fixed, no allocation.
 *
 * Not thread-safe by design: one histogram per queue (per thread); combine
 * them with latency_histogram_merge() when reporting.
 */
#ifndef XDP_HINTS_LATENCY_HISTOGRAM_H
#define XDP_HINTS_LATENCY_HISTOGRAM_H

#include <stdint.h>
#include <stdio.h>

#define LATENCY_HISTOGRAM_SUB_BITS 6 /* 64 sub-buckets per power of two */
#define LATENCY_HISTOGRAM_EXACT_LIMIT (2u << LATENCY_HISTOGRAM_SUB_BITS) /* 128 */
#define LATENCY_HISTOGRAM_BUCKETS \
	(LATENCY_HISTOGRAM_EXACT_LIMIT + \
	 (63 - LATENCY_HISTOGRAM_SUB_BITS) * (1u << LATENCY_HISTOGRAM_SUB_BITS)) /* 3776 */

struct latency_histogram {
	/* Exact sum: overflows only after 2^64 samples of UINT64_MAX. */
	unsigned __int128 sum_ns;
	uint64_t count;
	uint64_t min_ns; /* UINT64_MAX while empty */
	uint64_t max_ns; /* 0 while empty */
	uint64_t buckets[LATENCY_HISTOGRAM_BUCKETS];
};

/* One pass over the histogram; all zero for an empty one. */
struct latency_summary {
	uint64_t count;
	uint64_t min_ns;
	double mean_ns;
	uint64_t p50_ns;
	uint64_t p90_ns;
	uint64_t p99_ns;
	uint64_t p999_ns;
	uint64_t max_ns;
};

/* Bucket of a value. With shift = floor(log2(v | 127)) - 6, the top 7
 * significant bits of v (v >> shift, in 64..127 once v >= 128) select the
 * sub-bucket and shift selects the power of two. For v < 128 shift is 0 and
 * the index is v itself, so no branch is needed. */
static inline unsigned int latency_histogram_bucket_index(uint64_t value_ns)
{
	unsigned int shift = (63 - __builtin_clzll(value_ns | (LATENCY_HISTOGRAM_EXACT_LIMIT - 1))) -
			     LATENCY_HISTOGRAM_SUB_BITS;

	return (shift << LATENCY_HISTOGRAM_SUB_BITS) + (unsigned int)(value_ns >> shift);
}

/* Per-packet path: a handful of integer instructions. */
static inline void latency_histogram_record(struct latency_histogram *h, uint64_t value_ns)
{
	h->buckets[latency_histogram_bucket_index(value_ns)]++;
	h->count++;
	h->sum_ns += value_ns;
	if (value_ns < h->min_ns)
		h->min_ns = value_ns;
	if (value_ns > h->max_ns)
		h->max_ns = value_ns;
}

void latency_histogram_init(struct latency_histogram *h);
/* Same as init: forget every sample. */
void latency_histogram_reset(struct latency_histogram *h);
/* dst += src, as if every sample of src had been recorded into dst. */
void latency_histogram_merge(struct latency_histogram *dst, const struct latency_histogram *src);

/*
 * dst = now - before, where @before is an earlier copy of the histogram
 * @now (every count in it <= the one in @now): the samples recorded in
 * between, e.g. one report interval. Count, sum and buckets are exact; min
 * and max are the bounds of the lowest and highest non-empty bucket,
 * clamped to @now's exact min and max (within 1%, like a percentile).
 */
void latency_histogram_subtract(struct latency_histogram *dst, const struct latency_histogram *now,
				const struct latency_histogram *before);

uint64_t latency_histogram_count(const struct latency_histogram *h);
/* Exact; 0 when empty. */
uint64_t latency_histogram_min(const struct latency_histogram *h);
uint64_t latency_histogram_max(const struct latency_histogram *h);
/* Exact sum / count, rounded once to double; 0 when empty. */
double latency_histogram_mean(const struct latency_histogram *h);

/* The p-th percentile, p in percent. Target: the smallest recorded value v
 * such that at least p% of the samples are <= v, i.e. the sample of rank
 * ceil(p/100 * count) (1-based) in sorted order. p is taken to 1e-7 percent
 * (so 99.9 is exact). Returned: the midpoint of that sample's bucket clamped
 * to [min, max], within 1/128 (0.78%) of the true sample (exact below 128 ns).
 * p <= 0 (or NaN) gives min, p >= 100 gives max, an empty histogram gives 0. */
uint64_t latency_histogram_percentile(const struct latency_histogram *h, double p);

void latency_histogram_summarize(const struct latency_histogram *h, struct latency_summary *out);

/* Values a bucket stands for: [lowest, highest], reported as representative. */
uint64_t latency_histogram_bucket_lowest(unsigned int index);
uint64_t latency_histogram_bucket_highest(unsigned int index);
uint64_t latency_histogram_bucket_representative(unsigned int index);

/* Terminal view: one row per log-spaced range from min to max (at most 16
 * rows, each a power of two or a run of them), with a bar and the count,
 * lines no longer than width columns (at least 50 are used). An empty
 * histogram prints one "(no samples)" line. Returns 0 or -EIO. */
int latency_histogram_render(const struct latency_histogram *h, FILE *out, unsigned int width);

#endif
