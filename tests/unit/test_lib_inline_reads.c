// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend: the inline paths of XSK_BTF_READ_INTO (a resolved member)
 * and XSK_BTF_READ_FIELD_INTO (the short-name table), and that every case
 * they do not answer still gets the checked path's result: a member filled
 * in by hand, a long name, two names sharing a slot, duplicate names, a
 * wrong size, NULL arguments. BTF is built in memory.
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

/*
 * A hint with a name longer than XSK_BTF_SHORT_NAME bytes, and a short one
 * that is its first 16 bytes.
 */
struct long_name_hint {
	__u64 rx_ktime;
	__u32 a_member_name_lo;
	__u32 a_member_name_longer_than_16;
	__u32 btf_id;
} __attribute__((packed));

struct fixture {
	struct test_types ty;
	struct btf *btf;
	struct xsk_btf_info *xbi;
	unsigned char frame[FRAME_SIZE];
	void *pkt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct long_name_hint hint = {
		.rx_ktime = 0x1122334455667788ULL,
		.a_member_name_lo = 0x10101010,
		.a_member_name_longer_than_16 = 0xfeedbeef,
		.btf_id = 1,
	};

	assert_non_null(f);
	f->btf = test_btf_new(&f->ty);
	test_struct(f->btf, "xdp_hints_long", sizeof(hint));
	test_field(f->btf, "rx_ktime", f->ty.u64, 0);
	test_field(f->btf, "a_member_name_lo", f->ty.u32, 8);
	test_field(f->btf, "a_member_name_longer_than_16", f->ty.u32, 12);
	test_field(f->btf, "btf_id", f->ty.u32, 16);
	assert_int_equal(xsk_btf__init_xdp_hint(f->btf, "xdp_hints_long", &f->xbi), 0);
	f->pkt = frame_with_hint(f->frame, &hint, sizeof(hint));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xsk_btf__free_xdp_hint(f->xbi);
	btf__free(f->btf);
	free(f);
	return 0;
}

static void test_resolved_member_inline(void **state)
{
	struct fixture *f = *state;
	struct xsk_btf_member member;
	__u64 rx_ktime = 0;
	__u32 wrong_size = 42;

	assert_true(xsk_btf__field_member("rx_ktime", f->xbi, &member));
	assert_int_equal(member.resolved_size, 8);
	assert_int_equal(member.pkt_offset, -20);
	assert_int_equal(XSK_BTF_READ_INTO(rx_ktime, &member, f->xbi, f->pkt), 0);
	assert_int_equal(rx_ktime, 0x1122334455667788ULL);
	/* The size is checked on the inline path too. */
	assert_int_equal(XSK_BTF_READ_INTO(wrong_size, &member, f->xbi, f->pkt), -EFAULT);
	assert_int_equal(wrong_size, 42);
	assert_int_equal(XSK_BTF_READ_INTO(rx_ktime, &member, f->xbi, NULL), -EINVAL);
	assert_int_equal(XSK_BTF_READ_INTO(rx_ktime, (struct xsk_btf_member *)NULL,
					   f->xbi, f->pkt), -EINVAL);
}

/* Written the way code older than the inline path fills a member. */
static void test_member_by_hand_is_checked(void **state)
{
	struct fixture *f = *state;
	struct xsk_btf_member member = { .offset = 12, .size = 4 };
	__u32 value = 0;

	assert_int_equal(XSK_BTF_READ_INTO(value, &member, f->xbi, f->pkt), 0);
	assert_int_equal(value, 0xfeedbeef);
	/* Outside the hint: refused by xsk_btf__read(), as it always was. */
	member.offset = 18;
	value = 7;
	assert_int_equal(XSK_BTF_READ_INTO(value, &member, f->xbi, f->pkt), -EINVAL);
	member.offset = 12;
	assert_int_equal(XSK_BTF_READ_INTO(value, &member, NULL, f->pkt), -EINVAL);
	assert_int_equal(value, 7);
}

static void test_short_names_inline(void **state)
{
	struct fixture *f = *state;
	__u64 rx_ktime = 0;
	__u32 btf_id = 0, wrong_size = 42;

	assert_int_equal(XSK_BTF_READ_FIELD_INTO(rx_ktime, rx_ktime, f->xbi, f->pkt), 0);
	assert_int_equal(rx_ktime, 0x1122334455667788ULL);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(btf_id, btf_id, f->xbi, f->pkt), 0);
	assert_int_equal(btf_id, 1);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(btf_id, a_member_name_lo, f->xbi, f->pkt), 0);
	assert_int_equal(btf_id, 0x10101010);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(wrong_size, rx_ktime, f->xbi, f->pkt), -EFAULT);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(wrong_size, rx_ktim, f->xbi, f->pkt), -ENOENT);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(wrong_size, rx_ktime_, f->xbi, f->pkt), -ENOENT);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(wrong_size, btf_id, NULL, f->pkt), -EINVAL);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(wrong_size, btf_id, f->xbi, NULL), -EINVAL);
	assert_int_equal(wrong_size, 42);
}

static void test_long_name_takes_the_call(void **state)
{
	struct fixture *f = *state;
	__u32 value = 0;

	assert_int_equal(XSK_BTF_READ_FIELD_INTO(value, a_member_name_longer_than_16,
						 f->xbi, f->pkt), 0);
	assert_int_equal(value, 0xfeedbeef);
	/* The short name with the same first 16 bytes is another member. */
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(value, a_member_name_lo, f->xbi, f->pkt), 0);
	assert_int_equal(value, 0x10101010);
}

static void test_arguments_evaluated_once(void **state)
{
	struct fixture *f = *state;
	struct xsk_btf_member member;
	void *pkts[2] = { f->pkt, NULL };
	struct xsk_btf_info *xbis[2] = { f->xbi, NULL };
	int pkt_i = 0, xbi_i = 0;
	__u64 rx_ktime = 0;

	assert_true(xsk_btf__field_member("rx_ktime", f->xbi, &member));
	assert_int_equal(XSK_BTF_READ_INTO(rx_ktime, &member, xbis[xbi_i++], pkts[pkt_i++]), 0);
	assert_int_equal(pkt_i, 1);
	assert_int_equal(xbi_i, 1);
	pkt_i = xbi_i = 0;
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(rx_ktime, rx_ktime, xbis[xbi_i++],
						 pkts[pkt_i++]), 0);
	assert_int_equal(pkt_i, 1);
	assert_int_equal(xbi_i, 1);
}

/*
 * Two short names in one slot: the first one takes it, the second is
 * found through the call. Names "fN" are tried until one lands in the slot
 * of "f0" (the hash and the table size are the header's and the library's).
 */
static void test_names_sharing_a_slot(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	struct xsk_btf_info *xbi = NULL;
	unsigned char frame[FRAME_SIZE];
	__u32 hint[3] = { 0x11111111, 0x22222222, 1 };
	/* 3 members, four slots each rounded up to a power of two: 16. */
	const __u32 mask = 15;
	__u32 slot0, value = 0;
	char other[8];
	void *pkt;
	int n;

	(void)state;
	slot0 = xsk_btf__name_slot_hash(XSK_BTF__NAME_WORD("f0", 2, 0), 0) & mask;
	for (n = 1; n < 1000; n++) {
		int len = snprintf(other, sizeof(other), "f%d", n);

		if ((xsk_btf__name_slot_hash(XSK_BTF__NAME_WORD(other, (size_t)len, 0), 0) &
		     mask) == slot0)
			break;
	}
	assert_true(n < 1000);
	test_struct(btf, "xdp_hints_shared_slot", sizeof(hint));
	test_field(btf, "f0", ty.u32, 0);
	test_field(btf, other, ty.u32, 4);
	test_field(btf, "btf_id", ty.u32, 8);
	assert_int_equal(xsk_btf__init_xdp_hint(btf, "xdp_hints_shared_slot", &xbi), 0);
	pkt = frame_with_hint(frame, hint, sizeof(hint));

	assert_int_equal(XSK_BTF_READ_FIELD_INTO(value, f0, xbi, pkt), 0);
	assert_int_equal(value, 0x11111111);
	/* The other name's literal cannot be spelled as an identifier here:
	 * the function is the path the macro falls back to. */
	{
		void *dest = NULL;

		assert_int_equal(xsk_btf__read_field(&dest, 4, other, xbi, pkt), 0);
		memcpy(&value, dest, sizeof(value));
		assert_int_equal(value, 0x22222222);
	}
	xsk_btf__free_xdp_hint(xbi);
	btf__free(btf);
}

/* Hand-made BTF with one name twice: the table answers what the call does. */
static void test_duplicate_names_agree(void **state)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	struct xsk_btf_info *xbi = NULL;
	unsigned char frame[FRAME_SIZE];
	__u32 hint[3] = { 0x11111111, 0x22222222, 1 };
	__u32 value = 0;
	void *dest = NULL, *pkt;

	(void)state;
	test_struct(btf, "xdp_hints_dup", sizeof(hint));
	test_field(btf, "twice", ty.u32, 0);
	test_field(btf, "twice", ty.u32, 4);
	test_field(btf, "btf_id", ty.u32, 8);
	assert_int_equal(xsk_btf__init_xdp_hint(btf, "xdp_hints_dup", &xbi), 0);
	pkt = frame_with_hint(frame, hint, sizeof(hint));
	assert_int_equal(xsk_btf__read_field(&dest, 4, "twice", xbi, pkt), 0);
	assert_int_equal(XSK_BTF_READ_FIELD_INTO(value, twice, xbi, pkt), 0);
	assert_memory_equal(&value, dest, sizeof(value));
	assert_int_equal(value, 0x11111111);
	xsk_btf__free_xdp_hint(xbi);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolved_member_inline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_by_hand_is_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_names_inline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name_takes_the_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arguments_evaluated_once, setup, teardown),
		cmocka_unit_test(test_names_sharing_a_slot),
		cmocka_unit_test(test_duplicate_names_agree),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("lib_xsk_extend inline reads", tests, NULL, NULL);
}
