// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Time-triggered TX beside (or instead of) receiving (see receiver_tx.h).
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>

#include "log.h"
#include "receiver.h"
#include "receiver_tx.h"
#include "rx_loop.h"
#include "cpu_setup.h"

#ifndef XDP_HINTS_LIBXDP_VERSION
#define XDP_HINTS_LIBXDP_VERSION "(version unknown)"
#endif

int receiver_setup_tx(struct receiver *rx)
{
	struct xsk_queue *q = &rx->queues[0].xsk;
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

/*
 * What a TX error says about the interface: "went away" when no interface
 * of that name and index is left (deleted: the socket is unbound, ENXIO,
 * or still ENETDOWN from the close that comes first), "went down" when it
 * is still there, NULL for any other error.
 */
static const char *tx_interface_fate(const struct receiver *rx, int err)
{
	if (err != -ENETDOWN && err != -ENXIO && err != -ENODEV)
		return NULL;
	if (if_nametoindex(rx->cfg.ifname) != (unsigned int)rx->ifindex)
		return "went away";
	return err == -ENETDOWN ? "went down" : "went away";
}

static int tx_error(const struct receiver *rx, int err)
{
	const char *fate = tx_interface_fate(rx, err);

	if (fate)
		pr_err("%s: the interface %s while sending\n", rx->cfg.ifname, fate);
	else if (err)
		pr_err("%s queue %u: sending: %s\n", rx->cfg.ifname,
		       rx->tx.stats->queue_id, strerror(-err));
	return err;
}

void receiver_warn_tx_leftovers(const struct receiver *rx)
{
	const struct tx_cycle_stats *s = rx->tx.stats;
	const char *fate;

	if (!s || s->frames_sent == s->frames_completed)
		return;
	/* The drain stops at the error: no waiting happened to speak of. */
	fate = tx_interface_fate(rx, rx->tx.result);
	if (fate)
		pr_warn("%s queue %u: %llu TX frame(s) never completed: the interface %s\n",
			rx->cfg.ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed), fate);
	else
		pr_warn("%s queue %u: %llu TX frame(s) never completed within %.1f s\n",
			rx->cfg.ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed),
			(double)TX_DRAIN_TIMEOUT_NS / (double)NS_PER_SEC);
}

/*
 * Without --tx: receive. --tx --no-rx: the cycles run on this thread.
 * --tx: the cycles run on their own thread (its CPU and policy from
 * --tx-cpu and --tx-priority, never the receiving thread's) while this
 * one receives; when they are done the TX thread requests the run's stop.
 */
int receiver_run(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	char placement[160];
	pthread_attr_t attr;
	int err;

	if (!cfg->tx.enabled) {
		rx_loop_run(rx);
		return 0;
	}
	if (cfg->tx.no_rx) {
		/* This thread is the TX thread: --tx-cpu/--tx-priority place it. */
		err = cfg->tx_cpu >= 0 ? cpu_pin_self(cfg->tx_cpu) : 0;
		if (!err && cfg->tx_priority)
			err = cpu_fifo_self(cfg->tx_priority);
		if (err) {
			pr_err("placing the TX thread (--tx-cpu/--tx-priority): %s%s\n", strerror(-err),
			       err == -EPERM ? " (--tx-priority needs root or CAP_SYS_NICE)" : "");
			run_stop_request(&rx->stop, RUN_STOP_ERROR, err);
			return err;
		}
		err = tx_cyclic_run(&rx->tx, &rx->stop,
				    cfg->duration_ns ? rx->start_ns + cfg->duration_ns : 0);
		run_stop_request(&rx->stop, err ? RUN_STOP_ERROR : RUN_STOP_TX_DONE, err);
		return tx_error(rx, err);
	}
	err = thread_attr_init(&attr, cfg->tx_cpu, cfg->tx_priority, placement, sizeof(placement));
	if (!err) {
		err = tx_cyclic_start(&rx->tx, &rx->stop, &attr);
		pthread_attr_destroy(&attr);
	}
	if (err) {
		pr_err("starting the TX thread (%s): %s%s\n", placement, strerror(-err),
		       err == -EPERM ? " (--tx-priority needs root or CAP_SYS_NICE)" : "");
		run_stop_request(&rx->stop, RUN_STOP_ERROR, err);
		return err;
	}
	pr_info("TX thread on %s\n", placement);
	rx_loop_run(rx);
	return tx_error(rx, tx_cyclic_stop(&rx->tx));
}
