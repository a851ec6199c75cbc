// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One half of an object linked with `bpftool gen object` from two .bpf.c
 * files that each define their own struct xdp_hints_dup: the linked BTF
 * keeps both (they differ), under one name.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_hints_dup {
	__u64 rx_ktime;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

SEC("xdp")
int write_dup_a(struct xdp_md *ctx)
{
	struct xdp_hints_dup *hint;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*hint)))
		return XDP_ABORTED;
	hint = (void *)(long)ctx->data_meta;
	if ((void *)(hint + 1) > (void *)(long)ctx->data)
		return XDP_ABORTED;
	hint->rx_ktime = 0xaaaa;
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_dup);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
