// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* af_xdp_user's options, one entry each (option_table.h), and the parse
 * functions of the few whose argument is not one number, word or name. */
#include <errno.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frame_build.h"
#include "option_table.h"
#include "rx_period.h"
#include "parse_num.h"
#include "pcapng_writer.h"

#define NS_PER_S ((uint64_t)1000000000)

/* Where the value goes: offset and size of the field. */
#define FIELD(f) .offset = offsetof(struct rx_config, f), \
		 .size = sizeof(((struct rx_config *)0)->f)

static int add_cpu(struct rx_config *cfg, uint32_t cpu, char *err, size_t err_len)
{
	if (cfg->n_cpu_list >= XDP_HINTS_MAX_QUEUES)
		return option_usage_error(err, err_len, OPT_CPU_LIST, "more than %u CPUs",
					  XDP_HINTS_MAX_QUEUES);
	cfg->cpu_list[cfg->n_cpu_list++] = (uint16_t)cpu;
	return 0;
}

/* "0-3,6": CPUs and ranges of them (the kernel's cpulist format, as in
 * taskset -c), each 0..RX_CPU_MAX, at most XDP_HINTS_MAX_QUEUES in all. */
static int parse_cpu_list(struct rx_config *cfg, const struct option_spec *spec,
			  const char *arg, char *err, size_t err_len)
{
	const char *p = arg;
	char item[32];

	(void)spec;
	cfg->n_cpu_list = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		uint32_t first, last;
		char *dash;
		int ret;

		if (!len || len >= sizeof(item))
			return option_usage_error(err, err_len, OPT_CPU_LIST,
						  "'%s' is not a list of CPUs: accepts e.g. 0-3,6 (each 0..%u)",
						  arg, RX_CPU_MAX);
		memcpy(item, p, len);
		item[len] = '\0';
		dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		if (parse_u32(item, 0, RX_CPU_MAX, &first) ||
		    (dash && parse_u32(dash + 1, 0, RX_CPU_MAX, &last)))
			return option_usage_error(err, err_len, OPT_CPU_LIST,
						  "'%.*s' in '%s' is not a CPU number or range: accepts 0..%u, A-B",
						  (int)len, p, arg, RX_CPU_MAX);
		if (!dash)
			last = first;
		if (last < first)
			return option_usage_error(err, err_len, OPT_CPU_LIST,
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

static int parse_metrics(struct rx_config *cfg, const struct option_spec *spec,
			 const char *arg, char *err, size_t err_len)
{
	if (metrics_listen_parse(arg, &cfg->metrics_listen))
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is not ADDR:PORT with a numeric IPv4 address or a [bracketed] IPv6 one and a port 1..65535",
					  arg);
	cfg->metrics_addr = arg;
	return 0;
}

/* Into the uint8_t[ETH_ALEN] at spec->offset. */
static int parse_mac(struct rx_config *cfg, const struct option_spec *spec,
		     const char *arg, char *err, size_t err_len)
{
	if (frame_parse_mac(arg, (uint8_t *)cfg + spec->offset))
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is not a MAC address: accepts xx:xx:xx:xx:xx:xx", arg);
	return 0;
}

/* Into the struct in_addr at spec->offset. */
static int parse_ipv4(struct rx_config *cfg, const struct option_spec *spec,
		      const char *arg, char *err, size_t err_len)
{
	if (inet_pton(AF_INET, arg, (char *)cfg + spec->offset) != 1)
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is not an IPv4 address: accepts A.B.C.D", arg);
	return 0;
}

/* "S" or "S,PHASE": decimal seconds, S in 10 us..10 s, PHASE below S. */
static int parse_rx_period(struct rx_config *cfg, const struct option_spec *spec,
			   const char *arg, char *err, size_t err_len)
{
	const char *comma = strchr(arg, ',');
	char period[64];
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);

	if (len >= sizeof(period))
		len = sizeof(period) - 1;
	memcpy(period, arg, len);
	period[len] = '\0';
	if (parse_seconds_ns(period, RX_PERIOD_MIN_NS, RX_PERIOD_MAX_NS, &cfg->rx_period_ns))
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is not a period: accepts seconds 0.00001..10, then optionally ,PHASE in seconds below the period",
					  arg);
	cfg->rx_period_phase_ns = 0;
	if (comma && (parse_seconds_ns(comma + 1, 0, RX_PERIOD_MAX_NS, &cfg->rx_period_phase_ns) ||
		      cfg->rx_period_phase_ns >= cfg->rx_period_ns))
		return option_usage_error(err, err_len, spec->id,
					  "'%s': the phase must be seconds 0 or more and below the period",
					  arg);
	return 0;
}

/* "all", "ethertype:0xHHHH" (0x0600..0xffff) or "udp:PORT" (1..65535). */
static int parse_stamp_time(struct rx_config *cfg, const struct option_spec *spec,
			    const char *arg, char *err, size_t err_len)
{
	uint32_t value;

	if (!strcmp(arg, "all")) {
		cfg->stamp_class = STAMP_CLASS_ALL;
		return 0;
	}
	if (!strncmp(arg, "ethertype:", 10)) {
		if (parse_u32(arg + 10, RX_ETHERTYPE_MIN, 0xffff, &value))
			return option_usage_error(err, err_len, spec->id,
						  "'%s': the ethertype must be 0x0600..0xffff (below, the field is an 802.3 length)",
						  arg);
		cfg->stamp_class = STAMP_CLASS_ETHERTYPE;
		cfg->stamp_ethertype = (uint16_t)value;
		return 0;
	}
	if (!strncmp(arg, "udp:", 4)) {
		if (parse_u32(arg + 4, 1, 65535, &value))
			return option_usage_error(err, err_len, spec->id,
						  "'%s': the UDP port must be 1..65535", arg);
		cfg->stamp_class = STAMP_CLASS_UDP_DPORT;
		cfg->stamp_udp_dport = (uint16_t)value;
		return 0;
	}
	return option_usage_error(err, err_len, spec->id,
				  "unknown class '%s': accepts all, ethertype:0xHHHH or udp:PORT", arg);
}

/* What an option sets besides its own field. */
static void then_single_queue(struct rx_config *cfg) { cfg->single_queue = true; }
static void then_filter_udp(struct rx_config *cfg) { cfg->filter = FILTER_UDP_DPORT; }
static void then_filter_ethertype(struct rx_config *cfg) { cfg->filter = FILTER_ETHERTYPE; }
static void then_busy_poll(struct rx_config *cfg) { cfg->busy_poll = true; }
static void then_dma_latency(struct rx_config *cfg) { cfg->cpu_dma_latency_set = true; }
static void then_snaplen(struct rx_config *cfg) { cfg->snaplen_set = true; }
static void then_frames(struct rx_config *cfg) { cfg->frames_set = true; }
static void then_frame_size(struct rx_config *cfg) { cfg->frame_size_set = true; }
static void then_src_mac(struct rx_config *cfg) { cfg->tx.have_src_mac = true; }
static void then_src_ip(struct rx_config *cfg) { cfg->tx.have_src_ip = true; }

const struct option_spec option_table[] = {
	/* Receive */
	{ "dev", OPT_DEV, OPTION_STRING, GROUP_RECEIVE, FIELD(ifname), .arg = "IFNAME",
	  .help = "interface to bind (required; also accepted as the one positional argument)" },
	{ "queue", OPT_QUEUE, OPTION_U32, GROUP_RECEIVE, FIELD(queue_id),
	  .min = 0, .max = XDP_HINTS_MAX_QUEUES - 1, .then = then_single_queue, .arg = "N",
	  .help = "bind only queue N",
	  .dflt = "every RX queue (ethtool channels rx + combined, else sysfs)" },
	{ "xdp-mode", OPT_XDP_MODE, OPTION_ENUM, GROUP_RECEIVE, FIELD(xdp_mode),
	  .choices = xdp_mode_choices, .own_program = true, .arg = "MODE",
	  .help = "how XDP is attached; auto: native, else generic", .dflt = "auto" },
	{ "bind-mode", OPT_BIND_MODE, OPTION_ENUM, GROUP_RECEIVE, FIELD(bind_mode),
	  .choices = bind_mode_choices, .arg = "MODE",
	  .help = "how the sockets bind; auto: zero-copy, else copy", .dflt = "auto" },
	{ "spin", OPT_SPIN, OPTION_FLAG, GROUP_RECEIVE, FIELD(spin), .flag_value = 1,
	  .help = "busy loop over all RX rings instead of poll()", .dflt = "wakeup mode, poll()" },
	{ "frames", OPT_FRAMES, OPTION_U32, GROUP_RECEIVE, FIELD(frames),
	  .min = RX_FRAMES_MIN, .max = RX_FRAMES_MAX, .power_of_two = true, .arg = "N",
	  .then = then_frames,
	  .help = "UMEM frames: the total with --umem shared (64 per queue at least), else per queue",
	  .dflt = "a 64 MiB budget shared by the queues, 4096 per queue at most, 256 at least" },
	{ "umem", OPT_UMEM, OPTION_ENUM, GROUP_RECEIVE, FIELD(umem_mode),
	  .choices = umem_mode_choices, .arg = "MODE",
	  .help = "per-queue: one UMEM per queue; shared: one UMEM for every queue's socket (XDP_SHARED_UMEM, Linux 5.10+; else per-queue, said once), its free frames going to the busy queues, but the kernel keeps 128 bytes per UMEM frame for each socket",
	  .dflt = "per-queue" },
	{ "frame-size", OPT_FRAME_SIZE, OPTION_U32, GROUP_RECEIVE, FIELD(frame_size),
	  .min = 2048, .max = 4096, .power_of_two = true, .accepts = "2048 or 4096",
	  .arg = "N", .then = then_frame_size, .help = "UMEM frame size",
	  .dflt = "2048 when the MTU's frame fits (MTU + 18 + --frame-headroom + 256), else 4096" },
	{ "frame-headroom", OPT_FRAME_HEADROOM, OPTION_U32, GROUP_RECEIVE, FIELD(frame_headroom),
	  .min = 0, .max = FRAME_HEADROOM_MAX, .unit = "bytes", .arg = "N",
	  .help = "UMEM headroom in front of each packet (the longest frame one UMEM frame holds shrinks to frame size - 256 - N)",
	  .dflt = "0" },
	{ "layout", OPT_LAYOUT, OPTION_ENUM, GROUP_RECEIVE, FIELD(layout),
	  .choices = hint_layout_choices, .own_program = true, .arg = "POLICY",
	  .help = "hints the XDP program writes (none: btf_id 0 alone)", .dflt = "rx-time" },
	{ "hw-hints", OPT_HW_HINTS, OPTION_ENUM, GROUP_RECEIVE, FIELD(hw_hints),
	  .choices = hw_hints_choices, .own_program = true, .arg = "MODE",
	  .help = "hint xdp_hints_rx_hw with the driver's RX metadata (kfuncs; native mode, with --layout rx-time)",
	  .dflt = "auto" },
	{ "frags", OPT_FRAGS, OPTION_ENUM, GROUP_RECEIVE, FIELD(frags),
	  .choices = frags_choices, .arg = "MODE",
	  .help = "AF_XDP multi-buffer (xdp.frags program, XDP_USE_SG; Linux 6.6+) for frames longer than one UMEM frame, e.g. MTU 9000; auto: on when the MTU needs it and the kernel can",
	  .dflt = "auto" },
	{ "clock", OPT_CLOCK, OPTION_ENUM, GROUP_RECEIVE, FIELD(clock),
	  .choices = hint_clock_choices, .arg = "CLOCK",
	  .help = "clock of the XDP receive time and of the receiver's now; tai stamps bpf_ktime_get_tai_ns() (Linux 6.1+) in hint xdp_hints_rx_tai and reads CLOCK_TAI",
	  .dflt = "monotonic" },
	{ "count", OPT_COUNT, OPTION_U64, GROUP_RECEIVE, FIELD(max_packets),
	  .min = 1, .max = UINT64_MAX, .arg = "N",
	  .help = "exit after N packets in total", .dflt = "until a signal" },
	{ "duration", OPT_DURATION, OPTION_SECONDS, GROUP_RECEIVE, FIELD(duration_ns),
	  .min = NS_PER_S / 1000, .max = RX_SECONDS_MAX * NS_PER_S, .unit = "seconds",
	  .arg = "S", .help = "exit after S (fractions allowed)", .dflt = "until a signal" },
	/* Measurement */
	{ "busy-poll", OPT_BUSY_POLL, OPTION_FLAG, GROUP_MEASURE, FIELD(busy_poll),
	  .flag_value = 1,
	  .help = "preferred busy polling: SO_PREFER_BUSY_POLL, SO_BUSY_POLL, recvfrom() drives NAPI",
	  .dflt = "off" },
	{ "busy-poll-usec", OPT_BUSY_POLL_USEC, OPTION_U32, GROUP_MEASURE, FIELD(busy_poll_usec),
	  .min = 1, .max = RX_BUSY_POLL_USEC_MAX, .unit = "microseconds",
	  .then = then_busy_poll, .arg = "US",
	  .help = "SO_BUSY_POLL time (implies --busy-poll)", .dflt = "20" },
	{ "cpu", OPT_CPU, OPTION_U32, GROUP_MEASURE, FIELD(cpu), .min = 0, .max = RX_CPU_MAX,
	  .arg = "N", .help = "pin the receiving thread(s) to online CPU N", .dflt = "not pinned" },
	{ "threads", OPT_THREADS, OPTION_FLAG, GROUP_MEASURE, FIELD(threads), .flag_value = 1,
	  .help = "one receive thread per queue", .dflt = "one thread" },
	{ "cpu-list", OPT_CPU_LIST, OPTION_CUSTOM, GROUP_MEASURE, .parse = parse_cpu_list,
	  .arg = "LIST",
	  .help = "with --threads: CPUs for the queues' threads in order, e.g. 0-3,6 (reused round-robin)",
	  .dflt = "not pinned" },
	{ "priority", OPT_PRIORITY, OPTION_U32, GROUP_MEASURE, FIELD(priority),
	  .min = 1, .max = RX_PRIORITY_MAX, .unit = "SCHED_FIFO priority", .arg = "N",
	  .help = "real-time priority of the receiving thread(s)", .dflt = "normal scheduling" },
	{ "cpu-dma-latency", OPT_CPU_DMA_LATENCY, OPTION_U32, GROUP_MEASURE,
	  FIELD(cpu_dma_latency_us), .min = 0, .max = RX_DMA_LATENCY_MAX_US,
	  .unit = "microseconds", .then = then_dma_latency, .arg = "US",
	  .help = "hold /dev/cpu_dma_latency at US while running (0: no deep C-states)",
	  .dflt = "not set" },
	{ "bpf-stats", OPT_BPF_STATS, OPTION_FLAG, GROUP_MEASURE, FIELD(bpf_stats), .flag_value = 1,
	  .help = "turn on the kernel's BPF run-time statistics for the run (bpf_enable_stats, needs CAP_SYS_ADMIN): reports show xdp_ns_per_packet, the XDP program's own cost",
	  .dflt = "only if kernel.bpf_stats_enabled is on" },
	{ "rx-period", OPT_RX_PERIOD, OPTION_CUSTOM, GROUP_MEASURE, .parse = parse_rx_period,
	  .arg = "S[,PHASE]",
	  .help = "scheduled bulk receive: sleep until each deadline k*S+PHASE of the hints' clock (10 us..10 s), then drain every RX ring; no poll(), no spinning",
	  .dflt = "off" },
	{ "tx-stamps", OPT_TX_STAMPS, OPTION_FLAG, GROUP_MEASURE, FIELD(tx_stamps), .flag_value = 1,
	  .help = "read the sender's send time in each frame (xdp_hints_traffic --stamp-tx): report tx_to_xdp and tx_to_user",
	  .dflt = "off" },
	{ "stamp-time", OPT_STAMP_TIME, OPTION_CUSTOM, GROUP_RECEIVE, .parse = parse_stamp_time,
	  .own_program = true, .arg = "CLASS",
	  .help = "which frames get a receive time: all, ethertype:0xHHHH (outer or after VLAN tags) or udp:PORT; the others get xdp_hints_untimed (no clock read)",
	  .dflt = "all" },
	/* Output */
	{ "interval", OPT_INTERVAL, OPTION_SECONDS, GROUP_OUTPUT, FIELD(interval_ns),
	  .min = NS_PER_S / 1000, .max = RX_SECONDS_MAX * NS_PER_S, .zero_off = true,
	  .unit = "seconds", .arg = "S",
	  .help = "a report every S seconds with the interval's own counts, rates and latency",
	  .dflt = "1" },
	{ "pkt-info", OPT_PKT_INFO, OPTION_FLAG, GROUP_OUTPUT, FIELD(pkt_info), .flag_value = 1,
	  .help = "one line per packet: queue, btf_id, layout, fields, latency" },
	{ "json", OPT_JSON, OPTION_FLAG, GROUP_OUTPUT, FIELD(json), .flag_value = 1,
	  .help = "reports as JSON lines on stdout (schema/af_xdp_user.schema.json)",
	  .dflt = "human table" },
	{ "extended", OPT_EXTENDED, OPTION_FLAG, GROUP_OUTPUT, FIELD(extended), .flag_value = 1,
	  .help = "every counter of every queue in each report, not one line per interval",
	  .dflt = "compact" },
	{ "all-queues", OPT_ALL_QUEUES, OPTION_FLAG, GROUP_OUTPUT, FIELD(all_queues), .flag_value = 1,
	  .help = "with -e: a column for every bound queue, idle ones too",
	  .dflt = "queues that carried traffic" },
	{ "csv", OPT_CSV, OPTION_STRING, GROUP_OUTPUT, FIELD(csv_path), .unit = "file name",
	  .arg = "FILE",
	  .help = "per-packet records to FILE, CSV columns time_ns, queue, cpu, same_core, latency_ns, btf_id, layout",
	  .dflt = "none" },
	{ "pcapng", OPT_PCAPNG, OPTION_STRING, GROUP_OUTPUT, FIELD(pcapng_path),
	  .unit = "file name", .arg = "FILE",
	  .help = "capture every received frame to FILE (pcapng: one interface IF@qN per queue, ns wall-clock times from rx_ktime, the decoded hint as JSON in each packet's comment); - : to stdout, the reports then to stderr",
	  .dflt = "none" },
	{ "snaplen", OPT_SNAPLEN, OPTION_U32, GROUP_OUTPUT, FIELD(snaplen),
	  .min = 1, .max = PCAPNG_SNAPLEN_MAX, .unit = "bytes", .then = then_snaplen,
	  .arg = "BYTES", .help = "with --pcapng: keep the first BYTES of each frame",
	  .dflt = "262144 (whole frames)" },
	{ "verbose", OPT_VERBOSE, OPTION_FLAG, GROUP_OUTPUT, FIELD(verbosity),
	  .flag_value = LOG_DEBUG, .help = "more logging, libbpf messages too" },
	{ "quiet", OPT_QUIET, OPTION_FLAG, GROUP_OUTPUT, FIELD(verbosity),
	  .flag_value = LOG_QUIET, .help = "errors only (no ready line either)" },
	/* Integrations */
	{ "xsks-map", OPT_XSKS_MAP, OPTION_STRING, GROUP_INTEGRATION, FIELD(xsks_map_path),
	  .unit = "path", .arg = "PATH",
	  .help = "use another process's XDP program: bind into its XSKMAP pinned at PATH (bpffs), decode with its BTF; load and attach nothing",
	  .dflt = "load our own program" },
	{ "prog-id", OPT_PROG_ID, OPTION_U32, GROUP_INTEGRATION, FIELD(foreign_prog_id),
	  .min = 1, .max = UINT32_MAX, .arg = "N",
	  .help = "with --xsks-map: the XDP program's id (bpftool prog show)",
	  .dflt = "the program attached to IFNAME" },
	{ "metrics", OPT_METRICS, OPTION_CUSTOM, GROUP_INTEGRATION, .parse = parse_metrics,
	  .arg = "ADDR:PORT",
	  .help = "serve Prometheus/OpenMetrics text at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9435, [::1]:9435; 0.0.0.0 exposes it to the network)",
	  .dflt = "none" },
	/* TX */
	{ "tx", OPT_TX, OPTION_FLAG, GROUP_TX, FIELD(tx.enabled), .flag_value = 1,
	  .help = "also send UDP frames every --tx-interval from the first bound queue's socket",
	  .dflt = "receive only" },
	{ "no-rx", OPT_NO_RX, OPTION_FLAG, GROUP_TX, FIELD(tx.no_rx), .flag_value = 1,
	  .needs_tx = true, .own_program = true,
	  .help = "with --tx: send only, attach no XDP program", .dflt = "receive too" },
	{ "tx-cpu", OPT_TX_CPU, OPTION_U32, GROUP_TX, FIELD(tx_cpu), .min = 0, .max = RX_CPU_MAX,
	  .arg = "N", .help = "with --tx: pin the TX thread to online CPU N",
	  .dflt = "the CPUs the process started with" },
	{ "tx-priority", OPT_TX_PRIORITY, OPTION_U32, GROUP_TX, FIELD(tx_priority),
	  .min = 1, .max = RX_PRIORITY_MAX, .unit = "SCHED_FIFO priority", .arg = "N",
	  .help = "with --tx: real-time priority of the TX thread", .dflt = "normal scheduling" },
	{ "tx-interval", OPT_TX_INTERVAL, OPTION_SECONDS, GROUP_TX, FIELD(tx.interval_ns),
	  .min = TX_INTERVAL_MIN_NS, .max = TX_INTERVAL_MAX_NS, .unit = "seconds",
	  .needs_tx = true, .arg = "S", .help = "TX period, absolute deadlines", .dflt = "0.001" },
	{ "tx-batch", OPT_TX_BATCH, OPTION_U32, GROUP_TX, FIELD(tx.batch),
	  .min = 1, .max = TX_BATCH_MAX, .needs_tx = true, .arg = "N",
	  .help = "frames per TX cycle, at most half of --frames", .dflt = "1" },
	{ "tx-cycles", OPT_TX_CYCLES, OPTION_U64, GROUP_TX, FIELD(tx.cycles),
	  .min = 1, .max = UINT64_MAX, .needs_tx = true, .arg = "N",
	  .help = "stop after N TX cycles", .dflt = "until stopped" },
	{ "tx-size", OPT_TX_SIZE, OPTION_U32, GROUP_TX, FIELD(tx.frame_size),
	  .min = FRAME_MIN_LEN, .max = FRAME_MAX_LEN, .unit = "bytes", .needs_tx = true,
	  .arg = "BYTES", .help = "TX frame size without FCS", .dflt = "64" },
	{ "tx-src-mac", OPT_TX_SRC_MAC, OPTION_CUSTOM, GROUP_TX, FIELD(tx.src_mac),
	  .parse = parse_mac, .then = then_src_mac, .needs_tx = true, .arg = "MAC",
	  .help = "TX source MAC", .dflt = "the device's" },
	{ "tx-dst-mac", OPT_TX_DST_MAC, OPTION_CUSTOM, GROUP_TX, FIELD(tx.dst_mac),
	  .parse = parse_mac, .needs_tx = true, .arg = "MAC",
	  .help = "TX destination MAC", .dflt = "ff:ff:ff:ff:ff:ff" },
	{ "tx-src-ip", OPT_TX_SRC_IP, OPTION_CUSTOM, GROUP_TX, FIELD(tx.src_ip),
	  .parse = parse_ipv4, .then = then_src_ip, .needs_tx = true, .arg = "A.B.C.D",
	  .help = "TX source IPv4", .dflt = "the device's, else 0.0.0.0" },
	{ "tx-dst-ip", OPT_TX_DST_IP, OPTION_CUSTOM, GROUP_TX, FIELD(tx.dst_ip),
	  .parse = parse_ipv4, .needs_tx = true, .arg = "A.B.C.D",
	  .help = "TX destination IPv4", .dflt = "255.255.255.255" },
	{ "tx-src-port", OPT_TX_SRC_PORT, OPTION_U32, GROUP_TX, FIELD(tx.src_port),
	  .min = 1, .max = 65535, .needs_tx = true, .arg = "P",
	  .help = "TX UDP source port", .dflt = "10000" },
	{ "tx-dst-port", OPT_TX_DST_PORT, OPTION_U32, GROUP_TX, FIELD(tx.dst_port),
	  .min = 1, .max = 65535, .needs_tx = true, .arg = "P",
	  .help = "TX UDP destination port", .dflt = "9000" },
	/* Safety */
	{ "filter-udp-port", OPT_FILTER_UDP, OPTION_U32, GROUP_SAFETY, FIELD(filter_udp_dport),
	  .min = 1, .max = 65535, .own_program = true, .then = then_filter_udp, .arg = "P",
	  .help = "redirect only UDP to destination port P (also behind VLAN tags and IPv6 extension headers; fragments stay with the kernel)",
	  .dflt = "everything" },
	{ "filter-ethertype", OPT_FILTER_ETHERTYPE, OPTION_U32, GROUP_SAFETY,
	  FIELD(filter_ethertype), .min = RX_ETHERTYPE_MIN, .max = 0xffff, .hex = true,
	  .own_program = true, .then = then_filter_ethertype, .arg = "T",
	  .help = "redirect only frames with ethertype T anywhere in them (outer type, a VLAN TPID or the type after the last tag; conflicts with -u; ARP, RARP, PAUSE and EAPOL always go to the kernel: refused)",
	  .dflt = "everything" },
	{ "force", OPT_FORCE, OPTION_FLAG, GROUP_SAFETY, FIELD(force), .flag_value = 1,
	  .own_program = true,
	  .help = "replace an XDP program already attached to IFNAME through netlink (not one held by a bpf_link)",
	  .dflt = "refuse" },
	/* General */
	{ "version", OPT_VERSION, OPTION_ACTION, GROUP_GENERAL, .flag_value = RX_OPTIONS_VERSION,
	  .help = "the tool's version, with the libbpf and libxdp versions" },
	{ "help", OPT_HELP, OPTION_ACTION, GROUP_GENERAL, .flag_value = RX_OPTIONS_HELP,
	  .help = "this text" },
	{ "man", OPT_MAN, OPTION_ACTION, GROUP_GENERAL, .flag_value = RX_OPTIONS_MAN,
	  .help = "this text as a manual page (troff), for man -l -" },
};

const size_t option_table_len = sizeof(option_table) / sizeof(option_table[0]);

const struct option_spec *option_spec_of(int id)
{
	for (size_t i = 0; i < option_table_len; i++)
		if (option_table[i].id == id)
			return &option_table[i];
	return NULL;
}

int option_usage_error(char *err, size_t err_len, int id, const char *fmt, ...)
{
	const struct option_spec *spec = id ? option_spec_of(id) : NULL;
	char name[48], what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (spec) {
		option_display_name(spec, name, sizeof(name));
		snprintf(err, err_len, "%s: %s", name, what);
	} else {
		snprintf(err, err_len, "%s", what);
	}
	return -EINVAL;
}

void option_display_name(const struct option_spec *spec, char *buf, size_t len)
{
	if (spec->id < 256)
		snprintf(buf, len, "-%c/--%s", spec->id, spec->name);
	else
		snprintf(buf, len, "--%s", spec->name);
}

void option_format_seconds(uint64_t ns, char *buf, size_t len)
{
	uint64_t frac = ns % NS_PER_S;
	int digits = 9;

	if (!frac) {
		snprintf(buf, len, "%" PRIu64, ns / NS_PER_S);
		return;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, ns / NS_PER_S, digits, frac);
}

static void format_number(const struct option_spec *spec, uint64_t v, char *buf, size_t len)
{
	if (spec->kind == OPTION_SECONDS)
		option_format_seconds(v, buf, len);
	else if (spec->hex)
		snprintf(buf, len, "0x%04" PRIx64, v);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

void option_accepts(const struct option_spec *spec, char *buf, size_t len)
{
	char min[32], max[32];

	if (spec->accepts) {
		snprintf(buf, len, "%s", spec->accepts);
		return;
	}
	format_number(spec, spec->min, min, sizeof(min));
	format_number(spec, spec->max, max, sizeof(max));
	snprintf(buf, len, "%s%s%s%s%s..%s", spec->zero_off ? "0 (off) or " : "",
		 spec->power_of_two ? "a power of two in " : "",
		 spec->unit ? spec->unit : "", spec->unit ? " " : "", min, max);
}

void option_choice_list(const struct option_spec *spec, const char *sep,
			char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct choice_name *c = spec->choices; c->name && used < len; c++) {
		const char *first = choice_name_of(spec->choices, c->value);

		if (first != c->name)
			continue; /* an alias: printed after its value's first name */
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 c == spec->choices ? "" : sep, c->name);
		for (const struct choice_name *a = c + 1; a->name && used < len; a++)
			if (a->value == c->value)
				used += (size_t)snprintf(buf + used, len - used, " (%s)", a->name);
	}
}

void option_help_text(const struct option_spec *spec, char *buf, size_t len)
{
	char extra[128];
	bool full_range = spec->max == UINT64_MAX ||
			  (spec->kind == OPTION_U32 && spec->max == UINT32_MAX);

	switch (spec->kind) {
	case OPTION_ENUM:
		option_choice_list(spec, " | ", extra, sizeof(extra));
		snprintf(buf, len, "%s: %s", extra, spec->help);
		return;
	case OPTION_U32:
	case OPTION_U64:
	case OPTION_SECONDS:
		if (full_range)
			break;
		option_accepts(spec, extra, sizeof(extra));
		snprintf(buf, len, "%s, %s", spec->help, extra);
		return;
	default:
		break;
	}
	snprintf(buf, len, "%s", spec->help);
}
