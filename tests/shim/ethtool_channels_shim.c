// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LD_PRELOAD shim: makes ETHTOOL_GCHANNELS on one interface answer what a
 * NIC we do not have would answer, so the receiver's RX queue count can be
 * tested on a veth (tests/e2e/queue_set.sh). Every other ioctl, and this
 * one on any other interface, goes to the C library unchanged.
 *
 *   XH_SHIM_DEV=name            the interface to lie about
 *   XH_SHIM_CHANNELS=rx=1,combined=3[,max_rx=R,max_combined=C]
 *                               the channel counts to report (missing: 0)
 *   XH_SHIM_CHANNELS=eopnotsupp fail with EOPNOTSUPP, as a driver without
 *                               channel ops does
 *
 * Built without sanitizers: an ASan binary must run it with
 * ASAN_OPTIONS=verify_asan_link_order=0 (the shim comes first).
 */
#include <dlfcn.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

/* "key=N" in the comma-separated @spec, 0 when absent. */
static __u32 spec_value(const char *spec, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, len) && p[len] == '=')
			return (__u32)strtoul(p + len + 1, NULL, 10);
	}
	return 0;
}

/* 1 when handled (errno set on failure via the return value), 0 to pass on. */
static int fake_channels(unsigned long request, void *arg, int *ret)
{
	const char *dev = getenv("XH_SHIM_DEV");
	const char *spec = getenv("XH_SHIM_CHANNELS");
	struct ethtool_channels *channels;
	struct ifreq *ifr = arg;

	if (request != SIOCETHTOOL || !dev || !spec || !ifr ||
	    strncmp(ifr->ifr_name, dev, IFNAMSIZ))
		return 0;
	channels = (struct ethtool_channels *)ifr->ifr_data;
	if (!channels || channels->cmd != ETHTOOL_GCHANNELS)
		return 0;
	if (!strcmp(spec, "eopnotsupp")) {
		errno = EOPNOTSUPP;
		*ret = -1;
		return 1;
	}
	memset(channels, 0, sizeof(*channels));
	channels->cmd = ETHTOOL_GCHANNELS;
	channels->rx_count = spec_value(spec, "rx");
	channels->combined_count = spec_value(spec, "combined");
	channels->max_rx = spec_value(spec, "max_rx") ?: channels->rx_count;
	channels->max_combined = spec_value(spec, "max_combined") ?: channels->combined_count;
	*ret = 0;
	return 1;
}

int ioctl(int fd, unsigned long request, ...)
{
	static ioctl_fn next_ioctl;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake_channels(request, arg, &ret))
		return ret;
	if (!next_ioctl)
		next_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	if (!next_ioctl) {
		errno = ENOSYS;
		return -1;
	}
	return next_ioctl(fd, request, arg);
}
