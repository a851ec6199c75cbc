// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_layouts - the least an XDP program can do per hint layout, for the
 * cost attribution in bench/run.sh: grow the metadata area, write the
 * layout, redirect to the queue's AF_XDP socket. No parsing, no counters,
 * so that what differs between layouts is the hint alone.
 *
 *   none     nothing written, no bpf_xdp_adjust_meta()
 *   id       a 4-byte btf_id of 0 ("no hint"): the least a producer that
 *            always stamps writes
 *   mark     xdp_hints_mark: rx_queue_index + btf_id (8 bytes)
 *   rx-time  xdp_hints_rx_time: bpf_ktime_get_ns(), CPU, btf_id (16 bytes)
 *
 * The structs repeat af_xdp_kern.c's layouts byte for byte (packed,
 * 4-byte aligned, btf_id last).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum bench_layout {
	BENCH_LAYOUT_NONE = 0,
	BENCH_LAYOUT_ID = 1,
	BENCH_LAYOUT_MARK = 2,
	BENCH_LAYOUT_RX_TIME = 3,
};

/* Set before load: the verifier prunes the other layouts. */
const volatile __u32 layout = BENCH_LAYOUT_NONE;

struct xdp_hints_id_only {
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct xdp_hints_mark {
	__u32 mark;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct xdp_hints_rx_time {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 256);
} xsks_map SEC(".maps");

/* The metadata area of @size bytes, or NULL (then the frame passes). */
static __always_inline void *reserve(struct xdp_md *ctx, __u32 size)
{
	void *meta, *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)size))
		return NULL;
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	return meta + size > data ? NULL : meta;
}

SEC("xdp")
int bench_layouts_redirect(struct xdp_md *ctx)
{
	__u32 queue = ctx->rx_queue_index;

	if (layout == BENCH_LAYOUT_ID) {
		struct xdp_hints_id_only *h = reserve(ctx, sizeof(*h));

		if (!h)
			return XDP_PASS;
		h->btf_id = 0;
	} else if (layout == BENCH_LAYOUT_MARK) {
		struct xdp_hints_mark *h = reserve(ctx, sizeof(*h));

		if (!h)
			return XDP_PASS;
		h->mark = queue;
		h->btf_id = bpf_core_type_id_local(struct xdp_hints_mark);
	} else if (layout == BENCH_LAYOUT_RX_TIME) {
		struct xdp_hints_rx_time *h = reserve(ctx, sizeof(*h));

		if (!h)
			return XDP_PASS;
		h->rx_ktime = bpf_ktime_get_ns();
		h->xdp_rx_cpu = bpf_get_smp_processor_id();
		h->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_time);
	}
	return bpf_redirect_map(&xsks_map, queue, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
