/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Write a whole buffer to a file, a pipe or a FIFO that may fill up,
 * without ever blocking where a stop cannot reach: wait for room in
 * poll() beside an eventfd that says "give up".
 */
#ifndef XDP_HINTS_WRITE_ALL_H
#define XDP_HINTS_WRITE_ALL_H

#include <fcntl.h>
#include <stddef.h>

/*
 * Write @len bytes of @buf to @fd in chunks of at most PIPE_BUF bytes,
 * each after poll() said @fd has room (a pipe then takes a chunk whole)
 * or @give_up_fd (-1: none) became readable while @fd has none. Works with blocking and
 * non-blocking fds. Returns 0, -ECANCELED when @give_up_fd became
 * readable first, or write()'s error as negative errno (-EPIPE, -ENOSPC,
 * -EIO, ...). EINTR is retried: the eventfd, not the signal, decides.
 */
int write_all(int fd, int give_up_fd, const void *buf, size_t len);
/* write_all(), and the bytes of @buf written before it returned in
 * *@written (NULL: not wanted): all of @len on 0, fewer on an error. */
int write_all_count(int fd, int give_up_fd, const void *buf, size_t len, size_t *written);

/*
 * open() flags of an output file (--csv, --pcapng): created or truncated,
 * appended to, and never through a symbolic link as its last component
 * (O_NOFOLLOW: a link planted in a world-writable directory must not make
 * root truncate the file it points to; open() then fails with ELOOP).
 */
#define OUTPUT_FILE_OPEN_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW)

/* The cause of an output file's failed open() (@err negative errno), for
 * the one message: ELOOP says the path is a symbolic link, not followed. */
const char *output_open_strerror(int err);

/*
 * Before opening an output: is @path a FIFO that no reader has open (its
 * open() would block)? 1 if so, else 0. When @path could be opened at
 * once, *@hold_fd is that open fd (else -1): the caller keeps it open
 * until its own open() is done, so that a reader waiting on the FIFO
 * does not see this probe's close as the end of the data; then closes it.
 */
int output_fifo_probe(const char *path, int *hold_fd);

#endif
