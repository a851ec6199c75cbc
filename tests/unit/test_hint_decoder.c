// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the network can hand the receiver, one frame at a time, decoded
 * with the BTF of the real XDP object and counted as the receiver counts
 * it: a hint of each layout, a frame without a hint, a btf_id that is no
 * hint of ours (a type of the object that is not a hint, and an id beyond
 * the BTF), a frame whose slot was cleared after an earlier hint (the
 * stale-headroom contract), and a hint from the future.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/btf.h>

#include "hint_decoder.h"
#include "rx_stats.h"

#define KERN_OBJ BUILD_DIR "/af_xdp_kern.bpf.o"
#define META_ROOM 256

struct env {
	struct btf *btf;
	struct hint_decoder dec;
	struct queue_rx_stats stats;
	__u8 frame[META_ROOM + 64];
};

static int setup(void **state)
{
	static struct env env;

	memset(&env, 0, sizeof(env));
	env.btf = btf__parse(KERN_OBJ, NULL);
	if (!env.btf || hint_decoder_init(&env.dec, env.btf))
		return -1;
	if (queue_rx_stats_init(&env.stats, 3, env.dec.n_layouts))
		return -1;
	*state = &env;
	return 0;
}

static int teardown(void **state)
{
	struct env *env = *state;

	queue_rx_stats_free(&env->stats);
	hint_decoder_free(&env->dec);
	btf__free(env->btf);
	return 0;
}

static void *packet(struct env *env)
{
	return env->frame + META_ROOM;
}

/* Write @value into @layout's member @field in front of the packet. */
static void put_field(struct env *env, int layout, const char *field,
		      const void *value, size_t size)
{
	struct xsk_hint_field f;

	assert_int_equal(xsk_hint__field(env->dec.layouts[layout].info, field, &f), 0);
	assert_int_equal(f.size, size);
	memcpy((__u8 *)packet(env) + f.pkt_offset, value, size);
}

static void put_btf_id(struct env *env, __u32 id)
{
	memcpy((__u8 *)packet(env) - sizeof(id), &id, sizeof(id));
}

static void test_rx_time_hint_decoded_and_timed(void **state)
{
	struct env *env = *state;
	int layout = hint_decoder_find(&env->dec, "xdp_hints_rx_time");
	__u64 rx_ktime = 1000000, before = env->stats.packets;
	__u32 cpu = 1;
	struct decoded_hint h = { 0 };

	assert_true(layout >= 0);
	put_field(env, layout, "rx_ktime", &rx_ktime, sizeof(rx_ktime));
	put_field(env, layout, "xdp_rx_cpu", &cpu, sizeof(cpu));
	put_btf_id(env, env->dec.layouts[layout].btf_id);

	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_int_equal(h.layout, layout);
	assert_true(h.has_rx_ktime && h.has_rx_cpu && !h.has_mark);
	assert_int_equal(h.rx_ktime, rx_ktime);
	assert_int_equal(h.rx_cpu, cpu);

	queue_rx_stats_account(&env->stats, &h, rx_ktime + 2500, 1);
	assert_int_equal(env->stats.packets, before + 1);
	assert_int_equal(env->stats.layout_packets[layout], 1);
	assert_int_equal(env->stats.same_core, 1);
	assert_int_equal(latency_histogram_count(env->stats.latency_hist[CORE_SAME]), 1);
	assert_int_equal(latency_histogram_min(env->stats.latency_hist[CORE_SAME]), 2500);
}

static void test_mark_hint_cross_checks_queue(void **state)
{
	struct env *env = *state;
	int layout = hint_decoder_find(&env->dec, "xdp_hints_mark");
	struct decoded_hint h = { 0 };
	__u32 mark = 7; /* the stats are for queue 3 */

	assert_true(layout >= 0);
	put_field(env, layout, "mark", &mark, sizeof(mark));
	put_btf_id(env, env->dec.layouts[layout].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_true(h.has_mark && !h.has_rx_ktime);
	assert_int_equal(h.mark, 7);
	queue_rx_stats_account(&env->stats, &h, 0, 0);
	assert_int_equal(env->stats.mark_mismatch, 1);

	/* The other branch: a mark naming this queue is no mismatch. */
	mark = 3;
	put_field(env, layout, "mark", &mark, sizeof(mark));
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.mark, 3);
	queue_rx_stats_account(&env->stats, &h, 0, 0);
	assert_int_equal(env->stats.mark_mismatch, 1);
}

/* A driver's RX timestamp counts only with its valid bit: a clear bit is "absent", not 0. */
static void test_hw_timestamp_needs_its_valid_bit(void **state)
{
	struct env *env = *state;
	int layout = hint_decoder_find(&env->dec, "xdp_hints_rx_hw");
	__u64 hw_ts = 0x123456789abcULL;
	__u32 valid = HINT_HW_VALID_TIMESTAMP | HINT_HW_VALID_HASH;
	struct decoded_hint h = { 0 };

	assert_true(layout >= 0);
	assert_true(env->dec.layouts[layout].has_hw_timestamp);
	put_field(env, layout, "rx_hw_timestamp", &hw_ts, sizeof(hw_ts));
	put_field(env, layout, "valid_bits", &valid, sizeof(valid));
	put_btf_id(env, env->dec.layouts[layout].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_true(h.has_hw_ts);
	assert_true(h.hw_ts == hw_ts);

	valid = HINT_HW_VALID_HASH; /* the driver had no time for this frame */
	put_field(env, layout, "valid_bits", &valid, sizeof(valid));
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	assert_false(h.has_hw_ts);
}

static void test_no_hint(void **state)
{
	struct env *env = *state;
	__u64 before = env->stats.no_hint;
	struct decoded_hint h = { 0 };

	put_btf_id(env, XSK_HINTS_NO_HINT);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_NONE);
	assert_false(h.has_rx_ktime || h.has_rx_cpu || h.has_mark);
	queue_rx_stats_account(&env->stats, &h, 0, 0);
	assert_int_equal(env->stats.no_hint, before + 1);
}

static void test_unknown_btf_ids(void **state)
{
	struct env *env = *state;
	__u32 ids[3];
	struct decoded_hint h = { 0 };
	__u64 before = env->stats.unknown_btf_id;

	/* A real type of the object that is not a hint, an id just past the
	 * BTF, and the largest id. */
	ids[0] = (__u32)btf__find_by_name_kind(env->btf, "queue_counters", BTF_KIND_STRUCT);
	assert_true((int)ids[0] > 0);
	ids[1] = btf__type_cnt(env->btf);
	ids[2] = UINT32_MAX;
	for (size_t i = 0; i < 3; i++) {
		put_btf_id(env, ids[i]);
		hint_decoder_decode(&env->dec, packet(env), &h);
		assert_int_equal(h.kind, HINT_UNKNOWN);
		assert_int_equal(h.btf_id, ids[i]);
		assert_false(h.has_rx_ktime || h.has_rx_cpu || h.has_mark);
		queue_rx_stats_account(&env->stats, &h, 0, 0);
	}
	assert_int_equal(env->stats.unknown_btf_id, before + 3);
}

/* The slot an earlier hint left must read "no hint" once the receiver
 * cleared it, as it does before recycling the frame. */
static void test_stale_headroom_cleared(void **state)
{
	struct env *env = *state;
	int layout = hint_decoder_find(&env->dec, "xdp_hints_rx_time");
	struct decoded_hint h = { 0 };

	put_btf_id(env, env->dec.layouts[layout].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_KNOWN);
	xsk_hints_pkt_clear_btf_id(packet(env));
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.kind, HINT_NONE);
}

/* A hint's future rx_ktime (clock trouble) is counted, never timed. */
static __u64 timed_count(const struct queue_rx_stats *s)
{
	__u64 n = 0;

	for (int c = 0; c < CORE_CLASSES; c++)
		n += latency_histogram_count(s->latency_hist[c]);
	return n;
}

static void test_clock_backwards_not_timed(void **state)
{
	struct env *env = *state;
	int layout = hint_decoder_find(&env->dec, "xdp_hints_rx_time");
	__u64 rx_ktime = 5000000, count = timed_count(&env->stats);
	struct decoded_hint h = { 0 };

	put_field(env, layout, "rx_ktime", &rx_ktime, sizeof(rx_ktime));
	put_btf_id(env, env->dec.layouts[layout].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	queue_rx_stats_account(&env->stats, &h, rx_ktime - 1, 0);
	assert_int_equal(env->stats.clock_backwards, 1);
	assert_int_equal(timed_count(&env->stats), count);
}

/*
 * The receive time is the field of the run's clock: rx_ktime (monotonic)
 * or rx_tai_ns (TAI). A layout holding the other clock's time is counted
 * but not timed: subtracting a TAI time from a monotonic now is nonsense.
 */
static void test_receive_time_follows_the_clock(void **state)
{
	struct env *env = *state;
	int tai = hint_decoder_find(&env->dec, "xdp_hints_rx_tai");
	int mono = hint_decoder_find(&env->dec, "xdp_hints_rx_time");
	__u64 when = 1700000000000000000ULL;
	struct decoded_hint h = { 0 };

	assert_true(tai >= 0 && mono >= 0);
	put_field(env, tai, "rx_tai_ns", &when, sizeof(when));
	put_btf_id(env, env->dec.layouts[tai].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.layout, tai);
	assert_false(h.has_rx_ktime);  /* monotonic run: not timed */
	assert_true(h.has_rx_cpu);

	hint_decoder_use_clock(&env->dec, HINT_CLOCK_TAI);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_true(h.has_rx_ktime);
	assert_int_equal(h.rx_ktime, when);
	put_field(env, mono, "rx_ktime", &when, sizeof(when));
	put_btf_id(env, env->dec.layouts[mono].btf_id);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_int_equal(h.layout, mono);
	assert_false(h.has_rx_ktime);  /* TAI run: a monotonic time is not timed */

	hint_decoder_use_clock(&env->dec, HINT_CLOCK_MONOTONIC);
	hint_decoder_decode(&env->dec, packet(env), &h);
	assert_true(h.has_rx_ktime);
	put_btf_id(env, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rx_time_hint_decoded_and_timed),
		cmocka_unit_test(test_mark_hint_cross_checks_queue),
		cmocka_unit_test(test_hw_timestamp_needs_its_valid_bit),
		cmocka_unit_test(test_no_hint),
		cmocka_unit_test(test_unknown_btf_ids),
		cmocka_unit_test(test_stale_headroom_cleared),
		cmocka_unit_test(test_clock_backwards_not_timed),
		cmocka_unit_test(test_receive_time_follows_the_clock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
