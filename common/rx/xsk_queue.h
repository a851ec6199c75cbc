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
#include "frame_pool.h"

/* --bind-mode */
enum bind_mode_choice {
	BIND_MODE_AUTO = 0, /* zero-copy, else copy */
	BIND_MODE_COPY,
	BIND_MODE_ZEROCOPY,
};

extern const struct choice_name bind_mode_choices[];
const char *bind_mode_name(enum bind_mode_choice mode);

/*
 * --umem: one UMEM per queue (the default), or one for every queue's
 * socket. Per-queue is the default because the kernel gives each socket a
 * descriptor for every frame of its UMEM (XSK_KERNEL_BYTES_PER_FRAME,
 * common/host/umem_budget.h): a shared UMEM multiplies its whole frame
 * count by the queues, 512 MiB of kernel memory at 128 queues.
 */
enum umem_mode_choice {
	UMEM_MODE_PER_QUEUE = 0,
	UMEM_MODE_SHARED,
};

extern const struct choice_name umem_mode_choices[];
const char *umem_mode_name(enum umem_mode_choice mode);

/*
 * --umem shared: one mapping, one registration (xsk_umem__create(), whose
 * fill and completion rings serve the first socket) and one set of pinned
 * pages for every queue. Every other queue's socket binds with
 * XDP_SHARED_UMEM (xsk_socket__create_shared(), Linux 5.10 for other
 * queues of a device) and brings its own fill and completion rings, sized
 * to quota.cap: a queue never owns more frames than its fill ring holds.
 * Frames [0, rx_frames) are for RX: queue i (in open order) starts with
 * frames [i x floor, (i + 1) x floor), the rest are in the pool, or with
 * --threads in the slices (a step each) and the spill (frame_pool.h);
 * [rx_frames, frames) are the TX frames of the first queue's socket. Owned by the receiver's queue set; the sockets must be
 * gone before xsk_shared_umem_free().
 */
struct xsk_shared_umem {
	void *area;
	size_t size;
	struct xsk_umem *umem;    /* created by the first queue's open */
	__u32 frames;             /* in the UMEM, a power of two */
	__u32 rx_frames;          /* frames - tx_frames */
	__u32 tx_frames;
	__u32 frame_size;
	__u32 queues;
	struct frame_quota quota;
	struct frame_pool *pools; /* one, or one slice per queue (--threads) */
	__u32 n_pools;
	__u32 pool_frames;        /* free at start: the pool, or slices and spill */
	/* --threads: what no slice holds (spill.pool.addrs NULL without). */
	struct frame_spill spill;
	bool zero_copy;           /* the first socket's mode, every socket's */
};

/*
 * Map @frames x @frame_size bytes (MAP_POPULATE with @populate) for
 * @queues queues, the last @tx_frames frames for TX, and fill the free
 * pool: one (@per_queue_pools false) or a slice per queue. 0, or negative
 * errno (-ENOMEM, -EINVAL when the floors do not fit) with @s released.
 */
int xsk_shared_umem_init(struct xsk_shared_umem *s, __u32 frames, __u32 tx_frames,
			 __u32 frame_size, __u32 queues, bool per_queue_pools, bool populate);
/* xsk_umem__delete() once every socket is gone; then unmap. Safe twice. */
void xsk_shared_umem_free(struct xsk_shared_umem *s);


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

/* Frames in one batch at most: xsk_queue_peek_batch() takes no more. */
#define XSK_RX_BATCH_MAX 64U

/*
 * One received frame of a batch. In single-buffer mode one descriptor;
 * with a multi-buffer socket @n_bufs consecutive RX ring descriptors from
 * @desc on, the hint in front of the first buffer only.
 */
struct xsk_rx_frame {
	void *data;      /* the packet's first byte, in the first buffer */
	__u32 len;       /* the frame's length in bytes, all its buffers */
	__u32 first_len; /* bytes in the first buffer (== len in single-buffer mode) */
	__u32 desc;      /* RX ring index of the first buffer's descriptor */
	__u32 n_bufs;    /* buffers: 1, or more with multi-buffer */
};

/*
 * What xsk_queue_peek_batch() took off the RX ring, valid until
 * xsk_queue_release_batch(): the descriptors [rx_idx, rx_idx + n_descs)
 * stay in the ring (the kernel does not reuse them before the release),
 * and their buffers are ours till then.
 */
struct xsk_rx_batch {
	/*
	 * The queue's clock (CLOCK_MONOTONIC, the clock of
	 * bpf_ktime_get_ns(), or CLOCK_TAI with clock_tai), read once per
	 * batch right after the RX ring showed it, before any descriptor was
	 * read: the moment the application got these packets. A clock read
	 * per packet would add the handling of the earlier packets of the
	 * batch to the later ones' delay, and cost a clock read per packet at
	 * millions of packets per second. 0 in a batch from
	 * xsk_queue_drain_batch() (nobody times those).
	 */
	__u64 dequeue_ns;
	__u32 rx_idx;    /* RX ring index of the batch's first descriptor */
	__u32 n_descs;   /* descriptors taken: whole frames and dropped runs */
	__u32 n_frames;  /* whole frames in frames[] */
	/* prefetch_meta: frames [0, prefetch_until) have the metadata of the
	 * frame XSK_PREFETCH_AHEAD after them prefetched when they are
	 * looked at; 0 without prefetch_meta. */
	__u32 prefetch_until;
	const struct xsk_ring_cons *rx; /* for xsk_rx_frame_buf() */
	void *umem_area;
	struct xsk_rx_frame *frames;    /* the queue's batch_frames */
};

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
	/*
	 * --umem shared: the UMEM (NULL: a UMEM of this queue's own), this
	 * queue's place in the open order (its floor's frames) and the pool it
	 * draws from. @frames is then the shared UMEM's, @tx_frames its TX part.
	 */
	struct xsk_shared_umem *shared;
	__u32 shared_index;
	struct frame_pool *pool;
	struct frame_spill *spill; /* --threads: @pool is this queue's slice */
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
	/* The frames of the batch handed out by xsk_queue_peek_batch(),
	 * xsk_rx_batch.frames points here: part of the queue, so no batch
	 * allocates. */
	struct xsk_rx_frame batch_frames[XSK_RX_BATCH_MAX];
	/* Frames whose buffers never ended (no descriptor without
	 * XDP_PKT_CONTD within XSK_FRAME_MAX_BUFS, or a ring left with an
	 * unfinished frame at stop): returned to the fill ring, never handed
	 * out in a batch. Written by the receiving thread. */
	__u64 incomplete_frames;
	/*
	 * --umem shared (pool non-NULL): the frames this queue owns (in its
	 * fill ring, with the kernel, in its RX ring, in a batch), their
	 * peak, and the full batches that wanted more from the pool and found
	 * it empty. Written by the receiving thread.
	 */
	struct xsk_shared_umem *shared;
	struct frame_pool *pool;
	struct frame_spill *spill; /* --threads: pool is a slice, this the rest */
	struct frame_quota quota;
	__u32 owned;
	__u32 peak_owned;
	__u64 pool_dry;
	bool owns_umem;    /* per-queue: the UMEM and its mapping are this queue's */
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
 * Take a batch of up to @budget whole frames (at most XSK_RX_BATCH_MAX) off
 * the RX ring into @b and return how many (0: the ring holds none). The
 * caller walks them, xsk_rx_batch_frame(@b, i) for i in [0, n), then calls
 * xsk_queue_release_batch() once, also after a batch of 0.
 * The metadata lines of the first frames are prefetched here with
 * prefetch_meta, the following ones as the walk goes.
 *
 * Multi-buffer: a frame is its descriptors up to the first one without
 * XDP_PKT_CONTD, handed out whole. A batch that ends inside a frame gives
 * that frame's descriptors back to the RX ring (xsk_ring_cons__cancel) for
 * the next batch, so buffers of two frames never mix; a run with no end
 * within XSK_FRAME_MAX_BUFS is counted in incomplete_frames, not handed
 * out, and goes back to the fill ring with the batch.
 */
unsigned int xsk_queue_peek_batch(struct xsk_queue *q, unsigned int budget,
				  struct xsk_rx_batch *b);

/*
 * Give every buffer of @b (its frames and its dropped runs) back to the
 * fill ring by its UMEM frame address, first clearing the btf_id slot in
 * front of each frame's first buffer unless the producer stamps every
 * frame (clear_btf_id), and release the batch's RX ring entries.
 * @kick_fill: in busy-poll or spin mode, wake the kernel when it asked to
 * be woken about new fill entries (poll() does it otherwise); done for an
 * empty batch too.
 */
void xsk_queue_release_batch(struct xsk_queue *q, struct xsk_rx_batch *b, bool kick_fill);

/*
 * At the end of a run (no more frames coming): the next batch of whole
 * frames left in the RX ring, untimed (dequeue_ns 0), to be released like
 * any batch. Returns 0 once no whole frame is left; a multi-buffer frame
 * left without its last descriptor is then counted in incomplete_frames
 * and its buffers given back. Call until it returns 0:
 *	while ((n = xsk_queue_drain_batch(q, &b))) { ...; xsk_queue_release_batch(q, &b, false); }
 */
unsigned int xsk_queue_drain_batch(struct xsk_queue *q, struct xsk_rx_batch *b);

/* Prefetch distance of prefetch_meta, in frames. */
#define XSK_PREFETCH_AHEAD 4U

/*
 * The metadata of a frame a few frames ahead: the kernel wrote it on the
 * CPU that ran XDP, so the first read here misses the cache; asked for
 * early, the miss overlaps with the work on the frames before it. The
 * btf_id slot's line holds every hint up to 60 bytes when the packet starts
 * on a cache line.
 */
static inline void xsk_rx_prefetch_meta(const void *data)
{
	__builtin_prefetch((const char *)data - sizeof(__u32), 0, 3);
}

/* Frame @i (< the peek's return) of @b; with prefetch_meta also prefetches
 * the metadata of frame i + XSK_PREFETCH_AHEAD. Valid until the release. */
static inline const struct xsk_rx_frame *xsk_rx_batch_frame(const struct xsk_rx_batch *b,
							    unsigned int i)
{
	if (i < b->prefetch_until)
		xsk_rx_prefetch_meta(b->frames[i + XSK_PREFETCH_AHEAD].data);
	return &b->frames[i];
}

/*
 * Buffer @j (< f->n_bufs) of frame @f of batch @b, as an iovec (for a
 * writer of whole frames); buffer 0 is {f->data, f->first_len}. Read from
 * the batch's RX descriptors: valid until the release.
 */
static inline struct iovec xsk_rx_frame_buf(const struct xsk_rx_batch *b,
					    const struct xsk_rx_frame *f, __u32 j)
{
	const struct xdp_desc *d = xsk_ring_cons__rx_desc(b->rx, f->desc + j);

	return (struct iovec){ .iov_base = xsk_umem__get_data(b->umem_area, d->addr),
			       .iov_len = d->len };
}

/* In spin mode: wake the kernel if it wants to know about fill entries.
 * Returns 0 or negative errno (-ENETDOWN/-ENXIO: interface gone). */
int xsk_queue_kick(struct xsk_queue *q);

/* XDP_STATISTICS of the socket. */
int xsk_queue_stats(const struct xsk_queue *q, struct xdp_statistics *stats);

/* Safe on a zeroed or already-closed queue. */
void xsk_queue_close(struct xsk_queue *q);

/*
 * --umem shared at stop: libxdp's xsk_socket__delete() is not thread-safe
 * on a shared UMEM (its refcount and context list), while the kernel's
 * release of a socket waits an RCU grace period. So: this call, serially
 * for every queue, dup()s the socket's fd, deletes libxdp's socket (the dup
 * keeps the kernel socket alive: cheap) and returns the dup (or -1); the
 * caller closes the dups in parallel, where the kernel's waits overlap.
 */
int xsk_queue_detach_socket(struct xsk_queue *q);

#endif
