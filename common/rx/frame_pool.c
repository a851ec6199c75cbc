// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Frame ownership in a shared UMEM (see frame_pool.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame_pool.h"

/* A queue's cap is at least this (if the UMEM has it): a burst of a
 * thousand frames fits one queue even when the shares are small. */
#define FRAME_CAP_MIN 1024U

static __u32 pow2_floor(__u32 v)
{
	__u32 p = 1;

	while (p <= v / 2)
		p *= 2;
	return p;
}

__u32 frame_pool_pow2_ceil(__u32 v)
{
	__u32 p = 1;

	while (p < v)
		p *= 2;
	return p;
}

__u32 frame_quota_plan(__u32 rx_frames, __u32 queues, __u32 batch, struct frame_quota *quota)
{
	__u32 even, floor, cap;

	if (!queues)
		queues = 1;
	even = rx_frames / queues;
	floor = even / 2;
	if (floor < 2 * batch)
		floor = even < 2 * batch ? even : 2 * batch;
	cap = 4 * (__u64)even > FRAME_CAP_MIN ? 4 * even : FRAME_CAP_MIN;
	if (cap > rx_frames)
		cap = rx_frames;
	cap = pow2_floor(cap ? cap : 1);
	if (cap < floor) /* cannot be with the numbers above; kept whole anyway */
		floor = cap;
	quota->floor = floor;
	quota->cap = cap;
	quota->step = batch;
	return rx_frames - queues * floor;
}

int frame_pool_decide(const struct frame_quota *quota, __u32 owned, __u32 n_frames,
		      __u32 n_bufs, __u32 full, __u32 pool_free, bool draining)
{
	__u32 want;

	if (!n_bufs)
		return 0;
	if (n_frames >= full && !draining) {
		if (owned >= quota->cap)
			return 0;
		want = quota->cap - owned;
		if (want > quota->step)
			want = quota->step;
		return (int)(want < pool_free ? want : pool_free);
	}
	if (owned <= quota->floor)
		return 0;
	want = owned - quota->floor;
	return -(int)(want < n_bufs ? want : n_bufs);
}

int frame_pool_init(struct frame_pool *pool, __u32 size)
{
	memset(pool, 0, sizeof(*pool));
	pool->addrs = calloc(size ? size : 1, sizeof(*pool->addrs));
	if (!pool->addrs)
		return -ENOMEM;
	pool->size = size;
	return 0;
}

void frame_pool_free(struct frame_pool *pool)
{
	free(pool->addrs);
	memset(pool, 0, sizeof(*pool));
}

int frame_spill_decide(__u32 slice_free, __u32 slice_initial, __u32 step, bool wants)
{
	if (!slice_free)
		return wants ? (int)step : 0;
	if (slice_free > slice_initial + step)
		return -(int)(slice_free - slice_initial);
	return 0;
}

int frame_spill_init(struct frame_spill *spill, __u32 size)
{
	int err;

	memset(spill, 0, sizeof(*spill));
	err = -pthread_mutex_init(&spill->lock, NULL);
	if (err)
		return err;
	err = frame_pool_init(&spill->pool, size);
	if (err)
		pthread_mutex_destroy(&spill->lock);
	return err;
}

void frame_spill_free(struct frame_spill *spill)
{
	if (!spill->pool.addrs)
		return;
	frame_pool_free(&spill->pool);
	pthread_mutex_destroy(&spill->lock);
	memset(spill, 0, sizeof(*spill));
}

/* @n addresses from the top of @from to the top of @to. */
static void move_top(struct frame_pool *to, struct frame_pool *from, __u32 n)
{
	from->n_free -= n;
	memcpy(to->addrs + to->n_free, from->addrs + from->n_free, n * sizeof(*to->addrs));
	to->n_free += n;
}

__u32 frame_spill_move(struct frame_spill *spill, struct frame_pool *slice, int n)
{
	__u32 moved;

	if (!n)
		return 0;
	pthread_mutex_lock(&spill->lock);
	if (n > 0) {
		moved = (__u32)n;
		if (moved > spill->pool.n_free)
			moved = spill->pool.n_free;
		if (moved > slice->size - slice->n_free)
			moved = slice->size - slice->n_free;
		move_top(slice, &spill->pool, moved);
		if (spill->pool.n_free < spill->pool.low_water)
			spill->pool.low_water = spill->pool.n_free;
		spill->taken += moved;
	} else {
		moved = (__u32)-n;
		if (moved > slice->n_free)
			moved = slice->n_free;
		if (moved > spill->pool.size - spill->pool.n_free)
			moved = spill->pool.size - spill->pool.n_free;
		move_top(&spill->pool, slice, moved);
		spill->given += moved;
	}
	pthread_mutex_unlock(&spill->lock);
	return moved;
}
