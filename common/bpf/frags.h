/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --frags: whether to receive AF_XDP multi-buffer frames, decided in two
 * steps because only the bind tells whether the kernel can.
 *
 *   1. Before the program loads (frags_decide): on, off, or auto = on when
 *      the largest frame (MTU + Ethernet header + one VLAN tag) is longer
 *      than a UMEM frame holds. In copy mode the kernel puts at most
 *      frame_size - XDP_PACKET_HEADROOM (256) - UMEM headroom bytes of
 *      packet data in one UMEM frame (net/xdp/xsk.c,
 *      xsk_pool_get_rx_frame_size; frame_fit.h); the hint lives in that
 *      headroom and does not count.
 *   2. After a bind with XDP_USE_SG failed (frags_bind_refused): kernels
 *      before 6.6 refuse the flag (EINVAL from xsk_bind's flag check). With
 *      --frags on that is the error; with auto the receiver binds
 *      single-buffer and warns which frames it cannot receive.
 *
 * Nothing here prints: the caller logs the explanation.
 */
#ifndef XDP_HINTS_FRAGS_H
#define XDP_HINTS_FRAGS_H

#include <errno.h>
#include <stdbool.h>
#include <linux/types.h>

#include "program_choices.h"


struct frags_plan {
	bool multi_buffer;      /* load xdp.frags, bind with XDP_USE_SG */
	bool fell_back;         /* auto, refused by the kernel: single-buffer */
	__u32 frame_capacity;   /* packet bytes one UMEM frame holds */
	__u32 largest_frame;    /* frame_fit_mtu_frame_len(MTU) */
	char explanation[384];  /* one line, without the interface name */
};

/* Step 1, for UMEM frames of @frame_size bytes with @umem_headroom bytes
 * of UMEM headroom (frame_fit.h). Always 0: every choice has a plan. */
int frags_decide(enum frags_choice choice, __u32 mtu, __u32 frame_size, __u32 umem_headroom,
		 struct frags_plan *out);

/*
 * Step 2: the bind with XDP_USE_SG failed with @bind_err on a kernel whose
 * uname release is @release. Returns 0 when the plan now is single-buffer
 * (auto: out->fell_back, explanation is the warning), or @bind_err when
 * the run cannot go on (on: explanation is the error).
 */
int frags_bind_refused(enum frags_choice choice, int bind_err, const char *release,
		       struct frags_plan *plan);

/* True for the errors a kernel without AF_XDP multi-buffer answers. */
static inline bool frags_unsupported_error(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP;
}

#endif
