/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the receiver counts per queue, and the XDP program's and the
 * kernel socket's counters gathered for the reports.
 */
#ifndef XDP_HINTS_RX_STATS_H
#define XDP_HINTS_RX_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/if_xdp.h>
#include <time.h>
#include <linux/types.h>

#include "af_xdp_shared.h"
#include "hint_decoder.h"
#include "latency_histogram.h"
#include "phc_clock.h"
#include "tx_stamp.h"

/*
 * Where the packet was received relative to where XDP ran: the hint's
 * xdp_rx_cpu against sched_getcpu() of the receiving thread. Latencies of
 * layouts that carry rx_ktime but no xdp_rx_cpu are CORE_UNKNOWN.
 */
enum core_class {
	CORE_SAME = 0,
	CORE_REMOTE,
	CORE_UNKNOWN,
	CORE_CLASSES,
};

/*
 * Frames that carry the sender's send time (headers/tx_stamp.h): two more
 * delays beside XDP-to-userspace, from the same send time. On one host both
 * ends read the same clock, so tx_to_xdp is the path to XDP plus the hint's
 * own error, whatever the receive mode; tx_to_user grows with every wakeup
 * and period the receiver waits.
 */
struct tx_stamp_stats {
	__u64 stamped;         /* a valid stamp, timed (a frame with a broken or foreign stamp is not) */
	/* A stamp of another clock, or a time the frame cannot have been sent
	 * at (after XDP saw it, after our read, before the run): not timed. */
	__u64 clock_mismatch;
	__u64 other_clock;     /* of clock_mismatch: another clock's stamps */
	clockid_t mismatch_clock; /* the stamp's clock at the last other_clock */
	/* The stamp's magic, but a version or clock this receiver does not
	 * know, or cut short (tx_stamp_parse(): -EPROTO, -EBADMSG): not timed. */
	__u64 invalid;
	struct latency_histogram tx_to_xdp;  /* send -> the hint's rx time */
	struct latency_histogram tx_to_user; /* send -> this batch's dequeue */
};

/*
 * --umem shared: the queue's part of the one UMEM (rx/frame_pool.h), read
 * before a report by the thread that receives on the queue
 * (rx_queue_read_pool()). @shared false (--umem per-queue): reports leave
 * these out.
 */
struct queue_pool_stats {
	bool shared;
	/* Full batches that wanted frames and found the pool (with --threads
	 * the slice and the spill) empty: why the queue's fill ring ran low
	 * (xsk.rx_fill_ring_empty_descs, xsk.rx_dropped). A count. */
	__u64 pool_dry;
	__u64 frames_owned;     /* frames the queue owns now: a gauge */
	__u64 frames_owned_max; /* the most it owned in the run: a gauge */
};

struct queue_rx_stats {
	__u32 queue_id;
	__u64 packets;         /* every frame received on the socket */
	__u64 no_hint;         /* btf_id slot was XSK_HINTS_NO_HINT */
	__u64 unknown_btf_id;  /* btf_id not a hint of our object */
	__u64 same_core;       /* hint's xdp_rx_cpu == our CPU */
	__u64 remote_core;
	__u64 mark_mismatch;   /* a mark hint naming another queue */
	__u64 clock_backwards; /* rx_ktime in our future: not timed */
	/* rx_ktime before rx_time_floor: not timed. A producer whose metadata
	 * is shorter than the struct its btf_id names makes us read older
	 * bytes of the headroom as the time. */
	__u64 rx_time_before_start;
	__u64 rx_time_floor;   /* ns, the hint's clock: earliest plausible rx_ktime
				* (queue_rx_stats_set_rx_time_floor); 0: none */
	__u64 drained_at_stop; /* still in the RX ring at the end: not decoded */
	/* AF_XDP multi-buffer (--frags): packets above count frames. */
	__u64 buffers;         /* descriptors of the frames in packets */
	__u64 incomplete_frames; /* buffers with no final descriptor: dropped */
	__u64 *layout_packets; /* per decoder layout */
	size_t n_layouts;
	/* One histogram per core class, allocated at init (about 30 KiB
	 * each): count, min, max and mean exact, percentiles within 1%,
	 * without any allocation on the packet path. Every latency figure
	 * the reports show comes from these. */
	struct latency_histogram *latency_hist[CORE_CLASSES];
	/*
	 * The driver's RX timestamps (queue_rx_stats_account_hw()): the
	 * hardware-to-XDP delay, apart from the XDP-to-application one above.
	 */
	__u64 hw_timestamps;             /* hints whose timestamp valid bit is set */
	__u64 hw_timestamps_unconverted; /* ... with no PHC offset to convert them */
	__u64 hw_to_xdp_negative;        /* converted time after rx_ktime: not recorded */
	struct latency_histogram *hw_to_xdp_hist;
	/* The sender's stamps (--tx-stamps); NULL unless asked for. */
	struct tx_stamp_stats *tx;
	/* The dequeue times (the queue's clock, ns) of the first and the last
	 * batch that held frames: the span the queue was receiving, for the
	 * final report's rx_pps. 0 until a frame came; set once per batch
	 * (queue_rx_stats_mark_batch()). */
	__u64 first_rx_ns;
	__u64 last_rx_ns;
	/* Filled in just before a report, not on the packet path. */
	struct queue_counters xdp;
	struct xdp_statistics xsk;
	struct queue_pool_stats pool;
};

int queue_rx_stats_init(struct queue_rx_stats *s, __u32 queue_id, size_t n_layouts);
/* Allocate the tx-stamp statistics (about 60 KiB): 0 or -ENOMEM. */
int queue_rx_stats_enable_tx_stamps(struct queue_rx_stats *s);

/*
 * No hint can carry an rx time before @floor_ns (ns, in the clock the hint
 * uses: CLOCK_MONOTONIC, or CLOCK_TAI with --clock tai): one earlier is
 * counted in rx_time_before_start, not timed. Set it before the XDP program
 * can redirect to the queue's socket, minus a margin.
 */
static inline void queue_rx_stats_set_rx_time_floor(struct queue_rx_stats *s, __u64 floor_ns)
{
	s->rx_time_floor = floor_ns;
}
void queue_rx_stats_free(struct queue_rx_stats *s);
/* Zero every counter and histogram, keep the allocations and queue_id. */
void queue_rx_stats_reset(struct queue_rx_stats *s);

/*
 * Frames the XDP program redirected to this queue's socket that neither
 * arrived (received or drained at stop) nor were counted as dropped by
 * the socket (XDP_STATISTICS rx_dropped: no fill ring entry; rx_ring_full:
 * no RX ring slot), nor dropped by us as incomplete (multi-buffer). All
 * in frames: the kernel counts a multi-buffer frame once, as we do. 0 when every frame is accounted for; a signed
 * difference, so an excess shows too. Meaningful once XDP is detached
 * and the ring drained.
 */
static inline long long queue_rx_stats_unaccounted(const struct queue_rx_stats *s)
{
	return (long long)(s->xdp.redirected - s->packets - s->drained_at_stop -
			   s->incomplete_frames - s->xsk.rx_dropped - s->xsk.rx_ring_full);
}

/* Sum @src's receiver counters into @dst (same n_layouts); for totals.
 * pool.frames_owned adds up too (the frames every queue owns);
 * pool.frames_owned_max is the largest queue's. */
void queue_rx_stats_add(struct queue_rx_stats *dst, const struct queue_rx_stats *src);

/* Overwrite @dst (initialised, same n_layouts) with @src: a snapshot. */
void queue_rx_stats_copy(struct queue_rx_stats *dst, const struct queue_rx_stats *src);

/*
 * @dst (initialised, same n_layouts) = @now - @before, @before an earlier
 * copy of @now (queue_rx_stats_copy): what the queue counted in between,
 * e.g. one report interval. Histogram min/max: latency_histogram_subtract().
 * Gauges (pool.frames_owned, pool.frames_owned_max) are @now's.
 */
void queue_rx_stats_subtract(struct queue_rx_stats *dst, const struct queue_rx_stats *now,
			     const struct queue_rx_stats *before);

/* Every latency of the queue, whatever its core class, into @out. */
void queue_rx_stats_latency_all(const struct queue_rx_stats *s,
				struct latency_histogram *out);

/* A batch of frames dequeued at @dequeue_ns (0: untimed, ignored). */
static inline void queue_rx_stats_mark_batch(struct queue_rx_stats *s, __u64 dequeue_ns)
{
	if (!dequeue_ns)
		return;
	if (!s->first_rx_ns)
		s->first_rx_ns = dequeue_ns;
	s->last_rx_ns = dequeue_ns;
}

/* Also counts same_core/remote_core. */
static inline enum core_class queue_rx_stats_classify(struct queue_rx_stats *s,
						      const struct decoded_hint *h, int cpu)
{
	if (!h->has_rx_cpu)
		return CORE_UNKNOWN;
	if ((int)h->rx_cpu == cpu) {
		s->same_core++;
		return CORE_SAME;
	}
	s->remote_core++;
	return CORE_REMOTE;
}

/*
 * Count one packet. @now_ns: CLOCK_MONOTONIC, the clock bpf_ktime_get_ns()
 * reads; @cpu: sched_getcpu() of the receiving thread.
 */
static inline void queue_rx_stats_account(struct queue_rx_stats *s,
					  const struct decoded_hint *h,
					  __u64 now_ns, int cpu)
{
	enum core_class cls;

	s->packets++;
	if (h->kind == HINT_NONE) {
		s->no_hint++;
		return;
	}
	if (h->kind == HINT_UNKNOWN) {
		s->unknown_btf_id++;
		return;
	}
	s->layout_packets[h->layout]++;
	cls = queue_rx_stats_classify(s, h, cpu);
	if (h->has_rx_ktime) {
		/* One compare: rx_ktime in [rx_time_floor, now_ns]; outside,
		 * the unsigned differences wrap and it fails. */
		if (h->rx_ktime - s->rx_time_floor <= now_ns - s->rx_time_floor)
			latency_histogram_record(s->latency_hist[cls], now_ns - h->rx_ktime);
		else if (h->rx_ktime > now_ns)
			s->clock_backwards++;
		else
			s->rx_time_before_start++;
	}
	if (h->has_mark && h->mark != s->queue_id)
		s->mark_mismatch++;
}

/*
 * The hardware-to-XDP delay of one packet: rx_ktime minus the driver's RX
 * timestamp carried into CLOCK_MONOTONIC with @phc_offset_ns (PHC minus
 * monotonic; PHC_OFFSET_NONE when the device has no PHC or it could not be
 * read). A hardware time that cannot be converted (no offset, no rx_ktime,
 * or out of range) is counted, not timed. A converted time later than
 * rx_ktime is a clock error (a stale offset, a PHC being stepped): counted
 * in hw_to_xdp_negative and kept out of the histogram, where it would
 * wrap to ~2^64 ns. Call it after queue_rx_stats_account().
 */
static inline void queue_rx_stats_account_hw(struct queue_rx_stats *s,
					     const struct decoded_hint *h,
					     __s64 phc_offset_ns)
{
	__u64 hw_mono_ns;

	if (!h->has_hw_ts)
		return;
	s->hw_timestamps++;
	if (!h->has_rx_ktime || phc_offset_ns == PHC_OFFSET_NONE ||
	    !phc_to_mono(h->hw_ts, phc_offset_ns, &hw_mono_ns)) {
		s->hw_timestamps_unconverted++;
		return;
	}
	if (h->rx_ktime < hw_mono_ns) {
		s->hw_to_xdp_negative++;
		return;
	}
	latency_histogram_record(s->hw_to_xdp_hist, h->rx_ktime - hw_mono_ns);
}

/*
 * A frame whose payload carries a valid send stamp of clock @stamp_clock
 * (a clockid) taken at @send_ns: tx_to_xdp from the hint's rx time, and
 * tx_to_user from @now_ns (the batch's dequeue, on @clock, the hints'
 * clock). A stamp of another clock, or one later than the hint's rx time
 * or @now_ns, or before the run (rx_time_floor), cannot be a send time:
 * counted in clock_mismatch, not timed. Call after queue_rx_stats_account().
 */
static inline void queue_rx_stats_account_tx_stamp(struct queue_rx_stats *s,
						   const struct decoded_hint *h,
						   clockid_t stamp_clock, __u64 send_ns,
						   clockid_t clock, __u64 now_ns)
{
	struct tx_stamp_stats *tx = s->tx;

	if (stamp_clock != clock) {
		tx->clock_mismatch++;
		tx->other_clock++;
		tx->mismatch_clock = stamp_clock;
		return;
	}
	/* On one clock a frame is sent before XDP sees it, and within the
	 * run (rx_time_floor: its start less a margin): any other time is a
	 * forged or foreign stamp, never a delay. */
	if (send_ns > now_ns || send_ns < s->rx_time_floor ||
	    (h->has_rx_ktime && h->rx_ktime < send_ns)) {
		tx->clock_mismatch++;
		return;
	}
	tx->stamped++;
	latency_histogram_record(&tx->tx_to_user, now_ns - send_ns);
	if (h->has_rx_ktime)
		latency_histogram_record(&tx->tx_to_xdp, h->rx_ktime - send_ns);
}

/* The frame @pkt (@len bytes) with its sender's stamp, if it has a valid
 * one (tx_stamp_parse()); a frame without one is not counted, one with the
 * stamp's magic that cannot be read is counted in invalid; neither is
 * counted as stamped. Returns true with the send time in *@send_ns when
 * the stamp was timed (of our clock, not from our future). */
static inline bool queue_rx_stats_account_tx_frame(struct queue_rx_stats *s,
						   const struct decoded_hint *h,
						   const void *pkt, __u32 len,
						   clockid_t clock, __u64 now_ns, __u64 *send_ns)
{
	struct tx_stamp stamp;
	__u64 stamped;
	int err;

	err = tx_stamp_parse(pkt, len, &stamp);
	if (err) {
		/* Not "no stamp": a sender meant one that cannot be read. */
		if (err == -EPROTO || err == -EBADMSG)
			s->tx->invalid++;
		return false;
	}
	stamped = s->tx->stamped;
	queue_rx_stats_account_tx_stamp(s, h, tx_stamp_clockid(stamp.clock), stamp.send_ns,
					clock, now_ns);
	*send_ns = stamp.send_ns;
	return s->tx->stamped != stamped;
}

/*
 * Sum the per-CPU queue_stats entry @queue_id of @map_fd (a PERCPU_ARRAY
 * of struct queue_counters). @scratch holds @n_cpus values.
 */
int xdp_counters_read(int map_fd, __u32 queue_id, struct queue_counters *scratch,
		      int n_cpus, struct queue_counters *out);

#endif
