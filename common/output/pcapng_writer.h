/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Received frames as a pcapng capture (--pcapng FILE), readable by
 * Wireshark and tshark. The format is the IETF draft
 * draft-ietf-opsawg-pcapng ("PCAP Now Generic"); this writes three block
 * types of it, in the host's byte order (the Section Header Block's
 * byte-order magic tells readers which):
 *
 *   Section Header Block (SHB)        once, first
 *   Interface Description Block (IDB) one per bound queue, named "IF@qN",
 *                                     if_tsresol 9: timestamps in ns
 *   Enhanced Packet Block (EPB)       one per frame: interface id, 64-bit
 *                                     wall-clock time (ns since the Unix
 *                                     epoch), the first snaplen bytes, and
 *                                     an opt_comment (the decoded hint)
 *
 * Why not a library: Debian 12's libpcap (1.10.3) writes only the old pcap
 * format (pcap_dump), with no per-packet comment and one link per file;
 * libwiretap (Wireshark's, GPL-2.0+, pulls in GLib) has no stable API and
 * writes through its own blocking stdio; DPDK's librte-pcapng needs mbufs.
 *
 * Frames are encoded into a private buffer per queue (struct pcapng_log),
 * and the buffer is written out whole, under the file's lock, when the
 * next block would not fit: no system call for almost every frame, and
 * a block is never cut by another. With pcapng_file_merge() the queues'
 * buffers go out merged by timestamp instead. As for --csv, a FIFO or
 * pipe is written in non-blocking mode and waited for beside the run's
 * abandon eventfd (write_all.h); the first write error is kept (sticky).
 */
#ifndef XDP_HINTS_PCAPNG_WRITER_H
#define XDP_HINTS_PCAPNG_WRITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PCAPNG_BUFFER_SIZE (1U << 20)    /* per queue */
#define PCAPNG_SNAPLEN_MAX 262144U       /* tcpdump's and Wireshark's maximum */
#define PCAPNG_COMMENT_MAX 2048U         /* longer comments are cut */
#define PCAPNG_LINKTYPE_ETHERNET 1       /* LINKTYPE_ETHERNET (IEEE 802.3) */

/* Block types and option codes of the specification. */
#define PCAPNG_BT_SHB 0x0A0D0D0AU
#define PCAPNG_BT_IDB 0x00000001U
#define PCAPNG_BT_EPB 0x00000006U
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4DU
#define PCAPNG_OPT_ENDOFOPT 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_TSRESOL 9

/* Bytes an EPB takes with @caplen bytes of frame and a comment of
 * @comment_len bytes (0: no options at all). */
static inline size_t pcapng_epb_size(uint32_t caplen, size_t comment_len)
{
	size_t pad_data = ((size_t)caplen + 3) & ~(size_t)3;
	size_t opts = comment_len ? 4 + ((comment_len + 3) & ~(size_t)3) + 4 : 0;

	return 28 + pad_data + opts + 4;
}

/*
 * Encode into @dst (room for pcapng_epb_size(@caplen, @comment_len)
 * bytes) one EPB: interface @if_id, @ts_ns in units of 10^-9 s (the IDB's
 * if_tsresol 9), @caplen bytes of @pkt out of @origlen, and @comment
 * (UTF-8, not NUL-terminated, at most 65535 bytes). Returns the size.
 */
size_t pcapng_put_epb(void *dst, uint32_t if_id, uint64_t ts_ns, const void *pkt,
		      uint32_t caplen, uint32_t origlen, const char *comment,
		      size_t comment_len);

/* The SHB (with shb_userappl @app, may be NULL) and one IDB per name in
 * @if_names (LINKTYPE_ETHERNET, @snaplen, if_name, if_tsresol 9), in a
 * malloc()ed buffer the caller frees. 0 or -ENOMEM / -EINVAL (a name
 * longer than 255 bytes). */
int pcapng_header(const char *app, const char *const *if_names, size_t n_ifs,
		  uint32_t snaplen, void **out, size_t *out_len);

struct pcapng_log;

/* --pcapng in time order: blocks newer than the newest frame minus this
 * wait in their queue's buffer when another queue's buffer fills. */
#define PCAPNG_MERGE_WINDOW_NS 100000000ULL /* 100 ms */

struct pcapng_file {
	int fd;
	int abandon_fd;        /* run_stop.abandon_fd, or -1 */
	uint32_t snaplen;
	pthread_mutex_t lock;
	atomic_int err;        /* first write error (negative errno), sticky */
	bool regular;          /* a regular file: can be cut back (ftruncate) */
	off_t complete_len;    /* bytes of whole blocks written so far */
	unsigned long long unwritten; /* bytes given up on once abandoned (-ECANCELED) */
	/*
	 * Time order across queues (pcapng_file_merge()): every log of the
	 * file, so that a flush merges their blocks by timestamp. Only when
	 * one thread writes every log (no --threads): a flush reads the other
	 * queues' buffers.
	 */
	bool merge;
	struct pcapng_log **logs; /* registered by pcapng_log_init(); not owned */
	size_t n_logs;
	char *merge_buf;          /* PCAPNG_BUFFER_SIZE bytes of merged blocks */
};

/*
 * Create or truncate @path ("-": a duplicate of standard output; a FIFO:
 * wait for its reader; a stop signal
 * ends the wait with -EINTR) and write the SHB and one IDB per name in
 * @if_names: the EPBs of interface i belong to @if_names[i]. @snaplen:
 * 1..PCAPNG_SNAPLEN_MAX. 0 or negative errno; the file is closed on error.
 */
int pcapng_file_open(struct pcapng_file *f, const char *path, int abandon_fd,
		     uint32_t snaplen, const char *app, const char *const *if_names,
		     size_t n_ifs);
/*
 * Write the blocks of all the file's logs in timestamp order (a k-way merge
 * of the queues' buffers, each in its own time order), from now on: call
 * it after pcapng_file_open(), before pcapng_log_init(), and only when one
 * thread writes every log. 0 or -ENOMEM.
 *
 * A buffer that fills writes out, merged, the blocks of every queue older
 * than its newest frame minus PCAPNG_MERGE_WINDOW_NS, and keeps the newer
 * ones; only when that frees no room does it write them all. So the file
 * is in strict time order unless a frame reaches the receiver more than
 * the window after a later frame of another queue, or a queue's buffer
 * fills with frames all within the window.
 */
int pcapng_file_merge(struct pcapng_file *f);
/* Close the file; its first write error, or 0. Safe on a closed file
 * (fd -1). */
int pcapng_file_close(struct pcapng_file *f);

static inline int pcapng_file_error(struct pcapng_file *f)
{
	return atomic_load_explicit(&f->err, memory_order_relaxed);
}

/* One queue's buffer of EPBs for interface @if_id of @file. */
struct pcapng_log {
	struct pcapng_file *file; /* not owned */
	uint32_t if_id;
	char *buf;                /* NULL: no capture */
	size_t used;
	size_t merged;            /* merge_out()'s cursor in buf */
};

int pcapng_log_init(struct pcapng_log *log, struct pcapng_file *file, uint32_t if_id);
/* Write out what is buffered. 0 or the file's first error (negative errno). */
int pcapng_log_flush(struct pcapng_log *log);
/* Flush and free the buffer; returns pcapng_log_flush()'s result. Safe on
 * a log that was never initialised with a buffer (buf NULL). */
int pcapng_log_close(struct pcapng_log *log);

/*
 * One frame: @ts_ns wall-clock ns since the epoch, @len bytes at @pkt of
 * which the first file->snaplen are kept, out of a frame of @orig_len
 * bytes (the EPB's original packet length; @len when the whole frame is
 * at @pkt, more when the caller could gather only a part of it), @comment
 * of @comment_len bytes
 * (cut at PCAPNG_COMMENT_MAX). Writes the buffer out first when the block
 * would not fit. The packet path: no allocation, and a system call only
 * once a buffer is full.
 */
void pcapng_log_packet(struct pcapng_log *log, uint64_t ts_ns, const void *pkt,
		       uint32_t len, uint32_t orig_len, const char *comment, size_t comment_len);

#endif
