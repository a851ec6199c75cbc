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

/*
 * What a redirected frame outside stamp_class carries under the rx-time
 * policy: no time (no clock read), only the btf_id, which still says
 * "this program saw the frame" (0 would say "no hint").  4 bytes, the
 * same write as xdp_hint_stamp_none().
 */
struct xdp_hints_untimed {
	__u32 btf_id;      /* keep LAST (here: only) */
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
 * net/core/xdp.c.  __weak: libbpf leaves a kfunc the kernel lacks
 * unresolved (address 0) instead of failing the object, and every call
 * sits behind bpf_ksym_exists(), which then reads 0, so the verifier never
 * walks into it.  A 6.3..6.7 kernel (timestamp and hash, no VLAN kfunc)
 * thus still loads xdp_hints_redirect_hw.  Checked with libbpf 1.1 on 6.18
 * by tests/bpf/ksym_guard.c (a guarded call of a kfunc no kernel has).
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

/* libbpf 1.2+ has this in bpf_helpers.h; Debian 12's 1.1 does not. */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!sym), #sym " must be __weak");	\
	!!sym;								\
})
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
/*
 * enum stamp_class: which redirected frames get the receive time (with
 * hint_policy rx-time).  With STAMP_CLASS_ALL the verifier removes every
 * class test; one load of stamp_class stays on the path (stamp_wanted()).
 */
const volatile __u32 stamp_class = STAMP_CLASS_ALL;
const volatile __u16 stamp_ethertype = 0;   /* host byte order */
const volatile __u16 stamp_udp_dport = 0;   /* host byte order */
/*
 * The longest frame (Ethernet header on, FCS off) an AF_XDP socket of this
 * receiver can take: UMEM frame size minus XDP_PACKET_HEADROOM minus the
 * UMEM headroom (net/xdp/xsk_buff_pool.c, frame_len).  A longer frame
 * redirected to a socket would be dropped there (XDP_STATISTICS
 * rx_dropped); it passes to the kernel instead.  0: no limit.
 */
const volatile __u32 redirect_max_len = 0;

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

/*
 * Frames longer than redirect_max_len that were passed to the kernel, in
 * entry 0 (the receiver warns with the count; they are in "passed" too).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} oversize_passed SEC(".maps");

/* ---- parsing ------------------------------------------------------------ */

/*
 * CONTROL TRAFFIC: the one list.  These frames always go to the kernel,
 * under every filter and with none; a filter can never select them:
 *
 *   ARP (0x0806), RARP (0x8035)
 *   IEEE 802.3 frames with a length instead of a type (< 0x0600): LLC, STP
 *   MAC control / PAUSE (0x8808), 802.1X EAPOL (0x888e)
 *   IPv4 IGMP (protocol 2)
 *   ICMPv6 neighbour discovery: RS 133, RA 134, NS 135, NA 136, redirect 137
 *   ICMPv6 multicast listener discovery: query 130, report 131, done 132,
 *     MLDv2 report 143
 *   IPv4 and IPv6 fragments, the first one too, unless a filter names
 *     them by ethertype (a later fragment cannot be classified, and only
 *     the kernel can reassemble the datagram)
 *   frames this parser cannot read to the end of their headers: truncated
 *     ones, more than MAX_VLAN_TAGS tags, more than MAX_IPV6_EXT_HEADERS
 *     extension headers (it cannot tell whether they are control traffic)
 *
 * These go to the kernel unless the filter names them exactly
 * (--filter-udp-port with their port, --filter-ethertype with their type),
 * so they can still be the measured traffic:
 *
 *   DHCP (UDP 67, 68), DHCPv6 (UDP 546, 547), PTP over UDP (319 event,
 *   320 general), PTP over Ethernet (0x88f7), LLDP (0x88cc),
 *   LACP and the other slow protocols (0x8809)
 *
 * The rules hold behind any chain of up to MAX_VLAN_TAGS 802.1Q / 802.1ad
 * tags and, for IPv6, behind up to MAX_IPV6_EXT_HEADERS extension headers
 * (hop-by-hop, which every MLD message carries, routing, fragment,
 * destination options, AH).
 */
#define MAX_VLAN_TAGS 8
#define MAX_IPV6_EXT_HEADERS 8

#define ETHERTYPE_MIN 0x0600  /* below: an 802.3 length field */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-802.1ad S-tag, still in use */
#define ETHERTYPE_MAC_CONTROL 0x8808
#define ETHERTYPE_EAPOL 0x888e
#define ETHERTYPE_SLOW 0x8809
#define ETHERTYPE_LLDP 0x88cc
#define ETHERTYPE_PTP 0x88f7
#define IP_PROTO_AH 51
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff
#define IPV6_FRAG_OFFSET_MASK 0xfff8

struct vlan_tag {
	__be16 tci;
	__be16 encapsulated_proto;
};

/* IPv6 hop-by-hop, routing, destination options and AH share these two bytes. */
struct ipv6_ext_start {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_fragment_header {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;     /* offset in 8-byte units << 3, then flags */
	__be32 identification;
};

enum frame_class {
	FRAME_KERNEL, /* control traffic or unreadable headers: always XDP_PASS */
	FRAME_DATA,   /* everything else: subject to the redirect filter */
};

/* Control traffic a filter may still select by naming it (list above). */
enum named_control {
	NAMED_NONE,
	NAMED_BY_ETHERTYPE, /* PTP, LLDP, slow protocols: final ethertype */
	NAMED_BY_UDP_PORT,  /* DHCP, DHCPv6, PTP over UDP: destination port */
};

struct frame_info {
	__u16 ethertype;        /* host order, after the last VLAN tag */
	__u16 udp_dport;        /* host order, valid if is_udp */
	__u8 is_udp;            /* IPv4/IPv6 UDP whose header is in the frame */
	__u8 is_fragment;       /* IPv4 MF/offset set, or an IPv6 fragment header */
	__u8 ethertype_matched; /* filter_ethertype is one of the frame's types */
	__u8 named_control;     /* enum named_control */
};

/*
 * Reading the headers.  Direct packet access (ctx->data + offset) needs the
 * offset to be a constant for a loader without CAP_PERFMON: the verifier's
 * Spectre v1 rules refuse "packet pointer + variable" ("pointer arithmetic
 * with it prohibited for !root"), and the VLAN stack, IPv4 options and
 * IPv6 extension headers all make the offset a variable.  So only the
 * Ethernet header is read in place; everything behind it is copied out
 * with bpf_xdp_load_bytes() (Linux 5.18+), whose offset is a plain number
 * and which fails, rather than reads past the end, on a short frame.
 */
static __always_inline int load(struct xdp_md *ctx, __u32 off, void *buf, __u32 len)
{
	return bpf_xdp_load_bytes(ctx, off, buf, len);
}

/*
 * The one bounds check of direct access: "pointer + size" against an end
 * pointer, a comparison of two packet pointers that every loader may make.
 * (A helper returning "pointer or NULL" would compare a pointer with NULL,
 * which the verifier allows only to a CAP_PERFMON loader.)
 */
static __always_inline int fits(void *pos, __u32 size, void *end)
{
	return pos + size <= end;
}

static __always_inline int is_vlan_tpid(__u16 ethertype)
{
	return ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD ||
	       ethertype == ETHERTYPE_QINQ_OLD;
}

static __always_inline int is_control_icmpv6(__u8 type)
{
	/* neighbour discovery 133..137; MLD 130..132 and MLDv2 report 143 */
	return (type >= 130 && type <= 137) || type == 143;
}

static __always_inline __u8 named_udp_control(__u16 dport)
{
	switch (dport) {
	case 67: case 68:   /* DHCP server, client */
	case 546: case 547: /* DHCPv6 client, server */
	case 319: case 320: /* PTP event, general */
		return NAMED_BY_UDP_PORT;
	default:
		return NAMED_NONE;
	}
}

/* @off: the UDP header of an unfragmented or first-fragment packet. */
static __always_inline enum frame_class
classify_udp(struct xdp_md *ctx, __u32 off, struct frame_info *info)
{
	struct udphdr udp;

	if (load(ctx, off, &udp, sizeof(udp)))
		return FRAME_KERNEL;
	info->udp_dport = bpf_ntohs(udp.dest);
	info->is_udp = 1;
	info->named_control = named_udp_control(info->udp_dport);
	return FRAME_DATA;
}

static __always_inline enum frame_class
classify_ipv4(struct xdp_md *ctx, __u32 off, struct frame_info *info)
{
	struct iphdr ip;
	__u32 header_len;
	__u16 frag;

	if (load(ctx, off, &ip, sizeof(ip)))
		return FRAME_KERNEL;
	/* ihl counts 32-bit words and includes any options. */
	header_len = ip.ihl * 4;
	if (header_len < sizeof(ip))
		return FRAME_KERNEL;
	if (ip.protocol == IPPROTO_IGMP)
		return FRAME_KERNEL;
	frag = bpf_ntohs(ip.frag_off);
	info->is_fragment = (frag & (IPV4_MF | IPV4_OFFSET_MASK)) != 0;
	/* A fragment after the first carries no L4 header. */
	if (ip.protocol != IPPROTO_UDP || (frag & IPV4_OFFSET_MASK))
		return FRAME_DATA;
	return classify_udp(ctx, off + header_len, info);
}

/*
 * Walk the extension headers to the upper-layer header.  MLD always comes
 * behind a hop-by-hop header (router alert), so stopping at the first
 * extension header would hand MLD to AF_XDP.
 */
static __always_inline enum frame_class
classify_ipv6(struct xdp_md *ctx, __u32 off, struct frame_info *info)
{
	struct ipv6_fragment_header frag;
	struct ipv6_ext_start ext;
	struct icmp6hdr icmp6;
	struct ipv6hdr ip6;
	__u8 nexthdr;
	int i;

	if (load(ctx, off, &ip6, sizeof(ip6)))
		return FRAME_KERNEL;
	nexthdr = ip6.nexthdr;
	off += sizeof(ip6);

	for (i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
		if (nexthdr == IPPROTO_FRAGMENT) {
			if (load(ctx, off, &frag, sizeof(frag)))
				return FRAME_KERNEL;
			info->is_fragment = 1;
			nexthdr = frag.nexthdr;
			/* A fragment after the first carries no upper-layer header. */
			if (frag.frag_off & bpf_htons(IPV6_FRAG_OFFSET_MASK))
				return FRAME_DATA;
			off += sizeof(frag);
		} else if (nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
			   nexthdr == IPPROTO_DSTOPTS || nexthdr == IP_PROTO_AH) {
			if (load(ctx, off, &ext, sizeof(ext)))
				return FRAME_KERNEL;
			/* RFC 8200: 8-octet units not counting the first;
			 * RFC 4302 (AH): 4-octet units minus 2. */
			off += nexthdr == IP_PROTO_AH ? ((__u32)ext.hdrlen + 2) * 4
						      : ((__u32)ext.hdrlen + 1) * 8;
			nexthdr = ext.nexthdr;
		} else {
			break;
		}
	}

	switch (nexthdr) {
	case IPPROTO_UDP:
		return classify_udp(ctx, off, info);
	case IPPROTO_ICMPV6:
		if (load(ctx, off, &icmp6, sizeof(icmp6)))
			return FRAME_KERNEL;
		return is_control_icmpv6(icmp6.icmp6_type) ? FRAME_KERNEL : FRAME_DATA;
	case IPPROTO_FRAGMENT:
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IP_PROTO_AH:
		return FRAME_KERNEL; /* deeper than MAX_IPV6_EXT_HEADERS */
	default:
		return FRAME_DATA;
	}
}

/*
 * The common frame, read in place: untagged IPv4 without options, or
 * IPv6 without extension headers.  Every offset is a constant, which
 * direct access allows any loader, and it saves the helper calls of the
 * general path (bench_inject --prog-cost on the development VM, UDP/IPv4:
 * 125-155 ns per frame with bpf_xdp_load_bytes() for every header, 45-60
 * ns with this path, as before the general path existed).  Anything else
 * takes the general path.
 */
#define UNTAGGED_L3 ETH_HLEN
#define UNTAGGED_IPV4_L4 (ETH_HLEN + 20)
#define UNTAGGED_IPV6_L4 (ETH_HLEN + 40)

static __always_inline enum frame_class
classify_untagged_ipv4(struct xdp_md *ctx, struct frame_info *info)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + UNTAGGED_L3;
	struct udphdr *udp = data + UNTAGGED_IPV4_L4;
	__u16 frag;

	if (!fits(data + UNTAGGED_L3, sizeof(*ip), data_end) || ip->ihl != 5)
		return classify_ipv4(ctx, UNTAGGED_L3, info);
	if (ip->protocol == IPPROTO_IGMP)
		return FRAME_KERNEL;
	frag = bpf_ntohs(ip->frag_off);
	info->is_fragment = (frag & (IPV4_MF | IPV4_OFFSET_MASK)) != 0;
	if (ip->protocol != IPPROTO_UDP || (frag & IPV4_OFFSET_MASK))
		return FRAME_DATA;
	if (!fits(data + UNTAGGED_IPV4_L4, sizeof(*udp), data_end))
		return FRAME_KERNEL;
	info->udp_dport = bpf_ntohs(udp->dest);
	info->is_udp = 1;
	info->named_control = named_udp_control(info->udp_dport);
	return FRAME_DATA;
}

static __always_inline enum frame_class
classify_untagged_ipv6(struct xdp_md *ctx, struct frame_info *info)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + UNTAGGED_L3;
	struct udphdr *udp = data + UNTAGGED_IPV6_L4;
	struct icmp6hdr *icmp6 = data + UNTAGGED_IPV6_L4;

	if (!fits(data + UNTAGGED_L3, sizeof(*ip6), data_end))
		return FRAME_KERNEL;
	if (ip6->nexthdr == IPPROTO_UDP) {
		if (!fits(data + UNTAGGED_IPV6_L4, sizeof(*udp), data_end))
			return FRAME_KERNEL;
		info->udp_dport = bpf_ntohs(udp->dest);
		info->is_udp = 1;
		info->named_control = named_udp_control(info->udp_dport);
		return FRAME_DATA;
	}
	if (ip6->nexthdr == IPPROTO_ICMPV6) {
		if (!fits(data + UNTAGGED_IPV6_L4, sizeof(*icmp6), data_end))
			return FRAME_KERNEL;
		return is_control_icmpv6(icmp6->icmp6_type) ? FRAME_KERNEL : FRAME_DATA;
	}
	return classify_ipv6(ctx, UNTAGGED_L3, info);
}

static __always_inline void note_ethertype(struct frame_info *info, __u16 ethertype)
{
	/* A load-time constant: no code at all without the ethertype filter. */
	if (redirect_filter == FILTER_ETHERTYPE && ethertype == filter_ethertype)
		info->ethertype_matched = 1;
}

static __always_inline enum frame_class
classify_frame(struct xdp_md *ctx, struct frame_info *info)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	struct vlan_tag tag;
	__u16 ethertype;
	int i;

	if (!fits(data, sizeof(*eth), data_end))
		return FRAME_KERNEL;
	ethertype = bpf_ntohs(eth->h_proto);
	note_ethertype(info, ethertype);
	info->ethertype = ethertype;
	if (ethertype == ETH_P_IP)
		return classify_untagged_ipv4(ctx, info);
	if (ethertype == ETH_P_IPV6)
		return classify_untagged_ipv6(ctx, info);

	/* 802.1Q, 802.1ad (QinQ) and deeper stacks: the innermost type decides. */
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		if (!is_vlan_tpid(ethertype))
			break;
		if (load(ctx, off, &tag, sizeof(tag)))
			return FRAME_KERNEL;
		ethertype = bpf_ntohs(tag.encapsulated_proto);
		note_ethertype(info, ethertype);
		off += sizeof(tag);
	}
	if (is_vlan_tpid(ethertype))
		return FRAME_KERNEL; /* deeper than MAX_VLAN_TAGS */
	info->ethertype = ethertype;

	if (ethertype < ETHERTYPE_MIN)
		return FRAME_KERNEL;
	switch (ethertype) {
	case ETH_P_ARP:
	case ETH_P_RARP:
	case ETHERTYPE_MAC_CONTROL:
	case ETHERTYPE_EAPOL:
		return FRAME_KERNEL;
	case ETHERTYPE_SLOW:
	case ETHERTYPE_LLDP:
	case ETHERTYPE_PTP:
		info->named_control = NAMED_BY_ETHERTYPE;
		return FRAME_DATA;
	case ETH_P_IP:
		return classify_ipv4(ctx, off, info);
	case ETH_P_IPV6:
		return classify_ipv6(ctx, off, info);
	default:
		return FRAME_DATA;
	}
}

static __always_inline int filter_wants(const struct frame_info *info)
{
	/* redirect_filter is a load-time constant: dead branches vanish. */
	switch (redirect_filter) {
	case FILTER_UDP_DPORT:
		/*
		 * Every fragment of a datagram goes to the kernel, the first
		 * one too: only the kernel can put the datagram together, and
		 * half a datagram on each side would serve neither.
		 */
		return info->is_udp && !info->is_fragment &&
		       info->udp_dport == filter_udp_dport;
	case FILTER_ETHERTYPE:
		/*
		 * Any type in the frame counts: the outer one, a VLAN TPID
		 * (0x8100 selects every 802.1Q-tagged frame) or the type
		 * after the last tag.  Named control traffic only by its own
		 * type.
		 */
		if (info->named_control == NAMED_BY_UDP_PORT)
			return 0;
		if (info->named_control == NAMED_BY_ETHERTYPE)
			return info->ethertype == filter_ethertype;
		return info->ethertype_matched;
	default:
		/*
		 * IP fragments stay with the kernel, as under the UDP filter:
		 * a later fragment has no L4 header, so a fragmented DHCP or
		 * PTP datagram would be split, its first fragment passed as
		 * control traffic and the rest redirected.
		 */
		return info->named_control == NAMED_NONE && !info->is_fragment;
	}
}

/*
 * Would the frame fit the socket's UMEM frame?  See redirect_max_len.  The
 * length comes from a helper: "data + redirect_max_len" is packet pointer
 * plus a register, and "data_end - data" pointer minus pointer, both
 * refused to a loader without CAP_PERFMON.
 */
static __always_inline int fits_umem_frame(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	/*
	 * The receiver's two frame sizes, 2048 and 4096, as constants (the
	 * verifier visits only the case rodata selects); any other limit
	 * through the helper.
	 */
	switch (redirect_max_len) {
	case 0:
		return 1;
	case 2048 - XDP_PACKET_HEADROOM:
		return fits(data, 2048 - XDP_PACKET_HEADROOM + 1, data_end) == 0;
	case 4096 - XDP_PACKET_HEADROOM:
		return fits(data, 4096 - XDP_PACKET_HEADROOM + 1, data_end) == 0;
	default:
		return bpf_xdp_get_buff_len(ctx) <= redirect_max_len;
	}
}

/* ---- writing the hints -------------------------------------------------- */

/*
 * Grow the metadata area by @hint_size bytes.  The kernel itself refuses a
 * length that is not a multiple of 4 or that would eat into the headroom
 * it keeps for struct xdp_frame.  After bpf_xdp_adjust_meta() every packet
 * pointer the verifier knew is invalid: the caller reloads data_meta and
 * data from ctx and proves the hint fits between them before writing.
 */
static __always_inline int grow_meta(struct xdp_md *ctx, __u32 hint_size)
{
	return bpf_xdp_adjust_meta(ctx, -(int)hint_size);
}

static __always_inline int write_rx_tai_hint(struct xdp_md *ctx)
{
	struct xdp_hints_rx_tai *hint;

	if (grow_meta(ctx, sizeof(*hint)))
		return -1;
	hint = (void *)(long)ctx->data_meta;
	if (!fits(hint, sizeof(*hint), (void *)(long)ctx->data))
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

	if (grow_meta(ctx, sizeof(*hint)))
		return -1;
	hint = (void *)(long)ctx->data_meta;
	if (!fits(hint, sizeof(*hint), (void *)(long)ctx->data))
		return -1;
	hint->rx_ktime = bpf_ktime_get_ns();
	hint->xdp_rx_cpu = bpf_get_smp_processor_id();
	/* A CO-RE relocation: libbpf patches in the id at load time. */
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_rx_time);
	return 0;
}

static __always_inline int write_untimed_hint(struct xdp_md *ctx)
{
	struct xdp_hints_untimed *hint;

	if (grow_meta(ctx, sizeof(*hint)))
		return -1;
	hint = (void *)(long)ctx->data_meta;
	if (!fits(hint, sizeof(*hint), (void *)(long)ctx->data))
		return -1;
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_untimed);
	return 0;
}

/*
 * Is the frame in stamp_class?  Asked once the frame is to be redirected,
 * from what classify_frame() already found, and not while parsing: a test
 * there costs every frame a rodata load per header under every class.
 * redirect_with_hint() tests stamp_class alone first, so that with
 * STAMP_CLASS_ALL a frame's path grows by that one load (ld_imm64 + ldx,
 * the jump removed by the verifier).  bpftool prog dump xlated, UDP/IPv4
 * path, rx-time: 2 instructions more than before the class existed
 * (other ways measured 5 and 6; a test in note_ethertype() also
 * lengthened the program from 844 to 893 instructions, this one to 851).
 */
static __always_inline int stamp_wanted(const struct frame_info *info)
{
	switch (stamp_class) {
	case STAMP_CLASS_ETHERTYPE:
		/* The type after the last tag: the outer one when untagged. */
		return info->ethertype == stamp_ethertype;
	case STAMP_CLASS_UDP_DPORT:
		return info->is_udp && info->udp_dport == stamp_udp_dport;
	default:
		return 1;
	}
}

static __always_inline int write_mark_hint(struct xdp_md *ctx, __u32 queue)
{
	struct xdp_hints_mark *hint;

	if (grow_meta(ctx, sizeof(*hint)))
		return -1;
	hint = (void *)(long)ctx->data_meta;
	if (!fits(hint, sizeof(*hint), (void *)(long)ctx->data))
		return -1;
	hint->mark = queue;
	hint->btf_id = bpf_core_type_id_local(struct xdp_hints_mark);
	return 0;
}

/*
 * Ask the driver first, into stack variables: a kfunc may write its output
 * even when it fails, and "absent" must read 0.  Only a 0 return counts;
 * -EOPNOTSUPP (driver lacks the kfunc) and -ENODATA (nothing for this
 * frame) just leave the bit clear, and so does a kernel without the kfunc
 * (bpf_ksym_exists() reads 0: the call is never made).
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

	if (bpf_ksym_exists(bpf_xdp_metadata_rx_timestamp) &&
	    bpf_xdp_metadata_rx_timestamp(ctx, &hw_timestamp) == 0 && hw_timestamp)
		valid |= HINT_HW_VALID_TIMESTAMP;
	else
		hw_timestamp = 0;
	if (bpf_ksym_exists(bpf_xdp_metadata_rx_hash) &&
	    bpf_xdp_metadata_rx_hash(ctx, &hash, &hash_type) == 0) {
		valid |= HINT_HW_VALID_HASH;
	} else {
		hash = 0;
		hash_type = XDP_RSS_TYPE_NONE;
	}
	if (bpf_ksym_exists(bpf_xdp_metadata_rx_vlan_tag) &&
	    bpf_xdp_metadata_rx_vlan_tag(ctx, &vlan_proto, &vlan_tci) == 0) {
		valid |= HINT_HW_VALID_VLAN;
	} else {
		vlan_proto = 0;
		vlan_tci = 0;
	}

	if (grow_meta(ctx, sizeof(*hint)))
		return -1;
	hint = (void *)(long)ctx->data_meta;
	if (!fits(hint, sizeof(*hint), (void *)(long)ctx->data))
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
	int redirected, hint_err;

	/*
	 * Each lookup is checked right where it was made: that NULL test is
	 * the one pointer comparison the verifier allows every loader.
	 */
	stats = bpf_map_lookup_elem(&queue_stats, &queue);
	if (!stats) {
		/* Cannot fail for key 0 of a 1-entry array. */
		stats = bpf_map_lookup_elem(&overflow_stats, &overflow_key);
		if (!stats)
			return XDP_PASS;
	}
	stats->seen++;

	if (classify_frame(ctx, &info) != FRAME_DATA || !filter_wants(&info))
		goto pass;
	if (!fits_umem_frame(ctx)) {
		__u64 *oversize = bpf_map_lookup_elem(&oversize_passed, &overflow_key);

		if (oversize)
			(*oversize)++;
		goto pass;
	}

	/*
	 * No btf_id, no redirect: the receiver would otherwise read whatever
	 * stale bytes sit where btf_id should be.
	 *
	 * A frame outside stamp_class: its own write, tested first with
	 * stamp_class alone, so that with STAMP_CLASS_ALL the whole test is
	 * one rodata load and a jump the verifier removes (see stamp_wanted()).
	 */
	if (stamp_class != STAMP_CLASS_ALL && source == HINT_SOURCE_SOFTWARE &&
	    hint_policy == HINT_POLICY_RX_TIME && !stamp_wanted(&info))
		hint_err = write_untimed_hint(ctx);
	else
		hint_err = write_hint(ctx, queue, stats, source);
	if (hint_err) {
		stats->meta_failed++;
		goto pass;
	}
	if (source == HINT_SOURCE_DRIVER || hint_policy != HINT_POLICY_NONE)
		stats->stamped++;

	/*
	 * The flags argument is the action returned when no socket sits at
	 * this index: XDP_PASS hands the frame to the kernel stack instead.
	 */
	redirected = bpf_redirect_map(&xsks_map, queue, XDP_PASS) == XDP_REDIRECT;
	/*
	 * Counted without branches: with "if (redirected) a++; else b++;"
	 * clang adds 1 at stats + (24 or 40), a pointer offset that differs
	 * by path, which the verifier refuses to a loader without CAP_PERFMON
	 * (its Spectre v1 rules).
	 */
	stats->redirected += redirected;
	stats->redirect_failed += !redirected;
	stats->passed += !redirected;
	return redirected ? XDP_REDIRECT : XDP_PASS;
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
