// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Time-triggered TX beside (or instead of) receiving (see receiver_tx.h).
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>

#include "log.h"
#include "receiver_tx.h"
#include "run_stop.h"
#include "cpu_setup.h"

#ifndef XDP_HINTS_LIBXDP_VERSION
#define XDP_HINTS_LIBXDP_VERSION "(version unknown)"
#endif

#define NS_PER_SEC 1000000000ULL

int receiver_setup_tx(const struct rx_config *cfg, struct tx_cyclic *tx,
		      const struct rx_queue_set *qs)
{
	struct xsk_queue *q = &qs->queue[0].xsk;
	char what[256];
	int err;

	if (!cfg->tx.enabled)
		return 0;
	err = tx_cyclic_init(tx, &cfg->tx, cfg->ifname, q);
	if (err) {
		pr_err("%s queue %u: setting up TX: %s\n", cfg->ifname, q->queue_id,
		       err == -ENOMEM ? "out of memory" : strerror(-err));
		return err;
	}
	tx_cyclic_describe(tx, what, sizeof(what));
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
static const char *tx_interface_fate(const char *ifname, int ifindex, int err)
{
	if (err != -ENETDOWN && err != -ENXIO && err != -ENODEV)
		return NULL;
	if (if_nametoindex(ifname) != (unsigned int)ifindex)
		return "went away";
	return err == -ENETDOWN ? "went down" : "went away";
}

static int tx_error(const char *ifname, int ifindex, const struct tx_cyclic *tx, int err)
{
	const char *fate = tx_interface_fate(ifname, ifindex, err);

	if (fate)
		pr_err("%s: the interface %s while sending\n", ifname, fate);
	else if (err)
		pr_err("%s queue %u: sending: %s\n", ifname,
		       tx->stats->queue_id, strerror(-err));
	return err;
}

void receiver_warn_tx_leftovers(const char *ifname, int ifindex, const struct tx_cyclic *tx)
{
	const struct tx_cycle_stats *s = tx->stats;
	const char *fate;

	if (!s || s->frames_sent == s->frames_completed)
		return;
	/* The drain stops at the error: no waiting happened to speak of. */
	fate = tx_interface_fate(ifname, ifindex, tx->result);
	if (fate)
		pr_warn("%s queue %u: %llu TX frame(s) never completed: the interface %s\n",
			ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed), fate);
	else
		pr_warn("%s queue %u: %llu TX frame(s) never completed within %.1f s\n",
			ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed),
			(double)TX_DRAIN_TIMEOUT_NS / (double)NS_PER_SEC);
}

/*
 * Without --tx: receive. --tx --no-rx: the cycles run on this thread.
 * --tx: the cycles run on their own thread (its CPU and policy from
 * --tx-cpu and --tx-priority, never the receiving thread's) while this
 * one receives; when they are done the TX thread requests the run's stop.
 */
int receiver_tx_alone(const struct rx_config *cfg, int ifindex, struct tx_cyclic *tx,
		      struct run_stop *stop, __u64 start_ns)
{
	int err;

	/* This thread is the TX thread: --tx-cpu/--tx-priority place it. */
	err = cfg->tx_cpu >= 0 ? cpu_pin_self(cfg->tx_cpu) : 0;
	if (!err && cfg->tx_priority)
		err = cpu_fifo_self(cfg->tx_priority);
	if (err) {
		pr_err("placing the TX thread (--tx-cpu/--tx-priority): %s%s\n", strerror(-err),
		       err == -EPERM ? " (--tx-priority needs root or CAP_SYS_NICE)" : "");
		run_stop_request(stop, RUN_STOP_ERROR, err);
		return err;
	}
	err = tx_cyclic_run(tx, stop, cfg->duration_ns ? start_ns + cfg->duration_ns : 0);
	run_stop_request(stop, err ? RUN_STOP_ERROR : RUN_STOP_TX_DONE, err);
	return tx_error(cfg->ifname, ifindex, tx, err);
}

int receiver_tx_start(const struct rx_config *cfg, struct tx_cyclic *tx, struct run_stop *stop)
{
	char placement[160];
	pthread_attr_t attr;
	int err;

	err = thread_attr_init(&attr, cfg->tx_cpu, cfg->tx_priority, placement, sizeof(placement));
	if (!err) {
		err = tx_cyclic_start(tx, stop, &attr);
		pthread_attr_destroy(&attr);
	}
	if (err) {
		pr_err("starting the TX thread (%s): %s%s\n", placement, strerror(-err),
		       err == -EPERM ? " (--tx-priority needs root or CAP_SYS_NICE)" : "");
		run_stop_request(stop, RUN_STOP_ERROR, err);
		return err;
	}
	pr_info("TX thread on %s\n", placement);
	return 0;
}

int receiver_tx_stop(const char *ifname, int ifindex, struct tx_cyclic *tx)
{
	return tx_error(ifname, ifindex, tx, tx_cyclic_stop(tx));
}
