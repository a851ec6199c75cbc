// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The latency measurement plumbing: same/remote-core split of the
 * statistics, snapshots, CPU lists, and the per-packet CSV writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_setup.h"
#include "csv_log.h"
#include "report_out.h"
#include "write_all.h"
#include "rx_stats.h"

static struct decoded_hint timed_hint(__u64 rx_ktime, bool has_cpu, __u32 cpu)
{
	struct decoded_hint h = {
		.kind = HINT_KNOWN,
		.layout = 0,
		.has_rx_ktime = true,
		.rx_ktime = rx_ktime,
		.has_rx_cpu = has_cpu,
		.rx_cpu = cpu,
	};
	return h;
}

static void test_core_class_split(void **state)
{
	struct queue_rx_stats s;
	struct latency_histogram all;
	struct decoded_hint h;

	(void)state;
	assert_int_equal(queue_rx_stats_init(&s, 2, 1), 0);
	/* Receiving thread on CPU 1: 3 same-core, 2 remote, 1 without a CPU. */
	for (int i = 0; i < 3; i++) {
		h = timed_hint(1000, true, 1);
		queue_rx_stats_account(&s, &h, 1000 + 100 * (i + 1), 1);
	}
	for (int i = 0; i < 2; i++) {
		h = timed_hint(1000, true, 0);
		queue_rx_stats_account(&s, &h, 1000 + 5000 * (i + 1), 1);
	}
	h = timed_hint(1000, false, 0);
	queue_rx_stats_account(&s, &h, 1700, 1);

	assert_int_equal(s.packets, 6);
	assert_int_equal(s.same_core, 3);
	assert_int_equal(s.remote_core, 2);
	assert_int_equal(latency_histogram_count(s.latency_hist[CORE_SAME]), 3);
	assert_int_equal(latency_histogram_count(s.latency_hist[CORE_REMOTE]), 2);
	assert_int_equal(latency_histogram_count(s.latency_hist[CORE_UNKNOWN]), 1);
	assert_int_equal(latency_histogram_min(s.latency_hist[CORE_SAME]), 100);
	assert_int_equal(latency_histogram_max(s.latency_hist[CORE_SAME]), 300);
	assert_int_equal(latency_histogram_min(s.latency_hist[CORE_REMOTE]), 5000);
	assert_int_equal(latency_histogram_max(s.latency_hist[CORE_REMOTE]), 10000);
	queue_rx_stats_latency_all(&s, &all);
	assert_int_equal(latency_histogram_count(&all), 6);
	assert_int_equal(latency_histogram_min(&all), 100);
	assert_int_equal(latency_histogram_max(&all), 10000);
	/* A hint from the future is not timed and lands in no histogram. */
	h = timed_hint(9999999, true, 1);
	queue_rx_stats_account(&s, &h, 10, 1);
	assert_int_equal(s.clock_backwards, 1);
	assert_int_equal(s.same_core, 4);
	assert_int_equal(latency_histogram_count(s.latency_hist[CORE_SAME]), 3);
	queue_rx_stats_free(&s);
}

/* Below the floor (before the run): counted, not timed; at its edges: timed. */
static void test_rx_time_before_start(void **state)
{
	struct queue_rx_stats s, total;
	struct decoded_hint h;

	(void)state;
	assert_int_equal(queue_rx_stats_init(&s, 0, 1), 0);
	assert_int_equal(queue_rx_stats_init(&total, 0, 1), 0);
	queue_rx_stats_set_rx_time_floor(&s, 1000000);
	h = timed_hint(0, true, 1); /* unwritten headroom */
	queue_rx_stats_account(&s, &h, 5000000, 1);
	h = timed_hint(999999, true, 1);
	queue_rx_stats_account(&s, &h, 5000000, 1);
	h = timed_hint(1000000, true, 1);
	queue_rx_stats_account(&s, &h, 5000000, 1);
	h = timed_hint(5000000, true, 1);
	queue_rx_stats_account(&s, &h, 5000000, 1);
	h = timed_hint(5000001, true, 1); /* the future: as before */
	queue_rx_stats_account(&s, &h, 5000000, 1);
	assert_int_equal(s.rx_time_before_start, 2);
	assert_int_equal(s.clock_backwards, 1);
	assert_int_equal(latency_histogram_count(s.latency_hist[CORE_SAME]), 2);
	assert_int_equal(latency_histogram_max(s.latency_hist[CORE_SAME]), 4000000);
	queue_rx_stats_add(&total, &s);
	assert_int_equal(total.rx_time_before_start, 2);
	queue_rx_stats_free(&s);
	queue_rx_stats_free(&total);
}

static void test_snapshot_and_total(void **state)
{
	struct queue_rx_stats a, b, snap, total;
	struct decoded_hint h = timed_hint(0, true, 3);

	(void)state;
	assert_int_equal(queue_rx_stats_init(&a, 0, 2), 0);
	assert_int_equal(queue_rx_stats_init(&b, 1, 2), 0);
	assert_int_equal(queue_rx_stats_init(&snap, 0, 2), 0);
	assert_int_equal(queue_rx_stats_init(&total, 0, 2), 0);
	queue_rx_stats_account(&a, &h, 500, 3);
	queue_rx_stats_account(&b, &h, 700, 2);
	queue_rx_stats_copy(&snap, &a);
	/* The snapshot owns its arrays: later packets do not show up in it. */
	assert_ptr_not_equal(snap.latency_hist[CORE_SAME], a.latency_hist[CORE_SAME]);
	assert_ptr_not_equal(snap.layout_packets, a.layout_packets);
	queue_rx_stats_account(&a, &h, 600, 3);
	assert_int_equal(snap.packets, 1);
	assert_int_equal(snap.layout_packets[0], 1);
	assert_int_equal(latency_histogram_count(snap.latency_hist[CORE_SAME]), 1);
	assert_int_equal(a.packets, 2);

	queue_rx_stats_add(&total, &a);
	queue_rx_stats_add(&total, &b);
	assert_int_equal(total.packets, 3);
	assert_int_equal(total.same_core, 2);
	assert_int_equal(total.remote_core, 1);
	assert_int_equal(latency_histogram_count(total.latency_hist[CORE_SAME]), 2);
	assert_int_equal(latency_histogram_count(total.latency_hist[CORE_REMOTE]), 1);
	assert_int_equal(latency_histogram_max(total.latency_hist[CORE_REMOTE]), 700);
	queue_rx_stats_free(&a);
	queue_rx_stats_free(&b);
	queue_rx_stats_free(&snap);
	queue_rx_stats_free(&total);
}

/*
 * An interval report is now - before for every counter: 10 frames (of 25
 * buffers, 2 incomplete) in the first second and none in the second give
 * 0 in the second interval, not the run's totals.
 */
static void test_interval_subtract(void **state)
{
	struct queue_rx_stats before, now, d;
	struct decoded_hint h = timed_hint(0, true, 3);

	(void)state;
	assert_int_equal(queue_rx_stats_init(&before, 0, 2), 0);
	assert_int_equal(queue_rx_stats_init(&now, 0, 2), 0);
	assert_int_equal(queue_rx_stats_init(&d, 0, 2), 0);
	for (int i = 0; i < 10; i++)
		queue_rx_stats_account(&now, &h, 500, 3);
	now.buffers = 25;
	now.incomplete_frames = 2;
	/* First interval: everything since the start. */
	queue_rx_stats_subtract(&d, &now, &before);
	assert_int_equal(d.packets, 10);
	assert_int_equal(d.buffers, 25);
	assert_int_equal(d.incomplete_frames, 2);
	/* Second interval: nothing arrived. */
	queue_rx_stats_copy(&before, &now);
	queue_rx_stats_subtract(&d, &now, &before);
	assert_int_equal(d.packets, 0);
	assert_int_equal(d.buffers, 0);
	assert_int_equal(d.incomplete_frames, 0);
	assert_int_equal(latency_histogram_count(d.latency_hist[CORE_SAME]), 0);
	queue_rx_stats_free(&before);
	queue_rx_stats_free(&now);
	queue_rx_stats_free(&d);
}

static void test_cpu_list_to_mask(void **state)
{
	uint64_t mask[2];

	(void)state;
	assert_int_equal(cpu_list_to_mask("0-1\n", mask, 128), 0);
	assert_int_equal(mask[0], 0x3);
	assert_int_equal(cpu_list_to_mask("0,2-4,64", mask, 128), 0);
	assert_int_equal(mask[0], 0x1d);
	assert_int_equal(mask[1], 0x1);
	assert_int_equal(cpu_list_to_mask("", mask, 128), 0);
	assert_int_equal(mask[0], 0);
	assert_int_equal(cpu_list_to_mask("3-1", mask, 128), -EINVAL);
	assert_int_equal(cpu_list_to_mask("0-", mask, 128), -EINVAL);
	assert_int_equal(cpu_list_to_mask("a", mask, 128), -EINVAL);
	assert_int_equal(cpu_list_to_mask("128", mask, 128), -EINVAL);
	assert_int_equal(cpu_list_to_mask("1;2", mask, 128), -EINVAL);
}

static void test_cpu_check_usable(void **state)
{
	char usable[64];
	int cpu = sched_getcpu();

	(void)state;
	/* The CPU we run on is online and allowed, by definition. */
	assert_int_equal(cpu_check_usable(cpu, usable, sizeof(usable)), 0);
	assert_true(usable[0] >= '0' && usable[0] <= '9');
	assert_int_equal(cpu_check_usable(1023, NULL, 0), -ERANGE);
	assert_int_equal(cpu_check_usable(-1, NULL, 0), -ERANGE);
}

static void test_csv_lines(void **state)
{
	char path[] = "/tmp/test_measure_csv.XXXXXX";
	char line[256];
	struct csv_file file;
	struct csv_log log;
	int tmp = mkstemp(path), n = 0;
	FILE *f;

	(void)state;
	assert_true(tmp >= 0);
	close(tmp);
	assert_int_equal(csv_file_open(&file, path, -1), 0);
	assert_int_equal(csv_log_init(&log, &file), 0);
	csv_log_record(&log, 18446744073709551615ULL, 3, 1, 1, true, 12345, 29, "xdp_hints_rx_time");
	csv_log_record(&log, 7, 0, 0, -1, false, 0, 0, "none");
	/* Enough lines to wrap the buffer more than once. */
	for (int i = 0; i < 40000; i++)
		csv_log_record(&log, (uint64_t)i, 1, 0, 0, true, (uint64_t)i * 3, 31, "xdp_hints_mark");
	assert_int_equal(csv_log_close(&log), 0);
	assert_int_equal(csv_file_close(&file), 0);

	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, CSV_LOG_HEADER);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "18446744073709551615,3,1,1,12345,29,xdp_hints_rx_time\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "7,0,0,,,0,none\n");
	while (fgets(line, sizeof(line), f)) {
		char expect[96];

		snprintf(expect, sizeof(expect), "%d,1,0,0,%d,31,xdp_hints_mark\n", n, n * 3);
		if (strcmp(line, expect))
			fail_msg("line %d: expected '%s' got '%s'", n + 4, expect, line);
		n++;
	}
	assert_int_equal(n, 40000);
	fclose(f);
	unlink(path);
}

static void test_csv_create_error(void **state)
{
	struct csv_file file;

	(void)state;
	assert_int_equal(csv_file_open(&file, "/nonexistent-dir/x.csv", -1), -ENOENT);
}

/* A full device: the first write error is kept, reported at flush and close. */
static void test_csv_write_error(void **state)
{
	struct csv_file file;
	struct csv_log log;

	(void)state;
	assert_int_equal(csv_file_open(&file, "/dev/full", -1), -ENOSPC);
	/* The header went through: the error shows at the first buffer. */
	file.fd = open("/dev/full", O_WRONLY);
	file.abandon_fd = -1;
	file.regular = false;
	file.complete_len = 0;
	file.unwritten = 0;
	atomic_init(&file.err, 0);
	pthread_mutex_init(&file.lock, NULL);
	assert_int_equal(csv_log_init(&log, &file), 0);
	csv_log_record(&log, 1, 0, 0, -1, false, 0, 0, "none");
	assert_int_equal(csv_log_flush(&log), -ENOSPC);
	assert_int_equal(csv_file_error(&file), -ENOSPC);
	assert_int_equal(csv_log_close(&log), -ENOSPC);
	assert_int_equal(csv_file_close(&file), -ENOSPC);
}

/*
 * A pipe nobody reads: the write waits for room, and the give-up eventfd
 * ends the wait (a FIFO whose reader stopped cannot hang the receiver).
 */
static void test_write_all_gives_up(void **state)
{
	static char chunk[1 << 20];
	int pipe_fds[2], give_up = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;

	(void)state;
	assert_int_equal(pipe(pipe_fds), 0);
	assert_true(give_up >= 0);
	assert_int_equal(write(give_up, &one, sizeof(one)), (ssize_t)sizeof(one));
	/* 1 MiB never fits a 64 KiB pipe: without the eventfd this blocks. */
	assert_int_equal(write_all(pipe_fds[1], give_up, chunk, sizeof(chunk)), -ECANCELED);
	close(pipe_fds[0]);
	/* No reader: EPIPE (SIGPIPE ignored, as the receiver does). */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(write_all(pipe_fds[1], -1, "x", 1), -EPIPE);
	close(pipe_fds[1]);
	close(give_up);
}

/* Standard output's writer keeps its first error and says it once more. */
static void test_report_out_sticky_error(void **state)
{
	struct report_out out;
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	assert_true(fd >= 0);
	report_out_init(&out, fd, -1);
	assert_int_equal(report_out_write(&out, "line\n", 5), -ENOSPC);
	assert_int_equal(report_out_write(&out, "line\n", 5), -ENOSPC);
	report_out_destroy(&out);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_class_split),
		cmocka_unit_test(test_rx_time_before_start),
		cmocka_unit_test(test_snapshot_and_total),
		cmocka_unit_test(test_interval_subtract),
		cmocka_unit_test(test_cpu_list_to_mask),
		cmocka_unit_test(test_cpu_check_usable),
		cmocka_unit_test(test_csv_lines),
		cmocka_unit_test(test_csv_write_error),
		cmocka_unit_test(test_write_all_gives_up),
		cmocka_unit_test(test_report_out_sticky_error),
		cmocka_unit_test(test_csv_create_error),
	};

	return cmocka_run_group_tests_name("measure", tests, NULL, NULL);
}
