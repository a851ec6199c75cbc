// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receiver's set-up and its one release path (see receiver.h): the
 * program, the decoder and the shared receive path, the queues, the
 * attachment; the report's sources.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "netdev.h"
#include "mono_clock.h"
#include "receiver.h"
#include "capabilities.h"
#include "receiver_checks.h"
#include "receiver_metrics.h"
#include "receiver_phc.h"
#include "rx_threads.h"

int receiver_load_program(struct receiver *rx)
{
	struct rx_program *prog = &rx->res.prog;
	int err = rx_program_load(rx->conf.cfg, &rx->conf.iface, prog);

	if (!err && prog->foreign.attach_mode_known)
		rx->res.attachment.mode = prog->foreign.attach_mode;
	return err;
}

static void log_layouts(const struct hint_decoder *dec)
{
	for (size_t i = 0; i < dec->n_layouts; i++) {
		const struct hint_layout *l = &dec->layouts[i];

		pr_debug("hint layout %s: btf_id %u, %u bytes%s%s%s\n", l->name,
			 l->btf_id, xsk_hint__size(l->info), l->has_rx_ktime ? ", rx_ktime" : "",
			 l->has_rx_cpu ? ", xdp_rx_cpu" : "", l->has_mark ? ", mark" : "");
	}
}

/* What every queue's receive path shares: the decoder is its first part. */
static void init_rx_path(struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	struct rx_path *path = &rx->res.path;

	path->ifname = cfg->ifname;
	path->decoder = &rx->res.prog.decoder;
	path->stop = &rx->res.stop;
	path->out = &rx->res.out;
	path->pkt_info = cfg->pkt_info;
	path->json = cfg->json;
	path->busy_poll = cfg->busy_poll;
	/* Nobody poll()s the sockets: the release wakes the kernel when it
	 * asked to be told of new fill entries. */
	path->kick_fill = cfg->spin || cfg->busy_poll || cfg->rx_period_ns;
	path->rx_period_ns = cfg->rx_period_ns;
	path->rx_period_phase_ns = cfg->rx_period_phase_ns;
	/* af_xdp_kern.c with --layout none stamps btf_id 0 on every frame. */
	path->tx_stamps = cfg->tx_stamps;
	path->no_hints = rx->res.prog.skel && cfg->layout == HINT_POLICY_NONE &&
			 !rx->res.prog.hint_program.driver_metadata;
	path->max_packets = cfg->max_packets;
	atomic_init(&path->quota, cfg->max_packets);
	atomic_init(&path->received, 0);
	atomic_init(&path->phc_offset_ns, PHC_OFFSET_NONE);
	/* realtime_offset_ns: set by receiver_open_capture(), earlier. */
}

int receiver_setup_decoder(struct receiver *rx)
{
	const struct btf *btf;
	int err;

	if (!rx->res.prog.skel && !rx->res.prog.foreign.btf) { /* --no-rx: nothing to decode */
		init_rx_path(rx);
		return 0;
	}
	btf = rx_program_btf(&rx->res.prog);
	if (!btf) {
		pr_err("the BPF object carries no BTF: hints cannot be decoded\n");
		return -ENOENT;
	}
	err = hint_decoder_init(&rx->res.prog.decoder, btf);
	if (err == -ENOENT) {
		pr_err("the BPF object's BTF: no XDP-hint struct (last member btf_id) found\n");
		return err;
	}
	if (err) {
		pr_err("building the hint registry from the BPF object's BTF: %s\n",
		       strerror(-err));
		return err;
	}
	hint_decoder_use_clock(&rx->res.prog.decoder, rx->conf.cfg->clock);
	log_layouts(&rx->res.prog.decoder);
	init_rx_path(rx);
	return 0;
}

/* What xsk_bind() (net/xdp/xsk.c) means by its errors, in words. */
static const char *xsk_bind_cause(int err)
{
	switch (err) {
	case -EBUSY:
		return " (another AF_XDP socket holds this queue, or one just closed and the kernel is still releasing it)";
	case -EINVAL:
		return " (the queue is beyond the device's real RX queue count, or the UMEM is shared wrongly)";
	case -ENETDOWN:
		return " (the interface is down)";
	case -ENODEV:
		return " (the interface is gone)";
	case -EOPNOTSUPP:
		return " (the driver cannot bind AF_XDP in this mode)";
	default:
		return "";
	}
}

/* VIRTIO_F_ACCESS_PLATFORM (uapi linux/virtio_config.h). */
#define VIRTIO_FEATURE_ACCESS_PLATFORM 33

/*
 * virtio_net gives its XSK pool a DMA device only when the device offers
 * VIRTIO_F_ACCESS_PLATFORM (it then goes through the DMA API); without it
 * a zero-copy bind fails with EINVAL. The virtio device's sysfs "features"
 * is a string of '0'/'1', bit 0 first. True when that bit reads '0'.
 */
static bool virtio_lacks_access_platform(const struct receiver *rx)
{
	char path[128], bits[129] = "";
	FILE *f;

	if (strcmp(rx->conf.iface.driver, "virtio_net"))
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/features", rx->conf.cfg->ifname);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(bits, sizeof(bits), f))
		bits[0] = '\0';
	fclose(f);
	return strlen(bits) > VIRTIO_FEATURE_ACCESS_PLATFORM &&
	       bits[VIRTIO_FEATURE_ACCESS_PLATFORM] == '0';
}

/* Why a zero-copy bind failed with @err, where more is known than errno. */
static const char *zero_copy_cause(const struct receiver *rx, int err)
{
	if (err == -EINVAL && virtio_lacks_access_platform(rx))
		return " (virtio_net binds zero-copy only on a device with VIRTIO_F_ACCESS_PLATFORM: QEMU -device virtio-net-pci,...,iommu_platform=on)";
	return NULL;
}

static void report_queue_error(const struct receiver *rx, __u32 queue,
			       enum xsk_queue_stage stage, int err)
{
	const struct rx_config *cfg = rx->conf.cfg;
	double mib = (double)cfg->frames * cfg->frame_size / (1024.0 * 1024.0);
	const char *mode = cfg->bind_mode == BIND_MODE_ZEROCOPY ? "zero-copy" : "copy";
	const char *cause;

	switch (stage) {
	case XSK_STAGE_UMEM_MMAP:
	case XSK_STAGE_UMEM_CREATE:
		if (err == -ENOMEM || err == -EPERM || err == -ENOBUFS) {
			pr_err("cannot allocate %.1f MiB UMEM for queue %u: %s (memlock limit? try fewer --frames)\n",
			       mib, queue, strerror(-err));
			return;
		}
		pr_err("%s queue %u: creating the UMEM: %s%s\n", cfg->ifname, queue,
		       strerror(-err), permission_hint(err));
		return;
	case XSK_STAGE_SOCKET:
		if (cfg->bind_mode == BIND_MODE_ZEROCOPY && err == -EOPNOTSUPP) {
			pr_err("%s queue %u: cannot bind AF_XDP socket in zero-copy mode: its driver (%s) lacks zero-copy support (use --bind-mode copy or auto)\n",
			       cfg->ifname, queue, rx->conf.iface.driver);
			return;
		}
		cause = cfg->bind_mode == BIND_MODE_ZEROCOPY ? zero_copy_cause(rx, err) : NULL;
		pr_err("%s queue %u: cannot bind AF_XDP socket in %s mode: %s%s%s\n",
		       cfg->ifname, queue, mode, strerror(-err), permission_hint(err),
		       cause ? cause : xsk_bind_cause(err));
		return;
	case XSK_STAGE_FILL:
		pr_err("%s queue %u: priming the fill ring: %s\n", cfg->ifname, queue,
		       strerror(-err));
		return;
	case XSK_STAGE_XSKMAP:
		pr_err("%s queue %u: inserting the socket into xsks_map: %s\n",
		       cfg->ifname, queue, strerror(-err));
		return;
	case XSK_STAGE_NONE:
		if (err == -ENOMEM) {
			pr_err("%s queue %u: out of memory for its statistics and buffers\n",
			       cfg->ifname, queue);
			return;
		}
		break;
	}
	pr_err("%s queue %u: %s\n", cfg->ifname, queue, strerror(-err));
}

/*
 * The first socket's bind with XDP_USE_SG failed with @err: a kernel before
 * 6.6 says EINVAL. 0: go on single-buffer (--frags auto, warned); else
 * the error, reported.
 */
static int multi_buffer_refused(struct receiver *rx, int err)
{
	struct utsname uts;

	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "?");
	err = frags_bind_refused(rx->conf.cfg->frags, err, uts.release, &rx->res.prog.frags);
	if (err) {
		pr_err("%s: %s\n", rx->conf.cfg->ifname, rx->res.prog.frags.explanation);
		return err;
	}
	pr_warn("%s: %s\n", rx->conf.cfg->ifname, rx->res.prog.frags.explanation);
	return 0;
}

/*
 * --rx-period: a whole period of a queue's traffic waits in its RX ring,
 * so the ring and the frames lent to the kernel bound the rate a period
 * can hold; above it frames are dropped (xsk.rx_ring_full or rx_dropped).
 */
static void say_period_capacity(const struct rx_config *cfg, const struct xsk_queue *q)
{
	__u32 frames = q->pool ? q->quota.cap : q->frames - q->tx_frames;
	__u32 hold = q->rx.size < frames ? q->rx.size : frames;
	double period_s = (double)cfg->rx_period_ns / 1e9;

	pr_info("--rx-period %.6g s: a queue holds %u frames between two drains (RX ring %u, %u frames for RX): above %.0f pps per queue a period overflows, counted in xsk.rx_ring_full or xsk.rx_dropped (raise -f/--frames)\n",
		period_s, hold, q->rx.size, frames, (double)hold / period_s);
}

/*
 * Zero-copy needs the driver: where the kernel's xdp-features (6.3+) say
 * it offers no XSK zero-copy, or multi-buffer is planned and the driver
 * takes one buffer per frame in zero-copy (xdp-zc-max-segs 1: the bind
 * would fail with EOPNOTSUPP), --bind-mode zero-copy is refused here,
 * before any bind (-EOPNOTSUPP, reported), and auto binds copy at once
 * (*mode). A kernel that cannot say leaves it to the bind.
 */
static int zero_copy_offered(const struct receiver *rx, enum bind_mode_choice *mode)
{
	const char *dev = rx->conf.cfg->ifname;
	char why[640];
	__u64 features;
	__u32 zc_segs;

	if (*mode == BIND_MODE_COPY || netdev_xdp_features(rx->conf.iface.ifindex, &features, &zc_segs))
		return 0;
	if (!(features & NETDEV_XDP_FEATURE_XSK_ZEROCOPY))
		snprintf(why, sizeof(why), "driver %s: xdp-features lack xsk-zerocopy",
			 rx->conf.iface.driver);
	else if (rx->res.prog.frags.multi_buffer && zc_segs <= 1)
		snprintf(why, sizeof(why), "driver %s takes one buffer per frame in zero-copy (netdev xdp-zc-max-segs 1), and multi-buffer is needed: %s",
			 rx->conf.iface.driver, rx->res.prog.frags.explanation);
	else
		return 0;
	if (*mode == BIND_MODE_ZEROCOPY) {
		pr_err("%s: cannot bind AF_XDP sockets in zero-copy mode: %s (use --bind-mode copy or auto)\n",
		       dev, why);
		return -EOPNOTSUPP;
	}
	pr_info("%s: no zero-copy: %s: copy mode\n", dev, why);
	*mode = BIND_MODE_COPY;
	return 0;
}

/*
 * The kernel refused a second socket on the shared UMEM: XDP_SHARED_UMEM
 * across queues of a device needs Linux 5.10 (before, xsk_bind() says
 * EINVAL for another queue; a driver may say EOPNOTSUPP).
 */
static bool shared_umem_refused(const struct xsk_queue_params *p, enum xsk_queue_stage stage,
				int err)
{
	return p->shared && p->shared_index > 0 && stage == XSK_STAGE_SOCKET &&
	       (err == -EINVAL || err == -EOPNOTSUPP);
}

/*
 * Open the queues in order: every socket on @shared's UMEM, or (NULL) each
 * on its own. -EXDEV, not reported, when the kernel refused the shared
 * UMEM (*refused: its error); else 0 or the error, reported.
 */
static int open_queue_set(struct receiver *rx, enum bind_mode_choice bind_mode,
			  struct xsk_shared_umem *shared, int *refused)
{
	const struct rx_config *cfg = rx->conf.cfg;
	__u32 first = cfg->single_queue ? cfg->queue_id : 0;
	int map_fd = rx_program_xsks_map_fd(&rx->res.prog);
	struct csv_file *csv = rx->res.measure.csv.fd >= 0 ? &rx->res.measure.csv : NULL;
	bool told_fallback = false;
	int err;

	rx->res.queues.zero_copy = true;
	for (size_t i = 0; i < rx->conf.iface.n_queues; i++) {
		struct xsk_queue_params params = {
			.ifname = cfg->ifname,
			.queue_id = first + (__u32)i,
			.frames = shared ? shared->frames : cfg->frames,
			.frame_size = cfg->frame_size,
			.bind_mode = bind_mode,
			.populate = false,
			/* The first queue's socket sends: its UMEM's last frames
			 * are for TX (half of them per-queue). */
			.tx_frames = i == 0 ? (shared ? shared->tx_frames : rx->conf.iface.tx_frames) : 0,
			.multi_buffer = rx->res.prog.frags.multi_buffer,
			.clock_tai = cfg->clock == HINT_CLOCK_TAI,
			/*
			 * Our own af_xdp_kern.c redirects a frame only after
			 * writing its btf_id (0 for --layout none): no frame
			 * can show a stale one, so the per-frame clearing
			 * write is not needed. A program we did not load
			 * may redirect frames without a hint: keep it then.
			 */
			.producer_stamps = rx->res.prog.skel != NULL,
			/* Only a receiver that reads the metadata gains
			 * from fetching it early; one that reads no frame
			 * would only pull lines the kernel writes next. */
			.prefetch_meta = !rx->res.path.no_hints,
			.frame_headroom = cfg->frame_headroom,
			.shared = shared,
			.shared_index = (__u32)i,
			.pool = shared ? &shared->pools[shared->n_pools > 1 ? i : 0] : NULL,
			.spill = shared && shared->n_pools > 1 ? &shared->spill : NULL,
		};
		enum xsk_queue_stage stage;
		struct rx_queue *q = &rx->res.queues.queue[i];

		err = rx_queue_open(q, &params, &rx->res.path, csv, cfg->threads, &stage);
		if (err && stage == XSK_STAGE_SOCKET && params.multi_buffer && i == 0 &&
		    frags_unsupported_error(err)) {
			err = multi_buffer_refused(rx, err);
			if (err)
				return err;
			params.multi_buffer = false;
			err = rx_queue_open(q, &params, &rx->res.path, csv, cfg->threads, &stage);
		}
		if (err && shared_umem_refused(&params, stage, err)) {
			*refused = err;
			return -EXDEV;
		}
		if (err) {
			report_queue_error(rx, params.queue_id, stage, err);
			return err;
		}
		rx->res.queues.n_open = i + 1;
		/* --pcapng: interface i of the file (receiver_open_capture()). */
		err = rx->res.measure.pcapng.fd >= 0 ? rx_queue_enable_capture(q, &rx->res.measure.pcapng, (__u32)i) : 0;
		if (err) {
			report_queue_error(rx, params.queue_id, XSK_STAGE_NONE, err);
			return err;
		}
		if (q->xsk.zc_err && !told_fallback) {
			const char *cause = zero_copy_cause(rx, q->xsk.zc_err);

			pr_info("%s: zero-copy bind failed (%s)%s: using copy mode%s\n",
				cfg->ifname, strerror(-q->xsk.zc_err), cause ? cause : "",
				shared ? " (every queue of the shared UMEM)" : "");
			told_fallback = true;
			/* The driver said no once (a kernel without
			 * xdp-features, else zero_copy_offered() knew): the
			 * other queues bind copy at once, rather than each
			 * register its UMEM twice (pinned and charged twice
			 * until the failed one is released) and pay a bind.
			 * A shared UMEM's other sockets take its mode anyway. */
			bind_mode = BIND_MODE_COPY;
		}
		rx->res.queues.zero_copy = rx->res.queues.zero_copy && q->xsk.zero_copy;
		err = cfg->tx.no_rx ? 0 : xsk_queue_register(&q->xsk, map_fd);
		if (err) {
			report_queue_error(rx, params.queue_id, XSK_STAGE_XSKMAP, err);
			return err;
		}
	}
	return 0;
}

/* The start-up lines: how much UMEM, how it was sized, and (shared) how
 * its frames are split. Each within 100 columns. */
static void say_umem(const struct receiver *rx, const struct xsk_shared_umem *shared)
{
	const struct rx_config *cfg = rx->conf.cfg;
	size_t n = rx->conf.iface.n_queues;
	char why[256];

	umem_share_describe(&rx->conf.iface.umem, (__u32)n, why, sizeof(why));
	if (!shared) {
		pr_info("UMEM: %zu queue(s) x %u frames x %u bytes = %.1f MiB, headroom %u\n",
			n, cfg->frames, cfg->frame_size,
			(double)cfg->frames * cfg->frame_size * (double)n / (1024.0 * 1024.0),
			cfg->frame_headroom);
		pr_info("UMEM: %s\n", why);
		return;
	}
	pr_info("UMEM: one of %u frames x %u bytes = %.1f MiB shared by %zu queue(s), headroom %u\n",
		shared->frames, shared->frame_size,
		(double)shared->frames * shared->frame_size / (1024.0 * 1024.0), n,
		cfg->frame_headroom);
	pr_info("UMEM: %s\n", why);
	pr_info("UMEM: a queue owns %u frames at least, %u at most; %u in the free pool%s%s\n",
		shared->quota.floor, shared->quota.cap,
		shared->rx_frames - shared->queues * shared->quota.floor,
		shared->n_pools > 1 ? ", a slice per thread" : "",
		shared->tx_frames ? ", the last frames for TX" : "");
	/* The hidden cost: every socket's buffer pool covers the whole UMEM. */
	pr_info("UMEM: the kernel keeps %.1f MiB for it, %llu bytes per frame for each of %zu sockets\n",
		(double)shared->frames * XSK_KERNEL_BYTES_PER_FRAME * (double)n / (1024.0 * 1024.0),
		XSK_KERNEL_BYTES_PER_FRAME, n);
}

static void free_shared_umem(struct receiver *rx)
{
	if (!rx->res.queues.shared)
		return;
	xsk_shared_umem_free(rx->res.queues.shared);
	free(rx->res.queues.shared);
	rx->res.queues.shared = NULL;
}

static void close_queues(struct receiver *rx);

int receiver_open_queues(struct receiver *rx)
{
	const struct rx_config *cfg = rx->conf.cfg;
	size_t n = rx->conf.iface.n_queues;
	enum bind_mode_choice bind_mode = cfg->bind_mode;
	struct xsk_shared_umem *shared = NULL;
	int err, refused = 0;

	err = zero_copy_offered(rx, &bind_mode);
	if (err)
		return err;
	rx->res.queues.queue = calloc(n, sizeof(*rx->res.queues.queue));
	if (!rx->res.queues.queue)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		rx_queue_init_closed(&rx->res.queues.queue[i]);
	if (rx->conf.iface.umem_mode == UMEM_MODE_SHARED) {
		shared = calloc(1, sizeof(*shared));
		if (!shared)
			return -ENOMEM;
		rx->res.queues.shared = shared;
		err = xsk_shared_umem_init(shared, rx->conf.iface.umem.total_frames,
					   rx->conf.iface.tx_frames, cfg->frame_size, (__u32)n,
					   cfg->threads && n > 1, false);
		if (err) {
			pr_err("cannot map %.1f MiB for the shared UMEM of %zu queue(s): %s (try fewer --frames)\n",
			       (double)rx->conf.iface.umem.total_frames * cfg->frame_size /
				       (1024.0 * 1024.0), n, strerror(-err));
			return err;
		}
	}
	say_umem(rx, shared);
	err = open_queue_set(rx, bind_mode, shared, &refused);
	if (err == -EXDEV) {
		pr_info("%s: one UMEM for all queues refused (XDP_SHARED_UMEM on queue %u: %s; other queues of a device need Linux 5.10): one UMEM per queue\n",
			cfg->ifname, rx->res.queues.queue[0].xsk.queue_id + (__u32)rx->res.queues.n_open,
			strerror(-refused));
		close_queues(rx);
		rx->res.queues.queue = calloc(n, sizeof(*rx->res.queues.queue));
		if (!rx->res.queues.queue)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			rx_queue_init_closed(&rx->res.queues.queue[i]);
		rx->conf.iface.umem_mode = UMEM_MODE_PER_QUEUE;
		say_umem(rx, NULL);
		err = open_queue_set(rx, bind_mode, NULL, &refused);
	}
	if (err)
		return err;
	if (cfg->rx_period_ns)
		say_period_capacity(cfg, &rx->res.queues.queue[0].xsk);
	return 0;
}

/*
 * Closing a bound AF_XDP socket waits for an RCU grace period
 * (xsk_release() -> xsk_unbind_dev() -> synchronize_net(), net/xdp/xsk.c):
 * one queue after the other, 128 queues took 2 s to close. From several
 * threads at once the waits overlap and share grace periods. Each thread
 * closes the queues i with i % CLOSE_THREADS_MAX == its slot. Per-queue
 * UMEMs share nothing (libxdp keeps no global state for them). A shared
 * UMEM's libxdp state (its refcount, its list of rings) is not
 * thread-safe: its sockets are first detached one by one
 * (xsk_queue_detach_socket(): a dup of each fd keeps the kernel socket),
 * then the dups are closed by the threads, and the UMEM freed last.
 */
#define CLOSE_THREADS_MAX 32U
#define CLOSE_THREAD_STACK (256U * 1024U)

struct close_slot {
	struct rx_queue *queue;
	int *socket_fds;           /* shared UMEM: the detached sockets, else NULL */
	size_t n_queues;
	size_t slot;
};

static void close_slot_queues(const struct close_slot *c)
{
	for (size_t i = c->slot; i < c->n_queues; i += CLOSE_THREADS_MAX) {
		if (c->socket_fds && c->socket_fds[i] >= 0)
			close(c->socket_fds[i]);
		rx_queue_close(&c->queue[i]);
	}
}

static void *close_slot_thread(void *arg)
{
	close_slot_queues(arg);
	return NULL;
}

static void close_queues(struct receiver *rx)
{
	size_t n = rx->res.queues.n_open;
	struct close_slot slot[CLOSE_THREADS_MAX];
	pthread_t tid[CLOSE_THREADS_MAX];
	bool started[CLOSE_THREADS_MAX] = { false };
	struct xsk_shared_umem *shared = rx->res.queues.shared;
	int *socket_fds = NULL;
	pthread_attr_t attr;
	bool have_attr;

	if (shared && n) {
		socket_fds = calloc(n, sizeof(*socket_fds));
		/* Without the room for the dups: one by one, on this thread. */
		for (size_t i = 0; i < n; i++) {
			if (socket_fds)
				socket_fds[i] = xsk_queue_detach_socket(&rx->res.queues.queue[i].xsk);
			else
				rx_queue_close(&rx->res.queues.queue[i]);
		}
		/* No libxdp socket refers to it now; the kernel's sockets
		 * (the dups) keep their UMEM until their release. */
		xsk_umem__delete(shared->umem);
		shared->umem = NULL;
	}
	have_attr = !pthread_attr_init(&attr);
	if (have_attr)
		pthread_attr_setstacksize(&attr, CLOSE_THREAD_STACK);
	for (size_t t = 0; t < CLOSE_THREADS_MAX && t < n; t++) {
		slot[t] = (struct close_slot){ .queue = rx->res.queues.queue, .n_queues = n,
					       .slot = t, .socket_fds = socket_fds };
		/* Slot 0 is this thread's; a thread that cannot start
		 * leaves its slot to this thread too. */
		started[t] = t && !pthread_create(&tid[t], have_attr ? &attr : NULL,
						   close_slot_thread, &slot[t]);
	}
	for (size_t t = 0; t < CLOSE_THREADS_MAX && t < n; t++)
		if (!started[t])
			close_slot_queues(&slot[t]);
	for (size_t t = 0; t < CLOSE_THREADS_MAX && t < n; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
	if (have_attr)
		pthread_attr_destroy(&attr);
	free(socket_fds);
	rx->res.queues.n_open = 0;
	free(rx->res.queues.queue);
	rx->res.queues.queue = NULL;
	free_shared_umem(rx);
}

/* ---- XDP attach -------------------------------------------------------------- */

int receiver_attach_program(struct receiver *rx)
{
	const char *dev = rx->conf.cfg->ifname;
	char cause[XDP_ATTACH_REASON_LEN + 64], fix[192];
	int err;

	if (!rx->res.prog.skel)
		return 0; /* --xsks-map: the other process attached its program */
	err = receiver_handle_existing_program(rx->conf.cfg, &rx->conf.iface, true);
	if (err)
		return err;
	err = xdp_attach(rx->res.prog.hint_program.prog, rx->conf.iface.ifindex,
			 rx->res.prog.hint_program.attach_mode, &rx->res.attachment);
	if (err == -EBUSY || err == -EEXIST) {
		/* Someone attached in the meantime: name them. */
		if (!receiver_handle_existing_program(rx->conf.cfg, &rx->conf.iface, false))
			pr_err("%s: attaching XDP: %s: another XDP program got attached\n", dev,
			       strerror(-err));
		return err;
	}
	if (err) {
		log_error_text(err, rx->res.attachment.reason, cause, sizeof(cause));
		xdp_attach_fix(rx->res.attachment.reason, err, fix, sizeof(fix), dev);
		/* veth says ERANGE ("Peer MTU is too large to set XDP"), other
		 * drivers EINVAL or EOPNOTSUPP, when a frame does not fit one
		 * page and the program does not take multi-buffer frames. */
		if (!rx->res.prog.frags.multi_buffer && rx->res.prog.frags.largest_frame > rx->res.prog.frags.frame_capacity) {
			size_t used = strlen(fix);

			snprintf(fix + used, sizeof(fix) - used,
				 "%sa multi-buffer program for MTU %u's %u-byte frames (--frags auto or on)",
				 used ? ", or " : "", rx->conf.iface.mtu, rx->res.prog.frags.largest_frame);
		}
		pr_err("%s: attaching XDP in %s mode (driver %s): %s; fix: %s%s%s\n", dev,
		       xdp_mode_name(rx->res.prog.hint_program.attach_mode), rx->conf.iface.driver, cause, fix,
		       fix[0] ? ", or " : "",
		       rx->res.prog.hint_program.attach_mode == XDP_MODE_GENERIC ? "see Troubleshooting in README.org"
		       : rx->res.prog.hint_program.driver_metadata ? "--xdp-mode auto --hw-hints auto (software hints, generic mode)"
							   : "--xdp-mode generic");
		return err;
	}
	if (rx->res.attachment.native_err)
		pr_info("%s: native XDP refused: %s: attached in generic mode\n", dev,
			log_error_text(rx->res.attachment.native_err, rx->res.attachment.reason,
				       cause, sizeof(cause)));
	return 0;
}

int receiver_report(struct receiver *rx, enum report_kind kind)
{
	const struct report_sources src = {
		.cfg = rx->conf.cfg,
		.iface = &rx->conf.iface,
		.prog = &rx->res.prog,
		.queues = &rx->res.queues,
		.xdp_mode = xdp_mode_label(rx->conf.cfg, &rx->res.attachment),
		.tx = &rx->res.tx,
		.out = &rx->res.out,
		.cpu = rx->run.start_ns ? &rx->res.cpu : NULL,
	};

	return receiver_print_report(&src, &rx->run, kind);
}

void receiver_release(struct receiver *rx)
{
	struct receiver_resources *res = &rx->res;

	/* Whatever ended the run: every thread sees it and ends. */
	run_stop_request(&res->stop, RUN_STOP_ERROR, 0);
	/* Detach first so no packet is redirected to a closing socket. */
	xdp_attachment_release(&res->attachment);
	rx_threads_join(&res->queues); /* before the sockets they read go */
	receiver_stop_metrics(&res->metrics);
	tx_cyclic_free(&res->tx); /* stops the TX thread, before its UMEM goes */
	receiver_report_free(&rx->run);
	close_queues(rx);
	phc_clock_close(&res->phc);
	rx_program_free(&res->prog);
	receiver_release_measurement(&res->measure);
	receiver_cpu_release(&res->cpu);
	report_out_destroy(&res->out);
	run_stop_close(&res->stop);
}
