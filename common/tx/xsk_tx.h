/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Sending on one AF_XDP socket: the TX ring (descriptors we hand the
 * kernel), the completion ring (addresses it hands back once a frame has
 * left) and the pool of TX frames between the two.
 *
 * A TX frame is in exactly one place: the free pool, the TX ring, the
 * kernel, or the completion ring. It returns to the free pool only when it
 * comes back on the completion ring, so a frame is never rewritten while
 * the kernel may still copy it, and at the end sent == completed proves
 * no frame was lost. One thread owns an xsk_tx (both rings are
 * single-producer/single-consumer); RX on the same socket uses other
 * rings and may run on another thread.
 *
 * need_wakeup: in copy mode (and in zero-copy when the driver asks) the
 * kernel transmits only when woken with sendto(). Each sendto() moves a
 * bounded batch; EAGAIN/EBUSY/ENOBUFS mean "not now" and are retried at
 * the next kick, never waited on.
 */
#ifndef XDP_HINTS_XSK_TX_H
#define XDP_HINTS_XSK_TX_H

#include <stdbool.h>
#include <linux/types.h>
#include <xdp/xsk.h>

#include "xsk_queue.h"

/*
 * AF_XDP TX metadata (TX timestamps, kernel 6.8; launch time, 6.15) needs
 * the UMEM registered with tx_metadata_len, which libxdp can only do
 * through xsk_umem__create_opts() (struct xsk_umem_opts, libxdp >= 1.5).
 * Detected from <xdp/xsk.h> at build time: libbpf-style opts structs
 * announce their last field with a macro.
 */
#ifdef xsk_umem_opts__last_field
#define XSK_TX_HAVE_UMEM_TX_METADATA 1
#else
#define XSK_TX_HAVE_UMEM_TX_METADATA 0
#endif

struct xsk_tx {
	struct xsk_queue *q;
	__u64 *free_addrs;    /* stack of free TX frame addresses */
	__u32 n_free;
	__u32 n_frames;
	__u64 sent;           /* descriptors submitted to the TX ring */
	__u64 completed;      /* addresses back on the completion ring */
	__u64 kicks;          /* sendto() calls */
	__u64 kick_retries;   /* sendto() said EAGAIN/EBUSY/ENOBUFS */
};

/* The @q->tx_frames frames at the end of @q's UMEM become the free pool.
 * 0, -EINVAL (the queue has no TX ring) or -ENOMEM. */
int xsk_tx_init(struct xsk_tx *tx, struct xsk_queue *q);
void xsk_tx_free(struct xsk_tx *tx);

/*
 * Writes one frame at @data (room: @room bytes) for position @i of the
 * batch; returns its length (1..@room).
 */
typedef __u32 (*xsk_tx_build_fn)(void *ctx, __u8 *data, __u32 room, unsigned int i);

/*
 * Queue up to @n frames on the TX ring (as many as there are free frames
 * and ring slots), built by @build, then kick. Returns the number queued;
 * *@err gets 0 or a negative errno from the kick that is not transient
 * (-ENETDOWN, -ENXIO: the interface is gone).
 */
unsigned int xsk_tx_send(struct xsk_tx *tx, unsigned int n, xsk_tx_build_fn build,
			 void *ctx, int *err);

/* Wake the kernel if the TX ring asks for it, a bounded number of times
 * while it keeps taking descriptors. 0 or a non-transient negative errno. */
int xsk_tx_kick(struct xsk_tx *tx);

/* Move completed frames back to the free pool. Returns how many. */
unsigned int xsk_tx_reap(struct xsk_tx *tx);

/*
 * Kick and reap until every frame sent has completed or @timeout_ns has
 * passed. 0, -ETIMEDOUT (frames still out: tx->sent - tx->completed), or
 * a non-transient kick error.
 */
int xsk_tx_drain(struct xsk_tx *tx, __u64 timeout_ns);

static inline __u64 xsk_tx_in_flight(const struct xsk_tx *tx)
{
	return tx->sent - tx->completed;
}

#endif
