// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "frame_build.h"
#include "options.h"
#include "parse_num.h"
#include "report.h"
#include "pcapng_writer.h"

enum option_id {
	OPT_DEV = 'd',
	OPT_QUEUE = 'Q',
	OPT_XDP_MODE = 'm',
	OPT_BIND_MODE = 'b',
	OPT_SPIN = 's',
	OPT_FRAMES = 'f',
	OPT_FRAME_SIZE = 'F',
	OPT_LAYOUT = 'L',
	OPT_FILTER_UDP = 'u',
	OPT_FILTER_ETHERTYPE = 'E',
	OPT_EXTENDED = 'e',
	OPT_COUNT = 'n',
	OPT_DURATION = 't',
	OPT_INTERVAL = 'i',
	OPT_PKT_INFO = 'p',
	OPT_JSON = 'j',
	OPT_VERBOSE = 'v',
	OPT_QUIET = 'q',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_MAN = 257, /* long only */
	OPT_FORCE = 256, /* long only */
	OPT_XSKS_MAP = 258, /* long only */
	OPT_PROG_ID = 259, /* long only */
	/* Measurement options, long only. */
	OPT_BUSY_POLL = 300,
	OPT_BUSY_POLL_USEC,
	OPT_CPU,
	OPT_THREADS,
	OPT_CPU_LIST,
	OPT_PRIORITY,
	OPT_CPU_DMA_LATENCY,
	OPT_CSV,
	OPT_HW_HINTS,
	OPT_TX_CPU,
	OPT_TX_PRIORITY,
	OPT_FRAGS,
	OPT_CLOCK,
	OPT_PCAPNG,
	OPT_SNAPLEN,
	OPT_METRICS,
	OPT_FRAME_HEADROOM,
	OPT_BPF_STATS,
	/* Time-triggered TX, long only, numbered apart from the rest. */
	OPT_TX = 512,
	OPT_NO_RX,
	OPT_TX_INTERVAL,
	OPT_TX_BATCH,
	OPT_TX_CYCLES,
	OPT_TX_SIZE,
	OPT_TX_SRC_MAC,
	OPT_TX_DST_MAC,
	OPT_TX_SRC_IP,
	OPT_TX_DST_IP,
	OPT_TX_SRC_PORT,
	OPT_TX_DST_PORT,
	OPT_TX_LAST = OPT_TX_DST_PORT,
};

struct option_spec {
	const char *name;
	int id;             /* short letter, or > 255 for long-only options */
	const char *arg;    /* argument name in --help, NULL for a flag */
	const char *help;
	const char *dflt;   /* default shown in --help, NULL when none */
};

static const struct option_spec option_table[] = {
	{ "dev", OPT_DEV, "IFNAME",
	  "interface to bind (required; also accepted as the one positional argument)", NULL },
	{ "queue", OPT_QUEUE, "N",
	  "bind only queue N", "every RX queue (ethtool channels rx + combined, else sysfs)" },
	{ "xdp-mode", OPT_XDP_MODE, "MODE",
	  "native | generic (or skb) | auto (native, else generic)", "auto" },
	{ "bind-mode", OPT_BIND_MODE, "MODE",
	  "copy | zero-copy | auto (zero-copy, else copy)", "auto" },
	{ "spin", OPT_SPIN, NULL,
	  "busy loop over all RX rings instead of poll()", "wakeup mode, poll()" },
	{ "frames", OPT_FRAMES, "N",
	  "UMEM frames per queue, power of two 64..1048576", "4096" },
	{ "frame-size", OPT_FRAME_SIZE, "N", "UMEM frame size: 2048 or 4096", "4096" },
	{ "frame-headroom", OPT_FRAME_HEADROOM, "N",
	  "UMEM headroom in bytes in front of each packet, 0..256: the longest frame one UMEM frame holds shrinks to frame size - 256 - N",
	  "0" },
	{ "layout", OPT_LAYOUT, "POLICY",
	  "hints the XDP program writes: rx-time | mark | alternate | none (btf_id 0 alone)",
	  "rx-time" },
	{ "hw-hints", OPT_HW_HINTS, "MODE",
	  "auto | on | off: hint xdp_hints_rx_hw with the driver's RX metadata (kfuncs; native mode, with --layout rx-time)",
	  "auto" },
	{ "frags", OPT_FRAGS, "MODE",
	  "auto | on | off: AF_XDP multi-buffer (xdp.frags program, XDP_USE_SG; Linux 6.6+) for frames longer than one UMEM frame, e.g. MTU 9000; auto: on when the MTU needs it and the kernel can",
	  "auto" },
	{ "clock", OPT_CLOCK, "CLOCK",
	  "monotonic | tai: clock of the XDP receive time and of the receiver's now; tai stamps bpf_ktime_get_tai_ns() (Linux 6.1+) in hint xdp_hints_rx_tai and reads CLOCK_TAI",
	  "monotonic" },
	{ "filter-udp-port", OPT_FILTER_UDP, "P",
	  "redirect only UDP to destination port P (1..65535), also behind VLAN tags and IPv6 extension headers; fragments stay with the kernel", "everything" },
	{ "filter-ethertype", OPT_FILTER_ETHERTYPE, "T",
	  "redirect only frames with ethertype T (0x0600..0xffff) anywhere in them: outer type, a VLAN TPID or the type after the last tag; conflicts with -u", "everything" },
	{ "count", OPT_COUNT, "N", "exit after N packets in total", "until a signal" },
	{ "duration", OPT_DURATION, "S",
	  "exit after S seconds (fractions allowed)", "until a signal" },
	{ "interval", OPT_INTERVAL, "S",
	  "a report every S seconds with the interval's own counts, rates and latency, 0 = off",
	  "1" },
	{ "pkt-info", OPT_PKT_INFO, NULL,
	  "one line per packet: queue, btf_id, layout, fields, latency", NULL },
	{ "json", OPT_JSON, NULL,
	  "reports as JSON lines on stdout (schema/af_xdp_user.schema.json)", "human table" },
	{ "extended", OPT_EXTENDED, NULL,
	  "every counter of every queue in each report, not one line per interval",
	  "compact" },
	{ "verbose", OPT_VERBOSE, NULL, "more logging, libbpf messages too", NULL },
	{ "quiet", OPT_QUIET, NULL, "errors only (no ready line either)", NULL },
	{ "force", OPT_FORCE, NULL,
	  "replace an XDP program already attached to IFNAME through netlink (not one held by a bpf_link)", "refuse" },
	{ "xsks-map", OPT_XSKS_MAP, "PATH",
	  "use another process's XDP program: bind into its XSKMAP pinned at PATH (bpffs), decode with its BTF; load and attach nothing",
	  "load our own program" },
	{ "prog-id", OPT_PROG_ID, "N",
	  "with --xsks-map: the XDP program's id (bpftool prog show)",
	  "the program attached to IFNAME" },
	{ "busy-poll", OPT_BUSY_POLL, NULL,
	  "preferred busy polling: SO_PREFER_BUSY_POLL, SO_BUSY_POLL, recvfrom() drives NAPI",
	  "off" },
	{ "busy-poll-usec", OPT_BUSY_POLL_USEC, "US",
	  "SO_BUSY_POLL time in microseconds, 1..1000000 (implies --busy-poll)", "20" },
	{ "bpf-stats", OPT_BPF_STATS, NULL,
	  "turn on the kernel's BPF run-time statistics for the run (bpf_enable_stats, needs CAP_SYS_ADMIN): reports show xdp_ns_per_packet, the XDP program's own cost",
	  "only if kernel.bpf_stats_enabled is on" },
	{ "cpu", OPT_CPU, "N", "pin the receiving thread(s) to online CPU N", "not pinned" },
	{ "threads", OPT_THREADS, NULL, "one receive thread per queue", "one thread" },
	{ "cpu-list", OPT_CPU_LIST, "LIST",
	  "with --threads: CPUs for the queues' threads in order, e.g. 0-3,6 (reused round-robin)",
	  "not pinned" },
	{ "priority", OPT_PRIORITY, "N",
	  "SCHED_FIFO priority 1..99 for the receiving thread(s)", "normal scheduling" },
	{ "cpu-dma-latency", OPT_CPU_DMA_LATENCY, "US",
	  "hold /dev/cpu_dma_latency at US microseconds (0: no deep C-states) while running",
	  "not set" },
	{ "csv", OPT_CSV, "FILE",
	  "per-packet records to FILE, CSV columns time_ns, queue, cpu, same_core, latency_ns, btf_id, layout",
	  "none" },
	{ "pcapng", OPT_PCAPNG, "FILE",
	  "capture every received frame to FILE (pcapng: one interface IF@qN per queue, ns wall-clock times from rx_ktime, the decoded hint as JSON in each packet's comment)",
	  "none" },
	{ "snaplen", OPT_SNAPLEN, "BYTES",
	  "with --pcapng: keep the first BYTES (1..262144) of each frame", "262144 (whole frames)" },
	{ "metrics", OPT_METRICS, "ADDR:PORT",
	  "serve Prometheus/OpenMetrics text at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9435, [::1]:9435; 0.0.0.0 exposes it to the network)",
	  "none" },
	{ "tx", OPT_TX, NULL,
	  "also send UDP frames every --tx-interval from the first bound queue's socket",
	  "receive only" },
	{ "no-rx", OPT_NO_RX, NULL,
	  "with --tx: send only, attach no XDP program", "receive too" },
	{ "tx-cpu", OPT_TX_CPU, "N", "with --tx: pin the TX thread to online CPU N",
	  "the CPUs the process started with" },
	{ "tx-priority", OPT_TX_PRIORITY, "N",
	  "with --tx: SCHED_FIFO priority 1..99 for the TX thread", "normal scheduling" },
	{ "tx-interval", OPT_TX_INTERVAL, "S",
	  "TX period, absolute deadlines, seconds 0.00001..10", "0.001" },
	{ "tx-batch", OPT_TX_BATCH, "N",
	  "frames per TX cycle, 1..1024 and at most half of --frames", "1" },
	{ "tx-cycles", OPT_TX_CYCLES, "N", "stop after N TX cycles", "until stopped" },
	{ "tx-size", OPT_TX_SIZE, "BYTES", "TX frame size without FCS, 60..1514", "64" },
	{ "tx-src-mac", OPT_TX_SRC_MAC, "MAC", "TX source MAC", "the device's" },
	{ "tx-dst-mac", OPT_TX_DST_MAC, "MAC", "TX destination MAC", "ff:ff:ff:ff:ff:ff" },
	{ "tx-src-ip", OPT_TX_SRC_IP, "A.B.C.D", "TX source IPv4",
	  "the device's, else 0.0.0.0" },
	{ "tx-dst-ip", OPT_TX_DST_IP, "A.B.C.D", "TX destination IPv4", "255.255.255.255" },
	{ "tx-src-port", OPT_TX_SRC_PORT, "P", "TX UDP source port, 1..65535", "10000" },
	{ "tx-dst-port", OPT_TX_DST_PORT, "P", "TX UDP destination port, 1..65535", "9000" },
	{ "version", OPT_VERSION, NULL, "the tool's version, with the libbpf and libxdp versions",
	  NULL },
	{ "help", OPT_HELP, NULL, "this text", NULL },
	{ "man", OPT_MAN, NULL, "this text as a manual page (troff), for man -l -", NULL },
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

void rx_config_defaults(struct rx_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->xdp_mode = XDP_MODE_AUTO;
	cfg->bind_mode = BIND_MODE_AUTO;
	cfg->frames = RX_FRAMES_DEFAULT;
	cfg->frame_size = RX_FRAME_SIZE_DEFAULT;
	cfg->layout = HINT_POLICY_RX_TIME;
	cfg->filter = FILTER_ALL;
	cfg->interval_ns = RX_INTERVAL_DEFAULT_NS;
	cfg->verbosity = LOG_INFO;
	cfg->busy_poll_usec = RX_BUSY_POLL_USEC_DEFAULT;
	cfg->cpu = -1;
	cfg->tx_cpu = -1;
	cfg->snaplen = PCAPNG_SNAPLEN_MAX;
	cfg->tx.interval_ns = TX_INTERVAL_DEFAULT_NS;
	cfg->tx.batch = TX_BATCH_DEFAULT;
	cfg->tx.frame_size = TX_SIZE_DEFAULT;
	memset(cfg->tx.dst_mac, 0xff, sizeof(cfg->tx.dst_mac));
	cfg->tx.dst_ip.s_addr = htonl(INADDR_BROADCAST);
	cfg->tx.src_port = TX_SRC_PORT_DEFAULT;
	cfg->tx.dst_port = TX_DST_PORT_DEFAULT;
}

static const struct option_spec *spec_of(int id)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (option_table[i].id == id)
			return &option_table[i];
	return NULL;
}

/* "-f/--frames" or "--force": how a message names the option. */
static void format_option_name(int id, char *buf, size_t len)
{
	const struct option_spec *spec = spec_of(id);

	if (!spec)
		snprintf(buf, len, "option");
	else if (spec->id < 256)
		snprintf(buf, len, "-%c/--%s", spec->id, spec->name);
	else
		snprintf(buf, len, "--%s", spec->name);
}

__attribute__((format(printf, 4, 5)))
static int usage_error(char *err, size_t err_len, int id, const char *fmt, ...)
{
	char name[48], what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (id) {
		format_option_name(id, name, sizeof(name));
		snprintf(err, err_len, "%s: %s", name, what);
	} else {
		snprintf(err, err_len, "%s", what);
	}
	return -EINVAL;
}

/* The accepted-range sentence for a numeric option's error message. */
static int number_error(char *err, size_t err_len, int id, const char *arg,
			int parse_err, const char *range)
{
	if (arg[0] == '-')
		return usage_error(err, err_len, id, "'%s' is negative: accepts %s",
				   arg, range);
	if (parse_err == -ERANGE)
		return usage_error(err, err_len, id, "'%s' is out of range: accepts %s",
				   arg, range);
	return usage_error(err, err_len, id, "'%s' is not a number: accepts %s",
			   arg, range);
}

static int add_cpu(struct rx_config *cfg, uint32_t cpu, char *err, size_t err_len)
{
	if (cfg->n_cpu_list >= XDP_HINTS_MAX_QUEUES)
		return usage_error(err, err_len, OPT_CPU_LIST, "more than %u CPUs",
				   XDP_HINTS_MAX_QUEUES);
	cfg->cpu_list[cfg->n_cpu_list++] = (uint16_t)cpu;
	return 0;
}

/* "0-3,6": CPUs and ranges of them (the kernel's cpulist format, as in
 * taskset -c), each 0..RX_CPU_MAX, at most XDP_HINTS_MAX_QUEUES in all. */
static int parse_cpu_list(struct rx_config *cfg, const char *arg, char *err, size_t err_len)
{
	char item[32];
	const char *p = arg;

	cfg->n_cpu_list = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		uint32_t first, last;
		char *dash;
		int ret;

		if (!len || len >= sizeof(item))
			return usage_error(err, err_len, OPT_CPU_LIST,
					   "'%s' is not a list of CPUs: accepts e.g. 0-3,6 (each 0..%u)",
					   arg, RX_CPU_MAX);
		memcpy(item, p, len);
		item[len] = '\0';
		dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		if (parse_u32(item, 0, RX_CPU_MAX, &first) ||
		    (dash && parse_u32(dash + 1, 0, RX_CPU_MAX, &last)))
			return usage_error(err, err_len, OPT_CPU_LIST,
					   "'%.*s' in '%s' is not a CPU number or range: accepts 0..%u, A-B",
					   (int)len, p, arg, RX_CPU_MAX);
		if (!dash)
			last = first;
		if (last < first)
			return usage_error(err, err_len, OPT_CPU_LIST,
					   "'%.*s' in '%s' is a range that ends before it starts",
					   (int)len, p, arg);
		for (uint32_t cpu = first; cpu <= last; cpu++) {
			ret = add_cpu(cfg, cpu, err, err_len);
			if (ret)
				return ret;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* The options of the latency measurement set-up. */
static int apply_measure_option(struct rx_config *cfg, int id, const char *arg,
				char *err, size_t err_len)
{
	uint32_t num32;
	int ret;

	switch (id) {
	case OPT_BUSY_POLL:
		cfg->busy_poll = true;
		return 0;
	case OPT_BUSY_POLL_USEC:
		ret = parse_u32(arg, 1, RX_BUSY_POLL_USEC_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "microseconds 1..1000000");
		cfg->busy_poll = true;
		cfg->busy_poll_usec = num32;
		return 0;
	case OPT_CPU:
	case OPT_TX_CPU:
		ret = parse_u32(arg, 0, RX_CPU_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "an online CPU number");
		*(id == OPT_CPU ? &cfg->cpu : &cfg->tx_cpu) = (int)num32;
		return 0;
	case OPT_THREADS:
		cfg->threads = true;
		return 0;
	case OPT_CPU_LIST:
		return parse_cpu_list(cfg, arg, err, err_len);
	case OPT_PRIORITY:
	case OPT_TX_PRIORITY:
		ret = parse_u32(arg, 1, RX_PRIORITY_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "SCHED_FIFO priority 1..99");
		*(id == OPT_PRIORITY ? &cfg->priority : &cfg->tx_priority) = num32;
		return 0;
	case OPT_CPU_DMA_LATENCY:
		ret = parse_u32(arg, 0, RX_DMA_LATENCY_MAX_US, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "microseconds 0..2000000000");
		cfg->cpu_dma_latency_set = true;
		cfg->cpu_dma_latency_us = num32;
		return 0;
	case OPT_CSV:
		if (!arg[0])
			return usage_error(err, err_len, id, "file name is empty");
		cfg->csv_path = arg;
		return 0;
	case OPT_PCAPNG:
		if (!arg[0])
			return usage_error(err, err_len, id, "file name is empty");
		cfg->pcapng_path = arg;
		return 0;
	case OPT_SNAPLEN:
		ret = parse_u32(arg, 1, PCAPNG_SNAPLEN_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "bytes 1..262144");
		cfg->snaplen = num32;
		cfg->snaplen_set = true;
		return 0;
	case OPT_METRICS:
		ret = metrics_listen_parse(arg, &cfg->metrics_listen);
		if (ret)
			return usage_error(err, err_len, id,
					   "'%s' is not ADDR:PORT with a numeric IPv4 address or a [bracketed] IPv6 one and a port 1..65535",
					   arg);
		cfg->metrics_addr = arg;
		return 0;
	default:
		return usage_error(err, err_len, 0, "internal: unhandled option %d", id);
	}
}

static int apply_tx_option(struct tx_config *tx, int id, const char *arg,
			   char *err, size_t err_len)
{
	uint64_t num;
	uint32_t num32;
	int ret;

	switch (id) {
	case OPT_TX:
		tx->enabled = true;
		return 0;
	case OPT_NO_RX:
		tx->no_rx = true;
		return 0;
	case OPT_TX_INTERVAL:
		ret = parse_seconds_ns(arg, TX_INTERVAL_MIN_NS, TX_INTERVAL_MAX_NS, &num);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "seconds 0.00001..10");
		tx->interval_ns = num;
		return 0;
	case OPT_TX_BATCH:
		ret = parse_u32(arg, 1, TX_BATCH_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "1..1024");
		tx->batch = num32;
		return 0;
	case OPT_TX_CYCLES:
		ret = parse_u64(arg, 1, UINT64_MAX, &num);
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "1..18446744073709551615");
		tx->cycles = num;
		return 0;
	case OPT_TX_SIZE:
		ret = parse_u32(arg, FRAME_MIN_LEN, FRAME_MAX_LEN, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "60..1514");
		tx->frame_size = num32;
		return 0;
	case OPT_TX_SRC_MAC:
	case OPT_TX_DST_MAC:
		if (frame_parse_mac(arg, id == OPT_TX_SRC_MAC ? tx->src_mac : tx->dst_mac))
			return usage_error(err, err_len, id,
					   "'%s' is not a MAC address: accepts xx:xx:xx:xx:xx:xx", arg);
		if (id == OPT_TX_SRC_MAC)
			tx->have_src_mac = true;
		return 0;
	case OPT_TX_SRC_IP:
	case OPT_TX_DST_IP:
		if (inet_pton(AF_INET, arg, id == OPT_TX_SRC_IP ? &tx->src_ip : &tx->dst_ip) != 1)
			return usage_error(err, err_len, id,
					   "'%s' is not an IPv4 address: accepts A.B.C.D", arg);
		if (id == OPT_TX_SRC_IP)
			tx->have_src_ip = true;
		return 0;
	case OPT_TX_SRC_PORT:
	case OPT_TX_DST_PORT:
		ret = parse_u32(arg, 1, 65535, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "1..65535");
		if (id == OPT_TX_SRC_PORT)
			tx->src_port = (uint16_t)num32;
		else
			tx->dst_port = (uint16_t)num32;
		return 0;
	default:
		return usage_error(err, err_len, 0, "internal: unhandled option %d", id);
	}
}

/* Combinations only the whole command line shows. @tx_setting: the id of
 * a TX option other than --tx seen, or 0. */
static int check_tx_options(const struct rx_config *cfg, int tx_setting,
			    char *err, size_t err_len)
{
	const struct tx_config *tx = &cfg->tx;

	if (!tx->enabled && tx_setting)
		return usage_error(err, err_len, tx_setting, "needs --tx");
	if (!tx->enabled)
		return 0;
	/* The UMEM's second half holds the TX frames: a batch must fit. */
	if (tx->batch > cfg->frames / 2)
		return usage_error(err, err_len, OPT_TX_BATCH,
				   "%u is more than the %u TX frames (half of -f/--frames)",
				   tx->batch, cfg->frames / 2);
	if (tx->no_rx && cfg->max_packets)
		return usage_error(err, err_len, OPT_COUNT,
				   "counts received packets: conflicts with --no-rx");
	return 0;
}

static int apply_option(struct rx_config *cfg, int id, const char *arg,
			char *err, size_t err_len)
{
	uint64_t num;
	uint32_t num32;
	int choice, ret;

	switch (id) {
	case OPT_DEV:
		cfg->ifname = arg;
		return 0;
	case OPT_QUEUE:
		ret = parse_u32(arg, 0, XDP_HINTS_MAX_QUEUES - 1, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "0..255");
		cfg->single_queue = true;
		cfg->queue_id = num32;
		return 0;
	case OPT_XDP_MODE:
		if (choice_parse(xdp_mode_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown mode '%s': accepts native, generic (skb), auto", arg);
		cfg->xdp_mode = choice;
		return 0;
	case OPT_BIND_MODE:
		if (choice_parse(bind_mode_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown mode '%s': accepts copy, zero-copy, auto", arg);
		cfg->bind_mode = choice;
		return 0;
	case OPT_SPIN:
		cfg->spin = true;
		return 0;
	case OPT_FRAMES:
		ret = parse_u32(arg, RX_FRAMES_MIN, RX_FRAMES_MAX, &num32);
		if (!ret && (num32 & (num32 - 1)))
			ret = -ERANGE;
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "a power of two in 64..1048576");
		cfg->frames = num32;
		return 0;
	case OPT_FRAME_SIZE:
		ret = parse_u32(arg, 2048, 4096, &num32);
		if (!ret && num32 != 2048 && num32 != 4096)
			ret = -ERANGE;
		if (ret)
			return number_error(err, err_len, id, arg, ret, "2048 or 4096");
		cfg->frame_size = num32;
		return 0;
	case OPT_FRAME_HEADROOM:
		ret = parse_u32(arg, 0, FRAME_HEADROOM_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "0..256");
		cfg->frame_headroom = num32;
		return 0;
	case OPT_LAYOUT:
		if (choice_parse(hint_layout_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown layout '%s': accepts rx-time, mark, alternate, none",
					   arg);
		cfg->layout = choice;
		return 0;
	case OPT_HW_HINTS:
		if (choice_parse(hw_hints_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown choice '%s': accepts auto, on, off", arg);
		cfg->hw_hints = choice;
		return 0;
	case OPT_FRAGS:
		if (choice_parse(frags_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown choice '%s': accepts auto, on, off", arg);
		cfg->frags = choice;
		return 0;
	case OPT_CLOCK:
		if (choice_parse(hint_clock_choices, arg, &choice))
			return usage_error(err, err_len, id,
					   "unknown clock '%s': accepts monotonic, tai", arg);
		cfg->clock = choice;
		return 0;
	case OPT_FILTER_UDP:
		ret = parse_u32(arg, 1, 65535, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "1..65535");
		cfg->filter = FILTER_UDP_DPORT;
		cfg->filter_udp_dport = (uint16_t)num32;
		return 0;
	case OPT_FILTER_ETHERTYPE:
		ret = parse_u32(arg, RX_ETHERTYPE_MIN, 0xffff, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "0x0600..0xffff");
		cfg->filter = FILTER_ETHERTYPE;
		cfg->filter_ethertype = (uint16_t)num32;
		return 0;
	case OPT_COUNT:
		ret = parse_u64(arg, 1, UINT64_MAX, &num);
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "1..18446744073709551615");
		cfg->max_packets = num;
		return 0;
	case OPT_DURATION:
		ret = parse_seconds_ns(arg, 1000000ULL, RX_SECONDS_MAX * 1000000000ULL, &num);
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "seconds 0.001..31536000");
		cfg->duration_ns = num;
		return 0;
	case OPT_INTERVAL:
		ret = parse_seconds_ns(arg, 0, RX_SECONDS_MAX * 1000000000ULL, &num);
		/* Below a millisecond the loop would only print. */
		if (!ret && num && num < 1000000ULL)
			ret = -ERANGE;
		if (ret)
			return number_error(err, err_len, id, arg, ret,
					    "0 (off) or seconds 0.001..31536000");
		cfg->interval_ns = num;
		return 0;
	case OPT_PKT_INFO:
		cfg->pkt_info = true;
		return 0;
	case OPT_JSON:
		cfg->json = true;
		return 0;
	case OPT_EXTENDED:
		cfg->extended = true;
		return 0;
	case OPT_BPF_STATS:
		cfg->bpf_stats = true;
		return 0;
	case OPT_VERBOSE:
		cfg->verbosity = LOG_DEBUG;
		return 0;
	case OPT_QUIET:
		cfg->verbosity = LOG_QUIET;
		return 0;
	case OPT_FORCE:
		cfg->force = true;
		return 0;
	case OPT_XSKS_MAP:
		if (!arg[0])
			return usage_error(err, err_len, id, "path is empty");
		cfg->xsks_map_path = arg;
		return 0;
	case OPT_PROG_ID:
		ret = parse_u32(arg, 1, UINT32_MAX, &num32);
		if (ret)
			return number_error(err, err_len, id, arg, ret, "a program id 1..4294967295");
		cfg->foreign_prog_id = num32;
		return 0;
	case OPT_BUSY_POLL:
	case OPT_BUSY_POLL_USEC:
	case OPT_CPU:
	case OPT_THREADS:
	case OPT_CPU_LIST:
	case OPT_PRIORITY:
	case OPT_CPU_DMA_LATENCY:
	case OPT_CSV:
	case OPT_PCAPNG:
	case OPT_SNAPLEN:
	case OPT_METRICS:
	case OPT_TX_CPU:
	case OPT_TX_PRIORITY:
		return apply_measure_option(cfg, id, arg, err, err_len);
	default:
		if (id >= OPT_TX && id <= OPT_TX_LAST)
			return apply_tx_option(&cfg->tx, id, arg, err, err_len);
		return usage_error(err, err_len, 0, "internal: unhandled option %d", id);
	}
}

/* Combinations of the measurement options that make no sense. */
static int check_measure_options(const struct rx_config *cfg, char *err, size_t err_len)
{
	if ((cfg->tx_cpu >= 0 || cfg->tx_priority) && !cfg->tx.enabled)
		return usage_error(err, err_len, cfg->tx_cpu >= 0 ? OPT_TX_CPU : OPT_TX_PRIORITY,
				   "needs --tx (it places the TX thread)");
	if (cfg->n_cpu_list && !cfg->threads)
		return usage_error(err, err_len, OPT_CPU_LIST,
				   "needs --threads (without it, --cpu pins the one receiving thread)");
	if (cfg->n_cpu_list && cfg->cpu >= 0)
		return usage_error(err, err_len, 0,
				   "--cpu and --cpu-list conflict: pick one placement");
	return 0;
}

int rx_options_parse(int argc, char **argv, struct rx_config *cfg,
		     char *err, size_t err_len)
{
	struct option long_opts[N_OPTIONS + 1];
	char short_opts[N_OPTIONS * 2 + 2];
	bool seen_udp = false, seen_ethertype = false;
	int tx_setting = 0, own_program_setting = 0;
	size_t n_short = 0;
	int id, ret;

	rx_config_defaults(cfg);
	/* ':' first: a missing argument is reported as ':' rather than '?'. */
	short_opts[n_short++] = ':';
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *spec = &option_table[i];

		long_opts[i] = (struct option){ spec->name,
			spec->arg ? required_argument : no_argument, NULL, spec->id };
		if (spec->id < 256) {
			short_opts[n_short++] = (char)spec->id;
			if (spec->arg)
				short_opts[n_short++] = ':';
		}
	}
	long_opts[N_OPTIONS] = (struct option){ 0 };
	short_opts[n_short] = '\0';

	/* optind = 0 makes glibc start over, so the parser can run twice
	 * in one process (the unit tests do). opterr = 0: we do the talking. */
	optind = 0;
	opterr = 0;
	while ((id = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (id == OPT_HELP)
			return RX_OPTIONS_HELP;
		if (id == OPT_MAN)
			return RX_OPTIONS_MAN;
		if (id == OPT_VERSION)
			return RX_OPTIONS_VERSION;
		if (id == ':') {
			if (optopt)
				return usage_error(err, err_len, optopt, "needs an argument");
			return usage_error(err, err_len, 0, "%s: needs an argument",
					   argv[optind - 1]);
		}
		if (id == '?') {
			if (optopt)
				return usage_error(err, err_len, 0, "unknown option -%c",
						   optopt);
			return usage_error(err, err_len, 0, "unknown option %s",
					   argv[optind - 1]);
		}
		if (id == OPT_FILTER_UDP)
			seen_udp = true;
		if (id == OPT_FILTER_ETHERTYPE)
			seen_ethertype = true;
		if (id > OPT_TX && id <= OPT_TX_LAST)
			tx_setting = id;
		/* What only our own XDP program can do. */
		if (id == OPT_LAYOUT || id == OPT_HW_HINTS || id == OPT_FILTER_UDP ||
		    id == OPT_FILTER_ETHERTYPE || id == OPT_FORCE || id == OPT_XDP_MODE ||
		    id == OPT_NO_RX)
			own_program_setting = id;
		ret = apply_option(cfg, id, optarg, err, err_len);
		if (ret)
			return ret;
	}
	/* "af_xdp_user eth1", like xdp-bench and ip: the interface may come
	 * without --dev, once. */
	if (optind < argc && !cfg->ifname && argv[optind][0])
		cfg->ifname = argv[optind++];
	if (optind < argc)
		return usage_error(err, err_len, 0, "unexpected argument '%s'%s",
				   argv[optind], cfg->ifname ? " (one interface only)" : "");
	if (seen_udp && seen_ethertype)
		return usage_error(err, err_len, 0,
				   "-u/--filter-udp-port and -E/--filter-ethertype conflict: pick one filter");
	if (!cfg->ifname)
		return usage_error(err, err_len, 0,
				   "an interface is required: give it as the argument or with -d/--dev");
	if (cfg->snaplen_set && !cfg->pcapng_path)
		return usage_error(err, err_len, OPT_SNAPLEN, "needs --pcapng");
	/* xdp_hints_rx_hw replaces rx-time, and kfuncs need a native driver. */
	if (cfg->hw_hints == HW_HINTS_ON && cfg->layout != HINT_POLICY_RX_TIME)
		return usage_error(err, err_len, OPT_HW_HINTS,
				   "on writes xdp_hints_rx_hw in place of rx-time: conflicts with --layout %s",
				   hint_policy_name(cfg->layout));
	if (cfg->hw_hints == HW_HINTS_ON && cfg->xdp_mode == XDP_MODE_GENERIC)
		return usage_error(err, err_len, OPT_HW_HINTS,
				   "on needs native XDP (RX-metadata kfuncs): conflicts with --xdp-mode generic");
	if (cfg->foreign_prog_id && !cfg->xsks_map_path)
		return usage_error(err, err_len, OPT_PROG_ID,
				   "needs --xsks-map (the program's pinned XSKMAP)");
	if (cfg->xsks_map_path && own_program_setting)
		return usage_error(err, err_len, own_program_setting,
				   "configures our own XDP program: conflicts with --xsks-map, which uses another process's");
	/* xdp_hints_rx_hw carries rx_ktime (monotonic) and its PHC offset is
	 * taken against CLOCK_MONOTONIC: it has no TAI variant. */
	if (cfg->clock == HINT_CLOCK_TAI && cfg->hw_hints == HW_HINTS_ON)
		return usage_error(err, err_len, OPT_CLOCK,
				   "tai conflicts with --hw-hints on (xdp_hints_rx_hw holds CLOCK_MONOTONIC times)");
	ret = check_measure_options(cfg, err, err_len);
	if (ret)
		return ret;
	ret = check_tx_options(cfg, tx_setting, err, err_len);
	if (ret)
		return ret;
	return RX_OPTIONS_RUN;
}

#define HELP_COLS 80
#define HELP_LEFT_COLS 30 /* "  -b, --bind-mode MODE" and the gap after it */

/* @text from column @col on, wrapped at word boundaries to HELP_COLS,
 * continuation lines indented to HELP_LEFT_COLS. */
/* A space that does not break a line: "(default: rx-time)" stays whole. */
#define HELP_NBSP '\x01'

static void help_wrapped(FILE *out, const char *text, size_t col)
{
	while (*text) {
		size_t word = strcspn(text, " ");

		if (col > HELP_LEFT_COLS && col + 1 + word > HELP_COLS) {
			fprintf(out, "\n%*s", HELP_LEFT_COLS, "");
			col = HELP_LEFT_COLS;
		} else if (col > HELP_LEFT_COLS) {
			fputc(' ', out);
			col++;
		}
		for (size_t i = 0; i < word; i++)
			fputc(text[i] == HELP_NBSP ? ' ' : text[i], out);
		col += word;
		text += word;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

void rx_options_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [options] IFNAME\n"
		"Receive on AF_XDP sockets bound to every RX queue of IFNAME; an XDP\n"
		"program writes XDP-hints (BTF-described) in front of each packet and\n"
		"this tool decodes them and reports XDP-to-userspace latency: one line\n"
		"per --interval, a per-queue summary at the end (man page: OUTPUT).\n\n"
		"Options:\n", prog);
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *spec = &option_table[i];
		char left[48], help[256];
		int col;

		if (spec->id < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", spec->id, spec->name,
				 spec->arg ? " " : "", spec->arg ? spec->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", spec->name,
				 spec->arg ? " " : "", spec->arg ? spec->arg : "");
		col = fprintf(out, "  %-*s", HELP_LEFT_COLS - 3, left);
		if (col >= HELP_LEFT_COLS) {
			fprintf(out, "\n%*s", HELP_LEFT_COLS - 1, "");
			col = HELP_LEFT_COLS - 1;
		}
		if (spec->dflt)
			snprintf(help, sizeof(help), "%s (default:%c%s)", spec->help, HELP_NBSP,
				 spec->dflt);
		else
			snprintf(help, sizeof(help), "%s", spec->help);
		fputc(' ', out);
		help_wrapped(out, help, (size_t)col + 1);
	}
	fprintf(out,
		"\nExit status: 0 normal stop (signal, --count, --duration), 1 runtime\n"
		"error, 2 usage error. Logging goes to stderr, reports to stdout.\n\n"
		"Examples (veth0: a test interface; the one carrying the default route\n"
		"is refused unless --filter-udp-port or --filter-ethertype is given):\n"
		"  %s veth0 --duration 10\n"
		"  %s veth0 --xdp-mode skb --layout alternate --json --interval 0.5\n"
		"  %s eth0 --filter-udp-port 9000 --threads --cpu-list 0-1 -e\n",
		prog, prog, prog);
}

void rx_options_version(FILE *out, const char *prog)
{
	fprintf(out, "%s %s (libbpf %s, libxdp %s at build time, report schema_version %d)\n",
		prog, XDP_HINTS_VERSION, libbpf_version_string(), XDP_HINTS_LIBXDP_VERSION,
		REPORT_SCHEMA_VERSION);
}

/* troff needs a backslash before '-' (a real minus/hyphen) and at a line
 * start before '.' or '\'': option text has no other special characters. */
static void man_escaped(FILE *out, const char *text)
{
	for (; *text; text++) {
		if (*text == '-' || *text == '\\')
			fputc('\\', out);
		fputc(*text, out);
	}
}

/*
 * The manual page's OUTPUT section: every column and JSON key, once. The
 * names are the same in the tables, JSON, the CSV and README.org.
 */
static const char man_output_section[] =
	".SH OUTPUT\n"
	"Reports go to standard output, log lines to standard error. Every\n"
	"counter has one name: the table rows and headers, the JSON keys and the\n"
	"CSV columns below use the same words.\n"
	".PP\n"
	"By default each \\-\\-interval prints one line for all queues (time_s, packets,\n"
	"rx_pps, xsk.rx_dropped and xsk.rx_ring_full per second, latency p50, p99 and\n"
	"max of the interval), and the end of the run a table per queue (packets,\n"
	"rx_pps, rx_dropped, rx_ring_full, avg, p50, p99, max), the counters that\n"
	"are not zero, and a latency histogram. Latencies are shown in ns, \\(mcs, ms\n"
	"or s by magnitude. \\-e/\\-\\-extended prints every counter below per queue,\n"
	"one row each, named like the JSON key.\n"
	".PP\n"
	"With \\-\\-json every line is one JSON object, described by\n"
	".I schema/af_xdp_user.schema.json\n"
	"in the source tree. Every object has\n"
	".B schema_version\n"
	"(1, bumped when a key changes meaning or goes),\n"
	".B type\n"
	"(interval, final, tx or packet),\n"
	".B timestamp\n"
	"(wall clock, RFC 3339 UTC) and\n"
	".BR version .\n"
	"A value that does not exist is absent, not 0: a latency summary\n"
	"without samples is left out.\n"
	".SS Interval and final reports\n"
	".TP\n.B dev, ifindex, xdp_mode, bind_mode, rx_mode\n"
	"The interface and how it is used (xdp_mode native, generic or none).\n"
	".TP\n.B clock, multi_buffer\n"
	"The clock of receive times and latencies (monotonic or tai, see\n"
	".BR \\-\\-clock ),\n"
	"and whether the sockets take multi-buffer frames (see\n"
	".BR \\-\\-frags ).\n"
	".TP\n.B duration_s\n"
	"Seconds since the start of the run.\n"
	".TP\n.B cpu.user_s, cpu.system_s, cpu.busy_pct, cpu.ns_per_packet\n"
	"CPU time of the receiving threads (the main thread, or the \\-\\-threads\n"
	"receive threads; getrusage RUSAGE_THREAD) over the interval or the run, its\n"
	"percentage of one CPU, and per packet received (absent without one).\n"
	"The table shows them on a line starting with cpu:.\n"
	".TP\n.B xdp_ns_per_packet\n"
	"The XDP program's own run time per packet (bpf_prog_info run_time_ns /\n"
	"run_cnt over the same time); absent unless the kernel's BPF run-time\n"
	"statistics are on (\\-\\-bpf\\-stats, or the sysctl kernel.bpf_stats_enabled).\n"
	".TP\n.B interval_index, interval_s\n"
	"Interval reports: their number from 0 and the seconds they cover. Counts,\n"
	"rates and latencies of an interval report are those of the interval alone;\n"
	".B cumulative\n"
	"holds queues and total since the start. The final report is cumulative.\n"
	".TP\n.B queues[], total\n"
	"Per queue (with\n.BR queue ,\nthe RX queue id) and summed over the queues; both\n"
	"carry the keys below.\n"
	".TP\n.B packets\n"
	"Frames received from the socket's RX ring and decoded.\n"
	".TP\n.B rx_pps\n"
	"packets per second over the interval (final report: over the run).\n"
	".TP\n.B no_hint, unknown_btf_id\n"
	"Frames without a hint (btf_id slot cleared), and with a btf_id that is\n"
	"not a hint of the loaded program.\n"
	".TP\n.B layouts.NAME\n"
	"Frames per hint layout (struct name in BTF).\n"
	".TP\n.B same_core, remote_core\n"
	"Hints whose xdp_rx_cpu is, or is not, the CPU of the receiving thread.\n"
	".TP\n.B clock_backwards\n"
	"Hints whose rx_ktime lies in the receiver's future: counted, not timed.\n"
	".TP\n.B mark_mismatch\n"
	"mark hints naming another queue than the one they arrived on.\n"
	".TP\n.B drained_at_stop\n"
	"Frames still in the RX ring at the end, after XDP was detached: counted,\n"
	"not decoded. At the end, xdp.redirected = packets + drained_at_stop +\n"
	"incomplete_frames + xsk.rx_dropped + xsk.rx_ring_full for every queue.\n"
	".TP\n.B buffers\n"
	"Descriptors the frames came in: one per frame on a single-buffer socket,\n"
	"several per long frame with\n.BR \\-\\-frags .\n"
	".TP\n.B incomplete_frames\n"
	"Multi-buffer frames whose last descriptor never came (more than 64\n"
	"continued descriptors, or a frame left unfinished at stop): dropped.\n"
	".TP\n.B latency_ns\n"
	"XDP to userspace: the time from bpf_ktime_get_ns() in the XDP program\n"
	"(rx_ktime) to the read of CLOCK_MONOTONIC right after the RX ring handed\n"
	"the batch over, in ns, with\n"
	".BR count ,\n.BR min ,\n.BR avg ,\n.BR p50 ,\n.BR p90 ,\n.BR p99 ,\n.B p999\n"
	"(99.9th percentile) and\n.BR max ,\n"
	"all from one histogram (percentiles within 1%; avg is the exact mean,\n"
	"rounded to the ns). latency_ns.count is lower than packets when frames\n"
	"carry no rx_ktime: no_hint, unknown_btf_id, the mark layout (a queue\n"
	"number, no timestamp), and clock_backwards.\n"
	".TP\n.B same_core_latency_ns, remote_core_latency_ns\n"
	"The same, for same_core and remote_core hints.\n"
	".TP\n.B hw_timestamps, hw_timestamps_unconverted, hw_to_xdp_negative, hw_to_xdp_ns\n"
	"With driver RX metadata: hints carrying a hardware RX timestamp, those\n"
	"that could not be converted to CLOCK_MONOTONIC (no PHC), those later than\n"
	"rx_ktime (a clock error, not timed), and the hardware-to-XDP delay.\n"
	".TP\n.B xdp.seen, xdp.stamped, xdp.meta_failed, xdp.redirected, xdp.redirect_failed, xdp.passed\n"
	"The XDP program's per-queue counters: frames it saw, hints it wrote,\n"
	"bpf_xdp_adjust_meta() failures, redirects to the socket, failed redirects,\n"
	"and frames passed to the kernel (seen = redirected + passed).\n"
	".TP\n.B xsk.rx_dropped, xsk.rx_ring_full, xsk.rx_fill_ring_empty_descs, xsk.rx_invalid_descs\n"
	"The socket's XDP_STATISTICS (struct xdp_statistics): frames dropped for\n"
	"lack of a fill ring entry or other reasons, frames dropped because the RX\n"
	"ring was full, times the fill ring was empty, invalid descriptors.\n"
	".TP\n.B xsk.rx_dropped_pps, xsk.rx_ring_full_pps\n"
	"Those drops per second.\n"
	".SS TX (\\-\\-tx), type tx\n"
	"Printed before the final report (alone with \\-\\-no\\-rx):\n"
	".BR queue ,\n.BR cycles ,\n.BR frames_sent ,\n.BR frames_completed ,\n"
	".B frames_short\n(batch frames without a free frame or ring slot),\n"
	".B missed_deadlines\n(grid points skipped after an overrun),\n"
	".BR kicks ,\n.BR kick_retries ,\n.B tx_pps\nand\n.B wakeup_error_ns\n"
	"(wake-up time minus deadline, a latency summary).\n"
	".SS Packets (\\-\\-pkt\\-info), type packet\n"
	".BR queue ,\n.BR len ,\n.BR btf_id ,\n"
	".B layout\n(none, unknown or the struct name),\n"
	".B hint\n(the decoded fields),\n"
	".B latency_ns\n(absent without rx_ktime) and\n"
	".B clock_backwards\n(true when rx_ktime is in the future).\n"
	".SS CSV (\\-\\-csv)\n"
	"One line per packet: time_ns (CLOCK_MONOTONIC at receive), queue, cpu,\n"
	"same_core (1, 0, or empty without xdp_rx_cpu), latency_ns (empty when not\n"
	"timed), btf_id, layout.\n";

/*
 * The manual page, from the same table as --help: `make` writes it to
 * $(BUILD)/af_xdp_user.8 and `make install` installs it.
 */
void rx_options_man(FILE *out, const char *prog)
{
	fprintf(out,
		".TH AF_XDP_USER 8 \"\" \"xdp-hints\" \"System Administration\"\n"
		".SH NAME\n%s \\- receive on every AF_XDP queue and measure XDP\\-hints latency\n"
		".SH SYNOPSIS\n.B %s\n\\-\\-dev\n.I IFNAME\n[options]\n"
		".SH DESCRIPTION\n"
		"An XDP program writes XDP\\-hints, structs described by BTF whose last member\n"
		"is a btf_id, into the metadata area in front of each packet and redirects\n"
		"the packet to an AF_XDP socket on its RX queue.\n"
		".B %s\n"
		"binds a socket on every queue of the interface, reads the btf_id four bytes\n"
		"before each packet, decodes the hint by field name through the BTF of the\n"
		"program it loaded, and reports the delay from XDP to the application per\n"
		"queue: count, minimum, mean, percentiles and maximum, split by same and\n"
		"remote core. XDP is attached through a bpf_link, so nothing stays on the\n"
		"interface when the process ends, even by SIGKILL.\n"
		".SH OPTIONS\n", prog, prog, prog);
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *spec = &option_table[i];

		/* .BI alternates bold (the option) and italic (its argument). */
		fputs(spec->arg ? ".TP\n.BI \"" : ".TP\n.B \"", out);
		if (spec->id < 256)
			fprintf(out, "\\-%c, ", spec->id);
		fputs("\\-\\-", out);
		man_escaped(out, spec->name);
		if (spec->arg) {
			fputs(" \" \"", out);
			man_escaped(out, spec->arg);
		}
		fputs("\"\n", out);
		man_escaped(out, spec->help);
		if (spec->dflt) {
			fputs(" (default: ", out);
			man_escaped(out, spec->dflt);
			fputc(')', out);
		}
		fputs(".\n", out);
	}
	fputs(man_output_section, out);
	fprintf(out,
		".SH EXIT STATUS\n"
		"0 after a normal stop (SIGINT, SIGTERM, SIGHUP, \\-\\-count reached,\n"
		"\\-\\-duration over); 1 for a runtime error (unknown or down interface,\n"
		"missing capability, XDP program already attached, socket bind failure,\n"
		"interface gone while running, an output that cannot be written: standard\n"
		"output, \\-\\-csv, \\-\\-pcapng; a \\-\\-metrics address it cannot listen on);\n"
		"2 for a usage error. Each error is one\n"
		"line on standard error naming the cause.\n"
		".SH EXAMPLES\n"
		"veth0 stands for a test interface; the one that carries the default\n"
		"route is refused unless a filter redirects only test traffic.\n"
		".nf\n"
		"%s veth0\n"
		"%s veth0 \\-\\-spin \\-\\-cpu 1 \\-\\-json\n"
		"%s veth0 \\-\\-xdp\\-mode skb \\-\\-layout alternate \\-\\-duration 10 \\-e\n"
		"%s eth0 \\-\\-filter\\-udp\\-port 9000 \\-\\-threads \\-\\-cpu\\-list 0\\-1\n"
		"%s eth0 \\-\\-filter\\-udp\\-port 9000 \\-\\-pcapng rx.pcapng\n"
		"%s eth0 \\-\\-filter\\-udp\\-port 9000 \\-\\-metrics 127.0.0.1:9435\n"
		".fi\n"
		".SH SEE ALSO\n"
		".BR ip (8),\n.BR ethtool (8),\n.BR bpftool (8),\n.BR xdp\\-bench (8),\n"
		".BR tshark (1),\n.BR prometheus (1)\n",
		prog, prog, prog, prog, prog, prog);
}
