// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receiver's set-up and teardown steps that use the BPF skeleton
 * (see receiver.h): the only userspace module that names its maps and
 * programs, so a change to af_xdp_kern.c touches one C file here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "af_xdp_kern.skel.h"
#include "hint_program.h"
#include "log.h"
#include "netdev.h"
#include "receiver.h"
#include "receiver_checks.h"

int receiver_load_program(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct af_xdp_kern *skel;
	int err;

	err = netdev_mtu(cfg->ifname, &rx->mtu);
	if (err) {
		pr_err("%s: reading its MTU: %s\n", cfg->ifname, strerror(-err));
		return err;
	}
	frags_decide(cfg->frags, rx->mtu, cfg->frame_size, cfg->frame_headroom, &rx->frags);
	/* Single-buffer with frames that do not fit: receiver_check_interface()
	 * warned already (warn_oversize_frames). */
	if (rx->frags.multi_buffer)
		pr_info("%s: %s\n", cfg->ifname, rx->frags.explanation);
	else
		pr_debug("%s: %s\n", cfg->ifname, rx->frags.explanation);

	/* Sending only: no XDP program, no BPF capabilities (rx->skel stays NULL). */
	if (cfg->tx.no_rx)
		return 0;
	if (cfg->xsks_map_path)
		return receiver_use_foreign_program(rx);
	skel = af_xdp_kern__open();
	if (!skel) {
		err = -errno;
		pr_err("opening the embedded BPF object: %s\n", strerror(-err));
		return err;
	}
	rx->skel = skel;
	/* Load-time constants: the verifier prunes the unused policies. */
	skel->rodata->hint_policy = cfg->layout;
	skel->rodata->redirect_filter = cfg->filter;
	skel->rodata->filter_udp_dport = cfg->filter_udp_dport;
	skel->rodata->filter_ethertype = cfg->filter_ethertype;
	skel->rodata->rx_clock = cfg->clock;
	/* Multi-buffer frames go to AF_XDP whatever their length. */
	skel->rodata->redirect_max_len = rx->frags.multi_buffer ? 0 : rx->frags.frame_capacity;
	/* One slot per device queue, whichever queues we bind. */
	err = bpf_map__set_max_entries(skel->maps.xsks_map, rx->dev_queues);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.queue_stats, rx->dev_queues);
	if (err) {
		pr_err("sizing the XDP program's maps to %u queues: %s\n",
		       rx->dev_queues, strerror(-err));
		return err;
	}
	{
		struct hint_program_request req = {
			.ifname = cfg->ifname,
			.ifindex = rx->ifindex,
			.xdp_mode = cfg->xdp_mode,
			.hw_hints = cfg->hw_hints,
			.frags = rx->frags.multi_buffer,
			.clock = cfg->clock,
		};

		/* Software or driver-metadata program; a fallback re-opens
		 * the object, so rx->skel may change. */
		err = hint_program_load(&rx->skel, &req, &rx->hint_program);
	}
	if (err) {
		pr_err("%s: %s%s\n", cfg->ifname, rx->hint_program.explanation,
		       permission_hint(err));
		return err;
	}
	pr_info("%s\n", rx->hint_program.explanation);
	rx->n_cpus = libbpf_num_possible_cpus();
	if (rx->n_cpus <= 0) {
		pr_err("counting possible CPUs: %s\n", strerror(-rx->n_cpus));
		return rx->n_cpus ? rx->n_cpus : -EINVAL;
	}
	rx->percpu_scratch = calloc((size_t)rx->n_cpus, sizeof(*rx->percpu_scratch));
	if (!rx->percpu_scratch)
		return -ENOMEM;
	return 0;
}

static void log_layouts(const struct hint_decoder *dec)
{
	for (size_t i = 0; i < dec->n_layouts; i++) {
		const struct hint_layout *l = &dec->layouts[i];

		pr_debug("hint layout %s: btf_id %u, %u bytes%s%s%s\n", l->name,
			 l->btf_id, l->size, l->has_rx_ktime ? ", rx_ktime" : "",
			 l->has_rx_cpu ? ", xdp_rx_cpu" : "", l->has_mark ? ", mark" : "");
	}
}

/* What every queue's receive path shares: the decoder is its first part. */
static void init_rx_path(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct rx_path *path = &rx->path;

	path->ifname = cfg->ifname;
	path->decoder = &rx->decoder;
	path->stop = &rx->stop;
	path->out = &rx->out;
	path->pkt_info = cfg->pkt_info;
	path->json = cfg->json;
	path->busy_poll = cfg->busy_poll;
	path->kick_fill = cfg->spin || cfg->busy_poll;
	/* af_xdp_kern.c with --layout none stamps btf_id 0 on every frame. */
	path->no_hints = rx->skel && cfg->layout == HINT_POLICY_NONE &&
			 !rx->hint_program.driver_metadata;
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

	if (!rx->skel && !rx->foreign.btf) { /* --no-rx: nothing to decode */
		init_rx_path(rx);
		return 0;
	}
	btf = rx->skel ? bpf_object__btf(rx->skel->obj) : rx->foreign.btf;
	if (!btf) {
		pr_err("the BPF object carries no BTF: hints cannot be decoded\n");
		return -ENOENT;
	}
	err = hint_decoder_init(&rx->decoder, btf);
	if (err == -ENOENT) {
		pr_err("the BPF object's BTF: no XDP-hint struct (last member btf_id) found\n");
		return err;
	}
	if (err) {
		pr_err("building the hint registry from the BPF object's BTF: %s\n",
		       strerror(-err));
		return err;
	}
	hint_decoder_use_clock(&rx->decoder, rx->cfg.clock);
	log_layouts(&rx->decoder);
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

	if (strcmp(rx->driver, "virtio_net"))
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/features", rx->cfg.ifname);
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
	const struct rx_config *cfg = &rx->cfg;
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
			       cfg->ifname, queue, rx->driver);
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
	err = frags_bind_refused(rx->cfg.frags, err, uts.release, &rx->frags);
	if (err) {
		pr_err("%s: %s\n", rx->cfg.ifname, rx->frags.explanation);
		return err;
	}
	pr_warn("%s: %s\n", rx->cfg.ifname, rx->frags.explanation);
	return 0;
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
	const char *dev = rx->cfg.ifname;
	char why[640];
	__u64 features;
	__u32 zc_segs;

	if (*mode == BIND_MODE_COPY || netdev_xdp_features(rx->ifindex, &features, &zc_segs))
		return 0;
	if (!(features & NETDEV_XDP_FEATURE_XSK_ZEROCOPY))
		snprintf(why, sizeof(why), "driver %s does not offer it (netdev xdp-features lack xsk-zerocopy)",
			 rx->driver);
	else if (rx->frags.multi_buffer && zc_segs <= 1)
		snprintf(why, sizeof(why), "driver %s takes one buffer per frame in zero-copy (netdev xdp-zc-max-segs 1), and multi-buffer is needed: %s",
			 rx->driver, rx->frags.explanation);
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

int receiver_open_queues(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	__u32 first = cfg->single_queue ? cfg->queue_id : 0;
	int map_fd = rx->skel ? bpf_map__fd(rx->skel->maps.xsks_map) : rx->foreign.xsks_map_fd;
	double total_mib = (double)cfg->frames * cfg->frame_size * (double)rx->n_queues /
			   (1024.0 * 1024.0);
	enum bind_mode_choice bind_mode = cfg->bind_mode;
	bool told_fallback = false;
	int err;

	err = zero_copy_offered(rx, &bind_mode);
	if (err)
		return err;
	rx->queues = calloc(rx->n_queues, sizeof(*rx->queues));
	if (!rx->queues)
		return -ENOMEM;
	for (size_t i = 0; i < rx->n_queues; i++)
		rx_queue_init_closed(&rx->queues[i]);
	pr_info("UMEM: %zu queue(s) x %u frames x %u bytes = %.1f MiB, headroom %u\n",
		rx->n_queues, cfg->frames, cfg->frame_size, total_mib, cfg->frame_headroom);

	rx->zero_copy = true;
	for (size_t i = 0; i < rx->n_queues; i++) {
		struct xsk_queue_params params = {
			.ifname = cfg->ifname,
			.queue_id = first + (__u32)i,
			.frames = cfg->frames,
			.frame_size = cfg->frame_size,
			.bind_mode = bind_mode,
			.populate = false,
			/* The first queue's socket sends: half its UMEM is for TX. */
			.tx_frames = cfg->tx.enabled && i == 0 ? cfg->frames / 2 : 0,
			.multi_buffer = rx->frags.multi_buffer,
			.clock_tai = cfg->clock == HINT_CLOCK_TAI,
			/*
			 * Our own af_xdp_kern.c redirects a frame only after
			 * writing its btf_id (0 for --layout none): no frame
			 * can show a stale one, so the per-frame clearing
			 * write is not needed. A program we did not load
			 * may redirect frames without a hint: keep it then.
			 */
			.producer_stamps = rx->skel != NULL,
			/* Only a receiver that reads the metadata gains
			 * from fetching it early; one that reads no frame
			 * would only pull lines the kernel writes next. */
			.prefetch_meta = !rx->path.no_hints,
			.frame_headroom = cfg->frame_headroom,
		};
		enum xsk_queue_stage stage;
		struct rx_queue *q = &rx->queues[i];

		err = rx_queue_open(q, &params, &rx->path, rx->csv.fd >= 0 ? &rx->csv : NULL,
				    cfg->threads, &stage);
		if (err && stage == XSK_STAGE_SOCKET && params.multi_buffer && i == 0 &&
		    frags_unsupported_error(err)) {
			err = multi_buffer_refused(rx, err);
			if (err)
				return err;
			params.multi_buffer = false;
			err = rx_queue_open(q, &params, &rx->path, rx->csv.fd >= 0 ? &rx->csv : NULL,
					    cfg->threads, &stage);
		}
		if (err) {
			report_queue_error(rx, params.queue_id, stage, err);
			return err;
		}
		rx->n_open = i + 1;
		/* --pcapng: interface i of the file (receiver_open_capture()). */
		err = rx->pcapng.fd >= 0 ? rx_queue_enable_capture(q, &rx->pcapng, (__u32)i) : 0;
		if (err) {
			report_queue_error(rx, params.queue_id, XSK_STAGE_NONE, err);
			return err;
		}
		if (q->xsk.zc_err && !told_fallback) {
			const char *cause = zero_copy_cause(rx, q->xsk.zc_err);

			pr_info("%s: zero-copy bind failed (%s)%s: using copy mode\n",
				cfg->ifname, strerror(-q->xsk.zc_err), cause ? cause : "");
			told_fallback = true;
		}
		rx->zero_copy = rx->zero_copy && q->xsk.zero_copy;
		err = cfg->tx.no_rx ? 0 : xsk_queue_register(&q->xsk, map_fd);
		if (err) {
			report_queue_error(rx, params.queue_id, XSK_STAGE_XSKMAP, err);
			return err;
		}
	}
	return 0;
}

void receiver_close_queues(struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_open; i++)
		rx_queue_close(&rx->queues[i]);
	rx->n_open = 0;
	free(rx->queues);
	rx->queues = NULL;
}

/* ---- XDP attach -------------------------------------------------------------- */

int receiver_attach_program(struct receiver *rx)
{
	const char *dev = rx->cfg.ifname;
	char cause[XDP_ATTACH_REASON_LEN + 64], fix[192];
	int err;

	if (!rx->skel)
		return 0; /* --xsks-map: the other process attached its program */
	err = receiver_handle_existing_program(rx, true);
	if (err)
		return err;
	err = xdp_attach(rx->hint_program.prog, rx->ifindex,
			 rx->hint_program.attach_mode, &rx->attachment);
	if (err == -EBUSY || err == -EEXIST) {
		/* Someone attached in the meantime: name them. */
		if (!receiver_handle_existing_program(rx, false))
			pr_err("%s: attaching XDP: %s: another XDP program got attached\n", dev,
			       strerror(-err));
		return err;
	}
	if (err) {
		log_error_text(err, rx->attachment.reason, cause, sizeof(cause));
		xdp_attach_fix(rx->attachment.reason, err, fix, sizeof(fix), dev);
		/* veth says ERANGE ("Peer MTU is too large to set XDP"), other
		 * drivers EINVAL or EOPNOTSUPP, when a frame does not fit one
		 * page and the program does not take multi-buffer frames. */
		if (!rx->frags.multi_buffer && rx->frags.largest_frame > rx->frags.frame_capacity) {
			size_t used = strlen(fix);

			snprintf(fix + used, sizeof(fix) - used,
				 "%sa multi-buffer program for MTU %u's %u-byte frames (--frags auto or on)",
				 used ? ", or " : "", rx->mtu, rx->frags.largest_frame);
		}
		pr_err("%s: attaching XDP in %s mode (driver %s): %s; fix: %s%s%s\n", dev,
		       xdp_mode_name(rx->hint_program.attach_mode), rx->driver, cause, fix,
		       fix[0] ? ", or " : "",
		       rx->hint_program.attach_mode == XDP_MODE_GENERIC ? "see Troubleshooting in README.org"
		       : rx->hint_program.driver_metadata ? "--xdp-mode auto --hw-hints auto (software hints, generic mode)"
							   : "--xdp-mode generic");
		return err;
	}
	if (rx->attachment.native_err)
		pr_info("%s: native XDP refused: %s: attached in generic mode\n", dev,
			log_error_text(rx->attachment.native_err, rx->attachment.reason,
				       cause, sizeof(cause)));
	return 0;
}

void receiver_refresh_kernel_counters(struct receiver *rx, struct queue_rx_stats *const *stats)
{
	int map_fd = rx->skel ? bpf_map__fd(rx->skel->maps.queue_stats) : -1;

	for (size_t i = 0; i < rx->n_open; i++) {
		struct queue_rx_stats *s = stats[i];

		/* --xsks-map: another program's counters are not ours to read. */
		if (map_fd < 0 || xdp_counters_read(map_fd, s->queue_id, rx->percpu_scratch,
				      rx->n_cpus, &s->xdp))
			memset(&s->xdp, 0, sizeof(s->xdp));
		xsk_queue_stats(&rx->queues[i].xsk, &s->xsk);
	}
}

/*
 * The XDP program counts packets from queues beyond the map size it was
 * given (the device gained queues after start-up) in overflow_stats.
 */
void receiver_warn_overflow_queues(struct receiver *rx)
{
	struct queue_counters overflow;

	if (!rx->skel)
		return;
	if (xdp_counters_read(bpf_map__fd(rx->skel->maps.overflow_stats), 0,
			      rx->percpu_scratch, rx->n_cpus, &overflow))
		return;
	if (overflow.seen)
		pr_warn("%s: %llu packet(s) arrived on queues beyond the %u the device had at start: restart to bind them\n",
			rx->cfg.ifname, (unsigned long long)overflow.seen, rx->dev_queues);
}

__u64 receiver_oversize_passed(struct receiver *rx)
{
	__u64 *per_cpu, total = 0;
	__u32 key = 0;

	if (!rx->skel || rx->n_cpus <= 0)
		return 0;
	per_cpu = calloc((size_t)rx->n_cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(rx->skel->maps.oversize_passed), &key, per_cpu))
		for (int cpu = 0; cpu < rx->n_cpus; cpu++)
			total += per_cpu[cpu];
	free(per_cpu);
	return total;
}

void receiver_free_program(struct receiver *rx)
{
	hint_decoder_free(&rx->decoder);
	free(rx->percpu_scratch);
	rx->percpu_scratch = NULL;
	af_xdp_kern__destroy(rx->skel);
	rx->skel = NULL;
	foreign_program_close(&rx->foreign);
}
