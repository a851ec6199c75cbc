/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Preferred busy polling for AF_XDP sockets (kernel 5.11+): with
 * SO_PREFER_BUSY_POLL the application, not the interrupt, drives the
 * device's NAPI: each recvfrom()/poll() on the socket runs the driver's
 * poll loop for up to SO_BUSY_POLL microseconds and SO_BUSY_POLL_BUDGET
 * packets. It only keeps interrupts out of the way when the device defers
 * them: /sys/class/net/DEV/napi_defer_hard_irqs > 0 and gro_flush_timeout
 * > 0 (the timer that re-arms the interrupt if the application stalls).
 */
#ifndef XDP_HINTS_BUSY_POLL_H
#define XDP_HINTS_BUSY_POLL_H

#include <sys/socket.h>

/* asm-generic/socket.h values; Debian 12's headers lack the last two. */
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/*
 * Set SO_PREFER_BUSY_POLL=1, SO_BUSY_POLL=@usec, SO_BUSY_POLL_BUDGET=@budget
 * on @fd. On error returns negative errno and names the option in *@failed.
 */
int busy_poll_enable(int fd, unsigned int usec, unsigned int budget,
		     const char **failed);

/* The two per-device settings busy polling depends on; -1 when unreadable. */
struct busy_poll_sysfs {
	long long napi_defer_hard_irqs;
	long long gro_flush_timeout; /* ns */
};

void busy_poll_read_sysfs(const char *ifname, struct busy_poll_sysfs *out);

/* Drive NAPI once through the socket (nonblocking). 0 or negative errno. */
int busy_poll_drive(int fd);

#endif
