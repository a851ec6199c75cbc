/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Standard output as every thread of the receiver writes it: interval
 * and final reports from the main thread, --pkt-info lines from whichever
 * thread received the packets. One writer at a time, so lines never
 * interleave; a wait for room that the run's abandon eventfd cuts short,
 * so a reader that stopped reading cannot keep the process alive; and one
 * sticky error, so a closed pipe or a full disk is reported once and ends
 * the run.
 */
#ifndef XDP_HINTS_REPORT_OUT_H
#define XDP_HINTS_REPORT_OUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct report_out {
	int fd;                /* not owned */
	int abandon_fd;        /* run_stop.abandon_fd, or -1 */
	pthread_mutex_t lock;
	atomic_int err;        /* first write error (negative errno), sticky */
	atomic_ullong unwritten; /* bytes given up on once abandoned (-ECANCELED) */
};

void report_out_init(struct report_out *o, int fd, int abandon_fd);
void report_out_destroy(struct report_out *o);

/*
 * Write all @len bytes of @buf as one unit. Before each chunk of at most
 * PIPE_BUF bytes it waits in poll() until the fd has room (a pipe then
 * takes the chunk whole, without blocking) or the abandon eventfd is
 * readable. Returns 0, the first error any writer met (-EPIPE, -ENOSPC,
 * -EIO, ...), or -ECANCELED once the run is abandoned. Thread-safe.
 */
int report_out_write(struct report_out *o, const void *buf, size_t len);

/*
 * 0 when file descriptors 0, 1 and 2 are open. A closed 0 or 2 is
 * replaced by /dev/null, so no file opened later becomes the process's
 * stdin or stderr; a closed 1 returns -EBADF: the reports would go into
 * whichever file got fd 1 next.
 */
int report_out_check_std_fds(void);

#endif
