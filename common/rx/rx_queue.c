// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One RX queue's receive path (see rx_queue.h). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "busy_poll.h"
#include "report.h"
#include "rx_queue.h"

/* A batch of --pkt-info lines; written out earlier if it fills up. */
#define PKT_LINES_SIZE (64U * 1024U)
#define PKT_LINES_FLUSH_AT (PKT_LINES_SIZE - 4096U)

/* What the per-frame callback needs; built once per batch. */
struct frame_ctx {
	struct rx_queue *q;
	const struct hint_decoder *decoder;
	int cpu;
	bool csv;
	__s64 phc_offset_ns;
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
	if (!err && threads)
		err = queue_rx_stats_init(&q->snapshot, p->queue_id, n_layouts);
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

static void on_frame(void *ctx, const struct xsk_queue *xsk, void *pkt, __u32 len,
		     __u64 now_ns)
{
	struct frame_ctx *fc = ctx;
	struct rx_queue *q = fc->q;
	struct decoded_hint hint;

	/* Once per batch, at its first frame: an empty poll (a spinning
	 * receiver makes millions) does not pay for it. The thread does not
	 * migrate mid-batch often enough to matter, and the call is not free. */
	if (fc->cpu < 0)
		fc->cpu = sched_getcpu();
	hint_decoder_decode(fc->decoder, pkt, &hint);
	queue_rx_stats_account(&q->stats, &hint, now_ns, fc->cpu);
	queue_rx_stats_account_hw(&q->stats, &hint, fc->phc_offset_ns);
	if (fc->csv)
		csv_record(fc, &hint, now_ns);
	if (q->pkt_lines) {
		report_packet(q->pkt_lines, q->path->json, xsk->queue_id, fc->decoder, &hint,
			      pkt, len, hint.has_rx_ktime ? now_ns - hint.rx_ktime : 0);
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
	struct frame_ctx fc = {
		.q = q,
		.decoder = path->decoder,
		.cpu = -1, /* sched_getcpu() at the batch's first frame */
		.csv = q->csv.buf != NULL,
		.phc_offset_ns = atomic_load_explicit(&path->phc_offset_ns, memory_order_relaxed),
	};
	unsigned int budget = RX_BATCH, n;

	if (path->max_packets) {
		budget = quota_take(path, RX_BATCH);
		if (!budget)
			return 0;
	}
	if (path->busy_poll)
		busy_poll_drive(rx_queue_fd(q));
	n = xsk_queue_receive(&q->xsk, budget, on_frame, &fc, path->kick_fill);
	if (path->max_packets)
		quota_settle(path, budget, n);
	if (q->pkt_lines && n)
		flush_pkt_lines(q);
	if (fc.csv && csv_file_error(q->csv.file))
		run_stop_request(path->stop, RUN_STOP_ERROR, csv_file_error(q->csv.file));
	return n;
}

static void on_drained(void *ctx, const struct xsk_queue *xsk, void *pkt, __u32 len,
		       __u64 now_ns)
{
	struct rx_queue *q = ctx;

	(void)xsk;
	(void)pkt;
	(void)len;
	(void)now_ns;
	q->stats.drained_at_stop++;
}

unsigned int rx_queue_drain(struct rx_queue *q)
{
	unsigned int total = 0, n;

	if (!q->xsk.xsk)
		return 0;
	do {
		n = xsk_queue_receive(&q->xsk, RX_BATCH, on_drained, q, false);
		total += n;
	} while (n);
	return total;
}
