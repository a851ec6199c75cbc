// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What a report shows: an interval's own counts (now - before), the
 * totals over the queues, then the formatter of the chosen style. And the
 * --pkt-info line of one packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_json.h"
#include "report_text.h"

void report_scratch_free(struct report_scratch *w)
{
	if (w->stats)
		for (size_t i = 0; i < 2 + w->n_queues; i++)
			queue_rx_stats_free(&w->stats[i]);
	free(w->stats);
	free(w->shown);
	memset(w, 0, sizeof(*w));
}

int report_scratch_init(struct report_scratch *w, size_t n_queues, size_t n_layouts,
			bool tx_stamps)
{
	memset(w, 0, sizeof(*w));
	w->stats = calloc(2 + n_queues, sizeof(*w->stats));
	w->shown = calloc(n_queues ? n_queues : 1, sizeof(*w->shown));
	if (!w->stats || !w->shown)
		goto nomem;
	/* Counted as it goes, so a failure frees exactly what was made. */
	for (; w->n_queues < 2 + n_queues; w->n_queues++) {
		if (queue_rx_stats_init(&w->stats[w->n_queues], 0, n_layouts))
			goto nomem;
		if (tx_stamps && queue_rx_stats_enable_tx_stamps(&w->stats[w->n_queues])) {
			w->n_queues++; /* made: freed below */
			goto nomem;
		}
	}
	w->n_queues = n_queues;
	return 0;
nomem:
	for (size_t i = 0; w->stats && i < w->n_queues; i++)
		queue_rx_stats_free(&w->stats[i]);
	w->n_queues = 0;
	free(w->stats);
	free(w->shown);
	memset(w, 0, sizeof(*w));
	return -ENOMEM;
}

static void sum_queues(struct queue_rx_stats *total, const struct queue_rx_stats *const *queues,
		       size_t n)
{
	queue_rx_stats_reset(total);
	for (size_t i = 0; i < n; i++)
		queue_rx_stats_add(total, queues[i]);
}

int report_print(FILE *out, enum report_style style, enum report_kind kind,
		 const struct report_run *run, const struct hint_decoder *dec,
		 const struct queue_rx_stats *const *now,
		 const struct queue_rx_stats *const *before, size_t n_queues,
		 struct report_scratch *w)
{
	bool interval = kind == REPORT_INTERVAL;
	struct report_scratch own = { 0 };
	struct report_view view = {
		.kind = kind, .run = run, .dec = dec, .n_queues = n_queues,
		.queues = now, .cumulative = now,
		.seconds = interval ? run->interval_s : run->duration_s,
	};
	int err = 0;

	if (!run->rx && !run->tx)
		return 0; /* --no-rx: intervals have nothing to show */
	if (!w) {
		if (report_scratch_init(&own, n_queues, dec->n_layouts, n_queues && now[0]->tx))
			return -ENOMEM;
		w = &own;
	}
	/* stats[0]: cumulative total; [1]: the interval's total; [2..]: the
	 * interval's queues. */
	sum_queues(&w->stats[0], now, n_queues);
	view.total = view.cumulative_total = &w->stats[0];
	if (interval) {
		for (size_t i = 0; i < n_queues; i++) {
			if (before)
				queue_rx_stats_subtract(&w->stats[2 + i], now[i], before[i]);
			else
				queue_rx_stats_copy(&w->stats[2 + i], now[i]);
			w->shown[i] = &w->stats[2 + i];
		}
		sum_queues(&w->stats[1], w->shown, n_queues);
		view.queues = w->shown;
		view.total = &w->stats[1];
	}
	if (style == REPORT_JSON)
		err = report_json(out, &view);
	else
		report_text(out, style, &view);
	fflush(out);
	report_scratch_free(&own);
	return err;
}

void report_packet(FILE *out, bool json, __u32 queue_id, const struct pkt_frame_info *frame,
		   const struct hint_decoder *dec, const struct decoded_hint *h,
		   const void *pkt, __u32 len, __u64 now_ns, const __u64 *send_ns)
{
	char fields[512];
	const struct hint_layout *layout = h->kind == HINT_KNOWN ?
					   &dec->layouts[h->layout] : NULL;
	const char *layout_name = layout ? layout->name :
				  h->kind == HINT_NONE ? "none" : "unknown";
	bool timed = h->has_rx_ktime && now_ns >= h->rx_ktime;
	bool future = h->has_rx_ktime && now_ns < h->rx_ktime;

	fields[0] = '\0';
	if (layout)
		/* -E2BIG still leaves a terminated, truncated dump. */
		xsk_hint__dump(layout->info, pkt,
			       json ? XSK_HINT_DUMP_JSON : XSK_HINT_DUMP_TEXT,
			       fields, sizeof(fields));
	if (json) {
		char stamp[32];

		/* Layout names are C identifiers from BTF and the hint dump
		 * is JSON already: nothing here needs escaping. */
		report_timestamp(stamp, sizeof(stamp));
		fprintf(out, "{\"schema_version\":%d,\"type\":\"packet\",\"timestamp\":\"%s\","
			"\"version\":\"%s\",\"queue\":%u,\"len\":%u,\"btf_id\":%u,\"layout\":\"%s\"",
			REPORT_SCHEMA_VERSION, stamp, XDP_HINTS_VERSION, queue_id, len, h->btf_id, layout_name);
		if (fields[0])
			fprintf(out, ",\"hint\":%s", fields);
		if (frame)
			fprintf(out, ",\"bufs\":%u,\"crc32\":\"0x%08x\"", frame->n_bufs,
				frame->crc32);
		if (timed)
			fprintf(out, ",\"latency_ns\":%llu",
				(unsigned long long)(now_ns - h->rx_ktime));
		if (future)
			fputs(",\"clock_backwards\":true", out);
		if (send_ns) {
			fprintf(out, ",\"tx_send_ns\":%llu,\"tx_to_user_ns\":%llu",
				(unsigned long long)*send_ns,
				(unsigned long long)(now_ns - *send_ns));
			if (h->has_rx_ktime && h->rx_ktime >= *send_ns)
				fprintf(out, ",\"tx_to_xdp_ns\":%llu",
					(unsigned long long)(h->rx_ktime - *send_ns));
		}
		fputs("}\n", out);
		return;
	}
	fprintf(out, "queue %u len %u btf_id %u layout %s", queue_id, len, h->btf_id,
		layout_name);
	if (fields[0])
		fprintf(out, " %s", fields);
	if (frame)
		fprintf(out, " bufs %u crc32 0x%08x", frame->n_bufs, frame->crc32);
	if (timed)
		fprintf(out, " latency %llu ns", (unsigned long long)(now_ns - h->rx_ktime));
	if (future)
		fputs(" clock_backwards (rx_ktime in the future: not timed)", out);
	if (send_ns && h->has_rx_ktime && h->rx_ktime >= *send_ns)
		fprintf(out, " tx_to_xdp %llu ns", (unsigned long long)(h->rx_ktime - *send_ns));
	if (send_ns)
		fprintf(out, " tx_to_user %llu ns", (unsigned long long)(now_ns - *send_ns));
	fputc('\n', out);
}
