/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which of the object's two XDP programs to load, and how.
 *
 *   xdp_hints_redirect     software hints (hint_policy); any driver, native
 *                          or generic mode.
 *   xdp_hints_redirect_hw  xdp_hints_rx_hw with the driver's RX metadata
 *                          (timestamp, RSS hash, VLAN tag) from kfuncs.
 *                          Must be loaded device-bound (ifindex +
 *                          BPF_F_XDP_DEV_BOUND_ONLY) and attached in native
 *                          mode to that same device.
 *
 * What this kernel (6.18) does, found by tests/unit/test_hw_hints.c:
 *   - the hw program without a device binding: load fails, EINVAL
 *     ("metadata kfuncs require device-bound program" in the verifier log);
 *     with an ifindex but without the flag the kernel takes it for an
 *     offload request: EINVAL on a device that cannot offload;
 *   - bound to a device without native XDP (lo): load fails, EOPNOTSUPP;
 *   - bound to a device with native XDP but no RX-metadata kfuncs (tap):
 *     load succeeds; the kfuncs return -EOPNOTSUPP per packet;
 *   - one object with the hw program bound and the software program not
 *     bound loads fine; so does binding both. We still load only the one
 *     we attach: no unused program in the kernel;
 *   - attaching the bound program in generic mode, or to another device:
 *     EINVAL; BPF_PROG_TEST_RUN on it: EINVAL (so it can only be tested
 *     with real frames).
 *
 * The library rule holds: nothing here prints. The caller logs
 * hint_program.explanation (one line) at start-up.
 */
#ifndef XDP_HINTS_HINT_PROGRAM_H
#define XDP_HINTS_HINT_PROGRAM_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "program_choices.h"
#include "af_xdp_kern.skel.h"



typedef int (*hint_features_query_fn)(int ifindex, __u32 *features_out);
typedef int (*hint_kfuncs_query_fn)(__u32 *kfuncs_out);

struct hint_program_request {
	const char *ifname;            /* for the explanation and the driver name */
	int ifindex;
	enum xdp_mode_choice xdp_mode; /* as the user asked: auto/native/generic */
	enum hw_hints_choice hw_hints;
	bool frags;                    /* load with BPF_F_XDP_HAS_FRAGS (xdp.frags) */
	enum hint_clock clock;         /* as set in rodata rx_clock: names the layout */
	/*
	 * NULL: hint_program_rx_metadata_features(). Tests put in the answer
	 * of a kernel that cannot tell (6.3..6.7), to reach the load fallback.
	 */
	hint_features_query_fn features_query;
	/*
	 * NULL: hint_program_kernel_kfuncs(). Tests put in a kernel without
	 * RX-metadata kfuncs (before 6.3).
	 */
	hint_kfuncs_query_fn kfuncs_query;
};

/*
 * Driver RX-metadata support as the kernel's netdev netlink family reports
 * it (xdp-rx-metadata-features): NETDEV_XDP_RX_METADATA_* bits.
 */
#define HINT_RX_META_TIMESTAMP (1U << 0)
#define HINT_RX_META_HASH (1U << 1)
#define HINT_RX_META_VLAN_TAG (1U << 2)

/*
 * The features of @ifindex: 0 and *features_out set, or negative errno when
 * the kernel cannot say (-ENOENT: no netdev family or no such attribute,
 * i.e. a kernel before 6.3/6.8).
 */
int hint_program_rx_metadata_features(int ifindex, __u32 *features_out);

/* NETDEV_XDP_ACT_XSK_ZEROCOPY of xdp-features (uapi linux/netdev.h, 6.3+). */
#define NETDEV_XDP_FEATURE_XSK_ZEROCOPY (1ULL << 3)
/*
 * The XDP features @ifindex's driver offers (netdev family xdp-features,
 * NETDEV_XDP_ACT_* bits) and the buffers one frame may span in zero-copy
 * (xdp-zc-max-segs; 1 where the kernel does not say): 0 and both set, or
 * negative errno when the kernel cannot say (-ENOENT: before 6.3).
 */
int netdev_xdp_features(int ifindex, __u64 *features_out, __u32 *zc_max_segs_out);

/*
 * RX-metadata kfuncs (BTF_KIND_FUNC bpf_xdp_metadata_rx_timestamp, _hash,
 * _vlan_tag) present in @btf, as HINT_RX_META_* bits: 0 before Linux 6.3,
 * no VLAN bit before 6.8.
 */
__u32 hint_program_btf_kfuncs(const struct btf *btf);
/* The same for the running kernel (/sys/kernel/btf/vmlinux); negative
 * errno when it has no BTF to read. */
int hint_program_kernel_kfuncs(__u32 *kfuncs_out);
/* "X.Y" of the running kernel (uname), "?" when unreadable. */
void hint_program_kernel_version(char *buf, size_t len);

enum hint_program_plan {
	HINT_PLAN_SOFTWARE,  /* load xdp_hints_redirect */
	HINT_PLAN_DRIVER,    /* load xdp_hints_redirect_hw; fail if it fails */
	HINT_PLAN_TRY_DRIVER /* load xdp_hints_redirect_hw; software if that fails */
};

struct hint_program {
	struct bpf_program *prog;       /* to attach; owned by the skeleton */
	bool driver_metadata;           /* the hw program was loaded */
	enum xdp_mode_choice attach_mode; /* hand to xdp_attach(): NATIVE for hw */
	enum hint_program_plan plan;
	int driver_load_err;            /* why the hw program did not load, or 0 */
	int native_attach_err;          /* why the hw program could not attach, or 0 */
	char explanation[512];          /* "hint layout NAME: why" */
};

/*
 * The decision alone, from the request, the layout policy in the opened
 * skeleton's rodata and the driver's reported features (pass a negative
 * errno in @features_err when unknown). Fills out->plan and, for the
 * software plan, out->explanation. -EINVAL when the request contradicts
 * itself (--hw-hints on with generic mode, or with a layout other than
 * rx-time); out->explanation then says why.
 */
int hint_program_decide(const struct hint_program_request *req,
			enum hint_policy layout, __u32 features, int features_err,
			struct hint_program *out);

/*
 * Set autoload, ifindex and flags on @skel for @plan (HINT_PLAN_SOFTWARE,
 * or either driver plan).
 */
int hint_program_configure(struct af_xdp_kern *skel, int ifindex,
			   enum hint_program_plan plan);

/*
 * 1 when this kernel has bpf_ktime_get_tai_ns() for XDP programs (Linux
 * 6.1+), 0 when not, negative errno when the probe itself failed.
 */
int hint_program_has_tai_helper(void);

/*
 * Decide, configure and load. With req->clock HINT_CLOCK_TAI the helper is
 * probed first: -EOPNOTSUPP and an explanation naming it when the kernel
 * lacks it. *skel: opened, rodata and map sizes set, not loaded.
 *
 * A kernel without RX-metadata kfuncs (its BTF has none): the software
 * program, and "kernel X.Y has no XDP RX-metadata kfuncs (6.3+)" in
 * out->explanation (--hw-hints on: -EOPNOTSUPP with that text).
 *
 * When the driver program fails to load under HINT_PLAN_TRY_DRIVER, or,
 * with --xdp-mode auto and --hw-hints auto, the driver refuses to attach
 * it in native mode (a probe attach, xdp_attach_probe()), *skel is
 * destroyed and replaced by a fresh one carrying the same rodata and map
 * sizes, loaded with the software program (libbpf cannot load an object
 * twice); after a refused attach out->attach_mode is GENERIC. The
 * explanation carries the kernel's words (verifier verdict, netlink
 * extack). On error *skel is still the caller's to destroy (it may have
 * been replaced) and out->explanation says what failed.
 */
int hint_program_load(struct af_xdp_kern **skel, const struct hint_program_request *req,
		      struct hint_program *out);

#endif
