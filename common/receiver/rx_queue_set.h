/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The run's bound queues, each an rx_queue that owns its socket,
 * statistics and thread: opened by receiver_open_queues(), read by the
 * loop, the threads, the reports and --metrics, closed by the receiver's
 * one release path.
 */
#ifndef XDP_HINTS_RX_QUEUE_SET_H
#define XDP_HINTS_RX_QUEUE_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "rx_queue.h"

struct rx_queue_set {
	struct rx_queue *queue;    /* rx_iface.n_queues of them, opened in order */
	size_t n_open;             /* queue[0..n_open) hold resources */
	size_t n_threads;          /* --threads: receive threads started */
	bool zero_copy;            /* every open socket bound zero-copy */
	/* --umem shared: the one UMEM of every queue's socket (NULL: each
	 * queue has its own); freed after the sockets. */
	struct xsk_shared_umem *shared;
};

#endif
