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

#include "options.h"
#include "report.h"

struct receiver;

/* "busy-poll", "spin" or "wakeup". */
const char *rx_mode_label(const struct rx_config *cfg);
/* "native", "generic", or "none" with --tx --no-rx. */
const char *xdp_mode_label(const struct receiver *rx);
/*
 * An interval or the final report on standard output (table or JSON),
 * written whole through rx->out. An interval report shows what happened
 * since the previous one (each queue's statistics are copied for the
 * next); the final report shows the whole run. The final report reads what
 * rx_loop_finish() left in each queue's stats. Returns 0, or the output's
 * error (negative errno; -ECANCELED once the run is abandoned), which
 * receiver_exit_status() reports.
 */
int receiver_print_report(struct receiver *rx, enum report_kind kind);
/* Free the copies interval reports keep. Safe when there are none. */
void receiver_report_free(struct receiver *rx);

/*
 * One message for each thing that went wrong in the run (its stop error
 * was reported where it happened; standard output and the --csv file are
 * reported here, once) and the exit status: 0, or 1 after an error.
 */
int receiver_exit_status(struct receiver *rx);

#endif
