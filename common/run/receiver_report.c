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

int receiver_print_report(struct receiver *rx, enum report_kind kind)
{
	struct report_run run = {
		.dev = rx->cfg.ifname,
		.ifindex = rx->ifindex,
		.xdp_mode = xdp_mode_label(rx),
		.bind_mode = rx->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(&rx->cfg),
		.duration_s = (double)(monotonic_ns() - rx->start_ns) / (double)NS_PER_SEC,
		/* Read only once the TX thread has stopped. */
		.tx = kind == REPORT_FINAL ? rx->tx.stats : NULL,
	};
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	bool snapshots = rx->n_threads && kind == REPORT_INTERVAL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	if (snapshots && rx_threads_snapshot(rx)) {
		pr_warn("interval report skipped: a receive thread did not hand over its statistics in time\n");
		return 0;
	}
	for (size_t i = 0; i < rx->n_open; i++)
		stats[i] = snapshots ? &rx->queues[i].snapshot : &rx->queues[i].stats;
	/* The final report's counters were read by rx_loop_finish(). */
	if (kind == REPORT_INTERVAL)
		receiver_refresh_kernel_counters(rx, stats);
	/* Formatted whole, then written as one unit: --pkt-info lines of
	 * the receive threads cannot land inside it. */
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = report_print(mem, rx->cfg.json, kind, &run, &rx->decoder,
			   (const struct queue_rx_stats *const *)stats, rx->n_open);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err) {
		pr_err("formatting the report: out of memory\n");
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

	/* Cut short on purpose: a stop signal's grace ran out. */
	if (out_err == -ECANCELED)
		out_err = 0;
	if (csv_err == -ECANCELED)
		csv_err = 0;
	if (pcapng_err == -ECANCELED)
		pcapng_err = 0;
	if (out_err)
		pr_err("writing the report to standard output: %s\n", strerror(-out_err));
	if (csv_err)
		pr_err("--csv %s: writing: %s\n", rx->cfg.csv_path, strerror(-csv_err));
	if (pcapng_err)
		pr_err("--pcapng %s: writing: %s\n", rx->cfg.pcapng_path, strerror(-pcapng_err));
	return failed || out_err || csv_err || pcapng_err ? 1 : 0;
}
