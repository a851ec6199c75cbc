/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Facts about a network interface, from ioctl()s: index, link state, RX
 * queue count (ethtool channels, else sysfs) and driver name. Returns negative errno. */
#ifndef XDP_HINTS_NETDEV_H
#define XDP_HINTS_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * ifindex of @ifname: -EINVAL empty name, -ENAMETOOLONG longer than
 * IFNAMSIZ - 1, -ENODEV no such interface.
 */
int netdev_ifindex(const char *ifname, int *ifindex);

/*
 * Current name of @ifindex in this network namespace into @name
 * (IF_NAMESIZE bytes): -ENODEV when no interface here has that index
 * (deleted, or moved to another namespace).
 */
int netdev_name(int ifindex, char *name);

/* The interface's MTU in bytes (SIOCGIFMTU): L3 payload, no Ethernet header. */
int netdev_mtu(const char *ifname, __u32 *mtu_out);

/* 1 when IFF_UP is set, 0 when down, negative errno (-ENODEV: gone). */
int netdev_is_up(const char *ifname);
/* 1 when the carrier is present (IFF_RUNNING), 0 otherwise. */
int netdev_has_carrier(const char *ifname);

/* Where netdev_rx_queues() found the count. */
enum netdev_rx_queues_source {
	NETDEV_RX_QUEUES_CHANNELS, /* ETHTOOL_GCHANNELS rx_count + combined_count */
	NETDEV_RX_QUEUES_SYSFS,    /* /sys/class/net/DEV/queues/rx-N */
};

struct netdev_rx_queues {
	__u32 count;          /* RX queues now: queue ids 0..count-1 */
	__u32 max;            /* the most the device could be set to (>= count) */
	__u32 rx_count;       /* ETHTOOL_GCHANNELS fields, 0 without channel ops */
	__u32 combined_count;
	enum netdev_rx_queues_source source;
};

/*
 * The RX queues of @ifname (AF_XDP binds queue ids 0..count-1).
 * ETHTOOL_GCHANNELS gives rx_count + combined_count: both kinds of
 * channel carry an RX queue (include/uapi/linux/ethtool.h). Where the
 * driver has no channel ops (-EOPNOTSUPP) or reports neither kind, the
 * kernel's real_num_rx_queues, counted as queues/rx-N in sysfs.
 * Returns 0, -ENODEV (gone), -EXDEV (sysfs shows another network
 * namespace: mount sysfs in this one), or another negative errno.
 */
int netdev_rx_queues(const char *ifname, struct netdev_rx_queues *out);

/* netdev_rx_queues(), count and max only (@max_out may be NULL). */
int netdev_queue_count(const char *ifname, __u32 *count_out, __u32 *max_out);

/* The rule netdev_rx_queues() applies to ethtool channels: rx + combined. */
__u32 netdev_channels_rx_queues(__u32 rx_count, __u32 combined_count);

/*
 * How many "rx-N" entries (N decimal) @queues_dir holds, the layout of
 * /sys/class/net/DEV/queues. -ENOENT when none, -errno if unreadable.
 */
int netdev_count_rx_queue_dirs(const char *queues_dir, __u32 *count);

/* Driver name from ETHTOOL_GDRVINFO, "unknown" when it cannot be asked. */
void netdev_driver_name(const char *ifname, char *buf, size_t len);

#endif
