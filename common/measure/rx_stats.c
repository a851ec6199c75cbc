// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "rx_stats.h"

int queue_rx_stats_init(struct queue_rx_stats *s, __u32 queue_id, size_t n_layouts)
{
	memset(s, 0, sizeof(*s));
	s->queue_id = queue_id;
	s->n_layouts = n_layouts;
	for (int c = 0; c < CORE_CLASSES; c++) {
		s->latency_hist[c] = malloc(sizeof(*s->latency_hist[c]));
		if (!s->latency_hist[c])
			goto nomem;
		latency_histogram_init(s->latency_hist[c]);
	}
	s->hw_to_xdp_hist = malloc(sizeof(*s->hw_to_xdp_hist));
	if (!s->hw_to_xdp_hist)
		goto nomem;
	latency_histogram_init(s->hw_to_xdp_hist);
	if (!n_layouts)
		return 0;
	s->layout_packets = calloc(n_layouts, sizeof(*s->layout_packets));
	if (s->layout_packets)
		return 0;
nomem:
	queue_rx_stats_free(s);
	return -ENOMEM;
}

int queue_rx_stats_enable_tx_stamps(struct queue_rx_stats *s)
{
	if (s->tx)
		return 0;
	s->tx = calloc(1, sizeof(*s->tx));
	if (!s->tx)
		return -ENOMEM;
	latency_histogram_init(&s->tx->tx_to_xdp);
	latency_histogram_init(&s->tx->tx_to_user);
	return 0;
}

static void tx_stamp_stats_reset(struct tx_stamp_stats *tx)
{
	if (!tx)
		return;
	tx->stamped = tx->clock_mismatch = tx->other_clock = tx->invalid = 0;
	latency_histogram_init(&tx->tx_to_xdp);
	latency_histogram_init(&tx->tx_to_user);
}

void queue_rx_stats_free(struct queue_rx_stats *s)
{
	free(s->tx);
	s->tx = NULL;
	free(s->layout_packets);
	s->layout_packets = NULL;
	for (int c = 0; c < CORE_CLASSES; c++) {
		free(s->latency_hist[c]);
		s->latency_hist[c] = NULL;
	}
	free(s->hw_to_xdp_hist);
	s->hw_to_xdp_hist = NULL;
}

void queue_rx_stats_reset(struct queue_rx_stats *s)
{
	struct queue_rx_stats empty = {
		.queue_id = s->queue_id,
		.n_layouts = s->n_layouts,
		.rx_time_floor = s->rx_time_floor, /* a setting, not a count */
		.layout_packets = s->layout_packets,
		.hw_to_xdp_hist = s->hw_to_xdp_hist,
		.tx = s->tx,
	};

	memcpy(empty.latency_hist, s->latency_hist, sizeof(empty.latency_hist));
	*s = empty;
	for (size_t i = 0; i < s->n_layouts; i++)
		s->layout_packets[i] = 0;
	for (int c = 0; c < CORE_CLASSES; c++)
		latency_histogram_init(s->latency_hist[c]);
	latency_histogram_init(s->hw_to_xdp_hist);
	tx_stamp_stats_reset(s->tx);
}

void queue_rx_stats_copy(struct queue_rx_stats *dst, const struct queue_rx_stats *src)
{
	__u64 *layout_packets = dst->layout_packets;
	struct latency_histogram *hist[CORE_CLASSES];
	struct latency_histogram *hw_to_xdp_hist = dst->hw_to_xdp_hist;
	struct tx_stamp_stats *tx = dst->tx;

	memcpy(hist, dst->latency_hist, sizeof(hist));
	*dst = *src;
	/* Keep dst's own arrays, fill them with src's contents. */
	dst->layout_packets = layout_packets;
	memcpy(dst->latency_hist, hist, sizeof(hist));
	dst->hw_to_xdp_hist = hw_to_xdp_hist;
	*dst->hw_to_xdp_hist = *src->hw_to_xdp_hist;
	dst->tx = tx;
	if (tx && src->tx)
		*tx = *src->tx;
	for (size_t i = 0; i < dst->n_layouts; i++)
		dst->layout_packets[i] = src->layout_packets[i];
	for (int c = 0; c < CORE_CLASSES; c++)
		*dst->latency_hist[c] = *src->latency_hist[c];
}

void queue_rx_stats_latency_all(const struct queue_rx_stats *s,
				struct latency_histogram *out)
{
	latency_histogram_init(out);
	for (int c = 0; c < CORE_CLASSES; c++)
		latency_histogram_merge(out, s->latency_hist[c]);
}

void queue_rx_stats_add(struct queue_rx_stats *dst, const struct queue_rx_stats *src)
{
	dst->packets += src->packets;
	dst->no_hint += src->no_hint;
	dst->unknown_btf_id += src->unknown_btf_id;
	dst->same_core += src->same_core;
	dst->remote_core += src->remote_core;
	dst->mark_mismatch += src->mark_mismatch;
	dst->clock_backwards += src->clock_backwards;
	dst->rx_time_before_start += src->rx_time_before_start;
	dst->drained_at_stop += src->drained_at_stop;
	dst->buffers += src->buffers;
	dst->incomplete_frames += src->incomplete_frames;
	/* The total's span: from the earliest first to the latest last. */
	if (src->first_rx_ns && (!dst->first_rx_ns || src->first_rx_ns < dst->first_rx_ns))
		dst->first_rx_ns = src->first_rx_ns;
	if (src->last_rx_ns > dst->last_rx_ns)
		dst->last_rx_ns = src->last_rx_ns;
	for (size_t i = 0; i < dst->n_layouts && i < src->n_layouts; i++)
		dst->layout_packets[i] += src->layout_packets[i];
	for (int c = 0; c < CORE_CLASSES; c++)
		latency_histogram_merge(dst->latency_hist[c], src->latency_hist[c]);
	dst->hw_timestamps += src->hw_timestamps;
	dst->hw_timestamps_unconverted += src->hw_timestamps_unconverted;
	dst->hw_to_xdp_negative += src->hw_to_xdp_negative;
	latency_histogram_merge(dst->hw_to_xdp_hist, src->hw_to_xdp_hist);
	if (dst->tx && src->tx) {
		dst->tx->stamped += src->tx->stamped;
		dst->tx->clock_mismatch += src->tx->clock_mismatch;
		dst->tx->other_clock += src->tx->other_clock;
		dst->tx->invalid += src->tx->invalid;
		latency_histogram_merge(&dst->tx->tx_to_xdp, &src->tx->tx_to_xdp);
		latency_histogram_merge(&dst->tx->tx_to_user, &src->tx->tx_to_user);
	}

	dst->xdp.seen += src->xdp.seen;
	dst->xdp.stamped += src->xdp.stamped;
	dst->xdp.meta_failed += src->xdp.meta_failed;
	dst->xdp.redirected += src->xdp.redirected;
	dst->xdp.redirect_failed += src->xdp.redirect_failed;
	dst->xdp.passed += src->xdp.passed;
	dst->xsk.rx_dropped += src->xsk.rx_dropped;
	dst->xsk.rx_ring_full += src->xsk.rx_ring_full;
	dst->xsk.rx_fill_ring_empty_descs += src->xsk.rx_fill_ring_empty_descs;
	dst->xsk.rx_invalid_descs += src->xsk.rx_invalid_descs;
	dst->pool.shared = dst->pool.shared || src->pool.shared;
	dst->pool.pool_dry += src->pool.pool_dry;
	dst->pool.frames_owned += src->pool.frames_owned;
	if (src->pool.frames_owned_max > dst->pool.frames_owned_max)
		dst->pool.frames_owned_max = src->pool.frames_owned_max;
}

void queue_rx_stats_subtract(struct queue_rx_stats *dst, const struct queue_rx_stats *now,
			     const struct queue_rx_stats *before)
{
	dst->queue_id = now->queue_id;
	dst->packets = now->packets - before->packets;
	dst->no_hint = now->no_hint - before->no_hint;
	dst->unknown_btf_id = now->unknown_btf_id - before->unknown_btf_id;
	dst->same_core = now->same_core - before->same_core;
	dst->remote_core = now->remote_core - before->remote_core;
	dst->mark_mismatch = now->mark_mismatch - before->mark_mismatch;
	dst->clock_backwards = now->clock_backwards - before->clock_backwards;
	dst->rx_time_before_start = now->rx_time_before_start - before->rx_time_before_start;
	dst->drained_at_stop = now->drained_at_stop - before->drained_at_stop;
	dst->buffers = now->buffers - before->buffers;
	dst->incomplete_frames = now->incomplete_frames - before->incomplete_frames;
	/* Times, not counts: the span so far. */
	dst->first_rx_ns = now->first_rx_ns;
	dst->last_rx_ns = now->last_rx_ns;
	for (size_t i = 0; i < dst->n_layouts && i < now->n_layouts; i++)
		dst->layout_packets[i] = now->layout_packets[i] - before->layout_packets[i];
	for (int c = 0; c < CORE_CLASSES; c++)
		latency_histogram_subtract(dst->latency_hist[c], now->latency_hist[c],
					   before->latency_hist[c]);
	dst->hw_timestamps = now->hw_timestamps - before->hw_timestamps;
	dst->hw_timestamps_unconverted = now->hw_timestamps_unconverted -
					 before->hw_timestamps_unconverted;
	dst->hw_to_xdp_negative = now->hw_to_xdp_negative - before->hw_to_xdp_negative;
	latency_histogram_subtract(dst->hw_to_xdp_hist, now->hw_to_xdp_hist,
				   before->hw_to_xdp_hist);
	if (dst->tx && now->tx && before->tx) {
		dst->tx->stamped = now->tx->stamped - before->tx->stamped;
		dst->tx->clock_mismatch = now->tx->clock_mismatch - before->tx->clock_mismatch;
		dst->tx->other_clock = now->tx->other_clock - before->tx->other_clock;
		dst->tx->invalid = now->tx->invalid - before->tx->invalid;
		latency_histogram_subtract(&dst->tx->tx_to_xdp, &now->tx->tx_to_xdp,
					   &before->tx->tx_to_xdp);
		latency_histogram_subtract(&dst->tx->tx_to_user, &now->tx->tx_to_user,
					   &before->tx->tx_to_user);
	}

	dst->xdp.seen = now->xdp.seen - before->xdp.seen;
	dst->xdp.stamped = now->xdp.stamped - before->xdp.stamped;
	dst->xdp.meta_failed = now->xdp.meta_failed - before->xdp.meta_failed;
	dst->xdp.redirected = now->xdp.redirected - before->xdp.redirected;
	dst->xdp.redirect_failed = now->xdp.redirect_failed - before->xdp.redirect_failed;
	dst->xdp.passed = now->xdp.passed - before->xdp.passed;
	dst->xsk.rx_dropped = now->xsk.rx_dropped - before->xsk.rx_dropped;
	dst->xsk.rx_ring_full = now->xsk.rx_ring_full - before->xsk.rx_ring_full;
	dst->xsk.rx_fill_ring_empty_descs = now->xsk.rx_fill_ring_empty_descs -
					    before->xsk.rx_fill_ring_empty_descs;
	dst->xsk.rx_invalid_descs = now->xsk.rx_invalid_descs - before->xsk.rx_invalid_descs;
	dst->pool = now->pool;
	dst->pool.pool_dry = now->pool.pool_dry - before->pool.pool_dry;
}

int xdp_counters_read(int map_fd, __u32 queue_id, struct queue_counters *scratch,
		      int n_cpus, struct queue_counters *out)
{
	memset(out, 0, sizeof(*out));
	/* Per-CPU values come as an array, one struct per possible CPU
	 * (each rounded up to 8 bytes, which this struct already is). */
	if (bpf_map_lookup_elem(map_fd, &queue_id, scratch))
		return -errno;
	for (int cpu = 0; cpu < n_cpus; cpu++) {
		out->seen += scratch[cpu].seen;
		out->stamped += scratch[cpu].stamped;
		out->meta_failed += scratch[cpu].meta_failed;
		out->redirected += scratch[cpu].redirected;
		out->redirect_failed += scratch[cpu].redirect_failed;
		out->passed += scratch[cpu].passed;
	}
	return 0;
}
