// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Time-triggered TX beside (or instead of) receiving (see receiver_tx.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "log.h"
#include "receiver.h"
#include "receiver_tx.h"
#include "rx_loop.h"
#include "stop_signal.h"

#ifndef XDP_HINTS_LIBXDP_VERSION
#define XDP_HINTS_LIBXDP_VERSION "(version unknown)"
#endif

int receiver_setup_tx(struct receiver *rx)
{
	struct xsk_queue *q = &rx->queues[0];
	char what[256];
	int err;

	if (!rx->cfg.tx.enabled)
		return 0;
	err = tx_cyclic_init(&rx->tx, &rx->cfg.tx, rx->cfg.ifname, q);
	if (err) {
		pr_err("%s queue %u: setting up TX: %s\n", rx->cfg.ifname, q->queue_id,
		       err == -ENOMEM ? "out of memory" : strerror(-err));
		return err;
	}
	tx_cyclic_describe(&rx->tx, what, sizeof(what));
	pr_info("%s\n", what);
	if (XSK_TX_HAVE_UMEM_TX_METADATA)
		pr_info("TX timestamps not requested: libxdp could register tx_metadata_len, this build does not use it\n");
	else
		pr_info("TX timestamps unavailable: libxdp %s cannot create a UMEM with tx_metadata_len\n",
			XDP_HINTS_LIBXDP_VERSION);
	return 0;
}

static int tx_error(const struct receiver *rx, int err)
{
	if (err == -ENETDOWN || err == -ENXIO || err == -ENODEV)
		pr_err("%s: interface went away or down while sending\n", rx->cfg.ifname);
	else if (err)
		pr_err("%s queue %u: sending: %s\n", rx->cfg.ifname,
		       rx->tx.stats->queue_id, strerror(-err));
	return err;
}

void receiver_warn_tx_leftovers(const struct receiver *rx)
{
	const struct tx_cycle_stats *s = rx->tx.stats;

	if (s && s->frames_sent != s->frames_completed)
		pr_warn("%s queue %u: %llu TX frame(s) never completed within %.1f s\n",
			rx->cfg.ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed),
			(double)TX_DRAIN_TIMEOUT_NS / (double)NS_PER_SEC);
}

/*
 * Without --tx: receive. --tx --no-rx: the cycles run on this thread (with
 * the stop signals unblocked, so they cut a sleep short). --tx: the cycles
 * run on their own thread while this one receives; when they are done the
 * TX thread ends the receive loop as a stop signal would.
 */
int receiver_run(struct receiver *rx)
{
	int err, tx_err;

	if (!rx->cfg.tx.enabled)
		return rx_receive_loop(rx);
	if (rx->cfg.tx.no_rx) {
		sigprocmask(SIG_SETMASK, &rx_wait_sigmask, NULL);
		err = tx_cyclic_run(&rx->tx, &rx_stop_requested,
				    rx->cfg.duration_ns ? rx->start_ns + rx->cfg.duration_ns : 0);
		return tx_error(rx, err);
	}
	err = tx_cyclic_start(&rx->tx, &rx_stop_requested);
	if (err) {
		pr_err("starting the TX thread: %s\n", strerror(-err));
		return err;
	}
	err = rx_receive_loop(rx);
	tx_err = tx_error(rx, tx_cyclic_stop(&rx->tx));
	return err ? err : tx_err;
}
