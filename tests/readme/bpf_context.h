/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a BPF C block of README.org or docs/ (":target bpf") may assume:
 * tests/e2e/readme_snippets.sh compiles each block with clang -target bpf
 * as the body of
 *
 *   SEC("xdp") int readme_snippet(struct xdp_md *ctx)
 *
 * after this header, followed by "return XDP_PASS;" (a block marked
 * ":scope file" stands at file scope instead). The project's rx-time hint
 * is declared here, as af_xdp_kern.c declares it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "xdp_hint_stamp.h"

struct xdp_hints_rx_time {
	__u64 rx_ktime;
	__u32 xdp_rx_cpu;
	__u32 btf_id;
} __attribute__((packed, aligned(4)));
