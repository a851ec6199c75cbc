// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The receiver's CPU cost (see receiver_cpu.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "log.h"
#include "receiver_cpu.h"

/* The program we attached; -1 with --xsks-map (not ours to measure). */
static int xdp_prog_fd(const struct rx_program *prog)
{
	if (!prog->skel || !prog->hint_program.prog)
		return -1;
	return bpf_program__fd(prog->hint_program.prog);
}

void receiver_cpu_setup(struct receiver_cpu *c, const struct rx_config *cfg)
{
	int fd;

	if (!cfg->bpf_stats)
		return;
	fd = bpf_run_time_stats_hold();
	if (fd == -EPERM || fd == -EACCES) {
		pr_warn("--bpf-stats: the kernel's BPF run-time statistics need CAP_SYS_ADMIN (%s): xdp_ns_per_packet is left out\n",
			strerror(-fd));
		return;
	}
	if (fd < 0) {
		pr_warn("--bpf-stats: cannot turn on the kernel's BPF run-time statistics: %s: xdp_ns_per_packet is left out\n",
			strerror(-fd));
		return;
	}
	c->bpf_stats_fd = fd;
	pr_info("--bpf-stats: BPF run-time statistics on until exit (BPF_STATS_RUN_TIME): reports show xdp_ns_per_packet\n");
}

static void receiving_threads_cpu(const struct receiver_cpu_sources *src, struct cpu_time *t)
{
	memset(t, 0, sizeof(*t));
	if (!src->cfg->threads) {
		cpu_time_thread(t);
		return;
	}
	for (size_t i = 0; i < src->queues->n_open; i++)
		cpu_time_add(t, &src->queues->queue[i].cpu_time);
}

void receiver_cpu_start(struct receiver_cpu *c, const struct receiver_cpu_sources *src)
{
	receiving_threads_cpu(src, &c->start);
	c->reported = c->start;
	/* Errors leave zeros: the first reading then counts from the load. */
	bpf_run_time_read(xdp_prog_fd(src->prog), &c->prog_start);
	c->prog_reported = c->prog_start;
}

void receiver_cpu_since_start(const struct receiver_cpu *c,
			      const struct receiver_cpu_sources *src, struct cpu_time *t)
{
	struct cpu_time now;

	receiving_threads_cpu(src, &now);
	*t = cpu_time_since(&now, &c->start);
}

const struct report_cpu *receiver_cpu_report(struct receiver_cpu *c,
					     const struct receiver_cpu_sources *src,
					     enum report_kind kind)
{
	bool interval = kind == REPORT_INTERVAL;
	struct cpu_time now, used;
	struct bpf_run_time prog_now;
	bool prog_known;

	receiving_threads_cpu(src, &now);
	prog_known = !bpf_run_time_read(xdp_prog_fd(src->prog), &prog_now);
	used = cpu_time_since(&now, interval ? &c->reported : &c->start);
	c->shown = (struct report_cpu){
		.user_s = (double)used.user_ns / 1e9,
		.system_s = (double)used.system_ns / 1e9,
		.xdp_ns_per_packet = !prog_known ? -1.0 :
			bpf_run_time_ns_per_run(&prog_now, interval ? &c->prog_reported :
								      &c->prog_start),
	};
	if (interval) {
		c->reported = now;
		if (prog_known)
			c->prog_reported = prog_now;
	}
	return &c->shown;
}

void receiver_cpu_release(struct receiver_cpu *c)
{
	if (c->bpf_stats_fd < 0)
		return;
	close(c->bpf_stats_fd);
	c->bpf_stats_fd = -1;
	pr_debug("--bpf-stats: BPF run-time statistics released\n");
}
