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
	/* An output that has room is written, given up or not: giving up
	 * is for an output nobody reads, not one that keeps up. */
	if (fds[0].revents)
		return 0; /* POLLOUT, or POLLERR/POLLHUP: write() names the error */
	return fds[1].revents & POLLIN ? -ECANCELED : 0;
}

int write_all_count(int fd, int give_up_fd, const void *buf, size_t len, size_t *written)
{
	const char *p = buf;
	size_t left = len;
	int err = 0;

	while (left) {
		size_t chunk = left < PIPE_BUF ? left : PIPE_BUF;
		ssize_t n;

		err = wait_for_room(fd, give_up_fd);
		if (err)
			break;
		n = write(fd, p, chunk);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (written)
		*written = len - left;
	return err;
}

int write_all(int fd, int give_up_fd, const void *buf, size_t len)
{
	return write_all_count(fd, give_up_fd, buf, len, NULL);
}

const char *output_open_strerror(int err)
{
	if (err == -ELOOP)
		return "it is a symbolic link: not followed (O_NOFOLLOW), give the file's own path";
	return strerror(-err);
}

int output_fifo_probe(const char *path, int *hold_fd)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	*hold_fd = -1;
	if (fd >= 0) {
		*hold_fd = fd;
		return 0;
	}
	return errno == ENXIO; /* a FIFO, and no reader has it open */
}
