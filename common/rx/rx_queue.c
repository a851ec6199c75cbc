// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One RX queue's receive path (see rx_queue.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <zlib.h>

#include "busy_poll.h"
#include "report.h"
#include "rx_queue.h"

/* A multi-buffer frame gathered for --pcapng: jumbo frames (9018 bytes)
 * whole, longer ones cut (pcapng keeps the original length). */
#define CAPTURE_FRAME_MAX (16U * 1024U)
/* A batch of --pkt-info lines; written out earlier if it fills up. */
#define PKT_LINES_SIZE (64U * 1024U)
#define PKT_LINES_FLUSH_AT (PKT_LINES_SIZE - 4096U)
/* One frame's comment: the --pkt-info JSON line, a few hundred bytes. */
#define CAPTURE_COMMENT_SIZE PCAPNG_COMMENT_MAX

/* What the per-frame work needs; built once per batch. */
struct frame_ctx {
	struct rx_queue *q;
	const struct hint_decoder *decoder;
	const struct xsk_rx_batch *batch;
	int cpu;
	bool no_hints;
	bool multi_buffer;
	bool csv;
	bool capture;
	bool tx_stamps;
	__s64 phc_offset_ns;
	__s64 realtime_offset_ns;
};

void rx_queue_init_closed(struct rx_queue *q)
{
	*q = (struct rx_queue){ .wake_fd = -1, .cpu = -1 };
}

int rx_queue_open(struct rx_queue *q, const struct xsk_queue_params *p,
		  struct rx_path *path, struct csv_file *csv, bool threads,
		  enum xsk_queue_stage *stage)
{
	size_t n_layouts = path->decoder->n_layouts;
	int err;

	rx_queue_init_closed(q);
	q->path = path;
	*stage = XSK_STAGE_NONE;
	err = queue_rx_stats_init(&q->stats, p->queue_id, n_layouts);
	if (!err && path->tx_stamps)
		err = queue_rx_stats_enable_tx_stamps(&q->stats);
	if (!err && threads)
		err = queue_rx_stats_init(&q->snapshot, p->queue_id, n_layouts);
	if (!err && threads && path->tx_stamps)
		err = queue_rx_stats_enable_tx_stamps(&q->snapshot);
	if (!err && csv)
		err = csv_log_init(&q->csv, csv);
	if (!err && path->pkt_info) {
		q->pkt_lines_buf = malloc(PKT_LINES_SIZE);
		q->pkt_lines = q->pkt_lines_buf ?
			       fmemopen(q->pkt_lines_buf, PKT_LINES_SIZE, "w") : NULL;
		err = q->pkt_lines ? 0 : -ENOMEM;
	}
	if (!err && threads) {
		q->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		err = q->wake_fd < 0 ? -errno : 0;
	}
	if (!err)
		err = xsk_queue_open(&q->xsk, p, stage);
	if (err)
		rx_queue_close(q);
	return err;
}

int rx_queue_enable_capture(struct rx_queue *q, struct pcapng_file *file, __u32 if_id)
{
	int err = pcapng_log_init(&q->capture, file, if_id);

	if (err)
		return err;
	q->capture_comment_buf = malloc(CAPTURE_COMMENT_SIZE);
	q->capture_comment = q->capture_comment_buf ?
			     fmemopen(q->capture_comment_buf, CAPTURE_COMMENT_SIZE, "w") : NULL;
	return q->capture_comment ? 0 : -ENOMEM;
}

void rx_queue_close(struct rx_queue *q)
{
	xsk_queue_close(&q->xsk);
	queue_rx_stats_free(&q->stats);
	queue_rx_stats_free(&q->snapshot);
	csv_log_close(&q->csv);
	if (q->pkt_lines)
		fclose(q->pkt_lines);
	free(q->pkt_lines_buf);
	q->pkt_lines = NULL;
	q->pkt_lines_buf = NULL;
	pcapng_log_close(&q->capture);
	if (q->capture_comment)
		fclose(q->capture_comment);
	free(q->capture_comment_buf);
	q->capture_comment = NULL;
	q->capture_comment_buf = NULL;
	if (q->wake_fd >= 0)
		close(q->wake_fd);
	q->wake_fd = -1;
}

/* This batch's --pkt-info lines, whole, as one write. */
static void flush_pkt_lines(struct rx_queue *q)
{
	long len;
	int err;

	fflush(q->pkt_lines);
	len = ftell(q->pkt_lines);
	if (len <= 0)
		return;
	err = report_out_write(q->path->out, q->pkt_lines_buf, (size_t)len);
	rewind(q->pkt_lines);
	if (err)
		run_stop_request(q->path->stop, RUN_STOP_ERROR, err);
}

static void csv_record(struct frame_ctx *fc, const struct decoded_hint *h, __u64 now_ns)
{
	bool timed = h->has_rx_ktime && now_ns >= h->rx_ktime;
	const char *layout = h->kind == HINT_KNOWN ? fc->decoder->layouts[h->layout].name :
			     h->kind == HINT_NONE ? "none" : "unknown";

	csv_log_record(&fc->q->csv, now_ns, fc->q->xsk.queue_id, fc->cpu,
		       h->has_rx_cpu ? (int)h->rx_cpu == fc->cpu : -1, timed,
		       timed ? now_ns - h->rx_ktime : 0, h->btf_id, layout);
}

/* A multi-buffer frame's line: its buffers and the CRC-32 over all of them. */
static struct pkt_frame_info *pkt_frame_info(const struct xsk_rx_batch *b,
					     const struct xsk_rx_frame *f,
					     struct pkt_frame_info *info)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	for (__u32 i = 0; i < f->n_bufs; i++) {
		struct iovec buf = xsk_rx_frame_buf(b, f, i);

		crc = crc32(crc, buf.iov_base, (uInt)buf.iov_len);
	}
	info->n_bufs = f->n_bufs;
	info->crc32 = (__u32)crc;
	return info;
}

/*
 * --pcapng: the frame with its wall-clock receive time (the hint's
 * rx_ktime, else the time we took it off the ring) and, as its comment,
 * the same JSON object --pkt-info --json prints for it. A multi-buffer
 * frame is gathered from its buffers first: the file holds whole frames.
 */
static void capture_frame(struct frame_ctx *fc, const struct xsk_rx_frame *f,
			  const struct decoded_hint *h, __u64 now_ns, const __u64 *send_ns)
{
	struct rx_queue *q = fc->q;
	__u64 mono_ns = h->has_rx_ktime ? h->rx_ktime : now_ns;
	struct pkt_frame_info info, *frame = NULL;
	__u8 whole[CAPTURE_FRAME_MAX];
	const void *pkt = f->data;
	__u32 len = f->first_len;
	__u32 frame_len = f->len;
	long comment_len;

	if (fc->multi_buffer) {
		__u32 used = 0;

		frame = pkt_frame_info(fc->batch, f, &info);
		for (__u32 i = 0; i < f->n_bufs && used < sizeof(whole); i++) {
			struct iovec buf = xsk_rx_frame_buf(fc->batch, f, i);
			size_t n = buf.iov_len;

			if (n > sizeof(whole) - used)
				n = sizeof(whole) - used;
			memcpy(whole + used, buf.iov_base, n);
			used += (__u32)n;
		}
		pkt = whole;
		len = used;
	}
	rewind(q->capture_comment);
	/* The hint sits in front of the frame's first buffer (f->data), not in
	 * front of the copy gathered above: the comment decodes it there. The
	 * comment and the EPB carry the frame's true length, also when more
	 * than CAPTURE_FRAME_MAX of it could not be kept. */
	report_packet(q->capture_comment, true, q->xsk.queue_id, frame, fc->decoder, h, f->data,
		      frame_len, now_ns, send_ns);
	fflush(q->capture_comment);
	comment_len = ftell(q->capture_comment);
	if (comment_len > 0 && q->capture_comment_buf[comment_len - 1] == '\n')
		comment_len--;
	pcapng_log_packet(&q->capture, mono_ns + (__u64)fc->realtime_offset_ns, pkt, len,
			  frame_len, q->capture_comment_buf, comment_len > 0 ? (size_t)comment_len : 0);
}

/* One frame of the batch: decode, account, and the outputs asked for. */
static inline void rx_frame(struct frame_ctx *fc, const struct xsk_rx_frame *f,
			    __u64 now_ns)
{
	struct rx_queue *q = fc->q;
	struct decoded_hint hint;
	const __u64 *sent = NULL;
	__u64 send_ns;

	if (fc->no_hints)
		hint_decoder_no_hint(&hint);
	else
		hint_decoder_decode(fc->decoder, f->data, &hint);
	queue_rx_stats_account(&q->stats, &hint, now_ns, fc->cpu);
	queue_rx_stats_account_hw(&q->stats, &hint, fc->phc_offset_ns);
	/* The stamp sits in the frame's first bytes: its first buffer. */
	if (fc->tx_stamps &&
	    queue_rx_stats_account_tx_frame(&q->stats, &hint, f->data, f->first_len,
					    q->xsk.clock, now_ns, &send_ns))
		sent = &send_ns;
	if (fc->csv)
		csv_record(fc, &hint, now_ns);
	q->stats.buffers += f->n_bufs;
	if (fc->capture)
		capture_frame(fc, f, &hint, now_ns, sent);
	if (q->pkt_lines) {
		struct pkt_frame_info info, *frame = NULL;

		if (fc->multi_buffer)
			frame = pkt_frame_info(fc->batch, f, &info);
		/* The length of the whole frame, the hint from its first buffer. */
		report_packet(q->pkt_lines, q->path->json, q->xsk.queue_id, frame, fc->decoder,
			      &hint, f->data, f->len, now_ns, sent);
		if (ftell(q->pkt_lines) > (long)PKT_LINES_FLUSH_AT)
			flush_pkt_lines(q);
	}
}

/* Reserve up to @want frames of the --count quota. */
static unsigned int quota_take(struct rx_path *path, unsigned int want)
{
	__u64 left = atomic_load_explicit(&path->quota, memory_order_relaxed);
	__u64 take;

	do {
		if (!left)
			return 0;
		take = left < want ? left : want;
	} while (!atomic_compare_exchange_weak_explicit(&path->quota, &left, left - take,
							memory_order_relaxed,
							memory_order_relaxed));
	return (unsigned int)take;
}

/* After a batch of @n frames on a budget of @taken: give back what was
 * not used, and stop the run when the count is complete. */
static void quota_settle(struct rx_path *path, unsigned int taken, unsigned int n)
{
	if (taken > n)
		atomic_fetch_add_explicit(&path->quota, taken - n, memory_order_relaxed);
	if (n && atomic_fetch_add_explicit(&path->received, n, memory_order_relaxed) + n ==
		 path->max_packets)
		run_stop_request(path->stop, RUN_STOP_COUNT, 0);
}

unsigned int rx_queue_poll(struct rx_queue *q)
{
	struct rx_path *path = q->path;
	struct xsk_rx_batch batch;
	struct frame_ctx fc = {
		.q = q,
		.decoder = path->decoder,
		.batch = &batch,
		.cpu = -1,
		.no_hints = path->no_hints,
		.multi_buffer = q->xsk.multi_buffer,
		.csv = q->csv.buf != NULL,
		.phc_offset_ns = atomic_load_explicit(&path->phc_offset_ns, memory_order_relaxed),
		.capture = q->capture.buf != NULL,
		.tx_stamps = path->tx_stamps,
		.realtime_offset_ns = atomic_load_explicit(&path->realtime_offset_ns,
							   memory_order_relaxed),
	};
	unsigned int budget = RX_BATCH, n;

	if (path->max_packets) {
		budget = quota_take(path, RX_BATCH);
		if (!budget)
			return 0;
	}
	if (path->busy_poll)
		busy_poll_drive(rx_queue_fd(q));
	n = xsk_queue_peek_batch(&q->xsk, budget, &batch);
	/* Once per batch that has frames: an empty poll (a spinning receiver
	 * makes millions) does not pay for it. The thread does not migrate
	 * mid-batch often enough to matter, and the call is not free. */
	if (n) {
		fc.cpu = sched_getcpu();
		queue_rx_stats_mark_batch(&q->stats, batch.dequeue_ns);
	}
	for (unsigned int i = 0; i < n; i++)
		rx_frame(&fc, xsk_rx_batch_frame(&batch, i), batch.dequeue_ns);
	xsk_queue_release_batch(&q->xsk, &batch, path->kick_fill);
	/* Counted by the ring walk; copied so snapshots and reports see it. */
	q->stats.incomplete_frames = q->xsk.incomplete_frames;
	if (path->max_packets)
		quota_settle(path, budget, n);
	if (q->pkt_lines && n)
		flush_pkt_lines(q);
	if (fc.csv && csv_file_error(q->csv.file))
		run_stop_request(path->stop, RUN_STOP_ERROR, csv_file_error(q->csv.file));
	if (fc.capture && pcapng_file_error(q->capture.file))
		run_stop_request(path->stop, RUN_STOP_ERROR, pcapng_file_error(q->capture.file));
	return n;
}

__u64 rx_queue_poll_all(struct rx_queue *q)
{
	__u64 total = 0;
	unsigned int n;

	do {
		n = rx_queue_poll(q);
		total += n;
	} while (n == RX_BATCH && !run_stop_requested(q->path->stop));
	return total;
}

unsigned int rx_queue_drain(struct rx_queue *q)
{
	struct xsk_rx_batch batch;
	unsigned int total = 0, n;

	if (!q->xsk.xsk)
		return 0;
	/* Counted, neither decoded nor timed: these frames waited for the
	 * stop, not for us. */
	while ((n = xsk_queue_drain_batch(&q->xsk, &batch))) {
		q->stats.drained_at_stop += n;
		total += n;
		xsk_queue_release_batch(&q->xsk, &batch, false);
	}
	q->stats.incomplete_frames = q->xsk.incomplete_frames;
	return total;
}

void rx_queue_read_pool(const struct rx_queue *q, struct queue_rx_stats *s)
{
	if (!q->xsk.pool)
		return;
	s->pool = (struct queue_pool_stats){
		.shared = true,
		.pool_dry = q->xsk.pool_dry,
		.frames_owned = q->xsk.owned,
		.frames_owned_max = q->xsk.peak_owned,
	};
}
