// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The receiver's --metrics endpoint (see receiver_metrics.h). */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "receiver.h"
#include "receiver_metrics.h"
#include "receiver_report.h"
#include "rx_threads.h"

int receiver_start_metrics(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct metrics_run run = {
		.dev = cfg->ifname,
		.xdp_mode = xdp_mode_label(rx),
		.bind_mode = rx->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(cfg),
	};
	__u32 queue_ids[XDP_HINTS_MAX_QUEUES];
	const char *failed = "";
	int err;

	if (!cfg->metrics_addr)
		return 0;
	for (size_t i = 0; i < rx->n_open; i++)
		queue_ids[i] = rx->queues[i].xsk.queue_id;
	err = metrics_server_start(&rx->metrics, &cfg->metrics_listen, rx->stop.fd, &run,
				   &rx->decoder, queue_ids, rx->n_open, &failed);
	if (err) {
		pr_err("--metrics %s: %s: %s%s\n", cfg->metrics_addr, failed, strerror(-err),
		       err == -EADDRINUSE ? " (another exporter on that port?)" :
		       err == -EADDRNOTAVAIL ? " (not an address of this host)" :
		       err == -EACCES ? " (ports below 1024 need CAP_NET_BIND_SERVICE)" : "");
		return err;
	}
	pr_info("--metrics: serving http://%s/metrics\n", cfg->metrics_addr);
	receiver_publish_metrics(rx);
	return 0;
}

void receiver_publish_metrics(struct receiver *rx)
{
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	bool snapshots = rx->n_threads > 0;
	struct cpu_time cpu;

	if (!rx->metrics.daemon)
		return;
	/* Receive threads copy their statistics between two batches. */
	if (snapshots && rx_threads_snapshot(rx)) {
		pr_debug("--metrics: a receive thread did not hand over its statistics in time: published next second\n");
		return;
	}
	for (size_t i = 0; i < rx->n_open; i++)
		stats[i] = snapshots ? &rx->queues[i].snapshot : &rx->queues[i].stats;
	receiver_refresh_kernel_counters(rx, stats);
	receiver_cpu_since_start(rx, &cpu);
	if (metrics_server_publish(&rx->metrics, (const struct queue_rx_stats *const *)stats,
				   rx->n_open, rx->start_ns ? &cpu : NULL))
		pr_debug("--metrics: a scrape is reading the last copy: published next second\n");
}

void receiver_stop_metrics(struct receiver *rx)
{
	metrics_server_stop(&rx->metrics);
}
