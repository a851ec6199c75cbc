/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * struct receiver: what af_xdp_user holds for one run, split by lifetime:
 * (1) receiver_config, fixed once parsed and checked; (2)
 * receiver_resources, made by the set-up steps and freed by
 * receiver_release(), the one release path; (3) receiver_state, what the
 * run learns as it goes (warnings said, the previous interval report).
 *
 * Only main() and the receiver's own set-up/teardown (receiver.c) and run
 * (rx_loop.c) take the whole struct; every other module takes the pieces
 * it needs: the checks the options and the interface, the reports the
 * queues, the program and the state, one queue its rx_queue.
 */
#ifndef XDP_HINTS_RECEIVER_H
#define XDP_HINTS_RECEIVER_H

#include <stddef.h>
#include <linux/types.h>

#include "metrics_server.h"
#include "netdev_watch.h"
#include "options.h"
#include "phc_clock.h"
#include "receiver_checks.h"
#include "receiver_cpu.h"
#include "receiver_measure.h"
#include "receiver_report.h"
#include "report_out.h"
#include "run_stop.h"
#include "rx_program.h"
#include "rx_queue.h"
#include "rx_queue_set.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"

#define NS_PER_SEC 1000000000ULL
/* The interface is checked this often (netdev_watch.h): an unregistered
 * device does not wake poll() on an AF_XDP socket, so without it we would
 * wait forever. */
#define LINK_CHECK_NS NS_PER_SEC

/* (1) What the run is: the options as parsed and the interface as the
 * checks found it. Fixed before any resource is made; read-only after. */
struct receiver_config {
	const struct rx_config *cfg;
	struct rx_iface iface;     /* receiver_check_interface() */
};

/* (2) What the run holds: every member is released by receiver_release(),
 * each release safe on a zero-initialised or half-built one. */
struct receiver_resources {
	struct run_stop stop;      /* the one way the run ends: made first, closed last */
	struct report_out out;     /* standard output, for every thread */
	struct rx_measure measure; /* --cpu-dma-latency, --csv, --pcapng */
	struct rx_program prog;    /* the XDP program, its frags plan, decoder and counters */
	struct rx_path path;       /* what every queue's receive path shares */
	struct rx_queue_set queues;
	struct xdp_attachment attachment;
	struct netdev_watch watch; /* what changes under us: checked every LINK_CHECK_NS */
	struct metrics_server metrics; /* --metrics */
	struct tx_cyclic tx;       /* --tx: sends on queues.queue[0] */
	struct phc_clock phc;      /* open only with the hw program */
	struct receiver_cpu cpu;   /* --bpf-stats, and the CPU figures' baselines */
};

/* Everything af_xdp_user holds for one run. (3), the run's state, is
 * struct receiver_state (receiver_report.h): the counters live in each
 * rx_queue; the warnings and the interval reports' memory in there. */
struct receiver {
	struct receiver_config conf;
	struct receiver_resources res;
	struct receiver_state run;
};

#define RECEIVER_INIT { .res = { .stop = RUN_STOP_INIT, .measure = RX_MEASURE_INIT, \
				.attachment = XDP_ATTACHMENT_INIT, .metrics = METRICS_SERVER_INIT, \
				.cpu = RECEIVER_CPU_INIT } }

/*
 * The set-up steps below print one message naming the interface/queue
 * and the cause, and return negative errno.
 */

/* The XDP program (rx_program_load()); with --xsks-map its attach mode
 * is the one the other process chose. */
int receiver_load_program(struct receiver *rx);
/* The hint layouts, from the loaded object's BTF; the shared receive path. */
int receiver_setup_decoder(struct receiver *rx);
/* One UMEM + AF_XDP socket per queue, registered in xsks_map. */
int receiver_open_queues(struct receiver *rx);
/* Attach the loaded program (after --force removed an existing one). */
int receiver_attach_program(struct receiver *rx);
/* An interval or the final report (receiver_print_report()) of this run. */
int receiver_report(struct receiver *rx, enum report_kind kind);
/*
 * The one release path, whatever ended the run or the set-up: request the
 * stop (every thread ends), detach XDP, join the threads, then free each
 * resource after everything that uses it. Safe on a half-built receiver.
 */
void receiver_release(struct receiver *rx);

#endif
