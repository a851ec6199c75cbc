// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xsk_queue_peek_batch()/xsk_queue_release_batch() on rings and a UMEM made
 * in memory (no socket): every frame is in the batch once, in ring order,
 * goes back to the fill ring by its frame address only at the release, and
 * its btf_id slot is cleared exactly when the producer does not stamp every
 * frame. Prefetching does not change any of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib_xsk_extend.h"
#include "xsk_queue.h"

#define FRAMES 16U
#define FRAME_SIZE 2048U
#define RING_SIZE 16U
#define PKT_OFFSET 256U /* where copy mode puts the packet with no UMEM headroom */
#define STAMP 0x1234U

struct fake_ring {
	__u32 producer, consumer, flags;
	__u64 addrs[RING_SIZE];
	struct xdp_desc descs[RING_SIZE];
};

struct env {
	struct xsk_queue q;
	struct fake_ring rx, fill;
	unsigned char *umem;
	unsigned int seen;
	void *seen_pkts[RING_SIZE];
};

static void ring_init(struct xsk_ring_cons *r, struct fake_ring *f, void *entries)
{
	memset(r, 0, sizeof(*r));
	r->mask = RING_SIZE - 1;
	r->size = RING_SIZE;
	r->producer = &f->producer;
	r->consumer = &f->consumer;
	r->ring = entries;
	r->flags = &f->flags;
}

/* @n frames on the RX ring, each with STAMP in its btf_id slot. */
static void env_init(struct env *e, unsigned int n, bool producer_stamps, bool prefetch)
{
	memset(e, 0, sizeof(*e));
	e->umem = aligned_alloc(4096, FRAMES * FRAME_SIZE);
	assert_non_null(e->umem);
	memset(e->umem, 0, FRAMES * FRAME_SIZE);
	e->q.umem_area = e->umem;
	e->q.frame_size = FRAME_SIZE;
	e->q.frame_mask = ~((__u64)FRAME_SIZE - 1);
	e->q.clear_btf_id = !producer_stamps;
	e->q.prefetch_meta = prefetch;
	ring_init(&e->q.rx, &e->rx, e->rx.descs);
	ring_init((struct xsk_ring_cons *)&e->q.fill, &e->fill, e->fill.addrs);
	/* The fill ring is empty (the kernel took every frame): room for all. */
	e->q.fill.cached_cons = RING_SIZE;
	for (unsigned int i = 0; i < n; i++) {
		/* Frames in reverse order, so a frame's index is not its slot's. */
		__u64 frame = (__u64)(FRAMES - 1 - i) * FRAME_SIZE;
		__u32 stamp = STAMP;

		e->rx.descs[i] = (struct xdp_desc){ .addr = frame + PKT_OFFSET, .len = 60 };
		memcpy(e->umem + frame + PKT_OFFSET - sizeof(stamp), &stamp, sizeof(stamp));
	}
	e->rx.producer = n;
}

/*
 * One batch of up to @budget frames, walked as rx_queue_poll() walks it:
 * each frame recorded; nothing is released nor given back during the
 * walk. Returns the peek's count.
 */
static unsigned int receive(struct env *e, unsigned int budget)
{
	struct xsk_rx_batch batch;
	unsigned int n = xsk_queue_peek_batch(&e->q, budget, &batch);

	for (unsigned int i = 0; i < n; i++) {
		const struct xsk_rx_frame *f = xsk_rx_batch_frame(&batch, i);
		struct iovec buf = xsk_rx_frame_buf(&batch, f, 0);

		assert_int_equal(f->len, 60);
		assert_int_equal(f->first_len, 60);
		assert_int_equal(f->n_bufs, 1);
		assert_ptr_equal(buf.iov_base, f->data);
		assert_int_equal(buf.iov_len, 60);
		/* The decoder reads the slot during the walk: cleared only after. */
		assert_int_equal(xsk_hints_pkt_btf_id(f->data), STAMP);
		assert_true(e->seen < RING_SIZE);
		e->seen_pkts[e->seen++] = f->data;
		assert_int_equal(e->rx.consumer, 0);
		assert_int_equal(e->fill.producer, 0);
	}
	assert_int_equal(batch.n_frames, n);
	assert_int_equal(batch.n_descs, n);
	xsk_queue_release_batch(&e->q, &batch, false);
	return n;
}

static void check_batch(bool producer_stamps, bool prefetch, unsigned int n)
{
	struct env e;

	env_init(&e, n, producer_stamps, prefetch);
	assert_int_equal(receive(&e, RING_SIZE), n);
	assert_int_equal(e.seen, n);
	assert_int_equal(e.rx.consumer, n);
	assert_int_equal(e.fill.producer, n);
	for (unsigned int i = 0; i < n; i++) {
		__u64 frame = (__u64)(FRAMES - 1 - i) * FRAME_SIZE;

		assert_ptr_equal(e.seen_pkts[i], e.umem + frame + PKT_OFFSET);
		assert_int_equal(e.fill.addrs[i], frame);
		assert_int_equal(xsk_hints_pkt_btf_id(e.seen_pkts[i]),
				 producer_stamps ? STAMP : XSK_HINTS_NO_HINT);
	}
	free(e.umem);
}

static void test_clears_when_producer_may_skip(void **state)
{
	(void)state;
	check_batch(false, false, 3);
	check_batch(false, true, 11);
}

static void test_keeps_slot_when_producer_stamps(void **state)
{
	(void)state;
	check_batch(true, false, 3);
	check_batch(true, true, 11);
}

static void test_empty_ring(void **state)
{
	struct env e;

	(void)state;
	env_init(&e, 0, false, true);
	assert_int_equal(receive(&e, RING_SIZE), 0);
	assert_int_equal(e.seen, 0);
	assert_int_equal(e.fill.producer, 0);
	free(e.umem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clears_when_producer_may_skip),
		cmocka_unit_test(test_keeps_slot_when_producer_stamps),
		cmocka_unit_test(test_empty_ring),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("xsk_queue_receive", tests, NULL, NULL);
}
