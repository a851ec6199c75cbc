// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * af_xdp_user - receive on AF_XDP sockets bound to every RX queue of an
 * interface, decode the XDP-hints the XDP program (af_xdp_kern.c) wrote in
 * front of each packet, using only the BTF of the object we loaded, and
 * report per-queue counts and XDP-to-userspace latency.
 *
 * main() is the story: options, interface checks, load the program, learn
 * the hint layouts from its BTF, open one socket per queue, attach XDP
 * (last, so nothing is redirected to a queue without a socket), receive,
 * report, release everything through one cleanup path.
 *
 * The steps live in common/, one folder per subject (README.org, "How
 * the code is organised"): receiver/ holds the run's steps (checks, set-up,
 * the loop, the threads, the end of the run, reports) over bpf/ (the XDP
 * program), netdev/ (the interface), rx/ (one rx_queue per bound queue),
 * measure/, output/, tx/, host/ and base/ (the run's stop eventfd).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netdev_watch.h"
#include "options.h"
#include "phc_clock.h"
#include "receiver.h"
#include "receiver_checks.h"
#include "receiver_measure.h"
#include "receiver_metrics.h"
#include "receiver_phc.h"
#include "receiver_report.h"
#include "receiver_tx.h"
#include "report_out.h"
#include "run_stop.h"
#include "rx_loop.h"
#include "rx_threads.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"

#define PROG_NAME "af_xdp_user"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

/* Tests and scripts wait for this exact prefix: printed at every
 * verbosity but -q, which promises errors only. */
/* Slack below the floor for clocks read on another CPU, or stepped (TAI). */
#define RX_TIME_FLOOR_MARGIN_NS 1000000000ULL

/*
 * Before the XDP program can redirect to our sockets: no hint can carry an
 * earlier rx time, so one that does is not a time (queue_rx_stats).
 */
static void set_rx_time_floor(struct receiver *rx)
{
	struct timespec ts;
	__u64 now;

	if (clock_gettime(rx->cfg.clock == HINT_CLOCK_TAI ? CLOCK_TAI : CLOCK_MONOTONIC, &ts))
		return;
	now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	if (now <= RX_TIME_FLOOR_MARGIN_NS)
		return;
	for (size_t i = 0; i < rx->n_open; i++)
		queue_rx_stats_set_rx_time_floor(&rx->queues[i].stats,
						 now - RX_TIME_FLOOR_MARGIN_NS);
}

static void announce_ready(const struct receiver *rx)
{
	__u32 first = rx->queues[0].xsk.queue_id;
	__u32 last = rx->queues[rx->n_open - 1].xsk.queue_id;

	if (log_level == LOG_QUIET)
		return;
	fprintf(stderr, PROG_NAME ": ready: dev %s ifindex %d queues %u-%u xdp %s bind %s rx %s layout %s clock %s buffers %s\n",
		rx->cfg.ifname, rx->ifindex, first, last, xdp_mode_label(rx),
		rx->zero_copy ? "zero-copy" : "copy", rx_mode_label(&rx->cfg),
		rx->cfg.xsks_map_path ? "foreign" :
		rx->hint_program.driver_metadata ? "rx-hw" : hint_policy_name(rx->cfg.layout),
		hint_clock_name(rx->cfg.clock), rx->frags.multi_buffer ? "multi" : "single");
	fflush(stderr);
}

/* ---- the story ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct receiver rx = RECEIVER_INIT;
	int exit_code = EXIT_RUNTIME;
	char usage_err[256];
	int ret;

	log_prog_name = PROG_NAME;
	ret = rx_options_parse(argc, argv, &rx.cfg, usage_err, sizeof(usage_err));
	if (ret == RX_OPTIONS_HELP || ret == RX_OPTIONS_MAN || ret == RX_OPTIONS_VERSION) {
		if (ret == RX_OPTIONS_HELP)
			rx_options_usage(stdout, PROG_NAME);
		else if (ret == RX_OPTIONS_MAN)
			rx_options_man(stdout, PROG_NAME);
		else
			rx_options_version(stdout, PROG_NAME);
		return EXIT_OK;
	}
	if (ret) {
		fprintf(stderr, PROG_NAME ": %s (see --help)\n", usage_err);
		return EXIT_USAGE;
	}
	if (receiver_check_placement(&rx.cfg, usage_err, sizeof(usage_err))) {
		fprintf(stderr, PROG_NAME ": %s\n", usage_err);
		return EXIT_USAGE;
	}
	log_level = rx.cfg.verbosity;
	log_hook_libbpf();
	ret = report_out_check_std_fds();
	if (ret) {
		pr_err("standard output is closed: reports would go into whichever file gets fd 1 next; redirect it (e.g. >/dev/null)\n");
		return EXIT_RUNTIME;
	}
	/* Early, so a Ctrl-C during set-up still ends in the cleanup path. */
	ret = run_stop_init(&rx.stop);
	if (ret) {
		pr_err("setting up the stop eventfd and signal handlers: %s\n", strerror(-ret));
		run_stop_close(&rx.stop);
		return EXIT_RUNTIME;
	}
	report_out_init(&rx.out, STDOUT_FILENO, rx.stop.abandon_fd);

	if (receiver_check_interface(&rx))
		goto cleanup;
	if (receiver_check_capabilities(&rx))
		goto cleanup;
	if (receiver_check_memory(&rx))
		goto cleanup;
	if (receiver_check_default_route(&rx))
		goto cleanup;
	if (receiver_setup_measurement(&rx))
		goto cleanup;
	if (!rx.cfg.tx.no_rx && receiver_handle_existing_program(&rx, false))
		goto cleanup;
	if (receiver_load_program(&rx))
		goto cleanup;
	if (receiver_setup_decoder(&rx))
		goto cleanup;
	receiver_setup_phc(&rx); /* never fatal */
	if (receiver_open_queues(&rx))
		goto cleanup;
	set_rx_time_floor(&rx);
	if (receiver_enable_busy_poll(&rx))
		goto cleanup;
	if (receiver_setup_tx(&rx))
		goto cleanup;
	/* Last: until now no socket existed to redirect to. */
	if (!rx.cfg.tx.no_rx && receiver_attach_program(&rx))
		goto cleanup;
	if (netdev_watch_init(&rx.watch, &(struct netdev_watch_params){
			.ifname = rx.cfg.ifname, .ifindex = rx.ifindex,
			.link_fd = rx.attachment.link_fd,
			.first_queue = rx.queues[0].xsk.queue_id, .n_queues = (__u32)rx.n_open,
			.all_queues = !rx.cfg.single_queue && !rx.cfg.tx.no_rx,
			.foreign_program = rx.cfg.xsks_map_path != NULL }))
		goto cleanup;
	/* After the attachment: its run_info names the XDP mode in use. */
	if (receiver_start_metrics(&rx))
		goto cleanup;
	if (rx_threads_start(&rx))
		goto cleanup;
	announce_ready(&rx);

	rx.start_ns = monotonic_ns();
	receiver_run(&rx); /* until the run's stop is requested */
	rx_loop_finish(&rx); /* threads joined, XDP detached, rings drained */
	receiver_print_report(&rx, REPORT_FINAL);
	receiver_warn_tx_leftovers(&rx);
	receiver_warn_overflow_queues(&rx);
	exit_code = receiver_exit_status(&rx);

cleanup:
	/* Whatever ended the run: every thread sees it and ends. */
	run_stop_request(&rx.stop, RUN_STOP_ERROR, 0);
	/* Detach first so no packet is redirected to a closing socket. */
	xdp_attachment_release(&rx.attachment);
	rx_threads_join(&rx); /* before the sockets they read go */
	receiver_stop_metrics(&rx);
	tx_cyclic_free(&rx.tx); /* stops the TX thread, before its UMEM goes */
	receiver_report_free(&rx); /* before n_open goes */
	receiver_close_queues(&rx);
	phc_clock_close(&rx.phc);
	receiver_free_program(&rx);
	receiver_release_measurement(&rx);
	report_out_destroy(&rx.out);
	run_stop_close(&rx.stop);
	/* A stop signal during set-up is the user's choice, not a failure. */
	if (exit_code == EXIT_RUNTIME && run_stop_reason(&rx.stop) == RUN_STOP_SIGNAL &&
	    !rx.start_ns)
		exit_code = EXIT_OK;
	return exit_code;
}
