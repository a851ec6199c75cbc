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
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "af_xdp_kern.skel.h"
#include "af_xdp_shared.h"
#include "busy_poll.h"
#include "capabilities.h"
#include "cpu_setup.h"
#include "csv_log.h"
#include "default_route.h"
#include "hint_decoder.h"
#include "hint_program.h"
#include "log.h"
#include "netdev.h"
#include "options.h"
#include "phc_clock.h"
#include "report.h"
#include "rx_stats.h"
#include "tx_cyclic.h"
#include "xdp_attach.h"
#include "xsk_queue.h"

#define PROG_NAME "af_xdp_user"
#define RX_BATCH 64U
#define NS_PER_SEC 1000000000ULL
/* The link state is checked this often: an unregistered device does not
 * wake poll() on an AF_XDP socket, so without it we would wait forever. */
#define LINK_CHECK_NS NS_PER_SEC

enum exit_code {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

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
	/* Measurement set-up (see the "measurement" sections below). */
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
};

/* What the per-frame callback needs; rebuilt per batch. */
struct frame_ctx {
	const struct hint_decoder *decoder;
	struct queue_rx_stats *stats;
	int cpu;
	bool pkt_info;
	bool json;
	struct csv_log *csv;       /* NULL without --csv */
	__s64 phc_offset_ns;       /* rx->phc_offset_ns at the start of the batch */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * In wakeup mode the stop signals stay blocked except inside ppoll(): a
 * signal that lands between the flag check and the wait would otherwise
 * be noticed only when the wait times out.
 */
static sigset_t wait_sigmask;

static int install_signal_handlers(bool block_outside_wait)
{
	/* No SA_RESTART: the wait must return EINTR so the loop sees the flag. */
	struct sigaction sa = { .sa_handler = on_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t stop_set;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&stop_set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
		sigaddset(&stop_set, sigs[i]);
	}
	if (sigprocmask(block_outside_wait ? SIG_BLOCK : SIG_SETMASK,
			block_outside_wait ? &stop_set : NULL, &wait_sigmask))
		return -errno;
	return 0;
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	/* The clock bpf_ktime_get_ns() reads. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NS_PER_SEC + (__u64)ts.tv_nsec;
}

static const char *permission_hint(int err)
{
	return err == -EPERM || err == -EACCES ? " (need root/CAP_NET_ADMIN+CAP_BPF)" : "";
}

/* ---- measurement: placement, sleep states, busy polling, CSV -------------------- */

static const char *rx_mode_label(const struct rx_config *cfg)
{
	if (cfg->busy_poll)
		return "busy-poll";
	return cfg->spin ? "spin" : "wakeup";
}

/* Main thread waits in ppoll() (stop signals unblocked only there) unless
 * it busy-loops over the rings itself. */
static bool main_waits_in_ppoll(const struct rx_config *cfg)
{
	return cfg->threads || !(cfg->spin || cfg->busy_poll);
}

static int snapshot_workers(struct receiver *rx);

/* --cpu/--cpu-list name CPUs that must be online and allowed to us: a
 * usage error (exit 2) otherwise, found before any set-up work. */
static int check_placement_options(const struct rx_config *cfg, char *err, size_t err_len)
{
	char usable[128];
	int cpus[XDP_HINTS_MAX_QUEUES + 1];
	size_t n = 0;
	int ret;

	if (cfg->cpu >= 0)
		cpus[n++] = cfg->cpu;
	for (__u32 i = 0; i < cfg->n_cpu_list; i++)
		cpus[n++] = cfg->cpu_list[i];
	for (size_t i = 0; i < n; i++) {
		ret = cpu_check_usable(cpus[i], usable, sizeof(usable));
		if (ret == -ERANGE) {
			snprintf(err, err_len, "%s: CPU %d is not online or not allowed: usable CPUs are %s",
				 cfg->n_cpu_list ? "--cpu-list" : "--cpu", cpus[i], usable);
			return ret;
		}
		if (ret) {
			snprintf(err, err_len, "%s: cannot read the online CPUs: %s",
				 cfg->n_cpu_list ? "--cpu-list" : "--cpu", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static void warn_busy_poll_sysfs(const struct receiver *rx)
{
	const char *dev = rx->cfg.ifname;
	struct busy_poll_sysfs sysfs;

	busy_poll_read_sysfs(dev, &sysfs);
	if (sysfs.napi_defer_hard_irqs == 0 || sysfs.gro_flush_timeout == 0)
		pr_warn("%s: --busy-poll is ineffective while napi_defer_hard_irqs is %lld and gro_flush_timeout is %lld: the interrupt keeps running NAPI; set both, e.g. 'echo 2 > /sys/class/net/%s/napi_defer_hard_irqs; echo 200000 > /sys/class/net/%s/gro_flush_timeout'\n",
			dev, sysfs.napi_defer_hard_irqs, sysfs.gro_flush_timeout, dev, dev);
	else if (sysfs.napi_defer_hard_irqs < 0 || sysfs.gro_flush_timeout < 0)
		pr_warn("%s: cannot read napi_defer_hard_irqs/gro_flush_timeout in /sys/class/net/%s: busy polling may be ineffective\n",
			dev, dev);
}

/* Before the sockets exist: the PM QoS request, the CSV file, and the
 * placement of the main thread when it is the one receiving. */
static int setup_measurement(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	int err;

	if (cfg->cpu_dma_latency_set) {
		rx->dma_latency_fd = cpu_dma_latency_hold(cfg->cpu_dma_latency_us);
		if (rx->dma_latency_fd < 0) {
			err = rx->dma_latency_fd;
			rx->dma_latency_fd = -1;
			pr_err("--cpu-dma-latency: cannot hold %s: %s%s\n", CPU_DMA_LATENCY_PATH,
			       strerror(-err), err == -ENOENT ?
			       " (kernel without PM QoS support?)" : permission_hint(err));
			return err;
		}
		pr_info("%s: holding a CPU wakeup latency limit of %u us until exit\n",
			CPU_DMA_LATENCY_PATH, cfg->cpu_dma_latency_us);
	}
	if (cfg->csv_path) {
		rx->csv_fd = csv_file_create(cfg->csv_path);
		if (rx->csv_fd < 0) {
			err = rx->csv_fd;
			rx->csv_fd = -1;
			pr_err("--csv %s: cannot create the file: %s\n", cfg->csv_path, strerror(-err));
			return err;
		}
		if (!cfg->threads && csv_log_init(&rx->csv, rx->csv_fd)) {
			pr_err("--csv %s: out of memory for the write buffer\n", cfg->csv_path);
			return -ENOMEM;
		}
	}
	if (cfg->busy_poll)
		warn_busy_poll_sysfs(rx);
	if (cfg->threads)
		return 0; /* each receive thread places itself */
	if (cfg->cpu >= 0) {
		err = cpu_pin_self(cfg->cpu);
		if (err) {
			pr_err("--cpu %d: cannot pin the receiving thread: %s\n", cfg->cpu,
			       strerror(-err));
			return err;
		}
	}
	if (cfg->priority) {
		err = cpu_fifo_self(cfg->priority);
		if (err) {
			pr_err("--priority %u: cannot switch to SCHED_FIFO: %s%s\n", cfg->priority,
			       strerror(-err), err == -EPERM ?
			       " (needs root or CAP_SYS_NICE, and RLIMIT_RTPRIO/cgroup RT budget)" : "");
			return err;
		}
	}
	return 0;
}

static int enable_busy_poll(struct receiver *rx)
{
	const char *failed = "";
	int err;

	if (!rx->cfg.busy_poll)
		return 0;
	for (size_t i = 0; i < rx->n_open; i++) {
		err = busy_poll_enable(rx->pollfds[i].fd, rx->cfg.busy_poll_usec, RX_BATCH,
				       &failed);
		if (err) {
			pr_err("%s queue %u: setting %s on the AF_XDP socket: %s%s\n",
			       rx->cfg.ifname, rx->stats[i].queue_id, failed, strerror(-err),
			       err == -ENOPROTOOPT ? " (kernel older than 5.11?)" : permission_hint(err));
			return err;
		}
	}
	pr_info("busy polling: SO_PREFER_BUSY_POLL, SO_BUSY_POLL %u us, SO_BUSY_POLL_BUDGET %u\n",
		rx->cfg.busy_poll_usec, RX_BATCH);
	return 0;
}

/* Closing the fd withdraws the PM QoS request. */
static void release_measurement(struct receiver *rx)
{
	int err;

	if (rx->csv_fd >= 0) {
		err = csv_log_close(&rx->csv);
		if (err)
			pr_err("--csv %s: writing: %s\n", rx->cfg.csv_path, strerror(-err));
		close(rx->csv_fd);
		rx->csv_fd = -1;
	}
	if (rx->dma_latency_fd >= 0) {
		close(rx->dma_latency_fd);
		rx->dma_latency_fd = -1;
		pr_debug("%s: latency limit released\n", CPU_DMA_LATENCY_PATH);
	}
}

/* ---- interface ----------------------------------------------------------- */

static int check_interface(struct receiver *rx)
{
	const char *dev = rx->cfg.ifname;
	int err;

	err = netdev_ifindex(dev, &rx->ifindex);
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

	err = netdev_queue_count(dev, &rx->dev_queues, NULL);
	if (err) {
		pr_err("%s: cannot read the RX queue count (ethtool channels): %s\n",
		       dev, strerror(-err));
		return err;
	}
	if (rx->dev_queues > XDP_HINTS_MAX_QUEUES) {
		pr_warn("%s: %u RX queues, only the first %u are used\n", dev,
			rx->dev_queues, XDP_HINTS_MAX_QUEUES);
		rx->dev_queues = XDP_HINTS_MAX_QUEUES;
	}
	if (rx->cfg.single_queue && rx->cfg.queue_id >= rx->dev_queues) {
		pr_err("%s: queue %u does not exist: the device has %u RX queue(s)\n",
		       dev, rx->cfg.queue_id, rx->dev_queues);
		return -ERANGE;
	}
	netdev_driver_name(dev, rx->driver, sizeof(rx->driver));
	/* TX only needs the one socket it sends on. */
	rx->n_queues = rx->cfg.single_queue || rx->cfg.tx.no_rx ? 1 : rx->dev_queues;
	pr_debug("%s: ifindex %d, driver %s, %u RX queue(s)\n", dev, rx->ifindex,
		 rx->driver, rx->dev_queues);
	return 0;
}

/*
 * Every capability the set-up will use, checked before any of it runs:
 * one line naming the missing ones beats an EPERM from whichever step
 * happens to need them first. Needs n_queues (the UMEM size).
 */
static int check_capabilities(const struct receiver *rx)
{
	__u64 umem_bytes = (__u64)rx->cfg.frames * rx->cfg.frame_size * rx->n_queues;
	char missing[256];
	__u64 effective;
	int n, err;

	err = caps_effective(&effective);
	if (err) {
		pr_err("reading this process's capabilities: %s\n", strerror(-err));
		return err;
	}
	n = caps_receiver_missing(effective, caps_umem_needs_ipc_lock(umem_bytes),
				  missing, sizeof(missing));
	if (!n)
		return 0;
	pr_err("missing %s %s; the receiver needs CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON and CAP_IPC_LOCK (or root)\n",
	       n == 1 ? "capability" : "capabilities", missing);
	return -EPERM;
}

/*
 * Redirecting everything that arrives on the interface that carries the
 * default route would take the machine's own traffic (the user's ssh
 * session, say) away from the kernel: only with a filter, or --force.
 */
static int check_default_route(const struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	int family = 0;
	int err;

	if (cfg->filter != FILTER_ALL || cfg->force || cfg->tx.no_rx)
		return 0;
	err = default_route_uses(rx->ifindex, &family);
	if (err < 0) {
		pr_warn("%s: cannot read the routing table (%s): not checking for a default route\n",
			cfg->ifname, strerror(-err));
		return 0;
	}
	if (!err)
		return 0;
	pr_err("%s: carries the %s default route: redirecting all its traffic to AF_XDP would cut this machine off the network; redirect only test traffic with --filter-udp-port or --filter-ethertype, or use --force\n",
	       cfg->ifname, family == AF_INET6 ? "IPv6" : "IPv4");
	return -EPERM;
}

/*
 * Refuse to take over an interface that already runs an XDP program, or,
 * with --force and @detach, remove it. Checked before any set-up work so
 * the refusal is quick, and again just before attaching.
 */
static int handle_existing_program(struct receiver *rx, bool detach)
{
	const char *dev = rx->cfg.ifname;
	struct xdp_existing existing = { 0 };
	int err = xdp_query_existing(rx->ifindex, &existing);

	if (err) {
		pr_err("%s: cannot query attached XDP programs: %s%s\n", dev,
		       strerror(-err), permission_hint(err));
		return err;
	}
	if (!existing.prog_id)
		return 0;
	if (!rx->cfg.force) {
		pr_err("%s: XDP program id %u already attached (%s): remove it with 'ip link set dev %s xdp off' or use --force\n",
		       dev, existing.prog_id, existing.mode, dev);
		return -EEXIST;
	}
	if (!detach)
		return 0;
	err = xdp_detach_existing(rx->ifindex, &existing);
	if (err == -EBUSY || err == -EINVAL) {
		pr_err("%s: XDP program id %u is held by another process's bpf_link: stop that process (--force only replaces netlink attachments)\n",
		       dev, existing.prog_id);
		return err;
	}
	if (err) {
		pr_err("%s: cannot detach XDP program id %u: %s%s\n", dev,
		       existing.prog_id, strerror(-err), permission_hint(err));
		return err;
	}
	pr_warn("%s: --force: detached XDP program id %u (%s)\n", dev,
		existing.prog_id, existing.mode);
	return 0;
}

/* ---- BPF object ------------------------------------------------------------ */

static int load_program(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	struct af_xdp_kern *skel;
	int err;

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

static int setup_decoder(struct receiver *rx)
{
	const struct btf *btf = bpf_object__btf(rx->skel->obj);
	int err;

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
	log_layouts(&rx->decoder);
	return 0;
}

/* ---- the device's hardware clock (PHC) ----------------------------------------- */

/*
 * xdp_hints_rx_hw's rx_hw_timestamp counts on the NIC's PHC, so the
 * hardware-to-XDP delay needs the PHC's offset to CLOCK_MONOTONIC. Never
 * fatal: without it hardware timestamps are counted, not timed, and the
 * XDP-to-application latency (rx_ktime only) is unaffected.
 */
static void setup_phc(struct receiver *rx)
{
	const char *dev = rx->cfg.ifname;
	__u64 window_ns;
	__s64 offset_ns;
	int err;

	atomic_store_explicit(&rx->phc_offset_ns, PHC_OFFSET_NONE, memory_order_relaxed);
	if (!rx->hint_program.driver_metadata)
		return;
	err = phc_clock_open(&rx->phc, dev);
	if (err == -ENODEV) {
		pr_info("%s has no PHC: hardware timestamps, if any, are reported unconverted\n", dev);
		return;
	}
	if (err) {
		pr_warn("%s: cannot open its PHC /dev/ptp%d: %s: hardware timestamps, if any, are reported unconverted\n",
			dev, rx->phc.index, strerror(-err));
		return;
	}
	err = phc_clock_offset(&rx->phc, &offset_ns, &window_ns);
	if (err) {
		pr_warn("%s: reading its PHC /dev/ptp%d: %s: hardware timestamps, if any, are reported unconverted\n",
			dev, rx->phc.index, strerror(-err));
		phc_clock_close(&rx->phc);
		return;
	}
	atomic_store_explicit(&rx->phc_offset_ns, offset_ns, memory_order_relaxed);
	pr_info("%s: PHC /dev/ptp%d minus CLOCK_MONOTONIC is %lld ns (read within %llu ns): hardware timestamps converted, offset resampled every report interval\n",
		dev, rx->phc.index, (long long)offset_ns, (unsigned long long)window_ns);
}

/*
 * The main thread, at each report interval (each link check without
 * interval reports): the two clocks drift, and phc2sys may steer the PHC.
 */
static void resample_phc(struct receiver *rx)
{
	__s64 offset_ns;
	int err;

	if (!rx->phc.open)
		return;
	err = phc_clock_offset(&rx->phc, &offset_ns, NULL);
	if (err) {
		/* Once per failure run, not once per interval. */
		if (atomic_load_explicit(&rx->phc_offset_ns, memory_order_relaxed) != PHC_OFFSET_NONE)
			pr_warn("%s: reading its PHC /dev/ptp%d: %s: hardware timestamps unconverted until a read succeeds\n",
				rx->cfg.ifname, rx->phc.index, strerror(-err));
		offset_ns = PHC_OFFSET_NONE;
	}
	atomic_store_explicit(&rx->phc_offset_ns, offset_ns, memory_order_relaxed);
}

/* ---- sockets --------------------------------------------------------------- */

static void report_queue_error(const struct receiver *rx, __u32 queue,
			       enum xsk_queue_stage stage, int err)
{
	const struct rx_config *cfg = &rx->cfg;
	double mib = (double)cfg->frames * cfg->frame_size / (1024.0 * 1024.0);
	const char *mode = cfg->bind_mode == BIND_MODE_ZEROCOPY ? "zero-copy" : "copy";

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
		pr_err("%s queue %u: cannot bind AF_XDP socket in %s mode: %s%s%s\n",
		       cfg->ifname, queue, mode, strerror(-err), permission_hint(err),
		       err == -EBUSY ? " (another AF_XDP socket on this queue?)" : "");
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
		break;
	}
	pr_err("%s queue %u: %s\n", cfg->ifname, queue, strerror(-err));
}

static int open_queues(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	__u32 first = cfg->single_queue ? cfg->queue_id : 0;
	int map_fd = bpf_map__fd(rx->skel->maps.xsks_map);
	double total_mib = (double)cfg->frames * cfg->frame_size * (double)rx->n_queues /
			   (1024.0 * 1024.0);
	bool told_fallback = false;
	int err;

	rx->queues = calloc(rx->n_queues, sizeof(*rx->queues));
	rx->stats = calloc(rx->n_queues, sizeof(*rx->stats));
	rx->pollfds = calloc(rx->n_queues, sizeof(*rx->pollfds));
	if (!rx->queues || !rx->stats || !rx->pollfds)
		return -ENOMEM;
	pr_info("UMEM: %zu queue(s) x %u frames x %u bytes = %.1f MiB\n", rx->n_queues,
		cfg->frames, cfg->frame_size, total_mib);

	rx->zero_copy = true;
	for (size_t i = 0; i < rx->n_queues; i++) {
		struct xsk_queue_params params = {
			.ifname = cfg->ifname,
			.queue_id = first + (__u32)i,
			.frames = cfg->frames,
			.frame_size = cfg->frame_size,
			.bind_mode = cfg->bind_mode,
			.populate = false,
			/* The first queue's socket sends: half its UMEM is for TX. */
			.tx_frames = cfg->tx.enabled && i == 0 ? cfg->frames / 2 : 0,
		};
		enum xsk_queue_stage stage;
		struct xsk_queue *q = &rx->queues[i];

		err = queue_rx_stats_init(&rx->stats[i], params.queue_id,
					  rx->decoder.n_layouts);
		if (err)
			return err;
		err = xsk_queue_open(q, &params, &stage);
		if (err) {
			report_queue_error(rx, params.queue_id, stage, err);
			return err;
		}
		rx->n_open = i + 1;
		if (q->zc_err && !told_fallback) {
			pr_info("%s: zero-copy bind failed (%s): using copy mode\n",
				cfg->ifname, strerror(-q->zc_err));
			told_fallback = true;
		}
		rx->zero_copy = rx->zero_copy && q->zero_copy;
		err = cfg->tx.no_rx ? 0 : xsk_queue_register(q, map_fd);
		if (err) {
			report_queue_error(rx, params.queue_id, XSK_STAGE_XSKMAP, err);
			return err;
		}
		rx->pollfds[i] = (struct pollfd){ .fd = xsk_queue_fd(q), .events = POLLIN };
	}
	return 0;
}

static void close_queues(struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_open; i++)
		xsk_queue_close(&rx->queues[i]);
	rx->n_open = 0;
	if (rx->stats)
		for (size_t i = 0; i < rx->n_queues; i++)
			queue_rx_stats_free(&rx->stats[i]);
	free(rx->queues);
	free(rx->stats);
	free(rx->pollfds);
	rx->queues = NULL;
	rx->stats = NULL;
	rx->pollfds = NULL;
}

/* ---- XDP attach -------------------------------------------------------------- */

static int attach_program(struct receiver *rx)
{
	const char *dev = rx->cfg.ifname;
	int err;

	err = handle_existing_program(rx, true);
	if (err)
		return err;
	err = xdp_attach(rx->hint_program.prog, rx->ifindex,
			 rx->hint_program.attach_mode, &rx->attachment);
	if (err == -EPERM || err == -EACCES) {
		pr_err("%s: attaching XDP: %s (need root/CAP_NET_ADMIN+CAP_BPF)\n", dev,
		       strerror(-err));
		return err;
	}
	if (err == -EOPNOTSUPP && rx->cfg.xdp_mode == XDP_MODE_NATIVE) {
		pr_err("%s: attaching XDP in native mode: its driver (%s) lacks native XDP (use --xdp-mode generic or auto)\n",
		       dev, rx->driver);
		return err;
	}
	if (err == -EBUSY || err == -EEXIST) {
		pr_err("%s: attaching XDP: %s: another XDP program got attached (use --force)\n",
		       dev, strerror(-err));
		return err;
	}
	if (err) {
		pr_err("%s: attaching XDP in %s mode: %s\n", dev,
		       xdp_mode_name(rx->cfg.xdp_mode), strerror(-err));
		return err;
	}
	if (rx->attachment.native_err)
		pr_info("%s: native XDP not available (%s): attached in generic mode\n",
			dev, strerror(-rx->attachment.native_err));
	return 0;
}

/* ---- receiving ------------------------------------------------------------- */

static void csv_record(struct frame_ctx *fc, const struct xsk_queue *q,
		       const struct decoded_hint *h, __u64 now_ns)
{
	bool timed = h->has_rx_ktime && now_ns >= h->rx_ktime;
	const char *layout = h->kind == HINT_KNOWN ? fc->decoder->layouts[h->layout].name :
			     h->kind == HINT_NONE ? "none" : "unknown";

	csv_log_record(fc->csv, now_ns, q->queue_id, fc->cpu,
		       h->has_rx_cpu ? (int)h->rx_cpu == fc->cpu : -1, timed,
		       timed ? now_ns - h->rx_ktime : 0, h->btf_id, layout);
}

static void on_frame(void *ctx, const struct xsk_queue *q, void *pkt, __u32 len,
		     __u64 now_ns)
{
	struct frame_ctx *fc = ctx;
	struct decoded_hint hint;

	hint_decoder_decode(fc->decoder, pkt, &hint);
	queue_rx_stats_account(fc->stats, &hint, now_ns, fc->cpu);
	queue_rx_stats_account_hw(fc->stats, &hint, fc->phc_offset_ns);
	if (fc->csv)
		csv_record(fc, q, &hint, now_ns);
	if (fc->pkt_info)
		report_packet(stdout, fc->json, q->queue_id, fc->decoder, &hint, pkt,
			      len, hint.has_rx_ktime ? now_ns - hint.rx_ktime : 0);
}

static unsigned int batch_budget(const struct receiver *rx)
{
	__u64 left;

	if (!rx->cfg.max_packets)
		return RX_BATCH;
	left = rx->cfg.max_packets - rx->total_packets;
	return left < RX_BATCH ? (unsigned int)left : RX_BATCH;
}

static void receive_queue(struct receiver *rx, size_t i)
{
	struct frame_ctx fc = {
		.decoder = &rx->decoder,
		.stats = &rx->stats[i],
		/* Once per batch: the thread does not migrate mid-batch often
		 * enough to matter, and the call is not free. */
		.cpu = sched_getcpu(),
		.pkt_info = rx->cfg.pkt_info,
		.json = rx->cfg.json,
		.csv = rx->csv_fd >= 0 ? &rx->csv : NULL,
		.phc_offset_ns = atomic_load_explicit(&rx->phc_offset_ns, memory_order_relaxed),
	};
	unsigned int budget = batch_budget(rx);

	if (!budget)
		return;
	if (rx->cfg.busy_poll)
		busy_poll_drive(rx->pollfds[i].fd);
	rx->total_packets += xsk_queue_receive(&rx->queues[i], budget, on_frame, &fc,
					       rx->cfg.spin || rx->cfg.busy_poll);
}

static bool count_reached(const struct receiver *rx)
{
	return rx->cfg.max_packets && rx->total_packets >= rx->cfg.max_packets;
}

/* Into @stats: rx->stats, or with --threads during the run the snapshots
 * (the workers write rx->stats). */
static void refresh_kernel_counters(struct receiver *rx, struct queue_rx_stats *stats)
{
	int map_fd = bpf_map__fd(rx->skel->maps.queue_stats);

	for (size_t i = 0; i < rx->n_queues; i++) {
		struct queue_rx_stats *s = &stats[i];

		if (xdp_counters_read(map_fd, s->queue_id, rx->percpu_scratch,
				      rx->n_cpus, &s->xdp))
			memset(&s->xdp, 0, sizeof(s->xdp));
		if (i < rx->n_open)
			xsk_queue_stats(&rx->queues[i], &s->xsk);
	}
}

static const char *xdp_mode_label(const struct receiver *rx)
{
	if (rx->cfg.tx.no_rx)
		return "none";
	return rx->attachment.mode == XDP_MODE_NATIVE ? "native" : "generic";
}

static void print_report(struct receiver *rx, enum report_kind kind)
{
	struct report_run run = {
		.dev = rx->cfg.ifname,
		.ifindex = rx->ifindex,
		.xdp_mode = xdp_mode_label(rx),
		.bind_mode = rx->zero_copy ? "zero-copy" : "copy",
		.rx_mode = rx_mode_label(&rx->cfg),
		.duration_s = (double)(monotonic_ns() - rx->start_ns) / (double)NS_PER_SEC,
		/* Read only once the TX thread has stopped. */
		.tx = kind == REPORT_FINAL ? rx->tx.stats : NULL,
	};

	struct queue_rx_stats *stats = rx->stats;

	if (rx->n_workers) {
		if (snapshot_workers(rx)) {
			pr_warn("interval report skipped: a receive thread did not hand over its statistics in time\n");
			return;
		}
		stats = rx->snapshots;
	}
	refresh_kernel_counters(rx, stats);
	if (report_print(stdout, rx->cfg.json, kind, &run, &rx->decoder, stats,
			 rx->n_queues))
		pr_err("printing the report: out of memory\n");
}

/*
 * The XDP program counts packets from queues beyond the map size it was
 * given (the device gained queues after start-up) in overflow_stats.
 */
static void warn_overflow_queues(struct receiver *rx)
{
	struct queue_counters overflow;

	if (xdp_counters_read(bpf_map__fd(rx->skel->maps.overflow_stats), 0,
			      rx->percpu_scratch, rx->n_cpus, &overflow))
		return;
	if (overflow.seen)
		pr_warn("%s: %llu packet(s) arrived on queues beyond the %u the device had at start: restart to bind them\n",
			rx->cfg.ifname, (unsigned long long)overflow.seen, rx->dev_queues);
}

/* -ENODEV / -ENETDOWN when the interface went away or down. */
static int check_link(const struct receiver *rx)
{
	int up = netdev_is_up(rx->cfg.ifname);

	if (up == -ENODEV) {
		pr_err("%s: interface disappeared while receiving\n", rx->cfg.ifname);
		return -ENODEV;
	}
	if (up == 0) {
		pr_err("%s: interface went down while receiving\n", rx->cfg.ifname);
		return -ENETDOWN;
	}
	return 0;
}

static int socket_error(const struct receiver *rx, size_t i)
{
	int so_err = 0;
	socklen_t len = sizeof(so_err);

	getsockopt(rx->pollfds[i].fd, SOL_SOCKET, SO_ERROR, &so_err, &len);
	pr_err("%s queue %u: AF_XDP socket error: %s (interface gone?)\n",
	       rx->cfg.ifname, rx->stats[i].queue_id,
	       strerror(so_err ? so_err : ENETDOWN));
	return -(so_err ? so_err : ENETDOWN);
}

static int wait_and_receive(struct receiver *rx, __u64 now, __u64 wake_at)
{
	__u64 wait_ns = wake_at > now ? wake_at - now : 0;
	struct timespec timeout = {
		.tv_sec = (time_t)(wait_ns / NS_PER_SEC),
		.tv_nsec = (long)(wait_ns % NS_PER_SEC),
	};
	int ready = ppoll(rx->pollfds, (nfds_t)rx->n_queues, &timeout, &wait_sigmask);

	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	for (size_t i = 0; i < rx->n_queues && ready > 0; i++) {
		short revents = rx->pollfds[i].revents;

		if (!revents)
			continue;
		ready--;
		if (revents & (POLLERR | POLLHUP | POLLNVAL))
			return socket_error(rx, i);
		if (revents & POLLIN)
			receive_queue(rx, i);
	}
	return 0;
}

static void spin_receive(struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_queues; i++)
		receive_queue(rx, i);
}

static __u64 min_u64(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

/* ---- measurement: receive threads (--threads) ------------------------------------ */

/*
 * One thread per queue; each owns its queue's socket, statistics and CSV
 * buffer, so the packet path shares nothing but a per-batch atomic add
 * (the --count total). The main thread only supervises: it waits for the
 * deadline, the interval and the stop signals (which only it receives:
 * workers start with them blocked).
 *
 * Interval reports need a consistent picture of statistics another thread
 * is writing. The main thread sets a worker's snapshot_req and wakes it
 * (eventfd, for a worker asleep in poll()); the worker copies its stats
 * into rx->snapshots[queue] between two batches and clears the flag with
 * release ordering; the main thread reports from the snapshots once every
 * flag is clear. The final report reads the stats after the join.
 */
struct rx_worker {
	struct receiver *rx;
	size_t queue;             /* index into rx->queues, rx->stats */
	int cpu;                  /* -1: not pinned */
	pthread_t thread;
	int wake_fd;              /* eventfd: stop or snapshot request */
	struct csv_log csv;
	atomic_int snapshot_req;
	atomic_int setup_done;    /* 1: set-up over (see err) */
	atomic_int err;           /* negative errno: the worker gave up */
};

static atomic_bool workers_stop;

#define WORKER_SNAPSHOT_TIMEOUT_NS (NS_PER_SEC / 2)
#define WORKER_SUPERVISE_NS (NS_PER_SEC / 50)

static void worker_take_snapshot(struct rx_worker *w)
{
	if (!atomic_load_explicit(&w->snapshot_req, memory_order_acquire))
		return;
	queue_rx_stats_copy(&w->rx->snapshots[w->queue], &w->rx->stats[w->queue]);
	atomic_store_explicit(&w->snapshot_req, 0, memory_order_release);
}

static void worker_receive(struct rx_worker *w)
{
	struct receiver *rx = w->rx;
	struct frame_ctx fc = {
		.decoder = &rx->decoder,
		.stats = &rx->stats[w->queue],
		.cpu = sched_getcpu(),
		.pkt_info = rx->cfg.pkt_info,
		.json = rx->cfg.json,
		.csv = rx->csv_fd >= 0 ? &w->csv : NULL,
		.phc_offset_ns = atomic_load_explicit(&rx->phc_offset_ns, memory_order_relaxed),
	};
	unsigned int budget = RX_BATCH, n;

	if (rx->cfg.max_packets) {
		__u64 total = atomic_load_explicit(&rx->shared_packets, memory_order_relaxed);

		if (total >= rx->cfg.max_packets)
			return;
		if (rx->cfg.max_packets - total < budget)
			budget = (unsigned int)(rx->cfg.max_packets - total);
	}
	if (rx->cfg.busy_poll)
		busy_poll_drive(rx->pollfds[w->queue].fd);
	n = xsk_queue_receive(&rx->queues[w->queue], budget, on_frame, &fc,
			      rx->cfg.spin || rx->cfg.busy_poll);
	if (n)
		atomic_fetch_add_explicit(&rx->shared_packets, n, memory_order_relaxed);
}

/* Wakeup mode: sleep in poll() on the socket and the wake eventfd. */
static int worker_wait(struct rx_worker *w)
{
	struct pollfd fds[2] = {
		{ .fd = w->rx->pollfds[w->queue].fd, .events = POLLIN },
		{ .fd = w->wake_fd, .events = POLLIN },
	};
	__u64 counter;

	if (poll(fds, 2, 1000) < 0)
		return errno == EINTR ? 0 : -errno;
	if (fds[1].revents & POLLIN && read(w->wake_fd, &counter, sizeof(counter)) < 0)
		return -errno;
	if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ENETDOWN;
	if (fds[0].revents & POLLIN)
		worker_receive(w);
	return 0;
}

static int worker_setup(struct rx_worker *w)
{
	int err;

	if (w->cpu >= 0) {
		err = cpu_pin_self(w->cpu);
		if (err)
			return err;
	}
	if (w->rx->cfg.priority) {
		err = cpu_fifo_self(w->rx->cfg.priority);
		if (err)
			return err;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct rx_worker *w = arg;
	bool busy = w->rx->cfg.spin || w->rx->cfg.busy_poll;
	int err = worker_setup(w);

	atomic_store(&w->err, err);
	atomic_store(&w->setup_done, 1);
	while (!err && !atomic_load_explicit(&workers_stop, memory_order_relaxed)) {
		worker_take_snapshot(w);
		if (busy)
			worker_receive(w);
		else
			err = worker_wait(w);
	}
	if (w->rx->csv_fd >= 0 && !err)
		err = csv_log_flush(&w->csv);
	if (err)
		atomic_store(&w->err, err);
	/* A request that raced with the stop must not leave the main thread waiting. */
	atomic_store_explicit(&w->snapshot_req, 0, memory_order_release);
	return NULL;
}

static void wake_worker(struct rx_worker *w)
{
	__u64 one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0)
		pr_debug("waking the thread of queue %u: %s\n",
			 w->rx->stats[w->queue].queue_id, strerror(errno));
}

/* Stop and join every started worker, free what they held. Idempotent. */
static void stop_workers(struct receiver *rx)
{
	atomic_store(&workers_stop, true);
	for (size_t i = 0; i < rx->n_workers; i++) {
		wake_worker(&rx->workers[i]);
		pthread_join(rx->workers[i].thread, NULL);
	}
	for (size_t i = 0; rx->workers && i < rx->n_queues; i++) {
		if (rx->workers[i].wake_fd >= 0)
			close(rx->workers[i].wake_fd);
		csv_log_close(&rx->workers[i].csv);
	}
	rx->n_workers = 0;
	free(rx->workers);
	rx->workers = NULL;
	if (rx->snapshots)
		for (size_t i = 0; i < rx->n_queues; i++)
			queue_rx_stats_free(&rx->snapshots[i]);
	free(rx->snapshots);
	rx->snapshots = NULL;
}

static int worker_cpu(const struct rx_config *cfg, size_t i)
{
	if (cfg->n_cpu_list)
		return cfg->cpu_list[i % cfg->n_cpu_list];
	return cfg->cpu;
}

static int describe_worker_error(const struct receiver *rx, const struct rx_worker *w, int err)
{
	__u32 queue = rx->stats[w->queue].queue_id;

	if (err == -EPERM && rx->cfg.priority)
		pr_err("--priority %u: SCHED_FIFO for the thread of queue %u not permitted: needs root or CAP_SYS_NICE, and RLIMIT_RTPRIO/cgroup RT budget\n",
		       rx->cfg.priority, queue);
	else if (w->cpu >= 0 && err == -EINVAL)
		pr_err("pinning the thread of queue %u to CPU %d: %s\n", queue, w->cpu,
		       strerror(-err));
	else if (err == -ENETDOWN)
		pr_err("%s queue %u: AF_XDP socket error (interface gone?)\n", rx->cfg.ifname, queue);
	else
		pr_err("%s queue %u: receive thread: %s\n", rx->cfg.ifname, queue, strerror(-err));
	return err;
}

/* Start one thread per queue; returns once each has finished its set-up. */
static int start_workers(struct receiver *rx)
{
	int err;

	if (!rx->cfg.threads)
		return 0;
	rx->workers = calloc(rx->n_queues, sizeof(*rx->workers));
	rx->snapshots = calloc(rx->n_queues, sizeof(*rx->snapshots));
	if (!rx->workers || !rx->snapshots) {
		pr_err("setting up the receive threads: out of memory\n");
		return -ENOMEM;
	}
	for (size_t i = 0; i < rx->n_queues; i++)
		rx->workers[i].wake_fd = -1;
	for (size_t i = 0; i < rx->n_queues; i++) {
		struct rx_worker *w = &rx->workers[i];

		w->rx = rx;
		w->queue = i;
		w->cpu = worker_cpu(&rx->cfg, i);
		err = queue_rx_stats_init(&rx->snapshots[i], rx->stats[i].queue_id,
					  rx->decoder.n_layouts);
		if (!err && rx->csv_fd >= 0)
			err = csv_log_init(&w->csv, rx->csv_fd);
		if (err) {
			pr_err("setting up the receive threads: out of memory\n");
			return err;
		}
		w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->wake_fd < 0) {
			err = -errno;
			pr_err("creating an eventfd for the thread of queue %u: %s\n",
			       rx->stats[i].queue_id, strerror(-err));
			return err;
		}
	}
	atomic_store(&workers_stop, false);
	for (size_t i = 0; i < rx->n_queues; i++) {
		err = -pthread_create(&rx->workers[i].thread, NULL, worker_main, &rx->workers[i]);
		if (err) {
			pr_err("starting the receive thread of queue %u: %s\n",
			       rx->stats[i].queue_id, strerror(-err));
			return err;
		}
		rx->n_workers = i + 1;
	}
	for (size_t i = 0; i < rx->n_workers; i++) {
		struct rx_worker *w = &rx->workers[i];

		while (!atomic_load(&w->setup_done))
			sched_yield();
		err = atomic_load(&w->err);
		if (err)
			return describe_worker_error(rx, w, err);
	}
	pr_info("%zu receive thread(s) started\n", rx->n_workers);
	return 0;
}

/* Fill rx->snapshots from every worker. -ETIMEDOUT if one did not answer. */
static int snapshot_workers(struct receiver *rx)
{
	__u64 give_up = monotonic_ns() + WORKER_SNAPSHOT_TIMEOUT_NS;
	struct timespec pause = { .tv_nsec = 50000 };

	for (size_t i = 0; i < rx->n_workers; i++) {
		atomic_store_explicit(&rx->workers[i].snapshot_req, 1, memory_order_release);
		wake_worker(&rx->workers[i]);
	}
	for (size_t i = 0; i < rx->n_workers; i++) {
		while (atomic_load_explicit(&rx->workers[i].snapshot_req, memory_order_acquire)) {
			if (monotonic_ns() > give_up)
				return -ETIMEDOUT;
			nanosleep(&pause, NULL);
		}
	}
	return 0;
}

static int worker_failure(const struct receiver *rx)
{
	for (size_t i = 0; i < rx->n_workers; i++) {
		int err = atomic_load(&rx->workers[i].err);

		if (err)
			return describe_worker_error(rx, &rx->workers[i], err);
	}
	return 0;
}

/* The main thread's loop with --threads: time, signals, link, workers. */
static int supervise_workers(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	__u64 now = rx->start_ns;
	__u64 deadline = cfg->duration_ns ? now + cfg->duration_ns : UINT64_MAX;
	__u64 next_interval = cfg->interval_ns ? now + cfg->interval_ns : UINT64_MAX;
	__u64 next_link_check = now + LINK_CHECK_NS;
	struct timespec tick = { .tv_nsec = WORKER_SUPERVISE_NS };
	int err = 0;

	while (!stop_requested && !err) {
		if (cfg->max_packets &&
		    atomic_load(&rx->shared_packets) >= cfg->max_packets)
			break;
		/* Short naps: the count and the workers' errors have no fd. */
		if (ppoll(NULL, 0, &tick, &wait_sigmask) < 0 && errno != EINTR)
			err = -errno;
		now = monotonic_ns();
		if (now >= deadline)
			break;
		if (now >= next_interval) {
			resample_phc(rx);
			print_report(rx, REPORT_INTERVAL);
			next_interval += cfg->interval_ns;
			if (next_interval <= now)
				next_interval = now + cfg->interval_ns;
		}
		if (now >= next_link_check) {
			err = check_link(rx);
			next_link_check = now + LINK_CHECK_NS;
			if (!cfg->interval_ns)
				resample_phc(rx);
		}
		if (!err)
			err = worker_failure(rx);
	}
	stop_workers(rx);
	rx->total_packets = atomic_load(&rx->shared_packets);
	return err;
}

static int receive_loop(struct receiver *rx)
{
	const struct rx_config *cfg = &rx->cfg;
	__u64 now = rx->start_ns;
	__u64 deadline = cfg->duration_ns ? now + cfg->duration_ns : UINT64_MAX;
	__u64 next_interval = cfg->interval_ns ? now + cfg->interval_ns : UINT64_MAX;
	__u64 next_link_check = now + LINK_CHECK_NS;
	int err = 0;

	if (rx->n_workers)
		return supervise_workers(rx);
	while (!stop_requested && !count_reached(rx)) {
		if (cfg->spin || cfg->busy_poll)
			spin_receive(rx);
		else
			err = wait_and_receive(rx, now, min_u64(min_u64(deadline, next_interval),
								 next_link_check));
		if (err)
			return err;
		if (cfg->pkt_info)
			fflush(stdout);
		now = monotonic_ns();
		if (now >= deadline)
			break;
		if (now >= next_interval) {
			resample_phc(rx);
			print_report(rx, REPORT_INTERVAL);
			next_interval += cfg->interval_ns;
			if (next_interval <= now) /* we fell behind: do not burst */
				next_interval = now + cfg->interval_ns;
		}
		if (now >= next_link_check) {
			err = check_link(rx);
			if (err)
				return err;
			next_link_check = now + LINK_CHECK_NS;
			if (!cfg->interval_ns)
				resample_phc(rx);
		}
	}
	return 0;
}

static void announce_ready(const struct receiver *rx)
{
	__u32 first = rx->stats[0].queue_id;
	__u32 last = rx->stats[rx->n_queues - 1].queue_id;

	/* Tests and scripts wait for this exact prefix: print it whatever
	 * the verbosity. */
	fprintf(stderr, PROG_NAME ": ready: dev %s ifindex %d queues %u-%u xdp %s bind %s rx %s layout %s\n",
		rx->cfg.ifname, rx->ifindex, first, last, xdp_mode_label(rx),
		rx->zero_copy ? "zero-copy" : "copy", rx_mode_label(&rx->cfg),
		rx->hint_program.driver_metadata ? "rx-hw" : hint_policy_name(rx->cfg.layout));
	fflush(stderr);
}

/* ---- time-triggered TX ---------------------------------------------------------- */

#ifndef XDP_HINTS_LIBXDP_VERSION
#define XDP_HINTS_LIBXDP_VERSION "(version unknown)"
#endif

static int setup_tx(struct receiver *rx)
{
	struct xsk_queue *q = &rx->queues[0];
	char what[256];
	int err;

	if (!rx->cfg.tx.enabled)
		return 0;
	err = tx_cyclic_init(&rx->tx, &rx->cfg.tx, rx->cfg.ifname, q);
	if (err) {
		pr_err("%s queue %u: setting up TX: %s\n", rx->cfg.ifname, q->queue_id,
		       err == -ENOMEM ? "out of memory" : strerror(-err));
		return err;
	}
	tx_cyclic_describe(&rx->tx, what, sizeof(what));
	pr_info("%s\n", what);
	if (XSK_TX_HAVE_UMEM_TX_METADATA)
		pr_info("TX timestamps not requested: libxdp could register tx_metadata_len, this build does not use it\n");
	else
		pr_info("TX timestamps unavailable: libxdp %s cannot create a UMEM with tx_metadata_len\n",
			XDP_HINTS_LIBXDP_VERSION);
	return 0;
}

static int tx_error(const struct receiver *rx, int err)
{
	if (err == -ENETDOWN || err == -ENXIO || err == -ENODEV)
		pr_err("%s: interface went away or down while sending\n", rx->cfg.ifname);
	else if (err)
		pr_err("%s queue %u: sending: %s\n", rx->cfg.ifname,
		       rx->tx.stats->queue_id, strerror(-err));
	return err;
}

static void warn_tx_leftovers(const struct receiver *rx)
{
	const struct tx_cycle_stats *s = rx->tx.stats;

	if (s && s->frames_sent != s->frames_completed)
		pr_warn("%s queue %u: %llu TX frame(s) never completed within %.1f s\n",
			rx->cfg.ifname, s->queue_id,
			(unsigned long long)(s->frames_sent - s->frames_completed),
			(double)TX_DRAIN_TIMEOUT_NS / (double)NS_PER_SEC);
}

/*
 * Without --tx: receive. --tx --no-rx: the cycles run on this thread (with
 * the stop signals unblocked, so they cut a sleep short). --tx: the cycles
 * run on their own thread while this one receives; when they are done the
 * TX thread ends the receive loop as a stop signal would.
 */
static int run_rx_tx(struct receiver *rx)
{
	int err, tx_err;

	if (!rx->cfg.tx.enabled)
		return receive_loop(rx);
	if (rx->cfg.tx.no_rx) {
		sigprocmask(SIG_SETMASK, &wait_sigmask, NULL);
		err = tx_cyclic_run(&rx->tx, &stop_requested,
				    rx->cfg.duration_ns ? rx->start_ns + rx->cfg.duration_ns : 0);
		return tx_error(rx, err);
	}
	err = tx_cyclic_start(&rx->tx, &stop_requested);
	if (err) {
		pr_err("starting the TX thread: %s\n", strerror(-err));
		return err;
	}
	err = receive_loop(rx);
	tx_err = tx_error(rx, tx_cyclic_stop(&rx->tx));
	return err ? err : tx_err;
}

/* ---- the story ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct receiver rx = { .attachment = XDP_ATTACHMENT_INIT, .dma_latency_fd = -1,
			       .csv_fd = -1 };
	int exit_code = EXIT_RUNTIME;
	char usage_err[256];
	int ret;

	log_prog_name = PROG_NAME;
	ret = rx_options_parse(argc, argv, &rx.cfg, usage_err, sizeof(usage_err));
	if (ret == RX_OPTIONS_HELP || ret == RX_OPTIONS_MAN) {
		if (ret == RX_OPTIONS_HELP)
			rx_options_usage(stdout, PROG_NAME);
		else
			rx_options_man(stdout, PROG_NAME);
		return EXIT_OK;
	}
	if (ret) {
		fprintf(stderr, PROG_NAME ": %s (see --help)\n", usage_err);
		return EXIT_USAGE;
	}
	if (check_placement_options(&rx.cfg, usage_err, sizeof(usage_err))) {
		fprintf(stderr, PROG_NAME ": %s\n", usage_err);
		return EXIT_USAGE;
	}
	log_level = rx.cfg.verbosity;
	log_hook_libbpf();
	/* Early, so a Ctrl-C during set-up still ends in the cleanup path. */
	if (install_signal_handlers(main_waits_in_ppoll(&rx.cfg))) {
		pr_err("installing signal handlers: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}

	if (check_interface(&rx))
		goto cleanup;
	if (check_capabilities(&rx))
		goto cleanup;
	if (check_default_route(&rx))
		goto cleanup;
	if (setup_measurement(&rx))
		goto cleanup;
	if (!rx.cfg.tx.no_rx && handle_existing_program(&rx, false))
		goto cleanup;
	if (load_program(&rx))
		goto cleanup;
	if (setup_decoder(&rx))
		goto cleanup;
	setup_phc(&rx); /* never fatal */
	if (open_queues(&rx))
		goto cleanup;
	if (enable_busy_poll(&rx))
		goto cleanup;
	if (setup_tx(&rx))
		goto cleanup;
	/* Last: until now no socket existed to redirect to. */
	if (!rx.cfg.tx.no_rx && attach_program(&rx))
		goto cleanup;
	if (start_workers(&rx))
		goto cleanup;
	announce_ready(&rx);

	rx.start_ns = monotonic_ns();
	if (run_rx_tx(&rx) == 0)
		exit_code = EXIT_OK;
	print_report(&rx, REPORT_FINAL);
	warn_tx_leftovers(&rx);
	warn_overflow_queues(&rx);

cleanup:
	/* Detach first so no packet is redirected to a closing socket. */
	xdp_attachment_release(&rx.attachment);
	stop_workers(&rx); /* before the sockets they read go */
	tx_cyclic_free(&rx.tx); /* stops the TX thread, before its UMEM goes */
	close_queues(&rx);
	hint_decoder_free(&rx.decoder);
	phc_clock_close(&rx.phc);
	free(rx.percpu_scratch);
	af_xdp_kern__destroy(rx.skel);
	release_measurement(&rx);
	return exit_code;
}
