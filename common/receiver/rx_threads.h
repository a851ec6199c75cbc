/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --threads: one receive thread per queue, each calling rx_queue_poll()
 * on its own rx_queue, so the packet path shares nothing between threads
 * but the --count quota. Each thread's CPU (--cpu-list, else --cpu, else
 * the process's CPUs) and policy (--priority: SCHED_FIFO) are set through
 * its creation attributes and printed at start; it has every signal
 * blocked, and ends when the run's stop eventfd becomes readable.
 */
#ifndef XDP_HINTS_RX_THREADS_H
#define XDP_HINTS_RX_THREADS_H

#include "options.h"
#include "rx_queue_set.h"

struct run_stop;

/* Start one thread per queue. 0, or negative errno after one message
 * (the run's stop is then requested, so started threads end). */
int rx_threads_start(const struct rx_config *cfg, struct rx_queue_set *qs, struct run_stop *stop);

/* Wait for every started thread; the run's stop must have been
 * requested. Idempotent. */
void rx_threads_join(struct rx_queue_set *qs);

/*
 * Fill every queue's snapshot for an interval report: each thread copies
 * its statistics between two batches when asked. -ETIMEDOUT if a thread
 * did not answer within half a second (it is stuck in an output wait).
 */
int rx_threads_snapshot(struct rx_queue_set *qs);

#endif
