// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend on hint layouts as others publish them: nested hints with
 * btf_id in the last member of the last member, dotted member paths, the
 * kernel selftests' unions and anonymous members, two different structs of
 * one name in a linked object, the btf_id type rules, and the bounds that
 * keep hostile BTF cheap. In-memory BTF for each rule, clang-built objects
 * (tests/bpf/hint_nested.c, tests/bpf/linked/) for the real layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib_xsk_extend.h"
#include "hint_test_btf.h"

#define HINT_NESTED_OBJ TEST_BPF_DIR "/hint_nested.bpf.o"
#define HINT_DUP_LINKED_OBJ TEST_BPF_DIR "/hint_dup_linked.bpf.o"

/* What tests/bpf/hint_nested.c's write_nested_hint writes. */
#define NESTED_RX_TIMESTAMP 0x0102030405060708ULL
#define NESTED_VLAN_TCI 0x0123
#define NESTED_RX_HASH32 0xcafef00d
#define NESTED_QUEUE 3

/* ---- nested layouts, in memory -------------------------------------------- */

/* C view: struct drv { __u64 ts; struct common { __u32 hash; __u32 btf_id; } common; } */
static void test_nested_common_hint(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	struct xsk_hint_field f;
	int common;

	(void)state;
	common = test_struct(btf, "common", 8);
	test_field(btf, "hash", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	test_struct(btf, "drv", 16);
	test_field(btf, "ts", ty.u64, 0);
	test_field(btf, "common", common, 8);

	xbi = hint_open(btf, "drv", &xbi_hints);
	assert_non_null(xbi);
	assert_int_equal(xsk_hint__size(xbi), 16);
	assert_int_equal(xsk_hint__field(xbi, "ts", &f), 0);
	assert_int_equal(f.pkt_offset, -16);
	assert_int_equal(xsk_hint__field(xbi, "common.hash", &f), 0);
	assert_int_equal(f.pkt_offset, -8);
	assert_int_equal(f.size, 4);
	assert_int_equal(xsk_hint__field(xbi, "common.btf_id", &f), 0);
	assert_int_equal(f.pkt_offset, -4);
	/* The nested struct itself is still one member, read whole. */
	assert_int_equal(xsk_hint__field(xbi, "common", &f), 0);
	assert_int_equal(f.pkt_offset, -8);
	assert_int_equal(f.size, 8);
	/* Only real paths: no bare inner name, no partial path. */
	assert_int_equal(xsk_hint__field(xbi, "hash", &f), -ENOENT);
	assert_int_equal(xsk_hint__field(xbi, "common.", &f), -ENOENT);
	assert_int_equal(xsk_hint__field(xbi, "common.hash.x", &f), -ENOENT);
	xsk_hints__free(xbi_hints);
	/* The common hint on its own is a hint too. */
	assert_int_equal(hint_verdict(btf, "common"), 0);
	btf__free(btf);
}

/* btf_id reached through an anonymous struct and a typedef'd one. */
static void test_nested_anonymous_and_typedef(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	struct xsk_hint_field f;
	int anon, named, named_t;

	(void)state;
	anon = test_struct(btf, NULL, 8);
	test_field(btf, "flow", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	test_struct(btf, "with_anon", 12);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, NULL, anon, 4);

	named = test_struct(btf, "tail", 4);
	test_field(btf, "btf_id", ty.u32, 0);
	named_t = btf__add_typedef(btf, "tail_t", named);
	assert_true(named_t > 0);
	test_struct(btf, "with_typedef", 8);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "t", named_t, 4);

	xbi = hint_open(btf, "with_anon", &xbi_hints);
	assert_non_null(xbi);
	/* Anonymous members go by their own names, as in C. */
	assert_int_equal(xsk_hint__field(xbi, "flow", &f), 0);
	assert_int_equal(f.pkt_offset, -8);
	assert_int_equal(xsk_hint__field(xbi, "btf_id", &f), 0);
	assert_int_equal(f.pkt_offset, -4);
	xsk_hints__free(xbi_hints);
	assert_int_equal(hint_verdict(btf, "with_typedef"), 0);
	btf__free(btf);
}

static void test_nested_shape_errors(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int common, level, i, un;

	(void)state;
	common = test_struct(btf, "common", 8);
	test_field(btf, "hash", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);

	/* Padding after the nested hint: btf_id is not at the end. */
	test_struct(btf, "padded_outer", 16);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "common", common, 4);
	assert_int_equal(hint_verdict(btf, "padded_outer"), XSK_HINTS_TAIL_PADDING);

	/* The nested hint is not the last member: btf_id is not either. */
	test_struct(btf, "common_first", 12);
	test_field(btf, "common", common, 0);
	test_field(btf, "extra", ty.u32, 8);
	assert_int_equal(hint_verdict(btf, "common_first"), XSK_HINTS_BTF_ID_NOT_LAST);

	/* A union's last member says nothing about where btf_id is. */
	un = btf__add_union(btf, "tail_union", 8);
	assert_true(un > 0);
	test_field(btf, "u", ty.u64, 0);
	test_field(btf, "btf_id", ty.u32, 0);
	test_struct(btf, "union_last", 8);
	test_field(btf, "tail", un, 0);
	assert_int_equal(hint_verdict(btf, "union_last"), -ENOENT);

	/* A chain of last members deeper than the nesting bound. */
	level = common;
	for (i = 0; i < 12; i++) {
		int id = test_struct(btf, NULL, 8);

		test_field(btf, "next", level, 0);
		level = id;
	}
	test_struct(btf, "deep_chain", 8);
	test_field(btf, "chain", level, 0);
	assert_int_equal(hint_verdict(btf, "deep_chain"), XSK_HINTS_TOO_DEEP);
	btf__free(btf);
}

/* ---- btf_id type rules ------------------------------------------------------ */

static void test_btf_id_must_be_unsigned_u32(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int en = btf__add_enum(btf, "id_enum", 4);
	int fl, ptr, fl_t, u32_t, vol_u32;

	(void)state;
	assert_true(en > 0);
	assert_int_equal(btf__add_enum_value(btf, "ID_ZERO", 0), 0);
	fl = btf__add_float(btf, "float", 4);
	ptr = btf__add_ptr(btf, ty.u32);
	assert_true(fl > 0 && ptr > 0);
	fl_t = btf__add_typedef(btf, "float_t", fl);
	u32_t = btf__add_typedef(btf, "__u32", ty.u32);
	vol_u32 = btf__add_volatile(btf, u32_t);
	assert_true(fl_t > 0 && u32_t > 0 && vol_u32 > 0);

	test_struct(btf, "float_id", 4);
	test_field(btf, "btf_id", fl, 0);
	test_struct(btf, "float_typedef_id", 4);
	test_field(btf, "btf_id", fl_t, 0);
	test_struct(btf, "enum_id", 4);
	test_field(btf, "btf_id", en, 0);
	test_struct(btf, "ptr_id", 8);
	test_field(btf, "btf_id", ptr, 0);
	test_struct(btf, "signed_id", 4);
	test_field(btf, "btf_id", ty.s32, 0);
	test_struct(btf, "volatile_typedef_id", 4);
	test_field(btf, "btf_id", vol_u32, 0);

	assert_int_equal(hint_verdict(btf, "float_id"), XSK_HINTS_BTF_ID_TYPE);
	assert_int_equal(hint_verdict(btf, "float_typedef_id"), XSK_HINTS_BTF_ID_TYPE);
	assert_int_equal(hint_verdict(btf, "enum_id"), XSK_HINTS_BTF_ID_TYPE);
	assert_int_equal(hint_verdict(btf, "ptr_id"), XSK_HINTS_BTF_ID_TYPE);
	assert_int_equal(hint_verdict(btf, "signed_id"), XSK_HINTS_BTF_ID_TYPE);
	assert_int_equal(hint_verdict(btf, "volatile_typedef_id"), 0);
	btf__free(btf);
}

/* ---- ambiguous names --------------------------------------------------------- */

static void test_duplicate_names_in_memory(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	struct xsk_hints *reg = NULL;
	int first, second;

	(void)state;
	first = test_struct(btf, "dup", 12);
	test_field(btf, "ts", ty.u64, 0);
	test_field(btf, "btf_id", ty.u32, 8);
	second = test_struct(btf, "dup", 8);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	test_struct(btf, "unique", 4);
	test_field(btf, "btf_id", ty.u32, 0);

	assert_int_equal(hint_verdict(btf, "dup"), -ENOTUNIQ);
	assert_int_equal(new_hints(btf, &reg), 0);
	/* By id both are there, each with its own layout. */
	assert_int_equal(xsk_hints__cnt(reg), 3);
	assert_int_equal(xsk_hint__size(hints_lookup(reg, first)), 12);
	assert_int_equal(xsk_hint__size(hints_lookup(reg, second)), 8);
	/* By name: a distinct error, never the first one silently. */
	assert_int_equal(xsk_hints__find(reg, "dup"), -ENOTUNIQ);
	errno = 0;
	assert_null(hints_find(reg, "dup"));
	assert_int_equal(errno, ENOTUNIQ);
	assert_int_equal(xsk_hints__find(reg, "nope"), -ENOENT);
	assert_int_equal(xsk_hints__find(reg, "unique"), 2);
	assert_int_equal(xsk_hints__find(NULL, "unique"), -EINVAL);
	xsk_hints__free(reg);
	btf__free(btf);
}

/* ---- bounded work on hostile BTF ------------------------------------------- */

/* Zero-size elements take no room in the hint but a step each to walk. */
static void test_zero_size_elements_bounded(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int empty, huge, small, pair, wide;
	char buf[64];
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	unsigned char frame[FRAME_SIZE];
	__u32 hint[2] = { 0, 0 };
	void *pkt;

	(void)state;
	empty = test_struct(btf, "empty", 0);
	huge = test_array(btf, empty, 0xffffffffu, &ty);
	small = test_array(btf, empty, 100, &ty);
	test_struct(btf, "huge_empty_array", 4);
	test_field(btf, "nothing", huge, 0);
	test_field(btf, "btf_id", ty.u32, 0);
	test_struct(btf, "small_empty_array", 4);
	test_field(btf, "nothing", small, 0);
	test_field(btf, "btf_id", ty.u32, 0);
	/* Arrays of arrays multiply: 4096 x 4096 zero-size elements. */
	pair = test_array(btf, empty, 4096, &ty);
	wide = test_array(btf, pair, 4096, &ty);
	test_struct(btf, "wide_empty_array", 4);
	test_field(btf, "nothing", wide, 0);
	test_field(btf, "btf_id", ty.u32, 0);

	assert_int_equal(hint_verdict(btf, "huge_empty_array"), XSK_HINTS_TOO_MANY_MEMBERS);
	assert_int_equal(hint_verdict(btf, "wide_empty_array"), XSK_HINTS_TOO_MANY_MEMBERS);
	xbi = hint_open(btf, "small_empty_array", &xbi_hints);
	assert_non_null(xbi);
	pkt = frame_with_hint(frame, hint, 4);
	/* A dump into a small buffer stops where it is cut. */
	assert_int_equal(xsk_hint__dump(xbi, pkt, XSK_HINT_DUMP_JSON, buf, sizeof(buf)),
			 -E2BIG);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	xsk_hints__free(xbi_hints);
	btf__free(btf);
}

/* Many members, each a nested struct of many members: the index is bounded. */
static void test_member_count_bounded(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	char name[16];
	int inner, i;

	(void)state;
	inner = test_struct(btf, "inner", 4);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "i%d", i);
		test_field(btf, name, ty.u32, 0);
	}
	test_struct(btf, "many", 8);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		test_field(btf, name, inner, 0);
	}
	test_field(btf, "btf_id", ty.u32, 4);
	/* 100 x 101 nodes: beyond the budget, refused before any indexing. */
	assert_int_equal(hint_verdict(btf, "many"), XSK_HINTS_TOO_MANY_MEMBERS);
	btf__free(btf);
}

static void test_path_too_long(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	char long_name[200];
	int inner;

	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	inner = test_struct(btf, "inner", 4);
	test_field(btf, long_name, ty.u32, 0);
	test_struct(btf, "long_path", 8);
	test_field(btf, long_name, inner, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	/* "xxx...x.xxx...x" is 399 characters. */
	assert_int_equal(hint_verdict(btf, "long_path"), XSK_HINTS_PATH_TOO_LONG);
	btf__free(btf);
}

/* ---- clang-built objects ------------------------------------------------------ */

struct nested_fixture {
	struct btf *btf;
	struct xsk_hints *reg;
};

static int nested_setup(void **state)
{
	struct nested_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(load_file_btf(HINT_NESTED_OBJ, &f->btf), 0);
	assert_int_equal(new_hints(f->btf, &f->reg), 0);
	*state = f;
	return 0;
}

static int nested_teardown(void **state)
{
	struct nested_fixture *f = *state;

	xsk_hints__free(f->reg);
	btf__free(f->btf);
	free(f);
	return 0;
}

static void test_object_nested_registry(void **state)
{
	struct nested_fixture *f = *state;
	static const char *const valid[] = {
		"xdp_hints_common", "xdp_hints_drv", "xdp_hints_drv_v2",
		"xdp_hints_meta_like",
	};
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_true(xsk_hints__find(f->reg, valid[i]) >= 0);
	assert_int_equal(xsk_hints__cnt(f->reg), 4);
	/* Rejected: the float btf_id, and common_not_last (btf_id not last). */
	assert_int_equal(xsk_hints__rejected_cnt(f->reg), 2);
	assert_int_equal(hint_verdict(f->btf, "xdp_hints_common_not_last"), XSK_HINTS_BTF_ID_NOT_LAST);
	assert_int_equal(hint_verdict(f->btf, "xdp_hints_float_btf_id"), XSK_HINTS_BTF_ID_TYPE);
	xbi = hint_open(f->btf, "xdp_hints_drv_v2", &xbi_hints);
	assert_non_null(xbi);
	assert_int_equal(xsk_hint__size(xbi), 4 + 12 + 8);
	assert_true(hint_has_field(xbi, "drv.common.rx_hash32"));
	assert_true(hint_has_field(xbi, "drv.vlan_tci"));
	assert_true(hint_has_field(xbi, "queue"));
	assert_false(hint_has_field(xbi, "rx_hash32"));
	xsk_hints__free(xbi_hints);
}

/* The selftests' shape: unions and anonymous members, read by their names. */
static void test_object_meta_like(void **state)
{
	struct nested_fixture *f = *state;
	const struct xsk_hint *xbi = hints_find(f->reg, "xdp_hints_meta_like");
	struct xsk_hint_field f_ts, f_err, f_tci, f_proto, f_tag_err;

	assert_non_null(xbi);
	assert_int_equal(xsk_hint__size(xbi), 8 + 8 + 4 + 4 + 4 + 4);
	assert_int_equal(xsk_hint__field(xbi, "rx_timestamp", &f_ts), 0);
	assert_int_equal(xsk_hint__field(xbi, "rx_timestamp_err", &f_err), 0);
	assert_int_equal(f_ts.pkt_offset, f_err.pkt_offset);
	assert_int_equal(f_ts.pkt_offset, -32);
	assert_int_equal(xsk_hint__field(xbi, "rx_vlan_tci", &f_tci), 0);
	assert_int_equal(xsk_hint__field(xbi, "rx_vlan_proto", &f_proto), 0);
	assert_int_equal(xsk_hint__field(xbi, "rx_vlan_tag_err", &f_tag_err), 0);
	assert_int_equal(f_tci.pkt_offset, -8);
	assert_int_equal(f_proto.pkt_offset, -6);
	assert_int_equal(f_tag_err.pkt_offset, -8);
}

/*
 * The kernel writes xdp_hints_drv_v2 (BPF_PROG_TEST_RUN): the id it stamps
 * is the outer struct's, and every level reads back by dotted path.
 */
static void test_kernel_written_nested_hint(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_NESTED_OBJ, NULL);
	unsigned char pkt_in[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = pkt_in, .data_size_in = sizeof(pkt_in),
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	struct xsk_hints *reg = NULL;
	const struct xsk_hint *xbi;
	struct bpf_program *prog;
	char json[512];
	void *pkt;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	prog = bpf_object__find_program_by_name(obj, "write_nested_hint");
	assert_non_null(prog);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);

	assert_int_equal(new_hints(bpf_object__btf(obj), &reg), 0);
	xbi = hints_find(reg, "xdp_hints_drv_v2");
	assert_non_null(xbi);
	assert_int_equal(opts.data_size_out, xsk_hint__size(xbi) + sizeof(pkt_in));
	pkt = out + xsk_hint__size(xbi);
	assert_ptr_equal(hints_dispatch_pkt(reg, pkt), xbi);
	assert_true(hint_u64(xbi, "drv.rx_timestamp", pkt) == NESTED_RX_TIMESTAMP);
	assert_int_equal(hint_u16(xbi, "drv.vlan_tci", pkt), NESTED_VLAN_TCI);
	assert_int_equal(hint_u32(xbi, "drv.common.rx_hash32", pkt), NESTED_RX_HASH32);
	assert_int_equal(hint_u32(xbi, "queue", pkt), NESTED_QUEUE);
	/* The dump nests as the struct does. */
	assert_true(xsk_hint__dump(xbi, pkt, XSK_HINT_DUMP_JSON, json, sizeof(json)) > 0);
	assert_non_null(strstr(json, "\"drv\":{\"rx_timestamp\":72623859790382856,"));
	assert_non_null(strstr(json, "\"common\":{\"rx_hash32\":3405705229,\"btf_id\":"));
	xsk_hints__free(reg);
	bpf_object__close(obj);
}

/*
 * `bpftool gen object` linked two .bpf.c files that each define a different
 * struct xdp_hints_dup. By name: -ENOTUNIQ. By the id each program's
 * bpf_core_type_id_local() stamps: each frame finds its own layout.
 */
static void test_linked_object_duplicate_names(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_DUP_LINKED_OBJ, NULL);
	static const char *const progs[] = { "write_dup_a", "write_dup_b" };
	static const __u32 sizes[] = { 12, 8 };
	struct xsk_hints *reg = NULL;
	struct xsk_hints *xbi_hints = NULL;
	struct btf *btf;
	size_t i;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	btf = bpf_object__btf(obj);
	assert_int_equal(hint_verdict(btf, "xdp_hints_dup"), -ENOTUNIQ);
	assert_null(hint_open(btf, "xdp_hints_dup", &xbi_hints));
	assert_int_equal(errno, ENOTUNIQ);
	xsk_hints__free(xbi_hints);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 2);
	assert_int_equal(xsk_hints__find(reg, "xdp_hints_dup"), -ENOTUNIQ);

	for (i = 0; i < 2; i++) {
		unsigned char pkt_in[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		unsigned char out[256];
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			    .data_in = pkt_in, .data_size_in = sizeof(pkt_in),
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
		struct bpf_program *prog = bpf_object__find_program_by_name(obj, progs[i]);
		const struct xsk_hint *found;

		assert_non_null(prog);
		assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
		assert_int_equal(opts.data_size_out, sizes[i] + sizeof(pkt_in));
		found = hints_dispatch_pkt(reg, out + sizes[i]);
		assert_non_null(found);
		assert_string_equal(xsk_hint__name(found), "xdp_hints_dup");
		assert_int_equal(xsk_hint__size(found), sizes[i]);
	}
	xsk_hints__free(reg);
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_common_hint),
		cmocka_unit_test(test_nested_anonymous_and_typedef),
		cmocka_unit_test(test_nested_shape_errors),
		cmocka_unit_test(test_btf_id_must_be_unsigned_u32),
		cmocka_unit_test(test_duplicate_names_in_memory),
		cmocka_unit_test(test_zero_size_elements_bounded),
		cmocka_unit_test(test_member_count_bounded),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test_setup_teardown(test_object_nested_registry, nested_setup, nested_teardown),
		cmocka_unit_test_setup_teardown(test_object_meta_like, nested_setup, nested_teardown),
		cmocka_unit_test(test_kernel_written_nested_hint),
		cmocka_unit_test(test_linked_object_duplicate_names),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend layouts", tests, NULL, NULL);
}
