/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --tx for af_xdp_user: time-triggered sending (tx_cyclic) on the first
 * queue's socket, run alone (--no-rx) or on its own thread beside the
 * receive loop. receiver_run() (rx_loop.h) runs the one step, "run",
 * whether it sends, receives or both.
 */
#ifndef XDP_HINTS_RECEIVER_TX_H
#define XDP_HINTS_RECEIVER_TX_H

#include <linux/types.h>

#include "options.h"
#include "rx_queue_set.h"
#include "tx_cyclic.h"

struct run_stop;

/* With --tx: set up the cycles on the first queue of @qs and say what they send. */
int receiver_setup_tx(const struct rx_config *cfg, struct tx_cyclic *tx,
		      const struct rx_queue_set *qs);
/* --tx --no-rx: send on this thread, placed by --tx-cpu/--tx-priority,
 * until the stop or --duration after @start_ns; the stop is requested
 * when sending ends. Negative errno on error, said once. */
int receiver_tx_alone(const struct rx_config *cfg, int ifindex, struct tx_cyclic *tx,
		      struct run_stop *stop, __u64 start_ns);
/* --tx beside receiving: start the TX thread. Negative errno (said, and
 * the stop requested) on error. */
int receiver_tx_start(const struct rx_config *cfg, struct tx_cyclic *tx, struct run_stop *stop);
/* Stop the TX thread started by receiver_tx_start(); its error, said once. */
int receiver_tx_stop(const char *ifname, int ifindex, struct tx_cyclic *tx);
/* After the run: frames whose completion never came back. */
/* @ifindex: to tell an interface that went away from one that went down. */
void receiver_warn_tx_leftovers(const char *ifname, int ifindex, const struct tx_cyclic *tx);

#endif
