/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's reports: gather the statistics (from the receive
 * threads' snapshots with --threads, plus the XDP program's and the
 * sockets' counters) and hand them to report_print() with the run's
 * description. Apart from report.c, which formats and knows nothing
 * about sockets, threads or the BPF object.
 */
#ifndef XDP_HINTS_RECEIVER_REPORT_H
#define XDP_HINTS_RECEIVER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "options.h"
#include "receiver_cpu.h"
#include "receiver_checks.h"
#include "report.h"
#include "report_out.h"
#include "run_stop.h"
#include "rx_program.h"
#include "rx_queue_set.h"
#include "rx_stats.h"

struct tx_cyclic;
struct xdp_attachment;
struct rx_measure;

/*
 * (3) The run's state, beside the counters each rx_queue keeps: what the
 * run learnt as it went. Zero-initialised; receiver_report_free() frees
 * the interval reports' memory.
 */
struct receiver_state {
	__u64 start_ns;            /* CLOCK_MONOTONIC when receiving began; 0: not yet */
	/* Warnings about frames the XDP program passed, each said once. */
	bool warned_meta_failing;
	__u64 oversize_warned;     /* oversize_passed count last warned about */
	bool warned_tx_clock;      /* --tx-stamps: a stamp of another clock, said once */
	/* --rx-period without --threads: the main thread's schedule. */
	struct rx_period_stats period;
	/* Interval reports: each queue's statistics as the previous report
	 * saw them, so the next shows its own interval. */
	struct queue_rx_stats *reported; /* n_reported, allocated at the first report */
	size_t n_reported;
	struct report_scratch report_scratch; /* likewise */
	__u64 reported_ns;         /* when, CLOCK_MONOTONIC; 0: none yet */
	unsigned int n_interval_reports;
};

/* What a report reads; none of it is changed but the queues' snapshots. */
struct report_sources {
	const struct rx_config *cfg;
	const struct rx_iface *iface;
	const struct rx_program *prog;
	struct rx_queue_set *queues;
	const char *xdp_mode;          /* xdp_mode_label() */
	const struct tx_cyclic *tx;    /* --tx; its stats are read in the final report only */
	struct report_out *out;        /* where the report is written, whole */
	struct receiver_cpu *cpu;      /* the CPU figures' baselines; NULL: not measured */
};

/* "busy-poll", "spin" or "wakeup". */
const char *rx_mode_label(const struct rx_config *cfg);
/* "native", "generic", or "none" with --tx --no-rx. */
const char *xdp_mode_label(const struct rx_config *cfg, const struct xdp_attachment *att);
/*
 * Gather the statistics (with --threads, the threads' snapshots for an
 * interval report), warn about passed frames, format the report and write
 * it to @src->out as one unit. 0, or negative errno (also an interval
 * report skipped because a thread did not answer returns 0).
 */
int receiver_print_report(const struct report_sources *src, struct receiver_state *state,
			  enum report_kind kind);
/* Free the interval reports' memory. Idempotent. */
void receiver_report_free(struct receiver_state *run);
/*
 * The exit status: 1 when the run ended in an error or standard output,
 * --csv or --pcapng could not be written (each said once, naming it),
 * else 0. Closes the CSV and pcapng files of @m to learn their errors.
 */
int receiver_exit_status(const struct rx_config *cfg, struct rx_measure *m,
			 struct report_out *out, const struct run_stop *stop);

#endif
