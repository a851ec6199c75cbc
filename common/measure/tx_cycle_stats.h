/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What time-triggered TX (tx/tx_cyclic.h) counts, apart from the code
 * that sends, so reports can show it without depending on TX.
 */
#ifndef XDP_HINTS_TX_CYCLE_STATS_H
#define XDP_HINTS_TX_CYCLE_STATS_H

#include <stdint.h>

#include "latency_histogram.h"

struct tx_cycle_stats {
	uint64_t cycles;            /* cycles run (batches attempted) */
	uint64_t frames_sent;       /* put on the TX ring */
	uint64_t frames_completed;  /* back on the completion ring */
	uint64_t frames_short;      /* batch frames not sent: no free frame or ring slot */
	uint64_t missed_deadlines;  /* grid points skipped after an overrun */
	uint64_t kicks;             /* sendto() wake-ups */
	uint64_t kick_retries;      /* ... that said EAGAIN/EBUSY/ENOBUFS */
	uint32_t queue_id;
	struct latency_histogram wakeup_error; /* wake-up time - deadline, ns */
};

#endif
