// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "phc_clock.h"

#define NS_PER_SEC 1000000000LL

int phc_clock_index(const char *ifname, int *index_out)
{
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr = { 0 };
	int fd, err;

	if (!ifname || !*ifname)
		return -EINVAL;
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	err = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
	close(fd);
	/* Some paths say ENXIO for a missing device: one code for "gone". */
	if (err == -ENXIO)
		return -ENODEV;
	if (err)
		return err;
	if (info.phc_index < 0)
		return -ENODEV;
	*index_out = info.phc_index;
	return 0;
}

int phc_clock_open(struct phc_clock *phc, const char *ifname)
{
	char path[32];
	int index, fd, err;

	memset(phc, 0, sizeof(*phc));
	err = phc_clock_index(ifname, &index);
	if (err)
		return err;
	phc->index = index; /* names the device in the caller's message if open fails */
	snprintf(path, sizeof(path), "/dev/ptp%d", index);
	/* Reading the time needs no write access (clock_settime would). */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	phc->open = true;
	phc->fd = fd;
	phc->clockid = phc_fd_to_clockid(fd);
	return 0;
}

void phc_clock_close(struct phc_clock *phc)
{
	if (phc->open)
		close(phc->fd);
	memset(phc, 0, sizeof(*phc));
}

static int read_ns(clockid_t clock, __s64 *ns)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return -errno;
	*ns = (__s64)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	return 0;
}

int phc_offset_sample(clockid_t clock, unsigned int reads, __s64 *offset_ns,
		      __u64 *window_ns)
{
	__s64 before = 0, phc = 0, after = 0, best_offset = 0;
	__u64 best_window = UINT64_MAX;
	int err;

	if (!reads)
		return -EINVAL;
	for (unsigned int i = 0; i < reads; i++) {
		__int128 offset;
		__u64 window;

		err = read_ns(CLOCK_MONOTONIC, &before);
		if (!err)
			err = read_ns(clock, &phc);
		if (!err)
			err = read_ns(CLOCK_MONOTONIC, &after);
		if (err)
			return err;
		window = (__u64)(after - before);
		if (window >= best_window)
			continue;
		/* before + window / 2: the midpoint without overflowing a sum. */
		offset = (__int128)phc - (before + (__s64)(window / 2));
		/* Cannot happen between real clocks; never hand out the sentinel. */
		if (offset <= INT64_MIN || offset > INT64_MAX)
			return -ERANGE;
		best_window = window;
		best_offset = (__s64)offset;
	}
	*offset_ns = best_offset;
	if (window_ns)
		*window_ns = best_window;
	return 0;
}

int phc_clock_offset(const struct phc_clock *phc, __s64 *offset_ns, __u64 *window_ns)
{
	if (!phc->open)
		return -EBADF;
	return phc_offset_sample(phc->clockid, PHC_OFFSET_READS, offset_ns, window_ns);
}
