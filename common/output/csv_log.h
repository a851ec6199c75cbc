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
 * Lines are formatted into a private buffer (one per receiving thread) and
 * written with one write() when it is nearly full, so the packet path
 * makes no system call for almost every packet. Every write() holds whole
 * lines and the file is opened O_APPEND, so threads sharing the file never
 * split each other's lines.
 */
#ifndef XDP_HINTS_CSV_LOG_H
#define XDP_HINTS_CSV_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSV_LOG_HEADER "time_ns,queue,cpu,same_core,latency_ns,btf_id,layout\n"
#define CSV_LOG_BUFFER_SIZE (1U << 20)
#define CSV_LOG_LINE_MAX 192U /* room always kept free in the buffer */

/* Create or truncate @path and write the header. Returns the fd or -errno. */
int csv_file_create(const char *path);

struct csv_log {
	int fd;       /* not owned */
	char *buf;
	size_t used;
	int err;      /* first write error, reported at flush/close */
};

int csv_log_init(struct csv_log *log, int fd);

/* Write out what is buffered. 0 or the first error seen (negative errno). */
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
