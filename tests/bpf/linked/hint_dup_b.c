// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The other half: a different struct xdp_hints_dup (see hint_dup_a.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_hints_dup {
	__u32 mark;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

SEC("xdp")
int write_dup_b(struct xdp_md *ctx)
{
	struct xdp_hints_dup *hint;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*hint)))
		return XDP_ABORTED;
	hint = (void *)(long)ctx->data_meta;
	if ((void *)(hint + 1) > (void *)(long)ctx->data)
		return XDP_ABORTED;
	hint->mark = 0xbbbb;
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_dup);
	return XDP_PASS;
}
