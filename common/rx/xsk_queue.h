/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One RX queue's AF_XDP plumbing: its own UMEM (frames the kernel writes
 * packets into), the fill ring (frames we lend to the kernel), the RX ring
 * (frames the kernel hands back, with a packet in them) and the socket
 * bound to that queue. For time-triggered TX (tx_frames > 0) the UMEM is
 * split: frames [0, frames - tx_frames) are lent to the fill ring for RX,
 * the last tx_frames frames are kept for the TX ring (common/xsk_tx.h
 * owns them), and the completion ring is as large as the TX ring so
 * every frame in flight has a slot to come back through. Without TX
 * there is no TX ring and the completion ring stays empty.
 */
#ifndef XDP_HINTS_XSK_QUEUE_H
#define XDP_HINTS_XSK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "options.h"

struct xsk_queue_params {
	const char *ifname;
	__u32 queue_id;
	__u32 frames;      /* power of two */
	__u32 frame_size;  /* 2048 or 4096 */
	enum bind_mode_choice bind_mode;
	bool populate;     /* MAP_POPULATE: fault the UMEM in up front */
	__u32 tx_frames;   /* 0, or a power of two < frames: TX ring and frames */
	/*
	 * The XDP program writes the btf_id slot of every frame it redirects
	 * (or never writes one, so the slot stays as the zeroed UMEM left
	 * it): then no stale btf_id can sit in front of a packet, and the
	 * receiver's clearing write per frame (a store into a cache line the
	 * kernel just wrote on another CPU) is skipped. false (the default)
	 * keeps the write: for programs that redirect some frames without a
	 * hint.
	 */
	bool producer_stamps;
	/* Prefetch the metadata line of frames a few descriptors ahead. */
	bool prefetch_meta;
	/* UMEM frame headroom in bytes (xsk_umem_config.frame_headroom), 0 default. */
	__u32 frame_headroom;
};

struct xsk_queue {
	__u32 queue_id;
	__u32 frame_size;
	__u64 frame_mask;  /* ~(frame_size - 1): frame base of an address */
	void *umem_area;
	size_t umem_size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;   /* only when tx_frames > 0 */
	__u32 frames;
	__u32 tx_frames;           /* the UMEM's last tx_frames frames are for TX */
	bool clear_btf_id; /* !params.producer_stamps: clear each frame's slot */
	bool prefetch_meta;
	bool zero_copy;    /* bound in zero-copy mode */
	int zc_err;        /* why zero-copy failed in auto mode, or 0 */
};

/*
 * Which step failed, so the tool can word the message: the UMEM (memory),
 * or the socket bind (mode, queue).
 */
enum xsk_queue_stage {
	XSK_STAGE_NONE = 0,
	XSK_STAGE_UMEM_MMAP,
	XSK_STAGE_UMEM_CREATE,
	XSK_STAGE_SOCKET,
	XSK_STAGE_FILL,
	XSK_STAGE_XSKMAP,
};

/*
 * Create UMEM and socket, prime the fill ring with every frame. On error
 * returns negative errno, sets *stage, and leaves @q released.
 */
int xsk_queue_open(struct xsk_queue *q, const struct xsk_queue_params *p,
		   enum xsk_queue_stage *stage);

/* Point the XSKMAP entry for this queue at the socket. */
int xsk_queue_register(struct xsk_queue *q, int xsks_map_fd);

int xsk_queue_fd(const struct xsk_queue *q);

/*
 * Called once per received frame; @pkt is the packet's first byte.
 * @dequeue_ns: CLOCK_MONOTONIC (the clock of bpf_ktime_get_ns()) read once,
 * right after the batch came off the RX ring: the moment the application
 * got these packets. A clock read per packet would add the handling of the
 * earlier packets of the batch to the later ones' delay, and cost a clock
 * read per packet at millions of packets per second.
 */
typedef void (*xsk_frame_fn)(void *ctx, const struct xsk_queue *q,
			     void *pkt, __u32 len, __u64 dequeue_ns);

/*
 * Take up to @budget frames off the RX ring, pass each to @fn, then clear
 * its btf_id slot (unless the producer stamps every frame) and give it back
 * to the fill ring. Returns the number of
 * frames handled. @kick_fill: in busy-poll mode, wake the kernel when it
 * asked to be woken about new fill entries (poll() does it otherwise).
 */
unsigned int xsk_queue_receive(struct xsk_queue *q, unsigned int budget,
			       xsk_frame_fn fn, void *ctx, bool kick_fill);

/* In spin mode: wake the kernel if it wants to know about fill entries.
 * Returns 0 or negative errno (-ENETDOWN/-ENXIO: interface gone). */
int xsk_queue_kick(struct xsk_queue *q);

/* XDP_STATISTICS of the socket. */
int xsk_queue_stats(const struct xsk_queue *q, struct xdp_statistics *stats);

/* Safe on a zeroed or already-closed queue. */
void xsk_queue_close(struct xsk_queue *q);

#endif
