// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "netdev.h"

static int check_name(const char *ifname)
{
	if (!ifname || !*ifname)
		return -EINVAL;
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	return 0;
}

int netdev_ifindex(const char *ifname, int *ifindex)
{
	unsigned int idx;
	int err = check_name(ifname);

	if (err)
		return err;
	idx = if_nametoindex(ifname);
	if (!idx)
		return errno == ENXIO || errno == ENODEV || !errno ? -ENODEV : -errno;
	*ifindex = (int)idx;
	return 0;
}

/* One ioctl on a throwaway datagram socket (any family serves for these). */
static int netdev_ioctl(const char *ifname, unsigned long request, struct ifreq *ifr)
{
	int fd, err = check_name(ifname);

	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	err = ioctl(fd, request, ifr) ? -errno : 0;
	close(fd);
	/* The kernel says ENODEV for a missing interface on most calls and
	 * ENXIO on some: give callers one code for "gone". */
	return err == -ENXIO ? -ENODEV : err;
}

static int netdev_flags(const char *ifname, short *flags)
{
	struct ifreq ifr = { 0 };
	int err = netdev_ioctl(ifname, SIOCGIFFLAGS, &ifr);

	if (!err)
		*flags = ifr.ifr_flags;
	return err;
}

int netdev_is_up(const char *ifname)
{
	short flags;
	int err = netdev_flags(ifname, &flags);

	return err ? err : !!(flags & IFF_UP);
}

int netdev_mtu(const char *ifname, __u32 *mtu)
{
	struct ifreq ifr = { 0 };
	int err = netdev_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = (__u32)ifr.ifr_mtu;
	return err;
}

int netdev_has_carrier(const char *ifname)
{
	short flags;
	int err = netdev_flags(ifname, &flags);

	return err ? err : !!(flags & IFF_RUNNING);
}

static __u32 channels_rx(__u32 rx, __u32 combined)
{
	if (rx)
		return rx;
	if (combined)
		return combined;
	return 1;
}

int netdev_queue_count(const char *ifname, __u32 *count_out, __u32 *max_out)
{
	struct ethtool_channels channels = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	int err;

	ifr.ifr_data = (void *)&channels;
	err = netdev_ioctl(ifname, SIOCETHTOOL, &ifr);
	if (err == -EOPNOTSUPP) {
		/* No channels support: a single-queue device. */
		*count_out = 1;
		if (max_out)
			*max_out = 1;
		return 0;
	}
	if (err)
		return err;
	*count_out = channels_rx(channels.rx_count, channels.combined_count);
	if (max_out)
		*max_out = channels_rx(channels.max_rx, channels.max_combined);
	return 0;
}

void netdev_driver_name(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };

	ifr.ifr_data = (void *)&info;
	if (netdev_ioctl(ifname, SIOCETHTOOL, &ifr) || !info.driver[0])
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%s", info.driver);
}
