/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's output on stdout: interval and final reports as a
 * compact table, the full counter table (--extended) or JSON lines, and
 * the optional line per packet. Every counter has one name, the same in
 * table headers, JSON keys, CSV, README and man page (OUTPUT section,
 * written by options.c).
 *
 * report.c works out what a report shows (an interval's own counts from
 * two cumulative copies, totals over the queues) into a report_view
 * (report_view.h) and hands it to report_text.c or report_json.c, which
 * know nothing of this file.
 */
#ifndef XDP_HINTS_REPORT_H
#define XDP_HINTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hint_decoder.h"
#include "rx_stats.h"
#include "report_view.h"

/*
 * The statistics a report works out (totals, an interval's counts),
 * allocated once for a run's queues: at one report every 2 ms, allocating
 * and touching fresh memory for each would cost more than the report.
 */
struct report_scratch {
	size_t n_queues;
	struct queue_rx_stats *stats;          /* 2 + n_queues */
	const struct queue_rx_stats **shown;   /* n_queues */
};

/* 0 or -ENOMEM (then @w holds nothing). */
int report_scratch_init(struct report_scratch *w, size_t n_queues, size_t n_layouts,
			bool tx_stamps);
/* Safe on a zeroed or freed scratch. */
void report_scratch_free(struct report_scratch *w);

/*
 * Format one report into @out. @now: each queue's cumulative statistics;
 * @before: their copies at the previous interval report (NULL: the start
 * of the run, or a final report); @w: a scratch for @n_queues queues of
 * @dec's layouts, or NULL to allocate one for this report. Returns 0 or
 * -ENOMEM.
 */
int report_print(FILE *out, enum report_style style, enum report_kind kind,
		 const struct report_run *run, const struct hint_decoder *dec,
		 const struct queue_rx_stats *const *now,
		 const struct queue_rx_stats *const *before, size_t n_queues,
		 struct report_scratch *w);

/*
 * What a --pkt-info line adds for a multi-buffer socket (--frags): the
 * frame's buffer count and the CRC-32 (zlib's, the Ethernet FCS
 * polynomial) of all its bytes, to compare what arrived with what was sent.
 */
struct pkt_frame_info {
	__u32 n_bufs;
	__u32 crc32;
};

/*
 * One packet (--pkt-info, and the pcapng comment). @len: the frame's
 * length. @frame: NULL on a single-buffer socket. @now_ns: the run's clock
 * when the packet was taken off the ring; the latency is now_ns - rx_ktime
 * when the hint has one, and a hint from the future is shown as
 * clock_backwards. @send_ns: the sender's stamp (--tx-stamps) when it was
 * timed, then tx_to_xdp_ns and tx_to_user_ns are shown; NULL: none.
 */
void report_packet(FILE *out, bool json, __u32 queue_id, const struct pkt_frame_info *frame,
		   const struct hint_decoder *dec, const struct decoded_hint *h,
		   const void *pkt, __u32 len, __u64 now_ns, const __u64 *send_ns);

#endif
