// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

int netdev_name(int ifindex, char *name)
{
	if (ifindex <= 0)
		return -ENODEV;
	if (!if_indextoname((unsigned int)ifindex, name))
		return errno == ENXIO || errno == ENODEV ? -ENODEV : -errno;
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

int netdev_mtu(const char *ifname, __u32 *mtu_out)
{
	struct ifreq ifr = { 0 };
	int err = netdev_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu_out = (__u32)ifr.ifr_mtu;
	return err;
}

int netdev_is_up(const char *ifname)
{
	short flags;
	int err = netdev_flags(ifname, &flags);

	return err ? err : !!(flags & IFF_UP);
}

int netdev_has_carrier(const char *ifname)
{
	short flags;
	int err = netdev_flags(ifname, &flags);

	return err ? err : !!(flags & IFF_RUNNING);
}

__u32 netdev_channels_rx_queues(__u32 rx_count, __u32 combined_count)
{
	/* A combined channel is an IRQ with one RX and one TX queue, an rx
	 * channel one with only an RX queue: every one of them is an RX queue
	 * (ethtool.h, struct ethtool_channels). */
	return rx_count + combined_count;
}

int netdev_count_rx_queue_dirs(const char *queues_dir, __u32 *count)
{
	struct dirent *entry;
	__u32 n = 0;
	DIR *dir;

	dir = opendir(queues_dir);
	if (!dir)
		return -errno;
	while ((entry = readdir(dir))) {
		const char *digits = entry->d_name + 3;

		/* "rx-0", "rx-1", ...; "tx-N" and anything else is not ours. */
		if (strncmp(entry->d_name, "rx-", 3) || !*digits ||
		    strspn(digits, "0123456789") != strlen(digits))
			continue;
		n++;
	}
	closedir(dir);
	if (!n)
		return -ENOENT;
	*count = n;
	return 0;
}

/*
 * The kernel's own count, real_num_rx_queues, as sysfs shows it: one
 * queues/rx-N directory per real RX queue (net/core/net-sysfs.c,
 * net_rx_queue_update_kobjects). Not IFLA_NUM_RX_QUEUES: that is
 * num_rx_queues, the allocated maximum (256 for a multi-queue tap
 * whatever its attached queues). sysfs shows the interfaces of the
 * namespace it was mounted in, so its ifindex must be ours.
 */
static int sysfs_rx_queues(const char *ifname, __u32 *count)
{
	char path[PATH_MAX], text[32];
	int ifindex, sysfs_ifindex;
	FILE *f;
	int err = netdev_ifindex(ifname, &ifindex);

	if (err)
		return err;
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
	f = fopen(path, "re");
	if (!f)
		return -EXDEV;
	err = fgets(text, sizeof(text), f) && sscanf(text, "%d", &sysfs_ifindex) == 1 ? 0 : -EXDEV;
	fclose(f);
	if (err || sysfs_ifindex != ifindex)
		return -EXDEV;
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	return netdev_count_rx_queue_dirs(path, count);
}

int netdev_rx_queues(const char *ifname, struct netdev_rx_queues *out)
{
	struct ethtool_channels channels = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	int err;

	memset(out, 0, sizeof(*out));
	ifr.ifr_data = (void *)&channels;
	err = netdev_ioctl(ifname, SIOCETHTOOL, &ifr);
	if (err && err != -EOPNOTSUPP)
		return err;
	if (!err) {
		out->rx_count = channels.rx_count;
		out->combined_count = channels.combined_count;
		out->count = netdev_channels_rx_queues(channels.rx_count,
						       channels.combined_count);
		out->max = netdev_channels_rx_queues(channels.max_rx, channels.max_combined);
	}
	/* No channel ops (macvlan, bridge and many other virtual devices), or
	 * channels that name no RX queue at all (only "other"): ask the
	 * kernel. */
	if (out->count) {
		out->source = NETDEV_RX_QUEUES_CHANNELS;
	} else {
		err = sysfs_rx_queues(ifname, &out->count);
		if (err)
			return err;
		out->source = NETDEV_RX_QUEUES_SYSFS;
	}
	if (out->max < out->count)
		out->max = out->count;
	return 0;
}

int netdev_queue_count(const char *ifname, __u32 *count_out, __u32 *max_out)
{
	struct netdev_rx_queues queues;
	int err = netdev_rx_queues(ifname, &queues);

	if (err)
		return err;
	*count_out = queues.count;
	if (max_out)
		*max_out = queues.max;
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
