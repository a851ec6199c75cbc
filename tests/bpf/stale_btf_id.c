// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A producer that redirects some frames with a hint and some without, for
 * tests/unit/test_stale_btf_id.c. Frames of ethertype STALE_ETHERTYPE go
 * to the AF_XDP socket: those whose first payload byte is STALE_MARK_HINT
 * with a stale_hint, the others with nothing (always_stamp = false: the
 * failure mode) or with btf_id 0 (always_stamp = true: the contract).
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#include "xdp_hint_stamp.h"

#define STALE_ETHERTYPE 0x88b5 /* IEEE local experimental */
#define STALE_MARK_HINT 'H'

const volatile bool always_stamp = false;

struct stale_hint {
	__u32 seq;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

__u32 hinted, unhinted;

SEC("xdp")
int redirect_some_unstamped(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct stale_hint *hint;
	__u8 *payload = (void *)(eth + 1);

	if ((void *)(payload + 1) > data_end || eth->h_proto != bpf_htons(STALE_ETHERTYPE))
		return XDP_PASS;
	if (*payload == STALE_MARK_HINT) {
		if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*hint)))
			return XDP_PASS;
		hint = (void *)(long)ctx->data_meta;
		if ((void *)(hint + 1) > (void *)(long)ctx->data)
			return XDP_PASS;
		hint->seq = hinted++; /* one queue, one CPU at a time */
		hint->btf_id = bpf_core_type_id_local(struct stale_hint);
	} else {
		if (always_stamp && xdp_hint_stamp_none(ctx))
			return XDP_PASS;
		unhinted++;
	}
	return bpf_redirect_map(&xsks_map, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
