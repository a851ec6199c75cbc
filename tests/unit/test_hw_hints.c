// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Driver RX metadata as an XDP-hint: xdp_hints_redirect_hw and the module
 * that picks it (common/hint_program.c).
 *
 * A device-bound program cannot go through BPF_PROG_TEST_RUN (the kernel
 * says EINVAL, checked below), so the hint is checked with real frames: the
 * program is bound and attached natively to a veth in a private network
 * namespace, an AF_XDP socket (copy mode) sits on its only queue, and UDP
 * frames are sent from the peer through an AF_PACKET socket. veth hands
 * the XDP program its skb, so the kfuncs answer from it: the hash is the
 * skb's flow hash, the VLAN tag is the skb's accelerated tag, and there is
 * no hardware timestamp.
 *
 * The receiver side reads everything by name through lib_xsk_extend: the
 * registry dispatches on btf_id, fields are resolved by name.  Needs root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "af_xdp_shared.h"
#include "af_xdp_kern.skel.h"
#include "tests/tc_vlan_push.skel.h"
#include "tests/ksym_guard.skel.h"
#include "hint_program.h"
#include "lib_xsk_extend.h"
#include "xdp_attach.h"
#include "log.h"
#include "mono_clock.h"

#define RX_HW_HINT_SIZE 40
#define TEST_UDP_PORT 4242
#define FRAMES_SENT 8
#define VLAN_TCI ((5 << 13) | 42) /* priority 5, VID 42 */
#define XSK_FRAMES 64
#define XSK_FRAME_SIZE 4096
#define RECEIVE_TIMEOUT_MS 3000
/* The kernel's XDP_RSS_L4 bit of enum xdp_rss_hash_type. */
#define RSS_TYPE_L4 (1U << 3)

/* ---- suite-wide environment ------------------------------------------------ */

static char veth_name[IFNAMSIZ];   /* the XDP side */
static char peer_name[IFNAMSIZ];   /* frames are sent from here */
static char tap_name[IFNAMSIZ];    /* native XDP, no RX-metadata kfuncs */
static int veth_ifindex, peer_ifindex, tap_ifindex;
static __u8 veth_mac[ETH_ALEN];

/* The verifier log of the last failed load, for tests that expect one. */
static char libbpf_log[8192];

static int run_cmd(const char *fmt, ...)
{
	char cmd[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

/* Keep libbpf quiet, but remember what it said: some tests read it. */
static int capture_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t used = strlen(libbpf_log);

	(void)level;
	if (used < sizeof(libbpf_log) - 1)
		vsnprintf(libbpf_log + used, sizeof(libbpf_log) - used, fmt, ap);
	return 0;
}

static int mac_of(const char *ifname, __u8 *mac)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return err;
}

static int suite_setup(void **state)
{
	int pid = (int)getpid();

	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "test_hw_hints: needs root (loads BPF, creates a netns)\n");
		return -1;
	}
	/* Everything below dies with this namespace, also on a crash. */
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "test_hw_hints: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	snprintf(veth_name, sizeof(veth_name), "xhwa%d", pid);
	snprintf(peer_name, sizeof(peer_name), "xhwb%d", pid);
	snprintf(tap_name, sizeof(tap_name), "xhwt%d", pid);
	if (run_cmd("ip link add %s type veth peer name %s && ip link set %s up && "
		    "ip link set %s up && ip tuntap add mode tap %s && ip link set %s up",
		    veth_name, peer_name, veth_name, peer_name, tap_name, tap_name)) {
		fprintf(stderr, "test_hw_hints: cannot create veth %s or tap %s\n",
			veth_name, tap_name);
		return -1;
	}
	veth_ifindex = (int)if_nametoindex(veth_name);
	peer_ifindex = (int)if_nametoindex(peer_name);
	tap_ifindex = (int)if_nametoindex(tap_name);
	if (!veth_ifindex || !peer_ifindex || !tap_ifindex ||
	    mac_of(veth_name, veth_mac))
		return -1;
	libbpf_set_print(capture_libbpf);
	return 0;
}

static int suite_teardown(void **state)
{
	(void)state;
	if (veth_ifindex > 0)
		run_cmd("ip link del %s", veth_name);
	if (tap_ifindex > 0)
		run_cmd("ip link del %s", tap_name);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static struct af_xdp_kern *open_skel(void)
{
	struct af_xdp_kern *skel = af_xdp_kern__open();

	assert_non_null(skel);
	skel->rodata->hint_policy = HINT_POLICY_RX_TIME;
	skel->rodata->redirect_filter = FILTER_UDP_DPORT;
	skel->rodata->filter_udp_dport = TEST_UDP_PORT;
	assert_int_equal(bpf_map__set_max_entries(skel->maps.xsks_map, 4), 0);
	assert_int_equal(bpf_map__set_max_entries(skel->maps.queue_stats, 4), 0);
	return skel;
}

static struct hint_program_request request_for(const char *ifname, int ifindex,
					       enum xdp_mode_choice mode,
					       enum hw_hints_choice hw)
{
	struct hint_program_request req = {
		.ifname = ifname,
		.ifindex = ifindex,
		.xdp_mode = mode,
		.hw_hints = hw,
	};

	return req;
}

/* What a kernel without the netdev family attribute (6.3..6.7) answers. */
static int features_unknown(int ifindex, __u32 *features_out)
{
	(void)ifindex;
	(void)features_out;
	return -ENOENT;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("expected \"%s\" in \"%s\"", part, text);
}

static void assert_loaded(const struct bpf_program *prog, bool loaded)
{
	if (loaded)
		assert_true(bpf_program__fd(prog) >= 0);
	else
		assert_true(bpf_program__fd(prog) < 0);
}

/* ---- tests: the choice itself (no kernel) ---------------------------------- */

static void test_hw_hints_option_words(void **state)
{
	enum hw_hints_choice choice = HW_HINTS_OFF;

	(void)state;
	assert_int_equal(hw_hints_parse("auto", &choice), 0);
	assert_int_equal(choice, HW_HINTS_AUTO);
	assert_int_equal(hw_hints_parse("on", &choice), 0);
	assert_int_equal(choice, HW_HINTS_ON);
	assert_int_equal(hw_hints_parse("off", &choice), 0);
	assert_int_equal(choice, HW_HINTS_OFF);
	assert_int_equal(hw_hints_parse("yes", &choice), -EINVAL);
	assert_int_equal(hw_hints_parse("", &choice), -EINVAL);
	assert_int_equal(hw_hints_parse(NULL, &choice), -EINVAL);
	assert_int_equal(choice, HW_HINTS_OFF); /* untouched on error */
	assert_string_equal(hw_hints_name(HW_HINTS_ON), "on");
}

static void test_decide_off_auto_on(void **state)
{
	__u32 all = HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH | HINT_RX_META_VLAN_TAG;
	struct hint_program_request req = request_for("eth9", 9, XDP_MODE_AUTO, HW_HINTS_OFF);
	struct hint_program out;

	(void)state;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, all, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_SOFTWARE);
	assert_string_equal(out.explanation, "hint layout xdp_hints_rx_time: --hw-hints off");

	req.hw_hints = HW_HINTS_AUTO;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, all, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_TRY_DRIVER);
	/* A kernel that cannot say still gets the attempt. */
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, 0, -ENOENT, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_TRY_DRIVER);

	req.hw_hints = HW_HINTS_ON;
	req.xdp_mode = XDP_MODE_NATIVE;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, all, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_DRIVER);
	/* "on" is obeyed even when the driver reports nothing. */
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, 0, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_DRIVER);
}

/* xdp_hints_rx_hw holds monotonic times: --clock tai means software hints. */
static void test_decide_tai_clock_means_software(void **state)
{
	__u32 all = HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH | HINT_RX_META_VLAN_TAG;
	struct hint_program_request req = request_for("eth9", 9, XDP_MODE_NATIVE, HW_HINTS_AUTO);
	struct hint_program out;

	(void)state;
	req.clock = HINT_CLOCK_TAI;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, all, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_SOFTWARE);
	assert_string_equal(out.explanation,
			    "hint layout xdp_hints_rx_tai: --clock tai (xdp_hints_rx_hw holds CLOCK_MONOTONIC times)");
	req.hw_hints = HW_HINTS_ON;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, all, 0, &out), -EINVAL);
	assert_non_null(strstr(out.explanation, "--clock tai"));
}

static void test_decide_generic_mode_means_software(void **state)
{
	struct hint_program_request req = request_for("eth9", 9, XDP_MODE_GENERIC, HW_HINTS_AUTO);
	struct hint_program out;

	(void)state;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, HINT_RX_META_HASH, 0, &out),
			 0);
	assert_int_equal(out.plan, HINT_PLAN_SOFTWARE);
	assert_string_equal(out.explanation,
			    "hint layout xdp_hints_rx_time: generic mode cannot call RX-metadata kfuncs");

	req.hw_hints = HW_HINTS_ON;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_RX_TIME, HINT_RX_META_HASH, 0, &out),
			 -EINVAL);
	assert_contains(out.explanation, "generic mode cannot call RX-metadata kfuncs");
}

static void test_decide_other_layouts_stay_software(void **state)
{
	struct hint_program_request req = request_for("eth9", 9, XDP_MODE_NATIVE, HW_HINTS_AUTO);
	struct hint_program out;

	(void)state;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_MARK, HINT_RX_META_HASH, 0, &out), 0);
	assert_int_equal(out.plan, HINT_PLAN_SOFTWARE);
	assert_contains(out.explanation, "hint layout xdp_hints_mark:");
	req.hw_hints = HW_HINTS_ON;
	assert_int_equal(hint_program_decide(&req, HINT_POLICY_ALTERNATE, HINT_RX_META_HASH, 0,
					     &out), -EINVAL);
	assert_contains(out.explanation, "conflicts with --layout alternate");
}

/* ---- tests: what the kernel says about devices ------------------------------ */

static void test_driver_feature_report(void **state)
{
	__u32 features = 0;

	(void)state;
	assert_int_equal(hint_program_rx_metadata_features(veth_ifindex, &features), 0);
	/* veth implements all three kfuncs (6.8+). */
	assert_int_equal(features, HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH |
				   HINT_RX_META_VLAN_TAG);
	features = 0xff;
	assert_int_equal(hint_program_rx_metadata_features(tap_ifindex, &features), 0);
	assert_int_equal(features, 0);
	assert_true(hint_program_rx_metadata_features(1000000, &features) < 0);
}

/* The verifier refuses the kfuncs in a program that is not device-bound. */
static void test_hw_program_needs_device_binding(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	int err;

	(void)state;
	bpf_program__set_autoload(skel->progs.xdp_hints_redirect, false);
	bpf_program__set_autoload(skel->progs.xdp_hints_redirect_hw, true);
	libbpf_log[0] = '\0';
	err = af_xdp_kern__load(skel);
	assert_int_equal(err, -EINVAL);
	assert_contains(libbpf_log, "metadata kfuncs require device-bound program");
	af_xdp_kern__destroy(skel);

	/* Through the module: no interface to bind to, --hw-hints on. */
	skel = open_skel();
	{
		struct hint_program_request req = request_for("none", 0, XDP_MODE_NATIVE,
							      HW_HINTS_ON);
		struct hint_program out;

		req.features_query = features_unknown;
		assert_int_equal(hint_program_load(&skel, &req, &out), -EINVAL);
		assert_int_equal(out.driver_load_err, -EINVAL);
		assert_contains(out.explanation, "loading xdp_hints_redirect_hw device-bound to none");
		assert_contains(out.explanation, "only in a program bound to a native-XDP device");
	}
	af_xdp_kern__destroy(skel);
}

/* By default (SEC("?xdp")) the hw program stays out: old users load as before. */
static void test_plain_open_load_takes_software_only(void **state)
{
	struct af_xdp_kern *skel = open_skel();

	(void)state;
	assert_int_equal(af_xdp_kern__load(skel), 0);
	assert_loaded(skel->progs.xdp_hints_redirect, true);
	assert_loaded(skel->progs.xdp_hints_redirect_hw, false);
	af_xdp_kern__destroy(skel);
}

static void test_generic_mode_selects_software(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for(veth_name, veth_ifindex, XDP_MODE_GENERIC,
						      HW_HINTS_AUTO);
	struct hint_program out;

	(void)state;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_false(out.driver_metadata);
	assert_ptr_equal(out.prog, skel->progs.xdp_hints_redirect);
	assert_int_equal(out.attach_mode, XDP_MODE_GENERIC);
	assert_string_equal(out.explanation,
			    "hint layout xdp_hints_rx_time: generic mode cannot call RX-metadata kfuncs");
	assert_loaded(skel->progs.xdp_hints_redirect, true);
	assert_loaded(skel->progs.xdp_hints_redirect_hw, false);
	af_xdp_kern__destroy(skel);
}

/* tap has native XDP but no kfuncs: auto keeps software, on obeys. */
static void test_driver_without_kfuncs(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for(tap_name, tap_ifindex, XDP_MODE_AUTO,
						      HW_HINTS_AUTO);
	struct hint_program out;

	(void)state;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_false(out.driver_metadata);
	assert_string_equal(out.explanation,
			    "hint layout xdp_hints_rx_time: driver tun has no RX-metadata kfuncs (netdev xdp-rx-metadata-features: none)");
	af_xdp_kern__destroy(skel);

	/* The kernel lets it load: each kfunc then says -EOPNOTSUPP per packet. */
	skel = open_skel();
	req.hw_hints = HW_HINTS_ON;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_true(out.driver_metadata);
	assert_int_equal(out.attach_mode, XDP_MODE_NATIVE);
	assert_contains(out.explanation, "valid_bits stay 0");
	af_xdp_kern__destroy(skel);
}

/*
 * lo has no native XDP: binding fails with EOPNOTSUPP. Auto on a kernel
 * that cannot report features tries, re-opens and falls back, keeping the
 * caller's rodata and map sizes; on reports the failure.
 */
static void test_auto_falls_back_when_load_fails(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for("lo", 1, XDP_MODE_AUTO, HW_HINTS_AUTO);
	struct af_xdp_kern *opened = skel;
	struct hint_program out;

	(void)state;
	req.features_query = features_unknown;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_ptr_not_equal(skel, opened); /* a fresh object */
	assert_false(out.driver_metadata);
	assert_int_equal(out.driver_load_err, -EOPNOTSUPP);
	assert_int_equal(out.plan, HINT_PLAN_SOFTWARE);
	assert_ptr_equal(out.prog, skel->progs.xdp_hints_redirect);
	assert_int_equal(out.attach_mode, XDP_MODE_AUTO);
	assert_string_equal(out.explanation,
			    "hint layout xdp_hints_rx_time: lo (driver unknown) cannot run the RX-metadata program (load failed: Operation not supported), falling back");
	assert_loaded(skel->progs.xdp_hints_redirect, true);
	assert_loaded(skel->progs.xdp_hints_redirect_hw, false);
	assert_int_equal(skel->rodata->redirect_filter, FILTER_UDP_DPORT);
	assert_int_equal(skel->rodata->filter_udp_dport, TEST_UDP_PORT);
	assert_int_equal(bpf_map__max_entries(skel->maps.xsks_map), 4);
	assert_int_equal(bpf_map__max_entries(skel->maps.queue_stats), 4);
	af_xdp_kern__destroy(skel);

	skel = open_skel();
	req.hw_hints = HW_HINTS_ON;
	req.xdp_mode = XDP_MODE_NATIVE;
	assert_int_equal(hint_program_load(&skel, &req, &out), -EOPNOTSUPP);
	assert_contains(out.explanation, "device-bound to lo (driver unknown): Operation not supported");
	af_xdp_kern__destroy(skel);
}

/* A bound program: no test_run, no generic attach, no other device. */
static void test_bound_program_limits(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for(veth_name, veth_ifindex, XDP_MODE_AUTO,
						      HW_HINTS_AUTO);
	__u8 frame[64] = { 0 }, out_buf[256];
	struct xdp_md ctx = { .data_end = sizeof(frame), .ingress_ifindex = (__u32)veth_ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, plain, .data_in = frame, .data_size_in = sizeof(frame),
		    .data_out = out_buf, .data_size_out = sizeof(out_buf));
	LIBBPF_OPTS(bpf_test_run_opts, live, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .repeat = 1);
	struct xdp_attachment att = XDP_ATTACHMENT_INIT;
	struct hint_program out;
	int fd;

	(void)state;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_true(out.driver_metadata);
	fd = bpf_program__fd(out.prog);
	assert_int_equal(bpf_prog_test_run_opts(fd, &plain), -EINVAL);
	assert_int_equal(bpf_prog_test_run_opts(fd, &live), -EINVAL);
	assert_int_equal(xdp_attach(out.prog, veth_ifindex, XDP_MODE_GENERIC, &att), -EINVAL);
	assert_int_equal(xdp_attach(out.prog, peer_ifindex, XDP_MODE_NATIVE, &att), -EINVAL);
	assert_int_equal(att.link_fd, -1);
	af_xdp_kern__destroy(skel);
}

/* ---- tests: real frames through a bound, attached program ---------------- */

struct rx_setup {
	struct af_xdp_kern *skel;
	struct hint_program prog;
	struct xdp_attachment att;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	struct xsk_hints *registry;
};

static void rx_setup_release(struct rx_setup *s)
{
	xsk_hints__free(s->registry);
	if (s->xsk)
		xsk_socket__delete(s->xsk);
	if (s->umem)
		xsk_umem__delete(s->umem);
	if (s->area && s->area != MAP_FAILED)
		munmap(s->area, XSK_FRAMES * XSK_FRAME_SIZE);
	xdp_attachment_release(&s->att);
	af_xdp_kern__destroy(s->skel);
}

/* Load through the module, attach where it says, one copy-mode socket on queue 0. */
static int rx_setup_open(struct rx_setup *s)
{
	const struct xsk_socket_config xsk_cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct hint_program_request req = request_for(veth_name, veth_ifindex, XDP_MODE_AUTO,
						      HW_HINTS_AUTO);
	__u32 queue = 0, idx = 0;
	int err, xsk_fd;

	memset(s, 0, sizeof(*s));
	s->att.link_fd = -1;
	s->skel = open_skel();
	err = hint_program_load(&s->skel, &req, &s->prog);
	if (err)
		return err;
	err = xdp_attach(s->prog.prog, veth_ifindex, s->prog.attach_mode, &s->att);
	if (err)
		return err;
	s->area = mmap(NULL, XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED)
		return -errno;
	err = xsk_umem__create(&s->umem, s->area, XSK_FRAMES * XSK_FRAME_SIZE, &s->fill,
			       &s->comp, NULL);
	/* The previous test's socket on this queue is torn down by the
	 * kernel after close() returns: until then, bind says EBUSY. */
	for (int tries = 0; !err && tries < 40; tries++) {
		err = xsk_socket__create(&s->xsk, veth_name, queue, s->umem, &s->rx, NULL,
					 &xsk_cfg);
		if (err != -EBUSY)
			break;
		err = 0;
		usleep(50 * 1000);
	}
	if (!err && !s->xsk)
		err = -EBUSY;
	if (err)
		return err;
	if (xsk_ring_prod__reserve(&s->fill, XSK_FRAMES, &idx) != XSK_FRAMES)
		return -ENOSPC;
	for (__u32 i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = (__u64)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&s->fill, XSK_FRAMES);
	xsk_fd = xsk_socket__fd(s->xsk);
	err = bpf_map__update_elem(s->skel->maps.xsks_map, &queue, sizeof(queue), &xsk_fd,
				   sizeof(xsk_fd), 0);
	if (err)
		return err;
	s->registry = xsk_hints__new(bpf_object__btf(s->skel->obj), NULL);
	return s->registry ? 0 : -errno;
}

/*
 * An IPv4/UDP frame to TEST_UDP_PORT from @sport, out of @ifindex. Headers
 * are built in their own structs and copied: the IP header sits at byte 14,
 * not aligned for struct iphdr.
 */
static int send_udp(int ifindex, __u16 sport)
{
	struct ethhdr eth = { .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = {
		.version = 4,
		.ihl = 5,
		.ttl = 64,
		.protocol = IPPROTO_UDP,
		.saddr = htonl(0x0a000001),
		.daddr = htonl(0x0a000002),
	};
	struct udphdr udp = { .source = htons(sport), .dest = htons(TEST_UDP_PORT) };
	__u8 frame[sizeof(eth) + sizeof(ip) + sizeof(udp) + 18] = { 0 };
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};
	static const __u8 src_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x77, 0x01 };
	ssize_t sent;
	int fd;

	memcpy(eth.h_dest, veth_mac, ETH_ALEN);
	memcpy(eth.h_source, src_mac, ETH_ALEN);
	ip.tot_len = htons(sizeof(frame) - sizeof(eth));
	udp.len = htons(sizeof(frame) - sizeof(eth) - sizeof(ip));
	memcpy(frame, &eth, sizeof(eth));
	memcpy(frame + sizeof(eth), &ip, sizeof(ip));
	memcpy(frame + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
	memcpy(to.sll_addr, veth_mac, ETH_ALEN);

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sent = sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
	return sent == (ssize_t)sizeof(frame) ? 0 : -errno;
}

/* One received frame's hint, read by name. */
struct seen_hint {
	char layout[32];  /* a copy: the BTF goes away with the object */
	__u32 size;
	__u64 rx_hw_timestamp, rx_ktime;
	__u32 rx_hash, rx_hash_type, valid_bits, xdp_rx_cpu;
	__u16 vlan_tci, vlan_proto;
	__u16 ethertype; /* the frame's own, to see where a VLAN tag went */
};

/* Field @name of @info, exactly @size bytes, into @dst. */
static void read_named(const struct xsk_hint *info, const char *name, const void *pkt,
		       void *dst, size_t size)
{
	struct xsk_hint_field f;

	assert_int_equal(xsk_hint__field(info, name, &f), 0);
	assert_int_equal(f.size, size);
	assert_int_equal(xsk_hint_field__read(&f, pkt, dst, size), (int)size);
}

#define READ_NAMED(info, dst, name, pkt) read_named(info, name, pkt, &(dst), sizeof(dst))

static void read_hint(struct rx_setup *s, void *pkt, struct seen_hint *h)
{
	int index = xsk_hints__dispatch(s->registry, xsk_hints_pkt_btf_id(pkt));
	const struct xsk_hint *info;
	struct ethhdr eth;

	assert_true(index >= 0);
	info = xsk_hints__hint(s->registry, (size_t)index);
	assert_non_null(info);
	snprintf(h->layout, sizeof(h->layout), "%s", xsk_hint__name(info));
	h->size = xsk_hint__size(info);
	READ_NAMED(info, h->rx_hw_timestamp, "rx_hw_timestamp", pkt);
	READ_NAMED(info, h->rx_ktime, "rx_ktime", pkt);
	READ_NAMED(info, h->rx_hash, "rx_hash", pkt);
	READ_NAMED(info, h->rx_hash_type, "rx_hash_type", pkt);
	READ_NAMED(info, h->valid_bits, "valid_bits", pkt);
	READ_NAMED(info, h->xdp_rx_cpu, "xdp_rx_cpu", pkt);
	READ_NAMED(info, h->vlan_tci, "vlan_tci", pkt);
	READ_NAMED(info, h->vlan_proto, "vlan_proto", pkt);
	memcpy(&eth, pkt, sizeof(eth));
	h->ethertype = ntohs(eth.h_proto);
}

/* Wait for up to @want frames; returns how many arrived. */
static int receive_hints(struct rx_setup *s, struct seen_hint *hints, int want)
{
	struct pollfd pfd = { .fd = xsk_socket__fd(s->xsk), .events = POLLIN };
	int got = 0;

	while (got < want) {
		__u32 idx_rx = 0, idx_fill = 0, n;

		if (poll(&pfd, 1, RECEIVE_TIMEOUT_MS) <= 0)
			break;
		n = xsk_ring_cons__peek(&s->rx, (__u32)(want - got), &idx_rx);
		if (!n)
			continue;
		assert_int_equal(xsk_ring_prod__reserve(&s->fill, n, &idx_fill), n);
		for (__u32 i = 0; i < n; i++) {
			const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&s->rx, idx_rx + i);
			void *pkt = xsk_umem__get_data(s->area, desc->addr);

			read_hint(s, pkt, &hints[got++]);
			xsk_hints_pkt_clear_btf_id(pkt);
			*xsk_ring_prod__fill_addr(&s->fill, idx_fill + i) =
				desc->addr & ~(__u64)(XSK_FRAME_SIZE - 1);
		}
		xsk_ring_prod__submit(&s->fill, n);
		xsk_ring_cons__release(&s->rx, n);
	}
	return got;
}

static void test_veth_frames_carry_driver_hash(void **state)
{
	struct seen_hint hints[FRAMES_SENT];
	struct queue_counters counters[256];
	struct queue_counters total = { 0 };
	struct rx_setup s;
	__u64 before, after;
	int err, got, ncpus, distinct = 0;
	__u32 key = 0;

	(void)state;
	err = rx_setup_open(&s);
	if (err) {
		rx_setup_release(&s);
		fail_msg("setting up %s: %s (%s)", veth_name, strerror(-err), s.prog.explanation);
	}
	assert_true(s.prog.driver_metadata);
	assert_int_equal(s.att.mode, XDP_MODE_NATIVE);
	assert_contains(s.prog.explanation, "hint layout xdp_hints_rx_hw: device-bound to ");
	assert_contains(s.prog.explanation, veth_name);
	assert_contains(s.prog.explanation, "(veth: timestamp hash vlan-tag)");

	before = monotonic_ns();
	for (int i = 0; i < FRAMES_SENT; i++)
		assert_int_equal(send_udp(peer_ifindex, (__u16)(10000 + i)), 0);
	got = receive_hints(&s, hints, FRAMES_SENT);
	after = monotonic_ns();
	assert_int_equal(got, FRAMES_SENT);

	for (int i = 0; i < got; i++) {
		const struct seen_hint *h = &hints[i];

		assert_string_equal(h->layout, "xdp_hints_rx_hw");
		assert_int_equal(h->size, RX_HW_HINT_SIZE);
		/* The driver gave a hash: bit set, value real, an L4 hash for UDP. */
		assert_true(h->valid_bits & HINT_HW_VALID_HASH);
		assert_int_not_equal(h->rx_hash, 0);
		assert_true(h->rx_hash_type & RSS_TYPE_L4);
		/*
		 * veth has no hardware clock: its kfunc returns 0 with a zero
		 * timestamp, which the program must report as absent, not "0 ns".
		 */
		assert_false(h->valid_bits & HINT_HW_VALID_TIMESTAMP);
		assert_int_equal(h->rx_hw_timestamp, 0);
		/* Untagged frames: no VLAN, and the fields say nothing. */
		assert_false(h->valid_bits & HINT_HW_VALID_VLAN);
		assert_int_equal(h->vlan_tci, 0);
		assert_int_equal(h->vlan_proto, 0);
		assert_int_equal(h->valid_bits & ~(__u32)(HINT_HW_VALID_TIMESTAMP |
					HINT_HW_VALID_HASH | HINT_HW_VALID_VLAN), 0);
		/* The software part is there as in xdp_hints_rx_time. */
		assert_true(h->rx_ktime >= before && h->rx_ktime <= after);
		assert_true(h->xdp_rx_cpu < (__u32)libbpf_num_possible_cpus());
		if (i && h->rx_hash != hints[0].rx_hash)
			distinct++;
	}
	/* Different source ports, different flows: the hash is per packet. */
	assert_true(distinct > 0);

	ncpus = libbpf_num_possible_cpus();
	assert_true(ncpus > 0 && ncpus <= 256);
	assert_int_equal(bpf_map__lookup_elem(s.skel->maps.queue_stats, &key, sizeof(key),
					      counters, (size_t)ncpus * sizeof(counters[0]), 0), 0);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		total.stamped += counters[cpu].stamped;
		total.redirected += counters[cpu].redirected;
		total.meta_failed += counters[cpu].meta_failed;
	}
	assert_int_equal(total.stamped, FRAMES_SENT);
	assert_int_equal(total.redirected, FRAMES_SENT);
	assert_int_equal(total.meta_failed, 0);
	rx_setup_release(&s);
}

/*
 * A tag the sender put in skb metadata (tests/bpf/tc_vlan_push.c on the
 * peer's egress) reaches the XDP program as the driver's VLAN tag: the
 * VLAN bit, TCI and protocol are set, and the frame bytes carry no tag.
 */
static void test_veth_vlan_tag_reaches_hint(void **state)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = 0, .attach_point = BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, tc_opts);
	struct tc_vlan_push *tagger = NULL;
	struct seen_hint hints[2];
	bool hook_made = false;
	struct rx_setup s;
	int err, got = 0;

	(void)state;
	hook.ifindex = peer_ifindex;
	err = rx_setup_open(&s);
	if (!err) {
		tagger = tc_vlan_push__open();
		err = tagger ? 0 : -errno;
	}
	if (!err) {
		tagger->rodata->vlan_tci = VLAN_TCI;
		err = tc_vlan_push__load(tagger);
	}
	if (!err) {
		err = bpf_tc_hook_create(&hook);
		hook_made = !err;
	}
	if (!err) {
		tc_opts.prog_fd = bpf_program__fd(tagger->progs.push_vlan_tag);
		err = bpf_tc_attach(&hook, &tc_opts);
	}
	for (int i = 0; !err && i < 2; i++)
		err = send_udp(peer_ifindex, (__u16)(20000 + i));
	if (!err)
		got = receive_hints(&s, hints, 2);
	if (hook_made) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	tc_vlan_push__destroy(tagger);
	rx_setup_release(&s);
	if (err)
		fail_msg("tagging frames on %s: %s", peer_name, strerror(-err));

	assert_int_equal(got, 2);
	for (int i = 0; i < got; i++) {
		assert_string_equal(hints[i].layout, "xdp_hints_rx_hw");
		assert_true(hints[i].valid_bits & HINT_HW_VALID_VLAN);
		assert_int_equal(hints[i].vlan_tci, VLAN_TCI);
		assert_int_equal(hints[i].vlan_proto, ETH_P_8021Q);
		assert_true(hints[i].valid_bits & HINT_HW_VALID_HASH);
		assert_int_equal(hints[i].ethertype, ETH_P_IP);
	}
}


/* ---- tests: kernels without (some) RX-metadata kfuncs ---------------------------- */

/* A BTF with a FUNC of each given name (int f(void)), like vmlinux's. */
static struct btf *btf_with_funcs(const char *const *names, int n)
{
	struct btf *btf = btf__new_empty();
	int int_id, proto_id;

	assert_non_null(btf);
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto_id = btf__add_func_proto(btf, int_id);
	assert_true(int_id > 0 && proto_id > 0);
	for (int i = 0; i < n; i++)
		assert_true(btf__add_func(btf, names[i], BTF_FUNC_GLOBAL, proto_id) > 0);
	return btf;
}

static void test_kfuncs_from_btf(void **state)
{
	static const char *const before_6_3[] = { "bpf_xdp_adjust_meta", "bpf_xdp_load_bytes" };
	static const char *const six_3[] = { "bpf_xdp_metadata_rx_timestamp",
					     "bpf_xdp_metadata_rx_hash" };
	static const char *const six_8[] = { "bpf_xdp_metadata_rx_timestamp",
					     "bpf_xdp_metadata_rx_hash",
					     "bpf_xdp_metadata_rx_vlan_tag" };
	struct btf *btf;
	struct utsname uts;
	unsigned int major = 0, minor = 0;
	__u32 kfuncs = 0;

	(void)state;
	btf = btf_with_funcs(before_6_3, 2);
	assert_int_equal(hint_program_btf_kfuncs(btf), 0);
	btf__free(btf);
	btf = btf_with_funcs(six_3, 2);
	assert_int_equal(hint_program_btf_kfuncs(btf), HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH);
	btf__free(btf);
	btf = btf_with_funcs(six_8, 3);
	assert_int_equal(hint_program_btf_kfuncs(btf), HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH |
						       HINT_RX_META_VLAN_TAG);
	btf__free(btf);

	/* This kernel's own BTF, against its version. */
	assert_int_equal(hint_program_kernel_kfuncs(&kfuncs), 0);
	assert_int_equal(uname(&uts), 0);
	assert_int_equal(sscanf(uts.release, "%u.%u", &major, &minor), 2);
	if (major > 6 || (major == 6 && minor >= 8))
		assert_int_equal(kfuncs, HINT_RX_META_TIMESTAMP | HINT_RX_META_HASH |
					 HINT_RX_META_VLAN_TAG);
	else if (major == 6 && minor >= 3)
		assert_true(kfuncs & HINT_RX_META_HASH);
	else
		assert_int_equal(kfuncs, 0);
}

/* What a kernel before 6.3 answers. */
static int no_kfuncs(__u32 *kfuncs_out)
{
	*kfuncs_out = 0;
	return 0;
}

static void test_kernel_without_kfuncs_says_so(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for(veth_name, veth_ifindex, XDP_MODE_AUTO,
						      HW_HINTS_AUTO);
	struct hint_program out;
	char version[32], expected[160];

	(void)state;
	hint_program_kernel_version(version, sizeof(version));
	req.kfuncs_query = no_kfuncs;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_false(out.driver_metadata);
	assert_ptr_equal(out.prog, skel->progs.xdp_hints_redirect);
	snprintf(expected, sizeof(expected),
		 "hint layout xdp_hints_rx_time: kernel %s has no XDP RX-metadata kfuncs (6.3+)", version);
	assert_string_equal(out.explanation, expected);
	af_xdp_kern__destroy(skel);

	skel = open_skel();
	req.hw_hints = HW_HINTS_ON;
	assert_int_equal(hint_program_load(&skel, &req, &out), -EOPNOTSUPP);
	snprintf(expected, sizeof(expected),
		 "--hw-hints on: kernel %s has no XDP RX-metadata kfuncs (6.3+)", version);
	assert_string_equal(out.explanation, expected);
	af_xdp_kern__destroy(skel);
}

/* bpf_ksym_exists() keeps a missing kfunc from failing the load. */
static void test_guarded_missing_kfunc_loads(void **state)
{
	struct ksym_guard *skel = ksym_guard__open();
	__u8 frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame));

	(void)state;
	assert_non_null(skel);
	assert_int_equal(ksym_guard__load(skel), 0);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.call_missing_kfunc),
						&opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
	ksym_guard__destroy(skel);
}

/* ---- tests: the kernel's reason, in words ----------------------------------------- */

/* With the tool's print callback, a refused load carries the verifier's verdict. */
static void test_load_failure_names_the_verifier_verdict(void **state)
{
	struct af_xdp_kern *skel = open_skel();
	struct hint_program_request req = request_for("none", 0, XDP_MODE_NATIVE, HW_HINTS_ON);
	struct hint_program out;
	enum log_level saved = log_level;

	(void)state;
	log_level = LOG_QUIET; /* captured whatever the verbosity */
	log_hook_libbpf();
	req.features_query = features_unknown;
	assert_int_equal(hint_program_load(&skel, &req, &out), -EINVAL);
	libbpf_set_print(capture_libbpf);
	log_level = saved;
	assert_contains(out.explanation, "metadata kfuncs require device-bound program (Invalid argument)");
	af_xdp_kern__destroy(skel);
}

/*
 * A veth whose peer has more TX queues than it has RX queues refuses
 * native XDP. Auto/auto falls back to the software program in generic
 * mode with the driver's words; --hw-hints on and --xdp-mode native keep
 * the driver program (attach then fails, with the words: receiver.c).
 */
static void test_native_attach_refused_falls_back(void **state)
{
	char narrow[IFNAMSIZ], wide[IFNAMSIZ];
	struct hint_program_request req;
	struct af_xdp_kern *skel;
	struct hint_program out;
	struct xdp_attachment att = XDP_ATTACHMENT_INIT;
	int ifindex;

	(void)state;
	snprintf(narrow, sizeof(narrow), "xhwn%d", (int)getpid());
	snprintf(wide, sizeof(wide), "xhww%d", (int)getpid());
	assert_int_equal(run_cmd("ip link add %s numrxqueues 1 numtxqueues 1 type veth peer name %s "
				 "numrxqueues 4 numtxqueues 4 && ip link set %s up && ip link set %s up",
				 narrow, wide, narrow, wide), 0);
	ifindex = (int)if_nametoindex(narrow);
	assert_true(ifindex > 0);
	log_hook_libbpf();

	skel = open_skel();
	req = request_for(narrow, ifindex, XDP_MODE_AUTO, HW_HINTS_AUTO);
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_false(out.driver_metadata);
	assert_int_equal(out.attach_mode, XDP_MODE_GENERIC);
	assert_int_equal(out.native_attach_err, -ENOSPC);
	assert_ptr_equal(out.prog, skel->progs.xdp_hints_redirect);
	assert_contains(out.explanation, "hint layout xdp_hints_rx_time in generic mode: native XDP attach on");
	assert_contains(out.explanation, "veth: XDP expects number of rx queues not less than peer tx queues");
	assert_contains(out.explanation, "ethtool -L PEER tx N");
	/* The generic attach it chose works. */
	assert_int_equal(xdp_attach(out.prog, ifindex, out.attach_mode, &att), 0);
	xdp_attachment_release(&att);
	af_xdp_kern__destroy(skel);

	/* Native only: the driver program stays, and its attach names the reason. */
	skel = open_skel();
	req.xdp_mode = XDP_MODE_NATIVE;
	assert_int_equal(hint_program_load(&skel, &req, &out), 0);
	assert_true(out.driver_metadata);
	assert_int_equal(xdp_attach(out.prog, ifindex, out.attach_mode, &att), -ENOSPC);
	assert_contains(att.reason, "veth: XDP expects number of rx queues not less than peer tx queues");
	af_xdp_kern__destroy(skel);

	libbpf_set_print(capture_libbpf);
	run_cmd("ip link del %s", narrow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hw_hints_option_words),
		cmocka_unit_test(test_decide_off_auto_on),
		cmocka_unit_test(test_decide_tai_clock_means_software),
		cmocka_unit_test(test_decide_generic_mode_means_software),
		cmocka_unit_test(test_decide_other_layouts_stay_software),
		cmocka_unit_test(test_driver_feature_report),
		cmocka_unit_test(test_hw_program_needs_device_binding),
		cmocka_unit_test(test_plain_open_load_takes_software_only),
		cmocka_unit_test(test_generic_mode_selects_software),
		cmocka_unit_test(test_driver_without_kfuncs),
		cmocka_unit_test(test_auto_falls_back_when_load_fails),
		cmocka_unit_test(test_bound_program_limits),
		cmocka_unit_test(test_veth_frames_carry_driver_hash),
		cmocka_unit_test(test_veth_vlan_tag_reaches_hint),
		cmocka_unit_test(test_kfuncs_from_btf),
		cmocka_unit_test(test_kernel_without_kfuncs_says_so),
		cmocka_unit_test(test_guarded_missing_kfunc_loads),
		cmocka_unit_test(test_load_failure_names_the_verifier_verdict),
		cmocka_unit_test(test_native_attach_refused_falls_back),
	};

	return cmocka_run_group_tests_name("hw_hints", tests, suite_setup, suite_teardown);
}
