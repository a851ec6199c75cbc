// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pcapng blocks and the per-queue buffers that carry them (see pcapng_writer.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"
#include "pcapng_writer.h"
#include "write_all.h"

static char *put_u16(char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static char *put_u32(char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

/* Options are 32-bit aligned: the value is padded with zeros. */
static char *put_option(char *p, uint16_t code, const void *value, size_t len)
{
	size_t pad = ((len + 3) & ~(size_t)3) - len;

	p = put_u16(p, code);
	p = put_u16(p, (uint16_t)len);
	memcpy(p, value, len);
	memset(p + len, 0, pad);
	return p + len + pad;
}

size_t pcapng_put_epb(void *dst, uint32_t if_id, uint64_t ts_ns, const void *pkt,
		      uint32_t caplen, uint32_t origlen, const char *comment,
		      size_t comment_len)
{
	size_t total = pcapng_epb_size(caplen, comment_len);
	size_t pad = (((size_t)caplen + 3) & ~(size_t)3) - caplen;
	char *p = dst;

	p = put_u32(p, PCAPNG_BT_EPB);
	p = put_u32(p, (uint32_t)total);
	p = put_u32(p, if_id);
	p = put_u32(p, (uint32_t)(ts_ns >> 32));
	p = put_u32(p, (uint32_t)ts_ns);
	p = put_u32(p, caplen);
	p = put_u32(p, origlen);
	memcpy(p, pkt, caplen);
	memset(p + caplen, 0, pad);
	p += caplen + pad;
	if (comment_len) {
		p = put_option(p, PCAPNG_OPT_COMMENT, comment, comment_len);
		p = put_u32(p, PCAPNG_OPT_ENDOFOPT); /* code 0, length 0 */
	}
	put_u32(p, (uint32_t)total);
	return total;
}

static size_t option_size(size_t len)
{
	return 4 + ((len + 3) & ~(size_t)3);
}

int pcapng_header(const char *app, const char *const *if_names, size_t n_ifs,
		  uint32_t snaplen, void **out, size_t *out_len)
{
	static const uint8_t tsresol = 9; /* 10^-9 s */
	size_t app_len = app ? strlen(app) : 0;
	size_t shb_len = 28 + (app_len ? option_size(app_len) + 4 : 0);
	size_t total = shb_len;
	char *buf, *p;

	if (app_len > UINT16_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n_ifs; i++) {
		size_t name_len = strlen(if_names[i]);

		if (name_len > 255)
			return -EINVAL;
		total += 20 + option_size(name_len) + option_size(1) + 4;
	}
	buf = calloc(1, total);
	if (!buf)
		return -ENOMEM;
	p = put_u32(buf, PCAPNG_BT_SHB);
	p = put_u32(p, (uint32_t)shb_len);
	p = put_u32(p, PCAPNG_BYTE_ORDER_MAGIC);
	p = put_u16(p, 1); /* major version */
	p = put_u16(p, 0); /* minor version */
	/* Section length -1: not given, so the file can be written as a stream. */
	p = put_u32(p, UINT32_MAX);
	p = put_u32(p, UINT32_MAX);
	if (app_len) {
		p = put_option(p, PCAPNG_SHB_USERAPPL, app, app_len);
		p = put_u32(p, PCAPNG_OPT_ENDOFOPT);
	}
	p = put_u32(p, (uint32_t)shb_len);
	for (size_t i = 0; i < n_ifs; i++) {
		size_t name_len = strlen(if_names[i]);
		uint32_t idb_len = (uint32_t)(20 + option_size(name_len) + option_size(1) + 4);

		p = put_u32(p, PCAPNG_BT_IDB);
		p = put_u32(p, idb_len);
		p = put_u16(p, PCAPNG_LINKTYPE_ETHERNET);
		p = put_u16(p, 0); /* reserved */
		p = put_u32(p, snaplen);
		p = put_option(p, PCAPNG_IF_NAME, if_names[i], name_len);
		p = put_option(p, PCAPNG_IF_TSRESOL, &tsresol, 1);
		p = put_u32(p, PCAPNG_OPT_ENDOFOPT);
		p = put_u32(p, idb_len);
	}
	*out = buf;
	*out_len = (size_t)(p - buf);
	return 0;
}

int pcapng_file_open(struct pcapng_file *f, const char *path, int abandon_fd,
		     uint32_t snaplen, const char *app, const char *const *if_names,
		     size_t n_ifs)
{
	struct stat st;
	void *header;
	size_t header_len;
	int err;

	f->abandon_fd = abandon_fd;
	f->snaplen = snaplen;
	atomic_init(&f->err, 0);
	f->regular = false;
	f->complete_len = 0;
	f->unwritten = 0;
	f->merge = false;
	f->logs = NULL;
	f->n_logs = 0;
	f->merge_buf = NULL;
	if (!snaplen || snaplen > PCAPNG_SNAPLEN_MAX) {
		f->fd = -1;
		return -EINVAL;
	}
	err = pcapng_header(app, if_names, n_ifs, snaplen, &header, &header_len);
	if (err) {
		f->fd = -1;
		return err;
	}
	/* A FIFO blocks here until its reader opens it (tshark -i FIFO, say);
	 * a stop signal interrupts it (EINTR). */
	if (!strcmp(path, "-")) /* standard output, as tcpdump -w - */
		f->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	else
		f->fd = open(path, OUTPUT_FILE_OPEN_FLAGS, 0644);
	if (f->fd < 0) {
		err = -errno;
		free(header);
		return err;
	}
	pthread_mutex_init(&f->lock, NULL);
	f->regular = !fstat(f->fd, &st) && S_ISREG(st.st_mode);
	if (!f->regular)
		fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) | O_NONBLOCK);
	err = write_all(f->fd, abandon_fd, header, header_len);
	free(header);
	if (err) {
		pcapng_file_close(f);
		return err;
	}
	f->complete_len = (off_t)header_len;
	return 0;
}

int pcapng_file_merge(struct pcapng_file *f)
{
	f->merge_buf = malloc(PCAPNG_BUFFER_SIZE);
	if (!f->merge_buf)
		return -ENOMEM;
	f->merge = true;
	return 0;
}

int pcapng_file_close(struct pcapng_file *f)
{
	/* The logs may flush later (their close): alone, as nothing is left. */
	f->merge = false;
	free(f->logs);
	f->logs = NULL;
	f->n_logs = 0;
	free(f->merge_buf);
	f->merge_buf = NULL;
	if (f->fd < 0)
		return 0;
	if (close(f->fd) && !pcapng_file_error(f))
		atomic_store(&f->err, -errno);
	f->fd = -1;
	pthread_mutex_destroy(&f->lock);
	return pcapng_file_error(f);
}

int pcapng_log_init(struct pcapng_log *log, struct pcapng_file *file, uint32_t if_id)
{
	memset(log, 0, sizeof(*log));
	log->file = file;
	log->if_id = if_id;
	if (file->merge) {
		struct pcapng_log **logs = realloc(file->logs,
						   (file->n_logs + 1) * sizeof(*logs));

		if (!logs)
			return -ENOMEM;
		logs[file->n_logs++] = log;
		file->logs = logs;
	}
	log->buf = malloc(PCAPNG_BUFFER_SIZE);
	return log->buf ? 0 : -ENOMEM;
}

/* @len bytes of whole blocks at @buf to the file, under its lock. */
static void write_blocks(struct pcapng_file *f, const char *buf, size_t len)
{
	int err;

	pthread_mutex_lock(&f->lock);
	if (pcapng_file_error(f) == -ECANCELED) {
		f->unwritten += len; /* given up: counted, not written */
	} else if (!pcapng_file_error(f)) {
		size_t written = 0;

		err = write_all_count(f->fd, f->abandon_fd, buf, len, &written);
		if (err)
			atomic_store(&f->err, err);
		else
			f->complete_len += (off_t)len;
		if (err == -ECANCELED)
			f->unwritten += len - written;
		/* The buffer holds whole blocks: a file that filled up (ENOSPC,
		 * EFBIG, EDQUOT) ends at the last one written whole, and stays
		 * readable to its end. */
		if (err && f->regular && ftruncate(f->fd, f->complete_len))
			pr_debug("--pcapng: cutting the file back to its last whole block: %s\n",
				 strerror(errno));
	}
	pthread_mutex_unlock(&f->lock);
}

/* The EPB's timestamp (pcapng_put_epb()): high and low 32 bits. */
static uint64_t epb_ts(const char *block)
{
	uint32_t hi, lo;

	memcpy(&hi, block + 12, sizeof(hi));
	memcpy(&lo, block + 16, sizeof(lo));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t block_len(const char *block)
{
	uint32_t len;

	memcpy(&len, block + 4, sizeof(len));
	return len;
}

/*
 * Write out, merged by timestamp, the blocks of all logs of @f up to
 * @horizon_ns (inclusive), each log's in its own order; the newer ones move
 * to the front of their buffers. A k-way merge over the logs' heads: a
 * scan of n_logs per block (a few dozen queues at most).
 */
static void merge_out(struct pcapng_file *f, uint64_t horizon_ns)
{
	size_t staged = 0;

	for (size_t i = 0; i < f->n_logs; i++)
		f->logs[i]->merged = 0;
	for (;;) {
		struct pcapng_log *next = NULL;
		uint64_t next_ts = 0;
		uint32_t len;

		for (size_t i = 0; i < f->n_logs; i++) {
			struct pcapng_log *l = f->logs[i];
			uint64_t ts;

			if (!l->buf || l->merged >= l->used)
				continue;
			ts = epb_ts(l->buf + l->merged);
			if (ts <= horizon_ns && (!next || ts < next_ts)) {
				next = l;
				next_ts = ts;
			}
		}
		if (!next)
			break;
		len = block_len(next->buf + next->merged);
		if (staged + len > PCAPNG_BUFFER_SIZE) {
			write_blocks(f, f->merge_buf, staged);
			staged = 0;
		}
		memcpy(f->merge_buf + staged, next->buf + next->merged, len);
		staged += len;
		next->merged += len;
	}
	if (staged)
		write_blocks(f, f->merge_buf, staged);
	for (size_t i = 0; i < f->n_logs; i++) {
		struct pcapng_log *l = f->logs[i];

		if (!l->buf || !l->merged)
			continue;
		memmove(l->buf, l->buf + l->merged, l->used - l->merged);
		l->used -= l->merged;
		l->merged = 0;
	}
}

static void write_out(struct pcapng_log *log)
{
	write_blocks(log->file, log->buf, log->used);
	log->used = 0;
}

int pcapng_log_flush(struct pcapng_log *log)
{
	if (log->file && log->file->merge)
		merge_out(log->file, UINT64_MAX); /* every log's, in order */
	else if (log->buf && log->used)
		write_out(log);
	return log->file ? pcapng_file_error(log->file) : 0;
}

int pcapng_log_close(struct pcapng_log *log)
{
	int err = pcapng_log_flush(log);

	free(log->buf);
	log->buf = NULL;
	return err;
}

void pcapng_log_packet(struct pcapng_log *log, uint64_t ts_ns, const void *pkt,
		       uint32_t len, uint32_t orig_len, const char *comment, size_t comment_len)
{
	uint32_t caplen = len < log->file->snaplen ? len : log->file->snaplen;
	size_t size;

	if (comment_len > PCAPNG_COMMENT_MAX)
		comment_len = PCAPNG_COMMENT_MAX;
	size = pcapng_epb_size(caplen, comment_len);
	if (log->used + size > PCAPNG_BUFFER_SIZE && log->file->merge) {
		/* What no queue can still undercut goes out; if that frees
		 * nothing here, all of it (the window is bounded). */
		if (ts_ns > PCAPNG_MERGE_WINDOW_NS)
			merge_out(log->file, ts_ns - PCAPNG_MERGE_WINDOW_NS);
		if (log->used + size > PCAPNG_BUFFER_SIZE)
			merge_out(log->file, UINT64_MAX);
	} else if (log->used + size > PCAPNG_BUFFER_SIZE) {
		write_out(log);
	}
	/* The EPB's original length is the frame's, never less than what
	 * is kept: a cut frame must not look complete. */
	log->used += pcapng_put_epb(log->buf + log->used, log->if_id, ts_ns, pkt, caplen,
				    orig_len > len ? orig_len : len, comment, comment_len);
}
