// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend: the per-packet reads never return a byte from outside
 * the field. The typed handles (xsk_hint__field_u64/u32/u16/u8 then
 * xsk_hint_u64__read() and kin) check at resolve time: each refusal has
 * its case (another width -E2BIG, no integer -EINVAL, no member -ENOENT,
 * NULL -EINVAL), and their reads give each width's value at aligned and
 * unaligned places. The run-time-width reader (xsk_hint_field__u64) and
 * the byte reader (xsk_hint_field__read) check per call: an exact size, a
 * narrower field zero-extended, a wider one refused with -E2BIG, an
 * unresolved one with -ENOENT. The frame around the hint is filled with 0xa5 and the packet
 * bytes after the hint too, so a read that strays shows as a wrong value;
 * a heap copy of the hint with nothing after it lets ASan see the stray
 * byte itself in the sanitizer pass. BTF is built in memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib_xsk_extend.h"
#include "hint_test_btf.h"

/* One member of every width the readers distinguish. */
struct widths_hint {
	__u64 wide;       /* 8 */
	__u8 mac[6];      /* 6: no integer width */
	__u16 tci;        /* 2 */
	__u8 flags;       /* 1 */
	__u8 pad[3];
	__u8 digest[16];  /* 16: wider than any integer read */
	__u32 btf_id;     /* 4 */
} __attribute__((packed));

_Static_assert(sizeof(struct widths_hint) == 40, "widths_hint layout");

/*
 * Every integer at an odd place (a packed hint needs no alignment), and a
 * member of each kind that is no integer, at an integer's width.
 */
struct odd_hint {
	__u8 lead;
	__u64 wide;       /* at 1 */
	__u32 word;       /* at 9 */
	__u16 half;       /* at 13 */
	__u8 byte;        /* at 15 */
	__u8 bytes8[8];   /* an array of 8 bytes */
	double real;      /* a float of 8 */
	struct { __u16 a, b; } pair; /* a struct of 4 */
	__u64 ptr;        /* in BTF: a pointer (8) */
	__u32 kind;       /* in BTF: an enum of 4, which is an integer */
	__s16 signed16;   /* a signed integer: the width is what counts */
	__u8 pad[2];
	__u32 btf_id;
} __attribute__((packed));

_Static_assert(sizeof(struct odd_hint) == 56, "odd_hint layout");

struct fixture {
	struct test_types ty;
	struct btf *btf;
	struct xsk_hints *hints;
	const struct xsk_hint *hint;
	struct widths_hint values;
	unsigned char frame[FRAME_SIZE];
	void *pkt;
	struct xsk_hint_field wide, mac, tci, flags, digest, btf_id;
	const struct xsk_hint *odd;
	struct odd_hint odd_values;
	unsigned char odd_frame[FRAME_SIZE];
	void *odd_pkt;
};

/* The odd hint's members that are no integer: types built before it. */
static void add_odd_hint(struct btf *btf, const struct test_types *ty)
{
	int bytes8, real, pair, ptr, kind, pad, s16, empty;

	bytes8 = test_array(btf, ty->u8, 8, ty);
	pad = test_array(btf, ty->u8, 2, ty);
	empty = test_array(btf, ty->u8, 0, ty);
	real = btf__add_float(btf, "double", 8);
	ptr = btf__add_ptr(btf, ty->u8);
	s16 = btf__add_int(btf, "short", 2, BTF_INT_SIGNED);
	kind = btf__add_enum(btf, "odd_kind", 4);
	assert_true(real > 0 && ptr > 0 && s16 > 0 && kind > 0);
	assert_int_equal(btf__add_enum_value(btf, "ODD_KIND_A", 1), 0);
	pair = test_struct(btf, "odd_pair", 4);
	test_field(btf, "a", ty->u16, 0);
	test_field(btf, "b", ty->u16, 2);
	test_struct(btf, "odd", sizeof(struct odd_hint));
	test_field(btf, "lead", ty->u8, offsetof(struct odd_hint, lead));
	test_field(btf, "wide", ty->u64, offsetof(struct odd_hint, wide));
	test_field(btf, "word", ty->u32, offsetof(struct odd_hint, word));
	test_field(btf, "half", ty->u16, offsetof(struct odd_hint, half));
	test_field(btf, "byte", ty->u8, offsetof(struct odd_hint, byte));
	test_field(btf, "bytes8", bytes8, offsetof(struct odd_hint, bytes8));
	test_field(btf, "real", real, offsetof(struct odd_hint, real));
	test_field(btf, "pair", pair, offsetof(struct odd_hint, pair));
	test_field(btf, "ptr", ptr, offsetof(struct odd_hint, ptr));
	test_field(btf, "kind", kind, offsetof(struct odd_hint, kind));
	test_field(btf, "signed16", s16, offsetof(struct odd_hint, signed16));
	/* A zero-length array: a member of no bytes. */
	test_field(btf, "none", empty, offsetof(struct odd_hint, pad));
	test_field(btf, "pad", pad, offsetof(struct odd_hint, pad));
	test_field(btf, "btf_id", ty->u32, offsetof(struct odd_hint, btf_id));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_types *ty;
	int mac, pad, digest;

	assert_non_null(f);
	ty = &f->ty;
	f->btf = test_btf_new(ty);
	/* Types first: btf__add_field() adds to the struct added last. */
	mac = test_array(f->btf, ty->u8, 6, ty);
	pad = test_array(f->btf, ty->u8, 3, ty);
	digest = test_array(f->btf, ty->u8, 16, ty);
	test_struct(f->btf, "widths", sizeof(struct widths_hint));
	test_field(f->btf, "wide", ty->u64, offsetof(struct widths_hint, wide));
	test_field(f->btf, "mac", mac, offsetof(struct widths_hint, mac));
	test_field(f->btf, "tci", ty->u16, offsetof(struct widths_hint, tci));
	test_field(f->btf, "flags", ty->u8, offsetof(struct widths_hint, flags));
	test_field(f->btf, "pad", pad, offsetof(struct widths_hint, pad));
	test_field(f->btf, "digest", digest, offsetof(struct widths_hint, digest));
	test_field(f->btf, "btf_id", ty->u32, offsetof(struct widths_hint, btf_id));
	add_odd_hint(f->btf, ty);
	f->hint = hint_open(f->btf, "widths", &f->hints);
	assert_non_null(f->hint);
	f->odd = hints_find(f->hints, "odd");
	assert_non_null(f->odd);

	/* Every value has its top bit set: a sign extension would show. */
	f->values.wide = 0x8877665544332211ULL;
	memcpy(f->values.mac, "\x82\x01\x02\x03\x04\x05", 6);
	f->values.tci = 0x8123;
	f->values.flags = 0x81;
	memset(f->values.digest, 0xd1, sizeof(f->values.digest));
	f->values.btf_id = 16; /* the case of the 0.2 bug: 0xa5a5a5a500000010 */
	f->pkt = frame_with_hint(f->frame, &f->values, sizeof(f->values));

	f->odd_values.lead = 0xa1;
	f->odd_values.wide = 0xf8f7f6f5f4f3f2f1ULL;
	f->odd_values.word = 0x84838281;
	f->odd_values.half = 0x9291;
	f->odd_values.byte = 0xb1;
	f->odd_values.kind = 1;
	f->odd_values.signed16 = -2;
	f->odd_values.btf_id = xsk_hint__btf_id(f->odd);
	f->odd_pkt = frame_with_hint(f->odd_frame, &f->odd_values, sizeof(f->odd_values));

	assert_int_equal(xsk_hint__field(f->hint, "wide", &f->wide), 0);
	assert_int_equal(xsk_hint__field(f->hint, "mac", &f->mac), 0);
	assert_int_equal(xsk_hint__field(f->hint, "tci", &f->tci), 0);
	assert_int_equal(xsk_hint__field(f->hint, "flags", &f->flags), 0);
	assert_int_equal(xsk_hint__field(f->hint, "digest", &f->digest), 0);
	assert_int_equal(xsk_hint__field(f->hint, "btf_id", &f->btf_id), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xsk_hints__free(f->hints);
	btf__free(f->btf);
	free(f);
	return 0;
}

/* The public struct is what the header documents: place and size. */
static void test_resolved_places(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sizeof(struct xsk_hint_field), 8);
	assert_int_equal(f->wide.pkt_offset, -40);
	assert_int_equal(f->wide.size, 8);
	assert_int_equal(f->mac.size, 6);
	assert_int_equal(f->tci.size, 2);
	assert_int_equal(f->flags.size, 1);
	assert_int_equal(f->digest.size, 16);
	assert_int_equal(f->btf_id.pkt_offset, -4);
	assert_int_equal(f->btf_id.size, 4);
}

static void test_u64_reads(void **state)
{
	struct fixture *f = *state;
	__u64 v;

	assert_int_equal(xsk_hint_field__u64(&f->wide, f->pkt, &v), 0);
	assert_true(v == 0x8877665544332211ULL);
	/* Narrower fields are zero-extended: the bytes after them are not read. */
	assert_int_equal(xsk_hint_field__u64(&f->btf_id, f->pkt, &v), 0);
	assert_true(v == 16);
	assert_int_equal(xsk_hint_field__u64(&f->tci, f->pkt, &v), 0);
	assert_true(v == 0x8123);
	assert_int_equal(xsk_hint_field__u64(&f->flags, f->pkt, &v), 0);
	assert_true(v == 0x81);
	/* No integer width, or wider than 8: refused, v untouched. */
	v = 42;
	assert_int_equal(xsk_hint_field__u64(&f->mac, f->pkt, &v), -E2BIG);
	assert_int_equal(xsk_hint_field__u64(&f->digest, f->pkt, &v), -E2BIG);
	assert_true(v == 42);
}

/* Each width at its exact size: the value, no sign extension, any place. */
static void test_typed_reads(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_u64 u64;
	struct xsk_hint_u32 u32;
	struct xsk_hint_u16 u16;
	struct xsk_hint_u8 u8;

	assert_int_equal(sizeof(struct xsk_hint_u64), 4);
	assert_int_equal(xsk_hint__field_u64(f->hint, "wide", &u64), 0);
	assert_int_equal(u64.pkt_offset, -40);
	assert_true(xsk_hint_u64__read(&u64, f->pkt) == 0x8877665544332211ULL);
	assert_int_equal(xsk_hint__field_u32(f->hint, "btf_id", &u32), 0);
	assert_int_equal(u32.pkt_offset, -4);
	assert_int_equal(xsk_hint_u32__read(&u32, f->pkt), 16);
	assert_int_equal(xsk_hint__field_u16(f->hint, "tci", &u16), 0);
	assert_int_equal(xsk_hint_u16__read(&u16, f->pkt), 0x8123);
	assert_int_equal(xsk_hint__field_u8(f->hint, "flags", &u8), 0);
	assert_int_equal(xsk_hint_u8__read(&u8, f->pkt), 0x81);
}

/* Packed members at odd offsets: memcpy loads, every byte in place. */
static void test_typed_reads_unaligned(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_u64 u64;
	struct xsk_hint_u32 u32;
	struct xsk_hint_u16 u16;
	struct xsk_hint_u8 u8;

	assert_int_equal(xsk_hint__field_u64(f->odd, "wide", &u64), 0);
	assert_int_equal(u64.pkt_offset, 1 - 56);
	assert_true(xsk_hint_u64__read(&u64, f->odd_pkt) == 0xf8f7f6f5f4f3f2f1ULL);
	assert_int_equal(xsk_hint__field_u32(f->odd, "word", &u32), 0);
	assert_int_equal(u32.pkt_offset, 9 - 56);
	assert_int_equal(xsk_hint_u32__read(&u32, f->odd_pkt), 0x84838281);
	assert_int_equal(xsk_hint__field_u16(f->odd, "half", &u16), 0);
	assert_int_equal(u16.pkt_offset, 13 - 56);
	assert_int_equal(xsk_hint_u16__read(&u16, f->odd_pkt), 0x9291);
	assert_int_equal(xsk_hint__field_u8(f->odd, "byte", &u8), 0);
	assert_int_equal(xsk_hint_u8__read(&u8, f->odd_pkt), 0xb1);
	assert_int_equal(xsk_hint__field_u8(f->odd, "lead", &u8), 0);
	assert_int_equal(xsk_hint_u8__read(&u8, f->odd_pkt), 0xa1);
	/* An enum is an integer; a signed one reads as its bits. */
	assert_int_equal(xsk_hint__field_u32(f->odd, "kind", &u32), 0);
	assert_int_equal(xsk_hint_u32__read(&u32, f->odd_pkt), 1);
	assert_int_equal(xsk_hint__field_u16(f->odd, "signed16", &u16), 0);
	assert_int_equal((__s16)xsk_hint_u16__read(&u16, f->odd_pkt), -2);
}

/*
 * Every refusal, each with its own code, and the handle it leaves: at the
 * last @width bytes before pkt_data, the hint's tail.
 */
static void test_typed_refusals(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_u64 u64 = { 99 };
	struct xsk_hint_u32 u32 = { 99 };
	struct xsk_hint_u16 u16 = { 99 };
	struct xsk_hint_u8 u8 = { 99 };

	/* An integer of another width, narrower or wider: -E2BIG. */
	assert_int_equal(xsk_hint__field_u64(f->hint, "btf_id", &u64), -E2BIG);
	assert_int_equal(u64.pkt_offset, -8);
	assert_int_equal(xsk_hint__field_u32(f->hint, "wide", &u32), -E2BIG);
	assert_int_equal(u32.pkt_offset, -4);
	assert_int_equal(xsk_hint__field_u32(f->hint, "tci", &u32), -E2BIG);
	assert_int_equal(xsk_hint__field_u16(f->hint, "btf_id", &u16), -E2BIG);
	assert_int_equal(u16.pkt_offset, -2);
	assert_int_equal(xsk_hint__field_u16(f->hint, "flags", &u16), -E2BIG);
	assert_int_equal(xsk_hint__field_u8(f->hint, "tci", &u8), -E2BIG);
	assert_int_equal(u8.pkt_offset, -1);
	/* No integer, even at the handle's width: -EINVAL. */
	assert_int_equal(xsk_hint__field_u64(f->odd, "bytes8", &u64), -EINVAL);
	assert_int_equal(xsk_hint__field_u64(f->odd, "real", &u64), -EINVAL);
	assert_int_equal(xsk_hint__field_u64(f->odd, "ptr", &u64), -EINVAL);
	assert_int_equal(xsk_hint__field_u32(f->odd, "pair", &u32), -EINVAL);
	assert_int_equal(xsk_hint__field_u16(f->odd, "pad", &u16), -EINVAL);
	assert_int_equal(xsk_hint__field_u64(f->hint, "mac", &u64), -EINVAL);
	assert_int_equal(xsk_hint__field_u64(f->hint, "digest", &u64), -EINVAL);
	assert_int_equal(u64.pkt_offset, -8);
	/* No such member, and a member of a member that is no struct. */
	u32.pkt_offset = 99;
	assert_int_equal(xsk_hint__field_u32(f->hint, "no_such", &u32), -ENOENT);
	assert_int_equal(u32.pkt_offset, -4);
	assert_int_equal(xsk_hint__field_u16(f->odd, "pair.c", &u16), -ENOENT);
	assert_int_equal(xsk_hint__field_u8(f->odd, "", &u8), -ENOENT);
	/* A member of a nested struct resolves by its dotted path. */
	assert_int_equal(xsk_hint__field_u16(f->odd, "pair.b", &u16), 0);
	assert_int_equal(u16.pkt_offset, 34 - 56);
	/* NULL: -EINVAL, and a NULL handle is not written. */
	u64.pkt_offset = 99;
	assert_int_equal(xsk_hint__field_u64(NULL, "wide", &u64), -EINVAL);
	assert_int_equal(u64.pkt_offset, -8);
	assert_int_equal(xsk_hint__field_u64(f->hint, NULL, &u64), -EINVAL);
	assert_int_equal(xsk_hint__field_u64(f->hint, "wide", NULL), -EINVAL);
	assert_int_equal(xsk_hint__field_u32(f->hint, "btf_id", NULL), -EINVAL);
	assert_int_equal(xsk_hint__field_u16(f->hint, "tci", NULL), -EINVAL);
	assert_int_equal(xsk_hint__field_u8(f->hint, "flags", NULL), -EINVAL);
	assert_int_equal(xsk_hint__field_u8(NULL, "flags", &u8), -EINVAL);
}

static void test_byte_reads(void **state)
{
	struct fixture *f = *state;
	unsigned char buf[20];

	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(xsk_hint_field__read(&f->mac, f->pkt, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, f->values.mac, 6);
	/* Bytes of buf past the field are left as they were. */
	assert_int_equal(buf[6], 0x5a);
	assert_int_equal(xsk_hint_field__read(&f->digest, f->pkt, buf, 16), 16);
	assert_memory_equal(buf, f->values.digest, 16);
	/* A buffer smaller than the field: refused, nothing written. */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(xsk_hint_field__read(&f->digest, f->pkt, buf, 15), -E2BIG);
	assert_int_equal(xsk_hint_field__read(&f->wide, f->pkt, buf, 7), -E2BIG);
	assert_int_equal(buf[0], 0x5a);
}

/* A zeroed field (never resolved, or a failed resolve) reads as absent. */
/* A member of no bytes is refused, not resolved to size 0 (which every
 * read takes for "never resolved"). */
static void test_member_of_no_bytes(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_field fld = { .pkt_offset = -1, .size = 1 };
	__u64 v = 7;

	assert_int_equal(xsk_hint__field(f->odd, "none", &fld), -EINVAL);
	assert_int_equal(fld.size, 0);
	assert_int_equal(fld.pkt_offset, 0);
	assert_int_equal(xsk_hint_field__u64(&fld, f->odd_pkt, &v), -ENOENT);
	assert_int_equal(v, 7);
}

static void test_unresolved_field(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_field none = { 0 };
	unsigned char buf[8];
	__u64 v64 = 7;

	assert_int_equal(xsk_hint_field__u64(&none, f->pkt, &v64), -ENOENT);
	assert_int_equal(xsk_hint_field__read(&none, f->pkt, buf, sizeof(buf)), -ENOENT);
	assert_true(v64 == 7);
	assert_int_equal(xsk_hint__field(f->hint, "no_such", &none), -ENOENT);
	assert_int_equal(xsk_hint_field__u64(&none, f->pkt, &v64), -ENOENT);
}

/*
 * The hint alone on the heap, nothing after btf_id: a read past the field
 * is a heap overflow that ASan reports (make SANITIZE=1). The hint's end
 * stands where pkt_data would be.
 */
static void test_reads_stay_inside_the_hint(void **state)
{
	struct fixture *f = *state;
	unsigned char *copy = malloc(sizeof(f->values));
	struct xsk_hint_u64 u64;
	struct xsk_hint_u32 u32;
	const void *pkt;
	__u64 v64;

	assert_non_null(copy);
	memcpy(copy, &f->values, sizeof(f->values));
	pkt = copy + sizeof(f->values);
	assert_int_equal(xsk_hint_field__u64(&f->btf_id, pkt, &v64), 0);
	assert_true(v64 == 16);
	assert_int_equal(xsk_hint__field_u32(f->hint, "btf_id", &u32), 0);
	assert_int_equal(xsk_hint_u32__read(&u32, pkt), 16);
	assert_int_equal(xsk_hints_pkt_btf_id(pkt), 16);
	/*
	 * A handle whose resolve failed must not be read; read all the same,
	 * it stays inside the hint: the 8 bytes before pkt_data.
	 */
	assert_int_equal(xsk_hint__field_u64(f->hint, "btf_id", &u64), -E2BIG);
	v64 = xsk_hint_u64__read(&u64, pkt);
	assert_memory_equal(&v64, copy + sizeof(f->values) - 8, 8);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolved_places, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u64_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_reads_unaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_of_no_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolved_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_stay_inside_the_hint, setup, teardown),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend typed handles and inline readers", tests, NULL, NULL);
}
