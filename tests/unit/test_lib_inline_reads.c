// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend: the inline per-packet readers of a resolved field
 * (xsk_hint_field__u64/__u32/__read) never return a byte from outside the
 * field. Each size check has its case: an exact size, a narrower field
 * zero-extended, a wider one refused with -E2BIG, an unresolved one with
 * -ENOENT. The frame around the hint is filled with 0xa5 and the packet
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

struct fixture {
	struct test_types ty;
	struct btf *btf;
	struct xsk_hints *hints;
	const struct xsk_hint *hint;
	struct widths_hint values;
	unsigned char frame[FRAME_SIZE];
	void *pkt;
	struct xsk_hint_field wide, mac, tci, flags, digest, btf_id;
};

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
	f->hint = hint_open(f->btf, "widths", &f->hints);
	assert_non_null(f->hint);

	/* Every value has its top bit set: a sign extension would show. */
	f->values.wide = 0x8877665544332211ULL;
	memcpy(f->values.mac, "\x82\x01\x02\x03\x04\x05", 6);
	f->values.tci = 0x8123;
	f->values.flags = 0x81;
	memset(f->values.digest, 0xd1, sizeof(f->values.digest));
	f->values.btf_id = 16; /* the case of the 0.2 bug: 0xa5a5a5a500000010 */
	f->pkt = frame_with_hint(f->frame, &f->values, sizeof(f->values));

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

static void test_u32_reads(void **state)
{
	struct fixture *f = *state;
	__u32 v;

	assert_int_equal(xsk_hint_field__u32(&f->btf_id, f->pkt, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(xsk_hint_field__u32(&f->tci, f->pkt, &v), 0);
	assert_int_equal(v, 0x8123);
	assert_int_equal(xsk_hint_field__u32(&f->flags, f->pkt, &v), 0);
	assert_int_equal(v, 0x81);
	/* An 8-byte field does not fit: never its low half. */
	v = 42;
	assert_int_equal(xsk_hint_field__u32(&f->wide, f->pkt, &v), -E2BIG);
	assert_int_equal(xsk_hint_field__u32(&f->mac, f->pkt, &v), -E2BIG);
	assert_int_equal(xsk_hint_field__u32(&f->digest, f->pkt, &v), -E2BIG);
	assert_int_equal(v, 42);
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
static void test_unresolved_field(void **state)
{
	struct fixture *f = *state;
	struct xsk_hint_field none = { 0 };
	unsigned char buf[8];
	__u64 v64 = 7;
	__u32 v32 = 7;

	assert_int_equal(xsk_hint_field__u64(&none, f->pkt, &v64), -ENOENT);
	assert_int_equal(xsk_hint_field__u32(&none, f->pkt, &v32), -ENOENT);
	assert_int_equal(xsk_hint_field__read(&none, f->pkt, buf, sizeof(buf)), -ENOENT);
	assert_true(v64 == 7);
	assert_int_equal(v32, 7);
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
	const void *pkt;
	__u64 v64;
	__u32 v32;

	assert_non_null(copy);
	memcpy(copy, &f->values, sizeof(f->values));
	pkt = copy + sizeof(f->values);
	assert_int_equal(xsk_hint_field__u64(&f->btf_id, pkt, &v64), 0);
	assert_true(v64 == 16);
	assert_int_equal(xsk_hint_field__u32(&f->btf_id, pkt, &v32), 0);
	assert_int_equal(v32, 16);
	assert_int_equal(xsk_hints_pkt_btf_id(pkt), 16);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolved_places, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u64_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u32_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolved_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_stay_inside_the_hint, setup, teardown),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend inline readers", tests, NULL, NULL);
}
