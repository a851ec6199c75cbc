// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF_PROG_TEST_RUN tests for af_xdp_kern.c: feed a hand-built frame to
 * xdp_hints_redirect, read back the frame, its metadata and the counters.
 *
 * How XDP test_run hands back metadata (kernel 6.18, checked by
 * test_metadata_comes_back_in_front_of_data): data_out starts at data_meta,
 * so it holds the metadata followed by the frame; ctx_out.data is the
 * metadata length and data_size_out = metadata + frame.  On input,
 * ctx_in.data_end must equal data_size_in and ctx_in.data may name a prefix
 * of data_in as metadata already present (used here to make
 * bpf_xdp_adjust_meta() fail).
 *
 * Without a socket in xsks_map, bpf_redirect_map(..., XDP_PASS) returns
 * XDP_PASS: a frame the program wanted to redirect shows up as retval
 * XDP_PASS plus redirect_failed = 1.  Frames it never meant to redirect
 * leave redirect_failed alone and carry no metadata.  One test binds a real
 * AF_XDP socket to see XDP_REDIRECT and the redirected counter.
 *
 * The suite runs in its own network namespace (unshare at start-up): lo
 * there has ifindex 1 and one RX queue, and a veth pair with 8 RX queues
 * gives test_run queue indexes above 0.  Needs root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "af_xdp_shared.h"
#include "af_xdp_kern.skel.h"
#include "mono_clock.h"
#include "lib_xsk_extend.h"

#define FRAME_MAX 512
#define OUT_MAX 1024
#define LO_IFINDEX 1
#define VETH_QUEUES 8
#define TEST_UDP_PORT 4242
#define ETHERTYPE_TTE_PCF 0x891d
#define ETH_P_8021AD_TAG 0x88a8

/* Sizes the receiver learns through BTF; here they pin down the contract. */
#define RX_TIME_HINT_SIZE 16
#define MARK_HINT_SIZE 8
#define UNTIMED_HINT_SIZE 4

/* Mirrors of the kernel-side layouts, only to read test_run output. */
struct rx_time_hint {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed));

struct mark_hint {
	__u32 mark;
	__u32 btf_id;
} __attribute__((packed));

/* ---- suite-wide environment: private netns with a multi-queue veth ---- */

static char veth_name[IFNAMSIZ];
static char veth_peer[IFNAMSIZ];
static int veth_ifindex;
static int pinned_cpu;

static int run_cmd(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

static int silent_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int suite_setup(void **state)
{
	cpu_set_t one_cpu;

	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_af_xdp_kern: needs root (loads BPF, creates a netns)\n");
		return -1;
	}
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "test_af_xdp_kern: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	/*
	 * The alternate policy keys on a per-CPU counter and the rx_time hint
	 * names the CPU: stay on one CPU so both are predictable.
	 */
	/* The highest allowed CPU, so a hint that wrongly says 0 shows. */
	if (sched_getaffinity(0, sizeof(one_cpu), &one_cpu)) {
		fprintf(stderr, "test_af_xdp_kern: sched_getaffinity: %s\n", strerror(errno));
		return -1;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &one_cpu))
			pinned_cpu = cpu;
	CPU_ZERO(&one_cpu);
	CPU_SET(pinned_cpu, &one_cpu);
	if (sched_setaffinity(0, sizeof(one_cpu), &one_cpu)) {
		fprintf(stderr, "test_af_xdp_kern: cannot pin to CPU %d: %s\n", pinned_cpu,
			strerror(errno));
		return -1;
	}
	snprintf(veth_name, sizeof(veth_name), "xhka%d", (int)getpid());
	snprintf(veth_peer, sizeof(veth_peer), "xhkb%d", (int)getpid());
	if (run_cmd("ip link add %s numtxqueues %d numrxqueues %d type veth peer name %s "
		    "numtxqueues %d numrxqueues %d && ip link set %s up && ip link set %s up",
		    veth_name, VETH_QUEUES, VETH_QUEUES, veth_peer, VETH_QUEUES, VETH_QUEUES,
		    veth_name, veth_peer)) {
		fprintf(stderr, "test_af_xdp_kern: cannot create veth %s\n", veth_name);
		return -1;
	}
	veth_ifindex = (int)if_nametoindex(veth_name);
	libbpf_set_print(silent_libbpf);
	return veth_ifindex > 0 ? 0 : -1;
}

static int suite_teardown(void **state)
{
	(void)state;
	/* The namespace dies with the process; delete anyway to be tidy. */
	if (veth_ifindex > 0)
		run_cmd("ip link del %s", veth_name);
	return 0;
}

/* ---- loading the program ---------------------------------------------- */

struct kern_config {
	enum hint_policy policy;
	enum redirect_filter filter;
	__u16 udp_dport;
	__u16 ethertype;
	__u32 queue_count;  /* 0: keep XDP_HINTS_MAX_QUEUES */
	enum hint_clock clock;
	__u32 max_len;      /* redirect_max_len; 0: no limit */
	enum stamp_class stamp_class;
	__u16 stamp_ethertype;
	__u16 stamp_udp_dport;
};

static struct af_xdp_kern *load_kern(const struct kern_config *cfg)
{
	struct af_xdp_kern *skel = af_xdp_kern__open();

	assert_non_null(skel);
	skel->rodata->hint_policy = cfg->policy;
	skel->rodata->redirect_filter = cfg->filter;
	skel->rodata->filter_udp_dport = cfg->udp_dport;
	skel->rodata->filter_ethertype = cfg->ethertype;
	skel->rodata->rx_clock = cfg->clock;
	skel->rodata->redirect_max_len = cfg->max_len;
	skel->rodata->stamp_class = cfg->stamp_class;
	skel->rodata->stamp_ethertype = cfg->stamp_ethertype;
	skel->rodata->stamp_udp_dport = cfg->stamp_udp_dport;
	if (cfg->queue_count) {
		assert_int_equal(bpf_map__set_max_entries(skel->maps.xsks_map, cfg->queue_count), 0);
		assert_int_equal(bpf_map__set_max_entries(skel->maps.queue_stats, cfg->queue_count), 0);
	}
	if (af_xdp_kern__load(skel)) {
		af_xdp_kern__destroy(skel);
		fail_msg("af_xdp_kern__load failed (verifier log above)");
	}
	return skel;
}

static struct af_xdp_kern *load_policy(enum hint_policy policy)
{
	struct kern_config cfg = { .policy = policy, .filter = FILTER_ALL };

	return load_kern(&cfg);
}

static __u32 btf_struct_id(struct af_xdp_kern *skel, const char *name)
{
	struct btf *btf = bpf_object__btf(skel->obj);
	int id;

	assert_non_null(btf);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	assert_true(id > 0);
	return (__u32)id;
}

/* ---- running a frame ---------------------------------------------------- */

struct frame {
	__u8 bytes[FRAME_MAX];
	__u32 len;
};

struct run_result {
	__u32 retval;
	__u32 meta_len;   /* bytes of metadata in front of the frame */
	__u32 frame_len;
	__u8 out[OUT_MAX];
};

static const __u8 *result_frame(const struct run_result *res)
{
	return res->out + res->meta_len;
}

/* The 4 bytes right before the frame: where the receiver looks. */
static __u32 result_btf_id(const struct run_result *res)
{
	__u32 id;

	assert_true(res->meta_len >= sizeof(id));
	memcpy(&id, res->out + res->meta_len - sizeof(id), sizeof(id));
	return id;
}

/*
 * Runs one frame through the program.  existing_meta bytes at the start
 * of data_in are presented as metadata already there (0 for none).
 */
static int run_frame_meta(struct af_xdp_kern *skel, const void *data, __u32 len,
			  __u32 existing_meta, int ifindex, __u32 queue,
			  struct run_result *res)
{
	struct xdp_md ctx_in = {
		.data = existing_meta,
		.data_end = len,  /* test_run insists: data_end == data_size_in */
		.ingress_ifindex = (__u32)ifindex,
		.rx_queue_index = queue,
	};
	struct xdp_md ctx_out = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = data,
		    .data_size_in = len,
		    .data_out = res->out,
		    .data_size_out = sizeof(res->out),
		    .ctx_in = &ctx_in,
		    .ctx_size_in = sizeof(ctx_in),
		    .ctx_out = &ctx_out,
		    .ctx_size_out = sizeof(ctx_out));
	int err;

	memset(res, 0, sizeof(*res));
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_hints_redirect), &opts);
	if (err)
		return err;
	res->retval = opts.retval;
	res->meta_len = ctx_out.data;
	assert_true(opts.data_size_out >= res->meta_len);
	res->frame_len = opts.data_size_out - res->meta_len;
	return 0;
}

static void run_frame_on(struct af_xdp_kern *skel, const struct frame *f, int ifindex,
			 __u32 queue, struct run_result *res)
{
	int err = run_frame_meta(skel, f->bytes, f->len, 0, ifindex, queue, res);

	if (err)
		fail_msg("bpf_prog_test_run_opts: %s", strerror(-err));
	/* The program never touches the frame itself. */
	assert_int_equal(res->frame_len, f->len);
	assert_memory_equal(result_frame(res), f->bytes, f->len);
}

static void run_frame(struct af_xdp_kern *skel, const struct frame *f, struct run_result *res)
{
	run_frame_on(skel, f, LO_IFINDEX, 0, res);
}

/* ---- counters ----------------------------------------------------------- */

static struct queue_counters sum_counters(struct bpf_map *map, __u32 key)
{
	int ncpus = libbpf_num_possible_cpus();
	struct queue_counters total = {};
	struct queue_counters *per_cpu;

	assert_true(ncpus > 0);
	/* Per-CPU values are 8-byte aligned; queue_counters already is. */
	per_cpu = calloc((size_t)ncpus, sizeof(*per_cpu));
	assert_non_null(per_cpu);
	if (bpf_map__lookup_elem(map, &key, sizeof(key), per_cpu,
				 (size_t)ncpus * sizeof(*per_cpu), 0)) {
		free(per_cpu);
		fail_msg("lookup of %s[%u] failed", bpf_map__name(map), key);
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		total.seen += per_cpu[cpu].seen;
		total.stamped += per_cpu[cpu].stamped;
		total.meta_failed += per_cpu[cpu].meta_failed;
		total.redirected += per_cpu[cpu].redirected;
		total.redirect_failed += per_cpu[cpu].redirect_failed;
		total.passed += per_cpu[cpu].passed;
	}
	free(per_cpu);
	return total;
}

static struct queue_counters queue_counters_of(struct af_xdp_kern *skel, __u32 queue)
{
	return sum_counters(skel->maps.queue_stats, queue);
}

static void assert_counters(struct queue_counters got, __u64 seen, __u64 stamped,
			    __u64 meta_failed, __u64 redirected, __u64 redirect_failed,
			    __u64 passed)
{
	assert_int_equal(got.seen, seen);
	assert_int_equal(got.stamped, stamped);
	assert_int_equal(got.meta_failed, meta_failed);
	assert_int_equal(got.redirected, redirected);
	assert_int_equal(got.redirect_failed, redirect_failed);
	assert_int_equal(got.passed, passed);
	/* The invariant the receiver relies on. */
	assert_int_equal(got.seen, got.redirected + got.passed);
}

/* ---- frame builders ------------------------------------------------------- */

static void put(struct frame *f, const void *bytes, __u32 n)
{
	assert_true(f->len + n <= sizeof(f->bytes));
	memcpy(f->bytes + f->len, bytes, n);
	f->len += n;
}

static void put_be16(struct frame *f, __u16 value)
{
	__u16 be = htons(value);

	put(f, &be, sizeof(be));
}

static void put_payload(struct frame *f, __u32 n)
{
	while (n--) {
		__u8 byte = (__u8)(0xa0 + n);

		put(f, &byte, 1);
	}
}

/* Ethernet header; tpid 0 means untagged, else one VLAN tag (VID 42). */
static void put_eth(struct frame *f, __u16 tpid, __u16 ethertype)
{
	static const __u8 macs[12] = { 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02 };

	put(f, macs, sizeof(macs));
	if (tpid) {
		put_be16(f, tpid);
		put_be16(f, 42);
	}
	put_be16(f, ethertype);
}

/* L4 header with dport at offset 2 for UDP and TCP. */
static void put_l4(struct frame *f, __u8 proto, __u16 dport)
{
	if (proto == IPPROTO_UDP) {
		struct udphdr udp = { .source = htons(1234), .dest = htons(dport),
				      .len = htons(sizeof(udp) + 16) };

		put(f, &udp, sizeof(udp));
	} else {
		struct tcphdr tcp = { .source = htons(1234), .dest = htons(dport), .doff = 5 };

		put(f, &tcp, sizeof(tcp));
	}
	put_payload(f, 16);
}

/* IPv4 with option_bytes (multiple of 4) of options, then proto/dport. */
static struct frame ipv4_frame(__u16 tpid, __u8 proto, __u16 dport,
			       const __u8 *options, __u32 option_bytes)
{
	struct frame f = {};
	struct iphdr ip = {
		.version = 4,
		.ihl = (__u8)(5 + option_bytes / 4),
		.ttl = 64,
		.protocol = proto,
		.saddr = htonl(0x0a000001),
		.daddr = htonl(0x0a000002),
	};

	put_eth(&f, tpid, ETH_P_IP);
	put(&f, &ip, sizeof(ip));
	if (option_bytes)
		put(&f, options, option_bytes);
	put_l4(&f, proto, dport);
	return f;
}

static struct frame ipv4_udp_frame(__u16 dport)
{
	return ipv4_frame(0, IPPROTO_UDP, dport, NULL, 0);
}

static void put_ipv6(struct frame *f, __u8 nexthdr)
{
	struct ipv6hdr ip6 = { .version = 6, .nexthdr = nexthdr, .hop_limit = 255 };

	ip6.saddr.s6_addr[0] = 0xfe;
	ip6.saddr.s6_addr[1] = 0x80;
	ip6.saddr.s6_addr[15] = 1;
	ip6.daddr.s6_addr[0] = 0xff;
	ip6.daddr.s6_addr[1] = 0x02;
	ip6.daddr.s6_addr[15] = 1;
	put(f, &ip6, sizeof(ip6));
}

static struct frame ipv6_udp_frame(__u16 tpid, __u16 dport)
{
	struct frame f = {};

	put_eth(&f, tpid, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_UDP);
	put_l4(&f, IPPROTO_UDP, dport);
	return f;
}

static struct frame icmpv6_frame(__u16 tpid, __u8 type)
{
	struct frame f = {};
	struct icmp6hdr icmp6 = { .icmp6_type = type };

	put_eth(&f, tpid, ETH_P_IPV6);
	put_ipv6(&f, IPPROTO_ICMPV6);
	put(&f, &icmp6, sizeof(icmp6));
	put_payload(&f, 16); /* target address of NS/NA, or echo data */
	return f;
}

static struct frame arp_frame(__u16 tpid)
{
	static const __u8 arp_request[28] = { 0, 1, 0x08, 0, 6, 4, 0, 1 };
	struct frame f = {};

	put_eth(&f, tpid, ETH_P_ARP);
	put(&f, arp_request, sizeof(arp_request));
	return f;
}

static struct frame ethertype_frame(__u16 tpid, __u16 ethertype)
{
	struct frame f = {};

	put_eth(&f, tpid, ethertype);
	put_payload(&f, 46);
	return f;
}


/* ---- frames behind VLAN stacks and IPv6 extension headers ----------------- */

#define MAX_TAGS 10

/* Ethernet header with @n tags (TPIDs from @tpids, VIDs 100, 101, ...). */
static void put_eth_tags(struct frame *f, const __u16 *tpids, int n, __u16 ethertype)
{
	static const __u8 macs[12] = { 0x33, 0x33, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02 };

	put(f, macs, sizeof(macs));
	for (int i = 0; i < n; i++) {
		put_be16(f, tpids[i]);
		put_be16(f, (__u16)(100 + i));
	}
	put_be16(f, ethertype);
}

/* IPv6 extension header of @len bytes (a multiple of 8) naming @next. */
static void put_ipv6_ext(struct frame *f, __u8 next, __u32 len)
{
	__u8 ext[64] = { next, (__u8)(len / 8 - 1) };

	assert_true(len >= 8 && len <= sizeof(ext) && len % 8 == 0);
	if (len >= 8) {
		/* Router alert option (type 5, len 2, value 0: MLD), then PadN. */
		ext[2] = 5;
		ext[3] = 2;
		ext[6] = 1;
		ext[7] = (__u8)(len - 8);
	}
	put(f, ext, len);
}

/*
 * IPv6 frame: @n tags, then the fixed header, @n_ext extension headers of
 * the kinds in @exts (each 8 bytes, except 16 for the first), then an
 * ICMPv6 message of @icmp_type, or UDP to @dport when @icmp_type is 0.
 */
static struct frame ipv6_ext_frame(const __u16 *tpids, int n, const __u8 *exts, int n_ext,
				   __u8 icmp_type, __u16 dport)
{
	__u8 upper = icmp_type ? IPPROTO_ICMPV6 : IPPROTO_UDP;
	struct frame f = {};

	put_eth_tags(&f, tpids, n, ETH_P_IPV6);
	put_ipv6(&f, n_ext ? exts[0] : upper);
	for (int i = 0; i < n_ext; i++) {
		__u8 next = i + 1 < n_ext ? exts[i + 1] : upper;

		if (exts[i] == IPPROTO_FRAGMENT) {
			/* offset 0, M flag set: the first fragment */
			__u8 frag[8] = { next, 0, 0, 1, 0, 0, 0x12, 0x34 };

			put(&f, frag, sizeof(frag));
		} else {
			put_ipv6_ext(&f, next, i == 0 ? 16 : 8);
		}
	}
	if (icmp_type) {
		struct icmp6hdr icmp6 = { .icmp6_type = icmp_type };

		put(&f, &icmp6, sizeof(icmp6));
		put_payload(&f, 16);
	} else {
		put_l4(&f, IPPROTO_UDP, dport);
	}
	return f;
}

static struct frame tagged_frame(const __u16 *tpids, int n, __u16 ethertype)
{
	struct frame f = {};

	put_eth_tags(&f, tpids, n, ethertype);
	put_payload(&f, 46);
	return f;
}

static struct frame tagged_ipv4_frame(const __u16 *tpids, int n, __u8 proto, __u16 dport)
{
	struct frame f = {};
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = proto,
			    .saddr = htonl(0x0a000001), .daddr = htonl(0xe0000001) };

	put_eth_tags(&f, tpids, n, ETH_P_IP);
	put(&f, &ip, sizeof(ip));
	put_l4(&f, IPPROTO_UDP, dport); /* for IGMP: 24 bytes of "message" */
	return f;
}

static const __u16 qinq[] = { ETH_P_8021AD_TAG, ETH_P_8021Q };
static const __u16 deep[MAX_TAGS] = { ETH_P_8021AD_TAG, ETH_P_8021Q, ETH_P_8021Q, 0x9100,
				      ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021Q, ETH_P_8021Q,
				      ETH_P_8021Q, ETH_P_8021Q };
static const __u16 tag_counts[] = { 0, 1, 2, 8 };

/*
 * Did the program try to redirect?  With no socket bound, yes means
 * XDP_PASS + one more redirect_failed + a hint in front (rx_time policy);
 * no means XDP_PASS, no hint, redirect_failed unchanged.
 */
static void expect_redirect_wanted(struct af_xdp_kern *skel, const struct frame *f,
				   int wanted)
{
	struct queue_counters before = queue_counters_of(skel, 0), after;
	struct run_result res;

	run_frame(skel, f, &res);
	after = queue_counters_of(skel, 0);
	assert_int_equal(res.retval, XDP_PASS);
	assert_int_equal(after.seen - before.seen, 1);
	assert_int_equal(after.passed - before.passed, 1);
	assert_int_equal(after.redirect_failed - before.redirect_failed, wanted ? 1 : 0);
	assert_int_equal(after.stamped - before.stamped, wanted ? 1 : 0);
	assert_int_equal(res.meta_len, wanted ? RX_TIME_HINT_SIZE : 0);
}

/* ---- tests: metadata layouts ------------------------------------------- */

/* The hint structs in BTF: names, sizes, and btf_id as the last member. */
static void test_hint_structs_in_btf(void **state)
{
	static const struct { const char *name; __u32 size; } hints[] = {
		{ "xdp_hints_rx_time", RX_TIME_HINT_SIZE },
		{ "xdp_hints_mark", MARK_HINT_SIZE },
	};
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct btf *btf = bpf_object__btf(skel->obj);

	(void)state;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		const struct btf_type *type = btf__type_by_id(btf, btf_struct_id(skel, hints[i].name));
		const struct btf_member *last = btf_members(type) + btf_vlen(type) - 1;

		assert_int_equal(type->size, hints[i].size);
		assert_string_equal(btf__name_by_offset(btf, last->name_off), "btf_id");
		assert_int_equal(btf_member_bit_offset(type, btf_vlen(type) - 1),
				 (hints[i].size - 4) * 8);
	}
	af_xdp_kern__destroy(skel);
}

static void test_metadata_comes_back_in_front_of_data(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct run_result res;

	(void)state;
	run_frame(skel, &f, &res);
	/* run_frame checked that the frame follows the metadata unchanged. */
	assert_int_equal(res.meta_len, RX_TIME_HINT_SIZE);
	assert_int_equal(res.meta_len % 4, 0);
	af_xdp_kern__destroy(skel);
}

static void test_rx_time_layout(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct rx_time_hint hint;
	struct run_result res;
	__u64 before, after;

	(void)state;
	before = monotonic_ns();
	run_frame(skel, &f, &res);
	after = monotonic_ns();

	assert_int_equal(res.meta_len, sizeof(hint));
	memcpy(&hint, res.out, sizeof(hint));
	assert_int_equal(hint.btf_id, btf_struct_id(skel, "xdp_hints_rx_time"));
	assert_int_equal(result_btf_id(&res), hint.btf_id);
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC. */
	assert_in_range(hint.rx_ktime, before, after);
	assert_int_equal(hint.xdp_rx_cpu, pinned_cpu);
	assert_counters(queue_counters_of(skel, 0), 1, 1, 0, 0, 1, 1);
	af_xdp_kern__destroy(skel);
}

static __u64 tai_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_TAI, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* rx_clock TAI: xdp_hints_rx_tai, whose field name says the clock. */
static void test_rx_tai_layout(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .clock = HINT_CLOCK_TAI };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct btf *btf = bpf_object__btf(skel->obj);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	const struct btf_type *type;
	struct rx_time_hint hint; /* the same shape: u64 time, u32 cpu, u32 btf_id */
	struct run_result res;
	__u64 before, after;

	(void)state;
	type = btf__type_by_id(btf, btf_struct_id(skel, "xdp_hints_rx_tai"));
	assert_int_equal(type->size, sizeof(hint));
	assert_string_equal(btf__name_by_offset(btf, btf_members(type)[0].name_off), "rx_tai_ns");
	before = tai_ns();
	run_frame(skel, &f, &res);
	after = tai_ns();
	assert_int_equal(res.meta_len, sizeof(hint));
	memcpy(&hint, res.out, sizeof(hint));
	assert_int_equal(hint.btf_id, btf_struct_id(skel, "xdp_hints_rx_tai"));
	/* bpf_ktime_get_tai_ns() is CLOCK_TAI. */
	assert_in_range(hint.rx_ktime, before, after);
	assert_int_equal(hint.xdp_rx_cpu, pinned_cpu);
	af_xdp_kern__destroy(skel);
}

static void test_mark_layout(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_MARK);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct mark_hint hint;
	struct run_result res;

	(void)state;
	for (__u32 queue = 0; queue < VETH_QUEUES; queue += 3) {
		run_frame_on(skel, &f, veth_ifindex, queue, &res);
		assert_int_equal(res.meta_len, sizeof(hint));
		memcpy(&hint, res.out, sizeof(hint));
		assert_int_equal(hint.btf_id, btf_struct_id(skel, "xdp_hints_mark"));
		assert_int_equal(hint.mark, queue);
		assert_counters(queue_counters_of(skel, queue), 1, 1, 0, 0, 1, 1);
	}
	af_xdp_kern__destroy(skel);
}

static void test_alternate_policy_yields_both_layouts(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_ALTERNATE);
	__u32 rx_time_id = btf_struct_id(skel, "xdp_hints_rx_time");
	__u32 mark_id = btf_struct_id(skel, "xdp_hints_mark");
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct run_result res;
	int rx_time_seen = 0, mark_seen = 0;

	(void)state;
	/* Pinned to one CPU, so the per-CPU seen counter counts 1, 2, 3... */
	for (int i = 1; i <= 6; i++) {
		int odd = i & 1;

		run_frame(skel, &f, &res);
		assert_int_equal(res.meta_len, odd ? RX_TIME_HINT_SIZE : MARK_HINT_SIZE);
		assert_int_equal(result_btf_id(&res), odd ? rx_time_id : mark_id);
		rx_time_seen += odd;
		mark_seen += !odd;
	}
	assert_int_equal(rx_time_seen, 3);
	assert_int_equal(mark_seen, 3);
	assert_counters(queue_counters_of(skel, 0), 6, 6, 0, 0, 6, 6);
	af_xdp_kern__destroy(skel);
}

/*
 * No hint, but the frame still carries a btf_id of 0 (XSK_HINTS_NO_HINT):
 * 4 bytes of metadata, so a recycled UMEM buffer cannot show an old id.
 */
static void test_policy_none_stamps_no_hint(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_NONE);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct run_result res;

	(void)state;
	run_frame(skel, &f, &res);
	assert_int_equal(res.retval, XDP_PASS);
	assert_int_equal(res.meta_len, 4);
	assert_int_equal(result_btf_id(&res), 0);
	/* Still wanted a redirect, just without a hint. */
	assert_counters(queue_counters_of(skel, 0), 1, 0, 0, 0, 1, 1);
	af_xdp_kern__destroy(skel);
}

/* A hint goes in front of metadata that is already there; btf_id stays at data - 4. */
static void test_hint_stacks_before_existing_metadata(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_MARK);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	__u8 in[FRAME_MAX + 16];
	struct run_result res;
	struct mark_hint hint;

	(void)state;
	memset(in, 0x5a, 16);
	memcpy(in + 16, f.bytes, f.len);
	assert_int_equal(run_frame_meta(skel, in, 16 + f.len, 16, LO_IFINDEX, 0, &res), 0);
	assert_int_equal(res.meta_len, sizeof(hint) + 16);
	memcpy(&hint, res.out, sizeof(hint));
	assert_int_equal(hint.btf_id, btf_struct_id(skel, "xdp_hints_mark"));
	assert_memory_equal(res.out + sizeof(hint), in, 16 + f.len);
	af_xdp_kern__destroy(skel);
}

/*
 * bpf_xdp_adjust_meta() fails when the headroom is used up.  test_run gives
 * 256 bytes of headroom and the kernel keeps the first 40 for struct
 * xdp_frame, so 216 bytes of metadata already there leave no room for a
 * hint.  The frame must pass, unstamped and not redirected.
 */
static void test_meta_failure_passes(void **state)
{
	enum { EXISTING = 216 };
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	__u8 in[EXISTING + FRAME_MAX];
	struct run_result res;
	int err;

	(void)state;
	memset(in, 0x77, EXISTING);
	memcpy(in + EXISTING, f.bytes, f.len);
	err = run_frame_meta(skel, in, EXISTING + f.len, EXISTING, LO_IFINDEX, 0, &res);
	if (err)
		fail_msg("bpf_prog_test_run_opts with %d bytes of metadata: %s", EXISTING,
			 strerror(-err));
	assert_int_equal(res.retval, XDP_PASS);
	assert_int_equal(res.meta_len, EXISTING);
	assert_memory_equal(res.out, in, EXISTING + f.len);
	assert_counters(queue_counters_of(skel, 0), 1, 0, 1, 0, 0, 1);
	af_xdp_kern__destroy(skel);
}

/* ---- tests: frames that always go to the kernel --------------------------- */

static void test_arp_passes(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct frame plain = arp_frame(0), tagged = arp_frame(ETH_P_8021Q);

	(void)state;
	expect_redirect_wanted(skel, &plain, 0);
	expect_redirect_wanted(skel, &tagged, 0);
	assert_counters(queue_counters_of(skel, 0), 2, 0, 0, 0, 0, 2);
	af_xdp_kern__destroy(skel);
}

static void test_neighbour_discovery_passes(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	static const __u16 tpids[] = { 0, ETH_P_8021Q, ETH_P_8021AD_TAG };

	(void)state;
	for (size_t t = 0; t < sizeof(tpids) / sizeof(tpids[0]); t++) {
		for (__u8 type = 133; type <= 137; type++) {
			struct frame f = icmpv6_frame(tpids[t], type);

			expect_redirect_wanted(skel, &f, 0);
		}
	}
	af_xdp_kern__destroy(skel);
}

static void test_other_icmpv6_is_data(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	/* 130..132 and 143 are MLD, 133..137 neighbour discovery: not here. */
	static const __u8 types[] = { 1, 128, 129, 138, 144 };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		struct frame f = icmpv6_frame(0, types[i]);

		expect_redirect_wanted(skel, &f, 1);
	}
	af_xdp_kern__destroy(skel);
}

/* test_run refuses frames shorter than an Ethernet header, so 14 is the floor. */
static void test_short_frames_pass(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct frame eth_only = {}, vlan_cut = {}, ipv4_cut, ipv6_cut = {}, icmp6_cut = {};
	struct frame ipv4_bad_ihl = ipv4_udp_frame(TEST_UDP_PORT), udp_cut;

	(void)state;
	put_eth(&eth_only, 0, ETH_P_IP);              /* 14 bytes, no IPv4 header */
	put_eth(&vlan_cut, 0, ETH_P_8021Q);           /* tag announced, not there */
	put_be16(&vlan_cut, 42);
	ipv4_cut = ipv4_udp_frame(TEST_UDP_PORT);
	ipv4_cut.len = ETH_HLEN + 12;                 /* IPv4 header cut short */
	put_eth(&ipv6_cut, 0, ETH_P_IPV6);
	put_payload(&ipv6_cut, 30);                   /* < 40-byte IPv6 header */
	put_eth(&icmp6_cut, 0, ETH_P_IPV6);
	put_ipv6(&icmp6_cut, IPPROTO_ICMPV6);         /* ICMPv6 header missing */
	ipv4_bad_ihl.bytes[ETH_HLEN] = 0x43;          /* ihl 3: below the minimum */
	udp_cut = ipv4_udp_frame(TEST_UDP_PORT);
	udp_cut.len = ETH_HLEN + 20 + 4;              /* half a UDP header */

	assert_int_equal(eth_only.len, ETH_HLEN);
	expect_redirect_wanted(skel, &eth_only, 0);
	expect_redirect_wanted(skel, &vlan_cut, 0);
	expect_redirect_wanted(skel, &ipv4_cut, 0);
	expect_redirect_wanted(skel, &ipv6_cut, 0);
	expect_redirect_wanted(skel, &icmp6_cut, 0);
	expect_redirect_wanted(skel, &ipv4_bad_ihl, 0);
	expect_redirect_wanted(skel, &udp_cut, 0);
	assert_counters(queue_counters_of(skel, 0), 7, 0, 0, 0, 0, 7);
	af_xdp_kern__destroy(skel);
}

/* ---- tests: filters ------------------------------------------------------- */

static void test_udp_port_filter(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_UDP_DPORT,
				   .udp_dport = TEST_UDP_PORT };
	struct af_xdp_kern *skel = load_kern(&cfg);
	/* NOPs: a parser ignoring ihl would read port 0x0101 here. */
	static const __u8 nop_options[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	/* Bytes that look like "port 4242" where a parser ignoring ihl looks. */
	__u8 decoy_options[8] = { 0, 0, TEST_UDP_PORT >> 8, TEST_UDP_PORT & 0xff, 1, 1, 1, 0 };
	struct frame match = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame other_port = ipv4_udp_frame(TEST_UDP_PORT + 1);
	struct frame tcp = ipv4_frame(0, IPPROTO_TCP, TEST_UDP_PORT, NULL, 0);
	struct frame v6_match = ipv6_udp_frame(0, TEST_UDP_PORT);
	struct frame v6_other = ipv6_udp_frame(0, 53);
	struct frame options_match = ipv4_frame(0, IPPROTO_UDP, TEST_UDP_PORT, nop_options, 8);
	struct frame options_decoy = ipv4_frame(0, IPPROTO_UDP, TEST_UDP_PORT + 1, decoy_options, 8);
	struct frame vlan_match = ipv4_frame(ETH_P_8021Q, IPPROTO_UDP, TEST_UDP_PORT, NULL, 0);
	struct frame v6_vlan_match = ipv6_udp_frame(ETH_P_8021AD_TAG, TEST_UDP_PORT);
	struct frame tte = ethertype_frame(0, ETHERTYPE_TTE_PCF);
	struct frame arp = arp_frame(0);

	(void)state;
	expect_redirect_wanted(skel, &match, 1);
	expect_redirect_wanted(skel, &other_port, 0);
	expect_redirect_wanted(skel, &tcp, 0);
	expect_redirect_wanted(skel, &v6_match, 1);
	expect_redirect_wanted(skel, &v6_other, 0);
	expect_redirect_wanted(skel, &options_match, 1);
	expect_redirect_wanted(skel, &options_decoy, 0);
	expect_redirect_wanted(skel, &vlan_match, 1);
	expect_redirect_wanted(skel, &v6_vlan_match, 1);
	expect_redirect_wanted(skel, &tte, 0);
	expect_redirect_wanted(skel, &arp, 0);
	assert_counters(queue_counters_of(skel, 0), 11, 5, 0, 0, 5, 11);
	af_xdp_kern__destroy(skel);
}

/* A later IPv4 fragment has no UDP header: its bytes are not a port. */
static void test_udp_filter_ignores_later_fragments(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_UDP_DPORT,
				   .udp_dport = TEST_UDP_PORT };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame fragment = ipv4_udp_frame(TEST_UDP_PORT);
	__be16 frag_off = htons(185); /* offset 1480 bytes */

	(void)state;
	/* The IP header starts at byte 14, not 4-byte aligned: no struct
	 * iphdr access (UBSan would rightly object). */
	memcpy(fragment.bytes + ETH_HLEN + offsetof(struct iphdr, frag_off), &frag_off,
	       sizeof(frag_off));
	expect_redirect_wanted(skel, &fragment, 0);
	af_xdp_kern__destroy(skel);
}

static void test_ethertype_filter(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ETHERTYPE,
				   .ethertype = ETHERTYPE_TTE_PCF };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame tte = ethertype_frame(0, ETHERTYPE_TTE_PCF);
	struct frame tte_tagged = ethertype_frame(ETH_P_8021Q, ETHERTYPE_TTE_PCF);
	struct frame ipv4 = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame other = ethertype_frame(0, 0x88b5);
	struct frame arp = arp_frame(0);

	(void)state;
	expect_redirect_wanted(skel, &tte, 1);
	expect_redirect_wanted(skel, &tte_tagged, 1);
	expect_redirect_wanted(skel, &ipv4, 0);
	expect_redirect_wanted(skel, &other, 0);
	expect_redirect_wanted(skel, &arp, 0);
	af_xdp_kern__destroy(skel);
}

/* ARP stays with the kernel even when a filter would select its ethertype. */
static void test_ethertype_filter_never_takes_arp(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ETHERTYPE,
				   .ethertype = ETH_P_ARP };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame arp = arp_frame(0);

	(void)state;
	expect_redirect_wanted(skel, &arp, 0);
	af_xdp_kern__destroy(skel);
}


/* ---- tests: stamp_class, the receive time only where it is wanted ----------- */

/*
 * The frame was redirected (wanted: no socket, so XDP_PASS plus
 * redirect_failed) with a receive time: xdp_hints_rx_time, its rx_ktime
 * read while the frame ran.
 */
static void expect_timed(struct af_xdp_kern *skel, const struct frame *f)
{
	struct queue_counters before = queue_counters_of(skel, 0), after;
	struct rx_time_hint hint;
	struct run_result res;
	__u64 t0, t1;

	t0 = monotonic_ns();
	run_frame(skel, f, &res);
	t1 = monotonic_ns();
	after = queue_counters_of(skel, 0);
	assert_int_equal(after.redirect_failed - before.redirect_failed, 1);
	assert_int_equal(after.stamped - before.stamped, 1);
	assert_int_equal(res.meta_len, RX_TIME_HINT_SIZE);
	memcpy(&hint, res.out, sizeof(hint));
	assert_int_equal(hint.btf_id, btf_struct_id(skel, "xdp_hints_rx_time"));
	assert_in_range(hint.rx_ktime, t0, t1);
}

/*
 * Redirected with xdp_hints_untimed: the 4 bytes of metadata are that
 * struct's btf_id (never 0: the frame has a hint, just no time), and the
 * metadata length is that struct's size in the object's BTF.
 */
static void expect_untimed(struct af_xdp_kern *skel, const struct frame *f)
{
	struct btf *btf = bpf_object__btf(skel->obj);
	__u32 id = btf_struct_id(skel, "xdp_hints_untimed");
	struct queue_counters before = queue_counters_of(skel, 0), after;
	struct run_result res;

	run_frame(skel, f, &res);
	after = queue_counters_of(skel, 0);
	assert_int_equal(after.redirect_failed - before.redirect_failed, 1);
	assert_int_equal(after.stamped - before.stamped, 1);
	assert_int_equal(res.meta_len, btf__type_by_id(btf, id)->size);
	assert_int_equal(res.meta_len, UNTIMED_HINT_SIZE);
	assert_int_equal(result_btf_id(&res), id);
}

static void test_stamp_class_ethertype(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .stamp_class = STAMP_CLASS_ETHERTYPE,
				   .stamp_ethertype = ETHERTYPE_TTE_PCF };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame pcf = ethertype_frame(0, ETHERTYPE_TTE_PCF);
	struct frame pcf_vlan = ethertype_frame(ETH_P_8021Q, ETHERTYPE_TTE_PCF);
	struct frame pcf_qinq = tagged_frame(qinq, 2, ETHERTYPE_TTE_PCF);
	struct frame udp4 = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame udp6 = ipv6_udp_frame(ETH_P_8021Q, TEST_UDP_PORT);
	struct frame other = ethertype_frame(0, 0x88b5);
	/* Tagged bulk: the TPID is no match, only the type after the tags. */
	struct frame other_vlan = ethertype_frame(ETH_P_8021Q, 0x88b5);
	struct frame arp = arp_frame(ETH_P_8021Q);

	(void)state;
	expect_timed(skel, &pcf);
	expect_timed(skel, &pcf_vlan);
	expect_timed(skel, &pcf_qinq);
	expect_untimed(skel, &udp4);
	expect_untimed(skel, &udp6);
	expect_untimed(skel, &other);
	expect_untimed(skel, &other_vlan);
	/* Control traffic still passes, untouched. */
	expect_redirect_wanted(skel, &arp, 0);
	af_xdp_kern__destroy(skel);
}

static void test_stamp_class_udp_port(void **state)
{
	static const __u8 no_ext[1];
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .stamp_class = STAMP_CLASS_UDP_DPORT,
				   .stamp_udp_dport = TEST_UDP_PORT };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame udp4 = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame udp4_qinq = tagged_ipv4_frame(qinq, 2, IPPROTO_UDP, TEST_UDP_PORT);
	struct frame udp6 = ipv6_udp_frame(0, TEST_UDP_PORT);
	struct frame udp6_vlan = ipv6_ext_frame(qinq, 1, no_ext, 0, 0, TEST_UDP_PORT);
	struct frame udp4_other = ipv4_udp_frame(TEST_UDP_PORT + 1);
	struct frame tcp4 = ipv4_frame(0, IPPROTO_TCP, TEST_UDP_PORT, NULL, 0);
	struct frame pcf = ethertype_frame(0, ETHERTYPE_TTE_PCF);

	(void)state;
	expect_timed(skel, &udp4);
	expect_timed(skel, &udp4_qinq);
	expect_timed(skel, &udp6);
	expect_timed(skel, &udp6_vlan);
	expect_untimed(skel, &udp4_other);
	expect_untimed(skel, &tcp4);
	expect_untimed(skel, &pcf);
	af_xdp_kern__destroy(skel);
}

/* With the TAI clock the class's frames get xdp_hints_rx_tai, the rest no time. */
static void test_stamp_class_with_tai(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .clock = HINT_CLOCK_TAI, .stamp_class = STAMP_CLASS_ETHERTYPE,
				   .stamp_ethertype = ETHERTYPE_TTE_PCF };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame pcf = ethertype_frame(0, ETHERTYPE_TTE_PCF);
	struct frame udp4 = ipv4_udp_frame(TEST_UDP_PORT);
	struct run_result res;

	(void)state;
	run_frame(skel, &pcf, &res);
	assert_int_equal(res.meta_len, RX_TIME_HINT_SIZE);
	assert_int_equal(result_btf_id(&res), btf_struct_id(skel, "xdp_hints_rx_tai"));
	expect_untimed(skel, &udp4);
	af_xdp_kern__destroy(skel);
}

/* The class narrows the rx-time policy only: the mark layout stays whole. */
static void test_stamp_class_leaves_other_policies(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_MARK, .filter = FILTER_ALL,
				   .stamp_class = STAMP_CLASS_ETHERTYPE,
				   .stamp_ethertype = ETHERTYPE_TTE_PCF };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame udp4 = ipv4_udp_frame(TEST_UDP_PORT);
	struct run_result res;

	(void)state;
	run_frame(skel, &udp4, &res);
	assert_int_equal(res.meta_len, MARK_HINT_SIZE);
	assert_int_equal(result_btf_id(&res), btf_struct_id(skel, "xdp_hints_mark"));
	af_xdp_kern__destroy(skel);
}

/* xdp_hints_untimed is a hint by lib_xsk_extend's rules: btf_id last, a u32. */
static void test_untimed_hint_passes_library_rules(void **state)
{
	struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
	struct btf *btf = bpf_object__btf(skel->obj);
	struct xsk_hints *hints = xsk_hints__new(btf, NULL);
	const struct xsk_hint *hint;
	const struct btf_type *type;
	int idx;

	(void)state;
	assert_non_null(hints);
	idx = xsk_hints__find(hints, "xdp_hints_untimed");
	assert_true(idx >= 0);
	hint = xsk_hints__hint(hints, (size_t)idx);
	assert_int_equal(xsk_hint__btf_id(hint), btf_struct_id(skel, "xdp_hints_untimed"));
	assert_int_equal(xsk_hint__size(hint), UNTIMED_HINT_SIZE);
	type = btf__type_by_id(btf, xsk_hint__btf_id(hint));
	assert_int_equal(type->size, UNTIMED_HINT_SIZE);
	assert_int_equal(btf_vlen(type), 1);
	assert_string_equal(btf__name_by_offset(btf, btf_members(type)[0].name_off), "btf_id");
	xsk_hints__free(hints);
	af_xdp_kern__destroy(skel);
}

/* ---- tests: the control list, under every filter ------------------------------ */

static struct af_xdp_kern *load_filter(enum redirect_filter filter, __u16 port, __u16 type)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = filter,
				   .udp_dport = port, .ethertype = type };

	return load_kern(&cfg);
}

/* Each filter a user could set that would name the frame's own type or port. */
static void expect_kernel_under_every_filter(const struct frame *f, __u16 ethertype)
{
	struct af_xdp_kern *skels[] = {
		load_filter(FILTER_ALL, 0, 0),
		load_filter(FILTER_ETHERTYPE, 0, ethertype),
		load_filter(FILTER_ETHERTYPE, 0, ETH_P_8021Q),
		load_filter(FILTER_UDP_DPORT, TEST_UDP_PORT, 0),
	};

	for (size_t i = 0; i < sizeof(skels) / sizeof(skels[0]); i++) {
		expect_redirect_wanted(skels[i], f, 0);
		af_xdp_kern__destroy(skels[i]);
	}
}

/*
 * KERNEL_ONLY_ETHERTYPES (af_xdp_shared.h), which --filter-ethertype refuses,
 * is what the program does: each type passes under every filter, its own
 * ethertype filter too, plain and behind a tag.
 */
static void test_kernel_only_ethertypes_match_the_program(void **state)
{
#define KERNEL_ONLY_TYPE(value, name) value,
	static const __u16 types[] = { KERNEL_ONLY_ETHERTYPES(KERNEL_ONLY_TYPE) };
#undef KERNEL_ONLY_TYPE

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct frame plain = ethertype_frame(0, types[i]);
		struct frame tagged = ethertype_frame(ETH_P_8021Q, types[i]);

		expect_kernel_under_every_filter(&plain, types[i]);
		expect_kernel_under_every_filter(&tagged, types[i]);
	}
}

/* ARP and ND behind 0, 1, 2 (QinQ) and 8 tags; 9 tags is past the parser. */
static void test_control_behind_vlan_stacks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tag_counts) / sizeof(tag_counts[0]); i++) {
		int n = tag_counts[i];
		struct frame arp = tagged_frame(deep, n, ETH_P_ARP);
		struct frame ns = ipv6_ext_frame(deep, n, NULL, 0, 135, 0);
		struct frame rarp = tagged_frame(deep, n, ETH_P_RARP);

		expect_kernel_under_every_filter(&arp, ETH_P_ARP);
		expect_kernel_under_every_filter(&ns, ETH_P_IPV6);
		expect_kernel_under_every_filter(&rarp, ETH_P_RARP);
	}
	{
		struct frame too_deep = tagged_frame(deep, 9, 0x891d);

		expect_kernel_under_every_filter(&too_deep, 0x891d);
	}
}

/* MLD (always behind hop-by-hop) and ND behind extension header chains. */
static void test_mld_and_nd_behind_extension_headers(void **state)
{
	static const __u8 hbh[] = { IPPROTO_HOPOPTS };
	static const __u8 chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING };
	static const __u8 control_types[] = { 130, 131, 132, 143, 133, 134, 135, 136, 137 };

	(void)state;
	for (size_t t = 0; t < sizeof(control_types); t++) {
		struct frame plain = ipv6_ext_frame(NULL, 0, NULL, 0, control_types[t], 0);
		struct frame with_hbh = ipv6_ext_frame(NULL, 0, hbh, 1, control_types[t], 0);
		struct frame qinq_chain = ipv6_ext_frame(qinq, 2, chain, 3, control_types[t], 0);

		expect_kernel_under_every_filter(&plain, ETH_P_IPV6);
		expect_kernel_under_every_filter(&with_hbh, ETH_P_IPV6);
		expect_kernel_under_every_filter(&qinq_chain, ETH_P_IPV6);
	}
	{
		/* An echo request behind hop-by-hop is ordinary data. */
		struct af_xdp_kern *skel = load_policy(HINT_POLICY_RX_TIME);
		struct frame echo = ipv6_ext_frame(qinq, 2, chain, 3, 128, 0);

		expect_redirect_wanted(skel, &echo, 1);
		af_xdp_kern__destroy(skel);
	}
}

/* IGMP, 802.3/LLC (STP), PAUSE and EAPOL: always the kernel's. */
static void test_other_link_control_passes(void **state)
{
	struct frame igmp = tagged_ipv4_frame(NULL, 0, IPPROTO_IGMP, 0);
	struct frame igmp_qinq = tagged_ipv4_frame(qinq, 2, IPPROTO_IGMP, 0);
	struct frame stp = tagged_frame(NULL, 0, 0x0026); /* 802.3 length 38 */
	struct frame pause = tagged_frame(NULL, 0, 0x8808);
	struct frame eapol = tagged_frame(qinq, 2, 0x888e);

	(void)state;
	expect_kernel_under_every_filter(&igmp, ETH_P_IP);
	expect_kernel_under_every_filter(&igmp_qinq, ETH_P_IP);
	expect_kernel_under_every_filter(&stp, 0x0026);
	expect_kernel_under_every_filter(&pause, 0x8808);
	expect_kernel_under_every_filter(&eapol, 0x888e);
}

/*
 * DHCP, DHCPv6, PTP, LLDP and LACP stay with the kernel unless the filter
 * names exactly them.
 */
static void test_named_control_only_when_selected(void **state)
{
	static const __u16 udp_ports[] = { 67, 68, 546, 547, 319, 320 };
	static const __u16 l2_types[] = { 0x88f7, 0x88cc, 0x8809 };
	struct af_xdp_kern *all = load_filter(FILTER_ALL, 0, 0);
	struct af_xdp_kern *ipv4 = load_filter(FILTER_ETHERTYPE, 0, ETH_P_IP);
	struct af_xdp_kern *vlan = load_filter(FILTER_ETHERTYPE, 0, ETH_P_8021Q);

	(void)state;
	for (size_t i = 0; i < sizeof(udp_ports) / sizeof(udp_ports[0]); i++) {
		struct af_xdp_kern *named = load_filter(FILTER_UDP_DPORT, udp_ports[i], 0);
		struct frame v4 = tagged_ipv4_frame(qinq, 2, IPPROTO_UDP, udp_ports[i]);
		struct frame v6 = ipv6_ext_frame(NULL, 0, NULL, 0, 0, udp_ports[i]);

		expect_redirect_wanted(all, &v4, 0);
		expect_redirect_wanted(all, &v6, 0);
		expect_redirect_wanted(ipv4, &v4, 0);
		expect_redirect_wanted(named, &v4, 1);
		expect_redirect_wanted(named, &v6, 1);
		af_xdp_kern__destroy(named);
	}
	for (size_t i = 0; i < sizeof(l2_types) / sizeof(l2_types[0]); i++) {
		struct af_xdp_kern *named = load_filter(FILTER_ETHERTYPE, 0, l2_types[i]);
		struct frame plain = tagged_frame(NULL, 0, l2_types[i]);
		struct frame tagged = tagged_frame(deep, 1, l2_types[i]);

		expect_redirect_wanted(all, &plain, 0);
		expect_redirect_wanted(vlan, &tagged, 0);
		expect_redirect_wanted(named, &plain, 1);
		expect_redirect_wanted(named, &tagged, 1);
		af_xdp_kern__destroy(named);
	}
	af_xdp_kern__destroy(all);
	af_xdp_kern__destroy(ipv4);
	af_xdp_kern__destroy(vlan);
}

/* --filter-udp-port finds UDP in QinQ and behind IPv6 extension headers. */
static void test_udp_filter_behind_tags_and_extensions(void **state)
{
	static const __u8 chain[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING };
	struct af_xdp_kern *skel = load_filter(FILTER_UDP_DPORT, TEST_UDP_PORT, 0);

	(void)state;
	for (size_t i = 0; i < sizeof(tag_counts) / sizeof(tag_counts[0]); i++) {
		int n = tag_counts[i];
		struct frame v4 = tagged_ipv4_frame(deep, n, IPPROTO_UDP, TEST_UDP_PORT);
		struct frame v4_other = tagged_ipv4_frame(deep, n, IPPROTO_UDP, TEST_UDP_PORT + 1);
		struct frame v6_ext = ipv6_ext_frame(deep, n, chain, 3, 0, TEST_UDP_PORT);
		struct frame v6_ext_other = ipv6_ext_frame(deep, n, chain, 3, 0, 53);

		expect_redirect_wanted(skel, &v4, 1);
		expect_redirect_wanted(skel, &v4_other, 0);
		expect_redirect_wanted(skel, &v6_ext, 1);
		expect_redirect_wanted(skel, &v6_ext_other, 0);
	}
	af_xdp_kern__destroy(skel);
}

/* Every fragment, the first one too, stays with the kernel under the UDP filter. */
static void test_udp_filter_leaves_fragments_to_the_kernel(void **state)
{
	static const __u8 frag[] = { IPPROTO_FRAGMENT };
	struct af_xdp_kern *skel = load_filter(FILTER_UDP_DPORT, TEST_UDP_PORT, 0);
	struct af_xdp_kern *all = load_filter(FILTER_ALL, 0, 0);
	struct frame first = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame v6_first = ipv6_ext_frame(NULL, 0, frag, 1, 0, TEST_UDP_PORT);
	__be16 more_fragments = htons(0x2000);

	(void)state;
	memcpy(first.bytes + ETH_HLEN + offsetof(struct iphdr, frag_off), &more_fragments,
	       sizeof(more_fragments));
	expect_redirect_wanted(skel, &first, 0);
	expect_redirect_wanted(skel, &v6_first, 0);
	/* Without a filter too: a later fragment cannot be classified. */
	expect_redirect_wanted(all, &first, 0);
	expect_redirect_wanted(all, &v6_first, 0);
	af_xdp_kern__destroy(skel);
	af_xdp_kern__destroy(all);
}

/*
 * Without a filter, every IP fragment goes to the kernel and is counted as
 * passed: a fragmented DHCP datagram must not be split between the kernel
 * (its first fragment, port 67) and AF_XDP (its later fragments).
 */
static void test_no_filter_leaves_fragments_to_the_kernel(void **state)
{
	static const __u8 frag[] = { IPPROTO_FRAGMENT };
	struct af_xdp_kern *all = load_filter(FILTER_ALL, 0, 0);
	struct frame later = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame last = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame v6_later = ipv6_ext_frame(NULL, 0, frag, 1, 0, TEST_UDP_PORT);
	struct frame whole = ipv4_udp_frame(TEST_UDP_PORT);
	__be16 later_off = htons(0x2000 | 185), last_off = htons(185);
	/* offset 1480 bytes (185 units of 8), M set */
	__be16 v6_off = htons(185 << 3 | 1);

	(void)state;
	memcpy(later.bytes + ETH_HLEN + offsetof(struct iphdr, frag_off), &later_off,
	       sizeof(later_off));
	memcpy(last.bytes + ETH_HLEN + offsetof(struct iphdr, frag_off), &last_off,
	       sizeof(last_off));
	/* the fragment header follows the 40-byte fixed header; frag_off at +2 */
	memcpy(v6_later.bytes + ETH_HLEN + 40 + 2, &v6_off, sizeof(v6_off));
	expect_redirect_wanted(all, &later, 0);
	expect_redirect_wanted(all, &last, 0);
	expect_redirect_wanted(all, &v6_later, 0);
	/* seen 3, passed 3, none stamped: the kernel has them all */
	assert_counters(queue_counters_of(all, 0), 3, 0, 0, 0, 0, 3);
	/* An unfragmented datagram still goes to AF_XDP. */
	expect_redirect_wanted(all, &whole, 1);
	af_xdp_kern__destroy(all);
}

/* --filter-ethertype matches the outer type, any TPID, or the innermost type. */
static void test_ethertype_filter_matches_any_type_in_the_chain(void **state)
{
	struct af_xdp_kern *dot1q = load_filter(FILTER_ETHERTYPE, 0, ETH_P_8021Q);
	struct af_xdp_kern *dot1ad = load_filter(FILTER_ETHERTYPE, 0, ETH_P_8021AD_TAG);
	struct af_xdp_kern *tte = load_filter(FILTER_ETHERTYPE, 0, ETHERTYPE_TTE_PCF);
	struct frame single = tagged_frame(deep + 1, 1, ETHERTYPE_TTE_PCF);
	struct frame double_tagged = tagged_frame(qinq, 2, ETHERTYPE_TTE_PCF);
	struct frame untagged = tagged_frame(NULL, 0, ETHERTYPE_TTE_PCF);

	(void)state;
	expect_redirect_wanted(dot1q, &single, 1);
	expect_redirect_wanted(dot1q, &double_tagged, 1);
	expect_redirect_wanted(dot1q, &untagged, 0);
	expect_redirect_wanted(dot1ad, &double_tagged, 1);
	expect_redirect_wanted(dot1ad, &single, 0);
	expect_redirect_wanted(tte, &single, 1);
	expect_redirect_wanted(tte, &double_tagged, 1);
	expect_redirect_wanted(tte, &untagged, 1);
	af_xdp_kern__destroy(dot1q);
	af_xdp_kern__destroy(dot1ad);
	af_xdp_kern__destroy(tte);
}

/* A frame longer than redirect_max_len passes and is counted in oversize_passed. */
static void test_oversize_frames_pass(void **state)
{
	struct frame f = ipv4_udp_frame(TEST_UDP_PORT);
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .max_len = f.len };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame longer = f;
	__u64 per_cpu[512] = { 0 }, total = 0;
	__u32 key = 0;
	int ncpus = libbpf_num_possible_cpus();

	(void)state;
	put_payload(&longer, 1);
	expect_redirect_wanted(skel, &f, 1);      /* exactly max_len: fits */
	expect_redirect_wanted(skel, &longer, 0); /* one byte more: passes */
	assert_true(ncpus > 0 && ncpus <= 512);
	assert_int_equal(bpf_map__lookup_elem(skel->maps.oversize_passed, &key, sizeof(key),
					      per_cpu, (size_t)ncpus * sizeof(__u64), 0), 0);
	for (int cpu = 0; cpu < ncpus; cpu++)
		total += per_cpu[cpu];
	assert_int_equal(total, 1);
	assert_counters(queue_counters_of(skel, 0), 2, 1, 0, 0, 1, 2);
	af_xdp_kern__destroy(skel);
}

/* ---- tests: queues and counters ------------------------------------------ */

static void test_counters_per_queue(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .queue_count = VETH_QUEUES };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame udp = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame arp = arp_frame(0);
	struct run_result res;

	(void)state;
	/* Queue q gets q + 1 UDP frames and q ARP frames. */
	for (__u32 queue = 0; queue < 4; queue++) {
		for (__u32 i = 0; i < queue + 1; i++)
			run_frame_on(skel, &udp, veth_ifindex, queue, &res);
		for (__u32 i = 0; i < queue; i++)
			run_frame_on(skel, &arp, veth_ifindex, queue, &res);
	}
	for (__u32 queue = 0; queue < 4; queue++)
		assert_counters(queue_counters_of(skel, queue), 2 * queue + 1, queue + 1, 0, 0,
				queue + 1, 2 * queue + 1);
	for (__u32 queue = 4; queue < VETH_QUEUES; queue++)
		assert_counters(queue_counters_of(skel, queue), 0, 0, 0, 0, 0, 0);
	assert_counters(sum_counters(skel->maps.overflow_stats, 0), 0, 0, 0, 0, 0, 0);
	af_xdp_kern__destroy(skel);
}

/* Maps sized for 4 queues, frame from queue 6: counted in overflow_stats. */
static void test_queue_beyond_map_size(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_MARK, .filter = FILTER_ALL,
				   .queue_count = 4 };
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame udp = ipv4_udp_frame(TEST_UDP_PORT);
	struct frame arp = arp_frame(0);
	struct run_result res;
	struct mark_hint hint;

	(void)state;
	assert_int_equal(bpf_map__max_entries(skel->maps.queue_stats), 4);
	run_frame_on(skel, &udp, veth_ifindex, 6, &res);
	assert_int_equal(res.retval, XDP_PASS);
	assert_int_equal(res.meta_len, sizeof(hint));
	memcpy(&hint, res.out, sizeof(hint));
	assert_int_equal(hint.mark, 6);
	run_frame_on(skel, &arp, veth_ifindex, 7, &res);
	assert_int_equal(res.retval, XDP_PASS);

	assert_counters(sum_counters(skel->maps.overflow_stats, 0), 2, 1, 0, 0, 1, 2);
	for (__u32 queue = 0; queue < 4; queue++)
		assert_counters(queue_counters_of(skel, queue), 0, 0, 0, 0, 0, 0);
	af_xdp_kern__destroy(skel);
}

/* ---- test: a real AF_XDP socket in xsks_map ------------------------------ */

#define XSK_FRAMES 64
#define XSK_FRAME_SIZE 4096

/*
 * With a socket bound on the queue, bpf_redirect_map() finds it and the
 * program returns XDP_REDIRECT (test_run without live frames only reports
 * the verdict; the frame is not delivered).  A queue without a socket still
 * passes.
 */
static void test_redirect_with_socket(void **state)
{
	struct kern_config cfg = { .policy = HINT_POLICY_RX_TIME, .filter = FILTER_ALL,
				   .queue_count = VETH_QUEUES };
	const struct xsk_socket_config xsk_cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct af_xdp_kern *skel = load_kern(&cfg);
	struct frame udp = ipv4_udp_frame(TEST_UDP_PORT);
	size_t umem_size = XSK_FRAMES * XSK_FRAME_SIZE;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem = NULL;
	struct xsk_socket *xsk = NULL;
	struct run_result res;
	__u32 queue = 2;
	void *area;
	int xsk_fd, err;

	(void)state;
	area = mmap(NULL, umem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	err = xsk_umem__create(&umem, area, umem_size, &fill, &comp, NULL);
	if (!err)
		err = xsk_socket__create(&xsk, veth_name, queue, umem, &rx, NULL, &xsk_cfg);
	if (err)
		goto cleanup;
	xsk_fd = xsk_socket__fd(xsk);
	err = bpf_map__update_elem(skel->maps.xsks_map, &queue, sizeof(queue), &xsk_fd,
				   sizeof(xsk_fd), 0);
	if (err)
		goto cleanup;

	run_frame_on(skel, &udp, veth_ifindex, queue, &res);
	assert_int_equal(res.retval, XDP_REDIRECT);
	assert_int_equal(res.meta_len, RX_TIME_HINT_SIZE);
	assert_counters(queue_counters_of(skel, queue), 1, 1, 0, 1, 0, 0);

	run_frame_on(skel, &udp, veth_ifindex, queue + 1, &res);
	assert_int_equal(res.retval, XDP_PASS);
	assert_counters(queue_counters_of(skel, queue + 1), 1, 1, 0, 0, 1, 1);
cleanup:
	if (xsk)
		xsk_socket__delete(xsk);
	if (umem)
		xsk_umem__delete(umem);
	munmap(area, umem_size);
	af_xdp_kern__destroy(skel);
	if (err)
		fail_msg("AF_XDP socket on %s queue %u: %s", veth_name, queue, strerror(-err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hint_structs_in_btf),
		cmocka_unit_test(test_metadata_comes_back_in_front_of_data),
		cmocka_unit_test(test_rx_time_layout),
		cmocka_unit_test(test_rx_tai_layout),
		cmocka_unit_test(test_mark_layout),
		cmocka_unit_test(test_alternate_policy_yields_both_layouts),
		cmocka_unit_test(test_policy_none_stamps_no_hint),
		cmocka_unit_test(test_hint_stacks_before_existing_metadata),
		cmocka_unit_test(test_meta_failure_passes),
		cmocka_unit_test(test_arp_passes),
		cmocka_unit_test(test_neighbour_discovery_passes),
		cmocka_unit_test(test_other_icmpv6_is_data),
		cmocka_unit_test(test_short_frames_pass),
		cmocka_unit_test(test_udp_port_filter),
		cmocka_unit_test(test_udp_filter_ignores_later_fragments),
		cmocka_unit_test(test_ethertype_filter),
		cmocka_unit_test(test_ethertype_filter_never_takes_arp),
		cmocka_unit_test(test_stamp_class_ethertype),
		cmocka_unit_test(test_stamp_class_udp_port),
		cmocka_unit_test(test_stamp_class_with_tai),
		cmocka_unit_test(test_stamp_class_leaves_other_policies),
		cmocka_unit_test(test_untimed_hint_passes_library_rules),
		cmocka_unit_test(test_kernel_only_ethertypes_match_the_program),
		cmocka_unit_test(test_control_behind_vlan_stacks),
		cmocka_unit_test(test_mld_and_nd_behind_extension_headers),
		cmocka_unit_test(test_other_link_control_passes),
		cmocka_unit_test(test_named_control_only_when_selected),
		cmocka_unit_test(test_udp_filter_behind_tags_and_extensions),
		cmocka_unit_test(test_udp_filter_leaves_fragments_to_the_kernel),
		cmocka_unit_test(test_no_filter_leaves_fragments_to_the_kernel),
		cmocka_unit_test(test_ethertype_filter_matches_any_type_in_the_chain),
		cmocka_unit_test(test_oversize_frames_pass),
		cmocka_unit_test(test_counters_per_queue),
		cmocka_unit_test(test_queue_beyond_map_size),
		cmocka_unit_test(test_redirect_with_socket),
	};

	return cmocka_run_group_tests_name("af_xdp_kern", tests, suite_setup, suite_teardown);
}
