/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The receiver's output on stdout: the per-queue table or JSON lines, and
 * the optional line per packet. Formats are fixed by the CLI contract. */
#ifndef XDP_HINTS_REPORT_H
#define XDP_HINTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hint_decoder.h"
#include "rx_stats.h"

struct tx_cycle_stats;

struct report_run {
	const char *dev;
	int ifindex;
	const char *xdp_mode;   /* "native" | "generic" */
	const char *bind_mode;  /* "copy" | "zero-copy" */
	const char *rx_mode;    /* "wakeup" | "spin" */
	const char *clock;      /* "monotonic" | "tai": of rx times and latencies */
	bool multi_buffer;      /* sockets bound with XDP_USE_SG (--frags) */
	double duration_s;
	/* With --tx, in the final report only (the TX thread has stopped):
	 * a "tx" object / TX lines. NULL otherwise. */
	const struct tx_cycle_stats *tx;
};

enum report_kind {
	REPORT_INTERVAL,
	REPORT_FINAL,
};

/* Returns 0 or -ENOMEM (the total needs a layout array). */
int report_print(FILE *out, bool json, enum report_kind kind,
		 const struct report_run *run, const struct hint_decoder *dec,
		 const struct queue_rx_stats *const *queues, size_t n_queues);

/*
 * What a --pkt-info line adds for a multi-buffer socket (--frags): the
 * frame's buffer count and the CRC-32 (zlib's, the Ethernet FCS
 * polynomial) of all its bytes, to compare what arrived with what was sent.
 */
struct pkt_frame_info {
	__u32 n_bufs;
	__u32 crc32;
};

/* One packet (--pkt-info). @len: the frame's length. @frame: NULL on a
 * single-buffer socket. @latency_ns is valid when h->has_rx_ktime. */
void report_packet(FILE *out, bool json, __u32 queue_id, const struct pkt_frame_info *frame,
		   const struct hint_decoder *dec, const struct decoded_hint *h,
		   const void *pkt, __u32 len, __u64 latency_ns);

#endif
