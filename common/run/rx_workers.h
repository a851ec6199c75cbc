/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --threads: one receive thread per queue, each owning its queue's
 * socket, statistics and CSV buffer, while the main thread supervises
 * (deadline, interval reports, stop signals, link, the threads' errors).
 * Interval reports read snapshots the threads hand over between batches,
 * so nothing on the packet path is shared but a per-batch atomic add.
 */
#ifndef XDP_HINTS_RX_WORKERS_H
#define XDP_HINTS_RX_WORKERS_H

struct receiver;

/* Start one thread per queue (with --threads; nothing otherwise) and
 * wait for each to finish its set-up (CPU pinning, SCHED_FIFO). */
int rx_workers_start(struct receiver *rx);
/* Stop and join every started thread, free what they held. Idempotent. */
void rx_workers_stop(struct receiver *rx);
/* Fill rx->snapshots from every thread. -ETIMEDOUT if one did not answer. */
int rx_workers_snapshot(struct receiver *rx);
/* The main thread's loop with --threads; stops the threads and sets
 * rx->total_packets before it returns. */
int rx_workers_supervise(struct receiver *rx);

#endif
