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
 *   CAP_PERFMON    the verifier allows the XDP program's pointer
 *                  comparisons ("R8 pointer comparison prohibited") only
 *                  to a perfmon-capable loader
 *   CAP_IPC_LOCK   the UMEMs are pinned memory charged to RLIMIT_MEMLOCK;
 *                  needed only when they exceed that limit (when it is the
 *                  only one missing, umem_budget.h reports it with sizes)
 * CAP_SYS_ADMIN stands in for CAP_NET_ADMIN, CAP_BPF and CAP_PERFMON, as
 * the kernel's own checks accept it for those.
 *
 * No libcap: the raw capget(2) syscall is enough.
 */
#ifndef XDP_HINTS_CAPABILITIES_H
#define XDP_HINTS_CAPABILITIES_H

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
 * sockets)"). Returns how many are missing (0: all there).
 */
int caps_receiver_missing(__u64 effective, bool need_ipc_lock, char *buf, size_t len);

#endif
