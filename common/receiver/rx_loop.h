/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The run: the main thread's loop until the stop eventfd says it is over,
 * and the end of the run in the order that makes every count exact.
 *
 * The main thread either receives itself (wakeup: ppoll() on the stop
 * eventfd and every socket; spin and busy-poll: round the rings), or,
 * with --threads, only waits on the stop eventfd. Either way it keeps the
 * run's schedule: the --duration deadline, interval reports, and the
 * once-a-second look at the interface.
 */
#ifndef XDP_HINTS_RX_LOOP_H
#define XDP_HINTS_RX_LOOP_H

#include <linux/types.h>

struct receiver;

/* Until the run's stop is requested (by anyone). Never fails itself:
 * errors request the stop with RUN_STOP_ERROR. */
void rx_loop_run(struct receiver *rx);

/* Receive, send (--tx), or both, until the end of the run: rx_loop_run()
 * beside the TX thread, or the TX cycles alone (--no-rx). Negative errno
 * on a TX error, said once. */
int receiver_run(struct receiver *rx);

/*
 * The end of a run, once its stop was requested: join the receive
 * threads, detach XDP (nothing new is redirected), take what is left in
 * every RX ring (drained_at_stop), and read the XDP program's and the
 * sockets' counters into each queue's stats, repeating the last two for a
 * moment until every redirected frame is accounted for (frames in flight
 * in a NAPI poll when XDP was detached land in the ring just after).
 */
void rx_loop_finish(struct receiver *rx);

/* netdev_watch_check() on the receiver's watch: 0, or negative errno after one
 * message when the interface, our XDP link or the RX queues changed. */
int rx_check_link(struct receiver *rx);

#endif
