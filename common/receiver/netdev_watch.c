// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What changed under the receiver (see netdev_watch.h). Each check asks
 * the kernel directly; the order matters where one event looks like
 * another for a moment:
 *
 * 1. Is our ifindex still here, and under which name? Gone: the link
 *    tells deletion from a move to another namespace. An unregistered
 *    device drops its XDP links (dev_xdp_uninstall() sets the link's
 *    device to NULL, so its info shows ifindex 0); a device moved by
 *    __dev_change_net_namespace() keeps them, and the link then reports
 *    the device's ifindex in its new namespace. Both run under the RTNL
 *    lock, which the link query takes too, so asking the link after
 *    finding the ifindex gone sees the finished state. The AF_XDP
 *    sockets cannot tell the two apart: both unregister the device from
 *    this namespace (NETDEV_UNREGISTER), which sets SO_ERROR to ENETDOWN.
 * 2. Up? (Renaming a running device is allowed, so a rename alone does
 *    not stop the run.)
 * 3. Our link still attached to this ifindex with our program in it, and
 *    our program the one the interface reports (bpf_xdp_query)?
 * 4. The RX queue count (ETHTOOL_GCHANNELS) against the bound queues.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "netdev.h"
#include "netdev_watch.h"
#include "xdp_attach.h"

int netdev_watch_init(struct netdev_watch *w, const struct netdev_watch_params *p)
{
	struct xdp_link_state link = { 0 };
	int err;

	*w = (struct netdev_watch){
		.ifindex = p->ifindex,
		.link_fd = p->link_fd,
		.first_queue = p->first_queue,
		.n_queues = p->n_queues,
	};
	snprintf(w->ifname, sizeof(w->ifname), "%s", p->ifname);
	if (w->link_fd >= 0) {
		err = xdp_link_query(w->link_fd, &link);
		if (err) {
			pr_err("%s: reading our XDP bpf_link: %s\n", w->ifname, strerror(-err));
			return err;
		}
		w->link_id = link.link_id;
		w->prog_id = link.prog_id;
	}
	if (p->foreign_program) {
		struct xdp_existing attached = { 0 };

		err = xdp_query_existing(w->ifindex, &attached);
		if (err) {
			pr_err("%s: querying the attached XDP program: %s\n", w->ifname,
			       strerror(-err));
			return err;
		}
		w->foreign_drv_prog_id = attached.drv_prog_id;
		w->foreign_skb_prog_id = attached.skb_prog_id;
	}
	err = netdev_queue_count(w->ifname, &w->dev_queues, NULL);
	if (err) {
		pr_err("%s: cannot read the RX queue count (ethtool channels): %s\n",
		       w->ifname, strerror(-err));
		return err;
	}
	/* Queues beyond a --queue choice or beyond the ones we can bind were
	 * never covered: only a device we covered fully can gain a gap. */
	w->all_queues = p->all_queues && w->first_queue == 0 && w->n_queues == w->dev_queues;
	return 0;
}

/* Our ifindex is gone from this namespace: say where it went. */
static int report_gone(const struct netdev_watch *w)
{
	struct xdp_link_state link;
	int now_ifindex;

	if (w->link_fd >= 0 && !xdp_link_query(w->link_fd, &link) && link.ifindex) {
		pr_err("%s: interface was moved to another network namespace while receiving (our XDP link now names ifindex %u there)\n",
		       w->ifname, link.ifindex);
		return -ENODEV;
	}
	if (!netdev_ifindex(w->ifname, &now_ifindex)) {
		pr_err("%s: interface was deleted and re-created while receiving (ifindex %d, was %d): restart to receive on the new one\n",
		       w->ifname, now_ifindex, w->ifindex);
		return -ENODEV;
	}
	if (w->link_fd < 0)
		pr_err("%s: interface disappeared while sending: deleted or moved to another network namespace\n",
		       w->ifname);
	else
		pr_err("%s: interface was deleted while receiving (ifindex %d is gone)\n",
		       w->ifname, w->ifindex);
	return -ENODEV;
}

static int check_name(struct netdev_watch *w)
{
	char now[IF_NAMESIZE];
	int err = netdev_name(w->ifindex, now);

	if (err == -ENODEV)
		return report_gone(w);
	if (err) {
		pr_err("%s: looking up ifindex %d: %s\n", w->ifname, w->ifindex, strerror(-err));
		return err;
	}
	if (strcmp(now, w->ifname)) {
		pr_warn("%s: interface renamed to %s (ifindex %d): following it\n",
			w->ifname, now, w->ifindex);
		memcpy(w->ifname, now, sizeof(w->ifname));
	}
	return 0;
}

static int check_up(const struct netdev_watch *w)
{
	int up = netdev_is_up(w->ifname);

	/* Renamed or gone since check_name(): the next round says which. */
	if (up == -ENODEV)
		return 0;
	if (up < 0) {
		pr_err("%s: reading the link state: %s\n", w->ifname, strerror(-up));
		return up;
	}
	if (!up) {
		pr_err("%s: interface went down while receiving\n", w->ifname);
		return -ENETDOWN;
	}
	return 0;
}

/* What is attached to the watched device now: 0, -ENODEV (the device
 * went away: not an error here), or another -errno, said in one line. */
static int query_attached(const struct netdev_watch *w, struct xdp_existing *attached)
{
	int err = xdp_query_existing(w->ifindex, attached);

	if (err && err != -ENODEV)
		pr_err("%s: querying the attached XDP program: %s\n", w->ifname, strerror(-err));
	return err;
}

static int check_link(const struct netdev_watch *w)
{
	struct xdp_existing attached;
	struct xdp_link_state link;
	int err;

	if (w->link_fd < 0)
		return 0;
	err = xdp_link_query(w->link_fd, &link);
	if (err) {
		pr_err("%s: reading our XDP bpf_link (id %u): %s\n", w->ifname, w->link_id,
		       strerror(-err));
		return err;
	}
	if (!link.ifindex) {
		pr_err("%s: our XDP program was detached from outside (bpf_link id %u): nothing reaches the sockets any more\n",
		       w->ifname, w->link_id);
		return -ENOLINK;
	}
	if (link.prog_id != w->prog_id) {
		pr_err("%s: the XDP program in our bpf_link (id %u) was replaced from outside: prog id %u, ours was %u\n",
		       w->ifname, w->link_id, link.prog_id, w->prog_id);
		return -ENOLINK;
	}
	err = query_attached(w, &attached);
	if (err == -ENODEV)
		return 0; /* gone since check_name(): the next round says how */
	if (err)
		return err;
	if (attached.drv_prog_id != w->prog_id && attached.skb_prog_id != w->prog_id) {
		if (attached.prog_id)
			pr_err("%s: XDP program id %u is attached, not ours (id %u)\n",
			       w->ifname, attached.prog_id, w->prog_id);
		else
			pr_err("%s: no XDP program is attached any more (ours was id %u)\n",
			       w->ifname, w->prog_id);
		return -ENOLINK;
	}
	return 0;
}

/*
 * --xsks-map: the other process's program (or the dispatcher it sits
 * behind) detached or replaced goes unnoticed by the sockets, which just
 * stop receiving; compare with what was attached at init, per mode.
 */
static int check_foreign_program(const struct netdev_watch *w)
{
	struct xdp_existing attached = { 0 };
	__u32 was, now;
	int err;

	if (!w->foreign_drv_prog_id && !w->foreign_skb_prog_id)
		return 0;
	err = query_attached(w, &attached);
	if (err == -ENODEV)
		return 0; /* gone since check_name(): the next round says how */
	if (err)
		return err;
	if (w->foreign_drv_prog_id && attached.drv_prog_id != w->foreign_drv_prog_id) {
		was = w->foreign_drv_prog_id;
		now = attached.drv_prog_id;
	} else if (w->foreign_skb_prog_id && attached.skb_prog_id != w->foreign_skb_prog_id) {
		was = w->foreign_skb_prog_id;
		now = attached.skb_prog_id;
	} else {
		return 0;
	}
	if (now)
		pr_err("%s: the other process's XDP program (id %u) was replaced by id %u: nothing reaches the sockets in --xsks-map any more\n",
		       w->ifname, was, now);
	else
		pr_err("%s: the other process's XDP program (id %u) was detached: nothing reaches the sockets in --xsks-map any more\n",
		       w->ifname, was);
	return -ENOLINK;
}

static const char *queue_range(char *buf, size_t len, __u32 first, __u32 end)
{
	if (end - first == 1)
		snprintf(buf, len, "queue %u", first);
	else
		snprintf(buf, len, "queues %u-%u", first, end - 1);
	return buf;
}

static int check_queues(const struct netdev_watch *w)
{
	__u32 bound_end = w->first_queue + w->n_queues;
	char range[40];
	__u32 now;
	int err = netdev_queue_count(w->ifname, &now, NULL);

	if (err == -ENODEV)
		return 0;
	if (err) {
		pr_err("%s: reading the RX queue count (ethtool channels): %s\n", w->ifname,
		       strerror(-err));
		return err;
	}
	if (now < bound_end) {
		__u32 first_lost = now > w->first_queue ? now : w->first_queue;
		bool one = bound_end - first_lost == 1;

		pr_err("%s: RX queues went from %u to %u: %s no longer %s, nothing arrives on %s socket%s\n",
		       w->ifname, w->dev_queues, now,
		       queue_range(range, sizeof(range), first_lost, bound_end),
		       one ? "exists" : "exist", one ? "its" : "their", one ? "" : "s");
		return -ERANGE;
	}
	if (w->all_queues && now > w->dev_queues) {
		pr_err("%s: RX queues went from %u to %u: %s %s not bound (restart to receive on %s)\n",
		       w->ifname, w->dev_queues, now,
		       queue_range(range, sizeof(range), w->dev_queues, now),
		       now - w->dev_queues == 1 ? "is" : "are",
		       now - w->dev_queues == 1 ? "it" : "them");
		return -ERANGE;
	}
	return 0;
}

int netdev_watch_check(struct netdev_watch *w)
{
	int err = check_name(w);

	if (!err)
		err = check_up(w);
	if (!err)
		err = check_link(w);
	if (!err)
		err = check_foreign_program(w);
	if (!err)
		err = check_queues(w);
	return err;
}
