// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "default_route.h"

/* Devices followed when looking for the ones stacked on the interface. */
#define STACK_MAX_LINKS 4096

struct link_entry {
	int ifindex;
	int lower;   /* IFLA_LINK in this namespace, or 0 */
	int master;  /* IFLA_MASTER, or 0 */
};

struct link_table {
	struct link_entry *links;
	size_t n;
	bool *carries; /* parallel to links: is it the interface or stacked on it */
};

/* A route dump comes in datagrams of at most a page or so; 32 KiB holds
 * any the kernel sends (it sizes them to the reader's buffer). */
#define DUMP_BUF_SIZE 32768

static int dump_request(int fd, __u16 type, int family)
{
	/* struct rtmsg and struct ifinfomsg both start with the family byte. */
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg body;
	} req = {
		.nlh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = type,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.body = { .ifi_family = (unsigned char)family },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

static bool carries(const struct link_table *t, int ifindex)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->links[i].ifindex == ifindex)
			return t->carries[i];
	return false;
}

static int multipath_carrier(const struct rtattr *rta, const struct link_table *t)
{
	const struct rtnexthop *nh = RTA_DATA(rta);
	int left = (int)RTA_PAYLOAD(rta);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
	       nh->rtnh_len <= left) {
		if (carries(t, nh->rtnh_ifindex))
			return nh->rtnh_ifindex;
		left -= (int)RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	return 0;
}

/* A default route of any table out of a carrying device: that device. */
static int default_route_carrier(const struct nlmsghdr *nlh, const struct link_table *t,
				 unsigned int *table_out)
{
	const struct rtmsg *rtm = NLMSG_DATA(nlh);
	const struct rtattr *rta;
	unsigned int table = rtm->rtm_table;
	int via = 0, left;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_type != RTN_UNICAST)
		return 0;
	left = (int)RTM_PAYLOAD(nlh);
	for (rta = RTM_RTA(rtm); RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
		switch (rta->rta_type) {
		case RTA_TABLE: /* the 8-bit rtm_table cannot name tables > 255 */
			if (RTA_PAYLOAD(rta) >= sizeof(__u32))
				memcpy(&table, RTA_DATA(rta), sizeof(__u32));
			break;
		case RTA_OIF:
			if (RTA_PAYLOAD(rta) >= sizeof(int) &&
			    carries(t, *(const int *)RTA_DATA(rta)))
				via = *(const int *)RTA_DATA(rta);
			break;
		case RTA_MULTIPATH:
			if (!via)
				via = multipath_carrier(rta, t);
			break;
		}
	}
	*table_out = table;
	return via;
}

/*
 * Read a dump to its end, handing each message of @type to @fn. Returns
 * what @fn returned last non-zero (it stops nothing: the dump is drained),
 * 0, or negative errno.
 */
typedef int (*dump_fn)(const struct nlmsghdr *nlh, void *ctx);

static int read_dump(int fd, __u16 type, char *buf, dump_fn fn, void *ctx)
{
	int result = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, DUMP_BUF_SIZE, 0);
		int left = (int)n;
		struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return result;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ? e->error : -EPROTO;
			}
			if (nlh->nlmsg_type == type && !result)
				result = fn(nlh, ctx);
		}
		if (n == 0)
			return -EPROTO;
	}
}

static int add_link(const struct nlmsghdr *nlh, void *ctx)
{
	struct link_table *t = ctx;
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct link_entry entry = { .ifindex = ifi->ifi_index };
	bool other_netns = false;
	const struct rtattr *rta;
	int left;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) || t->n >= STACK_MAX_LINKS)
		return 0;
	left = (int)IFLA_PAYLOAD(nlh);
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
		if (RTA_PAYLOAD(rta) < sizeof(int))
			continue;
		if (rta->rta_type == IFLA_LINK)
			memcpy(&entry.lower, RTA_DATA(rta), sizeof(int));
		else if (rta->rta_type == IFLA_MASTER)
			memcpy(&entry.master, RTA_DATA(rta), sizeof(int));
		else if (rta->rta_type == IFLA_LINK_NETNSID)
			other_netns = true;
	}
	/* veth's IFLA_LINK is its peer, often in another namespace: an
	 * ifindex there means nothing here. A same-namespace veth peer is
	 * not stacked on us either; see mark_carriers(). */
	if (other_netns)
		entry.lower = 0;
	t->links[t->n++] = entry;
	return 0;
}

/* The interface, then whatever is stacked on it, until nothing changes. */
static void mark_carriers(struct link_table *t, int ifindex)
{
	bool changed = true;

	for (size_t i = 0; i < t->n; i++)
		t->carries[i] = t->links[i].ifindex == ifindex;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < t->n; i++) {
			if (!t->carries[i])
				continue;
			for (size_t j = 0; j < t->n; j++) {
				bool upper = t->links[j].lower == t->links[i].ifindex ||
					     t->links[i].master == t->links[j].ifindex;

				if (upper && !t->carries[j] &&
				    /* a veth pair names each other: not stacking */
				    t->links[i].lower != t->links[j].ifindex) {
					t->carries[j] = true;
					changed = true;
				}
			}
		}
	}
}

struct route_scan {
	const struct link_table *links;
	struct default_route_hit *hit;
};

static int check_route(const struct nlmsghdr *nlh, void *ctx)
{
	struct route_scan *scan = ctx;
	unsigned int table = 0;
	int via = default_route_carrier(nlh, scan->links, &table);

	if (!via)
		return 0;
	scan->hit->ifindex = via;
	scan->hit->table = table;
	return 1;
}

int default_route_uses(int ifindex, struct default_route_hit *hit)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static char buf[DUMP_BUF_SIZE];
	struct link_table links = { 0 };
	struct default_route_hit found = { 0 };
	struct route_scan scan = { .links = &links, .hit = &found };
	int fd, err = 0;

	links.links = calloc(STACK_MAX_LINKS, sizeof(*links.links));
	links.carries = calloc(STACK_MAX_LINKS, sizeof(*links.carries));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (!links.links || !links.carries || fd < 0) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	err = dump_request(fd, RTM_GETLINK, AF_UNSPEC);
	if (!err)
		err = read_dump(fd, RTM_NEWLINK, buf, add_link, &links);
	if (err)
		goto out;
	mark_carriers(&links, ifindex);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		err = dump_request(fd, RTM_GETROUTE, families[i]);
		if (!err)
			err = read_dump(fd, RTM_NEWROUTE, buf, check_route, &scan);
		/* No IPv6 in the kernel: nothing to find there. */
		if (err == -EAFNOSUPPORT || err == -EOPNOTSUPP)
			err = 0;
		if (err == 1) {
			found.family = families[i];
			if (!if_indextoname((unsigned int)found.ifindex, found.ifname))
				snprintf(found.ifname, sizeof(found.ifname), "ifindex %d",
					 found.ifindex);
			if (hit)
				*hit = found;
		}
		if (err)
			break;
	}
out:
	if (fd >= 0)
		close(fd);
	free(links.links);
	free(links.carries);
	return err;
}
