// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hardware RX timestamps: the PHC-to-CLOCK_MONOTONIC offset
 * (common/phc_clock.c), the decoding of xdp_hints_rx_hw's timestamp and
 * valid bit (hint_decoder), the hardware-to-XDP statistics (rx_stats) and
 * their place in the reports.
 *
 * This machine has no /dev/ptp*: the sampler is checked with CLOCK_REALTIME
 * standing in for a PHC (any clockid goes through the same code), and
 * phc_clock_open() only on a veth, which has no PHC. The veth test needs
 * root and moves this process into a private network namespace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "af_xdp_shared.h"
#include "hint_decoder.h"
#include "phc_clock.h"
#include "report.h"
#include "rx_stats.h"

#define KERN_OBJ BUILD_DIR "/af_xdp_kern.bpf.o"
#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL

static __s64 now_ns(clockid_t clock)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(clock, &ts), 0);
	return (__s64)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static __s64 abs_s64(__s64 v)
{
	return v < 0 ? -v : v;
}

/* ---- the offset sampler -------------------------------------------------------- */

static void test_offset_realtime_stand_in(void **state)
{
	__s64 offset, direct, mono, real;
	__u64 window = 0;

	(void)state;
	assert_int_equal(phc_offset_sample(CLOCK_REALTIME, PHC_OFFSET_READS, &offset, &window), 0);
	mono = now_ns(CLOCK_MONOTONIC);
	real = now_ns(CLOCK_REALTIME);
	direct = real - mono;
	if (abs_s64(offset - direct) >= NS_PER_MS)
		fail_msg("sampled offset %lld ns, realtime - monotonic read directly %lld ns: %lld ns apart",
			 (long long)offset, (long long)direct, (long long)(offset - direct));
	/* The best of five windows of three vDSO reads is far below 1 ms. */
	assert_true(window < (__u64)NS_PER_MS);
	/* A NULL window is allowed; one read is enough. */
	assert_int_equal(phc_offset_sample(CLOCK_REALTIME, 1, &offset, NULL), 0);
	assert_true(abs_s64(offset - direct) < NS_PER_MS);
	/* The monotonic clock against itself: offset ~0. */
	assert_int_equal(phc_offset_sample(CLOCK_MONOTONIC, PHC_OFFSET_READS, &offset, &window), 0);
	assert_true(abs_s64(offset) <= (__s64)window);
}

static void test_offset_errors(void **state)
{
	struct phc_clock closed = { 0 };
	__s64 offset = 12345;
	int fd;

	(void)state;
	assert_int_equal(phc_offset_sample(CLOCK_REALTIME, 0, &offset, NULL), -EINVAL);
	/* A dynamic clockid of a file that is no POSIX clock. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(phc_offset_sample(phc_fd_to_clockid(fd), PHC_OFFSET_READS, &offset, NULL),
			 -EINVAL);
	close(fd);
	assert_int_equal(offset, 12345); /* untouched on failure */
	assert_int_equal(phc_clock_offset(&closed, &offset, NULL), -EBADF);
}

/* The kernel's FD_TO_CLOCKID: ((~(clockid_t)(fd)) << 3) | CLOCKFD (3). */
static void test_fd_to_clockid(void **state)
{
	(void)state;
	assert_int_equal(phc_fd_to_clockid(0), -5);
	assert_int_equal(phc_fd_to_clockid(3), -29);
	assert_int_equal(phc_fd_to_clockid(1000), -8005);
}

/* ---- conversion ------------------------------------------------------------------ */

static void test_phc_to_mono(void **state)
{
	__u64 mono = 777;

	(void)state;
	/* A PHC on TAI, ~1.7e18 ns, 1e12 ns after boot. */
	assert_true(phc_to_mono(1700000001000000000ULL, 1699999000000000000LL, &mono));
	assert_int_equal(mono, 1001000000000ULL);
	/* A free-running PHC behind the monotonic clock: negative offset. */
	assert_true(phc_to_mono(5000, -20000, &mono));
	assert_int_equal(mono, 25000);
	assert_true(phc_to_mono(100, 100, &mono));
	assert_int_equal(mono, 0);
	/* Earlier than the monotonic clock's zero: no conversion, *mono kept. */
	mono = 777;
	assert_false(phc_to_mono(99, 100, &mono));
	assert_false(phc_to_mono(0, INT64_MAX, &mono));
	/* Past 2^64. */
	assert_false(phc_to_mono(UINT64_MAX, -1, &mono));
	assert_int_equal(mono, 777);
	assert_true(phc_to_mono(UINT64_MAX, 0, &mono));
	assert_true(mono == UINT64_MAX);
}

/* ---- phc_clock_open on a device without a PHC -------------------------------------- */

static int run_cmd(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_open_veth_has_no_phc(void **state)
{
	char veth[16], peer[16];
	struct phc_clock phc;
	int index = -7;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* The veth dies with this namespace even if an assert below fails. */
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	snprintf(veth, sizeof(veth), "xhpa%d", (int)getpid());
	snprintf(peer, sizeof(peer), "xhpb%d", (int)getpid());
	assert_int_equal(run_cmd("ip link add %s type veth peer name %s", veth, peer), 0);

	assert_int_equal(phc_clock_index(veth, &index), -ENODEV);
	assert_int_equal(index, -7);
	memset(&phc, 0xa5, sizeof(phc));
	assert_int_equal(phc_clock_open(&phc, veth), -ENODEV);
	assert_false(phc.open);
	phc_clock_close(&phc); /* closing what never opened is harmless */
	phc_clock_close(&phc);
	assert_int_equal(phc_clock_open(&phc, "xhpnone0"), -ENODEV);
	assert_int_equal(phc_clock_open(&phc, "xhp-name-far-too-long"), -ENAMETOOLONG);
	assert_int_equal(phc_clock_open(&phc, ""), -EINVAL);

	assert_int_equal(run_cmd("ip link del %s", veth), 0);
}

/* ---- decoding xdp_hints_rx_hw ---------------------------------------------------- */

struct hw_hint_offsets {
	__u32 btf_id, size;
	__u32 rx_hw_timestamp, rx_ktime, valid_bits, btf_id_field;
};

/* Member offsets straight from BTF, not through the code under test. */
static __u32 member_offset(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (__u16 i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	fail_msg("xdp_hints_rx_hw has no member %s", name);
	return 0;
}

static void rx_hw_offsets(const struct btf *btf, struct hw_hint_offsets *o)
{
	__s32 id = btf__find_by_name_kind(btf, "xdp_hints_rx_hw", BTF_KIND_STRUCT);
	const struct btf_type *t;

	assert_true(id > 0);
	t = btf__type_by_id(btf, (__u32)id);
	o->btf_id = (__u32)id;
	o->size = t->size;
	o->rx_hw_timestamp = member_offset(btf, t, "rx_hw_timestamp");
	o->rx_ktime = member_offset(btf, t, "rx_ktime");
	o->valid_bits = member_offset(btf, t, "valid_bits");
	o->btf_id_field = member_offset(btf, t, "btf_id");
	assert_int_equal(o->btf_id_field + 4, o->size); /* btf_id last */
}

/* A frame as the XDP program leaves it: the hint ends where the packet starts. */
#define FRAME_HEADROOM 256
struct frame {
	_Alignas(8) unsigned char bytes[FRAME_HEADROOM + 64];
};

static void *build_rx_hw_frame(struct frame *f, const struct hw_hint_offsets *o,
			       __u64 hw_ts, __u64 rx_ktime, __u32 valid_bits)
{
	unsigned char *pkt = f->bytes + FRAME_HEADROOM;
	unsigned char *hint = pkt - o->size;

	memset(f, 0x5a, sizeof(*f));
	memset(hint, 0, o->size);
	memcpy(hint + o->rx_hw_timestamp, &hw_ts, sizeof(hw_ts));
	memcpy(hint + o->rx_ktime, &rx_ktime, sizeof(rx_ktime));
	memcpy(hint + o->valid_bits, &valid_bits, sizeof(valid_bits));
	memcpy(hint + o->btf_id_field, &o->btf_id, sizeof(o->btf_id));
	return pkt;
}

struct decode_env {
	struct btf *btf;
	struct hint_decoder dec;
	struct hw_hint_offsets off;
	int layout;
};

static int decode_env_setup(void **state)
{
	struct decode_env *env = calloc(1, sizeof(*env));

	if (!env)
		return -1;
	env->btf = btf__parse(KERN_OBJ, NULL);
	if (!env->btf) {
		fprintf(stderr, "test_phc_clock: cannot read the BTF of %s\n", KERN_OBJ);
		free(env);
		return -1;
	}
	if (hint_decoder_init(&env->dec, env->btf)) {
		btf__free(env->btf);
		free(env);
		return -1;
	}
	*state = env;
	return 0;
}

static int decode_env_teardown(void **state)
{
	struct decode_env *env = *state;

	hint_decoder_free(&env->dec);
	btf__free(env->btf);
	free(env);
	return 0;
}

static void test_decode_rx_hw(void **state)
{
	struct decode_env *env = *state;
	const __u64 hw_ts = 1700000000123456789ULL, rx_ktime = 5000000000ULL;
	struct decoded_hint h;
	struct frame f;
	void *pkt;
	int index;

	rx_hw_offsets(env->btf, &env->off);
	index = hint_decoder_find(&env->dec, "xdp_hints_rx_hw");
	assert_true(index >= 0);
	assert_true(env->dec.layouts[index].has_hw_timestamp);
	assert_int_equal(env->dec.layouts[index].btf_id, env->off.btf_id);

	pkt = build_rx_hw_frame(&f, &env->off, hw_ts, rx_ktime,
				HINT_HW_VALID_TIMESTAMP | HINT_HW_VALID_HASH);
	memset(&h, 0xff, sizeof(h));
	hint_decoder_decode(&env->dec, pkt, &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_int_equal(h.layout, index);
	assert_true(h.has_hw_ts);
	assert_true(h.hw_ts == hw_ts);
	assert_true(h.has_rx_ktime);
	assert_true(h.rx_ktime == rx_ktime);

	/* Bit clear: absent, whatever the field holds. */
	pkt = build_rx_hw_frame(&f, &env->off, hw_ts, rx_ktime, HINT_HW_VALID_HASH);
	hint_decoder_decode(&env->dec, pkt, &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_false(h.has_hw_ts);
	assert_true(h.has_rx_ktime);
}

/* Layouts without the pair never report a hardware timestamp. */
static void test_decode_other_layouts(void **state)
{
	struct decode_env *env = *state;

	for (size_t i = 0; i < env->dec.n_layouts; i++) {
		const struct hint_layout *l = &env->dec.layouts[i];

		assert_int_equal(l->has_hw_timestamp, !strcmp(l->name, "xdp_hints_rx_hw"));
	}
}

/* ---- statistics and reports -------------------------------------------------------- */

static struct decoded_hint hw_hint(__u64 hw_ts, __u64 rx_ktime)
{
	struct decoded_hint h = {
		.kind = HINT_KNOWN,
		.has_rx_ktime = true,
		.rx_ktime = rx_ktime,
		.has_hw_ts = true,
		.hw_ts = hw_ts,
	};
	return h;
}

/* The PHC 1e18 ns ahead of CLOCK_MONOTONIC. */
#define TEST_OFFSET 1000000000000000000LL

static void test_stats_hw_to_xdp(void **state)
{
	struct queue_rx_stats s, copy, total;
	struct decoded_hint h;

	(void)state;
	assert_int_equal(queue_rx_stats_init(&s, 3, 1), 0);
	assert_int_equal(queue_rx_stats_init(&copy, 3, 1), 0);
	assert_int_equal(queue_rx_stats_init(&total, 0, 1), 0);

	/* Arrived at PHC T, XDP ran 1500 ns later on the monotonic clock. */
	h = hw_hint(TEST_OFFSET + 10000000, 10001500);
	queue_rx_stats_account_hw(&s, &h, TEST_OFFSET);
	assert_int_equal(s.hw_timestamps, 1);
	assert_int_equal(latency_histogram_count(s.hw_to_xdp_hist), 1);
	assert_int_equal(latency_histogram_min(s.hw_to_xdp_hist), 1500);
	assert_int_equal(latency_histogram_max(s.hw_to_xdp_hist), 1500);

	/* Hardware time 200 ns after rx_ktime: a clock error, not 2^64 - 200. */
	h = hw_hint(TEST_OFFSET + 10000200, 10000000);
	queue_rx_stats_account_hw(&s, &h, TEST_OFFSET);
	assert_int_equal(s.hw_to_xdp_negative, 1);
	assert_int_equal(latency_histogram_count(s.hw_to_xdp_hist), 1);
	assert_int_equal(latency_histogram_max(s.hw_to_xdp_hist), 1500);

	/* No PHC: counted, not timed. */
	h = hw_hint(123, 10000000);
	queue_rx_stats_account_hw(&s, &h, PHC_OFFSET_NONE);
	/* A hardware time before boot on this offset cannot be converted. */
	h = hw_hint(5, 10000000);
	queue_rx_stats_account_hw(&s, &h, TEST_OFFSET);
	assert_int_equal(s.hw_timestamps_unconverted, 2);
	assert_int_equal(s.hw_timestamps, 4);
	assert_int_equal(latency_histogram_count(s.hw_to_xdp_hist), 1);

	/* Without the valid bit nothing is counted. */
	h = hw_hint(TEST_OFFSET, 10000000);
	h.has_hw_ts = false;
	queue_rx_stats_account_hw(&s, &h, TEST_OFFSET);
	assert_int_equal(s.hw_timestamps, 4);
	/* XDP-to-application latency is untouched by all of this. */
	for (int c = 0; c < CORE_CLASSES; c++)
		assert_int_equal(latency_histogram_count(s.latency_hist[c]), 0);

	/* Snapshots and totals carry the counters and their own histogram. */
	queue_rx_stats_copy(&copy, &s);
	assert_ptr_not_equal(copy.hw_to_xdp_hist, s.hw_to_xdp_hist);
	assert_int_equal(copy.hw_to_xdp_negative, 1);
	assert_int_equal(latency_histogram_count(copy.hw_to_xdp_hist), 1);
	queue_rx_stats_add(&total, &s);
	queue_rx_stats_add(&total, &copy);
	assert_int_equal(total.hw_timestamps, 8);
	assert_int_equal(total.hw_timestamps_unconverted, 4);
	assert_int_equal(total.hw_to_xdp_negative, 2);
	assert_int_equal(latency_histogram_count(total.hw_to_xdp_hist), 2);

	queue_rx_stats_free(&s);
	queue_rx_stats_free(&copy);
	queue_rx_stats_free(&total);
}

static char *print_report(const struct hint_decoder *dec, const struct queue_rx_stats *q,
			  size_t n, enum report_style style)
{
	struct report_run run = {
		.dev = "xhp0", .ifindex = 9, .xdp_mode = "native", .bind_mode = "copy",
		.rx_mode = "wakeup", .duration_s = 1.0, .rx = true,
		/* a column per queue, idle ones too (the columns are the point) */
		.all_queues = true,
	};
	const struct queue_rx_stats *queues[8];
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		queues[i] = &q[i];
	assert_non_null(out);
	assert_int_equal(report_print(out, style, REPORT_FINAL, &run, dec, queues, NULL, n, NULL), 0);
	fclose(out);
	return text;
}

static size_t count_of(const char *text, const char *part)
{
	size_t n = 0;

	for (const char *p = strstr(text, part); p; p = strstr(p + 1, part))
		n++;
	return n;
}

static void assert_occurs(const char *text, const char *part, size_t times)
{
	size_t n = count_of(text, part);

	if (n != times)
		fail_msg("expected %zu x \"%s\", found %zu in:\n%s", times, part, n, text);
}

static void test_report_hw_to_xdp(void **state)
{
	struct decode_env *env = *state;
	struct queue_rx_stats q[2];
	struct decoded_hint h;
	char *text;

	assert_int_equal(queue_rx_stats_init(&q[0], 0, env->dec.n_layouts), 0);
	assert_int_equal(queue_rx_stats_init(&q[1], 1, env->dec.n_layouts), 0);

	/* Nothing hardware-timed yet: zero counts, and no summary at all
	 * (absent, not zero) in JSON; no section in the tables. */
	text = print_report(&env->dec, q, 2, REPORT_JSON);
	assert_occurs(text, "\"hw_timestamps\":0,\"hw_timestamps_unconverted\":0,\"hw_to_xdp_negative\":0,"
		      "\"xdp\":{", 3);
	assert_occurs(text, "\"hw_to_xdp_ns\"", 0);
	assert_occurs(text, "\"latency_ns\"", 0);
	free(text);
	text = print_report(&env->dec, q, 2, REPORT_COMPACT);
	assert_occurs(text, "hw_timestamps", 0);
	free(text);
	text = print_report(&env->dec, q, 2, REPORT_EXTENDED);
	assert_occurs(text, "hw_to_xdp_ns.", 0);
	free(text);

	h = hw_hint(TEST_OFFSET + 10000000, 10001500);
	queue_rx_stats_account_hw(&q[1], &h, TEST_OFFSET);
	h = hw_hint(TEST_OFFSET + 10000200, 10000000);
	queue_rx_stats_account_hw(&q[1], &h, TEST_OFFSET);
	queue_rx_stats_account_hw(&q[1], &h, PHC_OFFSET_NONE);

	text = print_report(&env->dec, q, 2, REPORT_JSON);
	/* Queue 1 and the total. */
	assert_occurs(text, "\"hw_timestamps\":3,\"hw_timestamps_unconverted\":1,\"hw_to_xdp_negative\":1,"
		      "\"hw_to_xdp_ns\":{\"count\":1,\"min\":1500,\"avg\":1500,"
		      "\"p50\":1500,\"p90\":1500,\"p99\":1500,\"p999\":1500,\"max\":1500}", 2);
	/* latency_ns stays XDP-to-application: no sample, no summary. */
	assert_occurs(text, "\"latency_ns\"", 0);
	free(text);
	text = print_report(&env->dec, q, 2, REPORT_COMPACT);
	assert_occurs(text, "hw_timestamps 3, hw_timestamps_unconverted 1, hw_to_xdp_negative 1", 1);
	assert_occurs(text, "hw_to_xdp_ns: p50", 1);
	free(text);
	text = print_report(&env->dec, q, 2, REPORT_EXTENDED);
	/* One row, the total has samples; queue 0 has none: "-", not 0 ns,
	 * in each of its 7 nanosecond rows. */
	assert_occurs(text, "hw_to_xdp_ns.p50", 1);
	assert_occurs(text, "           -", 7);
	assert_occurs(text, " 0 ns", 0);
	/* min avg p50 p90 p99 p999 max, of queue 1 and of the total */
	assert_occurs(text, "1.50 µs", 14);
	free(text);

	queue_rx_stats_free(&q[0]);
	queue_rx_stats_free(&q[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_realtime_stand_in),
		cmocka_unit_test(test_offset_errors),
		cmocka_unit_test(test_fd_to_clockid),
		cmocka_unit_test(test_phc_to_mono),
		cmocka_unit_test(test_stats_hw_to_xdp),
		cmocka_unit_test_setup_teardown(test_decode_rx_hw, decode_env_setup,
						decode_env_teardown),
		cmocka_unit_test_setup_teardown(test_decode_other_layouts, decode_env_setup,
						decode_env_teardown),
		cmocka_unit_test_setup_teardown(test_report_hw_to_xdp, decode_env_setup,
						decode_env_teardown),
		/* Last: it leaves this process in a private network namespace. */
		cmocka_unit_test(test_open_veth_has_no_phc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
