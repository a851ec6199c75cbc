// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * How much metadata does bpf_xdp_adjust_meta() grant on this kernel and
 * path? Tries the largest multiple of 4 first and records the first size
 * the kernel accepts. tests/unit/test_meta_limit.c runs it through
 * BPF_PROG_TEST_RUN and on veth (native and generic XDP).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* More than skb_shared_info.meta_len (a u8) can hold: the search's start. */
#define META_TRY_MAX 256

__u32 granted; /* bytes, 0: not even 4 */
__u32 runs;

SEC("xdp")
int measure_meta_limit(struct xdp_md *ctx)
{
	__u32 size;

	granted = 0;
	for (size = META_TRY_MAX; size >= 4; size -= 4) {
		if (bpf_xdp_adjust_meta(ctx, -(int)size) == 0) {
			granted = size;
			break;
		}
	}
	__sync_fetch_and_add(&runs, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
