/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who owns the XDP program already attached to an interface, so that
 * "already attached" can name it and give a fix that works:
 *
 *   - attached through netlink (ip link set dev X xdp ..., libxdp,
 *     bpf_xdp_attach()): it stays until removed, and
 *     'ip link set dev X xdp off' (xdpgeneric off) removes it;
 *   - attached through a bpf_link: 'ip link set ... xdp off' cannot remove
 *     it (the kernel refuses to detach a link-held program that way); it
 *     goes when the last reference to the link goes: the processes holding
 *     an fd to it, and a pin in bpffs, which outlives every process.
 *
 * Found with: bpf_xdp_query() (the program id and mode), the program's
 * info (its name), every bpf_link's info (BPF_LINK_TYPE_XDP on this
 * ifindex with this program: net/core/dev.c bpf_xdp_link_fill_link_info),
 * /proc/PID/fdinfo of bpf_link fds ("link_id:", kernel/bpf/syscall.c
 * bpf_link_show_fdinfo) and a walk of /sys/fs/bpf for a pin of that link.
 * Needs CAP_SYS_ADMIN or CAP_BPF for the id look-ups and root to read
 * other processes' fdinfo; what cannot be found stays 0 / "".
 */
#ifndef XDP_HINTS_XDP_OWNER_H
#define XDP_HINTS_XDP_OWNER_H

#include <linux/bpf.h>
#include <linux/types.h>

struct xdp_owner {
	__u32 prog_id;              /* 0: nothing attached */
	char prog_name[BPF_OBJ_NAME_LEN]; /* "" when unreadable */
	const char *mode;           /* "native", "generic", "offload", "multi" */
	__u32 link_id;              /* 0: a netlink attachment */
	int holder_pid;             /* a process holding the link, 0: none found */
	char holder_comm[32];
	int n_holders;              /* processes found holding it */
	char pin_path[256];         /* a bpffs pin of the link, "" none found */
};

/* Fill @out for @ifindex: 0, or negative errno from bpf_xdp_query(). */
int xdp_owner_find(int ifindex, struct xdp_owner *out);

/*
 * One phrase naming the owner and the fix, for "IFNAME: XDP program ...
 * already attached PHRASE": e.g. "through bpf_link id 7, held by
 * af_xdp_user (pid 4242): stop that process ('ip link set dev X xdp off'
 * cannot remove a bpf_link)". Returns @buf.
 */
const char *xdp_owner_describe(const struct xdp_owner *owner, const char *ifname,
			       char *buf, size_t len);

#endif
