/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --tx for af_xdp_user: time-triggered sending (tx_cyclic) on the first
 * queue's socket, run alone (--no-rx) or on its own thread beside the
 * receive loop. Here so the tool's main() runs one step, "run", whether
 * it sends, receives or both.
 */
#ifndef XDP_HINTS_RECEIVER_TX_H
#define XDP_HINTS_RECEIVER_TX_H

struct receiver;

/* With --tx: set up the cycles on rx->queues[0] and say what they send. */
int receiver_setup_tx(struct receiver *rx);
/* Receive, send, or both, until the end of the run. Negative errno on error. */
int receiver_run(struct receiver *rx);
/* After the run: frames whose completion never came back. */
void receiver_warn_tx_leftovers(const struct receiver *rx);

#endif
