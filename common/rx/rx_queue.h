/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One bound RX queue and everything that belongs to it: its AF_XDP socket
 * and UMEM (xsk_queue.h), its statistics, the copy of them that interval
 * reports read while a receive thread runs, its CSV buffer, its pcapng
 * buffer, its --pkt-info lines and, with --threads, the thread that
 * receives on it.
 *
 * rx_queue_poll() is the receive path, the same for the main thread's
 * loop and for a queue's own thread: take a batch off the RX ring, decode
 * each frame's hint, account it, log it, give the frames back to the fill
 * ring. Nothing in it allocates, locks (but for a --csv or --pcapng
 * buffer written out, or a batch of --pkt-info lines), compares strings
 * or prints.
 */
#ifndef XDP_HINTS_RX_QUEUE_H
#define XDP_HINTS_RX_QUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "cpu_usage.h"
#include "csv_log.h"
#include "hint_decoder.h"
#include "pcapng_writer.h"
#include "report_out.h"
#include "run_stop.h"
#include "rx_period.h"
#include "rx_stats.h"
#include "xsk_queue.h"

#define RX_BATCH 64U

/*
 * What the receive path of every queue shares: set up before the first
 * packet and read-only after, but for the --count quota and the PHC
 * offset, which are atomics.
 */
struct rx_path {
	const char *ifname;         /* for messages */
	const struct hint_decoder *decoder;
	struct run_stop *stop;
	struct report_out *out;     /* --pkt-info lines go here */
	bool pkt_info;
	bool json;
	bool busy_poll;             /* drive NAPI from the socket before each batch */
	bool kick_fill;             /* spin or busy-poll: nobody poll()s for us */
	/*
	 * The producer writes no hint, only btf_id 0 (our own program with
	 * --layout none): frames are counted as hint-less without reading
	 * their metadata, so the baseline touches no frame memory, like an
	 * rxdrop receiver.
	 */
	bool no_hints;
	/* --tx-stamps: read the sender's stamp in each frame's payload
	 * (headers/tx_stamp.h), for tx_to_xdp and tx_to_user. */
	bool tx_stamps;
	/* --rx-period S[,PHASE] in ns (rx_period.h); 0: not scheduled. */
	__u64 rx_period_ns;
	__u64 rx_period_phase_ns;
	/*
	 * --count: batches reserve their budget from @quota before they take
	 * frames off a ring, so several threads together stop at exactly
	 * max_packets; @received says when that happened.
	 */
	__u64 max_packets;          /* 0: no limit */
	_Atomic __u64 quota;
	_Atomic __u64 received;
	/*
	 * The device's PHC minus CLOCK_MONOTONIC (PHC_OFFSET_NONE: none),
	 * loaded once per batch. A relaxed atomic is enough: the offset is a
	 * complete value on its own, an old or a new one are both right to
	 * within one interval's drift; the atomic only rules out a torn read.
	 */
	_Atomic __s64 phc_offset_ns;
	/*
	 * --pcapng: CLOCK_REALTIME minus CLOCK_MONOTONIC, which turns rx_ktime
	 * into the wall-clock time a capture file holds; resampled like the
	 * PHC offset (NTP slews the wall clock), a relaxed atomic for the
	 * same reason.
	 */
	_Atomic __s64 realtime_offset_ns;
};

struct rx_queue {
	struct xsk_queue xsk;
	struct rx_path *path;
	struct queue_rx_stats stats;    /* written by the receiving thread only */
	struct csv_log csv;             /* buf is NULL without --csv */
	FILE *pkt_lines;                /* --pkt-info: this batch's lines */
	char *pkt_lines_buf;
	struct pcapng_log capture;      /* --pcapng: buf is NULL without */
	FILE *capture_comment;          /* the frame's decoded hint, as JSON */
	char *capture_comment_buf;
	/* --threads (receiver/rx_threads.c) */
	struct queue_rx_stats snapshot; /* what interval reports read */
	atomic_int snapshot_req;        /* 1: copy stats into snapshot */
	int wake_fd;                    /* eventfd: a snapshot is wanted */
	struct cpu_time cpu_time;       /* the thread's own, at its last snapshot or end */
	struct rx_period_stats period;  /* --rx-period with --threads: this thread's schedule */
	int cpu;                        /* -1: not pinned */
	pthread_t thread;
	bool thread_started;
};

/*
 * Open the queue's socket and UMEM (@p), its statistics for the decoder's
 * layouts, a CSV buffer on @csv (NULL: none), and with @threads the
 * snapshot and wake eventfd. On error returns negative errno, sets *stage
 * (XSK_STAGE_NONE: memory or an fd, not the socket) and leaves @q closed.
 */
int rx_queue_open(struct rx_queue *q, const struct xsk_queue_params *p,
		  struct rx_path *path, struct csv_file *csv, bool threads,
		  enum xsk_queue_stage *stage);

/*
 * --pcapng: capture every frame of this queue as interface @if_id of @file
 * (rx_queue_poll() then encodes each frame with its decoded hint as the
 * packet comment). After rx_queue_open(); 0 or -ENOMEM. Released by
 * rx_queue_close(), which writes out what is still buffered.
 */
int rx_queue_enable_capture(struct rx_queue *q, struct pcapng_file *file, __u32 if_id);

/* Release everything the queue holds. Safe on a zeroed or closed queue
 * once rx_queue_init_closed() ran on it. */
void rx_queue_close(struct rx_queue *q);
void rx_queue_init_closed(struct rx_queue *q);

static inline int rx_queue_fd(const struct rx_queue *q)
{
	return xsk_queue_fd(&q->xsk);
}

/*
 * Receive one batch (at most RX_BATCH frames, fewer when --count has
 * fewer left). Requests the run's stop when --count is reached or this
 * queue's output failed. Returns the number of frames received.
 */
unsigned int rx_queue_poll(struct rx_queue *q);

/*
 * Scheduled receive (--rx-period): batches until one takes less than a
 * full batch, i.e. the RX ring is empty as far as this pass can tell (or
 * --count is reached, or the stop requested). Returns the frames taken.
 */
__u64 rx_queue_poll_all(struct rx_queue *q);

/*
 * --umem shared: the queue's pool counters (pool_dry, frames owned) into
 * @s->pool; nothing with a UMEM of its own. Only on the thread that
 * receives on the queue, or once it has stopped: it reads what that
 * thread writes.
 */
void rx_queue_read_pool(const struct rx_queue *q, struct queue_rx_stats *s);

/*
 * At the end of a run, XDP detached: take every frame still in the RX
 * ring, count it in stats.drained_at_stop (neither decoded nor timed: it
 * waited for the stop, not for us) and give it back. Returns how many.
 */
unsigned int rx_queue_drain(struct rx_queue *q);

#endif
