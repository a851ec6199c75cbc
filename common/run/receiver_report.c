// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Interval and final reports of the receiver (see receiver_report.h).
 */
#include <stdio.h>

#include "log.h"
#include "receiver.h"
#include "receiver_report.h"
#include "rx_workers.h"

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

void receiver_print_report(struct receiver *rx, enum report_kind kind)
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

	struct queue_rx_stats *stats = rx->stats;

	if (rx->n_workers) {
		if (rx_workers_snapshot(rx)) {
			pr_warn("interval report skipped: a receive thread did not hand over its statistics in time\n");
			return;
		}
		stats = rx->snapshots;
	}
	receiver_refresh_kernel_counters(rx, stats);
	if (report_print(stdout, rx->cfg.json, kind, &run, &rx->decoder, stats,
			 rx->n_queues))
		pr_err("printing the report: out of memory\n");
}
