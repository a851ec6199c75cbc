/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF side of lib_xsk_extend's btf_id contract (see "The btf_id contract"
 * in lib_xsk_extend.h): an XDP program writes at least the 4-byte btf_id
 * in front of every frame it redirects to an AF_XDP socket, its hint or
 * XSK_HINTS_NO_HINT (0) alone. A frame then never shows the btf_id of a
 * frame the kernel dropped or recycled in the same UMEM buffer, which a
 * receiver cannot clear (it never sees those frames).
 *
 * Include from a BPF program after <bpf/bpf_helpers.h>.
 */
#ifndef XDP_HINT_STAMP_H
#define XDP_HINT_STAMP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/*
 * For a frame the program redirects without a hint, its metadata area
 * still empty: grow it by 4 bytes and write btf_id 0 there, at data - 4.
 * Returns 0, or -1 when the kernel refuses metadata (a driver without
 * support, or no headroom): the program should then not redirect the
 * frame, since its btf_id slot holds whatever a previous frame left.
 */
static __always_inline int xdp_hint_stamp_none(struct xdp_md *ctx)
{
	__u32 *btf_id;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*btf_id)))
		return -1;
	/* adjust_meta() invalidated every packet pointer: reload and bound. */
	btf_id = (void *)(long)ctx->data_meta;
	if ((void *)(btf_id + 1) > (void *)(long)ctx->data)
		return -1;
	*btf_id = 0; /* XSK_HINTS_NO_HINT: BTF id 0 is "void", never a struct */
	return 0;
}

#endif /* XDP_HINT_STAMP_H */
