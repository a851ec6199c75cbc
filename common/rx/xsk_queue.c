// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <bpf/bpf.h>

#include "lib_xsk_extend.h"
#include "xsk_queue.h"

const struct choice_name bind_mode_choices[] = {
	{ "auto", BIND_MODE_AUTO },
	{ "copy", BIND_MODE_COPY },
	{ "zero-copy", BIND_MODE_ZEROCOPY },
	{ "zerocopy", BIND_MODE_ZEROCOPY }, /* accepted, not advertised */
	{ NULL, 0 },
};

const char *bind_mode_name(enum bind_mode_choice mode)
{
	return choice_name_of(bind_mode_choices, mode);
}

const struct choice_name umem_mode_choices[] = {
	{ "per-queue", UMEM_MODE_PER_QUEUE },
	{ "shared", UMEM_MODE_SHARED },
	{ NULL, 0 },
};

const char *umem_mode_name(enum umem_mode_choice mode)
{
	return choice_name_of(umem_mode_choices, mode);
}

/* The RX ring need not hold every frame: past this, memory is wasted on
 * descriptors userspace would have to be asleep for a long time to fill. */
#define RX_RING_MAX 8192U
/* Without TX nothing is sent, but libxdp wants a completion ring. */
#define COMP_RING_SIZE 64U
/* Frames per call while draining at stop. */
#define XSK_DRAIN_BATCH 64U

static int umem_map(struct xsk_queue *q, const struct xsk_queue_params *p)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (p->populate ? MAP_POPULATE : 0);
	void *area;

	if (p->shared) {
		q->umem_area = p->shared->area;
		q->umem_size = p->shared->size;
		return 0;
	}
	/* A fresh anonymous mapping is zeroed: every btf_id slot starts as
	 * XSK_HINTS_NO_HINT, as lib_xsk_extend's stale-headroom contract needs. */
	q->umem_size = (size_t)p->frames * p->frame_size;
	area = mmap(NULL, q->umem_size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (area == MAP_FAILED)
		return -errno;
	q->umem_area = area;
	return 0;
}

static int umem_create(struct xsk_queue *q, const struct xsk_queue_params *p)
{
	struct xsk_umem_config cfg = {
		/* Room to lend the kernel every frame the queue may own. */
		.fill_size = p->shared ? p->shared->quota.cap : p->frames,
		.comp_size = p->tx_frames > COMP_RING_SIZE ? p->tx_frames : COMP_RING_SIZE,
		.frame_size = p->frame_size,
		.frame_headroom = p->frame_headroom,
		.flags = 0,
	};

	return xsk_umem__create(&q->umem, q->umem_area, q->umem_size,
				&q->fill, &q->comp, &cfg);
}

static int socket_create(struct xsk_queue *q, const struct xsk_queue_params *p,
			 __u16 copy_flag)
{
	__u32 owned_max = p->shared ? p->shared->quota.cap : p->frames;
	struct xsk_socket_config cfg = {
		.rx_size = owned_max < RX_RING_MAX ? owned_max : RX_RING_MAX,
		.tx_size = p->tx_frames,
		/* Our own XDP program is attached through a bpf_link; libxdp
		 * must not load its default one. */
		.libbpf_flags = XSK_LIBBPF_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = copy_flag | XDP_USE_NEED_WAKEUP |
			      (p->multi_buffer ? XDP_USE_SG : 0),
	};

	/*
	 * Another queue of the shared UMEM: its own fill and completion rings,
	 * bound with XDP_SHARED_UMEM alone (libxdp drops bind_flags: the
	 * kernel refuses any with it, and takes copy or zero-copy, need-wakeup
	 * and multi-buffer from the UMEM's first socket, xp_assign_dev_shared()).
	 */
	if (p->shared && p->shared->umem)
		return xsk_socket__create_shared(&q->xsk, p->ifname, p->queue_id, q->umem,
						 &q->rx, p->tx_frames ? &q->tx : NULL,
						 &q->fill, &q->comp, &cfg);
	return xsk_socket__create(&q->xsk, p->ifname, p->queue_id, q->umem,
				  &q->rx, p->tx_frames ? &q->tx : NULL, &cfg);
}

/* Lend the kernel frames [first, first + frames). */
static int fill_frames(struct xsk_queue *q, __u32 first, __u32 frames)
{
	__u32 idx = 0;

	if (xsk_ring_prod__reserve(&q->fill, frames, &idx) != frames)
		return -ENOSPC;
	for (__u32 i = 0; i < frames; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			(__u64)(first + i) * q->frame_size;
	xsk_ring_prod__submit(&q->fill, frames);
	return 0;
}

/*
 * A failed bind leaves the UMEM's rings registered on its fd, so a second
 * attempt on the same UMEM would hit EBUSY: start from a fresh UMEM
 * (the mapping itself is still zeroed, nothing was received).
 */
static int bind_once(struct xsk_queue *q, const struct xsk_queue_params *p,
		     enum xsk_queue_stage *stage)
{
	int err;

	if (p->shared && p->shared->umem) {
		/* The UMEM's mode is every socket's. */
		*stage = XSK_STAGE_SOCKET;
		q->umem = p->shared->umem;
		err = socket_create(q, p, 0);
		q->zero_copy = !err && p->shared->zero_copy;
		return err;
	}
	*stage = XSK_STAGE_UMEM_CREATE;
	err = umem_create(q, p);
	if (err)
		return err;
	*stage = XSK_STAGE_SOCKET;
	if (p->bind_mode == BIND_MODE_COPY)
		return socket_create(q, p, XDP_COPY);
	err = socket_create(q, p, XDP_ZEROCOPY);
	if (!err) {
		q->zero_copy = true;
		return 0;
	}
	if (p->bind_mode == BIND_MODE_ZEROCOPY)
		return err;
	q->zc_err = err;
	q->xsk = NULL;
	xsk_umem__delete(q->umem);
	q->umem = NULL;
	*stage = XSK_STAGE_UMEM_CREATE;
	err = umem_create(q, p);
	if (err)
		return err;
	*stage = XSK_STAGE_SOCKET;
	return socket_create(q, p, XDP_COPY);
}

/*
 * A queue whose previous socket has just been closed (by this process's
 * last run, say) stays taken until the kernel's deferred release of its
 * buffer pool has run (xp_release_deferred(), a workqueue, under the RTNL
 * lock; net/xdp/xsk_buff_pool.c): xsk_bind() says EBUSY meanwhile. Many
 * queues closed at once can keep it busy for some milliseconds, so a bind
 * that hits EBUSY is tried again, on a fresh UMEM (see above), for up to
 * BIND_BUSY_WAIT_NS; a queue another socket really holds still fails, that
 * much later.
 */
#define BIND_BUSY_WAIT_NS 2000000000LL
#define BIND_BUSY_PAUSE_NS 10000000L

static long long monotonic_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int bind_with_fallback(struct xsk_queue *q, const struct xsk_queue_params *p,
			      enum xsk_queue_stage *stage)
{
	const struct timespec pause = { .tv_nsec = BIND_BUSY_PAUSE_NS };
	long long give_up = monotonic_now_ns() + BIND_BUSY_WAIT_NS;
	int err;

	for (;;) {
		err = bind_once(q, p, stage);
		if (err != -EBUSY || *stage != XSK_STAGE_SOCKET || monotonic_now_ns() > give_up)
			return err;
		q->xsk = NULL;
		q->zero_copy = false;
		q->zc_err = 0;
		if (!p->shared || !p->shared->umem)
			xsk_umem__delete(q->umem);
		q->umem = NULL;
		nanosleep(&pause, NULL);
	}
}

int xsk_queue_open(struct xsk_queue *q, const struct xsk_queue_params *p,
		   enum xsk_queue_stage *stage)
{
	int err;

	memset(q, 0, sizeof(*q));
	q->queue_id = p->queue_id;
	q->frame_size = p->frame_size;
	q->frame_mask = ~((__u64)p->frame_size - 1);
	q->frames = p->frames;
	q->tx_frames = p->tx_frames;
	q->clock = p->clock_tai ? CLOCK_TAI : CLOCK_MONOTONIC;
	q->multi_buffer = p->multi_buffer;
	/*
	 * Multi-buffer keeps the write: a run cut at XSK_FRAME_MAX_BUFS leaves
	 * the rest of its frame to look like a frame of its own, whose first
	 * buffer no program stamped.
	 */
	q->clear_btf_id = !p->producer_stamps || p->multi_buffer;
	q->prefetch_meta = p->prefetch_meta;
	/* Known from the start: a failed open must not delete the set's UMEM. */
	q->shared = p->shared;
	if (p->tx_frames >= p->frames || (p->tx_frames & (p->tx_frames - 1))) {
		*stage = XSK_STAGE_UMEM_CREATE;
		return -EINVAL;
	}

	*stage = XSK_STAGE_UMEM_MMAP;
	q->owns_umem = !p->shared;
	err = umem_map(q, p);
	if (err)
		goto fail;
	err = bind_with_fallback(q, p, stage);
	if (err)
		goto fail;
	if (p->shared && !p->shared->umem) {
		/* The first socket: the UMEM is the set's from now on. */
		p->shared->umem = q->umem;
		p->shared->zero_copy = q->zero_copy;
	}
	*stage = XSK_STAGE_FILL;
	if (p->shared) {
		q->pool = p->pool;
		q->spill = p->spill;
		q->quota = p->shared->quota;
		q->owned = q->quota.floor;
		q->peak_owned = q->owned;
		err = fill_frames(q, p->shared_index * q->quota.floor, q->quota.floor);
	} else {
		/* The TX frames, at the end of the UMEM, never enter the fill ring. */
		err = fill_frames(q, 0, p->frames - p->tx_frames);
	}
	if (err)
		goto fail;
	*stage = XSK_STAGE_NONE;
	return 0;
fail:
	xsk_queue_close(q);
	return err;
}

int xsk_queue_register(struct xsk_queue *q, int xsks_map_fd)
{
	int fd = xsk_socket__fd(q->xsk);
	__u32 key = q->queue_id;

	return bpf_map_update_elem(xsks_map_fd, &key, &fd, BPF_ANY) ? -errno : 0;
}

int xsk_queue_fd(const struct xsk_queue *q)
{
	return xsk_socket__fd(q->xsk);
}

int xsk_queue_kick(struct xsk_queue *q)
{
	if (!xsk_ring_prod__needs_wakeup(&q->fill))
		return 0;
	if (recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL) >= 0)
		return 0;
	/* EAGAIN/EBUSY/EINTR: the kernel got the hint anyway. */
	if (errno == EAGAIN || errno == EBUSY || errno == EINTR)
		return 0;
	return -errno;
}

/* The queue's clock, chosen at open: the same cost as monotonic_ns(). */
static inline __u64 queue_clock_ns(const struct xsk_queue *q)
{
	struct timespec ts;

	clock_gettime(q->clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static inline void batch_init(struct xsk_queue *q, struct xsk_rx_batch *b)
{
	b->dequeue_ns = 0;
	b->rx_idx = 0;
	b->n_descs = 0;
	b->n_frames = 0;
	b->prefetch_until = 0;
	b->rx = &q->rx;
	b->umem_area = q->umem_area;
	b->frames = q->batch_frames;
}

/* prefetch_meta: the frames after the first XSK_PREFETCH_AHEAD get theirs
 * as the walk goes (xsk_rx_batch_frame()). */
static inline void prefetch_rest(const struct xsk_queue *q, struct xsk_rx_batch *b)
{
	__u32 n = b->n_frames;

	if (q->prefetch_meta && n > XSK_PREFETCH_AHEAD)
		b->prefetch_until = n - XSK_PREFETCH_AHEAD;
}

/*
 * Multi-buffer: how many of the @n descriptors from @rx_idx on to take
 * now. That is up to @budget whole frames, plus any run with no end in
 * between (XSK_FRAME_MAX_BUFS descriptors all with XDP_PKT_CONTD); what
 * follows the last of them is a frame whose end is not in the ring yet.
 */
static __u32 whole_frames_span(const struct xsk_queue *q, __u32 rx_idx, __u32 n,
			       unsigned int budget)
{
	__u32 used = 0, run = 0;
	unsigned int complete = 0;

	for (__u32 i = 0; i < n && complete < budget; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, rx_idx + i);

		run++;
		if (!(desc->options & XDP_PKT_CONTD))
			complete++;
		else if (run < XSK_FRAME_MAX_BUFS)
			continue;
		used = i + 1;
		run = 0;
	}
	return used;
}

/*
 * Multi-buffer: peek up to budget * XSK_FRAME_MAX_BUFS descriptors and keep
 * the whole frames (and dropped runs) among them; the unfinished tail goes
 * back to the ring. Returns the descriptors kept, *rx_idx the first.
 */
static __u32 peek_whole_frames(struct xsk_queue *q, unsigned int budget, __u32 *rx_idx,
			       struct xsk_rx_batch *b, bool timed)
{
	__u32 n, used;

	n = xsk_ring_cons__peek(&q->rx, budget * XSK_FRAME_MAX_BUFS, rx_idx);
	if (!n)
		return 0;
	/* Before the descriptors are read (as in single-buffer mode). */
	if (timed)
		b->dequeue_ns = queue_clock_ns(q);
	used = whole_frames_span(q, *rx_idx, n, budget);
	/* The unfinished tail stays in the ring for the next batch: its
	 * buffers must not be handed out as, or mixed into, another frame. */
	if (used < n)
		xsk_ring_cons__cancel(&q->rx, n - used);
	return used;
}

/* The multi-buffer batch: frames gathered from their descriptors. */
static unsigned int peek_multi(struct xsk_queue *q, unsigned int budget,
			       struct xsk_rx_batch *b, bool timed)
{
	__u32 rx_idx = 0, used, run = 0;
	unsigned int frames = 0;
	struct xsk_rx_frame *f = NULL;

	used = peek_whole_frames(q, budget, &rx_idx, b, timed);
	/* Nothing whole, but descriptors seen (cancelled back into the
	 * window libxdp cached, between cached_cons and cached_prod)? */
	if (!used && q->rx.cached_cons != q->rx.cached_prod) {
		/*
		 * Only part of a frame in the window libxdp cached: it reads
		 * the kernel's producer index again only once that window is
		 * empty, which a cancelled tail never is. Read it here, once,
		 * so the rest of the frame can be seen.
		 */
		q->rx.cached_prod = __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE);
		used = peek_whole_frames(q, budget, &rx_idx, b, timed);
	}
	if (!used)
		return 0;
	b->rx_idx = rx_idx;
	b->n_descs = used;
	for (__u32 i = 0; i < used; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, rx_idx + i);

		if (!run) {
			/* A frame starts: its slot is the next one (a dropped
			 * run's slot is taken again by the frame after it). */
			f = &b->frames[frames];
			f->data = xsk_umem__get_data(q->umem_area, desc->addr);
			f->first_len = desc->len;
			f->len = 0;
			f->desc = rx_idx + i;
			f->n_bufs = 0;
		}
		f->len += desc->len;
		f->n_bufs++;
		run++;
		if (desc->options & XDP_PKT_CONTD) {
			if (run < XSK_FRAME_MAX_BUFS)
				continue;
			q->incomplete_frames++;
		} else {
			frames++;
		}
		run = 0;
	}
	b->n_frames = frames;
	if (q->prefetch_meta)
		for (__u32 i = 0; i < frames && i < XSK_PREFETCH_AHEAD; i++)
			xsk_rx_prefetch_meta(b->frames[i].data);
	prefetch_rest(q, b);
	return frames;
}

static unsigned int peek_batch(struct xsk_queue *q, unsigned int budget,
			       struct xsk_rx_batch *b, bool timed)
{
	__u32 rx_idx = 0;
	unsigned int n;

	batch_init(q, b);
	if (budget > XSK_RX_BATCH_MAX)
		budget = XSK_RX_BATCH_MAX;
	if (q->multi_buffer)
		return peek_multi(q, budget, b, timed);
	n = xsk_ring_cons__peek(&q->rx, budget, &rx_idx);
	if (!n)
		return 0;
	/* The time the frames were seen, before anything reads a descriptor
	 * the kernel just wrote on another CPU. */
	if (timed)
		b->dequeue_ns = queue_clock_ns(q);
	b->rx_idx = rx_idx;
	b->n_descs = n;
	b->n_frames = n;
	{
		/* Locals: the stores into frames[] could alias the queue's. */
		const struct xdp_desc *descs = q->rx.ring;
		struct xsk_rx_frame *frames = b->frames;
		char *umem = q->umem_area;
		__u32 mask = q->rx.mask;

		/* The first frames' metadata, as early as can be. */
		if (q->prefetch_meta)
			for (unsigned int i = 0; i < n && i < XSK_PREFETCH_AHEAD; i++)
				xsk_rx_prefetch_meta(umem + descs[(rx_idx + i) & mask].addr);
		for (unsigned int i = 0; i < n; i++) {
			const struct xdp_desc *desc = &descs[(rx_idx + i) & mask];
			struct xsk_rx_frame *f = &frames[i];

			f->data = umem + desc->addr;
			f->len = desc->len;
			f->first_len = desc->len;
			f->desc = rx_idx + i;
			f->n_bufs = 1;
		}
	}
	prefetch_rest(q, b);
	return n;
}

unsigned int xsk_queue_peek_batch(struct xsk_queue *q, unsigned int budget,
				  struct xsk_rx_batch *b)
{
	return peek_batch(q, budget, b, true);
}

/* The next packet in a frame may carry no hint: it must not find this
 * one's btf_id in front of it. The hint is in front of a frame's (or a
 * dropped run's) first buffer only. */
static void clear_batch_hints(const struct xsk_queue *q, const struct xsk_rx_batch *b)
{
	__u32 n = b->n_descs, run = 0;

	if (!q->clear_btf_id)
		return;
	if (!q->multi_buffer) {
		const struct xsk_rx_frame *frames = b->frames;

		for (__u32 i = 0; i < n; i++)
			xsk_hints_pkt_clear_btf_id(frames[i].data);
		return;
	}
	for (__u32 i = 0; i < n; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, b->rx_idx + i);

		if (!run)
			xsk_hints_pkt_clear_btf_id(xsk_umem__get_data(q->umem_area, desc->addr));
		run++;
		if (!(desc->options & XDP_PKT_CONTD) || run == XSK_FRAME_MAX_BUFS)
			run = 0;
	}
}

/* The UMEM frame of the batch's buffer @i. Aligned mode: any address
 * inside the frame names the frame. */
static inline __u64 batch_buf_addr(const struct xsk_queue *q, const struct xsk_rx_batch *b,
				   __u32 i)
{
	if (!q->multi_buffer)
		return (__u64)((const char *)b->frames[i].data - (const char *)q->umem_area) &
		       q->frame_mask;
	return xsk_ring_cons__rx_desc(&q->rx, b->rx_idx + i)->addr & q->frame_mask;
}

/* Buffers [from, to) of @b into the fill ring from @fill_idx on. */
static inline void fill_from_batch(struct xsk_queue *q, const struct xsk_rx_batch *b,
				   __u32 from, __u32 to, __u32 fill_idx)
{
	__u64 *addrs = q->fill.ring, frame_mask = q->frame_mask;
	__u32 mask = q->fill.mask;

	if (!q->multi_buffer) {
		/* Locals: the stores into the ring could alias the queue's. */
		const struct xsk_rx_frame *frames = b->frames;
		const char *umem = q->umem_area;

		for (__u32 i = from; i < to; i++)
			addrs[(fill_idx + i - from) & mask] =
				(__u64)((const char *)frames[i].data - umem) & frame_mask;
		return;
	}
	for (__u32 i = from; i < to; i++)
		addrs[(fill_idx + i - from) & mask] =
			xsk_ring_cons__rx_desc(&q->rx, b->rx_idx + i)->addr & frame_mask;
}

/*
 * --umem shared: the pool policy for this batch (frame_pool.h). A drain
 * batch (dequeue_ns 0) takes nothing. Counts a full batch that wanted
 * frames the pool did not have.
 */
static void pool_adjust(struct xsk_queue *q, const struct xsk_rx_batch *b, __u32 *give,
			__u32 *take)
{
	struct frame_pool *pool = q->pool;
	bool draining = !b->dequeue_ns;
	bool wants = !draining && b->n_frames >= XSK_RX_BATCH_MAX && q->owned < q->quota.cap;
	int d;

	/* --threads: an empty slice refills from the spill, once per batch. */
	if (q->spill)
		frame_spill_move(q->spill, pool, frame_spill_decide(pool->n_free, pool->initial,
								    q->quota.step, wants));
	if (wants && !pool->n_free) {
		q->pool_dry++;
		pool->dry++;
	}
	d = frame_pool_decide(&q->quota, q->owned, b->n_frames, b->n_descs, XSK_RX_BATCH_MAX,
			      pool->n_free, draining);
	*give = d < 0 ? (__u32)-d : 0;
	*take = d > 0 ? (__u32)d : 0;
	q->owned = q->owned - *give + *take;
	if (q->owned > q->peak_owned)
		q->peak_owned = q->owned;
}

void xsk_queue_release_batch(struct xsk_queue *q, struct xsk_rx_batch *b, bool kick_fill)
{
	__u32 fill_idx = 0, n = b->n_descs, give = 0, take = 0, to_fill;

	if (n) {
		if (q->pool)
			pool_adjust(q, b, &give, &take);
		clear_batch_hints(q, b);
		/*
		 * Every frame the queue owns is either in the fill ring, with
		 * the kernel, in the RX ring or in our hands, and the fill ring
		 * can hold all of them (it holds the queue's cap): the batch's
		 * buffers and what the pool adds always have room. The loop only
		 * waits for the cached consumer index to catch up.
		 */
		to_fill = n - give + take;
		while (xsk_ring_prod__reserve(&q->fill, to_fill, &fill_idx) != to_fill)
			;
		for (__u32 i = 0; i < give; i++)
			frame_pool_push(q->pool, batch_buf_addr(q, b, i));
		/* --threads: a slice grown past a step above its start gives
		 * the excess to the spill (never in a batch that took from it:
		 * its slice was empty then, and holds a step at most). */
		if (give && q->spill)
			frame_spill_move(q->spill, q->pool,
					 frame_spill_decide(q->pool->n_free, q->pool->initial,
							    q->quota.step, false));
		fill_from_batch(q, b, give, n, fill_idx);
		for (__u32 i = 0; i < take; i++)
			*xsk_ring_prod__fill_addr(&q->fill, fill_idx + n - give + i) =
				frame_pool_pop(q->pool);
		xsk_ring_prod__submit(&q->fill, to_fill);
		xsk_ring_cons__release(&q->rx, n);
		b->n_descs = 0;
		b->n_frames = 0;
	}
	if (kick_fill)
		xsk_queue_kick(q);
}

/* What is left in the RX ring once no whole frame is: one frame that
 * never got its last descriptor. Its buffers go back to the fill ring. */
static void discard_unfinished(struct xsk_queue *q)
{
	__u32 rx_idx = 0, fill_idx = 0, n;

	n = xsk_ring_cons__peek(&q->rx, q->frames, &rx_idx);
	if (!n)
		return;
	while (xsk_ring_prod__reserve(&q->fill, n, &fill_idx) != n)
		;
	for (__u32 i = 0; i < n; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, rx_idx + i);

		if (!i)
			xsk_hints_pkt_clear_btf_id(xsk_umem__get_data(q->umem_area, desc->addr));
		*xsk_ring_prod__fill_addr(&q->fill, fill_idx + i) = desc->addr & q->frame_mask;
	}
	xsk_ring_prod__submit(&q->fill, n);
	xsk_ring_cons__release(&q->rx, n);
	q->incomplete_frames++;
}

unsigned int xsk_queue_drain_batch(struct xsk_queue *q, struct xsk_rx_batch *b)
{
	unsigned int n;

	for (;;) {
		n = peek_batch(q, XSK_DRAIN_BATCH, b, false);
		if (n)
			return n;
		if (!b->n_descs)
			break;
		/* Only runs without an end: given back, and on. */
		xsk_queue_release_batch(q, b, false);
	}
	if (q->multi_buffer)
		discard_unfinished(q);
	return 0;
}

int xsk_queue_stats(const struct xsk_queue *q, struct xdp_statistics *stats)
{
	socklen_t len = sizeof(*stats);

	memset(stats, 0, sizeof(*stats));
	if (!q->xsk)
		return -EBADF;
	if (getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_STATISTICS, stats, &len))
		return -errno;
	return 0;
}

void xsk_queue_close(struct xsk_queue *q)
{
	/* Socket before UMEM: the UMEM is busy while a socket uses it. */
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	q->xsk = NULL;
	/* A shared UMEM is the set's once its first socket is bound. */
	if (q->umem && (!q->shared || q->shared->umem != q->umem))
		xsk_umem__delete(q->umem);
	q->umem = NULL;
	if (q->umem_area && q->owns_umem)
		munmap(q->umem_area, q->umem_size);
	q->umem_area = NULL;
}

int xsk_queue_detach_socket(struct xsk_queue *q)
{
	int fd;

	if (!q->xsk)
		return -1;
	fd = fcntl(xsk_socket__fd(q->xsk), F_DUPFD_CLOEXEC, 0);
	xsk_socket__delete(q->xsk);
	q->xsk = NULL;
	/* The set frees a shared UMEM, after every socket. */
	if (q->shared)
		q->umem = NULL;
	return fd;
}

/* Frames [@first, @first + @n) into @pool, popped from the top: the
 * lowest addresses first. */
static void push_frames(struct frame_pool *pool, __u32 first, __u32 n, __u32 frame_size)
{
	for (__u32 j = n; j > 0; j--)
		frame_pool_push(pool, (__u64)(first + j - 1) * frame_size);
	pool->initial = pool->n_free;
	pool->low_water = pool->n_free;
}

int xsk_shared_umem_init(struct xsk_shared_umem *s, __u32 frames, __u32 tx_frames,
			 __u32 frame_size, __u32 queues, bool per_queue_pools, bool populate)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0);
	__u32 pool_frames, first, slice, n_pools = per_queue_pools ? queues : 1;
	void *area;
	int err;

	memset(s, 0, sizeof(*s));
	if (!queues || tx_frames >= frames || frames & (frames - 1))
		return -EINVAL;
	s->frames = frames;
	s->tx_frames = tx_frames;
	s->rx_frames = frames - tx_frames;
	s->frame_size = frame_size;
	s->queues = queues;
	if (s->rx_frames / queues < 1)
		return -EINVAL;
	pool_frames = frame_quota_plan(s->rx_frames, queues, XSK_RX_BATCH_MAX, &s->quota);
	s->pool_frames = pool_frames;
	s->pools = calloc(n_pools, sizeof(*s->pools));
	if (!s->pools)
		return -ENOMEM;
	s->n_pools = n_pools;
	/*
	 * After the floors: frames [queues x floor, rx_frames) are the pool.
	 * With slices, each starts with a step (or an even share of a smaller
	 * pool) and the spill has the rest. A slice never holds more than its
	 * start plus a step between batches, and a batch gives back cap -
	 * floor at most: that is its room.
	 */
	first = queues * s->quota.floor;
	slice = n_pools > 1 ? pool_frames / n_pools : pool_frames;
	if (n_pools > 1 && slice > s->quota.step)
		slice = s->quota.step;
	for (__u32 i = 0; i < n_pools; i++) {
		struct frame_pool *pool = &s->pools[i];

		err = frame_pool_init(pool, n_pools > 1 ? slice + s->quota.step + s->quota.cap :
							  slice);
		if (err)
			goto fail;
		push_frames(pool, first, slice, frame_size);
		first += slice;
	}
	if (n_pools > 1) {
		err = frame_spill_init(&s->spill, pool_frames);
		if (err)
			goto fail;
		push_frames(&s->spill.pool, first, pool_frames - n_pools * slice, frame_size);
	}
	/* A fresh anonymous mapping is zeroed: every btf_id slot starts as
	 * XSK_HINTS_NO_HINT. */
	s->size = (size_t)frames * frame_size;
	area = mmap(NULL, s->size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (area == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	s->area = area;
	return 0;
fail:
	xsk_shared_umem_free(s);
	return err;
}

void xsk_shared_umem_free(struct xsk_shared_umem *s)
{
	if (s->umem)
		xsk_umem__delete(s->umem);
	s->umem = NULL;
	if (s->area)
		munmap(s->area, s->size);
	s->area = NULL;
	for (__u32 i = 0; s->pools && i < s->n_pools; i++)
		frame_pool_free(&s->pools[i]);
	free(s->pools);
	s->pools = NULL;
	s->n_pools = 0;
	frame_spill_free(&s->spill);
}
