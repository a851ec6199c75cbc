// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend: validation of hint structs and every read path, on BTF
 * built in memory (so each rule is tested on exactly one broken struct),
 * through the original API (lib_xsk_extend_compat.h, with its original
 * error codes) and through the 1.0 calls beneath it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define XSK_EXTEND_ORIGINAL_API
#include "lib_xsk_extend.h"
#include "hint_test_btf.h"

/* ---- validation: one broken rule per struct -------------------------------- */

/* Init must fail with @expected and leave *xbi alone. */
static void expect_init(struct btf *btf, const char *name, int expected)
{
	struct xsk_btf_info *sentinel = (struct xsk_btf_info *)(uintptr_t)0x1;
	struct xsk_btf_info *xbi = sentinel;

	assert_int_equal(xsk_btf__init_xdp_hint(btf, name, &xbi), expected);
	if (expected) {
		assert_ptr_equal(xbi, sentinel);
	} else {
		assert_ptr_not_equal(xbi, sentinel);
		xsk_btf__free_xdp_hint(xbi);
	}
}

static void test_valid_minimal_hint(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	struct xsk_btf_info *xbi = NULL;
	int id;

	(void)state;
	id = test_struct(btf, "xdp_hints_ok", 16);
	test_field(btf, "rx_ktime", ty.u64, 0);
	test_field(btf, "cpu", ty.u32, 8);
	test_field(btf, "btf_id", ty.u32, 12);
	assert_int_equal(xsk_btf__init_xdp_hint(btf, "xdp_hints_ok", &xbi), 0);
	assert_int_equal(xsk_btf__btf_type_id(xbi), id);
	assert_string_equal(xsk_hint__name(xbi->hint), "xdp_hints_ok");
	assert_int_equal(xsk_hint__size(xbi->hint), 16);
	assert_int_equal(xsk_hint__btf_id(xbi->hint), id);
	xsk_btf__free_xdp_hint(xbi);
	btf__free(btf);
}

static void test_null_arguments(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	struct xsk_btf_info *xbi = NULL;

	(void)state;
	assert_int_equal(xsk_btf__init_xdp_hint(NULL, "x", &xbi), -EINVAL);
	assert_int_equal(xsk_btf__init_xdp_hint(btf, NULL, &xbi), -EINVAL);
	assert_int_equal(xsk_btf__init_xdp_hint(btf, "x", NULL), -EINVAL);
	assert_null(xbi);
	/* The free and the getters accept NULL, like free(). */
	xsk_btf__free_xdp_hint(NULL);
	assert_int_equal(xsk_btf__btf_type_id(NULL), XSK_BTF_NO_HINT);
	assert_null(xsk_hint__name(NULL));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xsk_hint__size(NULL), 0);
	assert_int_equal(xsk_hint__btf_id(NULL), XSK_HINTS_NO_HINT);
	btf__free(btf);
}

static void test_no_such_struct(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	expect_init(btf, "xdp_hints_missing", -ENOENT);
	/* A union of that name is not a struct. */
	assert_true(btf__add_union(btf, "xdp_hints_union", 4) > 0);
	test_field(btf, "btf_id", ty.u32, 0);
	expect_init(btf, "xdp_hints_union", -ENOENT);
	btf__free(btf);
}

static void test_no_btf_id_member(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "no_btf_id", 8);
	test_field(btf, "mark", ty.u32, 0);
	test_field(btf, "btfid", ty.u32, 4);
	test_struct(btf, "empty", 0);
	expect_init(btf, "no_btf_id", -ENOENT);
	expect_init(btf, "empty", -ENOENT);
	btf__free(btf);
}

static void test_btf_id_not_last(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "field_after", 8);
	test_field(btf, "btf_id", ty.u32, 0);
	test_field(btf, "extra", ty.u32, 4);
	expect_init(btf, "field_after", -EOVERFLOW);
	btf__free(btf);
}

/* What clang makes of { __u64; __u32 btf_id; } without "packed". */
static void test_tail_padding(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "padded", 16);
	test_field(btf, "rx_ktime", ty.u64, 0);
	test_field(btf, "btf_id", ty.u32, 8);
	expect_init(btf, "padded", -EOVERFLOW);
	btf__free(btf);
}

static void test_bitfield_member(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "bits", 8);
	assert_int_equal(btf__add_field(btf, "vlan_id", ty.u32, 0, 12), 0);
	test_field(btf, "btf_id", ty.u32, 4);
	test_struct(btf, "bits_btf_id", 4);
	assert_int_equal(btf__add_field(btf, "btf_id", ty.u32, 0, 32), 0);
	expect_init(btf, "bits", -ENOTSUP);
	expect_init(btf, "bits_btf_id", -ENOTSUP);
	btf__free(btf);
}

/* A bitfield hidden one level down breaks reads and dumps just the same. */
static void test_nested_bitfield(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int inner;

	(void)state;
	inner = test_struct(btf, "inner_bits", 4);
	assert_int_equal(btf__add_field(btf, "flag", ty.u32, 0, 1), 0);
	test_struct(btf, "outer", 8);
	test_field(btf, "inner", inner, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	expect_init(btf, "outer", -ENOTSUP);
	btf__free(btf);
}

static void test_btf_id_wrong_size(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "short_id", 4);
	test_field(btf, "mark", ty.u16, 0);
	test_field(btf, "btf_id", ty.u16, 2);
	test_struct(btf, "long_id", 8);
	test_field(btf, "btf_id", ty.u64, 0);
	expect_init(btf, "short_id", -EMSGSIZE);
	expect_init(btf, "long_id", -EMSGSIZE);
	btf__free(btf);
}

static void test_size_not_multiple_of_4(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "odd", 5);
	test_field(btf, "tag", ty.u8, 0);
	test_field(btf, "btf_id", ty.u32, 1);
	expect_init(btf, "odd", -EMSGSIZE);
	btf__free(btf);
}

static void test_size_limit(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int blob_max = test_array(btf, ty.u8, XSK_BTF_HINT_MAX_SIZE - 4, &ty);
	int blob_over = test_array(btf, ty.u8, XSK_BTF_HINT_MAX_SIZE, &ty);

	(void)state;
	test_struct(btf, "largest", XSK_BTF_HINT_MAX_SIZE);
	test_field(btf, "blob", blob_max, 0);
	test_field(btf, "btf_id", ty.u32, XSK_BTF_HINT_MAX_SIZE - 4);
	test_struct(btf, "too_big", XSK_BTF_HINT_MAX_SIZE + 4);
	test_field(btf, "blob", blob_over, 0);
	test_field(btf, "btf_id", ty.u32, XSK_BTF_HINT_MAX_SIZE);
	expect_init(btf, "largest", 0);
	expect_init(btf, "too_big", -EMSGSIZE);
	btf__free(btf);
}

/* Hand-made BTF can place a member past the struct's end. */
static void test_member_outside_struct(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);

	(void)state;
	test_struct(btf, "overhang", 8);
	test_field(btf, "wide", ty.u64, 4);
	test_field(btf, "btf_id", ty.u32, 4);
	expect_init(btf, "overhang", -EOVERFLOW);
	btf__free(btf);
}

static void test_member_without_value(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int void_typedef = btf__add_typedef(btf, "nothing_t", 0);

	(void)state;
	assert_true(void_typedef > 0);
	test_struct(btf, "has_void", 4);
	test_field(btf, "nothing", void_typedef, 0);
	test_field(btf, "btf_id", ty.u32, 0);
	expect_init(btf, "has_void", -ENOTSUP);
	btf__free(btf);
}

static void test_nesting_limit(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int level = ty.u32, i;

	(void)state;
	for (i = 0; i < 12; i++) {
		int id = test_struct(btf, NULL, 4);

		test_field(btf, "next", level, 0);
		level = id;
	}
	test_struct(btf, "deep", 8);
	test_field(btf, "chain", level, 0);
	test_field(btf, "btf_id", ty.u32, 4);
	expect_init(btf, "deep", -ENOTSUP);
	btf__free(btf);
}

/* btf_id behind a typedef and const is still a 4-byte btf_id. */
static void test_btf_id_through_typedef(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int u32_t = btf__add_typedef(btf, "__u32", ty.u32);
	int const_u32 = btf__add_const(btf, u32_t);

	(void)state;
	test_struct(btf, "typedefed", 4);
	test_field(btf, "btf_id", const_u32, 0);
	expect_init(btf, "typedefed", 0);
	btf__free(btf);
}

/* ---- reads --------------------------------------------------------------- */

/* The C view of the hint the read tests build in BTF. */
struct test_hint {
	__u64 rx_ktime;
	char ifname[6];
	__u16 vlan_tci;
	struct {
		__u16 src_port;
		__u16 dst_port;
	} tunnel;
	union {
		__u32 flow_hash;
		__u16 flow_port;
	};
	__u32 btf_id;
} __attribute__((packed));

_Static_assert(sizeof(struct test_hint) == 28, "test_hint layout");

struct read_fixture {
	struct test_types ty;
	struct btf *btf;
	struct xsk_btf_info *xbi;
	struct test_hint hint;
	unsigned char frame[FRAME_SIZE];
	void *pkt;
};

static int read_setup(void **state)
{
	struct read_fixture *f = calloc(1, sizeof(*f));
	int tunnel, flow, ifname, u32_t;

	assert_non_null(f);
	f->btf = test_btf_new(&f->ty);
	ifname = test_array(f->btf, f->ty.chr, 6, &f->ty);
	u32_t = btf__add_typedef(f->btf, "__u32", f->ty.u32);
	tunnel = test_struct(f->btf, "tunnel_ports", 4);
	test_field(f->btf, "src_port", f->ty.u16, 0);
	test_field(f->btf, "dst_port", f->ty.u16, 2);
	flow = btf__add_union(f->btf, NULL, 4);
	assert_true(flow > 0);
	test_field(f->btf, "flow_hash", f->ty.u32, 0);
	test_field(f->btf, "flow_port", f->ty.u16, 0);
	test_struct(f->btf, "xdp_hints_test", sizeof(struct test_hint));
	test_field(f->btf, "rx_ktime", f->ty.u64, offsetof(struct test_hint, rx_ktime));
	test_field(f->btf, "ifname", ifname, offsetof(struct test_hint, ifname));
	test_field(f->btf, "vlan_tci", f->ty.u16, offsetof(struct test_hint, vlan_tci));
	test_field(f->btf, "tunnel", tunnel, offsetof(struct test_hint, tunnel));
	test_field(f->btf, NULL, flow, offsetof(struct test_hint, flow_hash));
	test_field(f->btf, "btf_id", u32_t, offsetof(struct test_hint, btf_id));
	assert_int_equal(xsk_btf__init_xdp_hint(f->btf, "xdp_hints_test", &f->xbi), 0);

	f->hint.rx_ktime = 0x1122334455667788ULL;
	memcpy(f->hint.ifname, "eth0", 5);
	f->hint.vlan_tci = 0x0123;
	f->hint.tunnel.src_port = 4789;
	f->hint.tunnel.dst_port = 8472;
	f->hint.flow_hash = 0xcafef00d;
	f->hint.btf_id = xsk_btf__btf_type_id(f->xbi);
	f->pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	*state = f;
	return 0;
}

static int read_teardown(void **state)
{
	struct read_fixture *f = *state;

	xsk_btf__free_xdp_hint(f->xbi);
	btf__free(f->btf);
	free(f);
	return 0;
}

static void test_btf_id_before_packet(void **state)
{
	struct read_fixture *f = *state;

	assert_int_equal(xsk_umem__btf_id(f->pkt), xsk_btf__btf_type_id(f->xbi));
}

static void test_read_field_points_into_hint(void **state)
{
	struct read_fixture *f = *state;
	void *ptr = NULL;
	__u64 rx_ktime;

	assert_int_equal(xsk_btf__read_field(&ptr, sizeof(__u64), "rx_ktime",
					     f->xbi, f->pkt), 0);
	assert_ptr_equal(ptr, (char *)f->pkt - sizeof(struct test_hint));
	memcpy(&rx_ktime, ptr, sizeof(rx_ktime));
	assert_int_equal(rx_ktime, f->hint.rx_ktime);
}

static void test_read_field_array_nested_union(void **state)
{
	struct read_fixture *f = *state;
	void *ifname = NULL, *tunnel = NULL, *hash = NULL, *port = NULL;
	__u32 flow_hash;
	__u16 flow_port;

	assert_int_equal(xsk_btf__read_field(&ifname, 6, "ifname", f->xbi, f->pkt), 0);
	assert_memory_equal(ifname, "eth0\0", 6);
	assert_int_equal(xsk_btf__read_field(&tunnel, 4, "tunnel", f->xbi, f->pkt), 0);
	assert_memory_equal(tunnel, &f->hint.tunnel, 4);
	/* Members of the anonymous union are found by their own names. */
	assert_int_equal(xsk_btf__read_field(&hash, 4, "flow_hash", f->xbi, f->pkt), 0);
	assert_int_equal(xsk_btf__read_field(&port, 2, "flow_port", f->xbi, f->pkt), 0);
	assert_ptr_equal(hash, port);
	memcpy(&flow_hash, hash, sizeof(flow_hash));
	memcpy(&flow_port, port, sizeof(flow_port));
	assert_int_equal(flow_hash, 0xcafef00d);
	assert_int_equal(flow_port, 0xf00d);
	/* A named nested struct is one member: its fields are not top-level. */
	assert_false(xsk_btf__has_field("src_port", f->xbi));
}

static void test_read_field_errors_leave_dest(void **state)
{
	struct read_fixture *f = *state;
	void *sentinel = &sentinel, *dest = sentinel;

	assert_int_equal(xsk_btf__read_field(&dest, 4, "rx_ktime", f->xbi, f->pkt), -EFAULT);
	assert_ptr_equal(dest, sentinel);
	assert_int_equal(xsk_btf__read_field(&dest, 8, "rx_time", f->xbi, f->pkt), -ENOENT);
	assert_ptr_equal(dest, sentinel);
	assert_int_equal(xsk_btf__read_field(NULL, 8, "rx_ktime", f->xbi, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read_field(&dest, 8, NULL, f->xbi, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read_field(&dest, 8, "rx_ktime", NULL, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read_field(&dest, 8, "rx_ktime", f->xbi, NULL), -EINVAL);
	assert_ptr_equal(dest, sentinel);
}

static void test_field_member_then_read(void **state)
{
	struct read_fixture *f = *state;
	struct xsk_btf_member member = { 0 };
	void *sentinel = &sentinel, *dest = sentinel;
	__u16 vlan_tci;

	assert_true(xsk_btf__field_member("vlan_tci", f->xbi, &member));
	assert_int_equal(member.offset, offsetof(struct test_hint, vlan_tci));
	assert_int_equal(member.size, 2);
	assert_int_equal(xsk_btf__read(&dest, 2, &member, f->xbi, f->pkt), 0);
	memcpy(&vlan_tci, dest, sizeof(vlan_tci));
	assert_int_equal(vlan_tci, 0x0123);

	dest = sentinel;
	assert_int_equal(xsk_btf__read(&dest, 4, &member, f->xbi, f->pkt), -EFAULT);
	assert_int_equal(xsk_btf__read(NULL, 2, &member, f->xbi, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read(&dest, 2, NULL, f->xbi, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read(&dest, 2, &member, NULL, f->pkt), -EINVAL);
	assert_int_equal(xsk_btf__read(&dest, 2, &member, f->xbi, NULL), -EINVAL);
	/* A member made up by the caller must stay inside the hint. */
	member.offset = sizeof(struct test_hint) - 1;
	assert_int_equal(xsk_btf__read(&dest, 2, &member, f->xbi, f->pkt), -EINVAL);
	member.offset = UINT32_MAX;
	assert_int_equal(xsk_btf__read(&dest, 2, &member, f->xbi, f->pkt), -EINVAL);
	assert_ptr_equal(dest, sentinel);

	assert_false(xsk_btf__field_member("nope", f->xbi, &member));
	assert_false(xsk_btf__field_member(NULL, f->xbi, &member));
	assert_false(xsk_btf__field_member("vlan_tci", NULL, &member));
	assert_false(xsk_btf__field_member("vlan_tci", f->xbi, NULL));
}

static void test_has_field(void **state)
{
	struct read_fixture *f = *state;

	assert_true(xsk_btf__has_field("rx_ktime", f->xbi));
	assert_true(xsk_btf__has_field("btf_id", f->xbi));
	assert_false(xsk_btf__has_field("rx_ktime_", f->xbi));
	assert_false(xsk_btf__has_field("", f->xbi));
	assert_false(xsk_btf__has_field(NULL, f->xbi));
	assert_false(xsk_btf__has_field("rx_ktime", NULL));
}

static void test_read_macros_copy(void **state)
{
	struct read_fixture *f = *state;
	struct xsk_btf_member member = { 0 };
	__u64 rx_ktime = 0;
	__u32 too_small = 42, flow_hash = 0;
	__u16 vlan_tci = 0;
	char ifname[6];

	assert_int_equal(XSK_BTF_READ_FIELD_INTO(rx_ktime, rx_ktime, f->xbi, f->pkt), 0);
	assert_int_equal(rx_ktime, f->hint.rx_ktime);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(ifname, ifname, f->xbi, f->pkt), 0);
	assert_string_equal(ifname, "eth0");
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(flow_hash, flow_hash, f->xbi, f->pkt), 0);
	assert_int_equal(flow_hash, 0xcafef00d);
	/* Wrong size or unknown name: the variable keeps its value. */
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(too_small, rx_ktime, f->xbi, f->pkt), -EFAULT);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(too_small, no_such, f->xbi, f->pkt), -ENOENT);
	assert_int_equal(too_small, 42);

	assert_true(xsk_btf__field_member("vlan_tci", f->xbi, &member));
	assert_int_equal(XSK_BTF_READ_INTO(vlan_tci, &member, f->xbi, f->pkt), 0);
	assert_int_equal(vlan_tci, 0x0123);
	assert_int_equal(XSK_BTF_READ_INTO(too_small, &member, f->xbi, f->pkt), -EFAULT);
	assert_int_equal(too_small, 42);
}

static void test_resolve_field_inline_readers(void **state)
{
	struct read_fixture *f = *state;
	const struct xsk_hint *hint = f->xbi->hint;
	struct xsk_hint_field rx_ktime, ifname;
	struct xsk_hint_field cleared = { .pkt_offset = 7, .size = 7 };
	struct xsk_hint_u64 rx_ktime_u64;
	struct xsk_hint_u32 flow_hash;
	char name[8] = { 0 };
	__u64 u64 = 0;

	assert_int_equal(xsk_hint__field(hint, "rx_ktime", &rx_ktime), 0);
	assert_int_equal(rx_ktime.pkt_offset, -(int)sizeof(struct test_hint));
	assert_int_equal(rx_ktime.size, 8);
	assert_int_equal(xsk_hint_field__u64(&rx_ktime, f->pkt, &u64), 0);
	assert_true(u64 == f->hint.rx_ktime);
	/* The typed handle: the same place, the same value, no size to check. */
	assert_int_equal(xsk_hint__field_u64(hint, "rx_ktime", &rx_ktime_u64), 0);
	assert_int_equal(rx_ktime_u64.pkt_offset, rx_ktime.pkt_offset);
	assert_true(xsk_hint_u64__read(&rx_ktime_u64, f->pkt) == f->hint.rx_ktime);

	assert_int_equal(xsk_hint__field_u32(hint, "flow_hash", &flow_hash), 0);
	assert_int_equal(flow_hash.pkt_offset,
			 (int)offsetof(struct test_hint, flow_hash) - (int)sizeof(struct test_hint));
	assert_int_equal(xsk_hint_u32__read(&flow_hash, f->pkt), 0xcafef00d);

	assert_int_equal(xsk_hint__field(hint, "ifname", &ifname), 0);
	assert_int_equal(xsk_hint_field__read(&ifname, f->pkt, name, sizeof(name)), ifname.size);
	assert_memory_equal(name, "eth0", 4);

	/* A failed resolve leaves a field every read refuses. */
	assert_int_equal(xsk_hint__field(hint, "nope", &cleared), -ENOENT);
	assert_int_equal(cleared.size, 0);
	assert_int_equal(xsk_hint_field__u64(&cleared, f->pkt, &u64), -ENOENT);
	assert_int_equal(xsk_hint__field(NULL, "rx_ktime", &cleared), -EINVAL);
	assert_int_equal(xsk_hint__field(hint, NULL, &cleared), -EINVAL);
	assert_int_equal(xsk_hint__field(hint, "rx_ktime", NULL), -EINVAL);
}

/* ---- the name cache keys on content, not on the pointer -------------------- */

static void test_cache_same_name_two_buffers(void **state)
{
	struct read_fixture *f = *state;
	char *first = strdup("vlan_tci"), *second = strdup("vlan_tci");
	void *a = NULL, *b = NULL;

	assert_non_null(first);
	assert_non_null(second);
	assert_int_equal(xsk_btf__read_field(&a, 2, first, f->xbi, f->pkt), 0);
	free(first); /* a pointer-keyed cache would now hold a dangling key */
	assert_int_equal(xsk_btf__read_field(&b, 2, second, f->xbi, f->pkt), 0);
	assert_ptr_equal(a, b);
	free(second);
}

static void test_cache_reused_stack_buffer(void **state)
{
	struct read_fixture *f = *state;
	char name[32];
	void *ptr = NULL;
	__u16 value;

	strcpy(name, "vlan_tci");
	assert_int_equal(xsk_btf__read_field(&ptr, 2, name, f->xbi, f->pkt), 0);
	memcpy(&value, ptr, 2);
	assert_int_equal(value, 0x0123);

	/* Same address, new content: must read the new field. */
	strcpy(name, "flow_port");
	assert_int_equal(xsk_btf__read_field(&ptr, 2, name, f->xbi, f->pkt), 0);
	memcpy(&value, ptr, 2);
	assert_int_equal(value, 0xf00d);

	strcpy(name, "vlan_tcj");
	assert_int_equal(xsk_btf__read_field(&ptr, 2, name, f->xbi, f->pkt), -ENOENT);
}

/*
 * Adding to a BTF makes libbpf move its string table; a hint resolved
 * before must not depend on it for reads by name.
 */
static void test_reads_survive_btf_growth(void **state)
{
	struct read_fixture *f = *state;
	char name[32];
	void *ptr = NULL;
	int i;

	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "filler_string_%d", i);
		assert_true(btf__add_str(f->btf, name) > 0);
	}
	assert_int_equal(xsk_btf__read_field(&ptr, 8, "rx_ktime", f->xbi, f->pkt), 0);
	assert_string_equal(xsk_hint__name(f->xbi->hint), "xdp_hints_test");
	assert_true(xsk_btf__has_field("flow_port", f->xbi));
}

/* ---- stale headroom ------------------------------------------------------- */

/*
 * The receiver contract from the header: clear the btf_id slot before the
 * frame goes back to the fill ring. The next packet in that frame without a
 * hint then reads "no hint" instead of the previous packet's id.
 */
static void test_stale_headroom_cleared(void **state)
{
	struct read_fixture *f = *state;
	struct xsk_hints *reg = NULL;
	static const unsigned char udp_payload[] = "packet without hint";

	assert_int_equal(new_hints(f->btf, &reg), 0);
	assert_ptr_equal(hints_dispatch_pkt(reg, f->pkt), hints_find(reg, "xdp_hints_test"));

	/* Without the clear, the old id is still there: the hazard. */
	memcpy(f->pkt, udp_payload, sizeof(udp_payload));
	assert_non_null(hints_dispatch_pkt(reg, f->pkt));

	xsk_hints_pkt_clear_btf_id(f->pkt);
	memcpy(f->pkt, udp_payload, sizeof(udp_payload));
	assert_int_equal(xsk_hints_pkt_btf_id(f->pkt), XSK_HINTS_NO_HINT);
	assert_null(hints_dispatch_pkt(reg, f->pkt));
	/* The clear touches only the 4 bytes of the slot. */
	assert_memory_equal(f->pkt, udp_payload, sizeof(udp_payload));
	assert_int_equal(*((unsigned char *)f->pkt - 5), (unsigned char)(f->hint.flow_hash >> 24));

	/* All four bytes of the slot, not just those a small id uses. */
	memset((unsigned char *)f->pkt - sizeof(__u32), 0xff, sizeof(__u32));
	assert_int_equal(xsk_umem__btf_id(f->pkt), 0xffffffffu);
	/* The original names do the same. */
	xsk_umem__clear_btf_id(f->pkt);
	assert_int_equal(xsk_umem__btf_id(f->pkt), XSK_BTF_NO_HINT);
	xsk_hints__free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_minimal_hint),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_no_such_struct),
		cmocka_unit_test(test_no_btf_id_member),
		cmocka_unit_test(test_btf_id_not_last),
		cmocka_unit_test(test_tail_padding),
		cmocka_unit_test(test_bitfield_member),
		cmocka_unit_test(test_nested_bitfield),
		cmocka_unit_test(test_btf_id_wrong_size),
		cmocka_unit_test(test_size_not_multiple_of_4),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_member_outside_struct),
		cmocka_unit_test(test_member_without_value),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_btf_id_through_typedef),
		cmocka_unit_test_setup_teardown(test_btf_id_before_packet, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_read_field_points_into_hint, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_read_field_array_nested_union, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_read_field_errors_leave_dest, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_field_member_then_read, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_has_field, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_read_macros_copy, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_resolve_field_inline_readers, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_cache_same_name_two_buffers, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_cache_reused_stack_buffer, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_reads_survive_btf_growth, read_setup, read_teardown),
		cmocka_unit_test_setup_teardown(test_stale_headroom_cleared, read_setup, read_teardown),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend", tests, NULL, NULL);
}
