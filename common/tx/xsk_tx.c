// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "xsk_tx.h"
#include "mono_clock.h"

/* In copy mode one sendto() transmits at most 32 descriptors (the kernel's
 * TX batch) and returns EAGAIN if more are waiting: a batch of B frames
 * needs about B / 32 kicks. Past this many kicks without the ring
 * emptying, the rest waits for the next cycle's kick. */
#define KICKS_PER_SEND_MAX 64U
#define DRAIN_POLL_NS 100000L /* 0.1 ms between completion checks */

int xsk_tx_init(struct xsk_tx *tx, struct xsk_queue *q)
{
	__u32 first = q->frames - q->tx_frames;

	memset(tx, 0, sizeof(*tx));
	if (!q->tx_frames || !q->xsk)
		return -EINVAL;
	tx->free_addrs = calloc(q->tx_frames, sizeof(*tx->free_addrs));
	if (!tx->free_addrs)
		return -ENOMEM;
	tx->q = q;
	tx->n_frames = q->tx_frames;
	for (__u32 i = 0; i < q->tx_frames; i++)
		tx->free_addrs[i] = (__u64)(first + i) * q->frame_size;
	tx->n_free = q->tx_frames;
	return 0;
}

void xsk_tx_free(struct xsk_tx *tx)
{
	free(tx->free_addrs);
	tx->free_addrs = NULL;
	tx->n_free = 0;
}

/* Descriptors on the TX ring the kernel has not taken yet. */
static __u32 tx_ring_pending(const struct xsk_tx *tx)
{
	const struct xsk_ring_prod *ring = &tx->q->tx;

	return ring->cached_prod - __atomic_load_n(ring->consumer, __ATOMIC_ACQUIRE);
}

static bool transient(int err)
{
	return err == EAGAIN || err == EBUSY || err == ENOBUFS || err == EINTR;
}

int xsk_tx_kick(struct xsk_tx *tx)
{
	int fd = xsk_socket__fd(tx->q->xsk);

	for (unsigned int i = 0; i < KICKS_PER_SEND_MAX; i++) {
		__u32 before = tx_ring_pending(tx);

		if (!before || !xsk_ring_prod__needs_wakeup(&tx->q->tx))
			return 0;
		tx->kicks++;
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			continue;
		if (!transient(errno))
			return -errno;
		tx->kick_retries++;
		/* A full completion ring also says EAGAIN: make room. */
		xsk_tx_reap(tx);
		if (tx_ring_pending(tx) == before)
			return 0; /* no progress: next kick */
	}
	return 0;
}

unsigned int xsk_tx_reap(struct xsk_tx *tx)
{
	struct xsk_queue *q = tx->q;
	__u32 idx = 0;
	unsigned int n = xsk_ring_cons__peek(&q->comp, tx->n_frames, &idx);

	for (unsigned int i = 0; i < n; i++) {
		/* Aligned mode: any address inside the frame names the frame. */
		__u64 addr = *xsk_ring_cons__comp_addr(&q->comp, idx + i) & q->frame_mask;

		/* The pool can hold every TX frame, so it cannot overflow
		 * unless the kernel returned an address twice. */
		if (tx->n_free < tx->n_frames)
			tx->free_addrs[tx->n_free++] = addr;
	}
	if (n)
		xsk_ring_cons__release(&q->comp, n);
	tx->completed += n;
	return n;
}

unsigned int xsk_tx_send(struct xsk_tx *tx, unsigned int n, xsk_tx_build_fn build,
			 void *ctx, int *err)
{
	struct xsk_queue *q = tx->q;
	__u32 idx = 0;

	xsk_tx_reap(tx);
	if (n > tx->n_free)
		n = tx->n_free;
	if (n)
		n = xsk_ring_prod__reserve(&q->tx, n, &idx);
	for (unsigned int i = 0; i < n; i++) {
		struct xdp_desc *desc = xsk_ring_prod__tx_desc(&q->tx, idx + i);
		__u64 addr = tx->free_addrs[--tx->n_free];

		desc->addr = addr;
		desc->len = build(ctx, xsk_umem__get_data(q->umem_area, addr),
				  q->frame_size, i);
		desc->options = 0;
	}
	if (n) {
		xsk_ring_prod__submit(&q->tx, n);
		tx->sent += n;
	}
	*err = xsk_tx_kick(tx);
	return n;
}

int xsk_tx_drain(struct xsk_tx *tx, __u64 timeout_ns)
{
	__u64 end = monotonic_ns() + timeout_ns;
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = DRAIN_POLL_NS };
	int err;

	for (;;) {
		err = xsk_tx_kick(tx);
		if (err)
			return err;
		xsk_tx_reap(tx);
		if (!xsk_tx_in_flight(tx))
			return 0;
		if (monotonic_ns() >= end)
			return -ETIMEDOUT;
		/* EINTR just means an earlier look. */
		nanosleep(&pause, NULL);
	}
}
