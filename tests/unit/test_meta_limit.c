// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * XSK_HINTS_MAX_SIZE is what the kernel grants. bpf_xdp_adjust_meta()
 * (net/core/filter.c) keeps data_meta above data_hard_start +
 * sizeof(struct xdp_frame) and the length within skb_shared_info.meta_len
 * (a u8, so 252); with XDP_PACKET_HEADROOM (256) in front of the packet
 * that is 256 - sizeof(struct xdp_frame). tests/bpf/meta_limit.c finds the
 * largest size the kernel accepts:
 *   - through BPF_PROG_TEST_RUN, where the kernel uses XDP_PACKET_HEADROOM;
 *     the expected value comes from struct xdp_frame in the running
 *     kernel's BTF, so the test says why, not only what;
 *   - with a real frame on veth in native and in generic XDP mode, in a
 *     private network namespace (frames from the peer via AF_PACKET).
 * The measured values are printed as TAP comments. Needs root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib_xsk_extend.h"
#include "tests/meta_limit.skel.h"
#include "test_veth_pair.h"

#define XDP_PACKET_HEADROOM 256
#define META_LEN_MAX 252 /* skb_shared_info.meta_len is a u8; multiple of 4 */
#define WAIT_MS 3000

static struct test_veth_pair veth;

/* sizeof(struct xdp_frame) in the running kernel, from its BTF. */
static __u32 xdp_frame_size(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	const struct btf_type *t;
	__u32 size;
	int id;

	assert_non_null(vmlinux);
	id = btf__find_by_name_kind(vmlinux, "xdp_frame", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(vmlinux, id);
	size = t->size;
	btf__free(vmlinux);
	return size;
}

static __u32 expected_limit(void)
{
	__u32 below_frame = XDP_PACKET_HEADROOM - xdp_frame_size();

	below_frame &= ~3u;
	return below_frame < META_LEN_MAX ? below_frame : META_LEN_MAX;
}

static void test_prog_test_run_limit(void **state)
{
	struct meta_limit *skel = meta_limit__open_and_load();
	unsigned char pkt[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 1);

	(void)state;
	assert_non_null(skel);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.measure_meta_limit),
						&opts), 0);
	print_message("# BPF_PROG_TEST_RUN: bpf_xdp_adjust_meta() grants %u bytes "
		      "(struct xdp_frame is %u bytes)\n", skel->bss->granted, xdp_frame_size());
	assert_int_equal(skel->bss->granted, expected_limit());
	/* The library accepts exactly what the kernel grants. */
	assert_int_equal(XSK_HINTS_MAX_SIZE, skel->bss->granted);
	meta_limit__destroy(skel);
}

static int send_frame(void)
{
	unsigned char frame[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5 };
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_ifindex = veth.peer_ifindex,
		.sll_halen = ETH_ALEN,
	};
	ssize_t sent;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(to.sll_addr, 0xff, ETH_ALEN);
	sent = sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
	return sent == (ssize_t)sizeof(frame) ? 0 : -errno;
}

/* Attach in @mode, send one frame from the peer, return what XDP got. */
static __u32 measure_on_veth(__u32 mode, const char *mode_name)
{
	struct meta_limit *skel = meta_limit__open_and_load();
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int fd, waited;
	__u32 granted;

	assert_non_null(skel);
	fd = bpf_program__fd(skel->progs.measure_meta_limit);
	assert_int_equal(bpf_xdp_attach(veth.ifindex, fd, mode, NULL), 0);
	assert_int_equal(send_frame(), 0);
	for (waited = 0; !__atomic_load_n(&skel->bss->runs, __ATOMIC_ACQUIRE) &&
			 waited < WAIT_MS; waited += 10)
		nanosleep(&pause, NULL);
	granted = skel->bss->granted;
	assert_int_equal(bpf_xdp_detach(veth.ifindex, mode, NULL), 0);
	assert_true(skel->bss->runs > 0);
	print_message("# veth, %s XDP: bpf_xdp_adjust_meta() grants %u bytes\n",
		      mode_name, granted);
	meta_limit__destroy(skel);
	return granted;
}

static void test_veth_native_limit(void **state)
{
	(void)state;
	assert_true(measure_on_veth(XDP_FLAGS_DRV_MODE, "native") >= XSK_HINTS_MAX_SIZE);
}

static void test_veth_generic_limit(void **state)
{
	(void)state;
	assert_true(measure_on_veth(XDP_FLAGS_SKB_MODE, "generic") >= XSK_HINTS_MAX_SIZE);
}

static int veth_setup(void **state)
{
	(void)state;
	return test_veth_pair_create(&veth, "ml", "test_meta_limit");
}

static int veth_teardown(void **state)
{
	(void)state;
	test_veth_pair_delete(&veth, "test_meta_limit");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_test_run_limit),
		cmocka_unit_test(test_veth_native_limit),
		cmocka_unit_test(test_veth_generic_limit),
	};

	if (geteuid() != 0) {
		printf("1..0 # SKIP test_meta_limit needs root (loads BPF, creates a netns)\n");
		return 0;
	}
	return cmocka_run_group_tests_name("bpf_xdp_adjust_meta() limit", tests,
					   veth_setup, veth_teardown);
}
