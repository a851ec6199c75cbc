// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Cost of latency_histogram_record(), the one statistics call on the
 * per-packet path. A plain loop, so that `valgrind --tool=callgrind` can
 * count its instructions; the ns/record printed from clock_gettime() is
 * only an indication (no hardware counters here).
 *
 *   bench_histogram [RECORDS]    (default 10000000)
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "latency_histogram.h"
#include "parse_num.h"
#include "mono_clock.h"

/* Latencies are drawn up front from a small table (it stays in L1) so the
 * loop measures recording, not the random generator. */
#define SAMPLE_TABLE_SIZE 4096

static struct latency_histogram histogram;
static uint64_t sample_ns[SAMPLE_TABLE_SIZE];

/* Roughly what a receiver sees: mostly 2..130 us, a thin tail near 1-2 s. */
static void fill_samples(void)
{
	uint64_t state = 0x2545f4914f6cdd1dull;
	unsigned int i;

	for (i = 0; i < SAMPLE_TABLE_SIZE; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		/* A random mantissa scaled by 2^1..2^6 (2..130 us), or by 2^20
		 * (about 1-2 s) for 1 sample in 256: a tail beyond p99. */
		sample_ns[i] = (1024 + (state & 1023)) << ((state >> 10) % 256 ? 1 + (state >> 16) % 6 : 20);
	}
}

int main(int argc, char **argv)
{
	uint64_t records = 10000000, start, elapsed, i;
	struct latency_summary summary;

	if (argc > 2 || (argc == 2 && parse_u64(argv[1], 1, UINT64_MAX / 2, &records))) {
		fprintf(stderr, "usage: %s [RECORDS]  (a positive count, default 10000000)\n",
			argv[0]);
		return 2;
	}
	fill_samples();
	latency_histogram_init(&histogram);

	start = monotonic_ns();
	for (i = 0; i < records; i++)
		latency_histogram_record(&histogram, sample_ns[i & (SAMPLE_TABLE_SIZE - 1)]);
	elapsed = monotonic_ns() - start;

	/* Reading the result also keeps the loop from being optimised away. */
	latency_histogram_summarize(&histogram, &summary);
	printf("records %" PRIu64 "  elapsed %.3f ms  %.2f ns/record  histogram %zu bytes\n",
	       summary.count, elapsed / 1e6, (double)elapsed / (double)records, sizeof(histogram));
	printf("min %" PRIu64 "  p50 %" PRIu64 "  p99 %" PRIu64 "  max %" PRIu64 " ns\n",
	       summary.min_ns, summary.p50_ns, summary.p99_ns, summary.max_ns);
	return summary.count == records ? 0 : 1;
}
