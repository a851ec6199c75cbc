// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hint structs for the lib_xsk_extend tests: three valid ones, and one
 * per validation rule that a hint can break. The library only ever sees
 * their BTF; the two programs below exist to put them there.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* ---- valid ---------------------------------------------------------------- */

/* The project's own layout: a receive timestamp, then btf_id. */
struct xdp_hints_rx_time {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct xdp_hints_mark {
	__u32 mark;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* Every kind of member the decoder must handle, reached through a typedef. */
typedef __u16 vlan_tci_t;

enum hint_l4 { HINT_L4_UDP = 17, HINT_L4_TCP = 6 };

struct hint_vlan {
	vlan_tci_t tci;
	__u16 proto;
};

struct xdp_hints_rich {
	char ifname[6];            /* text */
	__u8 src_mac[6];           /* bytes, not text */
	struct hint_vlan vlan;     /* nested struct, read whole */
	const volatile __s32 temp; /* signed, behind modifiers */
	enum hint_l4 l4;
	bool valid;
	__u8 pad[3];
	union {                    /* anonymous: members read by their own names */
		__u32 flow_hash;
		__u16 flow_port;
	};
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* ---- invalid: one broken rule each ----------------------------------------- */

/* -EOVERFLOW: btf_id must be last, it is found at pkt_data - 4. */
struct xdp_hints_field_after_btf_id {
	__u32 btf_id;
	__u32 extra;
} __attribute__((packed, aligned(4)));

/* -EOVERFLOW: not packed, so __u64 alignment adds 4 bytes after btf_id. */
struct xdp_hints_tail_padding {
	__u64 rx_ktime;
	__u32 btf_id;
};

/* -ENOTSUP: a bitfield has no byte offset to read it at. */
struct xdp_hints_bitfield {
	__u32 vlan_id : 12;
	__u32 prio : 3;
	__u32 reserved : 17;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* -EMSGSIZE: bpf_core_type_id_local() yields 4 bytes. */
struct xdp_hints_short_btf_id {
	__u16 mark;
	__u16 btf_id;
} __attribute__((packed, aligned(4)));

/* -EMSGSIZE: bpf_xdp_adjust_meta() grows in steps of 4 bytes. */
struct xdp_hints_odd_size {
	__u8 tag;
	__u32 btf_id;
} __attribute__((packed));

/* -EMSGSIZE: more than bpf_xdp_adjust_meta() grants (216 bytes, see the header). */
struct xdp_hints_too_big {
	__u8 blob[256];
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/*
 * Writes a real xdp_hints_rx_time, so a test can check that the btf_id the
 * kernel-side stamps matches the id the receiver finds in this object's BTF.
 */
SEC("xdp")
int write_rx_time_hint(struct xdp_md *ctx)
{
	struct xdp_hints_rx_time *hint;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*hint)))
		return XDP_ABORTED;
	hint = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(hint + 1) > data) /* the verifier wants the bound */
		return XDP_ABORTED;
	hint->rx_ktime = bpf_ktime_get_ns();
	hint->xdp_rx_cpu = bpf_get_smp_processor_id();
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_time);
	return XDP_PASS;
}

/*
 * clang emits BTF only for types the code uses: each type-id relocation
 * below keeps one struct in the object, valid or not.
 */
SEC("xdp")
int keep_hint_types(struct xdp_md *ctx)
{
	__u32 ids = bpf_core_type_id_local(struct xdp_hints_mark) ^
		    bpf_core_type_id_local(struct xdp_hints_rich) ^
		    bpf_core_type_id_local(struct xdp_hints_field_after_btf_id) ^
		    bpf_core_type_id_local(struct xdp_hints_tail_padding) ^
		    bpf_core_type_id_local(struct xdp_hints_bitfield) ^
		    bpf_core_type_id_local(struct xdp_hints_short_btf_id) ^
		    bpf_core_type_id_local(struct xdp_hints_odd_size) ^
		    bpf_core_type_id_local(struct xdp_hints_too_big);

	return ids ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
