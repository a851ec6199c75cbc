/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's CPU cost in every report (cpu_usage.h has the readings):
 * the receiving threads' user and system time per interval and over the
 * run, and the XDP program's nanoseconds per packet from the kernel's BPF
 * run-time statistics, which --bpf-stats turns on for the run.
 *
 * The receiving thread is the main thread without --threads (it reads
 * its own RUSAGE_THREAD at report time); with --threads each receive
 * thread reads its own when it hands over a snapshot and when it ends, so
 * the figures are exact at report time and the packet path is untouched.
 */
#ifndef XDP_HINTS_RECEIVER_CPU_H
#define XDP_HINTS_RECEIVER_CPU_H

#include "cpu_usage.h"
#include "options.h"
#include "report.h"
#include "rx_program.h"
#include "rx_queue_set.h"

/* Where the figures come from: the receiving threads (the main thread
 * without --threads, else each queue's thread) and our XDP program. */
struct receiver_cpu_sources {
	const struct rx_config *cfg;
	const struct rx_program *prog;
	const struct rx_queue_set *queues;
};

struct receiver_cpu {
	int bpf_stats_fd;               /* --bpf-stats: BPF_STATS_RUN_TIME held, or -1 */
	struct cpu_time start;          /* receiving threads' CPU time at the start */
	struct cpu_time reported;       /* ... at the previous interval report */
	struct bpf_run_time prog_start; /* the XDP program's, likewise */
	struct bpf_run_time prog_reported;
	struct report_cpu shown;        /* the figures of the last report */
};

#define RECEIVER_CPU_INIT { .bpf_stats_fd = -1 }

/* --bpf-stats: turn the BPF run-time statistics on until
 * receiver_cpu_release(), and say so in one line. Never fatal: without
 * the privilege (EPERM) one line says xdp_ns_per_packet is left out. */
void receiver_cpu_setup(struct receiver_cpu *c, const struct rx_config *cfg);
/* When receiving begins: what the run's figures count from. */
void receiver_cpu_start(struct receiver_cpu *c, const struct receiver_cpu_sources *src);
/*
 * The receiving threads' CPU time since the start of the run. With
 * --threads, as of each thread's last snapshot (or its end): call after a
 * successful rx_threads_snapshot() or once the threads are joined.
 */
void receiver_cpu_since_start(const struct receiver_cpu *c,
			      const struct receiver_cpu_sources *src, struct cpu_time *t);
/*
 * The figures of a report of @kind (interval: since the previous one,
 * which they then become; final: the whole run), in @c's storage; same
 * conditions as receiver_cpu_since_start().
 */
const struct report_cpu *receiver_cpu_report(struct receiver_cpu *c,
					     const struct receiver_cpu_sources *src,
					     enum report_kind kind);
/* Turn the statistics off again (close the fd). Idempotent. */
void receiver_cpu_release(struct receiver_cpu *c);

#endif
