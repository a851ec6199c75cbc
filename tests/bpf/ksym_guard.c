// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The guard af_xdp_kern.c puts around each RX-metadata kfunc, tried on a
 * kfunc no kernel has: with __weak and bpf_ksym_exists() the object must
 * load (libbpf leaves the symbol at 0, the verifier skips the dead call)
 * and the program must take the "absent" branch. test_hw_hints.c loads it;
 * it stands in for a 6.3..6.7 kernel, which lacks bpf_xdp_metadata_rx_vlan_tag.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!sym), #sym " must be __weak");	\
	!!sym;								\
})
#endif

extern int bpf_xdp_metadata_rx_no_such_kfunc(const struct xdp_md *ctx, __u32 *value) __ksym __weak;

#define ABSENT 0xab5e

SEC("xdp")
int call_missing_kfunc(struct xdp_md *ctx)
{
	__u32 value = ABSENT;

	if (bpf_ksym_exists(bpf_xdp_metadata_rx_no_such_kfunc) &&
	    bpf_xdp_metadata_rx_no_such_kfunc(ctx, &value) == 0)
		return XDP_DROP;
	return value == ABSENT ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
