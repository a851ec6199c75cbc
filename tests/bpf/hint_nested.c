// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hint layouts as others publish them, for the lib_xsk_extend tests.
 *
 * The 2022 XDP-hints proposal extends a common hint by nesting it as the
 * LAST member of a driver's hint, so btf_id (the common hint's last member)
 * still ends the outer struct. The kernel selftests' metadata struct
 * (tools/testing/selftests/bpf/xdp_metadata.h) uses unions and anonymous
 * members; xdp_hints_meta_like follows its shape and ends in btf_id.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_hints_common {
	__u32 rx_hash32;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct xdp_hints_drv {
	__u64 rx_timestamp;
	__u16 vlan_tci;
	__u16 flags;
	struct xdp_hints_common common; /* keep LAST: its btf_id ends this struct */
} __attribute__((packed, aligned(4)));

/* Two levels: btf_id is the last member of the last member's last member. */
struct xdp_hints_drv_v2 {
	__u32 queue;
	struct xdp_hints_drv drv;
} __attribute__((packed, aligned(4)));

struct xdp_hints_meta_like {
	union {
		__u64 rx_timestamp;
		__s32 rx_timestamp_err;
	};
	__u64 xdp_timestamp;
	__u32 rx_hash;
	union {
		__u32 rx_hash_type;
		__s32 rx_hash_err;
	};
	union {
		struct {
			__u16 rx_vlan_tci;
			__u16 rx_vlan_proto;
		};
		__s32 rx_vlan_tag_err;
	};
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* -EOVERFLOW: the nested common hint is not last, so btf_id is not either. */
struct xdp_hints_common_not_last {
	struct xdp_hints_common common;
	__u32 extra;
} __attribute__((packed, aligned(4)));

/* -EPROTOTYPE: bpf_core_type_id_local() yields an unsigned 32-bit int. */
struct xdp_hints_float_btf_id {
	__u32 mark;
	float btf_id;
} __attribute__((packed, aligned(4)));

/* Values the tests expect to read back by dotted path. */
#define NESTED_RX_TIMESTAMP 0x0102030405060708ULL
#define NESTED_VLAN_TCI 0x0123
#define NESTED_RX_HASH32 0xcafef00d
#define NESTED_QUEUE 3

/* Writes a real xdp_hints_drv_v2: the id the kernel stamps is the outer one. */
SEC("xdp")
int write_nested_hint(struct xdp_md *ctx)
{
	struct xdp_hints_drv_v2 *hint;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*hint)))
		return XDP_ABORTED;
	hint = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(hint + 1) > data)
		return XDP_ABORTED;
	hint->queue = NESTED_QUEUE;
	hint->drv.rx_timestamp = NESTED_RX_TIMESTAMP;
	hint->drv.vlan_tci = NESTED_VLAN_TCI;
	hint->drv.flags = 0;
	hint->drv.common.rx_hash32 = NESTED_RX_HASH32;
	hint->drv.common.btf_id = bpf_core_type_id_local(struct xdp_hints_drv_v2);
	return XDP_PASS;
}

SEC("xdp")
int keep_nested_types(struct xdp_md *ctx)
{
	__u32 ids = bpf_core_type_id_local(struct xdp_hints_common) ^
		    bpf_core_type_id_local(struct xdp_hints_drv) ^
		    bpf_core_type_id_local(struct xdp_hints_meta_like) ^
		    bpf_core_type_id_local(struct xdp_hints_common_not_last) ^
		    bpf_core_type_id_local(struct xdp_hints_float_btf_id);

	return ids ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
