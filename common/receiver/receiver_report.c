// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Interval and final reports of the receiver (see receiver_report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mono_clock.h"
#include "receiver_capture.h"
#include "receiver_measure.h"
#include "receiver_report.h"
#include "rx_threads.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"

#define NS_PER_SEC 1000000000ULL

const char *rx_mode_label(const struct rx_config *cfg)
{
	if (cfg->rx_period_ns)
		return "rx-period";
	if (cfg->busy_poll)
		return "busy-poll";
	return cfg->spin ? "spin" : "wakeup";
}

const char *xdp_mode_label(const struct rx_config *cfg, const struct xdp_attachment *att)
{
	if (cfg->tx.no_rx)
		return "none";
	return att->mode == XDP_MODE_NATIVE ? "native" : "generic";
}

/*
 * What the counters say about frames the XDP program handed back to the
 * kernel, each said once: a driver that refuses every
 * bpf_xdp_adjust_meta() (nothing can be stamped, so nothing is
 * redirected), and frames too long for a UMEM frame (said again when more
 * arrive).
 */
static void warn_passed_frames(const struct report_sources *src, struct receiver_state *run,
			       struct queue_rx_stats *const *stats)
{
	const struct rx_config *cfg = src->cfg;
	__u64 seen = 0, stamped = 0, meta_failed = 0, oversize;

	for (size_t i = 0; i < src->queues->n_open; i++) {
		seen += stats[i]->xdp.seen;
		stamped += stats[i]->xdp.stamped;
		meta_failed += stats[i]->xdp.meta_failed;
	}
	if (!run->warned_meta_failing && meta_failed && !stamped) {
		pr_warn("%s: every bpf_xdp_adjust_meta() failed (%llu of %llu frames): driver %s gives XDP no metadata room in %s mode, so no frame is stamped or redirected; they all pass to the kernel (try --xdp-mode generic)\n",
			cfg->ifname, (unsigned long long)meta_failed,
			(unsigned long long)seen, src->iface->driver, src->xdp_mode);
		run->warned_meta_failing = true;
	}
	oversize = rx_program_oversize_passed(src->prog);
	if (oversize > run->oversize_warned) {
		pr_warn("%s: %llu frame(s) longer than the %u bytes a %u-byte UMEM frame holds passed to the kernel instead of AF_XDP (counted in passed)\n",
			cfg->ifname, (unsigned long long)oversize,
			src->prog->frags.frame_capacity, cfg->frame_size);
		run->oversize_warned = oversize;
	}
}

static const char *clock_id_name(clockid_t clock)
{
	return clock == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" :
	       clock == CLOCK_TAI ? "CLOCK_TAI" : "an unknown clock";
}

/* --tx-stamps: stamps the receiver cannot read, or cannot compare with its own clock, said
 * once with both clocks named (a sender on CLOCK_MONOTONIC, a receiver on
 * --clock tai: every stamp is from 37 years ago or from the future). */
static void warn_tx_clock_mismatch(const struct report_sources *src, struct receiver_state *run,
				   struct queue_rx_stats *const *stats)
{
	const struct queue_rx_stats *last = NULL;
	__u64 mismatched = 0, other = 0, invalid = 0;

	if (run->warned_tx_clock)
		return;
	for (size_t i = 0; i < src->queues->n_open; i++) {
		if (!stats[i]->tx)
			continue;
		invalid += stats[i]->tx->invalid;
		if (!stats[i]->tx->clock_mismatch)
			continue;
		mismatched += stats[i]->tx->clock_mismatch;
		other += stats[i]->tx->other_clock;
		if (stats[i]->tx->other_clock)
			last = stats[i];
	}
	if (invalid)
		pr_warn("%s: %llu frame(s) carry a send stamp this receiver cannot read (stamp version %u expected, clock monotonic or tai, %u bytes): not timed, counted as tx_stamp_invalid\n",
			src->cfg->ifname, (unsigned long long)invalid, TX_STAMP_VERSION, TX_STAMP_LEN);
	if (!mismatched && !invalid)
		return;
	if (other)
		pr_warn("%s: %llu frame(s) carry a send stamp on %s, not comparable with the receiver's %s (--clock %s): not timed, counted as tx_clock_mismatch\n",
			src->cfg->ifname, (unsigned long long)other,
			clock_id_name(last->tx->mismatch_clock),
			src->cfg->clock == HINT_CLOCK_TAI ? "CLOCK_TAI" : "CLOCK_MONOTONIC",
			hint_clock_name(src->cfg->clock));
	if (mismatched > other)
		pr_warn("%s: %llu frame(s) carry a send time they cannot have been sent at (after XDP saw them, or before the run): not timed, counted as tx_clock_mismatch\n",
			src->cfg->ifname, (unsigned long long)(mismatched - other));
	run->warned_tx_clock = true;
}

/* --rx-period: the main thread's schedule, or every thread's together
 * (report_view.h says how). After the threads are joined. */
static const struct report_period *period_report(const struct rx_config *cfg,
						 const struct rx_queue_set *qs,
						 const struct receiver_state *state,
						 struct report_period *out)
{
	struct rx_period_stats sum = state->period;

	if (cfg->threads) {
		sum = (struct rx_period_stats){ 0 };
		for (size_t i = 0; i < qs->n_open; i++) {
			const struct rx_period_stats *t = &qs->queue[i].period;

			if (t->periods > sum.periods)
				sum.periods = t->periods;
			if (t->max_frames > sum.max_frames)
				sum.max_frames = t->max_frames;
			if (t->late_ns_max > sum.late_ns_max)
				sum.late_ns_max = t->late_ns_max;
			sum.missed_deadlines += t->missed_deadlines;
		}
	}
	*out = (struct report_period){
		.period_s = (double)cfg->rx_period_ns / 1e9,
		.phase_s = (double)cfg->rx_period_phase_ns / 1e9,
		.periods = sum.periods,
		.max_frames = sum.max_frames,
		.missed_deadlines = sum.missed_deadlines,
		.late_ns_max = sum.late_ns_max,
	};
	return out;
}

/* The run's UMEM and, shared, its pool at the end. After the threads are
 * joined and the rings drained. */
static const struct report_umem *umem_report(const struct rx_config *cfg,
					     const struct rx_iface *iface,
					     const struct rx_queue_set *qs, struct report_umem *out)
{
	const struct xsk_shared_umem *s = qs->shared;

	if (!s) {
		*out = (struct report_umem){
			.umems = (__u32)qs->n_open,
			.frames = cfg->frames,
			.frame_size = cfg->frame_size,
			.tx_frames = iface->tx_frames,
		};
		return out;
	}
	*out = (struct report_umem){
		.shared = true,
		.umems = 1,
		.frames = s->frames,
		.frame_size = s->frame_size,
		.tx_frames = s->tx_frames,
		.floor = s->quota.floor,
		.cap = s->quota.cap,
		.pool_frames = s->pool_frames,
	};
	for (__u32 i = 0; i < s->n_pools; i++) {
		out->pool_free += s->pools[i].n_free;
		out->pool_low_water += s->pools[i].low_water;
	}
	if (s->spill.pool.addrs) {
		out->pool_free += s->spill.pool.n_free;
		out->pool_low_water += s->spill.pool.low_water;
		out->slices = s->n_pools;
		out->slice_frames = s->pools[0].initial;
		out->spill_taken = s->spill.taken;
		out->spill_given = s->spill.given;
	}
	return out;
}

static enum report_style report_style_of(const struct rx_config *cfg)
{
	if (cfg->json)
		return REPORT_JSON;
	return cfg->extended ? REPORT_EXTENDED : REPORT_COMPACT;
}

/* The copies the next interval report subtracts; -ENOMEM. */
static int remember_reported(struct receiver_state *run, struct queue_rx_stats *const *stats,
			     size_t n_queues, size_t n_layouts)
{
	if (!run->reported) {
		run->reported = calloc(n_queues, sizeof(*run->reported));
		if (!run->reported)
			return -ENOMEM;
		run->n_reported = n_queues;
		for (size_t i = 0; i < n_queues; i++) {
			int err = queue_rx_stats_init(&run->reported[i], stats[i]->queue_id,
						      n_layouts);

			if (!err && stats[i]->tx)
				err = queue_rx_stats_enable_tx_stamps(&run->reported[i]);

			if (err) {
				receiver_report_free(run);
				return err;
			}
		}
	}
	for (size_t i = 0; i < n_queues; i++)
		queue_rx_stats_copy(&run->reported[i], stats[i]);
	return 0;
}

void receiver_report_free(struct receiver_state *run)
{
	report_scratch_free(&run->report_scratch);
	if (!run->reported)
		return;
	for (size_t i = 0; i < run->n_reported; i++)
		queue_rx_stats_free(&run->reported[i]);
	free(run->reported);
	run->reported = NULL;
	run->n_reported = 0;
}

int receiver_print_report(const struct report_sources *src, struct receiver_state *state,
			  enum report_kind kind)
{
	const struct rx_config *cfg = src->cfg;
	const struct hint_decoder *dec = &src->prog->decoder;
	struct rx_queue_set *qs = src->queues;
	__u64 now_ns = monotonic_ns();
	__u64 since_ns = state->reported_ns ? state->reported_ns : state->start_ns;
	struct report_run run = {
		.dev = cfg->ifname,
		.ifindex = src->iface->ifindex,
		.xdp_mode = src->xdp_mode,
		.bind_mode = qs->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(cfg),
		.clock = hint_clock_name(cfg->clock),
		.multi_buffer = src->prog->frags.multi_buffer,
		.duration_s = (double)(now_ns - state->start_ns) / (double)NS_PER_SEC,
		.interval_s = (double)(now_ns - since_ns) / (double)NS_PER_SEC,
		.interval_index = state->n_interval_reports,
		.rx = !cfg->tx.no_rx,
		.all_queues = cfg->all_queues,
		/* Read only once the TX thread has stopped. */
		.tx = kind == REPORT_FINAL ? src->tx->stats : NULL,
	};
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	const struct queue_rx_stats *before[XDP_HINTS_MAX_QUEUES];
	bool snapshots = qs->n_threads && kind == REPORT_INTERVAL;
	struct report_period period;
	struct report_umem umem;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	if (snapshots && rx_threads_snapshot(qs)) {
		pr_warn("interval report skipped: a receive thread did not hand over its statistics in time\n");
		return 0;
	}
	if (!cfg->tx.no_rx && src->cpu)
		run.cpu = receiver_cpu_report(src->cpu, &(struct receiver_cpu_sources){
				.cfg = cfg, .prog = src->prog, .queues = qs }, kind);
	if (cfg->rx_period_ns && kind == REPORT_FINAL)
		run.period = period_report(cfg, qs, state, &period);
	if (kind == REPORT_FINAL && !cfg->tx.no_rx)
		run.umem = umem_report(cfg, src->iface, qs, &umem);
	for (size_t i = 0; i < qs->n_open; i++) {
		stats[i] = snapshots ? &qs->queue[i].snapshot : &qs->queue[i].stats;
		before[i] = state->reported ? &state->reported[i] : NULL;
	}
	/* The final report's counters were read by rx_loop_finish(). */
	if (kind == REPORT_INTERVAL)
		rx_program_read_counters(src->prog, qs, stats);
	if (src->prog->skel)
		warn_passed_frames(src, state, stats);
	warn_tx_clock_mismatch(src, state, stats);
	if (!state->report_scratch.stats &&
	    report_scratch_init(&state->report_scratch, qs->n_open, dec->n_layouts,
				cfg->tx_stamps)) {
		pr_err("formatting the report: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Formatted whole, then written as one unit: --pkt-info lines of
	 * the receive threads cannot land inside it. */
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = report_print(mem, report_style_of(cfg), kind, &run, dec,
			   (const struct queue_rx_stats *const *)stats,
			   kind == REPORT_INTERVAL && state->reported ? before : NULL, qs->n_open,
			   &state->report_scratch);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (!err && kind == REPORT_INTERVAL) {
		err = remember_reported(state, stats, qs->n_open, dec->n_layouts);
		state->reported_ns = now_ns;
		state->n_interval_reports++;
	}
	if (err) {
		pr_err("formatting the report: %s\n", strerror(-err));
		free(text);
		return err;
	}
	err = report_out_write(src->out, text, len);
	free(text);
	return err;
}

int receiver_exit_status(const struct rx_config *cfg, struct rx_measure *m,
			 struct report_out *out, const struct run_stop *stop)
{
	int out_err = atomic_load(&out->err);
	int csv_err = m->csv.fd >= 0 ? csv_file_close(&m->csv) : 0;
	int pcapng_err = m->pcapng.fd >= 0 ? receiver_close_capture(&m->pcapng) : 0;
	bool failed = run_stop_reason(stop) == RUN_STOP_ERROR;

	/* Cut short on purpose: the stop's grace ran out while nobody read
	 * the output. Not an error; said once, with what was lost. */
	if (out_err == -ECANCELED) {
		pr_warn("standard output: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			(unsigned long long)atomic_load(&out->unwritten));
		out_err = 0;
	}
	if (csv_err == -ECANCELED) {
		pr_warn("--csv %s: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			cfg->csv_path, m->csv.unwritten);
		csv_err = 0;
	}
	if (pcapng_err == -ECANCELED) {
		pr_warn("--pcapng %s: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			cfg->pcapng_path, m->pcapng.unwritten);
		pcapng_err = 0;
	}
	if (out_err)
		pr_err("writing the report to standard output: %s\n", strerror(-out_err));
	if (csv_err)
		pr_err("--csv %s: writing: %s\n", cfg->csv_path, strerror(-csv_err));
	if (pcapng_err)
		pr_err("--pcapng %s: writing: %s\n", cfg->pcapng_path, strerror(-pcapng_err));
	return failed || out_err || csv_err || pcapng_err ? 1 : 0;
}
