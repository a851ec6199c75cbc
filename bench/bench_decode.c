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
	/* (b) typed handles: width checked at resolve, read with one load */
	struct xsk_hint_u64 t_rx_ktime;
	struct xsk_hint_u32 t_rx_cpu, t_mark;
	/* (info) xsk_hint__field(): offset and size, read with a size switch */
	struct xsk_hint_field f_rx_ktime, f_rx_cpu, f_mark;
	/* (c) the registry's btf_id -> hint index table */
	struct xsk_hints *hints;
	struct xsk_hints_index index;
	int rx_time_index, mark_index;
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
		__u32 btf_id = xsk_hints_pkt_btf_id(pkt);

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

/*
 * (b) Typed handles resolved at start-up (xsk_hint__field_u64/u32: the
 * width checked there), read with xsk_hint_u64/u32__read(): one load
 * each, no compare. Switch on ids looked up once.
 */
NOINLINE static __u64 run_field(const struct decode_setup *s, __u64 n)
{
	/* Locals, as a receiver's hot loop keeps them: in registers. */
	const struct xsk_hint_u64 ktime = s->t_rx_ktime;
	const struct xsk_hint_u32 cpu = s->t_rx_cpu, mark = s->t_mark;
	const __u32 rx_time_id = s->rx_time_id, mark_id = s->mark_id;
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		const void *pkt = pkt_at(s, i);
		__u32 btf_id = xsk_hints_pkt_btf_id(pkt);

		if (btf_id == rx_time_id)
			sum += xsk_hint_u64__read(&ktime, pkt) + xsk_hint_u32__read(&cpu, pkt);
		else if (btf_id == mark_id)
			sum += xsk_hint_u32__read(&mark, pkt);
	}
	sink = sum;
	return sum;
}

/*
 * (c) xsk_hints_index__lookup() finds the hint's index by btf_id, inline
 * over the registry's table (struct xsk_hints_index, from
 * xsk_hints__index() at start-up); the fields as in (b).
 */
NOINLINE static __u64 run_registry(const struct decode_setup *s, __u64 n)
{
	const struct xsk_hints_index index = s->index;
	const struct xsk_hint_u64 ktime = s->t_rx_ktime;
	const struct xsk_hint_u32 cpu = s->t_rx_cpu, mark = s->t_mark;
	const int rx_time_index = s->rx_time_index, mark_index = s->mark_index;
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		const void *pkt = pkt_at(s, i);
		int hint = xsk_hints_index__lookup(&index, xsk_hints_pkt_btf_id(pkt));

		if (hint == rx_time_index)
			sum += xsk_hint_u64__read(&ktime, pkt) + xsk_hint_u32__read(&cpu, pkt);
		else if (hint == mark_index)
			sum += xsk_hint_u32__read(&mark, pkt);
	}
	sink = sum;
	return sum;
}

/*
 * (info) The reader for a width learnt at run time: xsk_hint__field()
 * offsets and sizes, read with xsk_hint_field__u64() (a switch on the
 * size every call), dispatch as in (c). What a tool that takes member
 * names from its user pays; not the per-packet path of a receiver.
 */
NOINLINE static __u64 run_checked(const struct decode_setup *s, __u64 n)
{
	const struct xsk_hints_index index = s->index;
	const struct xsk_hint_field ktime = s->f_rx_ktime, cpu = s->f_rx_cpu,
				    mark = s->f_mark;
	const int rx_time_index = s->rx_time_index, mark_index = s->mark_index;
	__u64 sum = 0;

	for (__u64 i = 0; i < n; i++) {
		const void *pkt = pkt_at(s, i);
		int hint = xsk_hints_index__lookup(&index, xsk_hints_pkt_btf_id(pkt));
		__u64 value;

		if (hint == rx_time_index) {
			if (!xsk_hint_field__u64(&ktime, pkt, &value))
				sum += value;
			if (!xsk_hint_field__u64(&cpu, pkt, &value))
				sum += value;
		} else if (hint == mark_index) {
			if (!xsk_hint_field__u64(&mark, pkt, &value))
				sum += value;
		}
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
	{ "field", run_field },
	{ "registry", run_registry },
	{ "checked", run_checked },
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
	const struct xsk_hint *rx_time, *mark;
	int err;

	s->hints = xsk_hints__new(btf, NULL);
	if (!s->hints)
		return -errno;
	s->index = *xsk_hints__index(s->hints);
	s->rx_time_index = xsk_hints__find(s->hints, "xdp_hints_rx_time");
	s->mark_index = xsk_hints__find(s->hints, "xdp_hints_mark");
	if (s->rx_time_index < 0 || s->mark_index < 0)
		return -ENOENT;
	rx_time = xsk_hints__hint(s->hints, (size_t)s->rx_time_index);
	mark = xsk_hints__hint(s->hints, (size_t)s->mark_index);
	s->rx_time_id = xsk_hint__btf_id(rx_time);
	s->mark_id = xsk_hint__btf_id(mark);
	err = xsk_hint__field_u64(rx_time, "rx_ktime", &s->t_rx_ktime);
	if (!err)
		err = xsk_hint__field_u32(rx_time, "xdp_rx_cpu", &s->t_rx_cpu);
	if (!err)
		err = xsk_hint__field_u32(mark, "mark", &s->t_mark);
	if (!err)
		err = xsk_hint__field(rx_time, "rx_ktime", &s->f_rx_ktime);
	if (!err)
		err = xsk_hint__field(rx_time, "xdp_rx_cpu", &s->f_rx_cpu);
	if (!err)
		err = xsk_hint__field(mark, "mark", &s->f_mark);
	if (err)
		return err;
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
	xsk_hints__free(setup.hints);
	free(setup.pool);
	btf__free(btf);
	return ret;
}
