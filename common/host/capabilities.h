/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which Linux capabilities the receiver needs, checked against the
 * process's effective set before any work, so a missing one is named in
 * one line instead of surfacing later as an EPERM from some step.
 *
 * Found by experiment on kernel 6.18 (tests/e2e/capabilities.sh drops each
 * one in turn):
 *   CAP_NET_ADMIN  XDP programs (load and attach)
 *   CAP_NET_RAW    AF_XDP sockets
 *   CAP_BPF        BPF maps and programs
 *   CAP_IPC_LOCK   the UMEMs are pinned memory charged to RLIMIT_MEMLOCK;
 *                  needed only when they exceed that limit (when it is the
 *                  only one missing, umem_budget.h reports it with sizes)
 * Not CAP_PERFMON: af_xdp_kern.c makes no pointer-with-scalar comparison
 * and no variable-offset packet access, the two things the verifier
 * allows only a perfmon-capable loader (kernel/bpf/verifier.c,
 * allow_ptr_leaks and bypass_spec_v1).
 * --tx --no-rx loads no XDP program: CAP_NET_RAW (and CAP_IPC_LOCK for a
 * large UMEM) is all it needs.
 * CAP_SYS_ADMIN stands in for CAP_NET_ADMIN and CAP_BPF, as the kernel's
 * own checks accept it for those.
 *
 * No libcap: the raw capget(2) syscall is enough.
 */
#ifndef XDP_HINTS_CAPABILITIES_H
#define XDP_HINTS_CAPABILITIES_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* The effective capability set of this process (bit N = capability N). */
int caps_effective(__u64 *effective);

/* true when pinning @umem_bytes in total needs CAP_IPC_LOCK: more than the
 * RLIMIT_MEMLOCK soft limit (unlimited never needs it). */
bool caps_umem_needs_ipc_lock(__u64 umem_bytes);

/*
 * Names of the receiver's capabilities missing from @effective, each with
 * what it is for, comma-separated into @buf ("CAP_NET_RAW (AF_XDP
 * sockets)"). @need_xdp_program false: the XDP program's capabilities
 * (CAP_NET_ADMIN, CAP_BPF) are left out. Returns how many are missing
 * (0: all there).
 */
int caps_receiver_missing(__u64 effective, bool need_ipc_lock, bool need_xdp_program,
			  char *buf, size_t len);

/* What a message adds to an error that lack of privilege explains. */
static inline const char *permission_hint(int err)
{
	return err == -EPERM || err == -EACCES ? " (need root/CAP_NET_ADMIN+CAP_BPF)" : "";
}

#endif
