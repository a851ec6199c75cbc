// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A producer that breaks the hint contract on purpose, for
 * tests/e2e/foreign_short_meta.sh: it grows the metadata area by 4 bytes,
 * writes only the btf_id there, but stamps the id of struct short_meta_hint,
 * 16 bytes with rx_ktime in front. AF_XDP carries no metadata length, so
 * the receiver decodes 12 bytes of the frame's headroom that nobody wrote as
 * rx_ktime: the time it reads is not a time, and must not be timed.
 * Every IPv4 UDP frame goes to queue 0's socket; the rest passes.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

struct short_meta_hint {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

SEC("xdp")
int redirect_short_meta(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 *btf_id;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*btf_id)))
		return XDP_PASS;
	btf_id = (void *)(long)ctx->data_meta;
	if ((void *)(btf_id + 1) > (void *)(long)ctx->data)
		return XDP_PASS;
	/* The contract says: this id, these 16 bytes. Only 4 are written. */
	*btf_id = bpf_core_type_id_local(struct short_meta_hint);
	return bpf_redirect_map(&xsks_map, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
