// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * af_xdp_kern.c - XDP program that writes "XDP-hints" in front of each
 * packet and redirects it to the AF_XDP socket bound to its RX queue.
 *
 * What a reader should take from this file:
 *
 *  - The metadata area.  Every XDP frame has some headroom before
 *    ctx->data.  bpf_xdp_adjust_meta(ctx, -N) moves ctx->data_meta N bytes
 *    down into that headroom; the N bytes between data_meta and data are
 *    ours.  They travel with the frame into the AF_XDP umem, where
 *    userspace finds them just before the packet start.
 *
 *  - The hint layout is described by BTF, not by a shared header.  Each
 *    hint struct ends with a __u32 btf_id holding the id of its own type
 *    (bpf_core_type_id_local()).  The receiver reads the 4 bytes right
 *    before the packet, looks the id up in this object's BTF and decodes the
 *    fields by name.  Because btf_id is LAST, it is always at data - 4, no
 *    matter which layout (or how long a layout) was written.
 *
 *  - Kernel rules for metadata: its length must be a multiple of 4 and
 *    data_meta can never pass data.  All hint structs are packed (no hidden
 *    padding, so BTF offsets are the byte offsets) and 4-byte aligned
 *    (so their size is a multiple of 4).
 *
 *  - Every redirected frame carries a btf_id: its hint's, or 0 when the
 *    policy writes no hint (xdp_hint_stamp_none(), headers/xdp_hint_stamp.h
 *    says why clearing the slot in userspace is not enough).
 *
 *  - Two programs share one body.  xdp_hints_redirect writes what any XDP
 *    program can know (software time, CPU, queue).  xdp_hints_redirect_hw
 *    also asks the driver for the packet's RX metadata (hardware timestamp,
 *    RSS hash, VLAN tag) through kfuncs; the verifier only allows those in a
 *    program loaded device-bound to one netdev (BPF_F_XDP_DEV_BOUND_ONLY),
 *    and such a program attaches in native mode only.  Userspace loads
 *    exactly one of the two (common/hint_program.c).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#include "af_xdp_shared.h"
#include "xdp_hint_stamp.h"

/* ---- the hint layouts (their only definition: userspace uses BTF) ------ */

struct xdp_hints_rx_time {
	__u64 rx_ktime;    /* bpf_ktime_get_ns(): CLOCK_MONOTONIC at XDP time */
	__u32 xdp_rx_cpu;  /* CPU the XDP program ran on */
	__u32 btf_id;      /* id of this struct in the object's BTF: keep LAST */
} __attribute__((packed, aligned(4)));

/*
 * xdp_hints_rx_time with the clock in the field's name: written in its
 * place when userspace chose TAI (rx_clock), so that a consumer that only
 * has the BTF can tell a TAI time from a monotonic one.
 */
struct xdp_hints_rx_tai {
	__u64 rx_tai_ns;   /* bpf_ktime_get_tai_ns(): CLOCK_TAI at XDP time */
	__u32 xdp_rx_cpu;  /* CPU the XDP program ran on */
	__u32 btf_id;      /* keep LAST */
} __attribute__((packed, aligned(4)));

struct xdp_hints_mark {
	__u32 mark;        /* rx_queue_index seen by XDP, for a receiver cross-check */
	__u32 btf_id;      /* keep LAST */
} __attribute__((packed, aligned(4)));

/*
 * Written by xdp_hints_redirect_hw only.  valid_bits (enum hint_hw_valid in
 * af_xdp_shared.h) says which driver values are present; absent ones are 0.
 * rx_ktime and xdp_rx_cpu carry the same names and meaning as in
 * xdp_hints_rx_time, so a receiver's latency path works for both.  The
 * 8-byte members come first so none straddles a 4-byte boundary oddly;
 * 40 bytes in all.
 */
struct xdp_hints_rx_hw {
	__u64 rx_hw_timestamp; /* driver/NIC clock (PHC), ns; NOT CLOCK_MONOTONIC */
	__u64 rx_ktime;        /* bpf_ktime_get_ns(): CLOCK_MONOTONIC at XDP time */
	__u32 rx_hash;         /* RSS hash the device computed */
	__u32 rx_hash_type;    /* the kernel's enum xdp_rss_hash_type bits */
	__u16 vlan_tci;        /* host order: PCP, DEI, VID of a stripped tag */
	__u16 vlan_proto;      /* host order: 0x8100 or 0x88a8 */
	__u32 valid_bits;      /* enum hint_hw_valid */
	__u32 xdp_rx_cpu;      /* CPU the XDP program ran on */
	__u32 btf_id;          /* keep LAST */
} __attribute__((packed, aligned(4)));

/* ---- RX-metadata kfuncs (Linux 6.3+; the VLAN one 6.8+) ----------------- */

/*
 * The UAPI headers do not declare these kfuncs nor the RSS type enum (a
 * kernel-internal type); a vmlinux.h would.  libbpf matches the prototypes
 * against the kernel's BTF at load time, so they must agree with
 * net/core/xdp.c.  __weak: a kernel without one of them still loads the
 * object (the software program never calls them), and the verifier only
 * sees calls in xdp_hints_redirect_hw.
 */
#ifndef __VMLINUX_H__
enum xdp_rss_hash_type {
	XDP_RSS_TYPE_NONE = 0,
	XDP_RSS_L3_IPV4 = 1 << 0,
	XDP_RSS_L3_IPV6 = 1 << 1,
	XDP_RSS_L3_DYNHDR = 1 << 2,
	XDP_RSS_L4 = 1 << 3,
	XDP_RSS_L4_TCP = 1 << 4,
	XDP_RSS_L4_UDP = 1 << 5,
	XDP_RSS_L4_SCTP = 1 << 6,
	XDP_RSS_L4_IPSEC = 1 << 7,
	XDP_RSS_L4_ICMP = 1 << 8,
};

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx,
					 __u64 *timestamp) __ksym __weak;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym __weak;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
					__u16 *vlan_tci) __ksym __weak;
#endif

/* Which program is running: a constant after inlining, so dead code goes. */
enum hint_source {
	HINT_SOURCE_SOFTWARE, /* xdp_hints_redirect: hint_policy decides */
	HINT_SOURCE_DRIVER,   /* xdp_hints_redirect_hw: always xdp_hints_rx_hw */
};

/* ---- load-time configuration (rodata: set by userspace before load) ---- */

/*
 * const volatile globals end up in .rodata.  Userspace writes them through
 * the skeleton between open and load; the verifier then sees constants and
 * prunes the branches of the policies that are not in use.
 */
const volatile __u32 hint_policy = HINT_POLICY_RX_TIME;
const volatile __u32 redirect_filter = FILTER_ALL;
const volatile __u16 filter_udp_dport = 0;   /* host byte order */
const volatile __u16 filter_ethertype = 0;   /* host byte order */
/*
 * enum hint_clock.  With HINT_CLOCK_MONOTONIC the verifier never sees the
 * bpf_ktime_get_tai_ns() call (dead branch), so the object still loads on
 * a kernel older than that helper (6.1).
 */
const volatile __u32 rx_clock = HINT_CLOCK_MONOTONIC;

/* ---- maps -------------------------------------------------------------- */

/* One AF_XDP socket per RX queue, keyed by queue index. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, XDP_HINTS_MAX_QUEUES);
} xsks_map SEC(".maps");

/*
 * Per-queue counters.  A per-CPU array needs no atomics: each CPU updates
 * its own copy and userspace sums them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct queue_counters);
	__uint(max_entries, XDP_HINTS_MAX_QUEUES);
} queue_stats SEC(".maps");

/*
 * Packets from a queue index outside queue_stats (userspace sized it to
 * the queue count it saw; the device may have grown since) are counted
 * here, in entry 0, so they are never lost silently.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct queue_counters);
	__uint(max_entries, 1);
} overflow_stats SEC(".maps");

/* ---- parsing ------------------------------------------------------------ */

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

enum frame_class {
	FRAME_TOO_SHORT,  /* ends before the headers we need: pass, never drop */
	FRAME_CONTROL,    /* ARP or IPv6 neighbour discovery: the kernel needs it */
	FRAME_DATA,       /* anything else: subject to the redirect filter */
};

struct frame_info {
	__u16 ethertype;  /* host order, after at most one VLAN tag */
	__u16 udp_dport;  /* host order, valid if is_udp */
	__u8 is_udp;      /* IPv4/IPv6 UDP whose header is in the frame */
};

/*
 * Every packet access must be proven in bounds to the verifier: compare
 * "pointer + size" with data_end before touching the bytes, on every path.
 * The helpers below return NULL when the header does not fit.
 */
static __always_inline void *header_at(void *pos, void *data_end, __u32 size)
{
	if (pos + size > data_end)
		return NULL;
	return pos;
}

static __always_inline int is_neighbour_discovery(__u8 icmp6_type)
{
	/* RS 133, RA 134, NS 135, NA 136, Redirect 137 */
	return icmp6_type >= 133 && icmp6_type <= 137;
}

static __always_inline enum frame_class
classify_udp(void *pos, void *data_end, struct frame_info *info)
{
	struct udphdr *udp = header_at(pos, data_end, sizeof(*udp));

	if (!udp)
		return FRAME_TOO_SHORT;
	info->udp_dport = bpf_ntohs(udp->dest);
	info->is_udp = 1;
	return FRAME_DATA;
}

static __always_inline enum frame_class
classify_ipv4(void *pos, void *data_end, struct frame_info *info)
{
	struct iphdr *ip = header_at(pos, data_end, sizeof(*ip));
	__u32 header_len;

	if (!ip)
		return FRAME_TOO_SHORT;
	/* ihl counts 32-bit words and includes any options. */
	header_len = ip->ihl * 4;
	if (header_len < sizeof(*ip))
		return FRAME_TOO_SHORT;
	if (ip->protocol != IPPROTO_UDP)
		return FRAME_DATA;
	/* A fragment after the first carries no UDP header. */
	if (ip->frag_off & bpf_htons(0x1fff))
		return FRAME_DATA;
	/*
	 * header_len is a variable: the verifier tracks its range (20..60)
	 * and still demands the bounds check inside classify_udp().
	 */
	return classify_udp(pos + header_len, data_end, info);
}

/*
 * IPv6 extension headers are not walked: the next header must be UDP or
 * ICMPv6 directly, which is how neighbour discovery and ordinary UDP
 * arrive.  UDP behind extension headers counts as "not UDP" (it passes
 * under the UDP filter).
 */
static __always_inline enum frame_class
classify_ipv6(void *pos, void *data_end, struct frame_info *info)
{
	struct ipv6hdr *ip6 = header_at(pos, data_end, sizeof(*ip6));
	struct icmp6hdr *icmp6;

	if (!ip6)
		return FRAME_TOO_SHORT;
	pos += sizeof(*ip6);
	if (ip6->nexthdr == IPPROTO_UDP)
		return classify_udp(pos, data_end, info);
	if (ip6->nexthdr != IPPROTO_ICMPV6)
		return FRAME_DATA;
	icmp6 = header_at(pos, data_end, sizeof(*icmp6));
	if (!icmp6)
		return FRAME_TOO_SHORT;
	return is_neighbour_discovery(icmp6->icmp6_type) ? FRAME_CONTROL
							  : FRAME_DATA;
}

static __always_inline enum frame_class
classify_frame(struct xdp_md *ctx, struct frame_info *info)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = header_at(data, data_end, sizeof(*eth));
	void *pos = data + sizeof(*eth);
	__u16 ethertype;

	if (!eth)
		return FRAME_TOO_SHORT;
	ethertype = bpf_ntohs(eth->h_proto);
	/* One 802.1Q or 802.1ad tag; the inner type decides. */
	if (ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD) {
		struct vlan_tag *tag = header_at(pos, data_end, sizeof(*tag));

		if (!tag)
			return FRAME_TOO_SHORT;
		ethertype = bpf_ntohs(tag->encapsulated_proto);
		pos += sizeof(*tag);
	}
	info->ethertype = ethertype;

	switch (ethertype) {
	case ETH_P_ARP:
		return FRAME_CONTROL;
	case ETH_P_IP:
		return classify_ipv4(pos, data_end, info);
	case ETH_P_IPV6:
		return classify_ipv6(pos, data_end, info);
	default:
		return FRAME_DATA;
	}
}

static __always_inline int filter_wants(const struct frame_info *info)
{
	/* redirect_filter is a load-time constant: dead branches vanish. */
	switch (redirect_filter) {
	case FILTER_UDP_DPORT:
		return info->is_udp && info->udp_dport == filter_udp_dport;
	case FILTER_ETHERTYPE:
		return info->ethertype == filter_ethertype;
	default:
		return 1;
	}
}

/* ---- writing the hints -------------------------------------------------- */

/*
 * Grow the metadata area by one hint of hint_size bytes and return a pointer
 * to it, or NULL.  After bpf_xdp_adjust_meta() every packet pointer the
 * verifier knew is invalid: reload data_meta and data from ctx and prove the
 * hint fits between them before writing.  The kernel itself refuses a
 * length that is not a multiple of 4 or that would eat into the headroom
 * it keeps for struct xdp_frame.
 */
static __always_inline void *reserve_hint(struct xdp_md *ctx, __u32 hint_size)
{
	void *meta, *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)hint_size))
		return NULL;
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if (meta + hint_size > data)
		return NULL;
	return meta;
}

static __always_inline int write_rx_tai_hint(struct xdp_md *ctx)
{
	struct xdp_hints_rx_tai *hint = reserve_hint(ctx, sizeof(*hint));

	if (!hint)
		return -1;
	hint->rx_tai_ns = bpf_ktime_get_tai_ns();
	hint->xdp_rx_cpu = bpf_get_smp_processor_id();
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_tai);
	return 0;
}

static __always_inline int write_rx_time_hint(struct xdp_md *ctx)
{
	struct xdp_hints_rx_time *hint;

	/* A load-time constant: only one of the two stays after verification. */
	if (rx_clock == HINT_CLOCK_TAI)
		return write_rx_tai_hint(ctx);
	hint = reserve_hint(ctx, sizeof(*hint));

	if (!hint)
		return -1;
	hint->rx_ktime = bpf_ktime_get_ns();
	hint->xdp_rx_cpu = bpf_get_smp_processor_id();
	/* A CO-RE relocation: libbpf patches in the id at load time. */
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_time);
	return 0;
}

static __always_inline int write_mark_hint(struct xdp_md *ctx, __u32 queue)
{
	struct xdp_hints_mark *hint = reserve_hint(ctx, sizeof(*hint));

	if (!hint)
		return -1;
	hint->mark = queue;
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_mark);
	return 0;
}

/*
 * Ask the driver first, into stack variables: a kfunc may write its output
 * even when it fails, and "absent" must read 0.  Only a 0 return counts;
 * -EOPNOTSUPP (driver lacks the kfunc) and -ENODATA (nothing for this
 * frame) just leave the bit clear.
 *
 * A timestamp of 0 counts as absent too: veth answers 0 with the skb's
 * hardware timestamp, which is 0 when no device stamped the packet.  No
 * device clock reads exactly 0 for a real packet.
 */
static __always_inline int write_rx_hw_hint(struct xdp_md *ctx)
{
	enum xdp_rss_hash_type hash_type = XDP_RSS_TYPE_NONE;
	struct xdp_hints_rx_hw *hint;
	__u64 hw_timestamp = 0;
	__be16 vlan_proto = 0;
	__u16 vlan_tci = 0;
	__u32 valid = 0;
	__u32 hash = 0;

	if (bpf_xdp_metadata_rx_timestamp(ctx, &hw_timestamp) == 0 && hw_timestamp)
		valid |= HINT_HW_VALID_TIMESTAMP;
	else
		hw_timestamp = 0;
	if (bpf_xdp_metadata_rx_hash(ctx, &hash, &hash_type) == 0) {
		valid |= HINT_HW_VALID_HASH;
	} else {
		hash = 0;
		hash_type = XDP_RSS_TYPE_NONE;
	}
	if (bpf_xdp_metadata_rx_vlan_tag(ctx, &vlan_proto, &vlan_tci) == 0) {
		valid |= HINT_HW_VALID_VLAN;
	} else {
		vlan_proto = 0;
		vlan_tci = 0;
	}

	hint = reserve_hint(ctx, sizeof(*hint));
	if (!hint)
		return -1;
	hint->rx_hw_timestamp = hw_timestamp;
	hint->rx_ktime = bpf_ktime_get_ns();
	hint->rx_hash = hash;
	hint->rx_hash_type = hash_type;
	hint->vlan_tci = vlan_tci;
	hint->vlan_proto = bpf_ntohs(vlan_proto);
	hint->valid_bits = valid;
	hint->xdp_rx_cpu = bpf_get_smp_processor_id();
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_hw);
	return 0;
}

/*
 * Returns 0 when the policy's hint, or with no hint by policy a btf_id of
 * 0, is in place: every redirected frame carries its own btf_id.
 */
static __always_inline int write_hint(struct xdp_md *ctx, __u32 queue,
				      const struct queue_counters *stats,
				      enum hint_source source)
{
	if (source == HINT_SOURCE_DRIVER)
		return write_rx_hw_hint(ctx);
	switch (hint_policy) {
	case HINT_POLICY_NONE:
		/* No hint, but the btf_id slot still says so: see the header. */
		return xdp_hint_stamp_none(ctx);
	case HINT_POLICY_MARK:
		return write_mark_hint(ctx, queue);
	case HINT_POLICY_ALTERNATE:
		/*
		 * seen was just incremented: odd -> rx_time, even -> mark.
		 * The counter is this CPU's copy for the queue; a queue is
		 * normally served by one CPU, so the layouts strictly alternate.
		 */
		if (stats->seen & 1)
			return write_rx_time_hint(ctx);
		return write_mark_hint(ctx, queue);
	default:
		return write_rx_time_hint(ctx);
	}
}

/* ---- the program -------------------------------------------------------- */

/*
 * Parse, filter, stamp, redirect, count: the body of both programs.
 * source is a literal at each call site, so each program keeps only its
 * own hint code (the software one must not contain kfunc calls: the
 * verifier rejects them outside a device-bound program).
 */
static __always_inline int redirect_with_hint(struct xdp_md *ctx,
					      enum hint_source source)
{
	__u32 queue = ctx->rx_queue_index;
	__u32 overflow_key = 0;
	struct queue_counters *stats;
	struct frame_info info = {};

	stats = bpf_map_lookup_elem(&queue_stats, &queue);
	if (!stats)
		stats = bpf_map_lookup_elem(&overflow_stats, &overflow_key);
	/*
	 * Cannot fail for key 0 of a 1-entry array, but map lookups may return
	 * NULL as far as the verifier knows, and it rejects an unchecked use.
	 */
	if (!stats)
		return XDP_PASS;
	stats->seen++;

	if (classify_frame(ctx, &info) != FRAME_DATA || !filter_wants(&info))
		goto pass;

	/*
	 * No btf_id, no redirect: the receiver would otherwise read whatever
	 * stale bytes sit where btf_id should be.
	 */
	if (write_hint(ctx, queue, stats, source)) {
		stats->meta_failed++;
		goto pass;
	}
	if (source == HINT_SOURCE_DRIVER || hint_policy != HINT_POLICY_NONE)
		stats->stamped++;

	/*
	 * The flags argument is the action returned when no socket sits at
	 * this index: XDP_PASS hands the frame to the kernel stack instead.
	 */
	if (bpf_redirect_map(&xsks_map, queue, XDP_PASS) == XDP_REDIRECT) {
		stats->redirected++;
		return XDP_REDIRECT;
	}
	stats->redirect_failed++;
pass:
	stats->passed++;
	return XDP_PASS;
}

/* Any driver, native or generic mode: software hints only. */
SEC("xdp")
int xdp_hints_redirect(struct xdp_md *ctx)
{
	return redirect_with_hint(ctx, HINT_SOURCE_SOFTWARE);
}

/*
 * Driver RX metadata: load with bpf_program__set_ifindex() and
 * BPF_F_XDP_DEV_BOUND_ONLY, attach in native mode to that same device.
 * hint_policy does not apply: the layout is always xdp_hints_rx_hw.
 *
 * "?xdp": libbpf does not load it unless asked (bpf_program__set_autoload),
 * because without a device binding the verifier rejects its kfunc calls and
 * would fail the whole object for users that only want the software program.
 */
SEC("?xdp")
int xdp_hints_redirect_hw(struct xdp_md *ctx)
{
	return redirect_with_hint(ctx, HINT_SOURCE_DRIVER);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
