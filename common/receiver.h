/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * struct receiver: everything af_xdp_user holds for one run (options,
 * interface, BPF program, decoder, sockets, statistics, measurement
 * set-up, receive threads, TX, PHC), and the set-up and teardown steps
 * that touch the BPF skeleton: load the program, build the decoder from
 * its BTF, open one socket per queue, attach, read its counter maps.
 *
 * Why one struct: main() runs these steps in order and releases them
 * through one cleanup path; each step fills in its part and each release
 * is safe on a zero-initialised or half-built receiver. Keeping every use
 * of the skeleton in receiver.c leaves the other receiver_* and rx_*
 * modules free of it.
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
#include "hint_decoder.h"
#include "hint_program.h"
#include "options.h"
#include "phc_clock.h"
#include "rx_stats.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"
#include "xsk_queue.h"
#include "mono_clock.h"

#define RX_BATCH 64U
#define NS_PER_SEC 1000000000ULL
/* The link state is checked this often: an unregistered device does not
 * wake poll() on an AF_XDP socket, so without it we would wait forever. */
#define LINK_CHECK_NS NS_PER_SEC

struct rx_worker;

struct receiver {
	struct rx_config cfg;
	int ifindex;
	__u32 dev_queues;          /* RX queues of the device */
	char driver[32];
	struct af_xdp_kern *skel;
	struct hint_program hint_program; /* which XDP program, and why */
	struct hint_decoder decoder;
	struct xsk_queue *queues;  /* n_queues, opened in order */
	struct queue_rx_stats *stats;
	struct pollfd *pollfds;
	size_t n_queues;
	size_t n_open;             /* queues[0..n_open) hold resources */
	bool zero_copy;
	struct xdp_attachment attachment;
	struct queue_counters *percpu_scratch;
	int n_cpus;
	__u64 start_ns;
	__u64 total_packets;
	/* Measurement set-up (receiver_measure.h, rx_workers.h). */
	int dma_latency_fd;        /* held /dev/cpu_dma_latency request, or -1 */
	int csv_fd;                /* --csv file, or -1 */
	struct csv_log csv;        /* the main thread's buffer (without --threads) */
	struct rx_worker *workers; /* --threads: one per queue */
	size_t n_workers;          /* started */
	struct queue_rx_stats *snapshots; /* --threads: what interval reports show */
	_Atomic __u64 shared_packets; /* --threads: total, added per batch */
	struct tx_cyclic tx;       /* --tx: sends on queues[0] */
	/*
	 * The device's PHC, open only with the hw program, and its offset
	 * to CLOCK_MONOTONIC (PHC_OFFSET_NONE: none). The main thread
	 * resamples it; receive threads load it once per batch. One relaxed
	 * 64-bit atomic is enough: the offset is a complete value on its
	 * own, nothing else is published with it, and an old or a new one
	 * are both right to within the drift of one interval; the atomic
	 * only rules out a torn read.
	 */
	struct phc_clock phc;
	_Atomic __s64 phc_offset_ns;
	/* Run-time warnings about frames the XDP program passed (receiver_report.c). */
	bool warned_meta_failing;
	__u64 oversize_warned;     /* oversize_passed count last warned about */
};

#define RECEIVER_INIT { .attachment = XDP_ATTACHMENT_INIT, .dma_latency_fd = -1, \
			.csv_fd = -1 }

static inline const char *permission_hint(int err)
{
	return err == -EPERM || err == -EACCES ? " (need root/CAP_NET_ADMIN+CAP_BPF)" : "";
}

/*
 * The steps below print one message naming the interface/queue and the
 * cause, and return negative errno.
 */

/* Open the embedded object, set its load-time constants and map sizes,
 * load the software or driver-metadata program (hint_program_load). */
int receiver_load_program(struct receiver *rx);
/* The hint layouts, from the loaded object's BTF. */
int receiver_setup_decoder(struct receiver *rx);
/* One UMEM + AF_XDP socket per queue, registered in xsks_map. */
int receiver_open_queues(struct receiver *rx);
/* Release what receiver_open_queues() opened. Idempotent. */
void receiver_close_queues(struct receiver *rx);
/* Attach the loaded program (after --force removed an existing one). */
int receiver_attach_program(struct receiver *rx);
/* The XDP program's per-queue counters and each socket's into @stats:
 * rx->stats, or with --threads during the run the snapshots. */
void receiver_refresh_kernel_counters(struct receiver *rx, struct queue_rx_stats *stats);
/* Frames the XDP program passed because they exceed a UMEM frame
 * (oversize_passed, all CPUs); 0 when it cannot be read. */
__u64 receiver_oversize_passed(struct receiver *rx);
/* Warn about packets on queues the device gained after start-up. */
void receiver_warn_overflow_queues(struct receiver *rx);
/* Free the skeleton, decoder and scratch buffers. */
void receiver_free_program(struct receiver *rx);

#endif
