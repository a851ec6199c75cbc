// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Interval and final reports of the receiver (see receiver_report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "receiver.h"
#include "receiver_capture.h"
#include "receiver_report.h"
#include "rx_threads.h"

const char *rx_mode_label(const struct rx_config *cfg)
{
	if (cfg->busy_poll)
		return "busy-poll";
	return cfg->spin ? "spin" : "wakeup";
}

const char *xdp_mode_label(const struct receiver *rx)
{
	if (rx->cfg.tx.no_rx)
		return "none";
	return rx->attachment.mode == XDP_MODE_NATIVE ? "native" : "generic";
}

/*
 * What the counters say about frames the XDP program handed back to the
 * kernel, each said once: a driver that refuses every
 * bpf_xdp_adjust_meta() (nothing can be stamped, so nothing is
 * redirected), and frames too long for a UMEM frame (said again when more
 * arrive).
 */
static void warn_passed_frames(struct receiver *rx, struct queue_rx_stats *const *stats)
{
	__u64 seen = 0, stamped = 0, meta_failed = 0, oversize;

	for (size_t i = 0; i < rx->n_open; i++) {
		seen += stats[i]->xdp.seen;
		stamped += stats[i]->xdp.stamped;
		meta_failed += stats[i]->xdp.meta_failed;
	}
	if (!rx->warned_meta_failing && meta_failed && !stamped) {
		pr_warn("%s: every bpf_xdp_adjust_meta() failed (%llu of %llu frames): driver %s gives XDP no metadata room in %s mode, so no frame is stamped or redirected; they all pass to the kernel (try --xdp-mode generic)\n",
			rx->cfg.ifname, (unsigned long long)meta_failed,
			(unsigned long long)seen, rx->driver, xdp_mode_label(rx));
		rx->warned_meta_failing = true;
	}
	oversize = receiver_oversize_passed(rx);
	if (oversize > rx->oversize_warned) {
		pr_warn("%s: %llu frame(s) longer than the %u bytes a %u-byte UMEM frame holds passed to the kernel instead of AF_XDP (counted in passed)\n",
			rx->cfg.ifname, (unsigned long long)oversize,
			rx->frags.frame_capacity, rx->cfg.frame_size);
		rx->oversize_warned = oversize;
	}
}

static enum report_style report_style_of(const struct rx_config *cfg)
{
	if (cfg->json)
		return REPORT_JSON;
	return cfg->extended ? REPORT_EXTENDED : REPORT_COMPACT;
}

/* The copies the next interval report subtracts; -ENOMEM. */
static int remember_reported(struct receiver *rx, struct queue_rx_stats *const *stats)
{
	if (!rx->reported) {
		rx->reported = calloc(rx->n_open, sizeof(*rx->reported));
		if (!rx->reported)
			return -ENOMEM;
		for (size_t i = 0; i < rx->n_open; i++) {
			int err = queue_rx_stats_init(&rx->reported[i], stats[i]->queue_id,
						      rx->decoder.n_layouts);

			if (err) {
				receiver_report_free(rx);
				return err;
			}
		}
	}
	for (size_t i = 0; i < rx->n_open; i++)
		queue_rx_stats_copy(&rx->reported[i], stats[i]);
	return 0;
}

void receiver_report_free(struct receiver *rx)
{
	report_scratch_free(&rx->report_scratch);
	if (!rx->reported)
		return;
	for (size_t i = 0; i < rx->n_open; i++)
		queue_rx_stats_free(&rx->reported[i]);
	free(rx->reported);
	rx->reported = NULL;
}

int receiver_print_report(struct receiver *rx, enum report_kind kind)
{
	__u64 now_ns = monotonic_ns();
	__u64 since_ns = rx->reported_ns ? rx->reported_ns : rx->start_ns;
	struct report_run run = {
		.dev = rx->cfg.ifname,
		.ifindex = rx->ifindex,
		.xdp_mode = xdp_mode_label(rx),
		.bind_mode = rx->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(&rx->cfg),
		.clock = hint_clock_name(rx->cfg.clock),
		.multi_buffer = rx->frags.multi_buffer,
		.duration_s = (double)(now_ns - rx->start_ns) / (double)NS_PER_SEC,
		.interval_s = (double)(now_ns - since_ns) / (double)NS_PER_SEC,
		.interval_index = rx->n_interval_reports,
		.rx = !rx->cfg.tx.no_rx,
		/* Read only once the TX thread has stopped. */
		.tx = kind == REPORT_FINAL ? rx->tx.stats : NULL,
	};
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	const struct queue_rx_stats *before[XDP_HINTS_MAX_QUEUES];
	bool snapshots = rx->n_threads && kind == REPORT_INTERVAL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	if (snapshots && rx_threads_snapshot(rx)) {
		pr_warn("interval report skipped: a receive thread did not hand over its statistics in time\n");
		return 0;
	}
	for (size_t i = 0; i < rx->n_open; i++) {
		stats[i] = snapshots ? &rx->queues[i].snapshot : &rx->queues[i].stats;
		before[i] = rx->reported ? &rx->reported[i] : NULL;
	}
	/* The final report's counters were read by rx_loop_finish(). */
	if (kind == REPORT_INTERVAL)
		receiver_refresh_kernel_counters(rx, stats);
	if (rx->skel)
		warn_passed_frames(rx, stats);
	if (!rx->report_scratch.stats &&
	    report_scratch_init(&rx->report_scratch, rx->n_open, rx->decoder.n_layouts)) {
		pr_err("formatting the report: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* Formatted whole, then written as one unit: --pkt-info lines of
	 * the receive threads cannot land inside it. */
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = report_print(mem, report_style_of(&rx->cfg), kind, &run, &rx->decoder,
			   (const struct queue_rx_stats *const *)stats,
			   kind == REPORT_INTERVAL && rx->reported ? before : NULL, rx->n_open,
			   &rx->report_scratch);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (!err && kind == REPORT_INTERVAL) {
		err = remember_reported(rx, stats);
		rx->reported_ns = now_ns;
		rx->n_interval_reports++;
	}
	if (err) {
		pr_err("formatting the report: %s\n", strerror(-err));
		free(text);
		return err;
	}
	err = report_out_write(&rx->out, text, len);
	free(text);
	return err;
}

int receiver_exit_status(struct receiver *rx)
{
	int out_err = atomic_load(&rx->out.err);
	int csv_err = rx->csv.fd >= 0 ? csv_file_close(&rx->csv) : 0;
	int pcapng_err = rx->pcapng.fd >= 0 ? receiver_close_capture(rx) : 0;
	bool failed = run_stop_reason(&rx->stop) == RUN_STOP_ERROR;

	/* Cut short on purpose: the stop's grace ran out while nobody read
	 * the output. Not an error; said once, with what was lost. */
	if (out_err == -ECANCELED) {
		pr_warn("standard output: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			(unsigned long long)atomic_load(&rx->out.unwritten));
		out_err = 0;
	}
	if (csv_err == -ECANCELED) {
		pr_warn("--csv %s: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			rx->cfg.csv_path, rx->csv.unwritten);
		csv_err = 0;
	}
	if (pcapng_err == -ECANCELED) {
		pr_warn("--pcapng %s: nobody read it: given up 1 s after the stop, %llu byte(s) not written\n",
			rx->cfg.pcapng_path, rx->pcapng.unwritten);
		pcapng_err = 0;
	}
	if (out_err)
		pr_err("writing the report to standard output: %s\n", strerror(-out_err));
	if (csv_err)
		pr_err("--csv %s: writing: %s\n", rx->cfg.csv_path, strerror(-csv_err));
	if (pcapng_err)
		pr_err("--pcapng %s: writing: %s\n", rx->cfg.pcapng_path, strerror(-pcapng_err));
	return failed || out_err || csv_err || pcapng_err ? 1 : 0;
}
