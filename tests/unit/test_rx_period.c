// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The schedule of --rx-period (rx/rx_period.c): deadlines on k*S + PHASE,
 * the wake at or after the deadline, deadlines slept through counted as
 * missed and skipped, a stop seen within one step of a long period.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <time.h>

#include "rx_period.h"

#define MS 1000000ULL

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static void test_first_deadline(void **state)
{
	(void)state;
	assert_int_equal(rx_period_first_deadline(10, 3, 0), 3);
	assert_int_equal(rx_period_first_deadline(10, 3, 3), 3);
	assert_int_equal(rx_period_first_deadline(10, 3, 4), 13);
	assert_int_equal(rx_period_first_deadline(10, 3, 13), 13);
	assert_int_equal(rx_period_first_deadline(10, 0, 25), 30);
	assert_int_equal(rx_period_first_deadline(1000000000ULL, 250000000ULL, 5100000000ULL),
			 5250000000ULL);
}

static void test_start_refuses_bad_periods(void **state)
{
	struct rx_period p;

	(void)state;
	assert_int_equal(rx_period_start(&p, 0, 0, CLOCK_MONOTONIC), -EINVAL);
	assert_int_equal(rx_period_start(&p, RX_PERIOD_MIN_NS - 1, 0, CLOCK_MONOTONIC), -EINVAL);
	assert_int_equal(rx_period_start(&p, RX_PERIOD_MAX_NS + 1, 0, CLOCK_MONOTONIC), -EINVAL);
	assert_int_equal(rx_period_start(&p, 10 * MS, 10 * MS, CLOCK_MONOTONIC), -EINVAL);
	assert_int_equal(rx_period_start(&p, 10 * MS, 9 * MS, CLOCK_MONOTONIC), 0);
	assert_int_equal(p.next_ns % (10 * MS), 9 * MS);
}

/* Every wake is at or after its deadline, and deadlines follow k*S+PHASE. */
static void test_wakes_on_the_schedule(void **state)
{
	struct run_stop stop = RUN_STOP_INIT;
	struct rx_period p;

	(void)state;
	assert_int_equal(rx_period_start(&p, 5 * MS, 1 * MS, CLOCK_MONOTONIC), 0);
	for (int i = 0; i < 6; i++) {
		__u64 deadline = p.next_ns;

		assert_true(rx_period_wait_deadline(&p, &stop));
		assert_true(mono_ns() >= deadline);
		assert_int_equal(deadline % (5 * MS), 1 * MS);
		rx_period_done(&p, (__u64)i * 10);
	}
	assert_int_equal(p.stats.periods, 6);
	assert_int_equal(p.stats.max_frames, 50);
}

/* A thread that slept through deadlines serves one and counts the rest. */
static void test_missed_deadlines_counted_and_skipped(void **state)
{
	struct run_stop stop = RUN_STOP_INIT;
	struct timespec nap = { .tv_nsec = 55 * MS };
	struct rx_period p;
	__u64 before;

	(void)state;
	assert_int_equal(rx_period_start(&p, 10 * MS, 0, CLOCK_MONOTONIC), 0);
	before = p.next_ns;
	nanosleep(&nap, NULL);
	assert_true(rx_period_wait_deadline(&p, &stop));
	/* At least the 4 whole periods slept through; at most as many as
	 * had passed when it woke (a loaded machine oversleeps). */
	assert_true(p.stats.missed_deadlines >= 4);
	assert_true(p.stats.missed_deadlines <= (mono_ns() - before) / (10 * MS));
	rx_period_done(&p, 1);
	assert_true(p.next_ns > mono_ns());
	assert_int_equal((p.next_ns - before) % (10 * MS), 0);
	assert_int_equal(p.stats.periods, 1);
}

/* A 10 s period still ends within a step once the stop is requested. */
static void test_stop_seen_within_a_step(void **state)
{
	struct run_stop stop = RUN_STOP_INIT;
	struct rx_period p;
	__u64 t0;

	(void)state;
	assert_int_equal(run_stop_init(&stop), 0);
	assert_int_equal(rx_period_start(&p, RX_PERIOD_MAX_NS, RX_PERIOD_MAX_NS - 1,
					 CLOCK_MONOTONIC), 0);
	p.next_ns = mono_ns() + RX_PERIOD_MAX_NS;
	run_stop_request(&stop, RUN_STOP_SIGNAL, 0);
	t0 = mono_ns();
	assert_int_equal(rx_period_wait(&p, &stop), RX_PERIOD_STOPPED);
	assert_true(mono_ns() - t0 < RX_PERIOD_STOP_STEP_NS);
	assert_int_equal(p.stats.periods, 0);
	run_stop_close(&stop);
}

/* A long period wakes its caller once per step before the deadline. */
static void test_long_period_steps(void **state)
{
	struct run_stop stop = RUN_STOP_INIT;
	struct rx_period p;
	__u64 t0 = mono_ns(), took;
	int steps = 0;

	(void)state;
	assert_int_equal(rx_period_start(&p, 1000 * MS, 0, CLOCK_MONOTONIC), 0);
	p.next_ns = t0 + 250 * MS;
	while (rx_period_wait(&p, &stop) == RX_PERIOD_STEP)
		steps++;
	took = mono_ns() - t0;
	assert_true(took >= 250 * MS);
	/* 100 ms steps: two before the deadline (a loaded machine may
	 * oversleep one into the deadline). */
	assert_in_range(steps, 1, 2);
}

static void test_stats_add(void **state)
{
	struct rx_period_stats sum = { .periods = 3, .max_frames = 9, .missed_deadlines = 1 };
	struct rx_period_stats add = { .periods = 2, .max_frames = 4, .missed_deadlines = 2,
				       .late_ns_max = 7 };

	(void)state;
	rx_period_stats_add(&sum, &add);
	assert_int_equal(sum.periods, 5);
	assert_int_equal(sum.max_frames, 9);
	assert_int_equal(sum.missed_deadlines, 3);
	assert_int_equal(sum.late_ns_max, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_deadline),
		cmocka_unit_test(test_start_refuses_bad_periods),
		cmocka_unit_test(test_wakes_on_the_schedule),
		cmocka_unit_test(test_missed_deadlines_counted_and_skipped),
		cmocka_unit_test(test_stop_seen_within_a_step),
		cmocka_unit_test(test_long_period_steps),
		cmocka_unit_test(test_stats_add),
	};

	return cmocka_run_group_tests_name("rx_period", tests, NULL, NULL);
}
