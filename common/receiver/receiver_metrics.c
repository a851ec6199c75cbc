// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The receiver's --metrics endpoint (see receiver_metrics.h). */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "receiver_metrics.h"
#include "receiver_report.h"
#include "rx_threads.h"

int receiver_start_metrics(const struct rx_config *cfg, struct metrics_server *m, int stop_fd,
			   const char *xdp_mode, const struct rx_program *prog,
			   struct rx_queue_set *qs)
{
	struct metrics_run run = {
		.dev = cfg->ifname,
		.xdp_mode = xdp_mode,
		.bind_mode = qs->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(cfg),
	};
	__u32 queue_ids[XDP_HINTS_MAX_QUEUES];
	const char *failed = "";
	int err;

	if (!cfg->metrics_addr)
		return 0;
	for (size_t i = 0; i < qs->n_open; i++)
		queue_ids[i] = qs->queue[i].xsk.queue_id;
	err = metrics_server_start(m, &cfg->metrics_listen, stop_fd, &run,
				   &prog->decoder, queue_ids, qs->n_open, &failed);
	if (err) {
		pr_err("--metrics %s: %s: %s%s\n", cfg->metrics_addr, failed, strerror(-err),
		       err == -EADDRINUSE ? " (another exporter on that port?)" :
		       err == -EADDRNOTAVAIL ? " (not an address of this host)" :
		       err == -EACCES ? " (ports below 1024 need CAP_NET_BIND_SERVICE)" : "");
		return err;
	}
	pr_info("--metrics: serving http://%s/metrics\n", cfg->metrics_addr);
	receiver_publish_metrics(m, cfg, prog, qs, NULL);
	return 0;
}

void receiver_publish_metrics(struct metrics_server *m, const struct rx_config *cfg,
			      const struct rx_program *prog, struct rx_queue_set *qs,
			      const struct receiver_cpu *cpu)
{
	struct queue_rx_stats *stats[XDP_HINTS_MAX_QUEUES];
	bool snapshots = qs->n_threads > 0;
	struct cpu_time cpu_used;

	if (!m->daemon)
		return;
	/* Receive threads copy their statistics between two batches. */
	if (snapshots && rx_threads_snapshot(qs)) {
		pr_debug("--metrics: a receive thread did not hand over its statistics in time: published next second\n");
		return;
	}
	for (size_t i = 0; i < qs->n_open; i++)
		stats[i] = snapshots ? &qs->queue[i].snapshot : &qs->queue[i].stats;
	rx_program_read_counters(prog, qs, stats);
	if (cpu)
		receiver_cpu_since_start(cpu, &(struct receiver_cpu_sources){
				.cfg = cfg, .prog = prog, .queues = qs }, &cpu_used);
	if (metrics_server_publish(m, (const struct queue_rx_stats *const *)stats,
				   qs->n_open, cpu ? &cpu_used : NULL))
		pr_debug("--metrics: a scrape is reading the last copy: published next second\n");
}

void receiver_stop_metrics(struct metrics_server *m)
{
	metrics_server_stop(m);
}
