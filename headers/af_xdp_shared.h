/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The contract between af_xdp_kern.c and its userspace: load-time
 * configuration values and the per-queue counters map's value.
 *
 * The hint structs themselves are NOT here on purpose: the receiver learns
 * their layout from BTF (lib_xsk_extend), which is the point of XDP-hints.
 */
#ifndef AF_XDP_SHARED_H
#define AF_XDP_SHARED_H

#include <linux/types.h>

/* Upper bound for the XSKMAP; the real size is the interface's queue count. */
#define XDP_HINTS_MAX_QUEUES 256

/* Which hint layout the XDP program writes (const volatile hint_policy). */
enum hint_policy {
	HINT_POLICY_RX_TIME = 0,   /* xdp_hints_rx_time on every packet */
	HINT_POLICY_MARK = 1,      /* xdp_hints_mark on every packet */
	HINT_POLICY_ALTERNATE = 2, /* rx_time and mark, alternating per queue */
	HINT_POLICY_NONE = 3,      /* no hint at all (baseline for benchmarks) */
};

/*
 * Which clock the software hint's receive time is read from (const volatile
 * rx_clock), and so which layout carries it: the field name says the clock,
 * so a consumer can tell from BTF alone.
 */
enum hint_clock {
	HINT_CLOCK_MONOTONIC = 0, /* bpf_ktime_get_ns(): xdp_hints_rx_time.rx_ktime */
	HINT_CLOCK_TAI = 1,       /* bpf_ktime_get_tai_ns() (6.1+): xdp_hints_rx_tai.rx_tai_ns */
};

/* What goes to AF_XDP (const volatile redirect_filter); the rest passes.
 * Control traffic passes under every filter. */
enum redirect_filter {
	FILTER_ALL = 0,       /* everything but control traffic (list in af_xdp_kern.c) */
	FILTER_UDP_DPORT = 1, /* IPv4/IPv6 UDP to filter_udp_dport */
	FILTER_ETHERTYPE = 2, /* frames of ethertype filter_ethertype */
};

/*
 * Which redirected frames get a receive time (const volatile stamp_class,
 * with stamp_ethertype or stamp_udp_dport), under HINT_POLICY_RX_TIME:
 * frames of the class get xdp_hints_rx_time (xdp_hints_rx_tai under
 * HINT_CLOCK_TAI) as before; every other redirected frame gets
 * xdp_hints_untimed, a struct of the btf_id alone (4 bytes), and the
 * program reads no clock for it.  The other policies and
 * xdp_hints_redirect_hw ignore it.
 *
 * For a receiver: set skel->rodata->stamp_class and the one value it
 * names before load; decode by btf_id as for any layout (a frame whose
 * btf_id is xdp_hints_untimed's has no receive time: count it, do not
 * take a latency from it).  The class does not choose what is
 * redirected: that is redirect_filter's job.
 */
enum stamp_class {
	STAMP_CLASS_ALL = 0,       /* every redirected frame: the default */
	STAMP_CLASS_ETHERTYPE = 1, /* stamp_ethertype (host order): the type
				    * after the last VLAN/QinQ tag, the outer
				    * one when untagged (a TPID never matches) */
	STAMP_CLASS_UDP_DPORT = 2, /* IPv4/IPv6 UDP to stamp_udp_dport (host
				    * order), behind tags and IPv6 extension
				    * headers as the filters read them */
};

/*
 * Ethertypes the XDP program passes to the kernel under every filter, the
 * ethertype filter naming them too (af_xdp_kern.c's control-traffic list):
 * --filter-ethertype refuses them, as it could never select a frame.
 * X(type, name) for each; test_af_xdp_kern checks the program against it.
 */
#define KERNEL_ONLY_ETHERTYPES(X)                                              \
	X(0x0806, "ARP")                                                       \
	X(0x8035, "RARP")                                                      \
	X(0x8808, "MAC control (PAUSE)")                                       \
	X(0x888e, "802.1X EAPOL")

/*
 * Per-queue counters: a BPF_MAP_TYPE_PERCPU_ARRAY indexed by rx_queue_index;
 * userspace sums the CPUs. Invariants per queue:
 *   seen = redirected + passed
 *   passed >= meta_failed + redirect_failed (both pass rather than drop)
 * A packet that fails adjust_meta is not redirected: a receiver would read
 * a stale btf_id slot otherwise.
 */
struct queue_counters {
	__u64 seen;            /* every packet the program ran on */
	__u64 stamped;         /* hint written into the metadata area
				* (xdp_hints_untimed included) */
	__u64 meta_failed;     /* bpf_xdp_adjust_meta() refused: passed instead */
	__u64 redirected;      /* bpf_redirect_map() to the XSKMAP succeeded */
	__u64 redirect_failed; /* no socket on this queue: passed instead */
	__u64 passed;          /* XDP_PASS: filtered out, control traffic, too long
				* for a UMEM frame, or a failure above */
};

/*
 * xdp_hints_rx_hw.valid_bits: which RX-metadata kfuncs returned 0 for this
 * packet.  A driver may not implement a kfunc (-EOPNOTSUPP) or may have no
 * value for this frame (-ENODATA); both are normal, leave the bit clear and
 * the field 0.  A clear bit means "absent", never "the value is 0".
 */
enum hint_hw_valid {
	HINT_HW_VALID_TIMESTAMP = 1 << 0, /* rx_hw_timestamp (device clock, ns) */
	HINT_HW_VALID_HASH = 1 << 1,      /* rx_hash and rx_hash_type */
	HINT_HW_VALID_VLAN = 1 << 2,      /* vlan_tci and vlan_proto */
};

/*
 * Program load flag (linux/bpf.h since 6.3): the program is bound to one
 * netdev, so the verifier can replace the RX-metadata kfuncs with that
 * driver's implementations; it stays a normal (not offloaded) program.
 * Debian 12's UAPI headers predate it.
 */
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6)
#endif

#endif /* AF_XDP_SHARED_H */
