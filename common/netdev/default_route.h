/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Does an interface carry the default route, itself or through a device
 * stacked on it?  Redirecting all of its traffic to AF_XDP would take it
 * away from the kernel, and with it the user's own connection to the
 * machine, so the receiver asks first.
 *
 * "Carries" counts the interface and every device whose traffic enters
 * through it: devices on top of it (macvlan, ipvlan, VLAN: IFLA_LINK names
 * it) and the master it is a port of (bridge, bond, team: its IFLA_MASTER),
 * transitively (a VLAN on a bond of this port).  XDP runs on the lower
 * device before any of them sees a frame.  A default route (destination
 * length 0, unicast) in any routing table counts, not only main: policy
 * routing may send the user's traffic through another table.
 *
 * Asked through rtnetlink (RTM_GETLINK and RTM_GETROUTE dumps, IPv4 and
 * IPv6); no routing library needed.
 */
#ifndef XDP_HINTS_DEFAULT_ROUTE_H
#define XDP_HINTS_DEFAULT_ROUTE_H

#include <net/if.h>

struct default_route_hit {
	int family;          /* AF_INET or AF_INET6 */
	int ifindex;         /* the device the route leaves through */
	unsigned int table;  /* its routing table (RT_TABLE_MAIN = 254) */
	char ifname[IF_NAMESIZE];
};

/*
 * 1 when a default route leaves through @ifindex or a device stacked on
 * it (see above), directly or as one of its multipath next hops, with
 * *@hit describing the first found; 0 when none does; negative errno when
 * links or routes cannot be read.
 */
int default_route_uses(int ifindex, struct default_route_hit *hit);

#endif
