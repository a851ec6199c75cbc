// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stop flag and signal mask af_xdp_user's loops share (see
 * stop_signal.h).
 */
#include <errno.h>
#include <signal.h>

#include "stop_signal.h"

volatile sig_atomic_t rx_stop_requested;
sigset_t rx_wait_sigmask;

static void on_signal(int sig)
{
	(void)sig;
	rx_stop_requested = 1;
}

int rx_install_stop_signals(bool block_outside_wait)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t stop_set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&stop_set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
		sigaddset(&stop_set, sigs[i]);
	}
	if (sigprocmask(block_outside_wait ? SIG_BLOCK : SIG_SETMASK,
			block_outside_wait ? &stop_set : NULL, &rx_wait_sigmask))
		return -errno;
	return 0;
}
