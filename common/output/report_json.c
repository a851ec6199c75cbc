// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reports as JSON lines, built with json-c: one object per report, keys
 * in a fixed order, strings escaped by the library. The shape is
 * schema/af_xdp_user.schema.json (REPORT_SCHEMA_VERSION); README.org and
 * the man page (OUTPUT) explain every key.
 *
 * Absent is not zero: a latency summary of no samples, the XDP program's
 * counters without a program (--no-rx) are left out, not written as 0.
 */
#include <errno.h>
#include <json-c/json.h>

#include "report_json.h"
#include "tx_cycle_stats.h"

/* json-c returns NULL when out of memory; one flag collects that, so the
 * builders below stay straight-line. */
struct json_builder {
	bool failed;
};

static json_object *checked(struct json_builder *b, json_object *o)
{
	if (!o)
		b->failed = true;
	return o;
}

static void put(struct json_builder *b, json_object *obj, const char *key, json_object *val)
{
	if (!obj || !val || json_object_object_add(obj, key, val)) {
		json_object_put(val);
		b->failed = true;
	}
}

static void put_u64(struct json_builder *b, json_object *obj, const char *key, __u64 v)
{
	put(b, obj, key, checked(b, json_object_new_uint64(v)));
}

static void put_str(struct json_builder *b, json_object *obj, const char *key, const char *s)
{
	put(b, obj, key, checked(b, json_object_new_string(s)));
}

/* A number with a fixed number of decimals (json-c would print 17
 * significant digits). */
static void put_fixed(struct json_builder *b, json_object *obj, const char *key, double v,
		      int decimals)
{
	char text[64];

	snprintf(text, sizeof(text), "%.*f", decimals, v);
	put(b, obj, key, checked(b, json_object_new_double_s(v, text)));
}

/* {count, min, avg, p50, p90, p99, p999, max} in ns, from one histogram:
 * every figure of a summary comes from the same samples (avg: the exact
 * mean rounded to the nearest ns). Absent when there is no sample. */
static void put_summary(struct json_builder *b, json_object *obj, const char *key,
			const struct latency_histogram *h)
{
	struct latency_summary sum;
	json_object *o;

	if (!latency_histogram_count(h))
		return;
	latency_histogram_summarize(h, &sum);
	o = checked(b, json_object_new_object());
	put_u64(b, o, "count", sum.count);
	put_u64(b, o, "min", sum.min_ns);
	put_u64(b, o, "avg", (__u64)(sum.mean_ns + 0.5));
	put_u64(b, o, "p50", sum.p50_ns);
	put_u64(b, o, "p90", sum.p90_ns);
	put_u64(b, o, "p99", sum.p99_ns);
	put_u64(b, o, "p999", sum.p999_ns);
	put_u64(b, o, "max", sum.max_ns);
	put(b, obj, key, o);
}

/* The groups a queue and the total share: the receiver's counts, the
 * XDP program's and the socket's (XDP_STATISTICS) counters, rates over
 * @seconds. */
static void put_rx_groups(struct json_builder *b, json_object *o, const struct report_view *v,
			  const struct queue_rx_stats *s, double seconds)
{
	struct latency_histogram all;
	json_object *layouts, *xdp, *xsk;

	put_u64(b, o, "packets", s->packets);
	put_fixed(b, o, "rx_pps", report_rx_pps(s, v, seconds), 1);
	put_u64(b, o, "no_hint", s->no_hint);
	put_u64(b, o, "unknown_btf_id", s->unknown_btf_id);
	layouts = checked(b, json_object_new_object());
	for (size_t i = 0; i < v->dec->n_layouts; i++)
		put_u64(b, layouts, v->dec->layouts[i].name, s->layout_packets[i]);
	put(b, o, "layouts", layouts);
	put_u64(b, o, "same_core", s->same_core);
	put_u64(b, o, "remote_core", s->remote_core);
	put_u64(b, o, "clock_backwards", s->clock_backwards);
	put_u64(b, o, "rx_time_before_start", s->rx_time_before_start);
	put_u64(b, o, "mark_mismatch", s->mark_mismatch);
	put_u64(b, o, "drained_at_stop", s->drained_at_stop);
	put_u64(b, o, "buffers", s->buffers);
	put_u64(b, o, "incomplete_frames", s->incomplete_frames);
	/* Most queues of most reports have no sample: skip building the
	 * merged histogram (30 KiB) for nothing. */
	if (latency_histogram_count(s->latency_hist[CORE_SAME]) ||
	    latency_histogram_count(s->latency_hist[CORE_REMOTE]) ||
	    latency_histogram_count(s->latency_hist[CORE_UNKNOWN])) {
		queue_rx_stats_latency_all(s, &all);
		put_summary(b, o, "latency_ns", &all);
	}
	put_summary(b, o, "same_core_latency_ns", s->latency_hist[CORE_SAME]);
	put_summary(b, o, "remote_core_latency_ns", s->latency_hist[CORE_REMOTE]);
	put_u64(b, o, "hw_timestamps", s->hw_timestamps);
	put_u64(b, o, "hw_timestamps_unconverted", s->hw_timestamps_unconverted);
	put_u64(b, o, "hw_to_xdp_negative", s->hw_to_xdp_negative);
	put_summary(b, o, "hw_to_xdp_ns", s->hw_to_xdp_hist);
	/* --tx-stamps: the sender's send time to XDP and to us. */
	if (s->tx) {
		put_u64(b, o, "tx_stamped", s->tx->stamped);
		put_u64(b, o, "tx_clock_mismatch", s->tx->clock_mismatch);
		put_u64(b, o, "tx_stamp_invalid", s->tx->invalid);
		put_summary(b, o, "tx_to_xdp_ns", &s->tx->tx_to_xdp);
		put_summary(b, o, "tx_to_user_ns", &s->tx->tx_to_user);
	}

	xdp = checked(b, json_object_new_object());
	put_u64(b, xdp, "seen", s->xdp.seen);
	put_u64(b, xdp, "stamped", s->xdp.stamped);
	put_u64(b, xdp, "meta_failed", s->xdp.meta_failed);
	put_u64(b, xdp, "redirected", s->xdp.redirected);
	put_u64(b, xdp, "redirect_failed", s->xdp.redirect_failed);
	put_u64(b, xdp, "passed", s->xdp.passed);
	put(b, o, "xdp", xdp);

	xsk = checked(b, json_object_new_object());
	put_u64(b, xsk, "rx_dropped", s->xsk.rx_dropped);
	put_u64(b, xsk, "rx_ring_full", s->xsk.rx_ring_full);
	put_u64(b, xsk, "rx_fill_ring_empty_descs", s->xsk.rx_fill_ring_empty_descs);
	put_u64(b, xsk, "rx_invalid_descs", s->xsk.rx_invalid_descs);
	put_fixed(b, xsk, "rx_dropped_pps", report_rate(s->xsk.rx_dropped, seconds), 1);
	put_fixed(b, xsk, "rx_ring_full_pps", report_rate(s->xsk.rx_ring_full, seconds), 1);
	put(b, o, "xsk", xsk);
}

/* --umem shared: the queue's frames of the one UMEM; absent otherwise.
 * The total has no frames_owned_max: the queues' peaks need not meet. */
static void put_pool(struct json_builder *b, json_object *o, const struct queue_pool_stats *p,
		     bool total)
{
	if (!p->shared)
		return;
	put_u64(b, o, "pool_dry", p->pool_dry);
	put_u64(b, o, "frames_owned", p->frames_owned);
	if (!total)
		put_u64(b, o, "frames_owned_max", p->frames_owned_max);
}

/* The run's UMEM (final report). */
static void put_umem(struct json_builder *b, json_object *o, const struct report_umem *u)
{
	json_object *m;

	if (!u)
		return;
	m = checked(b, json_object_new_object());
	put_str(b, m, "mode", u->shared ? "shared" : "per-queue");
	put_u64(b, m, "umems", u->umems);
	put_u64(b, m, "frames", u->frames);
	put_u64(b, m, "frame_size", u->frame_size);
	put_u64(b, m, "tx_frames", u->tx_frames);
	if (u->shared) {
		put_u64(b, m, "floor", u->floor);
		put_u64(b, m, "cap", u->cap);
		put_u64(b, m, "pool_frames", u->pool_frames);
		put_u64(b, m, "pool_free", u->pool_free);
		put_u64(b, m, "pool_low_water", u->pool_low_water);
	}
	if (u->slices) {
		put_u64(b, m, "slices", u->slices);
		put_u64(b, m, "slice_frames", u->slice_frames);
		put_u64(b, m, "spill_taken", u->spill_taken);
		put_u64(b, m, "spill_given", u->spill_given);
	}
	put(b, o, "umem", m);
}

static void put_queues_and_total(struct json_builder *b, json_object *o,
				 const struct report_view *v,
				 const struct queue_rx_stats *const *queues,
				 const struct queue_rx_stats *total, double seconds)
{
	json_object *arr = checked(b, json_object_new_array());
	json_object *t = checked(b, json_object_new_object());

	for (size_t i = 0; i < v->n_queues; i++) {
		json_object *q = checked(b, json_object_new_object());

		put_u64(b, q, "queue", queues[i]->queue_id);
		put_rx_groups(b, q, v, queues[i], seconds);
		put_pool(b, q, &queues[i]->pool, false);
		if (!q || !arr || json_object_array_add(arr, q)) {
			json_object_put(q);
			b->failed = true;
		}
	}
	put(b, o, "queues", arr);
	put_rx_groups(b, t, v, total, seconds);
	put_pool(b, t, &total->pool, true);
	put(b, o, "total", t);
}

/* The fields every report line starts with. */
static json_object *envelope(struct json_builder *b, const char *type,
			     const struct report_run *run)
{
	json_object *o = checked(b, json_object_new_object());
	char stamp[32];

	report_timestamp(stamp, sizeof(stamp));
	put_u64(b, o, "schema_version", REPORT_SCHEMA_VERSION);
	put_str(b, o, "type", type);
	put_str(b, o, "timestamp", stamp);
	put_str(b, o, "version", XDP_HINTS_VERSION);
	put_str(b, o, "dev", run->dev);
	put(b, o, "ifindex", checked(b, json_object_new_int(run->ifindex)));
	put_str(b, o, "xdp_mode", run->xdp_mode);
	put_str(b, o, "bind_mode", run->bind_mode);
	put_str(b, o, "rx_mode", run->rx_mode);
	put_str(b, o, "clock", run->clock ? run->clock : "monotonic");
	json_object_object_add(o, "multi_buffer", checked(b, json_object_new_boolean(run->multi_buffer)));
	put_fixed(b, o, "duration_s", run->duration_s, 3);
	return o;
}

static json_object *tx_object(struct json_builder *b, const struct report_run *run)
{
	const struct tx_cycle_stats *s = run->tx;
	json_object *o = envelope(b, "tx", run);

	put_u64(b, o, "queue", s->queue_id);
	put_u64(b, o, "cycles", s->cycles);
	put_u64(b, o, "frames_sent", s->frames_sent);
	put_u64(b, o, "frames_completed", s->frames_completed);
	put_u64(b, o, "frames_short", s->frames_short);
	put_u64(b, o, "missed_deadlines", s->missed_deadlines);
	put_u64(b, o, "kicks", s->kicks);
	put_u64(b, o, "kick_retries", s->kick_retries);
	put_fixed(b, o, "tx_pps", report_rate(s->frames_sent, run->duration_s), 1);
	put_summary(b, o, "wakeup_error_ns", &s->wakeup_error);
	return o;
}

static int write_line(FILE *out, json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!text)
		return -ENOMEM;
	fputs(text, out);
	fputc('\n', out);
	return 0;
}

/* "cpu" (the receiving threads over the report's seconds) and
 * "xdp_ns_per_packet"; each figure that is unknown is left out. */
static void put_cpu(struct json_builder *b, json_object *o, const struct report_view *v)
{
	const struct report_cpu *c = v->run->cpu;
	double ns_per_packet;
	json_object *cpu;

	if (!c)
		return;
	ns_per_packet = report_cpu_ns_per_packet(c, v->total->packets);
	cpu = checked(b, json_object_new_object());
	put_fixed(b, cpu, "user_s", c->user_s, 6);
	put_fixed(b, cpu, "system_s", c->system_s, 6);
	put_fixed(b, cpu, "busy_pct", report_cpu_busy_pct(c, v->seconds), 2);
	if (ns_per_packet >= 0)
		put_fixed(b, cpu, "ns_per_packet", ns_per_packet, 1);
	put(b, o, "cpu", cpu);
	if (c->xdp_ns_per_packet >= 0)
		put_fixed(b, o, "xdp_ns_per_packet", c->xdp_ns_per_packet, 1);
}

static json_object *rx_object(struct json_builder *b, const struct report_view *v)
{
	bool interval = v->kind == REPORT_INTERVAL;
	json_object *o = envelope(b, interval ? "interval" : "final", v->run);

	if (interval) {
		put_u64(b, o, "interval_index", v->run->interval_index);
		put_fixed(b, o, "interval_s", v->run->interval_s, 6);
	}
	put_queues_and_total(b, o, v, v->queues, v->total, v->seconds);
	if (interval) {
		json_object *cum = checked(b, json_object_new_object());

		put_queues_and_total(b, cum, v, v->cumulative, v->cumulative_total,
				     v->run->duration_s);
		put(b, o, "cumulative", cum);
	}
	put_cpu(b, o, v);
	put_umem(b, o, v->run->umem);
	if (v->run->period) {
		const struct report_period *p = v->run->period;
		json_object *po = checked(b, json_object_new_object());

		put_fixed(b, po, "period_s", p->period_s, 6);
		put_fixed(b, po, "phase_s", p->phase_s, 6);
		put_u64(b, po, "periods", p->periods);
		put_u64(b, po, "max_frames", p->max_frames);
		put_u64(b, po, "missed_deadlines", p->missed_deadlines);
		put_u64(b, po, "late_ns_max", p->late_ns_max);
		put(b, o, "rx_period", po);
	}
	return o;
}

int report_json(FILE *out, const struct report_view *v)
{
	struct json_builder b = { 0 };
	json_object *tx = NULL, *rx = NULL;
	int err = 0;

	/* TX first: the final report stays the last line. */
	if (v->run->tx)
		tx = tx_object(&b, v->run);
	if (v->run->rx)
		rx = rx_object(&b, v);
	if (b.failed)
		err = -ENOMEM;
	if (!err && tx)
		err = write_line(out, tx);
	if (!err && rx)
		err = write_line(out, rx);
	json_object_put(tx);
	json_object_put(rx);
	return err;
}
