// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Checks run before the receiver changes anything (see
 * receiver_checks.h): each failure is one line naming what is wrong and
 * how to fix it, rather than an error from whichever set-up step would
 * have tripped over it later.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/capability.h>
#include <linux/rtnetlink.h>

#include "capabilities.h"
#include "cpu_setup.h"
#include "default_route.h"
#include "frame_fit.h"
#include "log.h"
#include "netdev.h"
#include "receiver_checks.h"
#include "umem_budget.h"
#include "xdp_attach.h"
#include "xdp_owner.h"

/* --cpu/--cpu-list name CPUs that must be online and allowed to us: a
 * usage error (exit 2) otherwise, found before any set-up work. */
int receiver_check_placement(const struct rx_config *cfg, char *err, size_t err_len)
{
	char usable[128];
	int cpus[XDP_HINTS_MAX_QUEUES + 2];
	const char *option[XDP_HINTS_MAX_QUEUES + 2];
	size_t n = 0;
	int ret;

	if (cfg->cpu >= 0) {
		option[n] = "--cpu";
		cpus[n++] = cfg->cpu;
	}
	for (__u32 i = 0; i < cfg->n_cpu_list; i++) {
		option[n] = "--cpu-list";
		cpus[n++] = cfg->cpu_list[i];
	}
	if (cfg->tx_cpu >= 0) {
		option[n] = "--tx-cpu";
		cpus[n++] = cfg->tx_cpu;
	}
	for (size_t i = 0; i < n; i++) {
		ret = cpu_check_usable(cpus[i], usable, sizeof(usable));
		if (ret == -ERANGE) {
			snprintf(err, err_len, "%s: CPU %d is not online or not allowed: usable CPUs are %s",
				 option[i], cpus[i], usable);
			return ret;
		}
		if (ret) {
			snprintf(err, err_len, "%s: cannot read the online CPUs: %s",
				 option[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Frames longer than a UMEM frame holds cannot reach AF_XDP: the XDP
 * program passes them to the kernel (frame_fit.h). Say so up front when
 * the MTU allows them, rather than let them vanish from the counts.
 */
static void warn_oversize_frames(const struct rx_config *cfg)
{
	__u32 max_len = frame_fit_max_len(cfg->frame_size, cfg->frame_headroom), mtu;

	/* --frags auto/on: multi-buffer takes them (frags.h says so). */
	if (cfg->frags != FRAGS_OFF || netdev_mtu(cfg->ifname, &mtu))
		return;
	if (frame_fit_mtu_frame_len(mtu) <= max_len)
		return;
	pr_warn("%s: MTU %u allows %u-byte frames (with a VLAN tag), but a %u-byte UMEM frame holds at most %u%s: longer frames pass to the kernel (lower the MTU to %u%s%s)\n",
		cfg->ifname, mtu, frame_fit_mtu_frame_len(mtu), cfg->frame_size, max_len,
		cfg->frame_headroom ? " after its --frame-headroom" : "",
		max_len - FRAME_FIT_L2_OVERHEAD,
		cfg->frame_size < 4096 ? " or use --frame-size 4096" : "",
		cfg->frame_headroom ? " or --frame-headroom 0" : "");
}

int receiver_check_interface(const struct rx_config *cfg, struct rx_iface *iface)
{
	const char *dev = cfg->ifname;
	struct netdev_rx_queues queues;
	int err;

	err = netdev_ifindex(dev, &iface->ifindex);
	if (err == -EINVAL) {
		pr_err("--dev: interface name is empty\n");
		return err;
	}
	if (err == -ENAMETOOLONG) {
		pr_err("%.40s...: no such interface: name longer than %d characters\n",
		       dev, IF_NAMESIZE - 1);
		return err;
	}
	if (err) {
		pr_err("%s: no such interface\n", dev);
		return err;
	}
	err = netdev_is_up(dev);
	if (err < 0) {
		pr_err("%s: cannot read link state: %s\n", dev, strerror(-err));
		return err;
	}
	if (!err) {
		pr_err("%s: interface is down: bring it up with 'ip link set dev %s up'\n",
		       dev, dev);
		return -ENETDOWN;
	}
	if (netdev_has_carrier(dev) == 0)
		pr_warn("%s: no carrier (peer down?): nothing may arrive\n", dev);

	err = netdev_rx_queues(dev, &queues);
	if (err == -EXDEV) {
		pr_err("%s: no ethtool channels, and /sys/class/net shows another network namespace: cannot count the RX queues (mount sysfs in this namespace)\n",
		       dev);
		return err;
	}
	if (err) {
		pr_err("%s: cannot read the RX queue count (ethtool channels, sysfs queues/rx-N): %s\n",
		       dev, strerror(-err));
		return err;
	}
	iface->dev_queues = queues.count;
	if (iface->dev_queues > XDP_HINTS_MAX_QUEUES) {
		pr_warn("%s: %u RX queues, only the first %u are used\n", dev,
			iface->dev_queues, XDP_HINTS_MAX_QUEUES);
		iface->dev_queues = XDP_HINTS_MAX_QUEUES;
	}
	if (cfg->single_queue && cfg->queue_id >= iface->dev_queues) {
		pr_err("%s: queue %u does not exist: the device has %u RX queue(s)\n",
		       dev, cfg->queue_id, iface->dev_queues);
		return -ERANGE;
	}
	netdev_driver_name(dev, iface->driver, sizeof(iface->driver));
	if (!cfg->tx.no_rx)
		warn_oversize_frames(cfg);
	/* TX only needs the one socket it sends on. */
	iface->n_queues = cfg->single_queue || cfg->tx.no_rx ? 1 : iface->dev_queues;
	/* The frags plan and the report's advice are worked out from it. */
	err = netdev_mtu(dev, &iface->mtu);
	if (err) {
		pr_err("%s: reading its MTU: %s\n", dev, strerror(-err));
		return err;
	}
	if (queues.source == NETDEV_RX_QUEUES_CHANNELS)
		pr_debug("%s: ifindex %d, driver %s, %u RX queue(s): ethtool channels rx %u + combined %u\n",
			 dev, iface->ifindex, iface->driver, iface->dev_queues, queues.rx_count,
			 queues.combined_count);
	else
		pr_debug("%s: ifindex %d, driver %s, %u RX queue(s): no ethtool channels, sysfs queues/rx-N\n",
			 dev, iface->ifindex, iface->driver, iface->dev_queues);
	return 0;
}

/* Frames in flight a queue needs at least: a full RX ring of this many
 * descriptors while the user holds one batch. */
#define UMEM_RX_RING_FLOOR 128U

int receiver_share_umem(struct rx_config *cfg, struct rx_iface *iface)
{
	struct umem_share_request req = {
		.queues = (__u32)iface->n_queues,
		.shared = cfg->umem_mode == UMEM_MODE_SHARED,
		.frames = cfg->frames_set ? cfg->frames : 0,
		.frame_size = cfg->frame_size_set ? cfg->frame_size : 0,
		.mtu = iface->mtu,
		.frame_headroom = cfg->frame_headroom,
		.min_frames = 1,
	};

	/* A power of two: the RX ring is as large as the frames. */
	while (req.min_frames < UMEM_RX_RING_FLOOR + XSK_RX_BATCH_MAX)
		req.min_frames *= 2;
	/* --tx: the first queue's second half holds the TX frames, and a
	 * TX batch must fit in it. */
	while (cfg->tx.enabled && req.min_frames / 2 < cfg->tx.batch)
		req.min_frames *= 2;
	if (req.shared && req.frames && req.frames / req.queues < RX_FRAMES_MIN) {
		pr_err("-f/--frames %u: with --umem shared it is the total for %u queue(s), at least %u per queue: -f %u or more, or --umem per-queue\n",
		       req.frames, req.queues, RX_FRAMES_MIN,
		       frame_pool_pow2_ceil(req.queues * RX_FRAMES_MIN));
		return -EINVAL;
	}
	umem_share_out(&req, &iface->umem);
	cfg->frames = iface->umem.frames;
	cfg->frame_size = iface->umem.frame_size;
	iface->umem_mode = cfg->umem_mode;
	iface->tx_frames = 0;
	if (cfg->tx.enabled) {
		/* As per-queue: half a queue's share, and room for a batch,
		 * taken from the end of the shared UMEM. */
		iface->tx_frames = cfg->frames / 2;
		if (req.shared) {
			__u32 batch = frame_pool_pow2_ceil(cfg->tx.batch);

			if (iface->tx_frames < batch)
				iface->tx_frames = batch;
			if (iface->tx_frames > iface->umem.total_frames / 2)
				iface->tx_frames = iface->umem.total_frames / 2;
			if (iface->tx_frames < cfg->tx.batch) {
				pr_err("--tx-batch %u: more than the %u TX frames (half of -f/--frames %u)\n",
				       cfg->tx.batch, iface->tx_frames, iface->umem.total_frames);
				return -EINVAL;
			}
			/* What is left for RX keeps the per-queue minimum. */
			if ((iface->umem.total_frames - iface->tx_frames) / req.queues < RX_FRAMES_MIN) {
				pr_err("-f/--frames %u: with --umem shared and --tx, %u of them are for TX and the rest is less than %u per queue for %u queue(s): -f %u or more\n",
				       iface->umem.total_frames, iface->tx_frames, RX_FRAMES_MIN, req.queues,
				       frame_pool_pow2_ceil(req.queues * RX_FRAMES_MIN + iface->tx_frames));
				return -EINVAL;
			}
		}
	}
	return 0;
}

__u64 receiver_umem_bytes(const struct rx_config *cfg, const struct rx_iface *iface)
{
	if (iface->umem_mode == UMEM_MODE_SHARED)
		return (__u64)iface->umem.total_frames * cfg->frame_size;
	return (__u64)cfg->frames * cfg->frame_size * iface->n_queues;
}

/*
 * Every capability the set-up will use, checked before any of it runs:
 * one line naming the missing ones beats an EPERM from whichever step
 * happens to need them first. Needs n_queues (the UMEM size).
 */
int receiver_check_capabilities(const struct rx_config *cfg, const struct rx_iface *iface)
{
	__u64 umem_bytes = receiver_umem_bytes(cfg, iface);
	char missing[256];
	__u64 effective;
	int n, err;

	err = caps_effective(&effective);
	if (err) {
		pr_err("reading this process's capabilities: %s\n", strerror(-err));
		return err;
	}
	/* CAP_IPC_LOCK alone is a question of UMEM size, answered with the
	 * numbers by receiver_check_memory(); with others missing too, all
	 * are named here in one line. */
	if (!caps_receiver_missing(effective, false, !cfg->tx.no_rx, missing, sizeof(missing)))
		return 0;
	n = caps_receiver_missing(effective, caps_umem_needs_ipc_lock(umem_bytes),
				  !cfg->tx.no_rx,
				  missing, sizeof(missing));
	if (!n)
		return 0;
	pr_err("missing %s %s; %s (or root)\n",
	       n == 1 ? "capability" : "capabilities", missing,
	       cfg->tx.no_rx ? "--tx --no-rx needs CAP_NET_RAW and CAP_IPC_LOCK"
				: "the receiver needs CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF and CAP_IPC_LOCK");
	return -EPERM;
}

static double mib_or_none(__u64 bytes)
{
	return bytes == UMEM_NO_LIMIT ? -1.0 : (double)bytes / (1 << 20);
}

/*
 * The UMEMs, rings included, must fit in available memory and in the
 * memory cgroup, and without CAP_IPC_LOCK their pages in RLIMIT_MEMLOCK:
 * refused here, before any mmap, rather than OOM-killed or failing in
 * the last socket's set-up. Needs n_queues.
 */
int receiver_check_memory(const struct rx_config *cfg, const struct rx_iface *iface)
{
	struct umem_request req = {
		.queues = (__u32)iface->n_queues,
		.umems = (__u32)iface->n_queues,
		.frames = cfg->frames,
		.frame_size = cfg->frame_size,
		.ring_entries = cfg->frames,
	};
	struct umem_limits limits;
	struct umem_verdict verdict;
	char line[PATH_MAX + 512];
	__u64 effective = 0;

	if (iface->umem_mode == UMEM_MODE_SHARED) {
		struct frame_quota quota;
		__u32 rx_frames = iface->umem.total_frames - iface->tx_frames;

		/* One UMEM; each socket's rings hold what one queue may own. */
		frame_quota_plan(rx_frames, req.queues, XSK_RX_BATCH_MAX, &quota);
		req.umems = 1;
		req.frames = iface->umem.total_frames;
		req.ring_entries = quota.cap;
	}
	/* Unknown capabilities: assume none, the stricter check. */
	caps_effective(&effective);
	umem_read_limits(effective & (1ULL << CAP_IPC_LOCK), &limits);
	if (umem_budget_check(&req, &limits, &verdict) == UMEM_FITS) {
		pr_debug("UMEM %.1f MiB with rings fits: MemAvailable %.1f MiB, memory cgroup room %.1f MiB, RLIMIT_MEMLOCK %.1f MiB (-1: none or not applied)\n",
			 mib_or_none(verdict.requested), mib_or_none(limits.mem_available),
			 mib_or_none(limits.cgroup_room), mib_or_none(limits.memlock));
		return 0;
	}
	umem_budget_describe(&req, &limits, &verdict, line, sizeof(line));
	pr_err("%s\n", line);
	return -ENOMEM;
}

/*
 * Redirecting everything that arrives on the interface that carries the
 * default route would take the machine's own traffic (the user's ssh
 * session, say) away from the kernel: only with a filter, or --force.
 */
int receiver_check_default_route(const struct rx_config *cfg, const struct rx_iface *iface)
{
	struct default_route_hit hit = { 0 };
	char where[96] = "", table[32] = "";
	int err;

	if (cfg->filter != FILTER_ALL || cfg->force || cfg->tx.no_rx)
		return 0;
	err = default_route_uses(iface->ifindex, &hit);
	if (err < 0) {
		pr_warn("%s: cannot read the routing table (%s): not checking for a default route\n",
			cfg->ifname, strerror(-err));
		return 0;
	}
	if (!err)
		return 0;
	if (hit.ifindex != iface->ifindex)
		snprintf(where, sizeof(where), "is the lower device of %s, which ", hit.ifname);
	if (hit.table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " (routing table %u)", hit.table);
	pr_err("%s: %scarries the %s default route%s: redirecting all its traffic to AF_XDP would cut this machine off the network; redirect only test traffic with --filter-udp-port or --filter-ethertype, or use --force\n",
	       cfg->ifname, where, hit.family == AF_INET6 ? "IPv6" : "IPv4", table);
	return -EPERM;
}

/*
 * Refuse to take over an interface that already runs an XDP program, or,
 * with --force and @detach, remove it. Checked before any set-up work so
 * the refusal is quick, and again just before attaching.
 */
int receiver_handle_existing_program(const struct rx_config *cfg, const struct rx_iface *iface,
				     bool detach)
{
	const char *dev = cfg->ifname;
	struct xdp_existing existing = { 0 };
	struct xdp_owner owner;
	char owner_text[512];
	int err;

	/* --xsks-map: the attached program is the one we came to use. */
	if (cfg->xsks_map_path)
		return 0;
	err = xdp_query_existing(iface->ifindex, &existing);
	if (err) {
		pr_err("%s: cannot query attached XDP programs: %s%s\n", dev,
		       strerror(-err), permission_hint(err));
		return err;
	}
	if (!existing.prog_id)
		return 0;
	/* Name the program and whoever keeps it there. */
	if (xdp_owner_find(iface->ifindex, &owner))
		memset(&owner, 0, sizeof(owner));
	if (!owner.prog_id) {
		owner.prog_id = existing.prog_id;
		owner.mode = existing.mode;
	}
	xdp_owner_describe(&owner, dev, owner_text, sizeof(owner_text));
	if (!cfg->force || owner.link_id) {
		pr_err("%s: XDP program %s (id %u, %s) already attached %s\n", dev,
		       owner.prog_name[0] ? owner.prog_name : "?", owner.prog_id, owner.mode,
		       owner_text);
		return owner.link_id && cfg->force ? -EBUSY : -EEXIST;
	}
	if (!detach)
		return 0;
	err = xdp_detach_existing(iface->ifindex, &existing);
	if (err == -EBUSY || err == -EINVAL) {
		pr_err("%s: XDP program id %u is held by a bpf_link: --force only replaces netlink attachments\n",
		       dev, existing.prog_id);
		return err;
	}
	if (err) {
		pr_err("%s: cannot detach XDP program id %u: %s%s\n", dev,
		       existing.prog_id, strerror(-err), permission_hint(err));
		return err;
	}
	pr_warn("%s: --force: detached XDP program %s (id %u, %s)\n", dev,
		owner.prog_name[0] ? owner.prog_name : "?", existing.prog_id, existing.mode);
	return 0;
}
