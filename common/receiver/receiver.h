/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * struct receiver: everything af_xdp_user holds for one run (options,
 * interface, BPF program, decoder, the queues (each an rx_queue that owns
 * its socket, statistics and thread), the stop eventfd, standard output,
 * measurement set-up, TX, PHC), and the set-up and teardown steps
 * that touch the BPF skeleton: load the program, build the decoder from
 * its BTF, open one socket per queue, attach, read its counter maps.
 *
 * Why one struct: main() runs these steps in order and releases them
 * through one cleanup path; each step fills in its part and each release
 * is safe on a zero-initialised or half-built receiver. Modules that work
 * on one queue get its rx_queue, not this struct. Keeping every use of
 * the skeleton in receiver.c leaves the other modules free of it.
 */
#ifndef XDP_HINTS_RECEIVER_H
#define XDP_HINTS_RECEIVER_H

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>

#include "csv_log.h"
#include "frags.h"
#include "hint_decoder.h"
#include "hint_program.h"
#include "netdev_watch.h"
#include "metrics_server.h"
#include "options.h"
#include "pcapng_writer.h"
#include "phc_clock.h"
#include "receiver_cpu.h"
#include "receiver_foreign.h"
#include "report.h"
#include "report_out.h"
#include "run_stop.h"
#include "rx_queue.h"
#include "rx_stats.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"
#include "mono_clock.h"

#define NS_PER_SEC 1000000000ULL
/* The interface is checked this often (netdev_watch.h): an unregistered
 * device does not wake poll() on an AF_XDP socket, so without it we would
 * wait forever. */
#define LINK_CHECK_NS NS_PER_SEC

struct receiver {
	struct rx_config cfg;
	int ifindex;
	__u32 dev_queues;          /* RX queues of the device */
	char driver[32];
	struct af_xdp_kern *skel;  /* NULL with --xsks-map */
	struct hint_program hint_program; /* which XDP program, and why */
	struct foreign_program foreign; /* --xsks-map: another process's program */
	__u32 mtu;                 /* of the interface at start */
	struct frags_plan frags;   /* multi-buffer or not, and why */
	struct hint_decoder decoder;
	struct rx_path path;       /* what every queue's receive path shares */
	struct rx_queue *queues;   /* n_queues, opened in order */
	size_t n_queues;
	size_t n_open;             /* queues[0..n_open) hold resources */
	size_t n_threads;          /* --threads: receive threads started */
	bool zero_copy;
	struct xdp_attachment attachment;
	struct netdev_watch watch; /* what changes under us: checked every LINK_CHECK_NS */
	struct queue_counters *percpu_scratch;
	int n_cpus;
	__u64 start_ns;
	struct run_stop stop;      /* the one way the run ends */
	struct report_out out;     /* standard output, for every thread */
	/* Measurement set-up (receiver_measure.h). */
	int dma_latency_fd;        /* held /dev/cpu_dma_latency request, or -1 */
	struct csv_file csv;       /* --csv; fd -1 without */
	struct pcapng_file pcapng; /* --pcapng; fd -1 without */
	struct metrics_server metrics; /* --metrics */
	struct tx_cyclic tx;       /* --tx: sends on queues[0] */
	struct phc_clock phc;      /* open only with the hw program */
	struct receiver_cpu cpu;   /* CPU cost in reports (receiver_cpu.h) */
	/* Run-time warnings about frames the XDP program passed (receiver_report.c). */
	bool warned_meta_failing;
	__u64 oversize_warned;     /* oversize_passed count last warned about */
	/* Interval reports (receiver_report.c): each queue's statistics as
	 * the previous report saw them, so the next shows its own interval. */
	struct queue_rx_stats *reported; /* n_open, allocated at the first report */
	struct report_scratch report_scratch; /* likewise */
	__u64 reported_ns;         /* when, CLOCK_MONOTONIC; 0: none yet */
	unsigned int n_interval_reports;
};

#define RECEIVER_INIT { .attachment = XDP_ATTACHMENT_INIT, .dma_latency_fd = -1, \
			.csv = { .fd = -1 }, .stop = RUN_STOP_INIT, .pcapng = { .fd = -1 }, \
			.metrics = METRICS_SERVER_INIT, .cpu = RECEIVER_CPU_INIT }

static inline const char *permission_hint(int err)
{
	return err == -EPERM || err == -EACCES ? " (need root/CAP_NET_ADMIN+CAP_BPF)" : "";
}

/*
 * The steps below print one message naming the interface/queue and the
 * cause, and return negative errno.
 */

/* Open the embedded object, set its load-time constants and map sizes,
 * load the software or driver-metadata program (hint_program_load); with
 * --xsks-map, use another process's program instead (receiver_foreign.h). */
int receiver_load_program(struct receiver *rx);
/* The hint layouts, from the loaded object's BTF. */
int receiver_setup_decoder(struct receiver *rx);
/* One UMEM + AF_XDP socket per queue, registered in xsks_map. */
int receiver_open_queues(struct receiver *rx);
/* Release what receiver_open_queues() opened. Idempotent. */
void receiver_close_queues(struct receiver *rx);
/* Attach the loaded program (after --force removed an existing one). */
int receiver_attach_program(struct receiver *rx);
/* The XDP program's per-queue counters and each socket's XDP_STATISTICS
 * into @stats[i] (queue i's stats, or its snapshot with --threads). */
void receiver_refresh_kernel_counters(struct receiver *rx, struct queue_rx_stats *const *stats);
/* Frames the XDP program passed because they exceed a UMEM frame
 * (oversize_passed, all CPUs); 0 when it cannot be read. */
__u64 receiver_oversize_passed(struct receiver *rx);
/* Warn about packets on queues the device gained after start-up. */
void receiver_warn_overflow_queues(struct receiver *rx);
/* Free the skeleton, decoder and scratch buffers. */
void receiver_free_program(struct receiver *rx);

#endif
