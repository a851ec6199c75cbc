// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_hints_traffic - send test frames out of one interface, fast.
 *
 * The demo and the end-to-end tests need traffic with known contents on a
 * veth end inside a namespace they made: N UDP flows (distinct source
 * ports, each on a TX queue of its own, see below), raw frames
 * of an arbitrary ethertype, ARP requests or a runt.  The frames are built
 * here byte by byte and bypass routing, ARP and the firewall of the sending
 * namespace.
 *
 * Which TX queue a frame leaves on decides, on veth and tap, which RX queue
 * of the other end it arrives on.  Left to the kernel (an AF_PACKET socket,
 * the flow hash of netdev_pick_tx()), 8 flows land on queues that differ
 * between kernels: on 6.1 one of 4 veth queues stays empty, on 6.18 none
 * does.  So UDP flows on a multi-queue device go out on a TX queue chosen
 * here, flow f on queue f mod N, through one AF_XDP socket per TX queue in
 * copy mode: the kernel transmits an AF_XDP frame on the socket's own queue
 * (xsk_generic_xmit() -> __dev_direct_xmit(skb, queue_id), since 4.18),
 * with no qdisc and no queue selection in between.  Everything else (one
 * queue, ARP, raw ethertypes, runts, --queue-select hash) is written to an
 * AF_PACKET raw socket bound to --dev.
 *
 * It refuses to run outside a namespace made with "ip netns add": its job
 * is to feed interfaces in namespaces its caller created, never a real
 * network.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <bpf/libbpf.h>

#include "completion.h"
#include "frame_build.h"
#include "tx_stamp.h"
#include "log.h"
#include "parse_num.h"
#include "mono_clock.h"
#include "xsk_queue.h"
#include "xsk_tx.h"
#include "af_xdp_shared.h"

#define BATCH_MAX 64U       /* frames per sendmmsg() */
#define TXQ_MAX XDP_HINTS_MAX_QUEUES /* TX queues the explicit path spreads flows over */
/* Per TX queue: a small UMEM, half of it TX frames (powers of two, as
 * xsk_queue_open() wants); the other half is the RX side it insists on. */
#define TXQ_UMEM_FRAMES 512U
#define TXQ_TX_FRAMES 256U
#define TXQ_FRAME_SIZE 2048U
#define TXQ_DRAIN_NS 2000000000ULL
_Static_assert(FRAME_BUF_MAX <= TXQ_FRAME_SIZE - XSK_UMEM__DEFAULT_FRAME_HEADROOM,
	       "a frame must fit one UMEM frame");

enum queue_select {
	QUEUE_SELECT_EXPLICIT = 0, /* flow f on TX queue f mod N (AF_XDP) */
	QUEUE_SELECT_HASH,         /* the kernel's choice (AF_PACKET) */
};

struct traffic_config {
	const char *ifname;
	enum frame_kind kind;
	bool have_src_mac, have_dst_mac, have_src_ip, have_dst_ip;
	uint8_t src_mac[ETH_ALEN];
	uint8_t dst_mac[ETH_ALEN];
	struct in_addr src_ip, dst_ip;
	uint16_t src_port_base;
	uint16_t dst_port;
	uint32_t flows;
	uint64_t count;
	uint64_t rate_pps;   /* 0: as fast as possible */
	uint32_t frame_size;
	uint16_t ethertype;  /* for FRAME_RAW_ETHERTYPE */
	bool have_vlan;
	uint16_t vlan_id;
	bool json;
	enum queue_select queue_select;
	bool crc_trailer;    /* --crc-trailer: payload pattern + CRC-32 trailer */
	bool have_size;      /* --size given: never raised for a stamp */
	uint8_t stamp_clock; /* --stamp-tx: enum tx_stamp_clock, 0 off */
	uint16_t mix_ethertype; /* --mix: raw frames of this type ... */
	uint32_t mix_every;     /* ... as every mix_every-th frame; 0 off */
};

struct send_result {
	uint64_t sent;
	uint64_t ns;
	uint32_t tx_queues;          /* 0: AF_PACKET, the kernel chose */
	uint64_t sent_per_queue[TXQ_MAX];
};

/* One TX queue of the explicit path: its AF_XDP socket and TX frames. */
struct txq_sender {
	struct xsk_queue q;
	struct xsk_tx tx;
	bool tx_ready;
};

/* ---- options ------------------------------------------------------------ */

enum {
	OPT_SRC_MAC = 256, OPT_DST_MAC, OPT_SRC_IP, OPT_DST_IP, OPT_SRC_PORT,
	OPT_DST_PORT, OPT_FLOWS, OPT_RATE, OPT_SIZE, OPT_ETHERTYPE, OPT_ARP,
	OPT_RUNT, OPT_VLAN, OPT_JSON, OPT_QUEUE_SELECT, OPT_CRC_TRAILER,
	OPT_STAMP_TX, OPT_MIX, OPT_BASH_COMPLETION,
};

static const struct option long_options[] = {
	{ "dev", required_argument, NULL, 'd' },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "src-port", required_argument, NULL, OPT_SRC_PORT },
	{ "dst-port", required_argument, NULL, OPT_DST_PORT },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "ethertype", required_argument, NULL, OPT_ETHERTYPE },
	{ "arp", no_argument, NULL, OPT_ARP },
	{ "runt", no_argument, NULL, OPT_RUNT },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "queue-select", required_argument, NULL, OPT_QUEUE_SELECT },
	{ "crc-trailer", no_argument, NULL, OPT_CRC_TRAILER },
	{ "stamp-tx", optional_argument, NULL, OPT_STAMP_TX },
	{ "mix", required_argument, NULL, OPT_MIX },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "bash-completion", no_argument, NULL, OPT_BASH_COMPLETION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
"Usage: xdp_hints_traffic [options] IFNAME --dst-mac MAC\n"
"Send test frames out of IFNAME (inside a network namespace you created).\n"
"\n"
"  IFNAME, -d, --dev IFNAME  interface to send on (required)\n"
"      --dst-mac MAC      destination MAC (required, except --arp: broadcast)\n"
"      --src-mac MAC      source MAC (default: IFNAME's own)\n"
"      --src-ip A.B.C.D   source IPv4 (default: IFNAME's address)\n"
"      --dst-ip A.B.C.D   destination IPv4 (required for UDP and --arp)\n"
"      --src-port P       first UDP source port (default 10000)\n"
"      --dst-port P       UDP destination port (default 9000)\n"
"      --flows N          source ports P..P+N-1, round-robin (default 1)\n"
"  -n, --count N          frames to send in total (default 1000)\n"
"  -r, --rate PPS         frames per second, 0 = as fast as possible (default 0)\n"
"      --size BYTES       frame size without FCS, %u..%u (default %u)\n"
"      --ethertype T      raw frames of ethertype T (0x0600..0xffff), not UDP\n"
"      --arp              ARP requests for --dst-ip instead of UDP\n"
"      --runt             %u-byte frames (Ethernet header + part of IPv4)\n"
"      --vlan ID          add an 802.1Q tag with VLAN ID (0..4095)\n"
"      --queue-select M   explicit: UDP flow f leaves on TX queue f mod N of\n"
"                         IFNAME's N queues (AF_XDP, copy mode); hash: the\n"
"                         kernel picks by flow hash, AF_PACKET (default explicit)\n"
"      --crc-trailer      UDP/raw payload: a byte pattern, then the CRC-32 of the\n"
"                         frame before it (as an Ethernet FCS): every received\n"
"                         frame then has CRC-32 0x%08x\n"
"      --stamp-tx[=CLOCK] write a send stamp into each frame: CLOCK monotonic\n"
"                         (default; the clock of the XDP program's rx_ktime) or\n"
"                         tai, read right before the send call; 24 bytes at the\n"
"                         start of the UDP payload, or after the Ethernet header\n"
"                         and VLAN tag of raw frames (headers/tx_stamp.h).\n"
"                         UDP frames grow to 66 bytes unless --size is given\n"
"      --mix TYPE:N       every N-th frame (N >= 1) a raw frame of ethertype\n"
"                         TYPE (0x0600..0xffff), same size, MACs and tag; the\n"
"                         others as without --mix (e.g. --mix 0x891d:100)\n"
"      --json             summary as one JSON object\n"
"  -v, --verbose | -q, --quiet\n"
"  -V, --version | -h, --help\n"
"      --bash-completion  print a bash completion script for this tool\n"
"\n"
"Example: xdp_hints_traffic veth1 --dst-mac 02:00:00:00:00:01 \\\n"
"           --dst-ip 10.11.0.1 --flows 8 --count 800 --rate 10000\n",
		FRAME_MIN_LEN, FRAME_JUMBO_MAX_LEN, FRAME_MIN_LEN, FRAME_RUNT_LEN,
		FRAME_CRC_RESIDUE);
}

static int parse_ipv4(const char *s, struct in_addr *addr)
{
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -EINVAL;
}

/* One line naming the option, the value and what it accepts. */
static int bad_value(const char *opt, const char *value, const char *accepts)
{
	pr_err("invalid value '%s' for %s: expected %s\n", value, opt, accepts);
	return -EINVAL;
}

static int parse_u16_opt(const char *opt, const char *s, uint32_t min,
			 uint32_t max, uint16_t *out)
{
	uint32_t v;

	if (parse_u32(s, min, max, &v)) {
		char what[64];

		snprintf(what, sizeof(what), "a number %u..%u", min, max);
		return bad_value(opt, s, what);
	}
	*out = (uint16_t)v;
	return 0;
}

/*
 * --stamp-tx, --stamp-tx=CLOCK or --stamp-tx CLOCK: getopt hands an
 * optional argument over only when it is glued on with '=', so a CLOCK
 * in the next word is taken here when it is one of the two names.
 */
static int parse_stamp_clock(int argc, char **argv, struct traffic_config *cfg)
{
	const char *name = optarg;

	if (!name && optind < argc &&
	    (!strcmp(argv[optind], "monotonic") || !strcmp(argv[optind], "tai")))
		name = argv[optind++];
	if (!name || !strcmp(name, "monotonic"))
		cfg->stamp_clock = TX_STAMP_CLOCK_MONOTONIC;
	else if (!strcmp(name, "tai"))
		cfg->stamp_clock = TX_STAMP_CLOCK_TAI;
	else
		return bad_value("--stamp-tx", name, "monotonic or tai");
	return 0;
}

/* --mix TYPE:N */
static int parse_mix(const char *arg, struct traffic_config *cfg)
{
	char type[16];
	const char *colon = strchr(arg, ':');
	uint32_t every, ethertype;

	if (!colon || (size_t)(colon - arg) >= sizeof(type))
		return bad_value("--mix", arg, "ETHERTYPE:N, e.g. 0x891d:100");
	memcpy(type, arg, (size_t)(colon - arg));
	type[colon - arg] = '\0';
	if (parse_u32(type, 0x0600, 0xffff, &ethertype))
		return bad_value("--mix", arg, "an ethertype 0x0600..0xffff before the ':'");
	if (parse_u32(colon + 1, 1, UINT32_MAX, &every))
		return bad_value("--mix", arg, "a frame interval N >= 1 after the ':'");
	cfg->mix_ethertype = (uint16_t)ethertype;
	cfg->mix_every = every;
	return 0;
}

/*
 * The bash completion script, from long_options so it cannot drift: every
 * option, the words of --queue-select, interfaces after --dev and as the
 * argument.  make writes it to $(BUILD)/xdp_hints_traffic.bash.
 */
static void print_completion(FILE *out, const char *prog)
{
	fprintf(out, "# bash completion for %s (generated from its option table)\n"
		"_%s()\n{\n" COMPLETION_CURRENT_WORDS
		"\tcase $prev in\n"
		"\t-d|--dev)\n\t\tCOMPREPLY=($(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"$cur\"))\n\t\treturn ;;\n"
		"\t--queue-select)\n\t\tCOMPREPLY=($(compgen -W 'explicit hash' -- \"$cur\"))\n\t\treturn ;;\n",
		prog, prog);
	for (const struct option *o = long_options; o->name; o++) {
		if (o->has_arg != required_argument || o->val == 'd' ||
		    o->val == OPT_QUEUE_SELECT)
			continue;
		/* numbers and addresses: nothing to offer */
		fprintf(out, "\t%s%c%s--%s)\n\t\tCOMPREPLY=()\n\t\treturn ;;\n",
			o->val < 256 ? "-" : "", o->val < 256 ? o->val : ' ',
			o->val < 256 ? "|" : "", o->name);
	}
	fputs("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W '", out);
	for (const struct option *o = long_options; o->name; o++)
		fprintf(out, "%s--%s", o == long_options ? "" : " ", o->name);
	fprintf(out, "' -- \"$cur\"))\n\t\treturn\n\tfi\n"
		"\tCOMPREPLY=($(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"$cur\"))\n}\n"
		"complete -F _%s %s\n", prog, prog);
}

/* 0: run, 1: help, version or completion printed, negative: usage error
 * (already reported). */
static int parse_options(int argc, char **argv, struct traffic_config *cfg)
{
	int kinds = 0;
	int opt;

	memset(cfg, 0, sizeof(*cfg));
	cfg->src_port_base = 10000;
	cfg->dst_port = 9000;
	cfg->flows = 1;
	cfg->count = 1000;
	cfg->frame_size = FRAME_MIN_LEN;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:n:r:vqVh", long_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				return bad_value("--dev", optarg,
						 "an interface name of 1..15 characters");
			cfg->ifname = optarg;
			break;
		case OPT_SRC_MAC:
			if (frame_parse_mac(optarg, cfg->src_mac))
				return bad_value("--src-mac", optarg, "xx:xx:xx:xx:xx:xx");
			cfg->have_src_mac = true;
			break;
		case OPT_DST_MAC:
			if (frame_parse_mac(optarg, cfg->dst_mac))
				return bad_value("--dst-mac", optarg, "xx:xx:xx:xx:xx:xx");
			cfg->have_dst_mac = true;
			break;
		case OPT_SRC_IP:
			if (parse_ipv4(optarg, &cfg->src_ip))
				return bad_value("--src-ip", optarg, "an IPv4 address");
			cfg->have_src_ip = true;
			break;
		case OPT_DST_IP:
			if (parse_ipv4(optarg, &cfg->dst_ip))
				return bad_value("--dst-ip", optarg, "an IPv4 address");
			cfg->have_dst_ip = true;
			break;
		case OPT_SRC_PORT:
			if (parse_u16_opt("--src-port", optarg, 1, 65535,
					  &cfg->src_port_base))
				return -EINVAL;
			break;
		case OPT_DST_PORT:
			if (parse_u16_opt("--dst-port", optarg, 1, 65535,
					  &cfg->dst_port))
				return -EINVAL;
			break;
		case OPT_FLOWS:
			if (parse_u32(optarg, 1, 65535, &cfg->flows))
				return bad_value("--flows", optarg, "a number 1..65535");
			break;
		case 'n':
			if (parse_u64(optarg, 1, UINT64_MAX / 2, &cfg->count))
				return bad_value("--count", optarg, "a positive number");
			break;
		case 'r':
			if (parse_u64(optarg, 0, 100000000ULL, &cfg->rate_pps))
				return bad_value("--rate", optarg, "0..100000000 frames per second");
			break;
		case OPT_SIZE:
			if (parse_u32(optarg, FRAME_MIN_LEN, FRAME_JUMBO_MAX_LEN, &cfg->frame_size))
				return bad_value("--size", optarg, "a frame size 60..9014");
			cfg->have_size = true;
			break;
		case OPT_ETHERTYPE:
			if (parse_u16_opt("--ethertype", optarg, 0x0600, 0xffff,
					  &cfg->ethertype))
				return -EINVAL;
			cfg->kind = FRAME_RAW_ETHERTYPE;
			kinds++;
			break;
		case OPT_ARP:
			cfg->kind = FRAME_ARP;
			kinds++;
			break;
		case OPT_RUNT:
			cfg->kind = FRAME_RUNT;
			kinds++;
			break;
		case OPT_VLAN:
			if (parse_u16_opt("--vlan", optarg, 0, 4095, &cfg->vlan_id))
				return -EINVAL;
			cfg->have_vlan = true;
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_QUEUE_SELECT:
			if (!strcmp(optarg, "explicit"))
				cfg->queue_select = QUEUE_SELECT_EXPLICIT;
			else if (!strcmp(optarg, "hash"))
				cfg->queue_select = QUEUE_SELECT_HASH;
			else
				return bad_value("--queue-select", optarg, "explicit or hash");
			break;
		case OPT_CRC_TRAILER:
			cfg->crc_trailer = true;
			break;
		case OPT_STAMP_TX:
			if (parse_stamp_clock(argc, argv, cfg))
				return -EINVAL;
			break;
		case OPT_MIX:
			if (parse_mix(optarg, cfg))
				return -EINVAL;
			break;
		case 'v':
			log_level = LOG_DEBUG;
			break;
		case 'q':
			log_level = LOG_QUIET;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("xdp_hints_traffic %s (libbpf %s, libxdp %s at build time)\n",
			       XDP_HINTS_VERSION, libbpf_version_string(),
			       XDP_HINTS_LIBXDP_VERSION);
			return 1;
		case OPT_BASH_COMPLETION:
			print_completion(stdout, "xdp_hints_traffic");
			return 1;
		case ':':
			pr_err("option %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	/* The interface as the argument, like af_xdp_user; --dev still works. */
	if (optind < argc) {
		const char *arg = argv[optind];

		if (optind + 1 < argc || (cfg->ifname && strcmp(cfg->ifname, arg))) {
			pr_err("unexpected argument '%s' (one interface, as the argument or --dev; see --help)\n",
			       argv[optind + (optind + 1 < argc)]);
			return -EINVAL;
		}
		if (!*arg || strlen(arg) >= IFNAMSIZ)
			return bad_value("IFNAME", arg,
					 "an interface name of 1..15 characters");
		cfg->ifname = arg;
	}
	if (!cfg->ifname) {
		pr_err("an interface is required: xdp_hints_traffic IFNAME (or --dev IFNAME)\n");
		return -EINVAL;
	}
	if (kinds > 1) {
		pr_err("--ethertype, --arp and --runt exclude each other\n");
		return -EINVAL;
	}
	if (cfg->crc_trailer && (cfg->kind == FRAME_ARP || cfg->kind == FRAME_RUNT)) {
		pr_err("--crc-trailer needs a payload: not with --arp or --runt\n");
		return -EINVAL;
	}
	if (cfg->stamp_clock || cfg->mix_every) {
		const char *opt = cfg->stamp_clock ? "--stamp-tx" : "--mix";

		if (cfg->kind == FRAME_ARP || cfg->kind == FRAME_RUNT) {
			pr_err("%s needs UDP or --ethertype frames: not with --arp or --runt\n", opt);
			return -EINVAL;
		}
	}
	if (cfg->stamp_clock) {
		uint32_t need = frame_stamp_min_size(cfg->kind);

		if (cfg->mix_every && frame_stamp_min_size(FRAME_RAW_ETHERTYPE) > need)
			need = frame_stamp_min_size(FRAME_RAW_ETHERTYPE);
		if (cfg->frame_size < need && cfg->have_size) {
			pr_err("--stamp-tx needs --size %u or more for %s frames (%u bytes of stamp after the headers)\n",
			       need, cfg->kind == FRAME_UDP ? "UDP" : "raw", TX_STAMP_LEN);
			return -EINVAL;
		}
		if (cfg->frame_size < need)
			cfg->frame_size = need;
	}
	if (cfg->kind == FRAME_ARP && !cfg->have_dst_mac) {
		memset(cfg->dst_mac, 0xff, ETH_ALEN);
		cfg->have_dst_mac = true;
	}
	if (!cfg->have_dst_mac) {
		pr_err("--dst-mac is required\n");
		return -EINVAL;
	}
	if ((cfg->kind == FRAME_UDP || cfg->kind == FRAME_ARP) && !cfg->have_dst_ip) {
		pr_err("--dst-ip is required for %s\n",
		       cfg->kind == FRAME_ARP ? "--arp" : "UDP frames");
		return -EINVAL;
	}
	if (cfg->kind == FRAME_UDP &&
	    (uint32_t)cfg->src_port_base + cfg->flows - 1 > 65535) {
		pr_err("--src-port %u with --flows %u runs past port 65535\n",
		       cfg->src_port_base, cfg->flows);
		return -EINVAL;
	}
	return 0;
}

/* ---- the interface ------------------------------------------------------ */

/*
 * Only send from a namespace made with "ip netns add" (one of the names in
 * /run/netns): the tool feeds wires its caller built, never a real network.
 * Comparing with PID 1's namespace would not do: inside containers and
 * sandboxes that one is often neither visible nor the real network.
 */
#define NETNS_RUN_DIR "/run/netns"

static int check_private_netns(void)
{
	struct stat self, named;
	struct dirent *entry;
	char path[PATH_MAX];
	int found = 0;
	DIR *dir;

	if (stat("/proc/self/ns/net", &self))
		return -errno;
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return -EPERM;
	while (!found && (entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, entry->d_name);
		if (!stat(path, &named) && named.st_ino == self.st_ino &&
		    named.st_dev == self.st_dev)
			found = 1;
	}
	closedir(dir);
	return found ? 0 : -EPERM;
}

/* Fill in what the caller left to the interface: its MAC and IPv4; and
 * its MTU, which limits the frame size. */
static int read_dev_defaults(int fd, struct traffic_config *cfg, int *ifindex, int *mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, cfg->ifname, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		return -errno;
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFMTU, &ifr))
		return -errno;
	*mtu = ifr.ifr_mtu;

	if (!cfg->have_src_mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr))
			return -errno;
		memcpy(cfg->src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	}
	if (!cfg->have_src_ip && (cfg->kind == FRAME_UDP || cfg->kind == FRAME_ARP)) {
		if (ioctl(fd, SIOCGIFADDR, &ifr))
			return errno == EADDRNOTAVAIL ? -EDESTADDRREQ : -errno;
		cfg->src_ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	}
	return 0;
}

/*
 * Protocol 0 on the socket: it receives nothing, and on send the kernel
 * parses the Ethernet header we wrote to set skb->protocol, which the flow
 * hash (and so the veth's choice of RX queue) depends on.
 */
static int open_packet_socket(int ifindex, int *fd_out)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = 0,
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int err = -errno;

		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

/* ---- frame building ----------------------------------------------------- */

static void frame_spec_of(const struct traffic_config *cfg, struct frame_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->kind = cfg->kind;
	memcpy(spec->src_mac, cfg->src_mac, ETH_ALEN);
	memcpy(spec->dst_mac, cfg->dst_mac, ETH_ALEN);
	spec->src_ip = cfg->src_ip;
	spec->dst_ip = cfg->dst_ip;
	spec->src_port = cfg->src_port_base;
	spec->dst_port = cfg->dst_port;
	spec->ethertype = cfg->ethertype;
	spec->have_vlan = cfg->have_vlan;
	spec->vlan_id = cfg->vlan_id;
	spec->frame_size = cfg->frame_size;
	spec->tx_stamp_clock = cfg->stamp_clock;
}

/* --mix: the same frame but raw, of the mixed-in ethertype. */
static void mix_spec_of(const struct traffic_config *cfg, struct frame_spec *spec)
{
	frame_spec_of(cfg, spec);
	spec->kind = FRAME_RAW_ETHERTYPE;
	spec->ethertype = cfg->mix_ethertype;
}

/* Frame @seq (from 0) is the mixed-in one: frames N, 2N, ... counted from 1. */
static bool is_mixed(const struct traffic_config *cfg, uint64_t seq)
{
	return cfg->mix_every && (seq + 1) % cfg->mix_every == 0;
}

/* The send stamp's clock now, ns; 0 without --stamp-tx. */
static uint64_t stamp_clock_ns(const struct traffic_config *cfg)
{
	struct timespec ts;

	if (!cfg->stamp_clock ||
	    clock_gettime(tx_stamp_clockid((enum tx_stamp_clock)cfg->stamp_clock), &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- sending ------------------------------------------------------------ */

static void sleep_until_ns(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline / 1000000000ULL),
		.tv_nsec = (long)(deadline % 1000000000ULL),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * With a rate, frames go out in small batches on absolute deadlines
 * (start + frames_so_far / rate), so a late wake-up is caught up on
 * instead of drifting.  Batches stay small enough for ~10k wake-ups/s.
 */
static uint32_t batch_size(const struct traffic_config *cfg)
{
	uint64_t batch;

	if (!cfg->rate_pps)
		return BATCH_MAX;
	batch = cfg->rate_pps / 10000;
	if (batch < 1)
		batch = 1;
	if (batch > BATCH_MAX)
		batch = BATCH_MAX;
	return (uint32_t)batch;
}

/* Frame number @seq belongs to flow seq mod flows (round robin). */
static uint32_t flow_of(const struct traffic_config *cfg, uint64_t seq)
{
	return (uint32_t)(seq % cfg->flows);
}

/* Make a copy of the template frame number @seq: its flow's source port,
 * its sequence number and, with --stamp-tx, @send_ns. */
static void stamp_frame(const struct traffic_config *cfg, const struct frame_layout *layout,
			uint8_t *frame, uint64_t seq, uint64_t send_ns)
{
	if (layout->udp_off)
		frame_set_udp_src_port(frame, layout,
				       (uint16_t)(cfg->src_port_base + flow_of(cfg, seq)));
	frame_set_u64(frame, layout->seq_off, seq);
	if (layout->stamp_off)
		frame_set_u64(frame, layout->time_off, send_ns);
	/* Last: the CRC covers the port and sequence just set. */
	if (cfg->crc_trailer)
		frame_seal_crc(frame, layout);
}

/* One batch written to the AF_PACKET socket; back-pressure is retried. */
static int packet_send_batch(int fd, struct mmsghdr *msgs, uint32_t todo)
{
	uint32_t done = 0;
	int n;

	while (done < todo) {
		n = sendmmsg(fd, msgs + done, todo - done, 0);
		if (n < 0) {
			/* A full device queue is back-pressure, not failure. */
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		done += (uint32_t)n;
	}
	return 0;
}

/* What txq_build() writes: the template (or --mix's), stamped with seqs[i]. */
struct txq_build_ctx {
	const struct traffic_config *cfg;
	const struct frame_layout *layout;
	const uint8_t *template;
	const struct frame_layout *mix_layout;
	const uint8_t *mix_template;
	const uint64_t *seqs;
};

static __u32 txq_build(void *opaque, __u8 *data, __u32 room, unsigned int i)
{
	const struct txq_build_ctx *ctx = opaque;
	bool mixed = is_mixed(ctx->cfg, ctx->seqs[i]);
	const struct frame_layout *layout = mixed ? ctx->mix_layout : ctx->layout;

	(void)room; /* >= FRAME_BUF_MAX: see the _Static_assert above */
	memcpy(data, mixed ? ctx->mix_template : ctx->template, layout->len);
	/* The frame goes on the TX ring next, and the ring is kicked after. */
	stamp_frame(ctx->cfg, layout, data, ctx->seqs[i], stamp_clock_ns(ctx->cfg));
	return (__u32)layout->len;
}

/* Put @n frames (sequence numbers @seqs) on one TX queue's ring, waiting
 * for completions when its frames are all in flight. */
static int txq_send(struct txq_sender *txq, struct txq_build_ctx *ctx,
		    const uint64_t *seqs, uint32_t n)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = 20000 };
	uint32_t done = 0;
	int err = 0;

	while (done < n) {
		ctx->seqs = seqs + done;
		done += xsk_tx_send(&txq->tx, n - done, txq_build, ctx, &err);
		if (err)
			return err;
		if (done < n)
			nanosleep(&pause, NULL);
	}
	return 0;
}

/*
 * Send cfg->count frames, paced by cfg->rate_pps, on @n_txq explicit TX
 * queues (@txq) or, with @n_txq == 0, on the AF_PACKET socket @fd.
 */
static int send_frames(int fd, struct txq_sender *txq, uint32_t n_txq,
		       const struct traffic_config *cfg, struct send_result *res)
{
	static uint8_t frames[BATCH_MAX][FRAME_JUMBO_BUF_MAX];
	static uint8_t mix_frames[BATCH_MAX][FRAME_JUMBO_BUF_MAX];
	static uint64_t queue_seqs[TXQ_MAX][BATCH_MAX];
	uint32_t queue_frames[TXQ_MAX];
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iovs[BATCH_MAX];
	struct frame_spec spec, mix_spec;
	struct frame_layout layout = { 0 }, mix_layout = { 0 };
	struct txq_build_ctx ctx;
	uint32_t batch = batch_size(cfg), i, q;
	uint64_t start, seq = 0;
	int err = 0;

	frame_spec_of(cfg, &spec);
	mix_spec_of(cfg, &mix_spec);
	for (i = 0; i < BATCH_MAX; i++) {
		if (!frame_build(&spec, frames[i], sizeof(frames[i]), &layout))
			return -EINVAL; /* options were range-checked: cannot happen */
		if (cfg->mix_every &&
		    !frame_build(&mix_spec, mix_frames[i], sizeof(mix_frames[i]), &mix_layout))
			return -EINVAL;
		if (cfg->crc_trailer) {
			frame_fill_pattern(frames[i], &layout);
			if (cfg->mix_every)
				frame_fill_pattern(mix_frames[i], &mix_layout);
		}
		iovs[i].iov_base = frames[i];
		iovs[i].iov_len = layout.len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	ctx = (struct txq_build_ctx){ .cfg = cfg, .layout = &layout, .template = frames[0],
				      .mix_layout = &mix_layout, .mix_template = mix_frames[0] };
	pr_debug("%s: %zu-byte frames, batches of %u, %s\n", cfg->ifname, layout.len, batch,
		 n_txq ? "explicit TX queues (AF_XDP)" : "kernel-chosen TX queue (AF_PACKET)");

	res->tx_queues = n_txq;
	start = monotonic_ns();
	while (seq < cfg->count && !err) {
		uint32_t todo = batch;

		if (cfg->count - seq < todo)
			todo = (uint32_t)(cfg->count - seq);
		if (cfg->rate_pps)
			sleep_until_ns(start + seq * 1000000000ULL / cfg->rate_pps);
		if (!n_txq) {
			/* One reading for the batch, just before sendmmsg(). */
			uint64_t send_ns = stamp_clock_ns(cfg);

			for (i = 0; i < todo; i++) {
				bool mixed = is_mixed(cfg, seq + i);

				iovs[i].iov_base = mixed ? mix_frames[i] : frames[i];
				iovs[i].iov_len = mixed ? mix_layout.len : layout.len;
				stamp_frame(cfg, mixed ? &mix_layout : &layout, iovs[i].iov_base,
					    seq + i, send_ns);
			}
			err = packet_send_batch(fd, msgs, todo);
			if (!err)
				seq += todo;
			continue;
		}
		memset(queue_frames, 0, sizeof(queue_frames));
		for (i = 0; i < todo; i++) {
			q = flow_of(cfg, seq + i) % n_txq;
			queue_seqs[q][queue_frames[q]++] = seq + i;
		}
		for (q = 0; q < n_txq && !err; q++) {
			err = txq_send(&txq[q], &ctx, queue_seqs[q], queue_frames[q]);
			if (!err)
				res->sent_per_queue[q] += queue_frames[q];
		}
		if (!err)
			seq += todo;
	}
	/* Sent means the kernel took it: wait for every TX completion. */
	for (q = 0; q < n_txq && !err; q++)
		err = xsk_tx_drain(&txq[q].tx, TXQ_DRAIN_NS);
	res->sent = seq;
	res->ns = monotonic_ns() - start;
	return err;
}

/* ---- explicit TX queues --------------------------------------------------- */

/* Entries "PREFIX-N" in /sys/class/net/IFNAME/queues: the device's real
 * RX or TX queue count (ip netns exec mounts the namespace's own sysfs). */
static uint32_t sysfs_queue_count(const char *ifname, const char *prefix)
{
	char path[PATH_MAX];
	struct dirent *entry;
	uint32_t n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((entry = readdir(dir)))
		if (!strncmp(entry->d_name, prefix, strlen(prefix)))
			n++;
	closedir(dir);
	return n;
}

/*
 * How many TX queues the explicit path uses: an AF_XDP socket binds to a
 * queue index below both the real RX and TX queue counts (xsk_bind() in
 * net/xdp/xsk.c); no more than there are flows, and at most TXQ_MAX.
 * 0: the explicit path does not apply (one queue, not UDP, one flow).
 */
static uint32_t explicit_queue_count(const struct traffic_config *cfg)
{
	uint32_t rx = sysfs_queue_count(cfg->ifname, "rx-");
	uint32_t tx = sysfs_queue_count(cfg->ifname, "tx-");
	uint32_t n = rx < tx ? rx : tx;

	/* Jumbo frames do not fit the explicit path's UMEM frames. */
	if (cfg->queue_select != QUEUE_SELECT_EXPLICIT || cfg->kind != FRAME_UDP ||
	    cfg->flows < 2 || n < 2 ||
	    cfg->frame_size > TXQ_FRAME_SIZE - XSK_UMEM__DEFAULT_FRAME_HEADROOM)
		return 0;
	if (n > cfg->flows)
		n = cfg->flows;
	return n > TXQ_MAX ? TXQ_MAX : n;
}

static void txq_close_all(struct txq_sender *txq, uint32_t n)
{
	for (uint32_t q = 0; q < n; q++) {
		if (txq[q].tx_ready)
			xsk_tx_free(&txq[q].tx);
		xsk_queue_close(&txq[q].q);
	}
}

/* One AF_XDP socket per TX queue 0..n-1, copy mode, no XDP program. 0 or
 * negative errno; *@failed_queue names the queue that failed. */
static int txq_open_all(const struct traffic_config *cfg, struct txq_sender *txq,
			uint32_t n, uint32_t *failed_queue)
{
	enum xsk_queue_stage stage;
	int err;

	memset(txq, 0, sizeof(*txq) * n);
	for (uint32_t q = 0; q < n; q++) {
		struct xsk_queue_params p = {
			.ifname = cfg->ifname,
			.queue_id = q,
			.frames = TXQ_UMEM_FRAMES,
			.frame_size = TXQ_FRAME_SIZE,
			.bind_mode = BIND_MODE_COPY,
			.tx_frames = TXQ_TX_FRAMES,
		};

		err = xsk_queue_open(&txq[q].q, &p, &stage);
		if (!err) {
			err = xsk_tx_init(&txq[q].tx, &txq[q].q);
			txq[q].tx_ready = !err;
		}
		if (err) {
			*failed_queue = q;
			txq_close_all(txq, q + 1);
			return err;
		}
	}
	return 0;
}

static void print_summary(const struct traffic_config *cfg,
			  const struct send_result *res)
{
	double secs = (double)res->ns / 1e9;
	double pps = secs > 0 ? (double)res->sent / secs : 0;

	uint32_t q;

	if (cfg->json) {
		printf("{\"dev\":\"%s\",\"sent\":%" PRIu64 ",\"duration_s\":%.6f,"
		       "\"rate_pps\":%.0f,\"queue_select\":\"%s\",\"sent_per_queue\":[",
		       cfg->ifname, res->sent, secs, pps,
		       res->tx_queues ? "explicit" : "hash");
		for (q = 0; q < res->tx_queues; q++)
			printf("%s%" PRIu64, q ? "," : "", res->sent_per_queue[q]);
		printf("]}\n");
		return;
	}
	printf("sent %" PRIu64 " frames on %s in %.3f s (%.0f pps)", res->sent,
	       cfg->ifname, secs, pps);
	if (res->tx_queues) {
		printf(", per TX queue:");
		for (q = 0; q < res->tx_queues; q++)
			printf(" %" PRIu64, res->sent_per_queue[q]);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	struct traffic_config cfg;
	static struct txq_sender txq[TXQ_MAX];
	struct send_result res = { 0 };
	int fd = -1, ifindex = 0, mtu = 0, err, ret = 1;
	uint32_t n_txq = 0, failed_queue = 0;

	log_prog_name = "xdp_hints_traffic";
	err = parse_options(argc, argv, &cfg);
	if (err)
		return err > 0 ? 0 : 2;

	err = check_private_netns();
	if (err) {
		pr_err("refusing to send: not inside a network namespace made with "
		       "'ip netns add' (run: ip netns exec NS xdp_hints_traffic ...)\n");
		return 1;
	}

	/* Any socket will do for the interface ioctls; the packet one will. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		pr_err("AF_PACKET socket: %s\n", strerror(errno));
		goto cleanup;
	}
	err = read_dev_defaults(fd, &cfg, &ifindex, &mtu);
	close(fd);
	fd = -1;
	if (err == -EDESTADDRREQ) {
		pr_err("%s: has no IPv4 address: give --src-ip\n", cfg.ifname);
		goto cleanup;
	}
	if (err) {
		pr_err("%s: %s\n", cfg.ifname,
		       err == -ENODEV ? "no such interface" : strerror(-err));
		goto cleanup;
	}
	/* The kernel would refuse each send with EMSGSIZE: say it once, up front. */
	if (cfg.frame_size > (uint32_t)mtu + ETH_HLEN) {
		pr_err("%s: --size %u is longer than its MTU %d allows (%d bytes): raise the MTU (ip link set %s mtu N)\n",
		       cfg.ifname, cfg.frame_size, mtu, mtu + ETH_HLEN, cfg.ifname);
		goto cleanup;
	}
	err = open_packet_socket(ifindex, &fd);
	if (err) {
		pr_err("%s: binding AF_PACKET socket: %s\n", cfg.ifname, strerror(-err));
		goto cleanup;
	}

	n_txq = explicit_queue_count(&cfg);
	if (n_txq) {
		err = txq_open_all(&cfg, txq, n_txq, &failed_queue);
		if (err) {
			pr_warn("%s: cannot send on TX queue %u with AF_XDP (%s): "
				"the kernel picks the TX queues by flow hash instead\n",
				cfg.ifname, failed_queue, strerror(-err));
			n_txq = 0;
		}
	}

	err = send_frames(fd, txq, n_txq, &cfg, &res);
	print_summary(&cfg, &res);
	if (err) {
		pr_err("%s: send failed after %" PRIu64 " frames: %s\n", cfg.ifname,
		       res.sent, err == -ENETDOWN ? "interface is down" : strerror(-err));
		goto cleanup;
	}
	ret = 0;
cleanup:
	txq_close_all(txq, n_txq);
	if (fd >= 0)
		close(fd);
	return ret;
}
