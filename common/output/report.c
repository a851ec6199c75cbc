// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "tx_cyclic.h"

/* Interface names may hold any byte but '/', ':' and white space. */
static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_layouts(FILE *out, const struct hint_decoder *dec,
			 const struct queue_rx_stats *s)
{
	fputs("\"layouts\":{", out);
	for (size_t i = 0; i < dec->n_layouts; i++) {
		if (i)
			fputc(',', out);
		json_string(out, dec->layouts[i].name);
		fprintf(out, ":%llu", (unsigned long long)s->layout_packets[i]);
	}
	fputc('}', out);
}

/* A summary's percentiles; count/min/avg/max are the caller's. */
static void json_percentiles(FILE *out, const struct latency_summary *sum)
{
	fprintf(out, ",\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"p999\":%llu}",
		(unsigned long long)sum->p50_ns, (unsigned long long)sum->p90_ns,
		(unsigned long long)sum->p99_ns, (unsigned long long)sum->p999_ns);
}

static void json_class_latency(FILE *out, const char *key,
			       const struct latency_histogram *h)
{
	struct latency_summary sum;

	latency_histogram_summarize(h, &sum);
	fprintf(out, ",\"%s\":{\"count\":%llu,\"min\":%llu,\"avg\":%llu,\"max\":%llu",
		key, (unsigned long long)sum.count, (unsigned long long)sum.min_ns,
		(unsigned long long)(sum.mean_ns + 0.5), (unsigned long long)sum.max_ns);
	json_percentiles(out, &sum);
}

/*
 * "latency_ns" keeps its exact count/min/avg/max (latency_acc) and gains
 * percentiles from the histograms, which hold the same samples, so
 * min <= p50 <= ... <= p999 <= max holds (percentiles are clamped to the
 * exact min and max).
 */
static void json_latency(FILE *out, const struct queue_rx_stats *s)
{
	struct latency_histogram all;
	struct latency_summary sum;

	queue_rx_stats_latency_all(s, &all);
	latency_histogram_summarize(&all, &sum);
	fprintf(out, ",\"latency_ns\":{\"count\":%llu,\"min\":%llu,\"avg\":%llu,\"max\":%llu",
		(unsigned long long)s->latency.count, (unsigned long long)s->latency.min,
		(unsigned long long)latency_acc_avg(&s->latency),
		(unsigned long long)s->latency.max);
	json_percentiles(out, &sum);
	json_class_latency(out, "same_core_latency_ns", s->latency_hist[CORE_SAME]);
	json_class_latency(out, "remote_core_latency_ns", s->latency_hist[CORE_REMOTE]);
}

/* The fields a queue and the total share. */
static void json_rx_counters(FILE *out, const struct hint_decoder *dec,
			     const struct queue_rx_stats *s)
{
	fprintf(out, "\"packets\":%llu,\"no_hint\":%llu,\"unknown_btf_id\":%llu,",
		(unsigned long long)s->packets, (unsigned long long)s->no_hint,
		(unsigned long long)s->unknown_btf_id);
	json_layouts(out, dec, s);
	json_latency(out, s);
	fprintf(out, ",\"same_core\":%llu,\"remote_core\":%llu,\"mark_mismatch\":%llu,"
		"\"clock_backwards\":%llu,\"drained_at_stop\":%llu,\"buffers\":%llu,"
		"\"incomplete_frames\":%llu",
		(unsigned long long)s->same_core, (unsigned long long)s->remote_core,
		(unsigned long long)s->mark_mismatch, (unsigned long long)s->clock_backwards,
		(unsigned long long)s->drained_at_stop, (unsigned long long)s->buffers,
		(unsigned long long)s->incomplete_frames);
	/* Driver RX timestamps: hardware to XDP, apart from latency_ns. */
	fprintf(out, ",\"hw_timestamps\":%llu,\"hw_timestamps_unconverted\":%llu,"
		"\"hw_to_xdp_negative\":%llu",
		(unsigned long long)s->hw_timestamps,
		(unsigned long long)s->hw_timestamps_unconverted,
		(unsigned long long)s->hw_to_xdp_negative);
	json_class_latency(out, "hw_to_xdp_ns", s->hw_to_xdp_hist);
}

static void json_queue(FILE *out, const struct hint_decoder *dec,
		       const struct queue_rx_stats *s)
{
	fprintf(out, "{\"queue\":%u,", s->queue_id);
	json_rx_counters(out, dec, s);
	fprintf(out, ",\"xdp\":{\"seen\":%llu,\"stamped\":%llu,\"meta_failed\":%llu,"
		"\"redirected\":%llu,\"redirect_failed\":%llu,\"passed\":%llu}",
		(unsigned long long)s->xdp.seen, (unsigned long long)s->xdp.stamped,
		(unsigned long long)s->xdp.meta_failed,
		(unsigned long long)s->xdp.redirected,
		(unsigned long long)s->xdp.redirect_failed,
		(unsigned long long)s->xdp.passed);
	fprintf(out, ",\"xsk\":{\"rx_dropped\":%llu,\"rx_ring_full\":%llu,"
		"\"rx_fill_ring_empty_descs\":%llu,\"rx_invalid_descs\":%llu}}",
		(unsigned long long)s->xsk.rx_dropped,
		(unsigned long long)s->xsk.rx_ring_full,
		(unsigned long long)s->xsk.rx_fill_ring_empty_descs,
		(unsigned long long)s->xsk.rx_invalid_descs);
}

static void print_json(FILE *out, enum report_kind kind, const struct report_run *run,
		       const struct hint_decoder *dec, const struct queue_rx_stats *const *queues,
		       size_t n_queues, const struct queue_rx_stats *total)
{
	fprintf(out, "{\"type\":\"%s\",\"dev\":", kind == REPORT_FINAL ? "final" : "interval");
	json_string(out, run->dev);
	fprintf(out, ",\"ifindex\":%d,\"xdp_mode\":\"%s\",\"bind_mode\":\"%s\","
		"\"rx_mode\":\"%s\",\"clock\":\"%s\",\"multi_buffer\":%s,"
		"\"duration_s\":%.3f,\"queues\":[",
		run->ifindex, run->xdp_mode, run->bind_mode, run->rx_mode,
		run->clock ? run->clock : "monotonic", run->multi_buffer ? "true" : "false",
		run->duration_s);
	for (size_t i = 0; i < n_queues; i++) {
		if (i)
			fputc(',', out);
		json_queue(out, dec, queues[i]);
	}
	fputs("],\"total\":{", out);
	json_rx_counters(out, dec, total);
	fputc('}', out);
	if (run->tx) {
		fputc(',', out);
		tx_stats_print_json(out, run->tx);
	}
	fputs("}\n", out);
}

/* Column headers drop the common prefix: "rx_time", not "xdp_hints_rx_time". */
static const char *short_layout_name(const char *name)
{
	static const char prefix[] = "xdp_hints_";

	if (!strncmp(name, prefix, sizeof(prefix) - 1) && name[sizeof(prefix) - 1])
		return name + sizeof(prefix) - 1;
	return name;
}

static void table_row(FILE *out, const char *label, const struct hint_decoder *dec,
		      const struct queue_rx_stats *s, bool with_kernel)
{
	fprintf(out, "%-6s %10llu %8llu %8llu", label, (unsigned long long)s->packets,
		(unsigned long long)s->no_hint, (unsigned long long)s->unknown_btf_id);
	for (size_t i = 0; i < dec->n_layouts; i++)
		fprintf(out, " %10llu", (unsigned long long)s->layout_packets[i]);
	fprintf(out, " %10llu %10llu %10llu %8llu %8llu",
		(unsigned long long)s->latency.min,
		(unsigned long long)latency_acc_avg(&s->latency),
		(unsigned long long)s->latency.max,
		(unsigned long long)s->same_core, (unsigned long long)s->remote_core);
	/* Every counter of the accounting: seen = redirected + passed (which
	 * includes meta_fail and redir_fail), redirected = packets + xsk_drop
	 * + ring_full (fill_emp is the part of xsk_drop due to an empty fill
	 * ring; invalid counts bad descriptors, not packets). */
	if (with_kernel)
		fprintf(out, " %10llu %10llu %8llu %9llu %10llu %8llu %9llu %8llu %7llu",
			(unsigned long long)s->xdp.seen,
			(unsigned long long)s->xdp.redirected,
			(unsigned long long)s->xdp.passed,
			(unsigned long long)s->xdp.meta_failed,
			(unsigned long long)s->xdp.redirect_failed,
			(unsigned long long)s->xsk.rx_dropped,
			(unsigned long long)s->xsk.rx_ring_full,
			(unsigned long long)s->xsk.rx_fill_ring_empty_descs,
			(unsigned long long)s->xsk.rx_invalid_descs);
	fputc('\n', out);
}

static void latency_table_row(FILE *out, const char *label, const char *cls,
			      const struct latency_histogram *h)
{
	struct latency_summary sum;

	latency_histogram_summarize(h, &sum);
	fprintf(out, "%-6s %-7s %10llu %10llu %10.0f %10llu %10llu %10llu %10llu %10llu\n",
		label, cls, (unsigned long long)sum.count, (unsigned long long)sum.min_ns,
		sum.mean_ns, (unsigned long long)sum.p50_ns, (unsigned long long)sum.p90_ns,
		(unsigned long long)sum.p99_ns, (unsigned long long)sum.p999_ns,
		(unsigned long long)sum.max_ns);
}

/* Rows: every latency of the queue, then each core class that has any. */
static void latency_table_rows(FILE *out, const char *label, const struct queue_rx_stats *s)
{
	static const char *const class_names[CORE_CLASSES] = {
		[CORE_SAME] = "same", [CORE_REMOTE] = "remote", [CORE_UNKNOWN] = "no-cpu",
	};
	struct latency_histogram all;

	queue_rx_stats_latency_all(s, &all);
	latency_table_row(out, label, "all", &all);
	for (int c = 0; c < CORE_CLASSES; c++)
		if (latency_histogram_count(s->latency_hist[c]))
			latency_table_row(out, "", class_names[c], s->latency_hist[c]);
}

static void print_latency_table(FILE *out, const struct queue_rx_stats *const *queues,
				size_t n_queues, const struct queue_rx_stats *total)
{
	fprintf(out, "%-6s %-7s %10s %10s %10s %10s %10s %10s %10s %10s\n", "queue", "core",
		"lat_count", "min_ns", "avg_ns", "p50_ns", "p90_ns", "p99_ns", "p99.9_ns",
		"max_ns");
	for (size_t i = 0; i < n_queues; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%u", queues[i]->queue_id);
		latency_table_rows(out, label, queues[i]);
	}
	latency_table_rows(out, "total", total);
}

/* The final report's picture: all latencies, and per core class when
 * both same- and remote-core packets were seen. */
static void print_latency_histograms(FILE *out, const struct queue_rx_stats *total)
{
	struct latency_histogram all;
	bool split = latency_histogram_count(total->latency_hist[CORE_SAME]) &&
		     latency_histogram_count(total->latency_hist[CORE_REMOTE]);

	queue_rx_stats_latency_all(total, &all);
	fputs("latency histogram, all queues (XDP to userspace):\n", out);
	latency_histogram_render(&all, out, 78);
	if (!split)
		return;
	fputs("same core (XDP and receiver on one CPU):\n", out);
	latency_histogram_render(total->latency_hist[CORE_SAME], out, 78);
	fputs("remote core:\n", out);
	latency_histogram_render(total->latency_hist[CORE_REMOTE], out, 78);
}

/*
 * Only when a driver handed out RX timestamps: the hardware-to-XDP delay
 * per queue (the tables above stay XDP-to-application).
 */
static void print_hw_table(FILE *out, const struct queue_rx_stats *const *queues,
			   size_t n_queues, const struct queue_rx_stats *total)
{
	if (!total->hw_timestamps)
		return;
	fprintf(out, "hardware RX timestamps: %llu, unconverted (no PHC offset) %llu, later than rx_ktime (clock error, not timed) %llu\n",
		(unsigned long long)total->hw_timestamps,
		(unsigned long long)total->hw_timestamps_unconverted,
		(unsigned long long)total->hw_to_xdp_negative);
	fprintf(out, "%-6s %-7s %10s %10s %10s %10s %10s %10s %10s %10s\n", "queue", "delay",
		"count", "min_ns", "avg_ns", "p50_ns", "p90_ns", "p99_ns", "p99.9_ns",
		"max_ns");
	for (size_t i = 0; i < n_queues; i++) {
		char label[16];

		if (!queues[i]->hw_timestamps)
			continue;
		snprintf(label, sizeof(label), "%u", queues[i]->queue_id);
		latency_table_row(out, label, "hw-xdp", queues[i]->hw_to_xdp_hist);
	}
	latency_table_row(out, "total", "hw-xdp", total->hw_to_xdp_hist);
}

static void print_table(FILE *out, enum report_kind kind, const struct report_run *run,
			const struct hint_decoder *dec, const struct queue_rx_stats *const *queues,
			size_t n_queues, const struct queue_rx_stats *total)
{
	fprintf(out, "%s: dev %s (ifindex %d), xdp %s, bind %s, rx %s, %.3f s\n",
		kind == REPORT_FINAL ? "final" : "interval", run->dev, run->ifindex,
		run->xdp_mode, run->bind_mode, run->rx_mode, run->duration_s);
	fprintf(out, "%-6s %10s %8s %8s", "queue", "packets", "no_hint", "unknown");
	for (size_t i = 0; i < dec->n_layouts; i++)
		fprintf(out, " %10.10s", short_layout_name(dec->layouts[i].name));
	fprintf(out, " %10s %10s %10s %8s %8s %10s %10s %8s %9s %10s %8s %9s %8s %7s\n",
		"lat_min_ns", "lat_avg_ns", "lat_max_ns", "same_cpu", "remote",
		"xdp_seen", "redirected", "passed", "meta_fail", "redir_fail",
		"xsk_drop", "ring_full", "fill_emp", "invalid");
	for (size_t i = 0; i < n_queues; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%u", queues[i]->queue_id);
		table_row(out, label, dec, queues[i], true);
	}
	table_row(out, "total", dec, total, true);
	if (total->mark_mismatch)
		fprintf(out, "warning: %llu mark hints named another queue than the one they arrived on\n",
			(unsigned long long)total->mark_mismatch);
	print_latency_table(out, queues, n_queues, total);
	print_hw_table(out, queues, n_queues, total);
	if (kind == REPORT_FINAL)
		print_latency_histograms(out, total);
	if (run->tx)
		tx_stats_print_text(out, run->tx);
}

int report_print(FILE *out, bool json, enum report_kind kind,
		 const struct report_run *run, const struct hint_decoder *dec,
		 const struct queue_rx_stats *const *queues, size_t n_queues)
{
	struct queue_rx_stats total;
	int err = queue_rx_stats_init(&total, 0, dec->n_layouts);

	if (err)
		return err;
	for (size_t i = 0; i < n_queues; i++)
		queue_rx_stats_add(&total, queues[i]);
	if (json)
		print_json(out, kind, run, dec, queues, n_queues, &total);
	else
		print_table(out, kind, run, dec, queues, n_queues, &total);
	fflush(out);
	queue_rx_stats_free(&total);
	return 0;
}

void report_packet(FILE *out, bool json, __u32 queue_id, const struct pkt_frame_info *frame,
		   const struct hint_decoder *dec, const struct decoded_hint *h,
		   const void *pkt, __u32 len, __u64 latency_ns)
{
	char fields[512];
	const struct hint_layout *layout = h->kind == HINT_KNOWN ?
					   &dec->layouts[h->layout] : NULL;
	const char *layout_name = layout ? layout->name :
				  h->kind == HINT_NONE ? "none" : "unknown";

	fields[0] = '\0';
	if (layout)
		/* -ENOSPC still leaves a terminated, truncated dump. */
		xsk_btf__dump_hint(layout->info, pkt,
				   json ? XSK_HINT_DUMP_JSON : XSK_HINT_DUMP_TEXT,
				   fields, sizeof(fields));
	if (json) {
		fprintf(out, "{\"type\":\"packet\",\"queue\":%u,\"len\":%u,\"btf_id\":%u,"
			"\"layout\":\"%s\"", queue_id, len, h->btf_id, layout_name);
		if (frame)
			fprintf(out, ",\"bufs\":%u,\"crc32\":\"0x%08x\"", frame->n_bufs,
				frame->crc32);
		if (fields[0])
			fprintf(out, ",\"hint\":%s", fields);
		if (h->has_rx_ktime)
			fprintf(out, ",\"latency_ns\":%llu", (unsigned long long)latency_ns);
		fputs("}\n", out);
		return;
	}
	fprintf(out, "queue %u len %u", queue_id, len);
	if (frame)
		fprintf(out, " bufs %u crc32 0x%08x", frame->n_bufs, frame->crc32);
	fprintf(out, " btf_id %u layout %s", h->btf_id, layout_name);
	if (fields[0])
		fprintf(out, " %s", fields);
	if (h->has_rx_ktime)
		fprintf(out, " latency %llu ns", (unsigned long long)latency_ns);
	fputc('\n', out);
}
