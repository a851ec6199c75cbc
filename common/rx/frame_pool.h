/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Frames of one UMEM shared by every queue's socket (--umem shared,
 * XDP_SHARED_UMEM): who owns which frame, without a lock on the receive
 * path.
 *
 * Every RX frame of the UMEM is either owned by a queue (in its fill ring,
 * with the kernel, in its RX ring or in the receiver's hands) or free in a
 * pool (a stack of frame addresses). A queue starts with its floor; the
 * rest is the pool. The policy (frame_pool_decide()) runs once per
 * released batch, on the thread that receives on the queue:
 *   - a full batch says the queue is busy: it takes up to one batch more
 *     from the pool, up to its cap (free frames go where the traffic is);
 *   - a batch less than full says the queue keeps up: what it owns above
 *     its floor goes back to the pool, out of that batch's frames (frames
 *     lent to the kernel cannot be taken back, only frames that come back
 *     through the RX ring).
 * A queue that stops receiving keeps what is in its fill ring until its
 * next batch. Single-thread mode has one pool. With --threads each queue's
 * thread owns a small slice (a step of frames at start), which no other
 * thread touches, and the rest of the pool is the spill (struct
 * frame_spill), shared by the threads under a mutex. A thread locks it
 * between two batches only: when its slice is empty while its queue wants
 * frames (it takes up to a step), or when its slice holds more than its
 * initial size plus a step (it gives the excess back); at most once per
 * batch, never per packet (frame_spill_decide()). So a busy queue's thread
 * draws on frames the other threads' queues gave back, as in single-thread
 * mode.
 *
 * The plan and the decisions are pure functions (tests/unit/test_frame_pool.c).
 */
#ifndef XDP_HINTS_FRAME_POOL_H
#define XDP_HINTS_FRAME_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>

/* How a queue's share of the shared UMEM is bounded, in frames. */
struct frame_quota {
	__u32 floor; /* owned from start-up on, never given back below it */
	__u32 cap;   /* owned at most: a power of two, the fill ring's size */
	__u32 step;  /* taken from the pool per full batch, at most */
};

/*
 * The split of @rx_frames (the UMEM's RX frames) among @queues (>= 1).
 * even = rx_frames / queues. floor = half the even share, but at least
 * min(even, 2 x @batch): one batch in the receiver's hands and one landing
 * in the RX ring, so a queue that wakes up receives at once; the other
 * half of every share is the pool that busy queues draw from. cap = the
 * largest power of two <= min(rx_frames, max(4 x even, 1024)): one queue
 * can hold four shares (or 1024 frames) of a burst, and its fill and RX
 * rings (sized to cap) stay small at 128 queues. step = @batch.
 * Returns the pool's initial size: rx_frames - queues x floor.
 */
__u32 frame_quota_plan(__u32 rx_frames, __u32 queues, __u32 batch, struct frame_quota *quota);

/*
 * After a batch of @n_frames frames (@n_bufs UMEM buffers, == n_frames
 * but with multi-buffer) on a queue that owns @owned frames, of a budget
 * of @full frames, with @pool_free frames in its pool: how many frames to
 * take from the pool (> 0) or give back to it (< 0, at most n_bufs: only
 * the batch's own buffers can go back). 0: the batch's buffers all go back
 * to the fill ring. @draining: the end of the run, nothing taken.
 */
int frame_pool_decide(const struct frame_quota *quota, __u32 owned, __u32 n_frames,
		      __u32 n_bufs, __u32 full, __u32 pool_free, bool draining);

/*
 * A stack of free frame addresses. Owned by one thread at a time (the
 * receive loop's, or one --threads thread's for its slice).
 */
struct frame_pool {
	__u64 *addrs;
	__u32 size;      /* capacity, never exceeded (frame_pool_init()) */
	__u32 initial;   /* free frames at start-up */
	__u32 n_free;
	__u32 low_water; /* fewest free frames seen */
	__u64 dry;       /* full batches that wanted frames and found none */
};

/* Room for @size addresses, empty. 0 or -ENOMEM. */
int frame_pool_init(struct frame_pool *pool, __u32 size);
/* Safe on a zeroed or freed pool. */
void frame_pool_free(struct frame_pool *pool);

static inline void frame_pool_push(struct frame_pool *pool, __u64 addr)
{
	pool->addrs[pool->n_free++] = addr;
}

static inline __u64 frame_pool_pop(struct frame_pool *pool)
{
	__u64 addr = pool->addrs[--pool->n_free];

	if (pool->n_free < pool->low_water)
		pool->low_water = pool->n_free;
	return addr;
}

/*
 * --threads: what a thread does with the spill after a batch, its slice
 * holding @slice_free of its @slice_initial frames (free at start-up).
 * @wants: the batch was full and the queue is below its cap (it would
 * take frames). Returns @step (take up to that many from the spill) when
 * the slice is empty and the queue wants frames; -(slice_free -
 * slice_initial) (give them back) when the slice holds more than
 * slice_initial + @step; else 0, and no lock is taken.
 */
int frame_spill_decide(__u32 slice_free, __u32 slice_initial, __u32 step, bool wants);

/*
 * The spill of --threads: the free frames no thread's slice holds, and
 * what moved through it (frames, under @lock). Owned by the shared UMEM.
 */
struct frame_spill {
	pthread_mutex_t lock;
	struct frame_pool pool;
	__u64 taken;  /* frames slices took from it */
	__u64 given;  /* frames slices gave back to it */
};

/* Room for @size addresses, empty, and the mutex. 0, -ENOMEM, or the
 * negative errno of pthread_mutex_init(). */
int frame_spill_init(struct frame_spill *spill, __u32 size);
/* Safe on a zeroed or freed spill (pool.addrs NULL: no mutex to destroy). */
void frame_spill_free(struct frame_spill *spill);

/*
 * Move frames between @slice and @spill under the spill's lock, as
 * frame_spill_decide() said: @n > 0 takes up to n from the spill (at most
 * what it holds and the slice has room for), @n < 0 gives -n back (at
 * most what the slice holds). Returns the frames moved (0 for @n 0, no
 * lock then). The slice's low water is not changed: frames given back
 * were not used.
 */
__u32 frame_spill_move(struct frame_spill *spill, struct frame_pool *slice, int n);

/* The smallest power of two >= @v (@v <= 2^31). */
__u32 frame_pool_pow2_ceil(__u32 v);

#endif
