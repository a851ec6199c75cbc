// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Source compatibility with the original lib_xsk_extend API
 * (xdp-project/bpf-examples, AF_XDP-interaction).
 *
 * The helpers below are written the way programs using that API are:
 * hints looked up by struct name at start-up, members resolved into
 * struct xsk_btf_member, btf_id compared with xsk_btf__btf_type_id(), and
 * fields read with the macros taking bare identifiers. They must compile
 * unchanged and give the same answers as before on valid input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <bpf/btf.h>

#include "lib_xsk_extend.h"

#define HINT_STRUCTS_OBJ TEST_BPF_DIR "/hint_structs.bpf.o"

/* ---- user code in the original style ----------------------------------- */

/* Mirrors kernel-side struct xdp_hints_rx_time, by name only. */
struct xdp_hints_rx_time {
	__u32 btf_type_id; /* cached xsk_btf__btf_type_id(xbi) */
	struct xsk_btf_info *xbi;
	struct xsk_btf_member rx_ktime;
	struct xsk_btf_member xdp_rx_cpu;
} xdp_hints_rx_time = { 0 };

struct xdp_hints_mark {
	__u32 btf_type_id;
	struct xsk_btf_info *xbi;
	struct xsk_btf_member mark;
} xdp_hints_mark = { 0 };

static struct xsk_btf_info *setup_btf_info(struct btf *btf,
					   const char *struct_name, int *errval)
{
	struct xsk_btf_info *xbi = NULL;
	int err;

	err = xsk_btf__init_xdp_hint(btf, struct_name, &xbi);
	if (err) {
		if (errval)
			*errval = err;
		return NULL;
	}
	return xbi;
}

static int init_btf_info_via_bpf_object(struct bpf_object *bpf_obj)
{
	struct btf *btf = bpf_object__btf(bpf_obj);
	struct xsk_btf_info *xbi;

	xbi = setup_btf_info(btf, "xdp_hints_rx_time", NULL);
	if (xbi) {
		if (!xsk_btf__field_member("rx_ktime", xbi, &xdp_hints_rx_time.rx_ktime))
			return -EBADSLT;
		if (!xsk_btf__field_member("xdp_rx_cpu", xbi, &xdp_hints_rx_time.xdp_rx_cpu))
			return -EBADSLT;
		xdp_hints_rx_time.btf_type_id = xsk_btf__btf_type_id(xbi);
		xdp_hints_rx_time.xbi = xbi;
	}

	xbi = setup_btf_info(btf, "xdp_hints_mark", NULL);
	if (xbi) {
		if (!xsk_btf__field_member("mark", xbi, &xdp_hints_mark.mark))
			return -EBADSLT;
		xdp_hints_mark.btf_type_id = xsk_btf__btf_type_id(xbi);
		xdp_hints_mark.xbi = xbi;
	}
	return 0;
}

/* What a receive loop did per packet: dispatch on btf_id, read a field. */
static int print_meta_info_via_btf(uint8_t *pkt, __u64 *time_stamp, __u32 *mark)
{
	__u32 btf_id = xsk_umem__btf_id(pkt);
	int err = -ENOENT;

	if (btf_id == 0)
		return -ENOENT; /* no metadata */

	if (btf_id == xdp_hints_rx_time.btf_type_id) {
		err = XSK_BTF_READ_INTO(*time_stamp, &xdp_hints_rx_time.rx_ktime,
					xdp_hints_rx_time.xbi, pkt);
	} else if (btf_id == xdp_hints_mark.btf_type_id) {
		err = XSK_BTF_READ_FIELD_INTO(*mark, mark, xdp_hints_mark.xbi, pkt);
	}
	return err;
}

/* ---- checks --------------------------------------------------------------- */

static struct bpf_object *bpf_obj;
/* A UMEM frame: 8-byte aligned, the packet after 256 bytes of headroom. */
static uint8_t frame[512] __attribute__((aligned(8)));
#define PKT (frame + 256)

static int setup(void **state)
{
	(void)state;
	bpf_obj = bpf_object__open_file(HINT_STRUCTS_OBJ, NULL);
	if (!bpf_obj)
		return -1;
	return init_btf_info_via_bpf_object(bpf_obj);
}

static int teardown(void **state)
{
	(void)state;
	xsk_btf__free_xdp_hint(xdp_hints_rx_time.xbi);
	xsk_btf__free_xdp_hint(xdp_hints_mark.xbi);
	bpf_object__close(bpf_obj);
	return 0;
}

static void test_init_by_struct_name(void **state)
{
	(void)state;
	assert_non_null(xdp_hints_rx_time.xbi);
	assert_non_null(xdp_hints_mark.xbi);
	assert_int_not_equal(xdp_hints_rx_time.btf_type_id, 0);
	assert_int_not_equal(xdp_hints_rx_time.btf_type_id, xdp_hints_mark.btf_type_id);
	/* The layout the original expected for this struct. */
	assert_int_equal(xdp_hints_rx_time.rx_ktime.offset, 0);
	assert_int_equal(xdp_hints_rx_time.rx_ktime.size, 8);
	assert_int_equal(xdp_hints_rx_time.xdp_rx_cpu.offset, 8);
	assert_int_equal(xdp_hints_rx_time.xdp_rx_cpu.size, 4);
	assert_true(xsk_btf__has_field("btf_id", xdp_hints_mark.xbi));
	assert_false(xsk_btf__has_field("rx_ktime", xdp_hints_mark.xbi));
}

static void test_dispatch_rx_time(void **state)
{
	__u64 rx_ktime = 987654321, time_stamp = 0;
	__u32 cpu = 1, mark = 0;

	(void)state;
	memcpy(PKT - 16, &rx_ktime, 8);
	memcpy(PKT - 8, &cpu, 4);
	memcpy(PKT - 4, &xdp_hints_rx_time.btf_type_id, 4);
	assert_int_equal(print_meta_info_via_btf(PKT, &time_stamp, &mark), 0);
	assert_int_equal(time_stamp, 987654321);
	assert_int_equal(mark, 0);
}

static void test_dispatch_mark(void **state)
{
	__u32 mark_in = 0x42, mark = 0;
	__u64 time_stamp = 0;

	(void)state;
	memcpy(PKT - 8, &mark_in, 4);
	memcpy(PKT - 4, &xdp_hints_mark.btf_type_id, 4);
	assert_int_equal(print_meta_info_via_btf(PKT, &time_stamp, &mark), 0);
	assert_int_equal(mark, 0x42);
	assert_int_equal(time_stamp, 0);
}

static void test_no_metadata(void **state)
{
	__u64 time_stamp = 0;
	__u32 mark = 0;

	(void)state;
	memset(PKT - 4, 0, 4);
	assert_int_equal(print_meta_info_via_btf(PKT, &time_stamp, &mark), -ENOENT);
}

/* Original users dereferenced the returned pointer directly. */
static void test_read_field_pointer(void **state)
{
	__u64 rx_ktime = 5555;
	void *ptr = NULL;
	int err;

	(void)state;
	memcpy(PKT - 16, &rx_ktime, 8);
	err = xsk_btf__read_field(&ptr, sizeof(__u64), "rx_ktime",
				  xdp_hints_rx_time.xbi, PKT);
	assert_int_equal(err, 0);
	assert_int_equal(*(__u64 *)ptr, 5555);
	err = xsk_btf__read(&ptr, sizeof(__u32), &xdp_hints_rx_time.xdp_rx_cpu,
			    xdp_hints_rx_time.xbi, PKT);
	assert_int_equal(err, 0);
	assert_ptr_equal(ptr, PKT - 8);
}

/* The original's negative test: btf_id not last gives -EOVERFLOW. */
static void test_should_fail(void **state)
{
	struct btf *btf = bpf_object__btf(bpf_obj);
	int errval = 0;

	(void)state;
	assert_null(setup_btf_info(btf, "xdp_hints_field_after_btf_id", &errval));
	assert_int_equal(errval, -EOVERFLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_by_struct_name),
		cmocka_unit_test(test_dispatch_rx_time),
		cmocka_unit_test(test_dispatch_mark),
		cmocka_unit_test(test_no_metadata),
		cmocka_unit_test(test_read_field_pointer),
		cmocka_unit_test(test_should_fail),
	};

	return cmocka_run_group_tests_name("original lib_xsk_extend API", tests,
					   setup, teardown);
}
