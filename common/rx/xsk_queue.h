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
#include <time.h>
#include <sys/uio.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "choice_names.h"

/* --bind-mode */
enum bind_mode_choice {
	BIND_MODE_AUTO = 0, /* zero-copy, else copy */
	BIND_MODE_COPY,
	BIND_MODE_ZEROCOPY,
};

extern const struct choice_name bind_mode_choices[];
const char *bind_mode_name(enum bind_mode_choice mode);


/*
 * AF_XDP multi-buffer (Linux 6.6, Documentation/networking/af_xdp.rst,
 * "Multi-Buffer Support"). Debian 12's linux/if_xdp.h predates both:
 * XDP_USE_SG is a bind flag, XDP_PKT_CONTD a flag in xdp_desc.options
 * meaning "the frame goes on in the next descriptor".
 */
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

/*
 * More descriptors than any kernel puts in one frame: zero-copy gives at
 * most 1 + MAX_SKB_FRAGS (17, configurable up to 45), copy mode one per
 * (frame size - 256) bytes of the frame, 37 for 64 KiB in 2048-byte
 * frames. A run of XDP_PKT_CONTD descriptors this long has lost its end:
 * it is counted as an incomplete frame and dropped.
 */
#define XSK_FRAME_MAX_BUFS 64U

struct xsk_queue_params {
	const char *ifname;
	__u32 queue_id;
	__u32 frames;      /* power of two */
	__u32 frame_size;  /* 2048 or 4096 */
	enum bind_mode_choice bind_mode;
	bool populate;     /* MAP_POPULATE: fault the UMEM in up front */
	__u32 tx_frames;   /* 0, or a power of two < frames: TX ring and frames */
	bool multi_buffer; /* bind with XDP_USE_SG: a frame may span several buffers */
	bool clock_tai;    /* the batch's time is CLOCK_TAI, not CLOCK_MONOTONIC */
	/*
	 * The XDP program writes the btf_id slot of every frame it
	 * redirects (af_xdp_kern.c: no btf_id, no redirect): then no stale
	 * btf_id can sit in front of a packet, and the receiver's clearing
	 * write per frame (a store into a cache line the kernel just wrote
	 * on another CPU) is skipped. false (the default) keeps the write:
	 * for programs that redirect some frames without a hint.
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
	bool clear_btf_id; /* clear each frame's slot (see xsk_queue_open()) */
	bool prefetch_meta;
	bool zero_copy;    /* bound in zero-copy mode */
	int zc_err;        /* why zero-copy failed in auto mode, or 0 */
	clockid_t clock;   /* CLOCK_MONOTONIC or CLOCK_TAI: the hints' clock */
	bool multi_buffer; /* bound with XDP_USE_SG */
	/*
	 * Multi-buffer only, written by xsk_queue_receive() before each call
	 * of the frame callback and valid during it: the frame's buffers in
	 * order (the first one holds the hint in front of it), their count
	 * and the frame's length. xsk_queue_frame() gives the same view for
	 * either mode.
	 */
	struct iovec frame_iov[XSK_FRAME_MAX_BUFS];
	__u32 frame_n_bufs;
	__u32 frame_len;
	/* Frames whose buffers never ended (no descriptor without
	 * XDP_PKT_CONTD within XSK_FRAME_MAX_BUFS, or a ring left with an
	 * unfinished frame at stop): returned to the fill ring, not passed
	 * to the callback. Written by the receiving thread. */
	__u64 incomplete_frames;
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
 * Called once per received frame; @pkt is the packet's first byte, @len
 * the length of its first buffer: in single-buffer mode the whole frame,
 * with a multi-buffer socket the buffer whose headroom carries the hint
 * (xsk_queue_frame() lists them all).
 * @dequeue_ns: the queue's clock (CLOCK_MONOTONIC, the clock of
 * bpf_ktime_get_ns(), or CLOCK_TAI with clock_tai) read once,
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
 *
 * Multi-buffer: a frame is its descriptors up to the first one without
 * XDP_PKT_CONTD. @fn sees each frame once, whole; every buffer goes back
 * to the fill ring. A batch that ends inside a frame gives the frame's
 * descriptors back to the RX ring (xsk_ring_cons__cancel) for the next
 * call; a run with no end within XSK_FRAME_MAX_BUFS is counted in
 * incomplete_frames and dropped.
 */
unsigned int xsk_queue_receive(struct xsk_queue *q, unsigned int budget,
			       xsk_frame_fn fn, void *ctx, bool kick_fill);

/*
 * At the end of a run (no more frames coming): receive until the RX ring
 * is empty, passing each frame to @fn. A multi-buffer frame left without
 * its last descriptor is counted in incomplete_frames and its buffers are
 * given back. Returns the number of frames passed to @fn.
 */
unsigned int xsk_queue_drain(struct xsk_queue *q, xsk_frame_fn fn, void *ctx);

/*
 * Inside an xsk_frame_fn: the frame's buffers as an iovec list (for a
 * writer of whole frames), their count in *n_bufs and the frame's length
 * in *frame_len. @pkt/@len are the callback's; @single holds the one
 * entry of a single-buffer frame. Valid until the callback returns.
 */
static inline const struct iovec *xsk_queue_frame(const struct xsk_queue *q, void *pkt,
						  __u32 len, struct iovec *single,
						  __u32 *n_bufs, __u32 *frame_len)
{
	if (q->multi_buffer) {
		*n_bufs = q->frame_n_bufs;
		*frame_len = q->frame_len;
		return q->frame_iov;
	}
	single->iov_base = pkt;
	single->iov_len = len;
	*n_bufs = 1;
	*frame_len = len;
	return single;
}

/* In spin mode: wake the kernel if it wants to know about fill entries.
 * Returns 0 or negative errno (-ENETDOWN/-ENXIO: interface gone). */
int xsk_queue_kick(struct xsk_queue *q);

/* XDP_STATISTICS of the socket. */
int xsk_queue_stats(const struct xsk_queue *q, struct xdp_statistics *stats);

/* Safe on a zeroed or already-closed queue. */
void xsk_queue_close(struct xsk_queue *q);

#endif
