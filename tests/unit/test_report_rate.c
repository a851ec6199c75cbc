// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rx_pps (output/report_view.h, report_rx_pps()): an interval's packets
 * over its seconds; the final report's over the time the queue received
 * (first to last batch), with one period more under --rx-period (a drain
 * takes what arrived over the period before it), never over a span longer
 * than the run, and over the run when there is no span.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "report_view.h"

static struct queue_rx_stats received(__u64 packets, __u64 first_ns, __u64 last_ns)
{
	struct queue_rx_stats s;

	memset(&s, 0, sizeof(s));
	s.packets = packets;
	s.first_rx_ns = first_ns;
	s.last_rx_ns = last_ns;
	return s;
}

static void test_interval_over_its_seconds(void **state)
{
	struct report_view v = { .kind = REPORT_INTERVAL };
	struct queue_rx_stats s = received(1000, 5000000000ULL, 5000100000ULL);

	(void)state;
	assert_float_equal(report_rx_pps(&s, &v, 2.0), 500.0, 1e-9);
	assert_float_equal(report_rx_pps(&s, &v, 0.0), 0.0, 1e-9);
}

static void test_final_over_receiving_time(void **state)
{
	struct report_run run = { 0 };
	struct report_view v = { .kind = REPORT_FINAL, .run = &run };
	/* 2000 frames over 2 s of a 5 s run: 1000 pps, not 400. */
	struct queue_rx_stats s = received(2000, 1000000000ULL, 3000000000ULL);
	struct queue_rx_stats one = received(64, 1000000000ULL, 1000000000ULL);
	struct queue_rx_stats none = received(0, 0, 0);

	(void)state;
	assert_float_equal(report_rx_pps(&s, &v, 5.0), 1000.0, 1e-6);
	/* One batch, no span: over the run. */
	assert_float_equal(report_rx_pps(&one, &v, 4.0), 16.0, 1e-9);
	assert_float_equal(report_rx_pps(&none, &v, 4.0), 0.0, 1e-9);
}

static void test_final_rx_period_adds_a_period(void **state)
{
	struct report_period period = { .period_s = 0.5 };
	struct report_run run = { .period = &period };
	struct report_view v = { .kind = REPORT_FINAL, .run = &run };
	/* Every frame taken in one drain of 39 us: over the period before it,
	 * not over the drain (that made 6.5 million pps of 256 frames). */
	struct queue_rx_stats drain = received(256, 7000000000ULL, 7000039000ULL);
	/* Two drains a second apart: 1 s + 0.5 s. */
	struct queue_rx_stats two = received(3000, 7000000000ULL, 8000000000ULL);

	(void)state;
	assert_float_equal(report_rx_pps(&drain, &v, 3.0), 256 / 0.500039, 1e-6);
	assert_float_equal(report_rx_pps(&two, &v, 3.0), 2000.0, 1e-6);
	/* Never a span longer than the run. */
	assert_float_equal(report_rx_pps(&two, &v, 1.2), 3000 / 1.2, 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_over_its_seconds),
		cmocka_unit_test(test_final_over_receiving_time),
		cmocka_unit_test(test_final_rx_period_adds_a_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
