// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "write_all.h"

static int wait_for_room(int fd, int give_up_fd)
{
	struct pollfd fds[2] = {
		{ .fd = fd, .events = POLLOUT },
		{ .fd = give_up_fd, .events = POLLIN },
	};

	while (poll(fds, give_up_fd >= 0 ? 2 : 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	if (fds[1].revents & POLLIN)
		return -ECANCELED;
	return 0; /* POLLOUT, or POLLERR/POLLHUP: write() names the error */
}

int write_all(int fd, int give_up_fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		size_t chunk = len < PIPE_BUF ? len : PIPE_BUF;
		int err = wait_for_room(fd, give_up_fd);
		ssize_t n;

		if (err)
			return err;
		n = write(fd, p, chunk);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *output_open_strerror(int err)
{
	if (err == -ELOOP)
		return "it is a symbolic link: not followed (O_NOFOLLOW), give the file's own path";
	return strerror(-err);
}
