/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Per-packet records for offline analysis (--csv FILE), one line each:
 *
 *   time_ns,queue,cpu,same_core,latency_ns,btf_id,layout
 *
 * time_ns is CLOCK_MONOTONIC when the receiver handled the packet, cpu the
 * receiving thread's CPU, same_core 1/0 (empty when the hint carries no
 * xdp_rx_cpu), latency_ns empty when it carries no rx_ktime, layout the
 * hint struct's name ("none"/"unknown" without a known hint).
 *
 * Lines are formatted into a private buffer (one per queue) and written
 * with one write() when it is nearly full, so the packet path makes no
 * system call for almost every packet. The file is shared: buffers are
 * written out under its lock, whole, so lines of different queues never
 * interleave, also in a pipe or FIFO, where a large write() may be split.
 * A FIFO or pipe is written in non-blocking mode and waited for in poll()
 * together with the run's abandon eventfd: a reader that stops reading
 * cannot keep the process alive.
 */
#ifndef XDP_HINTS_CSV_LOG_H
#define XDP_HINTS_CSV_LOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CSV_LOG_HEADER "time_ns,queue,cpu,same_core,latency_ns,btf_id,layout\n"
#define CSV_LOG_BUFFER_SIZE (1U << 20)
#define CSV_LOG_LINE_MAX 192U /* room always kept free in the buffer */

struct csv_file {
	int fd;
	int abandon_fd;        /* run_stop.abandon_fd, or -1 */
	pthread_mutex_t lock;
	atomic_int err;        /* first write error (negative errno), sticky */
	bool regular;          /* a regular file: can be cut back (ftruncate) */
	off_t complete_len;    /* bytes of whole lines written so far */
	unsigned long long unwritten; /* bytes given up on once abandoned (-ECANCELED) */
};

/*
 * Create or truncate @path (a FIFO: wait for its reader; a stop signal
 * ends the wait with -EINTR) and write the header. 0 or negative errno.
 */
int csv_file_open(struct csv_file *f, const char *path, int abandon_fd);
/* Close the file; its first write error, or 0. Safe on a closed file. */
int csv_file_close(struct csv_file *f);

static inline int csv_file_error(struct csv_file *f)
{
	return atomic_load_explicit(&f->err, memory_order_relaxed);
}

struct csv_log {
	struct csv_file *file; /* not owned */
	char *buf;
	size_t used;
};

int csv_log_init(struct csv_log *log, struct csv_file *file);

/* Write out what is buffered. 0 or the file's first error (negative errno). */
int csv_log_flush(struct csv_log *log);

/* Flush and free the buffer; returns csv_log_flush()'s result. */
int csv_log_close(struct csv_log *log);

void csv_log_write_slow(struct csv_log *log);

static inline char *csv_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * One packet. @same_core: 1, 0, or -1 (unknown); @has_latency: whether
 * @latency_ns is valid; @layout: NUL-terminated, cut at 96 characters.
 */
static inline void csv_log_record(struct csv_log *log, uint64_t time_ns,
				  uint32_t queue, int cpu, int same_core,
				  bool has_latency, uint64_t latency_ns,
				  uint32_t btf_id, const char *layout)
{
	char *p = log->buf + log->used;

	p = csv_put_u64(p, time_ns);
	*p++ = ',';
	p = csv_put_u64(p, queue);
	*p++ = ',';
	p = csv_put_u64(p, (uint64_t)(cpu < 0 ? 0 : cpu));
	*p++ = ',';
	if (same_core >= 0)
		*p++ = same_core ? '1' : '0';
	*p++ = ',';
	if (has_latency)
		p = csv_put_u64(p, latency_ns);
	*p++ = ',';
	p = csv_put_u64(p, btf_id);
	*p++ = ',';
	for (int i = 0; layout[i] && i < 96; i++)
		*p++ = layout[i];
	*p++ = '\n';
	log->used = (size_t)(p - log->buf);
	if (log->used > CSV_LOG_BUFFER_SIZE - CSV_LOG_LINE_MAX)
		csv_log_write_slow(log);
}

#endif
