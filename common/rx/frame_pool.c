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
