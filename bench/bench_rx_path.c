// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_rx_path - instructions per received frame of af_xdp_user's receive
 * path, rx_queue_poll() (common/rx/rx_queue.c) with its ring walk
 * (common/rx/xsk_queue.c), as the tool runs it by default. Meant to run
 * under
 *
 *   valgrind --tool=callgrind --toggle-collect=run_poll \
 *       bench_rx_path BPF_OBJECT none|rx-time [BATCHES]
 *
 * so that only rx_queue_poll() is counted: one call per batch of RX_BATCH
 * frames, everything it does per batch (the clock read, sched_getcpu(), the
 * fill and RX ring updates) spread over its frames, as it is in a run.
 * No socket: the RX and fill rings are built in memory with the layout
 * libxdp maps from the kernel, and the kernel's part (a filled frame onto
 * the RX ring) is played between the calls, outside the count. Each
 * frame carries an xdp_hints_rx_time hint, btf_id from the object's BTF as
 * bpf_core_type_id_local() stamps it.
 *
 *   none     what --layout none does: frames counted as hint-less, no
 *            frame memory read (path->no_hints)
 *   rx-time  --layout rx-time: the hint decoded, the latency accounted,
 *            the metadata prefetched ahead
 *
 * Prints "frames N packets P no_hint H" (P, H: what the queue's
 * statistics counted) on stdout; exit 1 unless P is N and H is N with
 * none, 0 with rx-time (every hint decoded).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "hint_decoder.h"
#include "lib_xsk_extend.h"
#include "parse_num.h"
#include "rx_queue.h"

#define RING_SIZE 256U            /* RX and fill ring entries */
#define FRAMES RING_SIZE          /* UMEM frames: all of them in the fill ring */
#define FRAME_SIZE 2048U
#define PKT_OFFSET 256U           /* XDP_PACKET_HEADROOM: copy mode's packet start */
#define PKT_LEN 60U
#define DEFAULT_BATCHES 100000ULL

#define NOINLINE __attribute__((noinline))

struct rx_time_hint {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* What the kernel would map: the rings' producer and consumer words and entries. */
struct fake_rings {
	__u32 rx_prod, rx_cons, rx_flags;
	__u32 fill_prod, fill_cons, fill_flags;
	struct xdp_desc rx_descs[RING_SIZE];
	__u64 fill_addrs[RING_SIZE];
};

/* The kernel's part: @n frames from the fill ring, filled, onto the RX ring. */
static void kernel_receive(struct fake_rings *r, __u32 n)
{
	for (__u32 i = 0; i < n; i++) {
		__u64 addr = r->fill_addrs[r->fill_cons++ & (RING_SIZE - 1)];

		r->rx_descs[r->rx_prod++ & (RING_SIZE - 1)] =
			(struct xdp_desc){ .addr = addr + PKT_OFFSET, .len = PKT_LEN };
	}
}

NOINLINE static unsigned int run_poll(struct rx_queue *q)
{
	return rx_queue_poll(q);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: bench_rx_path BPF_OBJECT none|rx-time [BATCHES]\n");
}

int main(int argc, char **argv)
{
	static struct fake_rings rings;
	struct hint_decoder decoder = { 0 };
	struct run_stop stop = { 0 };
	struct rx_path path = { 0 };
	struct rx_queue q;
	uint64_t batches = DEFAULT_BATCHES;
	unsigned char *umem = NULL;
	struct btf *btf = NULL;
	__u64 frames = 0;
	bool no_hints;
	__s32 id;
	int ret = 1, err;

	if (argc < 3 || argc > 4 || (strcmp(argv[2], "none") && strcmp(argv[2], "rx-time")) ||
	    (argc == 4 && parse_u64(argv[3], 1, UINT32_MAX, &batches))) {
		usage(stderr);
		return 2;
	}
	no_hints = !strcmp(argv[2], "none");
	rx_queue_init_closed(&q);
	btf = btf__parse(argv[1], NULL);
	if (!btf) {
		fprintf(stderr, "bench_rx_path: %s: cannot read BTF: %s\n", argv[1], strerror(errno));
		return 1;
	}
	id = btf__find_by_name_kind(btf, "xdp_hints_rx_time", BTF_KIND_STRUCT);
	err = id < 0 ? id : hint_decoder_init(&decoder, btf);
	if (err) {
		fprintf(stderr, "bench_rx_path: %s: xdp_hints_rx_time and the decoder: %s\n",
			argv[1], strerror(-err));
		goto cleanup;
	}
	umem = aligned_alloc(4096, (size_t)FRAMES * FRAME_SIZE);
	if (!umem || queue_rx_stats_init(&q.stats, 0, decoder.n_layouts)) {
		fprintf(stderr, "bench_rx_path: out of memory\n");
		goto cleanup;
	}
	memset(umem, 0, (size_t)FRAMES * FRAME_SIZE);
	/* Every frame's hint, written once: our own program stamps every
	 * frame, so the receiver does not clear the slot (producer_stamps). */
	for (__u32 i = 0; i < FRAMES; i++) {
		struct rx_time_hint h = { .rx_ktime = 1, .xdp_rx_cpu = 0, .btf_id = (__u32)id };

		memcpy(umem + (size_t)i * FRAME_SIZE + PKT_OFFSET - sizeof(h), &h, sizeof(h));
		rings.fill_addrs[i] = (__u64)i * FRAME_SIZE;
	}
	rings.fill_prod = FRAMES;

	path.ifname = "bench";
	path.decoder = &decoder;
	path.stop = &stop;
	path.no_hints = no_hints;
	q.path = &path;
	q.xsk.umem_area = umem;
	q.xsk.frame_size = FRAME_SIZE;
	q.xsk.frame_mask = ~((__u64)FRAME_SIZE - 1);
	q.xsk.frames = FRAMES;
	q.xsk.clock = CLOCK_MONOTONIC;
	q.xsk.clear_btf_id = false;
	q.xsk.prefetch_meta = !no_hints;
	q.xsk.rx = (struct xsk_ring_cons){ .mask = RING_SIZE - 1, .size = RING_SIZE,
		.producer = &rings.rx_prod, .consumer = &rings.rx_cons, .ring = rings.rx_descs,
		.flags = &rings.rx_flags };
	/* As libxdp sets up a fill ring the receiver just filled: full. */
	q.xsk.fill = (struct xsk_ring_prod){ .mask = RING_SIZE - 1, .size = RING_SIZE,
		.cached_prod = FRAMES, .cached_cons = RING_SIZE, .producer = &rings.fill_prod,
		.consumer = &rings.fill_cons, .ring = rings.fill_addrs, .flags = &rings.fill_flags };

	for (uint64_t b = 0; b < batches; b++) {
		kernel_receive(&rings, RX_BATCH);
		frames += run_poll(&q);
	}
	printf("frames %llu packets %llu no_hint %llu\n", (unsigned long long)frames,
	       (unsigned long long)q.stats.packets, (unsigned long long)q.stats.no_hint);
	if (frames != batches * RX_BATCH || q.stats.packets != frames ||
	    q.stats.no_hint != (no_hints ? frames : 0)) {
		fprintf(stderr, "bench_rx_path: %llu frames posted, %llu received, %llu counted, %llu without a hint\n",
			(unsigned long long)(batches * RX_BATCH), (unsigned long long)frames,
			(unsigned long long)q.stats.packets, (unsigned long long)q.stats.no_hint);
		goto cleanup;
	}
	ret = 0;
cleanup:
	queue_rx_stats_free(&q.stats);
	hint_decoder_free(&decoder);
	free(umem);
	btf__free(btf);
	return ret;
}
