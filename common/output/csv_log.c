// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "csv_log.h"
#include "log.h"
#include "write_all.h"

int csv_file_open(struct csv_file *f, const char *path, int abandon_fd)
{
	struct stat st;
	int err;

	f->abandon_fd = abandon_fd;
	atomic_init(&f->err, 0);
	f->regular = false;
	f->complete_len = 0;
	f->unwritten = 0;
	/* A FIFO blocks here until its reader opens it: that is what the
	 * user wants, and a stop signal interrupts it (EINTR). */
	f->fd = open(path, OUTPUT_FILE_OPEN_FLAGS, 0644);
	if (f->fd < 0)
		return -errno;
	pthread_mutex_init(&f->lock, NULL);
	f->regular = !fstat(f->fd, &st) && S_ISREG(st.st_mode);
	/* Pipes and FIFOs can fill up: never block in write() on them. */
	if (!f->regular)
		fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) | O_NONBLOCK);
	err = write_all(f->fd, abandon_fd, CSV_LOG_HEADER, sizeof(CSV_LOG_HEADER) - 1);
	if (err) {
		csv_file_close(f);
		return err;
	}
	f->complete_len = sizeof(CSV_LOG_HEADER) - 1;
	return 0;
}

int csv_file_close(struct csv_file *f)
{
	if (f->fd < 0)
		return 0;
	if (close(f->fd) && !csv_file_error(f))
		atomic_store(&f->err, -errno); /* NFS and the like report here */
	f->fd = -1;
	pthread_mutex_destroy(&f->lock);
	return csv_file_error(f);
}

int csv_log_init(struct csv_log *log, struct csv_file *file)
{
	memset(log, 0, sizeof(*log));
	log->file = file;
	log->buf = malloc(CSV_LOG_BUFFER_SIZE);
	return log->buf ? 0 : -ENOMEM;
}

void csv_log_write_slow(struct csv_log *log)
{
	struct csv_file *f = log->file;
	int err;

	pthread_mutex_lock(&f->lock);
	if (csv_file_error(f) == -ECANCELED) {
		f->unwritten += log->used; /* given up: counted, not written */
	} else if (!csv_file_error(f)) {
		size_t written = 0;

		err = write_all_count(f->fd, f->abandon_fd, log->buf, log->used, &written);
		if (err)
			atomic_store(&f->err, err);
		else
			f->complete_len += (off_t)log->used;
		if (err == -ECANCELED)
			f->unwritten += log->used - written;
		/* The buffer holds whole lines: a file that filled up (ENOSPC,
		 * EFBIG, EDQUOT) ends at the last one written whole. */
		if (err && f->regular && ftruncate(f->fd, f->complete_len))
			pr_debug("--csv: cutting the file back to its last whole line: %s\n",
				 strerror(errno));
	}
	pthread_mutex_unlock(&f->lock);
	log->used = 0;
}

int csv_log_flush(struct csv_log *log)
{
	if (log->buf && log->used)
		csv_log_write_slow(log);
	return log->file ? csv_file_error(log->file) : 0;
}

int csv_log_close(struct csv_log *log)
{
	int err = csv_log_flush(log);

	free(log->buf);
	log->buf = NULL;
	return err;
}
