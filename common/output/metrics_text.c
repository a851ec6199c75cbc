// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Prometheus / OpenMetrics text of the receiver's statistics (see metrics_text.h). */
#include <errno.h>
#include <string.h>

#include "metrics_text.h"

#define PREFIX "af_xdp_user_"

const uint64_t metrics_bucket_bounds_ns[METRICS_BUCKET_BOUNDS] = {
	100, 200, 500,
	1000, 2000, 5000,
	10000, 20000, 50000,
	100000, 200000, 500000,
	1000000, 2000000, 5000000,
	10000000, 20000000, 50000000,
	100000000, 200000000, 500000000,
	1000000000,
};

static const char *const core_label[CORE_CLASSES] = {
	[CORE_SAME] = "same",
	[CORE_REMOTE] = "remote",
	[CORE_UNKNOWN] = "unknown",
};

void metrics_histogram_buckets(const struct latency_histogram *h,
			       uint64_t cumulative[METRICS_BUCKET_BOUNDS])
{
	unsigned int bound = 0;

	memset(cumulative, 0, METRICS_BUCKET_BOUNDS * sizeof(cumulative[0]));
	/* Bucket ranges grow with the index: one pass, the bound only moves up. */
	for (unsigned int i = 0; i < LATENCY_HISTOGRAM_BUCKETS && bound < METRICS_BUCKET_BOUNDS;
	     i++) {
		if (!h->buckets[i])
			continue;
		while (bound < METRICS_BUCKET_BOUNDS &&
		       latency_histogram_bucket_highest(i) > metrics_bucket_bounds_ns[bound])
			bound++;
		if (bound < METRICS_BUCKET_BOUNDS)
			cumulative[bound] += h->buckets[i];
	}
	for (unsigned int b = 1; b < METRICS_BUCKET_BOUNDS; b++)
		cumulative[b] += cumulative[b - 1];
}

/* A label value: backslash, double quote and newline escaped. */
static void put_label_value(FILE *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		if (*p == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*p, out);
	}
}

struct writer {
	FILE *out;
	enum metrics_format format;
	const struct metrics_run *run;
};

/*
 * HELP and TYPE of a family. @name is the sample name; for a counter it
 * ends in _total, which OpenMetrics leaves out of the family name.
 */
static void family_prefixed(struct writer *w, const char *prefix, const char *name,
			    const char *type, const char *help)
{
	size_t len = strlen(name);

	if (w->format == METRICS_OPENMETRICS && !strcmp(type, "counter") && len > 6 &&
	    !strcmp(name + len - 6, "_total"))
		len -= 6;
	fprintf(w->out, "# HELP %s%.*s %s\n", prefix, (int)len, name, help);
	fprintf(w->out, "# TYPE %s%.*s %s\n", prefix, (int)len, name, type);
	if (w->format == METRICS_OPENMETRICS && len > 8 &&
	    !strncmp(name + len - 8, "_seconds", 8)) /* a counter's name less _total */
		fprintf(w->out, "# UNIT %s%.*s seconds\n", prefix, (int)len, name);
}

static void family(struct writer *w, const char *name, const char *type, const char *help)
{
	family_prefixed(w, PREFIX, name, type, help);
}

/* name{dev="..",queue="N"[,extra]} */
static void series(struct writer *w, const char *name, const char *suffix, __u32 queue,
		   const char *extra_name, const char *extra_value)
{
	fprintf(w->out, PREFIX "%s%s{dev=\"", name, suffix);
	put_label_value(w->out, w->run->dev);
	fprintf(w->out, "\",queue=\"%u\"", queue);
	if (extra_name) {
		fprintf(w->out, ",%s=\"", extra_name);
		put_label_value(w->out, extra_value);
		fputc('"', w->out);
	}
}

static void counter_sample(struct writer *w, const char *name, __u32 queue,
			   const char *extra_name, const char *extra_value, __u64 value)
{
	series(w, name, "", queue, extra_name, extra_value);
	fprintf(w->out, "} %llu\n", (unsigned long long)value);
}

/* One counter family with one value per queue, read by @get. */
static void per_queue_counter(struct writer *w, const char *name, const char *help,
			      const struct queue_rx_stats *const *queues, size_t n,
			      __u64 (*get)(const struct queue_rx_stats *))
{
	family(w, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		counter_sample(w, name, queues[i]->queue_id, NULL, NULL, get(queues[i]));
}

/* One gauge family with one value per queue, read by @get. */
static void per_queue_gauge(struct writer *w, const char *name, const char *help,
			    const struct queue_rx_stats *const *queues, size_t n,
			    __u64 (*get)(const struct queue_rx_stats *))
{
	family(w, name, "gauge", help);
	for (size_t i = 0; i < n; i++)
		counter_sample(w, name, queues[i]->queue_id, NULL, NULL, get(queues[i]));
}

static void histogram(struct writer *w, const char *name, __u32 queue,
		      const char *extra_name, const char *extra_value,
		      const struct latency_histogram *h)
{
	uint64_t cumulative[METRICS_BUCKET_BOUNDS];

	metrics_histogram_buckets(h, cumulative);
	for (unsigned int b = 0; b < METRICS_BUCKET_BOUNDS; b++) {
		series(w, name, "_bucket", queue, extra_name, extra_value);
		fprintf(w->out, ",le=\"%g\"} %llu\n", (double)metrics_bucket_bounds_ns[b] / 1e9,
			(unsigned long long)cumulative[b]);
	}
	series(w, name, "_bucket", queue, extra_name, extra_value);
	fprintf(w->out, ",le=\"+Inf\"} %llu\n", (unsigned long long)h->count);
	series(w, name, "_sum", queue, extra_name, extra_value);
	/* Whole seconds and nanoseconds apart: exact, where a double is not. */
	fprintf(w->out, "} %llu.%09llu\n", (unsigned long long)(h->sum_ns / 1000000000U),
		(unsigned long long)(h->sum_ns % 1000000000U));
	series(w, name, "_count", queue, extra_name, extra_value);
	fprintf(w->out, "} %llu\n", (unsigned long long)h->count);
}

#define GETTER(field) \
	static __u64 get_##field(const struct queue_rx_stats *s) { return s->field; }
GETTER(packets)
GETTER(clock_backwards)
GETTER(mark_mismatch)
#define XDP_GETTER(field) \
	static __u64 get_xdp_##field(const struct queue_rx_stats *s) { return s->xdp.field; }
XDP_GETTER(seen)
XDP_GETTER(stamped)
XDP_GETTER(meta_failed)
XDP_GETTER(redirected)
XDP_GETTER(redirect_failed)
XDP_GETTER(passed)
static __u64 get_tx_clock_mismatch(const struct queue_rx_stats *s)
{
	return s->tx ? s->tx->clock_mismatch : 0;
}
static __u64 get_tx_stamp_invalid(const struct queue_rx_stats *s)
{
	return s->tx ? s->tx->invalid : 0;
}
#define POOL_GETTER(field) \
	static __u64 get_pool_##field(const struct queue_rx_stats *s) { return s->pool.field; }
POOL_GETTER(pool_dry)
POOL_GETTER(frames_owned)
POOL_GETTER(frames_owned_max)
static __u64 get_fill_ring_empty(const struct queue_rx_stats *s)
{
	return s->xsk.rx_fill_ring_empty_descs;
}

/* Seconds from ns, exact (see histogram()). */
static void put_seconds(FILE *out, uint64_t ns)
{
	fprintf(out, "%llu.%09llu\n", (unsigned long long)(ns / 1000000000U),
		(unsigned long long)(ns % 1000000000U));
}

static void cpu_metrics(struct writer *w, const struct metrics_cpu *cpu)
{
	if (cpu->has_receiver) {
		family(w, "receiver_cpu_seconds_total", "counter",
		       "CPU time of the receiving threads since the start (the main thread, or the --threads receive threads), by mode");
		fputs(PREFIX "receiver_cpu_seconds_total{dev=\"", w->out);
		put_label_value(w->out, w->run->dev);
		fputs("\",mode=\"user\"} ", w->out);
		put_seconds(w->out, cpu->receiver_user_ns);
		fputs(PREFIX "receiver_cpu_seconds_total{dev=\"", w->out);
		put_label_value(w->out, w->run->dev);
		fputs("\",mode=\"system\"} ", w->out);
		put_seconds(w->out, cpu->receiver_system_ns);
	}
	family_prefixed(w, "", "process_cpu_seconds_total", "counter",
			"Total user and system CPU time spent in seconds.");
	fputs("process_cpu_seconds_total ", w->out);
	put_seconds(w->out, cpu->process_ns);
}

static void run_info(struct writer *w)
{
	if (w->format == METRICS_OPENMETRICS) {
		fputs("# HELP " PREFIX "run the receiver's settings\n", w->out);
		fputs("# TYPE " PREFIX "run info\n", w->out);
	} else {
		fputs("# HELP " PREFIX "run_info the receiver's settings\n", w->out);
		fputs("# TYPE " PREFIX "run_info gauge\n", w->out);
	}
	fputs(PREFIX "run_info{dev=\"", w->out);
	put_label_value(w->out, w->run->dev);
	fputs("\",xdp_mode=\"", w->out);
	put_label_value(w->out, w->run->xdp_mode);
	fputs("\",bind_mode=\"", w->out);
	put_label_value(w->out, w->run->bind_mode);
	fputs("\",rx_mode=\"", w->out);
	put_label_value(w->out, w->run->rx_mode);
	fputs("\"} 1\n", w->out);
}

int metrics_text_write(FILE *out, enum metrics_format format, const struct metrics_run *run,
		       const struct hint_decoder *dec,
		       const struct queue_rx_stats *const *queues, size_t n,
		       const struct metrics_cpu *cpu)
{
	struct writer w = { .out = out, .format = format, .run = run };
	static const struct {
		const char *name, *help;
		__u64 (*get)(const struct queue_rx_stats *);
	} xdp_counters[] = {
		{ "xdp_seen_total", "packets the XDP program ran on", get_xdp_seen },
		{ "xdp_stamped_total", "packets the XDP program wrote a hint for", get_xdp_stamped },
		{ "xdp_meta_failed_total", "packets whose metadata area bpf_xdp_adjust_meta() refused (passed to the kernel)",
		  get_xdp_meta_failed },
		{ "xdp_redirected_total", "packets redirected to the queue's AF_XDP socket",
		  get_xdp_redirected },
		{ "xdp_redirect_failed_total", "packets bpf_redirect_map() failed for (passed to the kernel)",
		  get_xdp_redirect_failed },
		{ "xdp_passed_total", "packets the XDP program passed to the kernel (XDP_PASS)",
		  get_xdp_passed },
	};

	run_info(&w);
	per_queue_counter(&w, "packets_total", "frames received on the queue's AF_XDP socket",
			  queues, n, get_packets);
	family(&w, "hint_packets_total", "counter",
	       "frames received, by hint layout (none: no hint; unknown: a btf_id not of our BPF object)");
	for (size_t i = 0; i < n; i++) {
		const struct queue_rx_stats *s = queues[i];

		for (size_t l = 0; l < s->n_layouts && l < dec->n_layouts; l++)
			counter_sample(&w, "hint_packets_total", s->queue_id, "layout",
				       dec->layouts[l].name, s->layout_packets[l]);
		counter_sample(&w, "hint_packets_total", s->queue_id, "layout", "none", s->no_hint);
		counter_sample(&w, "hint_packets_total", s->queue_id, "layout", "unknown",
			       s->unknown_btf_id);
	}
	per_queue_counter(&w, "clock_backwards_total",
			  "hints whose rx_ktime lies in the receiver's future (not timed)",
			  queues, n, get_clock_backwards);
	per_queue_counter(&w, "mark_mismatch_total", "mark hints that named another queue",
			  queues, n, get_mark_mismatch);
	family(&w, "xsk_drops_total", "counter",
	       "frames the AF_XDP socket dropped, by XDP_STATISTICS cause");
	for (size_t i = 0; i < n; i++) {
		const struct queue_rx_stats *s = queues[i];

		counter_sample(&w, "xsk_drops_total", s->queue_id, "cause", "rx_dropped",
			       s->xsk.rx_dropped);
		counter_sample(&w, "xsk_drops_total", s->queue_id, "cause", "rx_ring_full",
			       s->xsk.rx_ring_full);
		counter_sample(&w, "xsk_drops_total", s->queue_id, "cause", "rx_invalid_descs",
			       s->xsk.rx_invalid_descs);
	}
	per_queue_counter(&w, "xsk_rx_fill_ring_empty_descs_total",
			  "times the kernel found the fill ring empty (XDP_STATISTICS rx_fill_ring_empty_descs)",
			  queues, n, get_fill_ring_empty);
	/* --umem shared only: a per-queue UMEM has no pool. */
	if (n && queues[0]->pool.shared) {
		per_queue_counter(&w, "pool_dry_total",
				  "--umem shared: full batches that wanted frames and found the free pool empty (why rx_fill_ring_empty_descs and rx_dropped grow)",
				  queues, n, get_pool_pool_dry);
		per_queue_gauge(&w, "frames_owned",
				"--umem shared: frames of the UMEM the queue owns (fill ring, kernel, RX ring, receiver)",
				queues, n, get_pool_frames_owned);
		per_queue_gauge(&w, "frames_owned_max",
				"--umem shared: the most frames the queue owned since the start",
				queues, n, get_pool_frames_owned_max);
	}
	for (size_t c = 0; c < sizeof(xdp_counters) / sizeof(xdp_counters[0]); c++)
		per_queue_counter(&w, xdp_counters[c].name, xdp_counters[c].help, queues, n,
				  xdp_counters[c].get);
	family(&w, "latency_seconds", "histogram",
	       "XDP-to-userspace latency: rx_ktime (bpf_ktime_get_ns() in XDP) to the receiver taking the frame off the RX ring, by core class (same: XDP ran on the receiving CPU)");
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < CORE_CLASSES; c++)
			histogram(&w, "latency_seconds", queues[i]->queue_id, "core", core_label[c],
				  queues[i]->latency_hist[c]);
	family(&w, "hw_to_xdp_seconds", "histogram",
	       "the NIC's RX timestamp (converted from its PHC) to rx_ktime in XDP");
	for (size_t i = 0; i < n; i++)
		histogram(&w, "hw_to_xdp_seconds", queues[i]->queue_id, NULL, NULL,
			  queues[i]->hw_to_xdp_hist);
	if (n && queues[0]->tx) {
		per_queue_counter(&w, "tx_clock_mismatch_total",
				  "frames whose send stamp is of another clock, or from the receiver's future: not timed",
				  queues, n, get_tx_clock_mismatch);
		per_queue_counter(&w, "tx_stamp_invalid_total",
				  "frames with a send stamp's magic but an unknown version or clock, or cut short: not timed",
				  queues, n, get_tx_stamp_invalid);
		family(&w, "tx_to_xdp_seconds", "histogram",
		       "--tx-stamps: the sender's send time to rx_ktime in XDP (the time stamp's own delay and error)");
		for (size_t i = 0; i < n; i++)
			if (queues[i]->tx)
				histogram(&w, "tx_to_xdp_seconds", queues[i]->queue_id, NULL, NULL,
					  &queues[i]->tx->tx_to_xdp);
		family(&w, "tx_to_user_seconds", "histogram",
		       "--tx-stamps: the sender's send time to the receiver taking the frame off the RX ring");
		for (size_t i = 0; i < n; i++)
			if (queues[i]->tx)
				histogram(&w, "tx_to_user_seconds", queues[i]->queue_id, NULL, NULL,
					  &queues[i]->tx->tx_to_user);
	}
	if (cpu)
		cpu_metrics(&w, cpu);
	if (format == METRICS_OPENMETRICS)
		fputs("# EOF\n", out);
	return ferror(out) ? -EIO : 0;
}
