/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attach an XDP program through a bpf_link, in a chosen mode. A link dies
 * with its last fd, so even a SIGKILLed receiver leaves nothing behind on
 * the interface. Returns negative errno; the tool words the message.
 *
 * The kernel's reason for a refused attach: the driver explains itself in
 * a netlink extended ack ("veth: Peer MTU is too large to set XDP"), but
 * for a bpf_link the kernel only writes it to the tracepoint
 * xdp:bpf_xdp_link_attach_failed (net/core/dev.c, bpf_xdp_link_attach(),
 * Linux 6.18): bpf_link_create() returns the bare errno. So after a
 * refused link attach, the same program is attached once more through
 * netlink (bpf_xdp_attach() with XDP_FLAGS_UPDATE_IF_NOEXIST), which
 * hands the extack back (libbpf prints it; common/log.c keeps it). The
 * driver check runs before anything is installed, so that attempt fails
 * the same way; should it ever succeed, it is detached at once.
 */
#ifndef XDP_HINTS_XDP_ATTACH_H
#define XDP_HINTS_XDP_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "program_choices.h"


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

#define XDP_ATTACH_REASON_LEN 200

struct xdp_attachment {
	int link_fd;                   /* -1 when not attached */
	enum xdp_mode_choice mode;     /* NATIVE or GENERIC once attached */
	int native_err;                /* why native failed in auto mode, or 0 */
	/* The kernel's words for native_err (auto mode) or for the error
	 * xdp_attach() returned; "" when it gave none. */
	char reason[XDP_ATTACH_REASON_LEN];
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

/*
 * Can @prog attach to @ifindex in @mode (NATIVE or GENERIC) right now?
 * Attaches through a bpf_link and releases it at once; while attached,
 * frames meet the program with xsks_map still empty, and
 * bpf_redirect_map(..., XDP_PASS) hands them to the kernel. 0, or the
 * negative errno with @reason (XDP_ATTACH_REASON_LEN bytes) holding the
 * kernel's words or "".
 */
int xdp_attach_probe(const struct bpf_program *prog, int ifindex,
		     enum xdp_mode_choice mode, char *reason);

/*
 * What to do about a refused attach, from the kernel's words @reason (may
 * be "") and @err, for the message's "fix:" part; "" when there is no
 * known fix. The caller adds the choice of another mode where it has one.
 * @ifname names the device in the advice.
 */
const char *xdp_attach_fix(const char *reason, int err, char *buf, size_t len,
			   const char *ifname);

#endif
