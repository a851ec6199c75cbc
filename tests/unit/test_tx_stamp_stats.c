// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receiver's side of the sender's stamps (measure/rx_stats.h): a valid
 * stamp gives tx_to_xdp (from the hint's rx time) and tx_to_user (from the
 * dequeue); a foreign one is not counted at all, one with the magic but an
 * unknown version or clock, or cut short, is counted as invalid; another
 * clock or a time from the future is a clock_mismatch; intervals subtract.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "rx_stats.h"

/* A raw 0x891d frame with a stamp of @clock at @send_ns right after the
 * Ethernet header. */
static size_t stamped_frame(uint8_t *frame, enum tx_stamp_clock clock, uint64_t send_ns)
{
	uint64_t be = htobe64(send_ns);

	memset(frame, 0, 64);
	frame[12] = 0x89;
	frame[13] = 0x1d;
	tx_stamp_write_header(frame + 14, clock);
	memcpy(frame + 14 + TX_STAMP_SEND_NS_OFF, &be, sizeof(be));
	return 64;
}

static struct queue_rx_stats *new_stats(void)
{
	struct queue_rx_stats *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_int_equal(queue_rx_stats_init(s, 0, 1), 0);
	assert_int_equal(queue_rx_stats_enable_tx_stamps(s), 0);
	return s;
}

static void free_stats(struct queue_rx_stats *s)
{
	queue_rx_stats_free(s);
	free(s);
}

static void test_valid_stamp_times_both_delays(void **state)
{
	struct decoded_hint h = { .kind = HINT_KNOWN, .has_rx_ktime = true, .rx_ktime = 1000500 };
	struct queue_rx_stats *s = new_stats();
	uint8_t frame[64];
	__u64 send_ns = 0;
	size_t len = stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 1000000);

	(void)state;
	assert_true(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						    1003000, &send_ns));
	assert_int_equal(send_ns, 1000000);
	assert_int_equal(s->tx->stamped, 1);
	assert_int_equal(s->tx->clock_mismatch, 0);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_xdp), 1);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_user), 1);
	/* within the histogram's 1 % */
	assert_in_range(latency_histogram_max(&s->tx->tx_to_xdp), 495, 505);
	assert_in_range(latency_histogram_max(&s->tx->tx_to_user), 2970, 3030);
	/* an untimed hint (no rx time): tx_to_user only */
	h.has_rx_ktime = false;
	queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC, 1003000, &send_ns);
	assert_int_equal(s->tx->stamped, 2);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_xdp), 1);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_user), 2);
	free_stats(s);
}

static void test_broken_or_absent_stamp_not_counted(void **state)
{
	struct decoded_hint h = { .kind = HINT_KNOWN, .has_rx_ktime = true, .rx_ktime = 2000 };
	struct queue_rx_stats *s = new_stats();
	uint8_t frame[64];
	__u64 send_ns = 0;
	size_t len = stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 1000);

	(void)state;
	frame[14] ^= 0xff; /* wrong magic */
	queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC, 3000, &send_ns);
	frame[14] ^= 0xff;
	/* cut inside the magic: no stamp either */
	queue_rx_stats_account_tx_frame(s, &h, frame, 14 + 3, CLOCK_MONOTONIC, 3000, &send_ns);
	assert_int_equal(s->tx->invalid, 0);
	/* the magic, then cut inside the stamp: one that cannot be read */
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, 14 + TX_STAMP_LEN - 1,
						     CLOCK_MONOTONIC, 3000, &send_ns));
	assert_int_equal(s->tx->invalid, 1);
	/* another version, an unknown clock */
	frame[14 + 4] = TX_STAMP_VERSION + 1;
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						     3000, &send_ns));
	frame[14 + 4] = TX_STAMP_VERSION;
	frame[14 + 5] = 7;
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						     3000, &send_ns));
	assert_int_equal(s->tx->invalid, 3);
	assert_int_equal(s->tx->stamped, 0);
	assert_int_equal(s->tx->clock_mismatch, 0);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_user), 0);
	free_stats(s);
}

static void test_clock_mismatch(void **state)
{
	struct decoded_hint h = { .kind = HINT_KNOWN, .has_rx_ktime = true, .rx_ktime = 2000 };
	struct queue_rx_stats *s = new_stats();
	uint8_t frame[64];
	__u64 send_ns = 0;
	size_t len = stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 1000);

	(void)state;
	/* the receiver on TAI, the sender on MONOTONIC */
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_TAI, 3000,
						     &send_ns));
	assert_int_equal(s->tx->clock_mismatch, 1);
	assert_int_equal(s->tx->other_clock, 1);
	assert_int_equal(s->tx->mismatch_clock, CLOCK_MONOTONIC);
	/* the same clock, but a send time after our now */
	stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 5000);
	queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC, 3000, &send_ns);
	assert_int_equal(s->tx->clock_mismatch, 2);
	assert_int_equal(s->tx->stamped, 0);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_user), 0);
	free_stats(s);
}

/* Forged times: before the run, or after the frame reached XDP. */
static void test_impossible_send_times_not_timed(void **state)
{
	struct decoded_hint h = { .kind = HINT_KNOWN, .has_rx_ktime = true, .rx_ktime = 5000000 };
	struct queue_rx_stats *s = new_stats();
	uint8_t frame[64];
	__u64 send_ns = 0;
	size_t len;

	(void)state;
	queue_rx_stats_set_rx_time_floor(s, 4000000);
	/* before the run's floor */
	len = stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 1000);
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						     6000000, &send_ns));
	/* after XDP saw the frame, before our read */
	stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 5500000);
	assert_false(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						     6000000, &send_ns));
	assert_int_equal(s->tx->clock_mismatch, 2);
	assert_int_equal(s->tx->other_clock, 0);
	assert_int_equal(s->tx->stamped, 0);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_user), 0);
	assert_int_equal(latency_histogram_count(&s->tx->tx_to_xdp), 0);
	/* a plausible one still counts */
	stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 4500000);
	assert_true(queue_rx_stats_account_tx_frame(s, &h, frame, (__u32)len, CLOCK_MONOTONIC,
						    6000000, &send_ns));
	assert_int_equal(s->tx->stamped, 1);
	free_stats(s);
}

static void test_interval_subtracts(void **state)
{
	struct decoded_hint h = { .kind = HINT_KNOWN, .has_rx_ktime = true, .rx_ktime = 1500 };
	struct queue_rx_stats *now = new_stats(), *before = new_stats(), *delta = new_stats();
	uint8_t frame[64];
	__u64 send_ns = 0;
	size_t len = stamped_frame(frame, TX_STAMP_CLOCK_MONOTONIC, 1000);

	(void)state;
	for (int i = 0; i < 3; i++)
		queue_rx_stats_account_tx_frame(now, &h, frame, (__u32)len, CLOCK_MONOTONIC, 2000, &send_ns);
	queue_rx_stats_copy(before, now);
	for (int i = 0; i < 2; i++)
		queue_rx_stats_account_tx_frame(now, &h, frame, (__u32)len, CLOCK_MONOTONIC, 2000, &send_ns);
	queue_rx_stats_account_tx_frame(now, &h, frame, (__u32)len, CLOCK_TAI, 2000, &send_ns);
	queue_rx_stats_account_tx_frame(now, &h, frame, 14 + 10, CLOCK_MONOTONIC, 2000, &send_ns);
	queue_rx_stats_subtract(delta, now, before);
	assert_int_equal(delta->tx->stamped, 2);
	assert_int_equal(delta->tx->clock_mismatch, 1);
	assert_int_equal(delta->tx->invalid, 1);
	assert_int_equal(latency_histogram_count(&delta->tx->tx_to_xdp), 2);
	assert_int_equal(latency_histogram_count(&delta->tx->tx_to_user), 2);
	/* queues add up into the total */
	queue_rx_stats_add(delta, now);
	assert_int_equal(delta->tx->invalid, 2);
	queue_rx_stats_reset(now);
	assert_int_equal(now->tx->stamped, 0);
	assert_int_equal(now->tx->invalid, 0);
	assert_int_equal(latency_histogram_count(&now->tx->tx_to_user), 0);
	free_stats(now);
	free_stats(before);
	free_stats(delta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_stamp_times_both_delays),
		cmocka_unit_test(test_broken_or_absent_stamp_not_counted),
		cmocka_unit_test(test_clock_mismatch),
		cmocka_unit_test(test_impossible_send_times_not_timed),
		cmocka_unit_test(test_interval_subtracts),
	};

	return cmocka_run_group_tests_name("tx_stamp_stats", tests, NULL, NULL);
}
