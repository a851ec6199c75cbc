// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Parsing af_xdp_user's command line from the option table
 * (option_table.h): one function per kind of argument, then the checks
 * that only the whole command line allows. */
#include <errno.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include "option_table.h"
#include "parse_num.h"
#include "pcapng_writer.h"

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

/* The one message of every number option that refuses @arg. */
static int number_error(const struct option_spec *spec, const char *arg, int parse_err,
			char *err, size_t err_len)
{
	char accepts[128];

	option_accepts(spec, accepts, sizeof(accepts));
	if (arg[0] == '-')
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is negative: accepts %s", arg, accepts);
	if (parse_err == -ERANGE)
		return option_usage_error(err, err_len, spec->id,
					  "'%s' is out of range: accepts %s", arg, accepts);
	return option_usage_error(err, err_len, spec->id,
				  "'%s' is not a number: accepts %s", arg, accepts);
}

/* @v into the field of spec->size bytes (int fields take 4-byte values). */
static void store_value(struct rx_config *cfg, const struct option_spec *spec, uint64_t v)
{
	char *field = (char *)cfg + spec->offset;
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (spec->size) {
	case 1:
		memcpy(field, &u8, 1);
		break;
	case 2:
		memcpy(field, &u16, 2);
		break;
	case 4:
		memcpy(field, &u32, 4);
		break;
	default:
		memcpy(field, &v, 8);
		break;
	}
}

/* U32, U64 and SECONDS: spec->min..spec->max, or 0 with zero_off. */
static int apply_number(struct rx_config *cfg, const struct option_spec *spec,
			const char *arg, char *err, size_t err_len)
{
	uint64_t v;
	int ret;

	if (spec->kind == OPTION_SECONDS)
		ret = parse_seconds_ns(arg, 0, spec->max, &v);
	else
		ret = parse_u64(arg, 0, spec->max, &v);
	/* "0.0000000001" is below a nanosecond, not 0: never silently off. */
	if (!ret && !v && spec->kind == OPTION_SECONDS && strpbrk(arg, "123456789"))
		ret = -ERANGE;
	if (!ret && v < spec->min && !(v == 0 && spec->zero_off))
		ret = -ERANGE;
	if (!ret && spec->power_of_two && (v & (v - 1)))
		ret = -ERANGE;
	if (ret)
		return number_error(spec, arg, ret, err, err_len);
	store_value(cfg, spec, v);
	return 0;
}

static int apply_enum(struct rx_config *cfg, const struct option_spec *spec,
		      const char *arg, char *err, size_t err_len)
{
	char words[128], what[32];
	int v;

	if (choice_parse(spec->choices, arg, &v)) {
		option_choice_list(spec, ", ", words, sizeof(words));
		/* "unknown mode 'turbo'": the argument's name in lower case. */
		snprintf(what, sizeof(what), "%s", spec->arg);
		for (char *c = what; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		return option_usage_error(err, err_len, spec->id,
					  "unknown %s '%s': accepts %s", what, arg, words);
	}
	store_value(cfg, spec, (uint64_t)(uint32_t)v);
	return 0;
}

/* One option from the command line, as its table entry says. */
static int apply_option(struct rx_config *cfg, const struct option_spec *spec,
			const char *arg, char *err, size_t err_len)
{
	int ret = 0;

	switch (spec->kind) {
	case OPTION_FLAG:
		store_value(cfg, spec, (uint64_t)spec->flag_value);
		break;
	case OPTION_U32:
	case OPTION_U64:
	case OPTION_SECONDS:
		ret = apply_number(cfg, spec, arg, err, err_len);
		break;
	case OPTION_ENUM:
		ret = apply_enum(cfg, spec, arg, err, err_len);
		break;
	case OPTION_STRING:
		if (spec->unit && !arg[0])
			return option_usage_error(err, err_len, spec->id, "%s is empty",
						  spec->unit);
		memcpy((char *)cfg + spec->offset, &arg, sizeof(arg));
		break;
	case OPTION_CUSTOM:
		ret = spec->parse(cfg, spec, arg, err, err_len);
		break;
	case OPTION_ACTION:
		return option_usage_error(err, err_len, 0, "internal: --%s applied", spec->name);
	}
	if (!ret && spec->then)
		spec->then(cfg);
	return ret;
}

/* What the command line held besides the values: the checks after it. */
struct parse_seen {
	bool filter_udp, filter_ethertype;
	int tx_setting;          /* the last option needing --tx, or 0 */
	int own_program_setting; /* the last option of our own program, or 0 */
};

/* The measurement and TX options' combinations. */
static int check_measure_and_tx(const struct rx_config *cfg, const struct parse_seen *seen,
				char *err, size_t err_len)
{
	const struct tx_config *tx = &cfg->tx;

	if ((cfg->tx_cpu >= 0 || cfg->tx_priority) && !tx->enabled)
		return option_usage_error(err, err_len,
					  cfg->tx_cpu >= 0 ? OPT_TX_CPU : OPT_TX_PRIORITY,
					  "needs --tx (it places the TX thread)");
	if (cfg->rx_period_ns && (cfg->spin || cfg->busy_poll))
		return option_usage_error(err, err_len, OPT_RX_PERIOD,
					  "sleeps between deadlines: conflicts with %s, which never sleeps",
					  cfg->spin ? "-s/--spin" : "--busy-poll");
	if (cfg->stamp_class != STAMP_CLASS_ALL && cfg->hw_hints == HW_HINTS_ON)
		return option_usage_error(err, err_len, OPT_STAMP_TIME,
					  "times one class in the software program: conflicts with --hw-hints on, which times every frame");
	if (cfg->stamp_class != STAMP_CLASS_ALL && cfg->layout != HINT_POLICY_RX_TIME)
		return option_usage_error(err, err_len, OPT_STAMP_TIME,
					  "chooses the frames of --layout rx-time: conflicts with --layout %s",
					  hint_policy_name(cfg->layout));
	if (cfg->n_cpu_list && !cfg->threads)
		return option_usage_error(err, err_len, OPT_CPU_LIST,
					  "needs --threads (without it, --cpu pins the one receiving thread)");
	if (cfg->n_cpu_list && cfg->cpu >= 0)
		return option_usage_error(err, err_len, 0,
					  "--cpu and --cpu-list conflict: pick one placement");
	if (!tx->enabled && seen->tx_setting)
		return option_usage_error(err, err_len, seen->tx_setting, "needs --tx");
	if (!tx->enabled)
		return 0;
	/* The UMEM's second half holds the TX frames: a batch must fit.
	 * Without -f/--frames the queues get room for it (receiver_share_umem()). */
	if (cfg->frames_set && tx->batch > cfg->frames / 2)
		return option_usage_error(err, err_len, OPT_TX_BATCH,
					  "%u is more than the %u TX frames (half of -f/--frames)",
					  tx->batch, cfg->frames / 2);
	if (tx->no_rx && cfg->max_packets)
		return option_usage_error(err, err_len, OPT_COUNT,
					  "counts received packets: conflicts with --no-rx");
	return 0;
}

/* The name of @type if the XDP program always passes it to the kernel, else NULL. */
static const char *kernel_only_ethertype(uint16_t type)
{
#define KERNEL_ONLY_CASE(value, name) \
	case value:                    \
		return name;
	switch (type) {
		KERNEL_ONLY_ETHERTYPES(KERNEL_ONLY_CASE)
	default:
		return NULL;
	}
#undef KERNEL_ONLY_CASE
}

/* Combinations only the whole command line shows, each with its message. */
static int check_options(const struct rx_config *cfg, const struct parse_seen *seen,
			 char *err, size_t err_len)
{
	if (seen->filter_udp && seen->filter_ethertype)
		return option_usage_error(err, err_len, 0,
					  "-u/--filter-udp-port and -E/--filter-ethertype conflict: pick one filter");
	if (seen->filter_ethertype && kernel_only_ethertype(cfg->filter_ethertype))
		return option_usage_error(err, err_len, OPT_FILTER_ETHERTYPE,
					  "0x%04x (%s) always goes to the kernel, never to AF_XDP: no frame could be selected",
					  cfg->filter_ethertype,
					  kernel_only_ethertype(cfg->filter_ethertype));
	if (!cfg->ifname)
		return option_usage_error(err, err_len, 0,
					  "an interface is required: give it as the argument or with -d/--dev");
	if (cfg->snaplen_set && !cfg->pcapng_path)
		return option_usage_error(err, err_len, OPT_SNAPLEN, "needs --pcapng");
	/* xdp_hints_rx_hw replaces rx-time, and kfuncs need a native driver. */
	if (cfg->hw_hints == HW_HINTS_ON && cfg->layout != HINT_POLICY_RX_TIME)
		return option_usage_error(err, err_len, OPT_HW_HINTS,
					  "on writes xdp_hints_rx_hw in place of rx-time: conflicts with --layout %s",
					  hint_policy_name(cfg->layout));
	if (cfg->hw_hints == HW_HINTS_ON && cfg->xdp_mode == XDP_MODE_GENERIC)
		return option_usage_error(err, err_len, OPT_HW_HINTS,
					  "on needs native XDP (RX-metadata kfuncs): conflicts with --xdp-mode generic");
	if (cfg->foreign_prog_id && !cfg->xsks_map_path)
		return option_usage_error(err, err_len, OPT_PROG_ID,
					  "needs --xsks-map (the program's pinned XSKMAP)");
	if (cfg->xsks_map_path && seen->own_program_setting)
		return option_usage_error(err, err_len, seen->own_program_setting,
					  "configures our own XDP program: conflicts with --xsks-map, which uses another process's");
	/* xdp_hints_rx_hw carries rx_ktime (monotonic) and its PHC offset is
	 * taken against CLOCK_MONOTONIC: it has no TAI variant. */
	if (cfg->clock == HINT_CLOCK_TAI && cfg->hw_hints == HW_HINTS_ON)
		return option_usage_error(err, err_len, OPT_CLOCK,
					  "tai conflicts with --hw-hints on (xdp_hints_rx_hw holds CLOCK_MONOTONIC times)");
	return check_measure_and_tx(cfg, seen, err, err_len);
}

/* getopt_long's tables from the option table. @short_opts holds
 * 2 * option_table_len + 2 bytes, @long_opts option_table_len + 1. */
static void getopt_tables(struct option *long_opts, char *short_opts)
{
	size_t n_short = 0;

	/* ':' first: a missing argument is reported as ':' rather than '?'. */
	short_opts[n_short++] = ':';
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];

		long_opts[i] = (struct option){ spec->name,
			spec->arg ? required_argument : no_argument, NULL, spec->id };
		if (spec->id < 256) {
			short_opts[n_short++] = (char)spec->id;
			if (spec->arg)
				short_opts[n_short++] = ':';
		}
	}
	long_opts[option_table_len] = (struct option){ 0 };
	short_opts[n_short] = '\0';
}

/* getopt_long's ':' and '?' as one message. */
static int getopt_error(int id, char **argv, char *err, size_t err_len)
{
	if (id == ':' && optopt)
		return option_usage_error(err, err_len, optopt, "needs an argument");
	if (id == ':')
		return option_usage_error(err, err_len, 0, "%s: needs an argument",
					  argv[optind - 1]);
	if (optopt)
		return option_usage_error(err, err_len, 0, "unknown option -%c", optopt);
	return option_usage_error(err, err_len, 0, "unknown option %s", argv[optind - 1]);
}

int rx_options_parse(int argc, char **argv, struct rx_config *cfg,
		     char *err, size_t err_len)
{
	struct option long_opts[option_table_len + 1];
	char short_opts[option_table_len * 2 + 2];
	struct parse_seen seen = { 0 };
	int id, ret;

	rx_config_defaults(cfg);
	getopt_tables(long_opts, short_opts);
	/* optind = 0 makes glibc start over, so the parser can run twice
	 * in one process (the unit tests do). opterr = 0: we do the talking. */
	optind = 0;
	opterr = 0;
	while ((id = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		const struct option_spec *spec = option_spec_of(id);

		if (id == ':' || id == '?' || !spec)
			return getopt_error(id, argv, err, err_len);
		if (spec->kind == OPTION_ACTION)
			return (int)spec->flag_value;
		seen.filter_udp |= id == OPT_FILTER_UDP;
		seen.filter_ethertype |= id == OPT_FILTER_ETHERTYPE;
		if (spec->needs_tx)
			seen.tx_setting = id;
		if (spec->own_program)
			seen.own_program_setting = id;
		ret = apply_option(cfg, spec, optarg, err, err_len);
		if (ret)
			return ret;
	}
	/* "af_xdp_user eth1", like xdp-bench and ip: the interface may come
	 * without --dev, once. */
	if (optind < argc && !cfg->ifname && argv[optind][0])
		cfg->ifname = argv[optind++];
	if (optind < argc)
		return option_usage_error(err, err_len, 0, "unexpected argument '%s'%s",
					  argv[optind], cfg->ifname ? " (one interface only)" : "");
	ret = check_options(cfg, &seen, err, err_len);
	return ret ? ret : RX_OPTIONS_RUN;
}
