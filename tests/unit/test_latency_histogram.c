// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Latency histogram against an exact oracle: random samples are recorded
 * and also sorted, and every reported percentile must lie within 1/128
 * (0.78%, the bound docs/user-guide.org promises) of the sorted sample at the
 * documented rank.
 *
 * Random data comes from splitmix64 seeded with LATENCY_TEST_SEED (or a
 * fixed default); the seed is printed so a failing run can be repeated. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latency_histogram.h"

#define SAMPLES 200000

static uint64_t base_seed = 0x6c6174656e637931ull;
static uint64_t rng_state;

static void rng_seed(uint64_t test_salt)
{
	rng_state = base_seed ^ (test_salt * 0x9e3779b97f4a7c15ull);
}

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53;
}

static double rng_gaussian(void)
{
	double u1 = 1.0 - rng_unit(); /* (0, 1]: log() stays finite */
	double u2 = rng_unit();

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static uint64_t rng_range(uint64_t low, uint64_t high) /* inclusive */
{
	uint64_t span = high - low + 1;

	return span ? low + rng_next() % span : rng_next();
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* |got - want| <= want / 128 (0.78%: half a sub-bucket of 1/64 of a power
 * of two, the bound the header and docs/user-guide.org promise), without overflow
 * anywhere in 0..UINT64_MAX. The bound is reached exactly at a power of two:
 * a looser check (1%) would let a misplaced representative through. */
static int within_promised_error(uint64_t got, uint64_t want)
{
	unsigned __int128 diff = got > want ? got - want : want - got;

	return diff * 128 <= (unsigned __int128)want;
}

static void assert_within_promised_error(uint64_t got, uint64_t want, const char *what)
{
	if (!within_promised_error(got, want))
		fail_msg("%s: got %" PRIu64 ", want %" PRIu64 " within 1/128 (0.78%%)", what, got, want);
}

/* The percentile as a fraction num/den, so the oracle's rank is exact. */
struct fraction {
	uint64_t num, den;
};

static const struct fraction checked_percentiles[] = {
	{ 1, 1000 }, { 1, 4 }, { 1, 2 }, { 3, 4 }, { 9, 10 }, { 99, 100 }, { 999, 1000 }, { 9999, 10000 },
};

/* Smallest sample v with at least num/den of the samples <= v. */
static uint64_t oracle_percentile(const uint64_t *sorted, size_t n, struct fraction f)
{
	uint64_t rank = (uint64_t)(((unsigned __int128)n * f.num + f.den - 1) / f.den);

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static void record_all(struct latency_histogram *h, const uint64_t *values, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		latency_histogram_record(h, values[i]);
}

/* Records the samples, then checks every statistic against the sorted copy. */
static void check_against_sorted(const uint64_t *samples, size_t n, const char *name)
{
	struct latency_histogram *h = malloc(sizeof(*h));
	uint64_t *sorted = malloc(n * sizeof(*sorted));
	unsigned __int128 sum = 0;
	struct latency_summary s;
	char what[96];
	size_t i;

	assert_non_null(h);
	assert_non_null(sorted);
	latency_histogram_init(h);
	record_all(h, samples, n);
	memcpy(sorted, samples, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_u64);
	for (i = 0; i < n; i++)
		sum += sorted[i];

	assert_int_equal(latency_histogram_count(h), n);
	assert_int_equal(latency_histogram_min(h), sorted[0]);
	assert_int_equal(latency_histogram_max(h), sorted[n - 1]);
	assert_true(latency_histogram_mean(h) == (double)((long double)sum / (long double)n));

	for (i = 0; i < sizeof(checked_percentiles) / sizeof(checked_percentiles[0]); i++) {
		struct fraction f = checked_percentiles[i];
		double p = 100.0 * (double)f.num / (double)f.den;

		snprintf(what, sizeof(what), "%s p%g", name, p);
		assert_within_promised_error(latency_histogram_percentile(h, p),
					  oracle_percentile(sorted, n, f), what);
	}
	assert_int_equal(latency_histogram_percentile(h, 0.0), sorted[0]);
	assert_int_equal(latency_histogram_percentile(h, 100.0), sorted[n - 1]);

	/* The one-pass summary must agree with the single look-ups. */
	latency_histogram_summarize(h, &s);
	assert_int_equal(s.count, n);
	assert_int_equal(s.min_ns, sorted[0]);
	assert_int_equal(s.max_ns, sorted[n - 1]);
	assert_true(s.mean_ns == latency_histogram_mean(h));
	assert_int_equal(s.p50_ns, latency_histogram_percentile(h, 50.0));
	assert_int_equal(s.p90_ns, latency_histogram_percentile(h, 90.0));
	assert_int_equal(s.p99_ns, latency_histogram_percentile(h, 99.0));
	assert_int_equal(s.p999_ns, latency_histogram_percentile(h, 99.9));

	free(sorted);
	free(h);
}

static uint64_t *sample_buffer(void)
{
	uint64_t *samples = malloc(SAMPLES * sizeof(*samples));

	assert_non_null(samples);
	return samples;
}

/* ---- layout ------------------------------------------------------------- */

/* Buckets tile 0..UINT64_MAX without gap or overlap, each value lands in
 * the bucket that claims it, and each bucket's representative is within 1/128
 * of both its ends, hence of every value in it. */
static void test_buckets_tile_full_range_within_promised_error(void **state)
{
	unsigned int i;

	(void)state;
	assert_int_equal(latency_histogram_bucket_lowest(0), 0);
	assert_true(latency_histogram_bucket_highest(LATENCY_HISTOGRAM_BUCKETS - 1) == UINT64_MAX);
	for (i = 0; i < LATENCY_HISTOGRAM_BUCKETS; i++) {
		uint64_t low = latency_histogram_bucket_lowest(i);
		uint64_t high = latency_histogram_bucket_highest(i);
		uint64_t rep = latency_histogram_bucket_representative(i);

		assert_true(low <= rep && rep <= high);
		assert_int_equal(latency_histogram_bucket_index(low), i);
		assert_int_equal(latency_histogram_bucket_index(high), i);
		if (i + 1 < LATENCY_HISTOGRAM_BUCKETS)
			assert_true(high + 1 == latency_histogram_bucket_lowest(i + 1));
		assert_within_promised_error(rep, low, "bucket lowest");
		assert_within_promised_error(rep, high, "bucket highest");
		if (low < LATENCY_HISTOGRAM_EXACT_LIMIT)
			assert_true(low == high);
	}
}

static void check_value_maps_within_promised_error(uint64_t value)
{
	unsigned int index = latency_histogram_bucket_index(value);
	uint64_t rep;
	char what[64];

	assert_in_range(index, 0, LATENCY_HISTOGRAM_BUCKETS - 1);
	assert_true(latency_histogram_bucket_lowest(index) <= value);
	assert_true(value <= latency_histogram_bucket_highest(index));
	rep = latency_histogram_bucket_representative(index);
	snprintf(what, sizeof(what), "value %" PRIu64, value);
	assert_within_promised_error(rep, value, what);
	if (value < LATENCY_HISTOGRAM_EXACT_LIMIT)
		assert_int_equal(rep, value);
}

static void test_power_of_two_boundaries(void **state)
{
	unsigned int k;

	(void)state;
	check_value_maps_within_promised_error(0);
	check_value_maps_within_promised_error(1);
	check_value_maps_within_promised_error(UINT64_MAX);
	for (k = 0; k < 64; k++) {
		uint64_t p = 1ull << k;

		check_value_maps_within_promised_error(p - 1);
		check_value_maps_within_promised_error(p);
		check_value_maps_within_promised_error(p + 1);
		/* Crossing a power of two never goes back to a lower bucket. */
		assert_true(latency_histogram_bucket_index(p - 1) < latency_histogram_bucket_index(p) ||
			    p == 1);
	}
}

static void test_index_monotonic_for_small_values(void **state)
{
	unsigned int previous = 0;
	uint64_t v;

	(void)state;
	for (v = 0; v < (1u << 20); v++) {
		unsigned int index = latency_histogram_bucket_index(v);

		assert_true(index == previous || index == previous + 1);
		previous = index;
	}
}

/* ---- percentile definition ---------------------------------------------- */

/* Values below 128 are exact, so the rank definition shows directly. */
static void test_percentile_rank_definition(void **state)
{
	struct latency_histogram h;
	uint64_t v;

	(void)state;
	latency_histogram_init(&h);
	for (v = 1; v <= 10; v++)
		latency_histogram_record(&h, v);
	assert_int_equal(latency_histogram_percentile(&h, 0.0), 1);
	assert_int_equal(latency_histogram_percentile(&h, 10.0), 1);
	assert_int_equal(latency_histogram_percentile(&h, 10.5), 2);
	assert_int_equal(latency_histogram_percentile(&h, 50.0), 5);
	assert_int_equal(latency_histogram_percentile(&h, 90.0), 9);
	assert_int_equal(latency_histogram_percentile(&h, 90.1), 10);
	assert_int_equal(latency_histogram_percentile(&h, 100.0), 10);
	assert_int_equal(latency_histogram_percentile(&h, 250.0), 10);
	assert_int_equal(latency_histogram_percentile(&h, -1.0), 1);
	assert_int_equal(latency_histogram_percentile(&h, NAN), 1);

	/* 99.9 is not exact in binary; 99.9% of 1000 samples is still rank 999. */
	latency_histogram_reset(&h);
	for (v = 0; v < 1000; v++)
		latency_histogram_record(&h, v < 999 ? 7 : 100);
	assert_int_equal(latency_histogram_percentile(&h, 99.9), 7);
	assert_int_equal(latency_histogram_percentile(&h, 99.95), 100);
}

/* An interval's histogram is the difference of two copies: exact counts,
 * sum and percentiles of only the later samples; min/max from their
 * buckets. */
static void test_subtract_gives_the_interval(void **state)
{
	static struct latency_histogram before, now, diff;

	(void)state;
	latency_histogram_init(&now);
	for (uint64_t v = 1; v <= 1000; v++)
		latency_histogram_record(&now, 100000 + v); /* ~100 us, earlier */
	before = now;
	for (uint64_t v = 1; v <= 100; v++)
		latency_histogram_record(&now, v * 10); /* 10..1000 ns, this interval */
	latency_histogram_subtract(&diff, &now, &before);
	assert_int_equal(latency_histogram_count(&diff), 100);
	assert_true(diff.sum_ns == 50500);
	assert_int_equal(latency_histogram_min(&diff), 10);
	/* 1000 ns lies in a bucket [992, 1007]: clamped to nothing higher
	 * than the bucket, and never beyond now's max. */
	assert_true(latency_histogram_max(&diff) >= 1000 && latency_histogram_max(&diff) <= 1007);
	assert_true(llabs((long long)latency_histogram_percentile(&diff, 50) - 500) <= 5);
	assert_true(latency_histogram_percentile(&diff, 99) <= 1007);

	/* Nothing new: an empty histogram. */
	latency_histogram_subtract(&diff, &now, &now);
	assert_int_equal(latency_histogram_count(&diff), 0);
	assert_int_equal(latency_histogram_max(&diff), 0);
	assert_int_equal(latency_histogram_percentile(&diff, 50), 0);
}

static void test_empty_histogram_reports_zero(void **state)
{
	struct latency_histogram h;
	struct latency_summary s;
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	(void)state;
	latency_histogram_init(&h);
	assert_int_equal(latency_histogram_count(&h), 0);
	assert_int_equal(latency_histogram_min(&h), 0);
	assert_int_equal(latency_histogram_max(&h), 0);
	assert_true(latency_histogram_mean(&h) == 0.0);
	assert_int_equal(latency_histogram_percentile(&h, 0.0), 0);
	assert_int_equal(latency_histogram_percentile(&h, 50.0), 0);
	assert_int_equal(latency_histogram_percentile(&h, 100.0), 0);
	memset(&s, 0xa5, sizeof(s));
	latency_histogram_summarize(&h, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.min_ns, 0);
	assert_true(s.mean_ns == 0.0);
	assert_int_equal(s.p50_ns | s.p90_ns | s.p99_ns | s.p999_ns | s.max_ns, 0);

	out = open_memstream(&text, &size);
	assert_non_null(out);
	assert_int_equal(latency_histogram_render(&h, out, 80), 0);
	fclose(out);
	assert_string_equal(text, "(no samples)\n");
	free(text);
}

/* ---- distributions against sorted data ---------------------------------- */

static void test_uniform(void **state)
{
	uint64_t *samples = sample_buffer();
	size_t i;

	(void)state;
	rng_seed(1);
	for (i = 0; i < SAMPLES; i++)
		samples[i] = rng_range(1000, 1000000);
	check_against_sorted(samples, SAMPLES, "uniform 1us..1ms");
	/* Small values too, where the exact buckets and the first log-linear
	 * ones meet. */
	for (i = 0; i < SAMPLES; i++)
		samples[i] = rng_range(0, 300);
	check_against_sorted(samples, SAMPLES, "uniform 0..300ns");
	free(samples);
}

static void test_exponential(void **state)
{
	uint64_t *samples = sample_buffer();
	size_t i;

	(void)state;
	rng_seed(2);
	for (i = 0; i < SAMPLES; i++)
		samples[i] = (uint64_t)(-25000.0 * log(1.0 - rng_unit()));
	check_against_sorted(samples, SAMPLES, "exponential mean 25us");
	free(samples);
}

static void test_log_normal(void **state)
{
	uint64_t *samples = sample_buffer();
	size_t i;

	(void)state;
	rng_seed(3);
	for (i = 0; i < SAMPLES; i++)
		samples[i] = (uint64_t)exp(log(15000.0) + 1.2 * rng_gaussian());
	check_against_sorted(samples, SAMPLES, "log-normal median 15us");
	free(samples);
}

/* 1% of samples are absurd (up to UINT64_MAX): p99.9 and max land there. */
static void test_huge_outliers(void **state)
{
	uint64_t *samples = sample_buffer();
	size_t i;

	(void)state;
	rng_seed(4);
	for (i = 0; i < SAMPLES; i++) {
		if (rng_next() % 100 == 0)
			samples[i] = rng_range(1ull << 40, UINT64_MAX);
		else
			samples[i] = (uint64_t)exp(log(20000.0) + 0.5 * rng_gaussian());
	}
	samples[SAMPLES / 2] = UINT64_MAX;
	samples[SAMPLES / 3] = 0;
	check_against_sorted(samples, SAMPLES, "outliers");
	free(samples);
}

/* Every power of two equally likely: all 64 exponents get traffic. */
static void test_log_uniform_full_range(void **state)
{
	uint64_t *samples = sample_buffer();
	size_t i;

	(void)state;
	rng_seed(5);
	for (i = 0; i < SAMPLES; i++)
		samples[i] = rng_next() >> (rng_next() % 64);
	check_against_sorted(samples, SAMPLES, "log-uniform 0..2^64");
	free(samples);
}

static void test_constant(void **state)
{
	static const uint64_t constants[] = { 0, 1, 127, 128, 12345, 1000000007, UINT64_MAX };
	uint64_t *samples = sample_buffer();
	struct latency_histogram h;
	size_t c, i;

	(void)state;
	for (c = 0; c < sizeof(constants) / sizeof(constants[0]); c++) {
		for (i = 0; i < SAMPLES; i++)
			samples[i] = constants[c];
		check_against_sorted(samples, SAMPLES, "constant");
		/* min == max pins every percentile to the exact value. */
		latency_histogram_init(&h);
		record_all(&h, samples, 1000);
		assert_int_equal(latency_histogram_percentile(&h, 50.0), constants[c]);
		assert_int_equal(latency_histogram_percentile(&h, 99.9), constants[c]);
	}
	free(samples);
}

/* The sum exceeds 64 bits; the mean must still be the exact quotient. */
static void test_mean_exact_beyond_64_bits(void **state)
{
	struct latency_histogram h;
	unsigned __int128 sum = (unsigned __int128)UINT64_MAX * 3 + 6;
	long double want = (long double)sum / 5.0L;

	(void)state;
	latency_histogram_init(&h);
	latency_histogram_record(&h, UINT64_MAX);
	latency_histogram_record(&h, UINT64_MAX);
	latency_histogram_record(&h, UINT64_MAX);
	latency_histogram_record(&h, 0);
	latency_histogram_record(&h, 6);
	assert_true(h.sum_ns == sum);
	assert_true(latency_histogram_mean(&h) == (double)want);
	assert_true(latency_histogram_mean(&h) > 1.1e19);
}

/* ---- merge, reset ------------------------------------------------------- */

static void assert_histograms_equal(const struct latency_histogram *a,
				    const struct latency_histogram *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->min_ns, b->min_ns);
	assert_int_equal(a->max_ns, b->max_ns);
	assert_true(a->sum_ns == b->sum_ns);
	assert_memory_equal(a->buckets, b->buckets, sizeof(a->buckets));
}

static void test_merge_equals_recording_into_one(void **state)
{
	struct latency_histogram *whole = malloc(sizeof(*whole));
	struct latency_histogram *parts = malloc(4 * sizeof(*parts));
	struct latency_histogram *merged = malloc(sizeof(*merged));
	size_t i;

	(void)state;
	assert_non_null(whole);
	assert_non_null(parts);
	assert_non_null(merged);
	rng_seed(6);
	latency_histogram_init(whole);
	for (i = 0; i < 4; i++)
		latency_histogram_init(&parts[i]);
	/* parts[3] stays empty: merging it must change nothing. */
	for (i = 0; i < SAMPLES; i++) {
		uint64_t v = rng_next() >> (rng_next() % 64);

		latency_histogram_record(whole, v);
		latency_histogram_record(&parts[rng_next() % 3], v);
	}

	latency_histogram_init(merged);
	for (i = 0; i < 4; i++)
		latency_histogram_merge(merged, &parts[i]);
	assert_histograms_equal(merged, whole);
	assert_int_equal(latency_histogram_percentile(merged, 99.0),
			 latency_histogram_percentile(whole, 99.0));

	/* Merging into a non-empty histogram, in another order. */
	*merged = parts[2];
	latency_histogram_merge(merged, &parts[3]);
	latency_histogram_merge(merged, &parts[0]);
	latency_histogram_merge(merged, &parts[1]);
	assert_histograms_equal(merged, whole);

	free(merged);
	free(parts);
	free(whole);
}

static void test_reset_forgets_everything(void **state)
{
	struct latency_histogram *h = malloc(sizeof(*h));
	struct latency_histogram *fresh = malloc(sizeof(*fresh));
	size_t i;

	(void)state;
	assert_non_null(h);
	assert_non_null(fresh);
	latency_histogram_init(fresh);
	latency_histogram_init(h);
	rng_seed(7);
	for (i = 0; i < 1000; i++)
		latency_histogram_record(h, rng_next());
	assert_int_equal(latency_histogram_count(h), 1000);

	latency_histogram_reset(h);
	assert_histograms_equal(h, fresh);
	assert_int_equal(latency_histogram_count(h), 0);
	assert_int_equal(latency_histogram_percentile(h, 50.0), 0);

	latency_histogram_record(h, 42);
	assert_int_equal(latency_histogram_min(h), 42);
	assert_int_equal(latency_histogram_max(h), 42);
	assert_int_equal(latency_histogram_percentile(h, 50.0), 42);
	free(fresh);
	free(h);
}

/* ---- render ------------------------------------------------------------- */

/* Renders into memory; returns the text and checks every line's width and
 * that the counts at the ends of the rows add up to the histogram's count. */
static char *render_checked(const struct latency_histogram *h, unsigned int width,
			    unsigned int *rows)
{
	char *text = NULL, *line, *end;
	uint64_t total = 0;
	size_t size = 0, first_bar_col = 0;
	FILE *out;

	out = open_memstream(&text, &size);
	assert_non_null(out);
	assert_int_equal(latency_histogram_render(h, out, width), 0);
	assert_int_equal(fclose(out), 0);
	/* The documented floor: narrower terminals still get 50 columns. */
	if (width < 50)
		width = 50;

	*rows = 0;
	for (line = text; *line; line = end + 1) {
		char *count_text;
		size_t cols = 0, bar_col = 0;

		end = strchr(line, '\n');
		assert_non_null(end);
		/* Columns, not bytes: "µs" is 3 bytes, 2 columns. */
		for (const char *p = line; p < end; p++) {
			if (*p == '|' && !bar_col)
				bar_col = cols + 1;
			cols += ((unsigned char)*p & 0xC0) != 0x80;
		}
		/* The bars start in one column, whatever the units' widths. */
		if (!*rows)
			first_bar_col = bar_col;
		else if (bar_col != first_bar_col)
			fail_msg("bar at column %zu, the first line's at %zu: %.*s", bar_col,
				 first_bar_col, (int)(end - line), line);
		if (cols > width)
			fail_msg("line of %zu columns, limit %u: %.*s", cols, width,
				 (int)(end - line), line);
		*end = '\0'; /* confine strrchr() to this line */
		count_text = strrchr(line, '|');
		assert_non_null(count_text);
		total += strtoull(count_text + 1, NULL, 10);
		*end = '\n';
		(*rows)++;
	}
	assert_int_equal(total, latency_histogram_count(h));
	return text;
}

static void test_render_shows_counts(void **state)
{
	struct latency_histogram h;
	unsigned int rows, i;
	char *text;

	(void)state;
	latency_histogram_init(&h);
	for (i = 0; i < 7; i++)
		latency_histogram_record(&h, 100);
	for (i = 0; i < 12345; i++)
		latency_histogram_record(&h, 1000000 + i);
	latency_histogram_record(&h, 3000000);

	text = render_checked(&h, 80, &rows);
	/* 100ns is in [64, 128), the rest up to [2^21, 2^22): 16 powers of two. */
	assert_int_equal(rows, 16);
	assert_non_null(strstr(text, "| 12345\n"));
	assert_non_null(strstr(text, "|     7\n"));
	assert_non_null(strstr(text, "|     1\n"));
	assert_non_null(strstr(text, "64ns - 128ns"));
	assert_non_null(strstr(text, "µs - "));
	/* The biggest row fills the bar, a lone sample still shows a mark. */
	assert_non_null(strstr(text, "|#     "));
	free(text);

	/* The full 64-bit range folds into at most 16 rows, still 80 columns. */
	latency_histogram_record(&h, 0);
	latency_histogram_record(&h, UINT64_MAX);
	text = render_checked(&h, 80, &rows);
	assert_in_range(rows, 2, 16);
	free(text);

	/* Narrow terminals get the minimum layout, not garbage. */
	text = render_checked(&h, 10, &rows);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_tile_full_range_within_promised_error),
		cmocka_unit_test(test_power_of_two_boundaries),
		cmocka_unit_test(test_index_monotonic_for_small_values),
		cmocka_unit_test(test_percentile_rank_definition),
		cmocka_unit_test(test_empty_histogram_reports_zero),
		cmocka_unit_test(test_subtract_gives_the_interval),
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_exponential),
		cmocka_unit_test(test_log_normal),
		cmocka_unit_test(test_huge_outliers),
		cmocka_unit_test(test_log_uniform_full_range),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_mean_exact_beyond_64_bits),
		cmocka_unit_test(test_merge_equals_recording_into_one),
		cmocka_unit_test(test_reset_forgets_everything),
		cmocka_unit_test(test_render_shows_counts),
	};
	const char *seed_text = getenv("LATENCY_TEST_SEED");

	if (seed_text)
		base_seed = strtoull(seed_text, NULL, 0);
	/* A TAP comment, so the runner ignores it. */
	printf("# latency histogram seed: LATENCY_TEST_SEED=0x%016" PRIx64 "\n", base_seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
