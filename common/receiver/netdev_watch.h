/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Notice what changes under a running receiver: the interface deleted,
 * deleted and re-created under the same name, renamed, moved to another
 * network namespace, taken down; our XDP bpf_link detached or its program
 * replaced from outside; the number of RX queues changed (ethtool -L).
 *
 * None of these wakes poll() on an AF_XDP socket, and some leave the
 * sockets open and silent (an added queue in native mode on veth never
 * runs the program, so the XDP-side overflow counter cannot see it), so
 * the run calls netdev_watch_check() about once a second.
 *
 * The interface is followed by its ifindex, not its name: a name can be
 * move to another device, an ifindex names one device for as long as it
 * exists in the namespace.
 */
#ifndef XDP_HINTS_NETDEV_WATCH_H
#define XDP_HINTS_NETDEV_WATCH_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

struct netdev_watch_params {
	const char *ifname;
	int ifindex;
	int link_fd;          /* our XDP bpf_link, borrowed; -1: none (TX only) */
	__u32 first_queue;    /* the bound queues: [first_queue, first_queue + n_queues) */
	__u32 n_queues;
	bool all_queues;      /* they are meant to be every RX queue: one added is a gap */
	bool foreign_program; /* --xsks-map: another process's program redirects to us;
			       * the one attached at init must stay attached */
};

struct netdev_watch {
	char ifname[IF_NAMESIZE];  /* the current name: follows renames */
	int ifindex;
	int link_fd;               /* borrowed from the attachment; -1: no link */
	__u32 link_id;             /* of link_fd, as read at start */
	__u32 prog_id;             /* the program in our link at start: ours */
	__u32 first_queue;
	__u32 n_queues;
	__u32 dev_queues;          /* the device's RX queue count at start */
	bool all_queues;
	__u32 foreign_drv_prog_id; /* --xsks-map: attached at init (native), else 0 */
	__u32 foreign_skb_prog_id; /* --xsks-map: attached at init (generic), else 0 */
};

/*
 * Record the interface, the bound queues, the device's RX queue count
 * (netdev_queue_count), the XDP program attached to the interface when
 * @p->foreign_program, and our link's id and program id (read from
 * @p->link_fd, which must stay open while the watch is used; the watch
 * never closes it and owns nothing else). Call after the XDP attach.
 * Prints one message and returns negative errno if the link or the queue
 * count cannot be read.
 */
int netdev_watch_init(struct netdev_watch *w, const struct netdev_watch_params *p);

/*
 * Look at the interface now. Cost: a few ioctl()s, one netlink XDP query
 * and one BPF_OBJ_GET_INFO_BY_FD; call it about once a second from one
 * thread. Returns 0 when everything still holds; after a rename, 0 too,
 * having printed one warning naming the old and new names, and later
 * checks (and w->ifname) use the new name. Otherwise prints one message
 * naming the interface and what happened, and returns:
 *   -ENODEV    deleted, deleted and re-created, or moved to another
 *              network namespace;
 *   -ENETDOWN  taken down;
 *   -ENOLINK   our bpf_link was detached, or another program replaced
 *              ours in it or on the interface; with foreign_program, the
 *              other process's program attached at init was detached or
 *              replaced (bpf_xdp_query);
 *   -ERANGE    RX queues were removed (bound ones are gone) or added
 *              (they are not bound);
 *   other negative errno from a query that failed.
 */
int netdev_watch_check(struct netdev_watch *w);

#endif
