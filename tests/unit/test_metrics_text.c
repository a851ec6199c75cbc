// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --metrics: the histogram's buckets folded onto the fixed Prometheus
 * bounds (against brute-force counts of random samples), the text in
 * both formats (names, labels, escaping, exact _sum/_count, # EOF), and
 * ADDR:PORT parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "metrics_listen.h"
#include "metrics_text.h"
#include "report.h"

static void test_bounds_fixed(void **state)
{
	(void)state;
	assert_int_equal(metrics_bucket_bounds_ns[0], 100);
	assert_int_equal(metrics_bucket_bounds_ns[METRICS_BUCKET_BOUNDS - 1], 1000000000);
	for (int i = 1; i < METRICS_BUCKET_BOUNDS; i++) {
		uint64_t ratio10 = metrics_bucket_bounds_ns[i] * 10 / metrics_bucket_bounds_ns[i - 1];

		/* 1-2-5 steps: x2, x2.5, x2 */
		assert_true(ratio10 == 20 || ratio10 == 25);
	}
}

/* Values below 128 ns are exact; above, a latency counts at the first
 * bound its whole histogram bucket fits under. */
static void test_buckets_edges(void **state)
{
	struct latency_histogram *h = malloc(sizeof(*h));
	uint64_t cum[METRICS_BUCKET_BOUNDS];

	(void)state;
	assert_non_null(h);
	latency_histogram_init(h);
	latency_histogram_record(h, 100);        /* exact: le 1e-07 */
	latency_histogram_record(h, 101);        /* le 2e-07 */
	latency_histogram_record(h, 999);        /* bucket 992..999: le 1e-06 */
	latency_histogram_record(h, 1000);       /* bucket 1000..1007: le 2e-06 */
	latency_histogram_record(h, 2000000000); /* beyond 1 s: +Inf only */
	metrics_histogram_buckets(h, cum);
	assert_int_equal(cum[0], 1);
	assert_int_equal(cum[1], 2);
	assert_int_equal(cum[2], 2);             /* 500 ns */
	assert_int_equal(cum[3], 3);             /* 1 us */
	assert_int_equal(cum[4], 4);             /* 2 us */
	assert_int_equal(cum[METRICS_BUCKET_BOUNDS - 1], 4);
	assert_int_equal(h->count, 5);
	free(h);
}

/* Random latencies over the whole range: every bound's count lies between
 * the samples at or below bound * (1 - 1/64) and those at or below bound. */
static void test_buckets_against_brute_force(void **state)
{
	enum { N = 20000 };
	struct latency_histogram *h = malloc(sizeof(*h));
	uint64_t *samples = malloc(N * sizeof(*samples));
	uint64_t cum[METRICS_BUCKET_BOUNDS];

	(void)state;
	assert_true(h && samples);
	latency_histogram_init(h);
	srand(16);
	for (int i = 0; i < N; i++) {
		/* log-uniform from 1 ns to ~4 s */
		double e = (double)rand() / RAND_MAX * 22.0;
		uint64_t v = (uint64_t)__builtin_exp2(e * 1.0) + (uint64_t)(rand() % 7);

		samples[i] = v;
		latency_histogram_record(h, v);
	}
	metrics_histogram_buckets(h, cum);
	for (int b = 0; b < METRICS_BUCKET_BOUNDS; b++) {
		uint64_t bound = metrics_bucket_bounds_ns[b], at_or_below = 0, surely = 0;

		for (int i = 0; i < N; i++) {
			at_or_below += samples[i] <= bound;
			surely += samples[i] <= bound - bound / 64;
		}
		assert_true(cum[b] <= at_or_below);
		assert_true(cum[b] >= surely);
		if (b)
			assert_true(cum[b] >= cum[b - 1]);
	}
	free(samples);
	free(h);
}

struct fixture {
	struct hint_decoder dec;
	struct hint_layout layouts[2];
	struct queue_rx_stats q[2];
	const struct queue_rx_stats *qp[2];
	struct metrics_run run;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->layouts[0].name = "xdp_hints_rx_time";
	f->layouts[1].name = "xdp_hints_mark";
	f->dec.layouts = f->layouts;
	f->dec.n_layouts = 2;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(queue_rx_stats_init(&f->q[i], (__u32)(i + 2), 2), 0);
		f->qp[i] = &f->q[i];
	}
	f->q[0].packets = 7;
	f->q[0].layout_packets[0] = 5;
	f->q[0].no_hint = 2;
	f->q[0].xsk.rx_ring_full = 11;
	f->q[0].xsk.rx_dropped = 3;
	f->q[0].xdp.redirected = 20;
	latency_histogram_record(f->q[0].latency_hist[CORE_SAME], 1500);
	latency_histogram_record(f->q[0].latency_hist[CORE_SAME], 3000000001ULL);
	latency_histogram_record(f->q[1].latency_hist[CORE_REMOTE], 700);
	f->run = (struct metrics_run){ .dev = "eth\"1\\", .xdp_mode = "native",
				       .bind_mode = "copy", .rx_mode = "spin" };
	return f;
}

static void fixture_free(struct fixture *f)
{
	for (int i = 0; i < 2; i++)
		queue_rx_stats_free(&f->q[i]);
	free(f);
}

static char *render_cpu(struct fixture *f, enum metrics_format format,
			const struct metrics_cpu *cpu)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	assert_non_null(mem);
	assert_int_equal(metrics_text_write(mem, format, &f->run, &f->dec, f->qp, 2, cpu), 0);
	fclose(mem);
	return text;
}

static char *render(struct fixture *f, enum metrics_format format)
{
	return render_cpu(f, format, NULL);
}

#define DEV "dev=\"eth\\\"1\\\\\""

static void test_text_format(void **state)
{
	struct fixture *f = fixture_new();
	char *t = render(f, METRICS_PROMETHEUS_TEXT);

	(void)state;
	assert_non_null(strstr(t, "# TYPE af_xdp_user_packets_total counter\n"));
	assert_non_null(strstr(t, "af_xdp_user_packets_total{" DEV ",queue=\"2\"} 7\n"));
	assert_non_null(strstr(t, "af_xdp_user_packets_total{" DEV ",queue=\"3\"} 0\n"));
	assert_non_null(strstr(t, "af_xdp_user_hint_packets_total{" DEV
			       ",queue=\"2\",layout=\"xdp_hints_rx_time\"} 5\n"));
	assert_non_null(strstr(t, "af_xdp_user_hint_packets_total{" DEV
			       ",queue=\"2\",layout=\"none\"} 2\n"));
	assert_non_null(strstr(t, "af_xdp_user_xsk_drops_total{" DEV
			       ",queue=\"2\",cause=\"rx_ring_full\"} 11\n"));
	assert_non_null(strstr(t, "af_xdp_user_xsk_drops_total{" DEV
			       ",queue=\"2\",cause=\"rx_dropped\"} 3\n"));
	assert_non_null(strstr(t, "af_xdp_user_xdp_redirected_total{" DEV ",queue=\"2\"} 20\n"));
	assert_non_null(strstr(t, "# TYPE af_xdp_user_latency_seconds histogram\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_bucket{" DEV
			       ",queue=\"2\",core=\"same\",le=\"1e-06\"} 0\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_bucket{" DEV
			       ",queue=\"2\",core=\"same\",le=\"2e-06\"} 1\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_bucket{" DEV
			       ",queue=\"2\",core=\"same\",le=\"1\"} 1\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_bucket{" DEV
			       ",queue=\"2\",core=\"same\",le=\"+Inf\"} 2\n"));
	/* 1500 ns + 3000000001 ns, exactly */
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_sum{" DEV
			       ",queue=\"2\",core=\"same\"} 3.000001501\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_count{" DEV
			       ",queue=\"2\",core=\"same\"} 2\n"));
	assert_non_null(strstr(t, "af_xdp_user_latency_seconds_count{" DEV
			       ",queue=\"3\",core=\"remote\"} 1\n"));
	assert_non_null(strstr(t, "af_xdp_user_run_info{" DEV
			       ",xdp_mode=\"native\",bind_mode=\"copy\",rx_mode=\"spin\"} 1\n"));
	assert_null(strstr(t, "# EOF"));
	assert_null(strstr(t, "# UNIT"));
	free(t);
	fixture_free(f);
}

static void test_openmetrics_format(void **state)
{
	struct fixture *f = fixture_new();
	char *t = render(f, METRICS_OPENMETRICS);
	size_t len = strlen(t);

	(void)state;
	/* Counter families are named without _total; samples keep it. */
	assert_non_null(strstr(t, "# TYPE af_xdp_user_packets counter\n"));
	assert_non_null(strstr(t, "af_xdp_user_packets_total{" DEV ",queue=\"2\"} 7\n"));
	assert_non_null(strstr(t, "# TYPE af_xdp_user_run info\n"));
	assert_non_null(strstr(t, "# UNIT af_xdp_user_latency_seconds seconds\n"));
	assert_true(len > 6 && !strcmp(t + len - 6, "# EOF\n"));
	free(t);
	fixture_free(f);
}

/* --umem shared: pool_dry a counter, frames_owned(_max) gauges, per queue;
 * absent with a UMEM per queue. */
static void test_pool_series(void **state)
{
	struct fixture *f = fixture_new();
	char *t = render(f, METRICS_OPENMETRICS);

	(void)state;
	assert_null(strstr(t, "pool_dry"));
	assert_null(strstr(t, "frames_owned"));
	free(t);
	for (int i = 0; i < 2; i++)
		f->q[i].pool = (struct queue_pool_stats){ .shared = true, .frames_owned = 128,
							  .frames_owned_max = 128 };
	f->q[0].pool.pool_dry = 9;
	f->q[0].pool.frames_owned = 700;
	f->q[0].pool.frames_owned_max = 1024;
	t = render(f, METRICS_OPENMETRICS);
	assert_non_null(strstr(t, "# TYPE af_xdp_user_pool_dry counter\n"));
	assert_non_null(strstr(t, "# HELP af_xdp_user_pool_dry --umem shared: "));
	assert_non_null(strstr(t, "af_xdp_user_pool_dry_total{" DEV ",queue=\"2\"} 9\n"));
	assert_non_null(strstr(t, "af_xdp_user_pool_dry_total{" DEV ",queue=\"3\"} 0\n"));
	assert_non_null(strstr(t, "# TYPE af_xdp_user_frames_owned gauge\n"));
	assert_non_null(strstr(t, "af_xdp_user_frames_owned{" DEV ",queue=\"2\"} 700\n"));
	assert_non_null(strstr(t, "af_xdp_user_frames_owned{" DEV ",queue=\"3\"} 128\n"));
	assert_non_null(strstr(t, "# TYPE af_xdp_user_frames_owned_max gauge\n"));
	assert_non_null(strstr(t, "af_xdp_user_frames_owned_max{" DEV ",queue=\"2\"} 1024\n"));
	free(t);
	fixture_free(f);
}

static char *report_of(struct fixture *f, enum report_style style,
		       const struct report_umem *umem)
{
	struct report_run run = {
		.dev = "xhp0", .ifindex = 9, .xdp_mode = "native", .bind_mode = "copy",
		.rx_mode = "wakeup", .duration_s = 1.0, .rx = true, .umem = umem,
	};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(report_print(out, style, REPORT_FINAL, &run, &f->dec, f->qp, NULL, 2,
				      NULL), 0);
	fclose(out);
	return text;
}

/* The same counters in the final report: per queue and in the total
 * (frames_owned summed, no frames_owned_max), the run's umem object, the
 * summary's lines; absent with a UMEM per queue. An interval's own counts
 * keep the gauges and subtract pool_dry. */
static void test_report_pool(void **state)
{
	struct report_umem shared = {
		.shared = true, .umems = 1, .frames = 4096, .frame_size = 2048, .floor = 512,
		.cap = 4096, .pool_frames = 2048, .pool_free = 1836, .pool_low_water = 100,
		.slices = 2, .slice_frames = 64, .spill_taken = 900, .spill_given = 700,
	};
	struct report_umem per_queue = { .umems = 2, .frames = 2048, .frame_size = 2048 };
	struct fixture *f = fixture_new();
	struct queue_rx_stats diff;
	char *t;

	(void)state;
	t = report_of(f, REPORT_JSON, &per_queue);
	assert_null(strstr(t, "pool_dry"));
	assert_null(strstr(t, "frames_owned"));
	assert_non_null(strstr(t, "\"umem\":{\"mode\":\"per-queue\",\"umems\":2,\"frames\":2048,"
				  "\"frame_size\":2048,\"tx_frames\":0}"));
	free(t);
	f->q[0].pool = (struct queue_pool_stats){ .shared = true, .pool_dry = 9,
						  .frames_owned = 700, .frames_owned_max = 1024 };
	f->q[1].pool = (struct queue_pool_stats){ .shared = true, .frames_owned = 512,
						  .frames_owned_max = 512 };
	t = report_of(f, REPORT_JSON, &shared);
	assert_non_null(strstr(t, "\"pool_dry\":9,\"frames_owned\":700,\"frames_owned_max\":1024}"));
	assert_non_null(strstr(t, "\"pool_dry\":0,\"frames_owned\":512,\"frames_owned_max\":512}"));
	assert_non_null(strstr(t, "\"total\":{"));
	assert_non_null(strstr(strstr(t, "\"total\":{"), "\"pool_dry\":9,\"frames_owned\":1212}"));
	assert_non_null(strstr(t, "\"umem\":{\"mode\":\"shared\",\"umems\":1,\"frames\":4096,"
				  "\"frame_size\":2048,\"tx_frames\":0,\"floor\":512,\"cap\":4096,"
				  "\"pool_frames\":2048,\"pool_free\":1836,\"pool_low_water\":100,"
				  "\"slices\":2,\"slice_frames\":64,\"spill_taken\":900,"
				  "\"spill_given\":700}"));
	free(t);
	t = report_of(f, REPORT_COMPACT, &shared);
	assert_non_null(strstr(t, "umem: shared, 4096 frames x 2048 bytes, a queue owns 512 to 4096 frames\n"));
	assert_non_null(strstr(t, "umem: pool_free 1836 of the 2048 at start, pool_low_water 100\n"));
	assert_non_null(strstr(t, "umem: 2 slices of 64 frames (--threads), spill_taken 900, spill_given 700\n"));
	/* Only the queue that grew or ran dry has a row. */
	assert_non_null(strstr(t, "\n2                700               1024          9\n"));
	assert_null(strstr(t, "\n3                512"));
	assert_non_null(strstr(t, "\ntotal           1212                  -          9\n"));
	free(t);
	t = report_of(f, REPORT_EXTENDED, &shared);
	/* Queue 3 had no traffic: left out (the total's max is queue 2's). */
	assert_non_null(strstr(t, "\npool_dry                               9           9\n"));
	assert_non_null(strstr(t, "\nframes_owned                         700        1212\n"));
	assert_non_null(strstr(t, "\nframes_owned_max                    1024        1024\n"));
	free(t);

	assert_int_equal(queue_rx_stats_init(&diff, 2, 2), 0);
	f->q[1].pool.pool_dry = 4;
	f->q[1].pool.frames_owned = 600;
	queue_rx_stats_subtract(&diff, &f->q[0], &f->q[1]);
	assert_int_equal(diff.pool.pool_dry, 5);
	assert_int_equal(diff.pool.frames_owned, 700);
	assert_int_equal(diff.pool.frames_owned_max, 1024);
	assert_true(diff.pool.shared);
	queue_rx_stats_free(&diff);
	fixture_free(f);
}

/* CPU time: exact seconds from ns, the receiver's by mode, and the
 * process's under the name every exporter uses; left out when unknown. */
static void test_cpu_series(void **state)
{
	struct metrics_cpu cpu = {
		.process_ns = 3000000001ULL, .has_receiver = true,
		.receiver_user_ns = 1500, .receiver_system_ns = 2000000000ULL,
	};
	struct fixture *f = fixture_new();
	char *t = render_cpu(f, METRICS_PROMETHEUS_TEXT, &cpu);
	size_t len;

	(void)state;
	assert_non_null(strstr(t, "# TYPE af_xdp_user_receiver_cpu_seconds_total counter\n"));
	assert_non_null(strstr(t, "af_xdp_user_receiver_cpu_seconds_total{" DEV
			       ",mode=\"user\"} 0.000001500\n"));
	assert_non_null(strstr(t, "af_xdp_user_receiver_cpu_seconds_total{" DEV
			       ",mode=\"system\"} 2.000000000\n"));
	assert_non_null(strstr(t, "# TYPE process_cpu_seconds_total counter\n"));
	assert_non_null(strstr(t, "\nprocess_cpu_seconds_total 3.000000001\n"));
	free(t);

	cpu.has_receiver = false;
	t = render_cpu(f, METRICS_OPENMETRICS, &cpu);
	len = strlen(t);
	assert_null(strstr(t, "receiver_cpu_seconds"));
	assert_non_null(strstr(t, "# TYPE process_cpu_seconds counter\n"));
	assert_non_null(strstr(t, "# UNIT process_cpu_seconds seconds\n"));
	assert_non_null(strstr(t, "\nprocess_cpu_seconds_total 3.000000001\n"));
	assert_true(len > 6 && !strcmp(t + len - 6, "# EOF\n"));
	free(t);

	t = render(f, METRICS_PROMETHEUS_TEXT);
	assert_null(strstr(t, "cpu_seconds"));
	free(t);
	fixture_free(f);
}

static void test_listen_parse(void **state)
{
	struct metrics_listen l;
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&l.addr;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&l.addr;
	static const char *const bad[] = {
		"", "9435", ":9435", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:94x", "1.2.3:4", "host.example:9435", "::1:9435", "[::1]9435",
		"[::1:9435", "[zz]:1", "127.0.0.1:9435:1",
	};

	(void)state;
	assert_int_equal(metrics_listen_parse("127.0.0.1:9435", &l), 0);
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohs(in4->sin_port), 9435);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(l.len, sizeof(struct sockaddr_in));
	assert_int_equal(metrics_listen_parse("localhost:1", &l), 0);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(metrics_listen_parse("0.0.0.0:65535", &l), 0);
	assert_int_equal(ntohs(in4->sin_port), 65535);
	assert_int_equal(metrics_listen_parse("[::1]:9435", &l), 0);
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 9435);
	assert_true(IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (metrics_listen_parse(bad[i], &l) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_fixed),
		cmocka_unit_test(test_buckets_edges),
		cmocka_unit_test(test_buckets_against_brute_force),
		cmocka_unit_test(test_text_format),
		cmocka_unit_test(test_openmetrics_format),
		cmocka_unit_test(test_cpu_series),
		cmocka_unit_test(test_pool_series),
		cmocka_unit_test(test_report_pool),
		cmocka_unit_test(test_listen_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
