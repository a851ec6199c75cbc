// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "busy_poll.h"

int busy_poll_enable(int fd, unsigned int usec, unsigned int budget,
		     const char **failed)
{
	const struct {
		int opt;
		int value;
		const char *name;
	} opts[] = {
		{ SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL" },
		{ SO_BUSY_POLL, (int)usec, "SO_BUSY_POLL" },
		{ SO_BUSY_POLL_BUDGET, (int)budget, "SO_BUSY_POLL_BUDGET" },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (setsockopt(fd, SOL_SOCKET, opts[i].opt, &opts[i].value,
			       sizeof(opts[i].value))) {
			*failed = opts[i].name;
			return -errno;
		}
	}
	return 0;
}

static long long read_number(const char *ifname, const char *attr)
{
	char path[128], line[32];
	long long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		value = strtoll(line, NULL, 10);
	fclose(f);
	return value;
}

void busy_poll_read_sysfs(const char *ifname, struct busy_poll_sysfs *out)
{
	out->napi_defer_hard_irqs = read_number(ifname, "napi_defer_hard_irqs");
	out->gro_flush_timeout = read_number(ifname, "gro_flush_timeout");
}

int busy_poll_drive(int fd)
{
	/* xsk_recvmsg() busy-polls the NAPI the socket is bound to before
	 * anything else; a copy-mode socket then simply returns. */
	if (recvfrom(fd, NULL, 0, MSG_DONTWAIT, NULL, NULL) >= 0)
		return 0;
	if (errno == EAGAIN || errno == EBUSY || errno == EINTR)
		return 0;
	return -errno;
}
