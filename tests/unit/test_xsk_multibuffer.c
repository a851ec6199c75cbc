// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The multi-buffer batches of xsk_queue_peek_batch()/xsk_queue_drain_batch()
 * and xsk_queue_release_batch(),
 * against RX and fill rings built in memory (the same struct layout libxdp
 * maps from the kernel): frames handed over whole and never mixed, a batch
 * ending inside a frame, a budget smaller than what is in the ring, a run
 * of continued descriptors with no end, a frame left unfinished at stop
 * (also after such a run),
 * every buffer back on the fill ring, the btf_id slot cleared.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"
#include "xsk_queue.h"

#define RING_SIZE 256U
#define FRAME_SIZE 4096U
#define UMEM_FRAMES 256U
#define DATA_OFFSET 256U /* where the kernel puts data: XDP_PACKET_HEADROOM */
#define MAX_SEEN 16

struct seen_frame {
	__u32 n_bufs;
	__u32 frame_len;
	__u32 first_len;
	__u8 ids[XSK_FRAME_MAX_BUFS][2]; /* (frame, buffer) written by post_frame() */
	bool pkt_is_first;
	__u32 btf_id;                     /* read in front of the first buffer */
};

struct fixture {
	struct xsk_queue q;
	struct xdp_desc rx_descs[RING_SIZE];
	__u64 fill_addrs[RING_SIZE];
	__u32 rx_prod, rx_cons, rx_flags;
	__u32 fill_prod, fill_cons, fill_flags;
	__u32 next_chunk;
	struct seen_frame seen[MAX_SEEN];
	unsigned int n_seen;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->q.umem_area = calloc(UMEM_FRAMES, FRAME_SIZE);
	if (!f->q.umem_area)
		return -1;
	f->q.frame_size = FRAME_SIZE;
	f->q.frame_mask = ~((__u64)FRAME_SIZE - 1);
	f->q.frames = UMEM_FRAMES;
	f->q.clock = CLOCK_MONOTONIC;
	f->q.multi_buffer = true;
	f->q.clear_btf_id = true; /* a producer that may skip stamping */
	f->q.rx = (struct xsk_ring_cons){ .mask = RING_SIZE - 1, .size = RING_SIZE,
		.producer = &f->rx_prod, .consumer = &f->rx_cons, .ring = f->rx_descs,
		.flags = &f->rx_flags };
	/* As libxdp sets it up: cached_cons is the consumer plus the size. */
	f->q.fill = (struct xsk_ring_prod){ .mask = RING_SIZE - 1, .size = RING_SIZE,
		.cached_cons = RING_SIZE, .producer = &f->fill_prod,
		.consumer = &f->fill_cons, .ring = f->fill_addrs, .flags = &f->fill_flags };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->q.umem_area);
	free(f);
	return 0;
}

/*
 * Put frame @id of @n_bufs buffers on the RX ring as the kernel would: each
 * buffer in its own UMEM frame, all but the last with XDP_PKT_CONTD, a
 * btf_id in front of the first. @visible: how many of its descriptors the
 * producer index shows (the rest are written but not yet posted).
 */
static void post_frame(struct fixture *f, __u8 id, __u32 n_bufs, __u32 visible)
{
	for (__u32 j = 0; j < n_bufs; j++) {
		__u64 addr = (__u64)(f->next_chunk++ % UMEM_FRAMES) * FRAME_SIZE + DATA_OFFSET;
		__u8 *data = xsk_umem__get_data(f->q.umem_area, addr);
		struct xdp_desc *d = &f->rx_descs[(f->rx_prod + j) & (RING_SIZE - 1)];

		data[0] = id;
		data[1] = (__u8)j;
		if (!j) {
			__u32 btf_id = 100 + id;

			memcpy(data - sizeof(btf_id), &btf_id, sizeof(btf_id));
		}
		*d = (struct xdp_desc){ .addr = addr, .len = 1000 + j,
					.options = j + 1 < n_bufs ? XDP_PKT_CONTD : 0 };
	}
	f->rx_prod += visible;
}

/* The rest of a frame posted with fewer visible descriptors. */
static void post_more(struct fixture *f, __u32 n)
{
	f->rx_prod += n;
}

/* Record frame @f of @b as the receiver sees it. */
static void record_frame(struct fixture *f, const struct xsk_rx_batch *b,
			 const struct xsk_rx_frame *fr)
{
	struct seen_frame *s = &f->seen[f->n_seen++];
	struct iovec first = xsk_rx_frame_buf(b, fr, 0);
	__u32 len = 0;

	assert_true(f->n_seen <= MAX_SEEN);
	s->n_bufs = fr->n_bufs;
	s->frame_len = fr->len;
	s->first_len = fr->first_len;
	s->pkt_is_first = fr->data == first.iov_base && fr->first_len == first.iov_len;
	s->btf_id = xsk_hints_pkt_btf_id(fr->data);
	for (__u32 j = 0; j < fr->n_bufs; j++) {
		struct iovec buf = xsk_rx_frame_buf(b, fr, j);

		s->ids[j][0] = ((const __u8 *)buf.iov_base)[0];
		s->ids[j][1] = ((const __u8 *)buf.iov_base)[1];
		len += (__u32)buf.iov_len;
	}
	/* The frame's length is its buffers' together. */
	assert_int_equal(len, fr->len);
}

/* Walk a batch of @n frames, then release it. Nothing goes back to the
 * fill ring nor leaves the RX ring before the release. */
static unsigned int walk_and_release(struct fixture *f, struct xsk_rx_batch *b, unsigned int n)
{
	__u32 fill_prod = f->fill_prod, rx_cons = f->rx_cons;

	assert_int_equal(b->n_frames, n);
	for (unsigned int i = 0; i < n; i++)
		record_frame(f, b, xsk_rx_batch_frame(b, i));
	assert_int_equal(f->fill_prod, fill_prod);
	assert_int_equal(f->rx_cons, rx_cons);
	xsk_queue_release_batch(&f->q, b, false);
	return n;
}

/* One batch, as rx_queue_poll() takes it. */
static unsigned int receive(struct fixture *f, unsigned int budget)
{
	struct xsk_rx_batch b;

	return walk_and_release(f, &b, xsk_queue_peek_batch(&f->q, budget, &b));
}

/* Every batch left at stop, as rx_queue_drain() takes them. */
static unsigned int drain(struct fixture *f)
{
	struct xsk_rx_batch b;
	unsigned int total = 0, n;

	while ((n = xsk_queue_drain_batch(&f->q, &b))) {
		assert_int_equal(b.dequeue_ns, 0);
		total += walk_and_release(f, &b, n);
	}
	return total;
}

static void assert_frame(const struct seen_frame *s, __u8 id, __u32 n_bufs)
{
	__u32 len = 0;

	assert_int_equal(s->n_bufs, n_bufs);
	for (__u32 j = 0; j < n_bufs; j++) {
		assert_int_equal(s->ids[j][0], id);
		assert_int_equal(s->ids[j][1], j);
		len += 1000 + j;
	}
	assert_int_equal(s->frame_len, len);
	assert_int_equal(s->first_len, 1000);
	assert_true(s->pkt_is_first);
	assert_int_equal(s->btf_id, 100 + id);
}

/* Every consumed descriptor's UMEM frame is back on the fill ring, as its base. */
static void assert_fill_returned(const struct fixture *f, __u32 n)
{
	assert_int_equal(f->fill_prod, n);
	assert_int_equal(f->rx_cons, n);
	for (__u32 i = 0; i < n; i++)
		assert_int_equal(f->fill_addrs[i], (__u64)i * FRAME_SIZE);
}

static void test_whole_frames(void **state)
{
	struct fixture *f = *state;

	post_frame(f, 1, 1, 1);
	post_frame(f, 2, 3, 3);
	post_frame(f, 3, 2, 2);
	assert_int_equal(receive(f, 64), 3);
	assert_int_equal(f->n_seen, 3);
	assert_frame(&f->seen[0], 1, 1);
	assert_frame(&f->seen[1], 2, 3);
	assert_frame(&f->seen[2], 3, 2);
	assert_fill_returned(f, 6);
	/* The hint slot in front of each first buffer was cleared. */
	assert_int_equal(xsk_hints_pkt_btf_id((__u8 *)f->q.umem_area + DATA_OFFSET), XSK_HINTS_NO_HINT);
	assert_int_equal(xsk_hints_pkt_btf_id((__u8 *)f->q.umem_area + FRAME_SIZE + DATA_OFFSET),
			 XSK_HINTS_NO_HINT);
	assert_int_equal(f->q.incomplete_frames, 0);
}

static void test_budget_counts_frames(void **state)
{
	struct fixture *f = *state;

	post_frame(f, 1, 3, 3);
	post_frame(f, 2, 2, 2);
	assert_int_equal(receive(f, 1), 1);
	assert_int_equal(f->rx_cons, 3);
	assert_int_equal(receive(f, 1), 1);
	assert_frame(&f->seen[0], 1, 3);
	assert_frame(&f->seen[1], 2, 2);
	assert_fill_returned(f, 5);
	assert_int_equal(receive(f, 1), 0);
}

static void test_batch_ends_inside_a_frame(void **state)
{
	struct fixture *f = *state;

	post_frame(f, 1, 2, 2);
	post_frame(f, 2, 3, 2); /* its last descriptor is not posted yet */
	assert_int_equal(receive(f, 64), 1);
	assert_int_equal(f->rx_cons, 2);
	assert_int_equal(f->fill_prod, 2);
	/* Nothing whole: nothing taken, the two descriptors stay. */
	assert_int_equal(receive(f, 64), 0);
	assert_int_equal(f->rx_cons, 2);
	post_more(f, 1);
	assert_int_equal(receive(f, 64), 1);
	assert_frame(&f->seen[0], 1, 2);
	assert_frame(&f->seen[1], 2, 3);
	assert_fill_returned(f, 5);
}

static void test_run_without_end_is_dropped(void **state)
{
	struct fixture *f = *state;

	/* XSK_FRAME_MAX_BUFS continued descriptors, then one whole frame. */
	post_frame(f, 1, XSK_FRAME_MAX_BUFS + 1, XSK_FRAME_MAX_BUFS);
	f->rx_prod -= XSK_FRAME_MAX_BUFS;
	for (__u32 j = 0; j < XSK_FRAME_MAX_BUFS; j++)
		f->rx_descs[j].options = XDP_PKT_CONTD;
	f->rx_prod += XSK_FRAME_MAX_BUFS;
	f->next_chunk = XSK_FRAME_MAX_BUFS;
	post_frame(f, 2, 2, 2);
	assert_int_equal(receive(f, 64), 1);
	assert_int_equal(f->q.incomplete_frames, 1);
	assert_int_equal(f->n_seen, 1);
	assert_frame(&f->seen[0], 2, 2);
	assert_fill_returned(f, XSK_FRAME_MAX_BUFS + 2);
}

static void test_drain_drops_unfinished_tail(void **state)
{
	struct fixture *f = *state;

	post_frame(f, 1, 1, 1);
	post_frame(f, 2, 3, 2); /* the rest never comes: the run has ended */
	assert_int_equal(drain(f), 1);
	assert_frame(&f->seen[0], 1, 1);
	assert_int_equal(f->q.incomplete_frames, 1);
	assert_fill_returned(f, 3);
	assert_int_equal(xsk_hints_pkt_btf_id((__u8 *)f->q.umem_area + FRAME_SIZE + DATA_OFFSET),
			 XSK_HINTS_NO_HINT);
}

/* At stop, a run with no end and then an unfinished frame: two frames lost,
 * each counted once, every buffer back on the fill ring. */
static void test_drain_counts_run_and_tail(void **state)
{
	struct fixture *f = *state;

	post_frame(f, 1, XSK_FRAME_MAX_BUFS + 1, XSK_FRAME_MAX_BUFS);
	f->rx_prod -= XSK_FRAME_MAX_BUFS;
	for (__u32 j = 0; j < XSK_FRAME_MAX_BUFS; j++)
		f->rx_descs[j].options = XDP_PKT_CONTD;
	f->rx_prod += XSK_FRAME_MAX_BUFS;
	f->next_chunk = XSK_FRAME_MAX_BUFS;
	post_frame(f, 2, 3, 2);
	assert_int_equal(drain(f), 0);
	assert_int_equal(f->n_seen, 0);
	assert_int_equal(f->q.incomplete_frames, 2);
	assert_fill_returned(f, XSK_FRAME_MAX_BUFS + 2);
}

static void test_single_buffer_view(void **state)
{
	struct fixture *f = *state;

	f->q.multi_buffer = false;
	post_frame(f, 1, 1, 1);
	post_frame(f, 2, 1, 1);
	assert_int_equal(receive(f, 64), 2);
	assert_frame(&f->seen[0], 1, 1);
	assert_frame(&f->seen[1], 2, 1);
	assert_fill_returned(f, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_counts_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_ends_inside_a_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_without_end_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_drops_unfinished_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_counts_run_and_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_buffer_view, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
