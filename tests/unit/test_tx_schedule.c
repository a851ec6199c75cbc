// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Deadline arithmetic of the time-triggered sender: timespec
 * normalisation, no drift over many periods, and skipping of grid points
 * after an overrun without leaving the grid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <time.h>

#include "tx_schedule.h"

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TX_NS_PER_SEC + ts->tv_nsec;
}

static void test_normalize(void **state)
{
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 2500000000L };

	(void)state;
	tx_timespec_normalize(&ts);
	assert_int_equal(ts.tv_sec, 7);
	assert_int_equal(ts.tv_nsec, 500000000L);

	ts = (struct timespec){ .tv_sec = 5, .tv_nsec = -1 };
	tx_timespec_normalize(&ts);
	assert_int_equal(ts.tv_sec, 4);
	assert_int_equal(ts.tv_nsec, 999999999L);

	ts = (struct timespec){ .tv_sec = 5, .tv_nsec = -2000000000L };
	tx_timespec_normalize(&ts);
	assert_int_equal(ts.tv_sec, 3);
	assert_int_equal(ts.tv_nsec, 0);

	ts = (struct timespec){ .tv_sec = 1, .tv_nsec = 999999999L };
	tx_timespec_normalize(&ts);
	assert_int_equal(ts.tv_sec, 1);
	assert_int_equal(ts.tv_nsec, 999999999L);
}

static void test_add_ns_carries(void **state)
{
	struct timespec ts = { .tv_sec = 10, .tv_nsec = 999999999L };

	(void)state;
	tx_timespec_add_ns(&ts, 1);
	assert_int_equal(ts.tv_sec, 11);
	assert_int_equal(ts.tv_nsec, 0);
	/* More than a long's worth of nanoseconds on 32-bit, and many seconds. */
	tx_timespec_add_ns(&ts, 7ULL * 1000000000ULL + 999999999ULL);
	assert_int_equal(ts.tv_sec, 18);
	assert_int_equal(ts.tv_nsec, 999999999L);
}

static void test_diff(void **state)
{
	struct timespec a = { .tv_sec = 3, .tv_nsec = 100 };
	struct timespec b = { .tv_sec = 2, .tv_nsec = 999999900L };

	(void)state;
	assert_int_equal(tx_timespec_diff_ns(&a, &b), 200);
	assert_int_equal(tx_timespec_diff_ns(&b, &a), -200);
	assert_int_equal(tx_timespec_diff_ns(&a, &a), 0);
}

/* A period that is not a divisor of a second, a million times: the deadline
 * lands exactly on start + n * period, and tv_nsec is always normalised. */
static void test_no_drift(void **state)
{
	const uint64_t period = 333333337ULL;
	const uint64_t cycles = 1000000ULL;
	struct timespec start = { .tv_sec = 1000, .tv_nsec = 123456789L };
	struct tx_schedule s;

	(void)state;
	tx_schedule_init(&s, &start, period);
	for (uint64_t i = 0; i < cycles; i++) {
		/* Woken right at the deadline: nothing to skip. */
		struct timespec now = s.deadline;

		assert_int_equal(tx_schedule_advance(&s, &now), 0);
		if (s.deadline.tv_nsec < 0 || s.deadline.tv_nsec >= TX_NS_PER_SEC)
			fail_msg("tv_nsec %ld not normalised after %llu periods",
				 s.deadline.tv_nsec, (unsigned long long)i + 1);
	}
	assert_int_equal(s.index, cycles);
	assert_int_equal(s.skipped, 0);
	assert_true(ts_ns(&s.deadline) == ts_ns(&start) + (int64_t)(cycles * period));
}

/* Late wake-ups within a period move nothing: the next deadline stays
 * previous + period, not wake-up + period. */
static void test_late_wakeup_does_not_shift(void **state)
{
	struct timespec start = { .tv_sec = 50, .tv_nsec = 0 };
	struct tx_schedule s;

	(void)state;
	tx_schedule_init(&s, &start, 1000000ULL); /* 1 ms */
	for (int i = 0; i < 1000; i++) {
		struct timespec now = s.deadline;

		tx_timespec_add_ns(&now, 900000ULL); /* 0.9 ms late every time */
		assert_int_equal(tx_schedule_advance(&s, &now), 0);
	}
	assert_true(ts_ns(&s.deadline) == 50LL * TX_NS_PER_SEC + 1000LL * 1000000LL);
}

static void test_overrun_skips_on_grid(void **state)
{
	struct timespec start = { .tv_sec = 7, .tv_nsec = 0 };
	struct timespec now;
	struct tx_schedule s;

	(void)state;
	tx_schedule_init(&s, &start, 1000ULL);
	/* The cycle for deadline 0 ended at 3500 ns: 1000, 2000 and 3000 are
	 * gone, 4000 is the next one still ahead. */
	now = start;
	tx_timespec_add_ns(&now, 3500);
	assert_int_equal(tx_schedule_advance(&s, &now), 3);
	assert_int_equal(s.index, 4);
	assert_int_equal(s.skipped, 3);
	assert_true(ts_ns(&s.deadline) == 7LL * TX_NS_PER_SEC + 4000);

	/* Exactly on the next grid point: on time, nothing skipped. */
	now = start;
	tx_timespec_add_ns(&now, 5000);
	assert_int_equal(tx_schedule_advance(&s, &now), 0);
	assert_true(ts_ns(&s.deadline) == 7LL * TX_NS_PER_SEC + 5000);
	/* One ns past it: that point is skipped. */
	now = start;
	tx_timespec_add_ns(&now, 6001);
	assert_int_equal(tx_schedule_advance(&s, &now), 1);
	assert_true(ts_ns(&s.deadline) == 7LL * TX_NS_PER_SEC + 7000);
	assert_int_equal(s.skipped, 4);
}

static void test_init_normalises_start(void **state)
{
	struct timespec start = { .tv_sec = 1, .tv_nsec = 1500000000L };
	struct tx_schedule s;

	(void)state;
	tx_schedule_init(&s, &start, 10);
	assert_int_equal(s.deadline.tv_sec, 2);
	assert_int_equal(s.deadline.tv_nsec, 500000000L);
	assert_int_equal(s.index, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_add_ns_carries),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_no_drift),
		cmocka_unit_test(test_late_wakeup_does_not_shift),
		cmocka_unit_test(test_overrun_skips_on_grid),
		cmocka_unit_test(test_init_normalises_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
