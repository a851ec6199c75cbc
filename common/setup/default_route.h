/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Does an interface carry the default route?  Redirecting all of its
 * traffic to AF_XDP would take it away from the kernel, and with it the
 * user's own connection to the machine, so the receiver asks first.
 * Asked through rtnetlink (an RTM_GETROUTE dump of the main table, IPv4
 * and IPv6); no routing library needed.
 */
#ifndef XDP_HINTS_DEFAULT_ROUTE_H
#define XDP_HINTS_DEFAULT_ROUTE_H

/*
 * 1 when a default route (destination length 0) of the main table leaves
 * through @ifindex, directly or as one of its multipath next hops; 0 when
 * none does; negative errno when the routes cannot be read. *@family gets
 * AF_INET or AF_INET6 of the route found.
 */
int default_route_uses(int ifindex, int *family);

#endif
