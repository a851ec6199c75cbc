// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * TC egress program for test_hw_hints: give every frame leaving a veth an
 * 802.1Q tag the way a VLAN device or a NIC driver would, as skb metadata
 * (bpf_skb_vlan_push() sets the accelerated tag; the bytes stay untagged).
 * veth keeps that tag across the pair, so the XDP program on the other end
 * can read it with bpf_xdp_metadata_rx_vlan_tag(). Used because this
 * kernel has no 8021q module for a real VLAN device.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 vlan_tci = 0; /* PCP, DEI and VID, host order */

SEC("tc")
int push_vlan_tag(struct __sk_buff *skb)
{
	/* A failed push leaves the frame untagged: the test then sees no tag. */
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), vlan_tci);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
