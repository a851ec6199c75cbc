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
#include "mono_clock.h"
#include "netdev_watch.h"
#include "options.h"
#include "phc_clock.h"
#include "receiver.h"
#include "receiver_capture.h"
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
static void set_rx_time_floor(const struct rx_config *cfg, struct rx_queue_set *qs)
{
	struct timespec ts;
	__u64 now;

	if (clock_gettime(cfg->clock == HINT_CLOCK_TAI ? CLOCK_TAI : CLOCK_MONOTONIC, &ts))
		return;
	now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	if (now <= RX_TIME_FLOOR_MARGIN_NS)
		return;
	for (size_t i = 0; i < qs->n_open; i++)
		queue_rx_stats_set_rx_time_floor(&qs->queue[i].stats,
						 now - RX_TIME_FLOOR_MARGIN_NS);
}

static void announce_ready(const struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	const struct rx_queue_set *qs = &rx->res.queues;
	__u32 first = qs->queue[0].xsk.queue_id;
	__u32 last = qs->queue[qs->n_open - 1].xsk.queue_id;

	if (log_level == LOG_QUIET)
		return;
	/* Two lines, each within 100 columns: the device and the clock, then
	 * "ready:" with the tokens scripts parse (queues, xdp, bind, rx,
	 * layout, buffers), last. */
	fprintf(stderr, PROG_NAME ": dev %s ifindex %d, rx times and latencies in clock %s\n",
		cfg->ifname, rx->conf.iface.ifindex, hint_clock_name(cfg->clock));
	fprintf(stderr, PROG_NAME ": ready: queues %u-%u xdp %s bind %s rx %s layout %s buffers %s\n",
		first, last, xdp_mode_label(cfg, &rx->res.attachment),
		qs->zero_copy ? "zero-copy" : "copy", rx_mode_label(cfg),
		cfg->xsks_map_path ? "foreign" :
		rx->res.prog.hint_program.driver_metadata ? "rx-hw" : hint_policy_name(cfg->layout),
		rx->res.prog.frags.multi_buffer ? "multi" : "single");
	fflush(stderr);
}

/* ---- the story ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct rx_config cfg = { 0 }; /* filled by rx_options_parse(), then read-only */
	struct receiver rx = RECEIVER_INIT;
	struct receiver_resources *res = &rx.res;
	int exit_code = EXIT_RUNTIME;
	char usage_err[256];
	int ret;

	log_prog_name = PROG_NAME;
	ret = rx_options_parse(argc, argv, &cfg, usage_err, sizeof(usage_err));
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
	if (receiver_check_placement(&cfg, usage_err, sizeof(usage_err))) {
		fprintf(stderr, PROG_NAME ": %s\n", usage_err);
		return EXIT_USAGE;
	}
	rx.conf.cfg = &cfg;
	log_level = cfg.verbosity;
	log_hook_libbpf();
	ret = report_out_check_std_fds();
	if (ret) {
		pr_err("standard output is closed: reports would go into whichever file gets fd 1 next; redirect it (e.g. >/dev/null)\n");
		return EXIT_RUNTIME;
	}
	/* Early, so a Ctrl-C during set-up still ends in the cleanup path. */
	ret = run_stop_init(&res->stop);
	if (ret) {
		pr_err("setting up the stop eventfd and signal handlers: %s\n", strerror(-ret));
		run_stop_close(&res->stop);
		return EXIT_RUNTIME;
	}
	/* --pcapng -: standard output carries the capture, so the reports
	 * go to stderr, as tcpdump's messages do with -w -. */
	report_out_init(&res->out, receiver_capture_to_stdout(&cfg) ? STDERR_FILENO : STDOUT_FILENO,
			res->stop.abandon_fd);

	/* The checks: what the run is, fixed before anything is made. */
	if (receiver_check_interface(&cfg, &rx.conf.iface))
		goto cleanup;
	if (receiver_share_umem(&cfg, &rx.conf.iface)) {
		exit_code = EXIT_USAGE;
		goto cleanup;
	}
	if (receiver_check_capabilities(&cfg, &rx.conf.iface))
		goto cleanup;
	if (receiver_check_memory(&cfg, &rx.conf.iface))
		goto cleanup;
	if (receiver_check_default_route(&cfg, &rx.conf.iface))
		goto cleanup;
	/* The set-up: what the run holds, released by receiver_release(). */
	if (receiver_setup_measurement(&cfg, &rx.conf.iface, &res->measure, &res->stop, &res->path))
		goto cleanup;
	receiver_cpu_setup(&res->cpu, &cfg); /* --bpf-stats; never fatal */
	if (!cfg.tx.no_rx && receiver_handle_existing_program(&cfg, &rx.conf.iface, false))
		goto cleanup;
	if (receiver_load_program(&rx))
		goto cleanup;
	if (receiver_setup_decoder(&rx))
		goto cleanup;
	/* never fatal */
	receiver_setup_phc(cfg.ifname, res->prog.hint_program.driver_metadata, &res->phc, &res->path);
	if (receiver_open_queues(&rx))
		goto cleanup;
	set_rx_time_floor(&cfg, &res->queues);
	if (receiver_enable_busy_poll(&cfg, &res->queues))
		goto cleanup;
	if (receiver_setup_tx(&cfg, &res->tx, &res->queues))
		goto cleanup;
	/* Last: until now no socket existed to redirect to. */
	if (!cfg.tx.no_rx && receiver_attach_program(&rx))
		goto cleanup;
	if (netdev_watch_init(&res->watch, &(struct netdev_watch_params){
			.ifname = cfg.ifname, .ifindex = rx.conf.iface.ifindex,
			.link_fd = res->attachment.link_fd,
			.first_queue = res->queues.queue[0].xsk.queue_id,
			.n_queues = (__u32)res->queues.n_open,
			.all_queues = !cfg.single_queue && !cfg.tx.no_rx,
			.foreign_program = cfg.xsks_map_path != NULL }))
		goto cleanup;
	/* After the attachment: its run_info names the XDP mode in use. */
	if (receiver_start_metrics(&cfg, &res->metrics, res->stop.fd,
				   xdp_mode_label(&cfg, &res->attachment), &res->prog, &res->queues))
		goto cleanup;
	if (rx_threads_start(&cfg, &res->queues, &res->stop))
		goto cleanup;
	announce_ready(&rx);

	rx.run.start_ns = monotonic_ns();
	receiver_cpu_start(&res->cpu, &(struct receiver_cpu_sources){
			.cfg = &cfg, .prog = &res->prog, .queues = &res->queues });
	/* --duration also as a timer: it ends a main thread stuck writing. */
	if (cfg.duration_ns)
		run_stop_set_deadline(&res->stop, cfg.duration_ns);
	receiver_run(&rx); /* until the run's stop is requested */
	rx_loop_finish(&rx); /* threads joined, XDP detached, rings drained */
	receiver_report(&rx, REPORT_FINAL);
	receiver_warn_tx_leftovers(cfg.ifname, rx.conf.iface.ifindex, &res->tx);
	rx_program_warn_overflow_queues(&res->prog, cfg.ifname, rx.conf.iface.dev_queues);
	exit_code = receiver_exit_status(&cfg, &res->measure, &res->out, &res->stop);

cleanup:
	receiver_release(&rx); /* the one release path, in its order */
	/* A stop signal during set-up is the user's choice, not a failure. */
	if (exit_code == EXIT_RUNTIME && run_stop_reason(&res->stop) == RUN_STOP_SIGNAL &&
	    !rx.run.start_ns)
		exit_code = EXIT_OK;
	return exit_code;
}
