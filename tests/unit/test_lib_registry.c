// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend registry: which structs become hints, dispatch by btf_id,
 * on in-memory BTF, on the clang-built hint_structs object, on vmlinux, and
 * on metadata written by the kernel (BPF_PROG_TEST_RUN).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "lib_xsk_extend.h"
#include "hint_test_btf.h"

/* Two valid hints, three rejected ones, two structs that are not hints. */
struct mixed_btf {
	struct btf *btf;
	int hint_a, hint_b, padded, short_id, bits, field_after, plain;
};

static void mixed_btf_build(struct mixed_btf *m)
{
	struct test_types ty;

	m->btf = test_btf_new(&ty);
	m->hint_a = test_struct(m->btf, "hint_a", 8);
	test_field(m->btf, "a", ty.u32, 0);
	test_field(m->btf, "btf_id", ty.u32, 4);
	m->padded = test_struct(m->btf, "padded", 16);
	test_field(m->btf, "ts", ty.u64, 0);
	test_field(m->btf, "btf_id", ty.u32, 8);
	m->field_after = test_struct(m->btf, "field_after", 8);
	test_field(m->btf, "btf_id", ty.u32, 0);
	test_field(m->btf, "b", ty.u32, 4);
	m->short_id = test_struct(m->btf, "short_id", 4);
	test_field(m->btf, "x", ty.u16, 0);
	test_field(m->btf, "btf_id", ty.u16, 2);
	m->plain = test_struct(m->btf, "plain", 4);
	test_field(m->btf, "x", ty.u32, 0);
	m->bits = test_struct(m->btf, "bits", 8);
	assert_int_equal(btf__add_field(m->btf, "flag", ty.u32, 0, 1), 0);
	test_field(m->btf, "btf_id", ty.u32, 4);
	m->hint_b = test_struct(m->btf, "hint_b", 12);
	test_field(m->btf, "b", ty.u64, 0);
	test_field(m->btf, "btf_id", ty.u32, 8);
}

static void test_registry_counts_and_order(void **state)
{
	struct xsk_hints *reg = NULL;
	struct mixed_btf m;

	(void)state;
	mixed_btf_build(&m);
	assert_int_equal(new_hints(m.btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 2);
	/* Every struct with a btf_id member that is no hint, with the reason. */
	assert_int_equal(xsk_hints__rejected_cnt(reg), 4);
	{
		static const struct {
			const char *name;
			enum xsk_hints_reason reason;
		} want[] = {
			{ "padded", XSK_HINTS_TAIL_PADDING },
			{ "field_after", XSK_HINTS_BTF_ID_NOT_LAST },
			{ "short_id", XSK_HINTS_BTF_ID_SIZE },
			{ "bits", XSK_HINTS_BITFIELD },
		};
		enum xsk_hints_reason reason;
		__u32 btf_id;
		size_t i;

		for (i = 0; i < 4; i++) {
			const char *name = xsk_hints__rejected(reg, i, &btf_id, &reason);

			assert_non_null(name);
			assert_string_equal(name, want[i].name);
			assert_int_equal(reason, want[i].reason);
			assert_true(btf_id > 0);
			assert_ptr_not_equal(strstr(xsk_hints_reason_str(reason), " "), NULL);
		}
		assert_null(xsk_hints__rejected(reg, 4, NULL, NULL));
		assert_int_equal(errno, ENOENT);
	}
	assert_string_equal(xsk_hint__name(xsk_hints__hint(reg, 0)), "hint_a");
	assert_string_equal(xsk_hint__name(xsk_hints__hint(reg, 1)), "hint_b");
	assert_null(xsk_hints__hint(reg, 2));
	xsk_hints__free(reg);
	btf__free(m.btf);
}

static void test_registry_lookup(void **state)
{
	struct xsk_hints *reg = NULL;
	struct mixed_btf m;

	(void)state;
	mixed_btf_build(&m);
	assert_int_equal(new_hints(m.btf, &reg), 0);
	assert_int_equal(xsk_hint__btf_id(hints_lookup(reg, m.hint_a)), m.hint_a);
	assert_int_equal(xsk_hint__btf_id(hints_lookup(reg, m.hint_b)), m.hint_b);
	assert_null(hints_lookup(reg, XSK_HINTS_NO_HINT));
	assert_null(hints_lookup(reg, m.padded));
	assert_null(hints_lookup(reg, m.field_after));
	assert_null(hints_lookup(reg, m.plain));
	assert_null(hints_lookup(reg, 1)); /* an int */
	assert_null(hints_lookup(reg, 0xffffffffu));
	xsk_hints__free(reg);
	btf__free(m.btf);
}

static void test_registry_find(void **state)
{
	struct xsk_hints *reg = NULL;
	struct mixed_btf m;

	(void)state;
	mixed_btf_build(&m);
	assert_int_equal(new_hints(m.btf, &reg), 0);
	assert_int_equal(xsk_hint__btf_id(hints_find(reg, "hint_b")), m.hint_b);
	assert_null(hints_find(reg, "padded"));
	assert_null(hints_find(reg, "hint_"));
	assert_null(hints_find(reg, NULL));
	xsk_hints__free(reg);
	btf__free(m.btf);
}

static void test_registry_dispatch_fake_frame(void **state)
{
	struct xsk_hints *reg = NULL;
	unsigned char frame[FRAME_SIZE];
	struct { __u64 b; __u32 btf_id; } __attribute__((packed)) hint_b;
	const struct xsk_hint *xbi;
	struct mixed_btf m;
	__u64 b = 0;
	void *pkt;

	(void)state;
	mixed_btf_build(&m);
	assert_int_equal(new_hints(m.btf, &reg), 0);
	hint_b.b = 0xdeadbeef01ULL;
	hint_b.btf_id = m.hint_b;
	pkt = frame_with_hint(frame, &hint_b, sizeof(hint_b));
	xbi = hints_dispatch_pkt(reg, pkt);
	assert_non_null(xbi);
	assert_int_equal(HINT_READ(b, "b", xbi, pkt), 0);
	assert_int_equal(b, 0xdeadbeef01ULL);

	/* A rejected struct's id is "unknown", not a hint to decode. */
	hint_b.btf_id = m.padded;
	pkt = frame_with_hint(frame, &hint_b, sizeof(hint_b));
	assert_null(hints_dispatch_pkt(reg, pkt));
	xsk_hints__free(reg);
	btf__free(m.btf);
}

/* Enough hints that lookups must walk probe chains. */
static void test_registry_many_hints(void **state)
{
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int ids[300], i;
	char name[32];

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "hint_%d", i);
		ids[i] = test_struct(btf, name, 4);
		test_field(btf, "btf_id", ty.u32, 0);
		/* Non-hint types in between spread the ids. */
		assert_true(btf__add_ptr(btf, ids[i]) > 0);
	}
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 300);
	for (i = 0; i < 300; i++) {
		const struct xsk_hint *xbi = hints_lookup(reg, ids[i]);

		snprintf(name, sizeof(name), "hint_%d", i);
		assert_non_null(xbi);
		assert_string_equal(xsk_hint__name(xbi), name);
		assert_null(hints_lookup(reg, ids[i] + 1));
	}
	xsk_hints__free(reg);
	btf__free(btf);
}

/*
 * Hints far apart in one BTF (as in vmlinux or a module): the table spans
 * every id between them, and the ids in between are no hint.
 */
static void test_registry_sparse_ids(void **state)
{
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int first, last, i;

	(void)state;
	first = test_struct(btf, "hint_first", 8);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	/* Thousands of unrelated types between the two hints. */
	for (i = 0; i < 5000; i++)
		assert_true(btf__add_ptr(btf, ty.u32) > 0);
	last = test_struct(btf, "hint_last", 12);
	test_field(btf, "rx_ktime", ty.u64, 0);
	test_field(btf, "btf_id", ty.u32, 8);

	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 2);
	assert_int_equal(xsk_hints__dispatch(reg, first), 0);
	assert_int_equal(xsk_hints__dispatch(reg, last), 1);
	assert_ptr_equal(hints_lookup(reg, last), xsk_hints__hint(reg, 1));
	assert_int_equal(xsk_hints__dispatch(reg, first + 1), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(reg, XSK_HINTS_NO_HINT), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(reg, last + 1), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(reg, 0xffffffffu), -ENOENT);
	assert_null(hints_lookup(reg, first + 2));
	xsk_hints__free(reg);
	btf__free(btf);
}

/* Dense case: index is the position in xsk_hints__hint() order. */
static void test_registry_index(void **state)
{
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int a, b;

	(void)state;
	a = test_struct(btf, "hint_a", 8);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	b = test_struct(btf, "hint_b", 8);
	test_field(btf, "seq", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);

	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__dispatch(reg, a), 0);
	assert_int_equal(xsk_hints__dispatch(reg, b), 1);
	assert_int_equal(xsk_hints__dispatch(reg, a - 1), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(reg, b + 1), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(reg, 0), -ENOENT);
	assert_int_equal(xsk_hints__dispatch(NULL, a), -EINVAL);

	xsk_hints__free(reg);
	btf__free(btf);
}

/*
 * The public btf_id table (struct xsk_hints_index): exact over the span of
 * the hints' ids, -ENOENT below it, past it, for 0, and for the rejected
 * and plain structs inside it; always the same answer as
 * xsk_hints__dispatch(); a copy of the struct answers as well.
 */
static void test_registry_public_index(void **state)
{
	const struct xsk_hints_index *idx;
	struct xsk_hints_index copy;
	struct xsk_hints *reg = NULL;
	struct mixed_btf m;
	__u32 id;

	(void)state;
	mixed_btf_build(&m);
	assert_int_equal(new_hints(m.btf, &reg), 0);
	idx = xsk_hints__index(reg);
	assert_non_null(idx);
	assert_ptr_equal(xsk_hints__index(reg), idx); /* the registry's own */
	assert_int_equal(idx->first_btf_id, m.hint_a);
	assert_int_equal(idx->n, m.hint_b - m.hint_a + 1);
	assert_non_null(idx->slot);

	assert_int_equal(xsk_hints_index__lookup(idx, m.hint_a), 0);
	assert_int_equal(xsk_hints_index__lookup(idx, m.hint_b), 1);
	/* Below the first hint: 0, the base types, and the wrap. */
	assert_int_equal(xsk_hints_index__lookup(idx, XSK_HINTS_NO_HINT), -ENOENT);
	for (id = 1; id < (__u32)m.hint_a; id++)
		assert_int_equal(xsk_hints_index__lookup(idx, id), -ENOENT);
	/* Past the last: the first id after it, far after it. */
	assert_int_equal(xsk_hints_index__lookup(idx, m.hint_b + 1), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, m.hint_b + 4096), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, 0xffffffffu), -ENOENT);
	/* Inside the span: rejected structs and a struct with no btf_id. */
	assert_int_equal(xsk_hints_index__lookup(idx, m.padded), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, m.field_after), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, m.short_id), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, m.bits), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, m.plain), -ENOENT);

	copy = *idx;
	for (id = 0; id < (__u32)m.hint_b + 8; id++) {
		assert_int_equal(xsk_hints_index__lookup(idx, id),
				 xsk_hints__dispatch(reg, id));
		assert_int_equal(xsk_hints_index__lookup(&copy, id),
				 xsk_hints__dispatch(reg, id));
	}
	xsk_hints__free(reg);
	btf__free(m.btf);
}

/* An index with no hints: every id, 0 and the largest included, is none. */
static void test_registry_public_index_empty(void **state)
{
	const struct xsk_hints_index *idx;
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int plain;

	(void)state;
	plain = test_struct(btf, "plain", 4);
	test_field(btf, "x", ty.u32, 0);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 0);
	idx = xsk_hints__index(reg);
	assert_non_null(idx);
	assert_int_equal(idx->n, 0);
	assert_non_null(idx->slot);
	assert_int_equal(xsk_hints_index__lookup(idx, XSK_HINTS_NO_HINT), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, 1), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, plain), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(idx, 0xffffffffu), -ENOENT);
	xsk_hints__free(reg);
	btf__free(btf);

	errno = 0;
	assert_null(xsk_hints__index(NULL));
	assert_int_equal(errno, EINVAL);
}

/*
 * The inline bounds check on an index whose table is followed by memory
 * that is not its own: a slot past n must never be read. The layout of the
 * struct is ABI, so a table built by hand is a fair stand-in.
 */
static void test_index_bounds(void **state)
{
	/* Slots for ids 10, 11, 12, then a guard that is not in the table. */
	static const __s32 table[] = { 0, -ENOENT, 1, 7 };
	const struct xsk_hints_index idx = { .first_btf_id = 10, .n = 3, .slot = table };

	(void)state;
	assert_int_equal(xsk_hints_index__lookup(&idx, 10), 0);
	assert_int_equal(xsk_hints_index__lookup(&idx, 11), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(&idx, 12), 1);
	assert_int_equal(xsk_hints_index__lookup(&idx, 13), -ENOENT); /* not the guard */
	assert_int_equal(xsk_hints_index__lookup(&idx, 9), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(&idx, 0), -ENOENT);
	assert_int_equal(xsk_hints_index__lookup(&idx, 0xffffffffu), -ENOENT);
}

static void test_registry_empty_and_null(void **state)
{
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	assert_int_equal(new_hints(NULL, &reg), -EINVAL);
	assert_null(reg);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 0);
	assert_int_equal(xsk_hints__rejected_cnt(reg), 0);
	assert_null(xsk_hints__hint(reg, 0));
	assert_int_equal(errno, ENOENT);
	assert_null(hints_lookup(reg, ty.u32));
	xsk_hints__free(reg);

	assert_int_equal(xsk_hints__cnt(NULL), 0);
	assert_int_equal(xsk_hints__rejected_cnt(NULL), 0);
	assert_null(xsk_hints__hint(NULL, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(hints_lookup(NULL, 1));
	assert_null(xsk_hints__rejected(NULL, 0, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(hints_find(NULL, "x"));
	xsk_hints__free(NULL);
	btf__free(btf);
}

/* A module's split BTF: only the module's own types are scanned. */
static void test_registry_split_btf(void **state)
{
	struct xsk_hints *reg = NULL;
	struct test_types ty;
	struct btf *base = test_btf_new(&ty), *split;
	int base_hint, split_hint;

	(void)state;
	base_hint = test_struct(base, "base_hint", 4);
	test_field(base, "btf_id", ty.u32, 0);
	split = btf__new_empty_split(base);
	assert_non_null(split);
	split_hint = test_struct(split, "module_hint", 8);
	test_field(split, "mark", ty.u32, 0);
	test_field(split, "btf_id", ty.u32, 4);
	assert_int_equal(new_hints(split, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 1);
	assert_non_null(hints_lookup(reg, split_hint));
	assert_null(hints_lookup(reg, base_hint));
	xsk_hints__free(reg);
	btf__free(split);
	btf__free(base);
}

/* ---- the clang-built object ------------------------------------------------ */

static void test_object_registry(void **state)
{
	static const char *const invalid[] = {
		"xdp_hints_field_after_btf_id", "xdp_hints_tail_padding",
		"xdp_hints_bitfield", "xdp_hints_short_btf_id",
		"xdp_hints_odd_size", "xdp_hints_too_big",
	};
	struct xsk_hints *reg = NULL;
	struct btf *btf = btf__parse(HINT_STRUCTS_OBJ, NULL);
	size_t i;

	(void)state;
	assert_non_null(btf);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 3);
	/* All six invalid ones are listed, field_after_btf_id included. */
	assert_int_equal(xsk_hints__rejected_cnt(reg), 6);
	assert_string_equal(xsk_hint__name(xsk_hints__hint(reg, 0)), "xdp_hints_rx_time");
	assert_string_equal(xsk_hint__name(xsk_hints__hint(reg, 1)), "xdp_hints_mark");
	assert_string_equal(xsk_hint__name(xsk_hints__hint(reg, 2)), "xdp_hints_rich");
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		assert_null(hints_find(reg, invalid[i]));
	xsk_hints__free(reg);
	btf__free(btf);
}

/* Each invalid struct clang produced is rejected for its own reason. */
static void test_object_validation_errors(void **state)
{
	static const struct {
		const char *name;
		int err;
	} cases[] = {
		{ "xdp_hints_rx_time", 0 },
		{ "xdp_hints_mark", 0 },
		{ "xdp_hints_rich", 0 },
		{ "xdp_hints_field_after_btf_id", XSK_HINTS_BTF_ID_NOT_LAST },
		{ "xdp_hints_tail_padding", XSK_HINTS_TAIL_PADDING },
		{ "xdp_hints_bitfield", XSK_HINTS_BITFIELD },
		{ "xdp_hints_short_btf_id", XSK_HINTS_BTF_ID_SIZE },
		{ "xdp_hints_odd_size", XSK_HINTS_SIZE_NOT_ALIGNED },
		{ "xdp_hints_too_big", XSK_HINTS_TOO_LARGE },
		{ "hint_vlan", -ENOENT },
		{ "no_such_struct", -ENOENT },
	};
	struct btf *btf = btf__parse(HINT_STRUCTS_OBJ, NULL);
	size_t i;

	(void)state;
	assert_non_null(btf);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = hint_verdict(btf, cases[i].name);

		if (err != cases[i].err)
			fail_msg("struct %s: expected %d, got %d", cases[i].name,
				 cases[i].err, err);
	}
	btf__free(btf);
}

static void test_object_rich_reads(void **state)
{
	struct btf *btf = btf__parse(HINT_STRUCTS_OBJ, NULL);
	struct rich_hint hint = {
		.ifname = "veth1", .src_mac = { 2, 0, 0, 0, 0, 1 },
		.vlan = { 100, 0x8100 }, .temp = -40, .l4 = 17, .valid = 1,
		.flow_hash = 0x01020304,
	};
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	unsigned char frame[FRAME_SIZE];
	struct { __u16 tci, proto; } vlan;
	char ifname[6];
	__u16 flow_port;
	void *pkt;

	(void)state;
	assert_non_null(btf);
	xbi = hint_open(btf, "xdp_hints_rich", &xbi_hints);
	assert_non_null(xbi);
	assert_int_equal(xsk_hint__size(xbi), sizeof(hint));
	hint.btf_id = xsk_hint__btf_id(xbi);
	pkt = frame_with_hint(frame, &hint, sizeof(hint));

	assert_int_equal(HINT_READ(ifname, "ifname", xbi, pkt), 0);
	assert_string_equal(ifname, "veth1");
	assert_int_equal(HINT_READ(vlan, "vlan", xbi, pkt), 0);
	assert_int_equal(vlan.tci, 100);
	assert_int_equal(vlan.proto, 0x8100);
	/* const volatile __s32 resolves to 4 bytes: a u32 handle, cast. */
	assert_int_equal((__s32)hint_u32(xbi, "temp", pkt), -40);
	assert_int_equal(HINT_READ(flow_port, "flow_port", xbi, pkt), 0);
	assert_int_equal(flow_port, 0x0304);
	xsk_hints__free(xbi_hints);
	btf__free(btf);
}

/* ---- vmlinux ----------------------------------------------------------------- */

static void test_vmlinux_registry(void **state)
{
	struct xsk_hints *reg = NULL;
	struct btf *btf = NULL;
	struct timespec t0, t1;
	int skb, err;
	size_t i;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		print_message("# /sys/kernel/btf/vmlinux is absent: skipping\n");
		skip();
	}
	{
		XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .vmlinux = true);

		btf = xsk_hints__load_btf(&opts);
		assert_non_null(btf);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = new_hints(btf, &reg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(err, 0);
	print_message("# vmlinux: %u types, %zu hints, %zu rejected, scanned in %.1f ms\n",
		      btf__type_cnt(btf), xsk_hints__cnt(reg),
		      xsk_hints__rejected_cnt(reg),
		      (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	for (i = 0; i < xsk_hints__cnt(reg); i++) {
		const struct xsk_hint *xbi = xsk_hints__hint(reg, i);

		assert_ptr_equal(hints_lookup(reg, xsk_hint__btf_id(xbi)), xbi);
	}
	skb = btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT);
	assert_true(skb > 0);
	assert_null(hints_lookup(reg, skb));
	xsk_hints__free(reg);
	btf__free(btf);
}

/* ---- metadata written by the kernel -------------------------------------- */

/*
 * Run write_rx_time_hint on a frame with BPF_PROG_TEST_RUN: the output is
 * metadata followed by the packet, exactly what AF_XDP hands a receiver.
 * Proves that bpf_core_type_id_local() in the kernel and the registry built
 * from the object's BTF agree on the id.
 */
static void test_kernel_written_hint(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_STRUCTS_OBJ, NULL);
	unsigned char pkt_in[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = pkt_in, .data_size_in = sizeof(pkt_in),
		    .data_out = out, .data_size_out = sizeof(out),
		    .repeat = 1);
	struct xsk_hints *reg = NULL;
	struct bpf_program *prog;
	struct timespec t0, t1;
	const struct xsk_hint *xbi;
	__u64 before, after, stamp;
	int err;

	(void)state;
	assert_non_null(obj);
	err = bpf_object__load(obj);
	if (err == -EPERM) {
		bpf_object__close(obj);
		print_message("# loading BPF needs root/CAP_BPF: skipping\n");
		skip();
	}
	assert_int_equal(err, 0);
	prog = bpf_object__find_program_by_name(obj, "write_rx_time_hint");
	assert_non_null(prog);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(opts.retval, XDP_PASS);

	assert_int_equal(new_hints(bpf_object__btf(obj), &reg), 0);
	xbi = hints_find(reg, "xdp_hints_rx_time");
	assert_non_null(xbi);
	assert_int_equal(opts.data_size_out, xsk_hint__size(xbi) + sizeof(pkt_in));
	/* The packet follows the metadata in the output. */
	assert_memory_equal(out + xsk_hint__size(xbi), pkt_in, sizeof(pkt_in));
	assert_ptr_equal(hints_dispatch_pkt(reg, out + xsk_hint__size(xbi)), xbi);

	stamp = hint_u64(xbi, "rx_ktime", out + xsk_hint__size(xbi));
	before = t0.tv_sec * 1000000000ULL + t0.tv_nsec;
	after = t1.tv_sec * 1000000000ULL + t1.tv_nsec;
	assert_in_range(stamp, before, after);
	assert_true(hint_u32(xbi, "xdp_rx_cpu", out + xsk_hint__size(xbi)) <
		    (__u32)libbpf_num_possible_cpus());
	xsk_hints__free(reg);
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_counts_and_order),
		cmocka_unit_test(test_registry_lookup),
		cmocka_unit_test(test_registry_find),
		cmocka_unit_test(test_registry_dispatch_fake_frame),
		cmocka_unit_test(test_registry_many_hints),
		cmocka_unit_test(test_registry_sparse_ids),
		cmocka_unit_test(test_registry_index),
		cmocka_unit_test(test_registry_public_index),
		cmocka_unit_test(test_registry_public_index_empty),
		cmocka_unit_test(test_index_bounds),
		cmocka_unit_test(test_registry_empty_and_null),
		cmocka_unit_test(test_registry_split_btf),
		cmocka_unit_test(test_object_registry),
		cmocka_unit_test(test_object_validation_errors),
		cmocka_unit_test(test_object_rich_reads),
		cmocka_unit_test(test_vmlinux_registry),
		cmocka_unit_test(test_kernel_written_hint),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend registry", tests, NULL, NULL);
}
