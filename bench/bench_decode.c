// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_decode - instructions per hint decode, for the ways a receiver can
 * read the XDP-hints af_xdp_kern.c writes. Meant to run under
 *
 *   valgrind --tool=callgrind --toggle-collect=run_VARIANT \
 *       bench_decode BPF_OBJECT VARIANT [DECODES]
 *
 * so that only the decode loop is counted: BTF parsing, registry and frame
 * building happen before it and are left out. Each variant is its own
 * non-inlined run_* function over the same frames; the instruction count
 * divided by DECODES is the cost of one decode (the loop's own few
 * instructions included, the same for every variant; run_loop measures
 * just those).
 *
 * The frames: a pool that stays in cache, like a small UMEM, each carrying
 * either an xdp_hints_rx_time (3 in 4) or an xdp_hints_mark hint (1 in 4)
 * in a pseudo-random order, written byte for byte as the XDP program lays
 * them out. The BTF ids come from the real object's BTF (btf__parse()), as
 * bpf_core_type_id_local() would have stamped them.
 *
 * Every variant decodes every field of the hint it finds and adds them into
 * a volatile sink, so the compiler cannot drop the work; main() checks that
 * every variant produced the same sum, so none of them cheats.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "hint_decoder.h"
#include "lib_xsk_extend.h"
#include "parse_num.h"

#define FRAME_POOL 4096U          /* frames cycled through: 1 MiB, like a UMEM */
#define FRAME_SIZE 256U
#define FRAME_HEADROOM 64U        /* hint bytes sit just before this offset */
#define DEFAULT_DECODES 1000000ULL

/*
 * The direct variant's view: the same layouts as af_xdp_kern.c, written
 * by hand. This is what a shared header would give, and what BTF decoding
 * is measured against.
 */
struct rx_time_hint {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

struct mark_hint {
	__u32 mark;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));

/* Start-up state every variant may use; none of it is built in the loop. */
struct decode_setup {
	unsigned char *pool;
	void *pkts[FRAME_POOL];
	__u32 rx_time_id, mark_id;
	struct xsk_btf_info *rx_time_xbi, *mark_xbi;
	/* (b) xsk_btf__field_member */
	struct xsk_btf_member m_rx_ktime, m_rx_cpu, m_mark;
	/* (b') xsk_btf__resolve_field */
	struct xsk_hint_field f_rx_ktime, f_rx_cpu, f_mark;
	/* (d) the registry and, per registered hint, its resolved fields */
	struct xsk_hint_registry *registry;
	const struct xsk_btf_info *reg_rx_time, *reg_mark;
	struct xsk_hint_dispatch dispatch;
	int reg_rx_time_index, reg_mark_index;
	struct xsk_hint_field rf_rx_ktime, rf_rx_cpu, rf_mark;
	/* (e) the receiver's own decoder (common/hint_decoder.h) */
	struct hint_decoder decoder;
};

static volatile __u64 sink;

#define NOINLINE __attribute__((noinline))

static inline void *pkt_at(const struct decode_setup *s, __u64 i)
{
	return s->pkts[i & (FRAME_POOL - 1)];
}

/* Only the loop and the sink: what every variant pays besides decoding. */
NOINLINE static __u64 run_loop(const struct decode_setup *s, __u64 n)
{
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++)
		sum += (__u64)(uintptr_t)pkt_at(s, i) & 1;
	sink = sum;
	return sum;
}

/* (a) Hand-written structs, switch on ids looked up once. */
NOINLINE static __u64 run_direct(const struct decode_setup *s, __u64 n)
{
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		const unsigned char *pkt = pkt_at(s, i);
		__u32 btf_id = xsk_umem__btf_id((void *)pkt);

		if (btf_id == s->rx_time_id) {
			const struct rx_time_hint *h = (const void *)(pkt - sizeof(*h));

			sum += h->rx_ktime + h->xdp_rx_cpu;
		} else if (btf_id == s->mark_id) {
			const struct mark_hint *h = (const void *)(pkt - sizeof(*h));

			sum += h->mark;
		}
	}
	sink = sum;
	return sum;
}

/* (b) Members resolved at start-up, read with XSK_BTF_READ_INTO. */
NOINLINE static __u64 run_member(const struct decode_setup *s, __u64 n)
{
	/* Locals, as a receiver's hot loop keeps them: in registers. */
	struct xsk_btf_member m_rx_ktime = s->m_rx_ktime, m_rx_cpu = s->m_rx_cpu,
			      m_mark = s->m_mark;
	struct xsk_btf_info *rx_time_xbi = s->rx_time_xbi, *mark_xbi = s->mark_xbi;
	const __u32 rx_time_id = s->rx_time_id, mark_id = s->mark_id;
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		void *pkt = pkt_at(s, i);
		__u32 btf_id = xsk_umem__btf_id(pkt);
		__u64 rx_ktime;
		__u32 rx_cpu, mark;

		if (btf_id == rx_time_id) {
			if (!XSK_BTF_READ_INTO(rx_ktime, &m_rx_ktime, rx_time_xbi, pkt) &&
			    !XSK_BTF_READ_INTO(rx_cpu, &m_rx_cpu, rx_time_xbi, pkt))
				sum += rx_ktime + rx_cpu;
		} else if (btf_id == mark_id) {
			if (!XSK_BTF_READ_INTO(mark, &m_mark, mark_xbi, pkt))
				sum += mark;
		}
	}
	sink = sum;
	return sum;
}

/* (b') Fields resolved to packet offsets at start-up, inline readers. */
NOINLINE static __u64 run_field(const struct decode_setup *s, __u64 n)
{
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		void *pkt = pkt_at(s, i);
		__u32 btf_id = xsk_umem__btf_id(pkt);

		if (btf_id == s->rx_time_id)
			sum += xsk_hint_field__u64(&s->f_rx_ktime, pkt) +
			       xsk_hint_field__u32(&s->f_rx_cpu, pkt);
		else if (btf_id == s->mark_id)
			sum += xsk_hint_field__u32(&s->f_mark, pkt);
	}
	sink = sum;
	return sum;
}

/* (c) By name, every packet: xsk_btf__read_field() hashes the name. */
NOINLINE static __u64 run_by_name(const struct decode_setup *s, __u64 n)
{
	struct xsk_btf_info *rx_time_xbi = s->rx_time_xbi, *mark_xbi = s->mark_xbi;
	const __u32 rx_time_id = s->rx_time_id, mark_id = s->mark_id;
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		void *pkt = pkt_at(s, i);
		__u32 btf_id = xsk_umem__btf_id(pkt);
		__u64 rx_ktime;
		__u32 rx_cpu, mark;

		if (btf_id == rx_time_id) {
			if (!XSK_BTF_READ_FIELD_INTO(rx_ktime, rx_ktime, rx_time_xbi, pkt) &&
			    !XSK_BTF_READ_FIELD_INTO(rx_cpu, xdp_rx_cpu, rx_time_xbi, pkt))
				sum += rx_ktime + rx_cpu;
		} else if (btf_id == mark_id) {
			if (!XSK_BTF_READ_FIELD_INTO(mark, mark, mark_xbi, pkt))
				sum += mark;
		}
	}
	sink = sum;
	return sum;
}

/* (d) The registry's dispatch table finds the hint by btf_id, inline; its
 * fields were resolved at start-up for each registered hint. */
NOINLINE static __u64 run_registry(const struct decode_setup *s, __u64 n)
{
	__u64 sum = 0;

	/* Locals, as a receiver's hot loop keeps them: in registers. */
	const struct xsk_hint_dispatch dispatch = s->dispatch;
	const struct xsk_hint_field ktime = s->rf_rx_ktime, cpu = s->rf_rx_cpu,
				    mark = s->rf_mark;
	const int rx_time_index = s->reg_rx_time_index, mark_index = s->reg_mark_index;

	for (__u64 i = 0; i < n; i++) {
		void *pkt = pkt_at(s, i);
		int index = xsk_hint_dispatch__index(&dispatch, pkt);

		if (index == rx_time_index)
			sum += xsk_hint_field__u64(&ktime, pkt) + xsk_hint_field__u32(&cpu, pkt);
		else if (index == mark_index)
			sum += xsk_hint_field__u32(&mark, pkt);
	}
	sink = sum;
	return sum;
}

/* (e) What af_xdp_user does per packet: common/hint_decoder.h. */
NOINLINE static __u64 run_tool(const struct decode_setup *s, __u64 n)
{
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		struct decoded_hint h;

		hint_decoder_decode(&s->decoder, pkt_at(s, i), &h);
		if (h.has_rx_ktime)
			sum += h.rx_ktime;
		if (h.has_rx_cpu)
			sum += h.rx_cpu;
		if (h.has_mark)
			sum += h.mark;
	}
	sink = sum;
	return sum;
}

struct variant {
	const char *name;
	__u64 (*run)(const struct decode_setup *s, __u64 n);
};

static const struct variant variants[] = {
	{ "loop", run_loop },
	{ "direct", run_direct },
	{ "member", run_member },
	{ "field", run_field },
	{ "by_name", run_by_name },
	{ "registry", run_registry },
	{ "tool", run_tool },
};

#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

/* xorshift64: a fixed, reproducible layout mix and field values. */
static __u64 next_random(__u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void build_frames(struct decode_setup *s)
{
	__u64 state = 0x9E3779B97F4A7C15ull;

	for (__u32 i = 0; i < FRAME_POOL; i++) {
		unsigned char *pkt = s->pool + (size_t)i * FRAME_SIZE + FRAME_HEADROOM;
		__u64 r = next_random(&state);

		s->pkts[i] = pkt;
		if (r % 4) {
			struct rx_time_hint h = {
				.rx_ktime = r >> 8,
				.xdp_rx_cpu = (__u32)(r & 1),
				.btf_id = s->rx_time_id,
			};
			memcpy(pkt - sizeof(h), &h, sizeof(h));
		} else {
			struct mark_hint h = { .mark = (__u32)(r >> 40) & 3, .btf_id = s->mark_id };

			memcpy(pkt - sizeof(h), &h, sizeof(h));
		}
	}
}

static int resolve_all(struct decode_setup *s, struct btf *btf)
{
	int err;

	err = xsk_btf__init_xdp_hint(btf, "xdp_hints_rx_time", &s->rx_time_xbi);
	if (!err)
		err = xsk_btf__init_xdp_hint(btf, "xdp_hints_mark", &s->mark_xbi);
	if (err)
		return err;
	s->rx_time_id = xsk_btf__btf_type_id(s->rx_time_xbi);
	s->mark_id = xsk_btf__btf_type_id(s->mark_xbi);

	if (!xsk_btf__field_member("rx_ktime", s->rx_time_xbi, &s->m_rx_ktime) ||
	    !xsk_btf__field_member("xdp_rx_cpu", s->rx_time_xbi, &s->m_rx_cpu) ||
	    !xsk_btf__field_member("mark", s->mark_xbi, &s->m_mark))
		return -ENOENT;
	err = xsk_btf__resolve_field(s->rx_time_xbi, "rx_ktime", &s->f_rx_ktime);
	if (!err)
		err = xsk_btf__resolve_field(s->rx_time_xbi, "xdp_rx_cpu", &s->f_rx_cpu);
	if (!err)
		err = xsk_btf__resolve_field(s->mark_xbi, "mark", &s->f_mark);
	if (err)
		return err;

	err = xsk_hint_registry__new(btf, &s->registry);
	if (err)
		return err;
	s->reg_rx_time = xsk_hint_registry__find(s->registry, "xdp_hints_rx_time");
	s->reg_mark = xsk_hint_registry__find(s->registry, "xdp_hints_mark");
	if (!s->reg_rx_time || !s->reg_mark)
		return -ENOENT;
	err = xsk_btf__resolve_field(s->reg_rx_time, "rx_ktime", &s->rf_rx_ktime);
	if (!err)
		err = xsk_btf__resolve_field(s->reg_rx_time, "xdp_rx_cpu", &s->rf_rx_cpu);
	if (!err)
		err = xsk_btf__resolve_field(s->reg_mark, "mark", &s->rf_mark);
	if (!err)
		err = xsk_hint_registry__dispatch_table(s->registry, &s->dispatch);
	if (err)
		return err;
	s->reg_rx_time_index = xsk_hint_registry__index(s->registry,
							xsk_btf__btf_type_id(s->reg_rx_time));
	s->reg_mark_index = xsk_hint_registry__index(s->registry,
						     xsk_btf__btf_type_id(s->reg_mark));
	return hint_decoder_init(&s->decoder, btf);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: bench_decode BPF_OBJECT VARIANT [DECODES]\n"
		     "  VARIANT: all");
	for (size_t i = 0; i < N_VARIANTS; i++)
		fprintf(out, " | %s", variants[i].name);
	fprintf(out, "\n  DECODES: default %llu; 'all' runs each variant once and checks that\n"
		     "  they agree (run one variant under callgrind --toggle-collect=run_VARIANT)\n",
		DEFAULT_DECODES);
}

int main(int argc, char **argv)
{
	struct decode_setup setup = { 0 };
	uint64_t decodes = DEFAULT_DECODES;
	__u64 expected = 0;
	const char *variant;
	struct btf *btf = NULL;
	int ret = 1, err;

	if (argc < 3 || argc > 4 ||
	    (argc == 4 && parse_u64(argv[3], 1, UINT64_MAX / 2, &decodes))) {
		usage(stderr);
		return 2;
	}
	variant = argv[2];

	btf = btf__parse(argv[1], NULL);
	if (!btf) {
		fprintf(stderr, "bench_decode: %s: cannot read BTF: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	/* Kept so that a hint's bytes never touch the previous frame. */
	setup.pool = aligned_alloc(64, (size_t)FRAME_POOL * FRAME_SIZE);
	if (!setup.pool) {
		fprintf(stderr, "bench_decode: out of memory for %u frames\n", FRAME_POOL);
		goto cleanup;
	}
	memset(setup.pool, 0, (size_t)FRAME_POOL * FRAME_SIZE);
	err = resolve_all(&setup, btf);
	if (err) {
		fprintf(stderr, "bench_decode: %s: xdp_hints_rx_time/xdp_hints_mark and their fields: %s\n",
			argv[1], strerror(-err));
		goto cleanup;
	}
	build_frames(&setup);

	for (size_t i = 0; i < N_VARIANTS; i++) {
		__u64 sum;

		if (strcmp(variant, "all") && strcmp(variant, variants[i].name))
			continue;
		sum = variants[i].run(&setup, decodes);
		printf("%-8s decodes %llu sum %llu\n", variants[i].name,
		       (unsigned long long)decodes, (unsigned long long)sum);
		if (i == 0)
			continue;
		if (expected && sum != expected) {
			fprintf(stderr, "bench_decode: variant %s disagrees: sum %llu, expected %llu\n",
				variants[i].name, (unsigned long long)sum,
				(unsigned long long)expected);
			goto cleanup;
		}
		expected = sum;
	}
	if (!strcmp(variant, "all") || expected || !strcmp(variant, "loop"))
		ret = 0;
	else
		fprintf(stderr, "bench_decode: unknown variant '%s'\n", variant);

cleanup:
	hint_decoder_free(&setup.decoder);
	xsk_hint_registry__free(setup.registry);
	xsk_btf__free_xdp_hint(setup.rx_time_xbi);
	xsk_btf__free_xdp_hint(setup.mark_xbi);
	free(setup.pool);
	btf__free(btf);
	return ret;
}
