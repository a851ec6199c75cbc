// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The shared UMEM's frame ownership: the split at start-up, the policy per
 * released batch, the --threads spill, and simulations of queues trading
 * frames through one pool, or through slices and a spill, that must never
 * lose or duplicate a frame nor overflow a fill ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "frame_pool.h"

#define BATCH 64U

static void plan_splits(void **state)
{
	struct frame_quota q;
	__u32 pool;

	(void)state;
	/* 128 queues, 32768 frames: even 256, floor half of it (two batches),
	 * cap four shares (1024), the other half in the pool. */
	pool = frame_quota_plan(32768, 128, BATCH, &q);
	assert_int_equal(q.floor, 128);
	assert_int_equal(q.cap, 1024);
	assert_int_equal(q.step, BATCH);
	assert_int_equal(pool, 32768 - 128 * 128);
	/* 64 queues: even 512, floor 256, cap 2048. */
	pool = frame_quota_plan(32768, 64, BATCH, &q);
	assert_int_equal(q.floor, 256);
	assert_int_equal(q.cap, 2048);
	assert_int_equal(pool, 16384);
	/* One queue: half at start, the whole UMEM at most. */
	pool = frame_quota_plan(4096, 1, BATCH, &q);
	assert_int_equal(q.floor, 2048);
	assert_int_equal(q.cap, 4096);
	assert_int_equal(pool, 2048);
	/* Small shares: the floor is two batches, or the whole share. */
	pool = frame_quota_plan(4096, 16, BATCH, &q); /* even 256 */
	assert_int_equal(q.floor, 128);
	pool = frame_quota_plan(1024, 16, BATCH, &q); /* even 64 */
	assert_int_equal(q.floor, 64);
	assert_int_equal(pool, 0);
	assert_int_equal(q.cap, 1024);
	/* Not a power of two of queues: cap still a power of two. */
	frame_quota_plan(8192, 3, BATCH, &q); /* even 2730 */
	assert_int_equal(q.floor, 1365);
	assert_int_equal(q.cap, 8192);
	assert_true(q.cap >= q.floor);
}

static void decide_busy_takes(void **state)
{
	struct frame_quota q = { .floor = 128, .cap = 1024, .step = BATCH };

	(void)state;
	/* A full batch: one batch more from the pool. */
	assert_int_equal(frame_pool_decide(&q, 128, BATCH, BATCH, BATCH, 1000, false), 64);
	/* No more than the pool has. */
	assert_int_equal(frame_pool_decide(&q, 128, BATCH, BATCH, BATCH, 10, false), 10);
	assert_int_equal(frame_pool_decide(&q, 128, BATCH, BATCH, BATCH, 0, false), 0);
	/* No more than the cap. */
	assert_int_equal(frame_pool_decide(&q, 1000, BATCH, BATCH, BATCH, 1000, false), 24);
	assert_int_equal(frame_pool_decide(&q, 1024, BATCH, BATCH, BATCH, 1000, false), 0);
	/* Draining at stop: nothing taken. */
	assert_int_equal(frame_pool_decide(&q, 128, BATCH, BATCH, BATCH, 1000, true), 0);
}

static void decide_idle_gives_back(void **state)
{
	struct frame_quota q = { .floor = 128, .cap = 1024, .step = BATCH };

	(void)state;
	/* Less than a full batch while above the floor: the surplus goes
	 * back, out of the batch's own buffers. */
	assert_int_equal(frame_pool_decide(&q, 300, 10, 10, BATCH, 0, false), -10);
	assert_int_equal(frame_pool_decide(&q, 130, 10, 10, BATCH, 0, false), -2);
	/* At the floor: kept. */
	assert_int_equal(frame_pool_decide(&q, 128, 10, 10, BATCH, 0, false), 0);
	/* An empty batch has nothing to give. */
	assert_int_equal(frame_pool_decide(&q, 300, 0, 0, BATCH, 0, false), 0);
	/* Multi-buffer: buffers, not frames, go back. */
	assert_int_equal(frame_pool_decide(&q, 300, 3, 12, BATCH, 0, false), -12);
	/* A drain gives back too. */
	assert_int_equal(frame_pool_decide(&q, 200, BATCH, BATCH, BATCH, 0, true), -64);
}

static void spill_decide(void **state)
{
	(void)state;
	/* An empty slice whose queue wants frames: a step from the spill. */
	assert_int_equal(frame_spill_decide(0, 64, BATCH, true), 64);
	/* Empty but not wanted, or not empty: the spill is not touched. */
	assert_int_equal(frame_spill_decide(0, 64, BATCH, false), 0);
	assert_int_equal(frame_spill_decide(1, 64, BATCH, true), 0);
	/* Up to its start plus a step: kept. */
	assert_int_equal(frame_spill_decide(128, 64, BATCH, false), 0);
	assert_int_equal(frame_spill_decide(128, 64, BATCH, true), 0);
	/* Past it: back to its start. */
	assert_int_equal(frame_spill_decide(129, 64, BATCH, false), -65);
	assert_int_equal(frame_spill_decide(1000, 64, BATCH, true), -936);
	/* A slice that started empty (a small pool). */
	assert_int_equal(frame_spill_decide(0, 0, BATCH, true), 64);
	assert_int_equal(frame_spill_decide(65, 0, BATCH, false), -65);
}

static void spill_moves(void **state)
{
	struct frame_spill spill;
	struct frame_pool slice;

	(void)state;
	assert_int_equal(frame_spill_init(&spill, 100), 0);
	assert_int_equal(frame_pool_init(&slice, 40), 0);
	for (__u64 a = 0; a < 100; a++)
		frame_pool_push(&spill.pool, a);
	spill.pool.low_water = spill.pool.n_free;
	/* Nothing asked: nothing moves. */
	assert_int_equal(frame_spill_move(&spill, &slice, 0), 0);
	/* A take stops at the slice's room. */
	assert_int_equal(frame_spill_move(&spill, &slice, 64), 40);
	assert_int_equal(slice.n_free, 40);
	assert_int_equal(spill.pool.n_free, 60);
	assert_int_equal(spill.pool.low_water, 60);
	assert_int_equal(spill.taken, 40);
	/* The spill's top went to the slice's top. */
	assert_int_equal(slice.addrs[39], 99);
	/* A give stops at what the slice holds. */
	assert_int_equal(frame_spill_move(&spill, &slice, -50), 40);
	assert_int_equal(slice.n_free, 0);
	assert_int_equal(spill.pool.n_free, 100);
	assert_int_equal(spill.given, 40);
	/* ... and a take at what the spill holds. */
	frame_pool_free(&slice);
	assert_int_equal(frame_pool_init(&slice, 200), 0);
	assert_int_equal(frame_spill_move(&spill, &slice, 150), 100);
	assert_int_equal(spill.pool.low_water, 0);
	frame_pool_free(&slice);
	frame_spill_free(&spill);
	frame_spill_free(&spill); /* safe twice */
}

/*
 * Four queues on one pool; queue 0 gets bursts, the others a trickle. Each
 * step a queue's "kernel" fills its RX ring from its fill ring (as much as
 * arrives), the receiver takes a batch and releases it through the policy.
 * Frames are tracked by address: every one is exactly once in a fill ring,
 * an RX ring or the pool, and no fill ring ever holds more than cap.
 */
#define QUEUES 4U
#define RX_FRAMES 4096U

struct sim_queue {
	__u64 fill[RX_FRAMES], rx[RX_FRAMES];
	__u32 n_fill, n_rx, owned;
};

/* Count where each frame is: the queues' rings, then the free pools. */
static void count_queue_frames(const struct sim_queue *sq, unsigned char *seen)
{
	memset(seen, 0, RX_FRAMES);
	for (__u32 i = 0; i < QUEUES; i++) {
		for (__u32 k = 0; k < sq[i].n_fill; k++)
			seen[sq[i].fill[k]]++;
		for (__u32 k = 0; k < sq[i].n_rx; k++)
			seen[sq[i].rx[k]]++;
	}
}

static void count_pool_frames(const struct frame_pool *pool, unsigned char *seen)
{
	for (__u32 k = 0; k < pool->n_free; k++)
		seen[pool->addrs[k]]++;
}

/* Every frame exactly once. */
static void expect_each_frame_once(const unsigned char *seen, int step)
{
	for (__u32 k = 0; k < RX_FRAMES; k++)
		if (seen[k] != 1)
			fail_msg("step %d: frame %u seen %u times", step, k, seen[k]);
}

static void simulate_traffic_moves(void **state)
{
	static struct sim_queue sq[QUEUES];
	static unsigned char seen[RX_FRAMES];
	struct frame_quota q;
	struct frame_pool pool;
	__u32 pool_n, next = 0, peak0 = 0;

	(void)state;
	memset(sq, 0, sizeof(sq));
	pool_n = frame_quota_plan(RX_FRAMES, QUEUES, BATCH, &q);
	assert_int_equal(frame_pool_init(&pool, pool_n), 0);
	for (__u32 i = 0; i < QUEUES; i++)
		for (__u32 j = 0; j < q.floor; j++, sq[i].owned++)
			sq[i].fill[sq[i].n_fill++] = next++;
	while (next < RX_FRAMES)
		frame_pool_push(&pool, next++);
	pool.low_water = pool.n_free;
	for (int step = 0; step < 20000; step++) {
		for (__u32 i = 0; i < QUEUES; i++) {
			struct sim_queue *s = &sq[i];
			/* Queue 0: a burst in 3 steps of 10, else a trickle. */
			__u32 arrive = i == 0 ? (step % 10 < 3 ? 200 : 1) : (step % 7 == 0);
			__u32 n, give, take;
			int d;

			for (; arrive && s->n_fill; arrive--)
				s->rx[s->n_rx++] = s->fill[--s->n_fill];
			n = s->n_rx < BATCH ? s->n_rx : BATCH;
			d = frame_pool_decide(&q, s->owned, n, n, BATCH, pool.n_free, false);
			give = d < 0 ? (__u32)-d : 0;
			take = d > 0 ? (__u32)d : 0;
			/* The batch is the oldest n of the RX ring. */
			for (__u32 k = 0; k < n; k++) {
				__u64 addr = s->rx[k];

				if (k < give)
					frame_pool_push(&pool, addr);
				else
					s->fill[s->n_fill++] = addr;
			}
			memmove(s->rx, s->rx + n, (s->n_rx - n) * sizeof(s->rx[0]));
			s->n_rx -= n;
			for (__u32 k = 0; k < take; k++)
				s->fill[s->n_fill++] = frame_pool_pop(&pool);
			s->owned = s->owned - give + take;
			assert_int_equal(s->owned, s->n_fill + s->n_rx);
			assert_true(s->n_fill <= q.cap);
			assert_true(s->owned >= q.floor);
			if (i == 0 && s->owned > peak0)
				peak0 = s->owned;
		}
		count_queue_frames(sq, seen);
		count_pool_frames(&pool, seen);
		expect_each_frame_once(seen, step);
	}
	/* The busy queue grew past its floor; the quiet ones gave back. */
	assert_true(peak0 > q.floor);
	for (__u32 i = 1; i < QUEUES; i++)
		assert_int_equal(sq[i].owned, q.floor);
	assert_true(pool.low_water < pool_n);
	frame_pool_free(&pool);
}

/*
 * --threads: the same traffic, each queue with its own slice (a step at
 * start) and one spill for the rest, used the way xsk_queue.c uses them:
 * before the pool decision an empty slice of a queue that wants frames
 * takes a step from the spill; after the batch's frames went back, a
 * slice past its start plus a step gives the excess back. Every frame
 * exactly once in a fill ring, an RX ring, a slice or the spill; the busy
 * queue ends up with more than its floor plus an even share of the pool
 * (what fixed slices allowed), and the frames come back once it calms.
 */
static void simulate_threads_spill(void **state)
{
	static struct sim_queue sq[QUEUES];
	static unsigned char seen[RX_FRAMES];
	struct frame_pool slice[QUEUES];
	struct frame_spill spill;
	struct frame_quota q;
	__u32 pool_n, per_slice, next = 0, peak0 = 0;

	(void)state;
	memset(sq, 0, sizeof(sq));
	pool_n = frame_quota_plan(RX_FRAMES, QUEUES, BATCH, &q);
	per_slice = pool_n / QUEUES < q.step ? pool_n / QUEUES : q.step;
	for (__u32 i = 0; i < QUEUES; i++)
		for (__u32 j = 0; j < q.floor; j++, sq[i].owned++)
			sq[i].fill[sq[i].n_fill++] = next++;
	for (__u32 i = 0; i < QUEUES; i++) {
		assert_int_equal(frame_pool_init(&slice[i], per_slice + q.step + q.cap), 0);
		for (__u32 j = 0; j < per_slice; j++)
			frame_pool_push(&slice[i], next++);
		slice[i].initial = slice[i].low_water = slice[i].n_free;
	}
	assert_int_equal(frame_spill_init(&spill, pool_n), 0);
	while (next < RX_FRAMES)
		frame_pool_push(&spill.pool, next++);
	spill.pool.low_water = spill.pool.n_free;
	for (int step = 0; step < 20000; step++) {
		for (__u32 i = 0; i < QUEUES; i++) {
			struct sim_queue *s = &sq[i];
			struct frame_pool *p = &slice[i];
			/* Queue 0: bursts in the first half, then a trickle. */
			__u32 arrive = i == 0 ? (step < 10000 && step % 10 < 3 ? 200 : 1) :
						(step % 7 == 0);
			__u32 n, give, take;
			bool wants;
			int d;

			for (; arrive && s->n_fill; arrive--)
				s->rx[s->n_rx++] = s->fill[--s->n_fill];
			n = s->n_rx < BATCH ? s->n_rx : BATCH;
			wants = n >= BATCH && s->owned < q.cap;
			frame_spill_move(&spill, p, frame_spill_decide(p->n_free, p->initial,
								       q.step, wants));
			d = frame_pool_decide(&q, s->owned, n, n, BATCH, p->n_free, false);
			give = d < 0 ? (__u32)-d : 0;
			take = d > 0 ? (__u32)d : 0;
			for (__u32 k = 0; k < n; k++) {
				if (k < give)
					frame_pool_push(p, s->rx[k]);
				else
					s->fill[s->n_fill++] = s->rx[k];
			}
			if (give)
				frame_spill_move(&spill, p, frame_spill_decide(p->n_free, p->initial,
									       q.step, false));
			memmove(s->rx, s->rx + n, (s->n_rx - n) * sizeof(s->rx[0]));
			s->n_rx -= n;
			for (__u32 k = 0; k < take; k++)
				s->fill[s->n_fill++] = frame_pool_pop(p);
			s->owned = s->owned - give + take;
			assert_int_equal(s->owned, s->n_fill + s->n_rx);
			assert_true(s->n_fill <= q.cap);
			assert_true(s->owned >= q.floor);
			/* Between batches a slice holds its start plus a step at most. */
			assert_true(p->n_free <= p->initial + q.step);
			if (i == 0 && s->owned > peak0)
				peak0 = s->owned;
		}
		count_queue_frames(sq, seen);
		for (__u32 i = 0; i < QUEUES; i++)
			count_pool_frames(&slice[i], seen);
		count_pool_frames(&spill.pool, seen);
		expect_each_frame_once(seen, step);
	}
	/* The busy queue had more than a fixed slice could give it ... */
	if (peak0 <= q.floor + pool_n / QUEUES)
		fail_msg("busy queue's peak %u <= floor %u + a quarter of the pool %u", peak0,
			 q.floor, pool_n / QUEUES);
	assert_true(spill.taken > 0);
	/* ... and gave it back once calm: every queue at its floor, and the
	 * spill holds all but the slices' starts plus a step each. */
	assert_true(spill.given > 0);
	for (__u32 i = 0; i < QUEUES; i++)
		assert_int_equal(sq[i].owned, q.floor);
	assert_true(spill.pool.n_free >= pool_n - QUEUES * (per_slice + q.step));
	for (__u32 i = 0; i < QUEUES; i++)
		frame_pool_free(&slice[i]);
	frame_spill_free(&spill);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_splits),
		cmocka_unit_test(decide_busy_takes),
		cmocka_unit_test(decide_idle_gives_back),
		cmocka_unit_test(simulate_traffic_moves),
		cmocka_unit_test(spill_decide),
		cmocka_unit_test(spill_moves),
		cmocka_unit_test(simulate_threads_spill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
