// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reports for people, at most 100 columns wide: by default one line per
 * interval (all queues) and a per-queue summary at the end; with
 * --extended every counter of every queue, in a table whose rows are the
 * JSON keys (the same names everywhere). Latencies are shown with a unit
 * chosen by magnitude (ns, µs, ms, s), counts as plain integers.
 */
#include <math.h>
#include <string.h>

#include "report_text.h"
#include "tx_cycle_stats.h"

#define LINE_MAX_COLS 100
#define HEADER_EVERY 20          /* interval lines between two headers */
#define EXT_LABEL_COLS 28        /* "xsk.rx_fill_ring_empty_descs" */
#define EXT_VALUE_COLS 12
#define EXT_COLUMNS_PER_BLOCK ((LINE_MAX_COLS - EXT_LABEL_COLS) / EXT_VALUE_COLS)

/* "850 ns", "12.3 µs", "456 µs", "4.56 ms", "1.23 s": three significant
 * digits, the unit that keeps the number below 1000. */
static void format_ns(char *buf, size_t len, __u64 ns)
{
	static const struct { const char *unit; double div; } units[] = {
		{ "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	double v;
	size_t u;

	if (ns < 1000) {
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
		return;
	}
	for (u = 0; u < 2 && ns >= units[u + 1].div; u++)
		;
	v = (double)ns / units[u].div;
	/* 999.95 would print as "1000.0": one unit up instead. */
	if (u < 2 && v >= 999.5) {
		u++;
		v = (double)ns / units[u].div;
	}
	snprintf(buf, len, v < 9.995 ? "%.2f %s" : v < 99.95 ? "%.1f %s" : "%.0f %s", v,
		 units[u].unit);
}

/* Columns a UTF-8 string takes (every code point here is one column). */
static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* @s right-aligned in @width columns (printf pads by bytes, not columns). */
static void put_right(FILE *out, const char *s, size_t width)
{
	for (size_t w = display_width(s); w < width; w++)
		fputc(' ', out);
	fputs(s, out);
}

static void put_latency(FILE *out, const struct latency_histogram *h, __u64 ns, size_t width)
{
	char text[32];

	if (!latency_histogram_count(h)) {
		put_right(out, "-", width);
		return;
	}
	format_ns(text, sizeof(text), ns);
	put_right(out, text, width);
}

static void run_line(FILE *out, const char *what, const struct report_run *run)
{
	fprintf(out, "%s: dev %s (ifindex %d), xdp %s, bind %s, rx %s, %.3f s\n", what,
		run->dev, run->ifindex, run->xdp_mode, run->bind_mode, run->rx_mode,
		run->duration_s);
}

/* The receiving threads' CPU cost over the report's seconds, one line
 * named like the JSON keys; unknown figures are left out. */
static void cpu_line(FILE *out, const struct report_view *v)
{
	const struct report_cpu *c = v->run->cpu;
	double per_packet;
	char text[32];

	if (!c)
		return;
	fprintf(out, "cpu: busy_pct %.1f, user_s %.3f, system_s %.3f",
		report_cpu_busy_pct(c, v->seconds), c->user_s, c->system_s);
	per_packet = report_cpu_ns_per_packet(c, v->total->packets);
	if (per_packet >= 0) {
		format_ns(text, sizeof(text), (__u64)(per_packet + 0.5));
		fprintf(out, ", ns_per_packet %s", text);
	}
	if (c->xdp_ns_per_packet >= 0) {
		format_ns(text, sizeof(text), (__u64)(c->xdp_ns_per_packet + 0.5));
		fprintf(out, ", xdp_ns_per_packet %s", text);
	}
	fputc('\n', out);
}

/* --rx-period: what the schedule met, in the final report. */
static void period_line(FILE *out, const struct report_period *p)
{
	char late[32];

	if (!p)
		return;
	format_ns(late, sizeof(late), p->late_ns_max);
	fprintf(out, "rx_period: %.6g s: periods %llu, max_frames %llu, missed_deadlines %llu, latest wake %s after its deadline\n",
		p->period_s, (unsigned long long)p->periods, (unsigned long long)p->max_frames,
		(unsigned long long)p->missed_deadlines, late);
}

/*
 * The run's UMEM in the final report and, shared, what its pool did: a
 * line, then (@queues) the queues that owned more than their floor or found the
 * pool empty (the others kept their floor: nothing to say), and the total.
 */
static void umem_lines(FILE *out, const struct report_view *v, bool queues)
{
	const struct report_umem *u = v->run->umem;
	bool header = false;

	if (!u)
		return;
	if (!u->shared) {
		fprintf(out, "umem: per-queue, %u UMEM(s) of %u frames x %u bytes\n", u->umems,
			u->frames, u->frame_size);
		return;
	}
	fprintf(out, "umem: shared, %u frames x %u bytes, a queue owns %u to %u frames\n",
		u->frames, u->frame_size, u->floor, u->cap);
	fprintf(out, "umem: pool_free %u of the %u at start, pool_low_water %u\n", u->pool_free,
		u->pool_frames, u->pool_low_water);
	if (u->slices)
		fprintf(out, "umem: %u slices of %u frames (--threads), spill_taken %llu, spill_given %llu\n",
			u->slices, u->slice_frames, (unsigned long long)u->spill_taken,
			(unsigned long long)u->spill_given);
	for (size_t i = 0; queues && i < v->n_queues; i++) {
		const struct queue_pool_stats *p = &v->queues[i]->pool;

		if (!p->pool_dry && p->frames_owned_max <= u->floor)
			continue;
		if (!header)
			fprintf(out, "%-5s %14s %18s %10s\n", "queue", "frames_owned",
				"frames_owned_max", "pool_dry");
		header = true;
		fprintf(out, "%-5u %14llu %18llu %10llu\n", v->queues[i]->queue_id,
			(unsigned long long)p->frames_owned,
			(unsigned long long)p->frames_owned_max, (unsigned long long)p->pool_dry);
	}
	if (header)
		fprintf(out, "%-5s %14llu %18s %10llu\n", "total",
			(unsigned long long)v->total->pool.frames_owned, "-",
			(unsigned long long)v->total->pool.pool_dry);
}

/* ---- default: one line per interval ------------------------------------- */

static void compact_interval(FILE *out, const struct report_view *v)
{
	const struct queue_rx_stats *t = v->total;
	struct latency_histogram all;
	struct latency_summary sum;

	if (v->run->interval_index % HEADER_EVERY == 0) {
		if (v->run->interval_index == 0)
			run_line(out, "interval", v->run);
		/* The JSON keys' names (xsk.*: the socket's XDP_STATISTICS),
		 * in 100 columns. */
		fprintf(out, "%8s %10s %10s %18s %20s %9s %9s %9s\n", "time_s", "packets",
			"rx_pps", "xsk.rx_dropped_pps", "xsk.rx_ring_full_pps", "p50", "p99", "max");
	}
	queue_rx_stats_latency_all(t, &all);
	latency_histogram_summarize(&all, &sum);
	fprintf(out, "%8.1f %10llu %10.0f %18.0f %20.0f", v->run->duration_s,
		(unsigned long long)t->packets, report_rate(t->packets, v->seconds),
		report_rate(t->xsk.rx_dropped, v->seconds),
		report_rate(t->xsk.rx_ring_full, v->seconds));
	fputc(' ', out);
	put_latency(out, &all, sum.p50_ns, 9);
	fputc(' ', out);
	put_latency(out, &all, sum.p99_ns, 9);
	fputc(' ', out);
	put_latency(out, &all, sum.max_ns, 9);
	fputc('\n', out);
	cpu_line(out, v);
}

/* ---- default: the final summary ------------------------------------------ */

static void summary_row(FILE *out, const char *label, const struct queue_rx_stats *s,
			const struct report_view *v)
{
	double seconds = v->seconds;
	struct latency_histogram all;
	struct latency_summary sum;

	queue_rx_stats_latency_all(s, &all);
	latency_histogram_summarize(&all, &sum);
	fprintf(out, "%-5s %10llu %10.0f %14llu %16llu", label, (unsigned long long)s->packets,
		report_rx_pps(s, v, seconds), (unsigned long long)s->xsk.rx_dropped,
		(unsigned long long)s->xsk.rx_ring_full);
	fputc(' ', out);
	put_latency(out, &all, (__u64)(sum.mean_ns + 0.5), 9);
	fputc(' ', out);
	put_latency(out, &all, sum.p50_ns, 9);
	fputc(' ', out);
	put_latency(out, &all, sum.p99_ns, 9);
	fputc(' ', out);
	put_latency(out, &all, sum.max_ns, 9);
	fputc('\n', out);
}

/* "name value" pairs of the counters that are not zero, wrapped. */
struct note_line {
	FILE *out;
	size_t col;
};

static void note(struct note_line *n, const char *name, __u64 value)
{
	char item[80];
	int len;

	if (!value)
		return;
	len = snprintf(item, sizeof(item), "%s %llu", name, (unsigned long long)value);
	if (n->col && n->col + 2 + (size_t)len > LINE_MAX_COLS) {
		fputc('\n', n->out);
		n->col = 0;
	}
	if (!n->col) {
		fputs("also counted:", n->out);
		n->col = 13;
	}
	n->col += fprintf(n->out, n->col == 13 ? " %s" : ", %s", item);
}

static void summary_notes(FILE *out, const struct queue_rx_stats *t)
{
	struct note_line n = { .out = out };
	__u64 timed = 0;

	for (int c = 0; c < CORE_CLASSES; c++)
		timed += latency_histogram_count(t->latency_hist[c]);
	note(&n, "no_hint", t->no_hint);
	note(&n, "unknown_btf_id", t->unknown_btf_id);
	note(&n, "same_core", t->same_core);
	note(&n, "remote_core", t->remote_core);
	note(&n, "clock_backwards", t->clock_backwards);
	note(&n, "rx_time_before_start", t->rx_time_before_start);
	note(&n, "mark_mismatch", t->mark_mismatch);
	note(&n, "drained_at_stop", t->drained_at_stop);
	note(&n, "xdp.meta_failed", t->xdp.meta_failed);
	note(&n, "xdp.redirect_failed", t->xdp.redirect_failed);
	note(&n, "xdp.passed", t->xdp.passed);
	note(&n, "xsk.rx_invalid_descs", t->xsk.rx_invalid_descs);
	if (n.col)
		fputc('\n', out);
	if (timed < t->packets)
		fprintf(out, "latency_ns.count %llu of %llu packets: not timed: no rx_ktime (no_hint, mark), clock_backwards\n",
			(unsigned long long)timed, (unsigned long long)t->packets);
	if (t->mark_mismatch)
		fprintf(out, "warning: %llu mark hints named another queue than the one they arrived on\n",
			(unsigned long long)t->mark_mismatch);
}

/* The final report's picture: all latencies, and per core class when
 * both same- and remote-core packets were seen. */
static void summary_histograms(FILE *out, const struct queue_rx_stats *total)
{
	struct latency_histogram all;
	bool split = latency_histogram_count(total->latency_hist[CORE_SAME]) &&
		     latency_histogram_count(total->latency_hist[CORE_REMOTE]);

	queue_rx_stats_latency_all(total, &all);
	if (!latency_histogram_count(&all))
		return;
	fputs("latency_ns histogram, all queues (XDP to userspace):\n", out);
	latency_histogram_render(&all, out, 78);
	if (!split)
		return;
	fputs("same_core_latency_ns (XDP and receiver on one CPU):\n", out);
	latency_histogram_render(total->latency_hist[CORE_SAME], out, 78);
	fputs("remote_core_latency_ns:\n", out);
	latency_histogram_render(total->latency_hist[CORE_REMOTE], out, 78);
}

/* One delay's p50, p99 and max on a line, when it has samples. */
static void summary_delay(FILE *out, const char *name, const struct latency_histogram *h)
{
	struct latency_summary sum;

	if (!latency_histogram_count(h))
		return;
	latency_histogram_summarize(h, &sum);
	fprintf(out, "%s: p50", name);
	put_latency(out, h, sum.p50_ns, 10);
	fputs("  p99", out);
	put_latency(out, h, sum.p99_ns, 10);
	fputs("  max", out);
	put_latency(out, h, sum.max_ns, 10);
	fputc('\n', out);
}

/* --tx-stamps: the sender's send time to XDP (the time stamp's own delay
 * and error) and to us (what the receive mode costs). */
static void summary_tx(FILE *out, const struct queue_rx_stats *t)
{
	if (!t->tx)
		return;
	fprintf(out, "tx_stamped %llu, tx_clock_mismatch %llu, tx_stamp_invalid %llu\n",
		(unsigned long long)t->tx->stamped, (unsigned long long)t->tx->clock_mismatch,
		(unsigned long long)t->tx->invalid);
	summary_delay(out, "tx_to_xdp_ns", &t->tx->tx_to_xdp);
	summary_delay(out, "tx_to_user_ns", &t->tx->tx_to_user);
}

/* Only when a driver handed out RX timestamps: hardware to XDP. */
static void summary_hw(FILE *out, const struct queue_rx_stats *t)
{
	struct latency_summary sum;

	if (!t->hw_timestamps)
		return;
	fprintf(out, "hw_timestamps %llu, hw_timestamps_unconverted %llu, hw_to_xdp_negative %llu\n",
		(unsigned long long)t->hw_timestamps,
		(unsigned long long)t->hw_timestamps_unconverted,
		(unsigned long long)t->hw_to_xdp_negative);
	if (!latency_histogram_count(t->hw_to_xdp_hist))
		return;
	latency_histogram_summarize(t->hw_to_xdp_hist, &sum);
	fputs("hw_to_xdp_ns: p50", out);
	put_latency(out, t->hw_to_xdp_hist, sum.p50_ns, 10);
	fputs("  p99", out);
	put_latency(out, t->hw_to_xdp_hist, sum.p99_ns, 10);
	fputs("  max", out);
	put_latency(out, t->hw_to_xdp_hist, sum.max_ns, 10);
	fputc('\n', out);
}

static void compact_final(FILE *out, const struct report_view *v)
{
	run_line(out, "final", v->run);
	fprintf(out, "%-5s %10s %10s %14s %16s %9s %9s %9s %9s\n", "queue", "packets", "rx_pps",
		"xsk.rx_dropped", "xsk.rx_ring_full", "avg", "p50", "p99", "max");
	for (size_t i = 0; i < v->n_queues; i++) {
		char label[16];

		snprintf(label, sizeof(label), "%u", v->queues[i]->queue_id);
		summary_row(out, label, v->queues[i], v);
	}
	summary_row(out, "total", v->total, v);
	summary_notes(out, v->total);
	cpu_line(out, v);
	umem_lines(out, v, true);
	summary_hw(out, v->total);
	summary_tx(out, v->total);
	period_line(out, v->run->period);
	summary_histograms(out, v->total);
}

/* ---- --extended: every counter, rows named like the JSON keys ------------- */

enum ext_value {
	EXT_COUNT,
	EXT_RATE,
	EXT_NS,
};

struct ext_table {
	FILE *out;
	const struct report_view *v;
	const struct queue_rx_stats *const *cols; /* this block's columns: queues, maybe the total */
	size_t n;
};

/* NAN: a value that does not exist (a summary without samples): "-". */
static void ext_cell(FILE *out, enum ext_value kind, double value)
{
	char text[32];

	if (isnan(value))
		snprintf(text, sizeof(text), "-");
	else if (kind == EXT_NS)
		format_ns(text, sizeof(text), (__u64)(value + 0.5));
	else if (kind == EXT_RATE)
		snprintf(text, sizeof(text), "%.1f", value);
	else
		snprintf(text, sizeof(text), "%.0f", value);
	put_right(out, text, EXT_VALUE_COLS);
}

/* One row: @get reads the value of a column's statistics. */
static void ext_row(const struct ext_table *t, const char *name, enum ext_value kind,
		    double (*get)(const struct queue_rx_stats *s, const void *arg,
				  double seconds),
		    const void *arg)
{
	fprintf(t->out, "%-*s", EXT_LABEL_COLS, name);
	for (size_t c = 0; c < t->n; c++)
		ext_cell(t->out, kind, get(t->cols[c], arg, t->v->seconds));
	fputc('\n', t->out);
}

/* Counters read through their offset in struct queue_rx_stats. */
static double get_counter(const struct queue_rx_stats *s, const void *arg, double seconds)
{
	(void)seconds;
	return (double)*(const __u64 *)((const char *)s + *(const size_t *)arg);
}

static double get_rate(const struct queue_rx_stats *s, const void *arg, double seconds)
{
	return report_rate((__u64)get_counter(s, arg, seconds), seconds);
}

/* @arg: the report's view. */
static double get_rx_pps(const struct queue_rx_stats *s, const void *arg, double seconds)
{
	return report_rx_pps(s, arg, seconds);
}

static double get_layout(const struct queue_rx_stats *s, const void *arg, double seconds)
{
	(void)seconds;
	return (double)s->layout_packets[*(const size_t *)arg];
}

/* Latency rows: which histogram and which figure of its summary. */
struct ext_latency {
	int hist;       /* -1: all core classes, else one of enum ext_hist */
	int field;
};

/* Histograms beyond the core classes. */
enum ext_hist { EXT_HW_TO_XDP = CORE_CLASSES, EXT_TX_TO_XDP, EXT_TX_TO_USER };

enum { LAT_COUNT, LAT_MIN, LAT_AVG, LAT_P50, LAT_P90, LAT_P99, LAT_P999, LAT_MAX, LAT_FIELDS };

static double get_latency(const struct queue_rx_stats *s, const void *arg, double seconds)
{
	const struct ext_latency *l = arg;
	struct latency_histogram all;
	const struct latency_histogram *h = &all;
	struct latency_summary sum;

	(void)seconds;
	if (l->hist < 0)
		queue_rx_stats_latency_all(s, &all);
	else if (l->hist == EXT_HW_TO_XDP)
		h = s->hw_to_xdp_hist;
	else if (l->hist == EXT_TX_TO_XDP || l->hist == EXT_TX_TO_USER)
		h = !s->tx ? NULL : l->hist == EXT_TX_TO_XDP ? &s->tx->tx_to_xdp :
			&s->tx->tx_to_user;
	else
		h = s->latency_hist[l->hist];
	if (!h)
		return l->field == LAT_COUNT ? 0 : NAN;
	latency_histogram_summarize(h, &sum);
	if (!sum.count && l->field != LAT_COUNT)
		return NAN;
	switch (l->field) {
	case LAT_COUNT: return (double)sum.count;
	case LAT_MIN: return (double)sum.min_ns;
	case LAT_AVG: return sum.mean_ns;
	case LAT_P50: return (double)sum.p50_ns;
	case LAT_P90: return (double)sum.p90_ns;
	case LAT_P99: return (double)sum.p99_ns;
	case LAT_P999: return (double)sum.p999_ns;
	default: return (double)sum.max_ns;
	}
}

static __u64 latency_count_of(const struct queue_rx_stats *s, int hist)
{
	struct ext_latency l = { hist, LAT_COUNT };

	return (__u64)get_latency(s, &l, 0);
}

/* A summary's rows, when the total has samples (absent, not zero). */
static void ext_latency_rows(const struct ext_table *t, const char *key, int hist)
{
	static const char *const fields[LAT_FIELDS] = {
		"count", "min", "avg", "p50", "p90", "p99", "p999", "max",
	};

	if (!latency_count_of(t->v->total, hist))
		return;
	for (int f = 0; f < LAT_FIELDS; f++) {
		struct ext_latency l = { hist, f };
		char name[64];

		snprintf(name, sizeof(name), "%s.%s", key, fields[f]);
		ext_row(t, name, f == LAT_COUNT ? EXT_COUNT : EXT_NS, get_latency, &l);
	}
}

#define COUNTER(name, member) { name, offsetof(struct queue_rx_stats, member) }

static const struct { const char *name; size_t offset; } ext_counters_before[] = {
	COUNTER("packets", packets),
	COUNTER("no_hint", no_hint),
	COUNTER("unknown_btf_id", unknown_btf_id),
}, ext_counters_after[] = {
	COUNTER("same_core", same_core),
	COUNTER("remote_core", remote_core),
	COUNTER("clock_backwards", clock_backwards),
	COUNTER("mark_mismatch", mark_mismatch),
	COUNTER("drained_at_stop", drained_at_stop),
	COUNTER("hw_timestamps", hw_timestamps),
	COUNTER("hw_timestamps_unconverted", hw_timestamps_unconverted),
	COUNTER("hw_to_xdp_negative", hw_to_xdp_negative),
	COUNTER("xdp.seen", xdp.seen),
	COUNTER("xdp.stamped", xdp.stamped),
	COUNTER("xdp.meta_failed", xdp.meta_failed),
	COUNTER("xdp.redirected", xdp.redirected),
	COUNTER("xdp.redirect_failed", xdp.redirect_failed),
	COUNTER("xdp.passed", xdp.passed),
	COUNTER("xsk.rx_dropped", xsk.rx_dropped),
	COUNTER("xsk.rx_ring_full", xsk.rx_ring_full),
	COUNTER("xsk.rx_fill_ring_empty_descs", xsk.rx_fill_ring_empty_descs),
	COUNTER("xsk.rx_invalid_descs", xsk.rx_invalid_descs),
};

/* --umem shared: the queue's frames (the total's frames_owned_max is the
 * largest queue's). */
static const struct { const char *name; size_t offset; } ext_pool[] = {
	COUNTER("pool_dry", pool.pool_dry),
	COUNTER("frames_owned", pool.frames_owned),
	COUNTER("frames_owned_max", pool.frames_owned_max),
};

static void ext_block(const struct ext_table *t)
{
	static const size_t rx_dropped = offsetof(struct queue_rx_stats, xsk.rx_dropped);
	static const size_t rx_ring_full = offsetof(struct queue_rx_stats, xsk.rx_ring_full);

	fprintf(t->out, "%-*s", EXT_LABEL_COLS, "queue");
	for (size_t c = 0; c < t->n; c++) {
		char label[16];

		if (t->cols[c] != t->v->total)
			snprintf(label, sizeof(label), "%u", t->cols[c]->queue_id);
		else
			snprintf(label, sizeof(label), "total");
		put_right(t->out, label, EXT_VALUE_COLS);
	}
	fputc('\n', t->out);
	for (size_t i = 0; i < sizeof(ext_counters_before) / sizeof(ext_counters_before[0]); i++)
		ext_row(t, ext_counters_before[i].name, EXT_COUNT, get_counter,
			&ext_counters_before[i].offset);
	ext_row(t, "rx_pps", EXT_RATE, get_rx_pps, t->v);
	for (size_t i = 0; i < t->v->dec->n_layouts; i++) {
		char name[80];

		snprintf(name, sizeof(name), "layouts.%s", t->v->dec->layouts[i].name);
		ext_row(t, name, EXT_COUNT, get_layout, &i);
	}
	for (size_t i = 0; i < sizeof(ext_counters_after) / sizeof(ext_counters_after[0]); i++)
		ext_row(t, ext_counters_after[i].name, EXT_COUNT, get_counter,
			&ext_counters_after[i].offset);
	ext_row(t, "xsk.rx_dropped_pps", EXT_RATE, get_rate, &rx_dropped);
	ext_row(t, "xsk.rx_ring_full_pps", EXT_RATE, get_rate, &rx_ring_full);
	if (t->v->total->pool.shared)
		for (size_t i = 0; i < sizeof(ext_pool) / sizeof(ext_pool[0]); i++)
			ext_row(t, ext_pool[i].name, EXT_COUNT, get_counter, &ext_pool[i].offset);
	ext_latency_rows(t, "latency_ns", -1);
	ext_latency_rows(t, "same_core_latency_ns", CORE_SAME);
	ext_latency_rows(t, "remote_core_latency_ns", CORE_REMOTE);
	ext_latency_rows(t, "hw_to_xdp_ns", EXT_HW_TO_XDP);
	ext_latency_rows(t, "tx_to_xdp_ns", EXT_TX_TO_XDP);
	ext_latency_rows(t, "tx_to_user_ns", EXT_TX_TO_USER);
}

/* A queue that had anything to count since the start: a frame, one the XDP
 * program saw, or one the socket dropped. */
static bool ext_queue_active(const struct queue_rx_stats *s)
{
	return s->packets || s->xdp.seen || s->xdp.redirected || s->drained_at_stop ||
	       s->incomplete_frames || s->xsk.rx_dropped || s->xsk.rx_ring_full ||
	       s->xsk.rx_invalid_descs;
}

/* "queues without traffic: 1, 4-15": the ids left out, as ranges. */
static void ext_idle_line(FILE *out, const struct report_view *v, const bool *shown)
{
	const char *sep = "";

	fputs("queues without traffic:", out);
	for (size_t i = 0; i < v->n_queues; i++) {
		size_t j = i;

		if (shown[i])
			continue;
		while (j + 1 < v->n_queues && !shown[j + 1] &&
		       v->queues[j + 1]->queue_id == v->queues[j]->queue_id + 1)
			j++;
		fprintf(out, "%s %u", sep, v->queues[i]->queue_id);
		if (j > i)
			fprintf(out, "-%u", v->queues[j]->queue_id);
		sep = ",";
		i = j;
	}
	fputs(" (--all-queues shows them)\n", out);
}

static void extended(FILE *out, const struct report_view *v)
{
	const struct queue_rx_stats *cols[XDP_HINTS_MAX_QUEUES + 1];
	bool shown[XDP_HINTS_MAX_QUEUES];
	size_t columns = 0, n_queues = v->n_queues < XDP_HINTS_MAX_QUEUES ? v->n_queues :
					  XDP_HINTS_MAX_QUEUES;

	if (v->kind == REPORT_INTERVAL)
		fprintf(out, "interval %u: %.3f s (counts and rates of the interval)\n",
			v->run->interval_index, v->run->interval_s);
	run_line(out, v->kind == REPORT_FINAL ? "final" : "interval", v->run);
	/* Idle queues (by the counts since the start, so the columns stay
	 * the same from one interval to the next) are left out unless
	 * --all-queues: a NIC's many queues would fill screens with zeros. */
	for (size_t i = 0; i < n_queues; i++) {
		shown[i] = v->run->all_queues || ext_queue_active(v->cumulative[i]);
		if (shown[i])
			cols[columns++] = v->queues[i];
	}
	cols[columns++] = v->total;
	if (columns < n_queues + 1)
		ext_idle_line(out, v, shown);
	/* Blocks of columns, so no line is wider than LINE_MAX_COLS. */
	for (size_t first = 0; first < columns; first += EXT_COLUMNS_PER_BLOCK) {
		struct ext_table t = {
			.out = out, .v = v, .cols = cols + first,
			.n = columns - first < EXT_COLUMNS_PER_BLOCK ? columns - first :
								      EXT_COLUMNS_PER_BLOCK,
		};

		if (first)
			fputc('\n', out);
		ext_block(&t);
	}
	cpu_line(out, v);
	umem_lines(out, v, false); /* the table has the queues' rows */
	if (v->kind == REPORT_FINAL)
		summary_histograms(out, v->total);
}

/* ---- TX ---------------------------------------------------------------------- */

static void tx_lines(FILE *out, const struct report_run *run)
{
	const struct tx_cycle_stats *s = run->tx;
	struct latency_summary w;

	fprintf(out, "tx: queue %u, cycles %llu, frames_sent %llu, frames_completed %llu\n",
		s->queue_id, (unsigned long long)s->cycles, (unsigned long long)s->frames_sent,
		(unsigned long long)s->frames_completed);
	fprintf(out, "tx: frames_short %llu, missed_deadlines %llu, kicks %llu, kick_retries %llu, tx_pps %.1f\n",
		(unsigned long long)s->frames_short, (unsigned long long)s->missed_deadlines,
		(unsigned long long)s->kicks, (unsigned long long)s->kick_retries,
		report_rate(s->frames_sent, run->duration_s));
	if (!latency_histogram_count(&s->wakeup_error))
		return;
	latency_histogram_summarize(&s->wakeup_error, &w);
	fprintf(out, "tx: wakeup_error_ns count %llu, p50", (unsigned long long)w.count);
	put_latency(out, &s->wakeup_error, w.p50_ns, 9);
	fputs(", p99", out);
	put_latency(out, &s->wakeup_error, w.p99_ns, 9);
	fputs(", max", out);
	put_latency(out, &s->wakeup_error, w.max_ns, 9);
	fputc('\n', out);
}

void report_text(FILE *out, enum report_style style, const struct report_view *v)
{
	if (v->run->rx) {
		if (style == REPORT_EXTENDED)
			extended(out, v);
		else if (v->kind == REPORT_INTERVAL)
			compact_interval(out, v);
		else
			compact_final(out, v);
	} else if (v->run->tx) {
		run_line(out, "tx", v->run);
	}
	if (v->run->tx)
		tx_lines(out, v->run);
}
