/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attach an XDP program through a bpf_link, in a chosen mode. A link dies
 * with its last fd, so even a SIGKILLed receiver leaves nothing behind on
 * the interface. Returns negative errno; the tool words the message.
 */
#ifndef XDP_HINTS_XDP_ATTACH_H
#define XDP_HINTS_XDP_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "options.h"

/* What is already on an interface, from bpf_xdp_query(). */
struct xdp_existing {
	__u32 prog_id;     /* 0: nothing attached */
	const char *mode;  /* "native", "generic", "offload", "multi" */
	__u32 drv_prog_id;
	__u32 skb_prog_id;
	__u32 hw_prog_id;
};

int xdp_query_existing(int ifindex, struct xdp_existing *out);

/*
 * Detach whatever netlink-attached programs are there (every mode found).
 * -EBUSY when a program is held by another process's bpf_link: that one
 * only goes away when its owner closes the link.
 */
int xdp_detach_existing(int ifindex, const struct xdp_existing *existing);

struct xdp_attachment {
	int link_fd;                   /* -1 when not attached */
	enum xdp_mode_choice mode;     /* NATIVE or GENERIC once attached */
	int native_err;                /* why native failed in auto mode, or 0 */
};

#define XDP_ATTACHMENT_INIT { .link_fd = -1 }

/*
 * Attach @prog to @ifindex in @mode; AUTO tries native then generic (not
 * after EPERM or EBUSY, which generic would hit too).
 */
int xdp_attach(const struct bpf_program *prog, int ifindex,
	       enum xdp_mode_choice mode, struct xdp_attachment *out);
void xdp_attachment_release(struct xdp_attachment *att);

/* What the kernel says about an XDP bpf_link now. */
struct xdp_link_state {
	__u32 link_id;
	__u32 prog_id;  /* the program in the link (bpf_link_update changes it) */
	__u32 ifindex;  /* 0 once detached: bpf_link_detach() from anyone
			 * holding the link, or the device was unregistered */
};

/*
 * Read @link_fd's BPF_OBJ_GET_INFO_BY_FD (kernel: bpf_xdp_link_fill_link_info
 * in net/core/dev.c, which reads the device under the RTNL lock, so an
 * unregistration in progress has finished by the time it answers).
 * Negative errno.
 */
int xdp_link_query(int link_fd, struct xdp_link_state *out);

#endif
