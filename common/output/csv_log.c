// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_log.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int csv_file_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	int err;

	if (fd < 0)
		return -errno;
	err = write_all(fd, CSV_LOG_HEADER, sizeof(CSV_LOG_HEADER) - 1);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int csv_log_init(struct csv_log *log, int fd)
{
	memset(log, 0, sizeof(*log));
	log->fd = fd;
	log->buf = malloc(CSV_LOG_BUFFER_SIZE);
	return log->buf ? 0 : -ENOMEM;
}

void csv_log_write_slow(struct csv_log *log)
{
	int err = write_all(log->fd, log->buf, log->used);

	if (err && !log->err)
		log->err = err;
	log->used = 0;
}

int csv_log_flush(struct csv_log *log)
{
	if (log->buf && log->used)
		csv_log_write_slow(log);
	return log->err;
}

int csv_log_close(struct csv_log *log)
{
	int err = csv_log_flush(log);

	free(log->buf);
	log->buf = NULL;
	return err;
}
