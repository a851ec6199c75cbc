// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Serialised, interruptible writes to standard output (see report_out.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "report_out.h"
#include "write_all.h"

void report_out_init(struct report_out *o, int fd, int abandon_fd)
{
	o->fd = fd;
	o->abandon_fd = abandon_fd;
	pthread_mutex_init(&o->lock, NULL);
	atomic_init(&o->err, 0);
	atomic_init(&o->unwritten, 0);
}

void report_out_destroy(struct report_out *o)
{
	pthread_mutex_destroy(&o->lock);
}

int report_out_write(struct report_out *o, const void *buf, size_t len)
{
	int err = atomic_load(&o->err);
	size_t written = 0;

	if (err) {
		if (err == -ECANCELED)
			atomic_fetch_add(&o->unwritten, len);
		return err;
	}
	pthread_mutex_lock(&o->lock);
	err = atomic_load(&o->err);
	if (!err) {
		err = write_all_count(o->fd, o->abandon_fd, buf, len, &written);
		if (err)
			atomic_store(&o->err, err);
	}
	if (err == -ECANCELED)
		atomic_fetch_add(&o->unwritten, len - written);
	pthread_mutex_unlock(&o->lock);
	return err;
}

int report_out_check_std_fds(void)
{
	int replace[] = { 0, 2 };

	for (size_t i = 0; i < 2; i++) {
		int fd = replace[i], null_fd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		null_fd = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
		if (null_fd < 0)
			return -errno;
		if (null_fd != fd) { /* fd 1 is closed too and took it */
			dup2(null_fd, fd);
			close(null_fd);
		}
	}
	return fcntl(1, F_GETFD) < 0 ? -EBADF : 0;
}
