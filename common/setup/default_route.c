// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "default_route.h"

/* A route dump comes in datagrams of at most a page or so; 32 KiB holds
 * any the kernel sends (it sizes them to the reader's buffer). */
#define DUMP_BUF_SIZE 32768

static int dump_request(int fd, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct rtmsg rtm;
	} req = {
		.nlh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			.nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.rtm = { .rtm_family = (unsigned char)family },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

static bool multipath_uses(const struct rtattr *rta, int ifindex)
{
	const struct rtnexthop *nh = RTA_DATA(rta);
	int left = (int)RTA_PAYLOAD(rta);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
	       nh->rtnh_len <= left) {
		if (nh->rtnh_ifindex == ifindex)
			return true;
		left -= (int)RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	return false;
}

/* true for a main-table default route out of @ifindex. */
static bool is_default_via(const struct nlmsghdr *nlh, int ifindex)
{
	const struct rtmsg *rtm = NLMSG_DATA(nlh);
	const struct rtattr *rta;
	unsigned int table = rtm->rtm_table;
	bool via = false;
	int left;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_type != RTN_UNICAST)
		return false;
	left = (int)RTM_PAYLOAD(nlh);
	for (rta = RTM_RTA(rtm); RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
		switch (rta->rta_type) {
		case RTA_TABLE: /* the 8-bit rtm_table cannot name tables > 255 */
			if (RTA_PAYLOAD(rta) >= sizeof(__u32))
				memcpy(&table, RTA_DATA(rta), sizeof(__u32));
			break;
		case RTA_OIF:
			if (RTA_PAYLOAD(rta) >= sizeof(int) &&
			    *(const int *)RTA_DATA(rta) == ifindex)
				via = true;
			break;
		case RTA_MULTIPATH:
			if (multipath_uses(rta, ifindex))
				via = true;
			break;
		}
	}
	return via && table == RT_TABLE_MAIN;
}

/* 1 found, 0 not, negative errno. Reads the whole dump either way. */
static int scan_dump(int fd, int ifindex, char *buf)
{
	int found = 0;

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
				return found;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error ? e->error : -EPROTO;
			}
			if (nlh->nlmsg_type == RTM_NEWROUTE && is_default_via(nlh, ifindex))
				found = 1;
		}
		if (n == 0)
			return -EPROTO;
	}
}

int default_route_uses(int ifindex, int *family)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static char buf[DUMP_BUF_SIZE];
	int fd, err = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		err = dump_request(fd, families[i]);
		if (!err)
			err = scan_dump(fd, ifindex, buf);
		/* No IPv6 in the kernel: nothing to find there. */
		if (err == -EAFNOSUPPORT || err == -EOPNOTSUPP)
			err = 0;
		if (err == 1 && family)
			*family = families[i];
		if (err)
			break;
	}
	close(fd);
	return err;
}
