/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SIGINT, SIGTERM and SIGHUP end af_xdp_user's run through its cleanup
 * path: the handler only sets rx_stop_requested, which the receive, TX
 * and supervising loops test. Its own module because all of them (and
 * the TX thread, through tx_cyclic) share the flag and the wait mask.
 */
#ifndef XDP_HINTS_STOP_SIGNAL_H
#define XDP_HINTS_STOP_SIGNAL_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t rx_stop_requested;

/*
 * The mask to wait with in ppoll(): with @block_outside_wait the stop
 * signals are blocked everywhere else, so one that lands between the
 * flag check and the wait cannot be missed until the wait times out.
 */
extern sigset_t rx_wait_sigmask;

/* Install the handlers (no SA_RESTART: the wait must return EINTR so the
 * loop sees the flag). Negative errno on failure. */
int rx_install_stop_signals(bool block_outside_wait);

#endif
