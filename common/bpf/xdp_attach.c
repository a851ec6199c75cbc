// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>

#include "log.h"
#include "xdp_attach.h"

static const char *attach_mode_name(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

int xdp_query_existing(int ifindex, struct xdp_existing *out)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, opts);
	int err = bpf_xdp_query(ifindex, 0, &opts);

	if (err)
		return err;
	out->drv_prog_id = opts.drv_prog_id;
	out->skb_prog_id = opts.skb_prog_id;
	out->hw_prog_id = opts.hw_prog_id;
	out->mode = attach_mode_name(opts.attach_mode);
	/* In "multi" mode prog_id is 0: name any of the programs. */
	out->prog_id = opts.prog_id ? opts.prog_id :
		       opts.drv_prog_id ? opts.drv_prog_id :
		       opts.skb_prog_id ? opts.skb_prog_id : opts.hw_prog_id;
	return 0;
}

int xdp_detach_existing(int ifindex, const struct xdp_existing *existing)
{
	struct { __u32 id; __u32 flags; } modes[] = {
		{ existing->drv_prog_id, XDP_FLAGS_DRV_MODE },
		{ existing->skb_prog_id, XDP_FLAGS_SKB_MODE },
		{ existing->hw_prog_id, XDP_FLAGS_HW_MODE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int err;

		if (!modes[i].id)
			continue;
		err = bpf_xdp_detach(ifindex, modes[i].flags, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int attach_link(const struct bpf_program *prog, int ifindex, __u32 flags)
{
	/* bpf_program__attach_xdp() cannot pick a mode; bpf_link_create()
	 * passes the DRV/SKB flag through to the kernel. */
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

/*
 * The kernel's words for a refused link attach, heard through netlink (see
 * xdp_attach.h). Not after EPERM/EACCES (netlink would say the same
 * without words) nor EBUSY/EEXIST (a program is there: nothing to learn,
 * and nothing of ours may replace it).
 */
static void netlink_reason(const struct bpf_program *prog, int ifindex, __u32 mode_flags,
			   int link_err, char *reason)
{
	int prog_fd = bpf_program__fd(prog), err;

	reason[0] = '\0';
	if (link_err == -EPERM || link_err == -EACCES || link_err == -EBUSY ||
	    link_err == -EEXIST)
		return;
	log_kernel_reason_clear();
	err = bpf_xdp_attach(ifindex, prog_fd, mode_flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (!err) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, ours, .old_prog_fd = prog_fd);

		/* Only ours: XDP_FLAGS_REPLACE detaches nothing else. */
		bpf_xdp_detach(ifindex, mode_flags | XDP_FLAGS_REPLACE, &ours);
		return;
	}
	snprintf(reason, XDP_ATTACH_REASON_LEN, "%s", log_kernel_reason());
}

int xdp_attach(const struct bpf_program *prog, int ifindex,
	       enum xdp_mode_choice mode, struct xdp_attachment *out)
{
	int fd;

	out->link_fd = -1;
	out->native_err = 0;
	out->reason[0] = '\0';
	if (mode != XDP_MODE_GENERIC) {
		fd = attach_link(prog, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd >= 0) {
			out->link_fd = fd;
			out->mode = XDP_MODE_NATIVE;
			return 0;
		}
		netlink_reason(prog, ifindex, XDP_FLAGS_DRV_MODE, fd, out->reason);
		if (mode == XDP_MODE_NATIVE || fd == -EPERM || fd == -EBUSY ||
		    fd == -EEXIST)
			return fd;
		out->native_err = fd;
	}
	fd = attach_link(prog, ifindex, XDP_FLAGS_SKB_MODE);
	if (fd < 0) {
		netlink_reason(prog, ifindex, XDP_FLAGS_SKB_MODE, fd, out->reason);
		return fd;
	}
	out->link_fd = fd;
	out->mode = XDP_MODE_GENERIC;
	return 0;
}

void xdp_attachment_release(struct xdp_attachment *att)
{
	if (att->link_fd >= 0)
		close(att->link_fd);
	att->link_fd = -1;
}

int xdp_link_query(int link_fd, struct xdp_link_state *out)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);
	int err;

	/* bpf_link_get_info_by_fd() is libbpf 1.2; Debian 12 has 1.1. */
	err = bpf_obj_get_info_by_fd(link_fd, &info, &len);
	if (err)
		return -errno;
	if (info.type != BPF_LINK_TYPE_XDP)
		return -EINVAL;
	out->link_id = info.id;
	out->prog_id = info.prog_id;
	out->ifindex = info.xdp.ifindex;
	return 0;
}

int xdp_attach_probe(const struct bpf_program *prog, int ifindex,
		     enum xdp_mode_choice mode, char *reason)
{
	struct xdp_attachment att = XDP_ATTACHMENT_INIT;
	int err = xdp_attach(prog, ifindex, mode, &att);

	snprintf(reason, XDP_ATTACH_REASON_LEN, "%s", att.reason);
	xdp_attachment_release(&att);
	return err;
}

const char *xdp_attach_fix(const char *reason, int err, char *buf, size_t len,
			   const char *ifname)
{
	buf[0] = '\0';
	/* drivers/net/veth.c, veth_enable_xdp_range() and veth_xdp_set() */
	if (strstr(reason, "rx queues not less than peer tx queues"))
		snprintf(buf, len, "give %s's peer no more TX queues than %s has RX queues (ethtool -L PEER tx N)",
			 ifname, ifname);
	else if (strstr(reason, "MTU is too large") || strstr(reason, "MTU too large"))
		snprintf(buf, len, "lower the MTU (ip link set dev %s mtu 1500, on a veth its peer too)",
			 ifname);
	else if (err == -EOPNOTSUPP)
		snprintf(buf, len, "none: the driver has no native XDP");
	else if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "needs root or CAP_NET_ADMIN and CAP_BPF");
	return buf;
}
