/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Facts about a network interface, from ioctl()s: index, link state, RX
 * queue count (ethtool channels) and driver name. Returns negative errno. */
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

/* 1 when IFF_UP is set, 0 when down, negative errno (-ENODEV: gone). */
int netdev_is_up(const char *ifname);
/* The MTU (SIOCGIFMTU), bytes of L3 payload per frame. */
int netdev_mtu(const char *ifname, __u32 *mtu);
/* 1 when the carrier is present (IFF_RUNNING), 0 otherwise. */
int netdev_has_carrier(const char *ifname);

/*
 * RX queues from ETHTOOL_GCHANNELS: rx_count, else combined_count, else 1
 * (also when the driver has no channels support). @max_out gets the
 * device's maximum the same way (may equal *count_out).
 */
int netdev_queue_count(const char *ifname, __u32 *count_out, __u32 *max_out);

/* Driver name from ETHTOOL_GDRVINFO, "unknown" when it cannot be asked. */
void netdev_driver_name(const char *ifname, char *buf, size_t len);

#endif
