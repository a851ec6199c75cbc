// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Latency histogram: everything off the per-packet path (reading,
 * merging, rendering). Recording is inline in the header. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "latency_histogram.h"

#define SUB_BUCKETS (1u << LATENCY_HISTOGRAM_SUB_BITS)
#define RENDER_MAX_ROWS 16
#define RENDER_MIN_WIDTH 50
#define PPB 1000000000u /* percentiles are resolved to parts per 1e9 */

_Static_assert(sizeof(struct latency_histogram) <= 32 * 1024,
	       "latency histogram is kept per queue and mode: keep it small");

void latency_histogram_init(struct latency_histogram *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = UINT64_MAX;
}

void latency_histogram_reset(struct latency_histogram *h)
{
	latency_histogram_init(h);
}

void latency_histogram_merge(struct latency_histogram *dst, const struct latency_histogram *src)
{
	unsigned int i;

	/* Reports merge many empty histograms: nothing to add. */
	if (!src->count)
		return;
	for (i = 0; i < LATENCY_HISTOGRAM_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	/* An empty src holds min UINT64_MAX / max 0, which change nothing. */
	if (src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

void latency_histogram_subtract(struct latency_histogram *dst, const struct latency_histogram *now,
				const struct latency_histogram *before)
{
	unsigned int i, first = LATENCY_HISTOGRAM_BUCKETS, last = 0;

	latency_histogram_init(dst);
	if (now->count == before->count)
		return; /* nothing recorded in between */
	for (i = 0; i < LATENCY_HISTOGRAM_BUCKETS; i++) {
		dst->buckets[i] = now->buckets[i] - before->buckets[i];
		if (!dst->buckets[i])
			continue;
		if (first == LATENCY_HISTOGRAM_BUCKETS)
			first = i;
		last = i;
	}
	dst->count = now->count - before->count;
	dst->sum_ns = now->sum_ns - before->sum_ns;
	if (!dst->count)
		return;
	/* The exact extremes of the difference are gone; their buckets are
	 * known, and so are the exact extremes of everything in @now. */
	dst->min_ns = latency_histogram_bucket_lowest(first);
	if (dst->min_ns < now->min_ns)
		dst->min_ns = now->min_ns;
	dst->max_ns = latency_histogram_bucket_highest(last);
	if (dst->max_ns > now->max_ns)
		dst->max_ns = now->max_ns;
}

uint64_t latency_histogram_count(const struct latency_histogram *h)
{
	return h->count;
}

uint64_t latency_histogram_min(const struct latency_histogram *h)
{
	return h->count ? h->min_ns : 0;
}

uint64_t latency_histogram_max(const struct latency_histogram *h)
{
	return h->count ? h->max_ns : 0;
}

double latency_histogram_mean(const struct latency_histogram *h)
{
	if (!h->count)
		return 0.0;
	/* long double keeps the 128-bit sum to 64 significant bits before the
	 * one rounding to double. */
	return (double)((long double)h->sum_ns / (long double)h->count);
}

/* Inverse of latency_histogram_bucket_index(): index = shift * 64 + m with
 * m = top 7 bits of the value, in 64..127 for the log-linear part. */
static unsigned int bucket_shift(unsigned int index)
{
	if (index < LATENCY_HISTOGRAM_EXACT_LIMIT)
		return 0;
	return (index >> LATENCY_HISTOGRAM_SUB_BITS) - 1;
}

uint64_t latency_histogram_bucket_lowest(unsigned int index)
{
	if (index < LATENCY_HISTOGRAM_EXACT_LIMIT)
		return index;
	return (uint64_t)((index & (SUB_BUCKETS - 1)) | SUB_BUCKETS) << bucket_shift(index);
}

uint64_t latency_histogram_bucket_highest(unsigned int index)
{
	return latency_histogram_bucket_lowest(index) + ((1ull << bucket_shift(index)) - 1);
}

uint64_t latency_histogram_bucket_representative(unsigned int index)
{
	/* The midpoint halves the worst case error of the lower bound. */
	return latency_histogram_bucket_lowest(index) + ((1ull << bucket_shift(index)) >> 1);
}

/* Sorted position (1-based) of the p-th percentile, 0 < p < 100. p goes
 * through an integer (parts per 1e9) so that e.g. 99.9% of 1000 samples is
 * rank 999, not 1000 because 99.9 is not exact in binary. */
static uint64_t percentile_rank(uint64_t count, double p)
{
	uint64_t parts = (uint64_t)llround(p * (PPB / 100));
	uint64_t rank = (uint64_t)(((unsigned __int128)count * parts + (PPB - 1)) / PPB);

	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	return rank;
}

static uint64_t clamp_to_range(const struct latency_histogram *h, uint64_t value)
{
	if (value < h->min_ns)
		return h->min_ns;
	if (value > h->max_ns)
		return h->max_ns;
	return value;
}

/* Values at ranks[0..n) (ascending) in one walk over the buckets. The true
 * sample of a rank lies in the bucket where the running count reaches it;
 * clamping its midpoint to [min, max] only moves it closer to that sample. */
static void values_at_ranks(const struct latency_histogram *h, const uint64_t *ranks,
			    uint64_t *values, unsigned int n)
{
	uint64_t seen = 0;
	unsigned int i, done = 0;

	for (i = 0; i < LATENCY_HISTOGRAM_BUCKETS && done < n; i++) {
		seen += h->buckets[i];
		while (done < n && seen >= ranks[done])
			values[done++] = clamp_to_range(h, latency_histogram_bucket_representative(i));
	}
	/* Unreachable while count == sum of buckets; stay within range anyway. */
	while (done < n)
		values[done++] = h->max_ns;
}

uint64_t latency_histogram_percentile(const struct latency_histogram *h, double p)
{
	uint64_t rank, value;

	if (!h->count)
		return 0;
	if (!(p > 0.0))
		return h->min_ns;
	if (p >= 100.0)
		return h->max_ns;
	rank = percentile_rank(h->count, p);
	values_at_ranks(h, &rank, &value, 1);
	return value;
}

void latency_histogram_summarize(const struct latency_histogram *h, struct latency_summary *out)
{
	static const double percents[] = { 50.0, 90.0, 99.0, 99.9 };
	uint64_t ranks[4], values[4];
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!h->count)
		return;
	for (i = 0; i < 4; i++)
		ranks[i] = percentile_rank(h->count, percents[i]);
	values_at_ranks(h, ranks, values, 4);

	out->count = h->count;
	out->min_ns = h->min_ns;
	out->mean_ns = latency_histogram_mean(h);
	out->p50_ns = values[0];
	out->p90_ns = values[1];
	out->p99_ns = values[2];
	out->p999_ns = values[3];
	out->max_ns = h->max_ns;
}

/* ---- rendering ---------------------------------------------------------- */

/* Rows are powers of two: row 0 is [0, 2), row e >= 1 is [2^e, 2^(e+1)).
 * Every bucket lies inside one of them, so row counts are exact. */
static unsigned int row_of(uint64_t value)
{
	return value < 2 ? 0 : 63 - __builtin_clzll(value);
}

static long double row_start(unsigned int row)
{
	return row == 0 ? 0.0L : ldexpl(1.0L, (int)row);
}

/* At most 10 columns: "999ns", "1.02µs", "10.2ms", "512s", "1.84e+10s"
 * (µ is two bytes of UTF-8, one column). */
static void format_ns(char *buf, size_t size, long double ns)
{
	static const char *const units[] = { "ns", "µs", "ms", "s" };
	unsigned int unit = 0;

	while (unit < 3 && ns >= 1000.0L) {
		ns /= 1000.0L;
		unit++;
	}
	if (unit == 0)
		snprintf(buf, size, "%.0Lf%s", ns, units[unit]);
	else if (ns >= 1000.0L)
		snprintf(buf, size, "%.3Lg%s", ns, units[unit]);
	else if (ns >= 100.0L)
		snprintf(buf, size, "%.0Lf%s", ns, units[unit]);
	else if (ns >= 10.0L)
		snprintf(buf, size, "%.1Lf%s", ns, units[unit]);
	else
		snprintf(buf, size, "%.2Lf%s", ns, units[unit]);
}

/* @s padded with spaces to @width display columns, on the left (@right)
 * or on the right: printf's widths count bytes, and µ takes two. */
static void put_padded(FILE *out, const char *s, unsigned int width, bool right)
{
	unsigned int cols = 0;

	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xC0) != 0x80; /* not a continuation byte */
	if (right)
		fputs(s, out);
	for (; cols < width; cols++)
		fputc(' ', out);
	if (!right)
		fputs(s, out);
}

static unsigned int decimal_digits(uint64_t value)
{
	unsigned int digits = 1;

	while (value >= 10) {
		value /= 10;
		digits++;
	}
	return digits;
}

int latency_histogram_render(const struct latency_histogram *h, FILE *out, unsigned int width)
{
	uint64_t row_counts[RENDER_MAX_ROWS] = { 0 };
	unsigned int first, span, group, rows, count_width, bar_width, i, j;
	uint64_t biggest = 0;
	char low[24], high[24], bar[512];

	if (!h->count) {
		fprintf(out, "(no samples)\n");
		return ferror(out) ? -EIO : 0;
	}

	first = row_of(h->min_ns);
	span = row_of(h->max_ns) - first + 1;
	/* Wide distributions fold several powers of two into one row. */
	group = (span + RENDER_MAX_ROWS - 1) / RENDER_MAX_ROWS;
	rows = (span + group - 1) / group;

	for (i = 0; i < LATENCY_HISTOGRAM_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		row_counts[(row_of(latency_histogram_bucket_lowest(i)) - first) / group] +=
			h->buckets[i];
	}
	for (i = 0; i < rows; i++)
		if (row_counts[i] > biggest)
			biggest = row_counts[i];

	/* "%10s - %-10s |" + bar + "| " + count */
	count_width = decimal_digits(biggest);
	if (width < RENDER_MIN_WIDTH)
		width = RENDER_MIN_WIDTH;
	bar_width = width - (10 + 3 + 10 + 2) - 2 - count_width;
	if (bar_width >= sizeof(bar))
		bar_width = sizeof(bar) - 1;

	for (i = 0; i < rows; i++) {
		unsigned int row = first + i * group;
		/* Round up so that a row holding one sample still shows a mark. */
		unsigned int filled = (unsigned int)(((unsigned __int128)row_counts[i] * bar_width +
						      biggest - 1) / biggest);

		for (j = 0; j < bar_width; j++)
			bar[j] = j < filled ? '#' : ' ';
		bar[bar_width] = '\0';
		format_ns(low, sizeof(low), row_start(row));
		format_ns(high, sizeof(high), row_start(row + group));
		put_padded(out, low, 10, false);
		fputs(" - ", out);
		put_padded(out, high, 10, true);
		fprintf(out, " |%s| %*llu\n", bar, (int)count_width,
			(unsigned long long)row_counts[i]);
	}
	return ferror(out) ? -EIO : 0;
}
