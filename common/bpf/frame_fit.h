/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which frames fit one UMEM frame.  An AF_XDP socket (copy mode, and the
 * single-buffer receive this tool uses) takes a frame only when the whole
 * frame fits one UMEM chunk after the headroom: net/xdp/xsk_buff_pool.c
 * sets frame_len = chunk_size - umem headroom - XDP_PACKET_HEADROOM, and
 * __xsk_rcv() drops anything longer (XDP_STATISTICS rx_dropped).  The XDP
 * program is told this length (redirect_max_len) and passes longer frames
 * to the kernel instead; the receiver warns at start when the MTU allows
 * them.
 */
#ifndef XDP_HINTS_FRAME_FIT_H
#define XDP_HINTS_FRAME_FIT_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/types.h>
#include <xdp/xsk.h>

/* Bytes of the longest frame (Ethernet header on, FCS off) that a UMEM
 * frame of @frame_size bytes with @umem_headroom bytes of UMEM headroom
 * (xsk_umem_config.frame_headroom) holds; 0 when none does. */
static inline __u32 frame_fit_max_len(__u32 frame_size, __u32 umem_headroom)
{
	__u32 reserved = XDP_PACKET_HEADROOM + umem_headroom;

	return frame_size > reserved ? frame_size - reserved : 0;
}

/* The Ethernet header and one 802.1Q tag on top of the MTU. */
#define FRAME_FIT_L2_OVERHEAD (ETH_HLEN + 4U)

/* The longest frame, with one VLAN tag, an interface with @mtu can receive. */
static inline __u32 frame_fit_mtu_frame_len(__u32 mtu)
{
	return mtu + FRAME_FIT_L2_OVERHEAD;
}

#endif
