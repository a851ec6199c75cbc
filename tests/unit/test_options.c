// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* af_xdp_user's option parsing: defaults, every value kind at its limits,
 * and each kind of usage error, which must name the option at fault. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "option_table.h"
#include "options.h"

#define MAX_ARGS 40

static struct rx_config cfg;
static char err[256];

/* Parse a NULL-terminated argument list (program name added). */
static int parse_list(const char *first, va_list ap)
{
	static char storage[MAX_ARGS][64];
	char *argv[MAX_ARGS + 1];
	const char *arg = first;
	int argc = 0;

	snprintf(storage[argc], sizeof(storage[argc]), "af_xdp_user");
	argv[argc] = storage[argc];
	argc++;
	for (; arg && argc < MAX_ARGS; arg = va_arg(ap, const char *), argc++) {
		snprintf(storage[argc], sizeof(storage[argc]), "%s", arg);
		argv[argc] = storage[argc];
	}
	if (arg)
		fail_msg("more than %d arguments: raise MAX_ARGS", MAX_ARGS - 1);
	argv[argc] = NULL;
	err[0] = '\0';
	return rx_options_parse(argc, argv, &cfg, err, sizeof(err));
}

static int parse(const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = parse_list(first, ap);
	va_end(ap);
	return ret;
}

/* A usage error whose message mentions @needle (the option, the range). */
static void expect_usage_error(int ret, const char *needle)
{
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, needle))
		fail_msg("message '%s' does not mention '%s'", err, needle);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "eth0", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.ifname, "eth0");
	assert_false(cfg.single_queue);
	assert_int_equal(cfg.xdp_mode, XDP_MODE_AUTO);
	assert_int_equal(cfg.bind_mode, BIND_MODE_AUTO);
	assert_false(cfg.spin);
	/* Placeholders until receiver_share_umem() sizes the UMEM. */
	assert_int_equal(cfg.frames, 4096);
	assert_int_equal(cfg.frame_size, 4096);
	assert_false(cfg.frames_set);
	assert_false(cfg.frame_size_set);
	assert_int_equal(cfg.layout, HINT_POLICY_RX_TIME);
	assert_int_equal(cfg.filter, FILTER_ALL);
	assert_int_equal(cfg.max_packets, 0);
	assert_int_equal(cfg.duration_ns, 0);
	assert_int_equal(cfg.interval_ns, 1000000000ULL);
	assert_false(cfg.pkt_info);
	assert_false(cfg.json);
	assert_false(cfg.force);
	assert_int_equal(cfg.verbosity, LOG_INFO);
}

static void test_every_option_long_form(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "veth0", "--queue", "3", "--xdp-mode", "generic",
			       "--bind-mode", "zero-copy", "--spin", "--frames", "1048576",
			       "--frame-size", "2048", "--layout", "alternate",
			       "--filter-udp-port", "65535", "--count", "10",
			       "--duration", "1.5", "--interval", "0.25", "--pkt-info",
			       NULL), RX_OPTIONS_RUN);
	assert_true(cfg.single_queue);
	assert_int_equal(cfg.queue_id, 3);
	assert_int_equal(cfg.xdp_mode, XDP_MODE_GENERIC);
	assert_int_equal(cfg.bind_mode, BIND_MODE_ZEROCOPY);
	assert_true(cfg.spin);
	assert_int_equal(cfg.frames, 1048576);
	assert_int_equal(cfg.frame_size, 2048);
	assert_true(cfg.frames_set);
	assert_true(cfg.frame_size_set);
	assert_int_equal(cfg.layout, HINT_POLICY_ALTERNATE);
	assert_int_equal(cfg.filter, FILTER_UDP_DPORT);
	assert_int_equal(cfg.filter_udp_dport, 65535);
	assert_int_equal(cfg.max_packets, 10);
	assert_int_equal(cfg.duration_ns, 1500000000ULL);
	assert_int_equal(cfg.interval_ns, 250000000ULL);
	assert_true(cfg.pkt_info);
}

static void test_short_forms_and_flags(void **state)
{
	(void)state;
	assert_int_equal(parse("-d", "x", "-Q", "0", "-m", "native", "-b", "copy",
			       "-f", "64", "-L", "none", "-E", "0x891d", "-n", "1",
			       "-t", "0.001", "-i", "0", "-p", "-j", "-v", "--force",
			       NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.queue_id, 0);
	assert_true(cfg.single_queue);
	assert_int_equal(cfg.xdp_mode, XDP_MODE_NATIVE);
	assert_int_equal(cfg.bind_mode, BIND_MODE_COPY);
	assert_int_equal(cfg.frames, 64);
	assert_true(cfg.frames_set);
	assert_false(cfg.frame_size_set);
	assert_int_equal(cfg.layout, HINT_POLICY_NONE);
	assert_int_equal(cfg.filter, FILTER_ETHERTYPE);
	assert_int_equal(cfg.filter_ethertype, 0x891d);
	assert_int_equal(cfg.max_packets, 1);
	assert_int_equal(cfg.duration_ns, 1000000ULL);
	assert_int_equal(cfg.interval_ns, 0);
	assert_true(cfg.json);
	assert_true(cfg.force);
	assert_int_equal(cfg.verbosity, LOG_DEBUG);

	assert_int_equal(parse("-d", "x", "-q", "-L", "mark", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.verbosity, LOG_QUIET);
	assert_int_equal(cfg.layout, HINT_POLICY_MARK);
}

static void test_help(void **state)
{
	(void)state;
	/* --help wins even without --dev. */
	assert_int_equal(parse("--help", NULL), RX_OPTIONS_HELP);
	assert_int_equal(parse("-d", "x", "-h", NULL), RX_OPTIONS_HELP);
}

static void test_help_text_lists_every_option_with_defaults(void **state)
{
	char buf[32768] = { 0 };
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	const char *expected[] = {
		"--dev IFNAME", "--queue N", "--xdp-mode MODE", "--bind-mode MODE",
		"--spin", "--frames N", "--frame-size N", "--layout POLICY",
		"--filter-udp-port P", "--filter-ethertype T", "--count N",
		"--duration S", "--interval S", "--pkt-info", "--json", "--verbose",
		"--quiet", "--force", "--help", "(default: a 64 MiB budget", "(default: rx-time)",
		"(default: auto)", "Examples", "--extended", "--version", "skb",
	};

	(void)state;
	assert_non_null(out);
	rx_options_usage(out, "af_xdp_user");
	fclose(out);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (!strstr(buf, expected[i]))
			fail_msg("--help lacks '%s'", expected[i]);
	/* A terminal of 80 columns shows it unwrapped. */
	for (const char *line = buf; *line;) {
		size_t len = strcspn(line, "\n");

		if (len > 80)
			fail_msg("--help line of %zu columns: %.*s", len, (int)len, line);
		line += len + (line[len] == '\n');
	}
}

static void test_positional_interface_and_new_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("veth7", "-j", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.ifname, "veth7");
	assert_int_equal(parse("-j", "veth7", "-e", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.ifname, "veth7");
	assert_true(cfg.extended);
	expect_usage_error(parse("veth7", "veth8", NULL), "unexpected argument 'veth8'");
	expect_usage_error(parse("-d", "veth7", "veth8", NULL), "unexpected argument 'veth8'");
	expect_usage_error(parse("-j", NULL), "interface is required");
	assert_int_equal(parse("-V", NULL), RX_OPTIONS_VERSION);
	assert_int_equal(parse("--version", NULL), RX_OPTIONS_VERSION);
	assert_int_equal(parse("x", "-m", "skb", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.xdp_mode, XDP_MODE_GENERIC);
}

static void test_cpu_list_ranges(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "--threads", "--cpu-list", "0-3,6", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.n_cpu_list, 5);
	assert_int_equal(cfg.cpu_list[0], 0);
	assert_int_equal(cfg.cpu_list[3], 3);
	assert_int_equal(cfg.cpu_list[4], 6);
	assert_int_equal(parse("x", "--threads", "--cpu-list", "2-2", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.n_cpu_list, 1);
	assert_int_equal(cfg.cpu_list[0], 2);
	expect_usage_error(parse("x", "--threads", "--cpu-list", "3-1", NULL), "ends before");
	expect_usage_error(parse("x", "--threads", "--cpu-list", "1-", NULL), "'1-'");
	expect_usage_error(parse("x", "--threads", "--cpu-list", "0-1023", NULL), "more than");
}

static void test_missing_dev(void **state)
{
	(void)state;
	expect_usage_error(parse("-j", NULL), "--dev");
	expect_usage_error(parse("-d", NULL), "--dev");
}

static void test_frames_range_and_power_of_two(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-f", "32", NULL), "--frames");
	expect_usage_error(parse("-d", "x", "-f", "2097152", NULL), "64..1048576");
	expect_usage_error(parse("-d", "x", "-f", "100", NULL), "power of two");
	expect_usage_error(parse("-d", "x", "-f", "0", NULL), "--frames");
	assert_int_equal(parse("-d", "x", "-f", "0x100", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frames, 256);
}

static void test_frame_size_only_two_values(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-F", "3072", NULL), "2048 or 4096");
	expect_usage_error(parse("-d", "x", "-F", "1024", NULL), "--frame-size");
	expect_usage_error(parse("-d", "x", "-F", "8192", NULL), "--frame-size");
}

static void test_frame_headroom(void **state)
{
	(void)state;
	assert_int_equal(parse("-d", "x", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 0);
	assert_int_equal(parse("-d", "x", "--frame-headroom", "16", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 16);
	assert_int_equal(parse("-d", "x", "--frame-headroom", "256", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 256);
	/* Decimal with leading zeros, never octal; hex after 0x. */
	assert_int_equal(parse("-d", "x", "--frame-headroom", "010", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 10);
	assert_int_equal(parse("-d", "x", "--frame-headroom", "08", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 8);
	assert_int_equal(parse("-d", "x", "--frame-headroom", "0x10", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frame_headroom, 16);
	expect_usage_error(parse("-d", "x", "--frame-headroom", "0x", NULL), "--frame-headroom");
	expect_usage_error(parse("-d", "x", "--frame-headroom", "0xg", NULL), "--frame-headroom");
	expect_usage_error(parse("-d", "x", "--frame-headroom", "0x0x5", NULL), "--frame-headroom");
	expect_usage_error(parse("-d", "x", "--frame-headroom", "257", NULL), "0..256");
	expect_usage_error(parse("-d", "x", "--frame-headroom", "-1", NULL), "--frame-headroom");
	expect_usage_error(parse("-d", "x", "--frame-headroom", "auto", NULL), "--frame-headroom");
}

static void test_negative_values(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-n", "-1", NULL), "negative");
	expect_usage_error(parse("-d", "x", "-Q", "-1", NULL), "--queue");
	expect_usage_error(parse("-d", "x", "-t", "-2", NULL), "--duration");
	expect_usage_error(parse("-d", "x", "-i", "-0.5", NULL), "--interval");
}

static void test_non_numeric_values(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-n", "ten", NULL), "not a number");
	expect_usage_error(parse("-d", "x", "-u", "53x", NULL), "--filter-udp-port");
	expect_usage_error(parse("-d", "x", "-t", "1.5s", NULL), "--duration");
	expect_usage_error(parse("-d", "x", "-f", "", NULL), "--frames");
	expect_usage_error(parse("-d", "x", "-i", ".5", NULL), "--interval");
	expect_usage_error(parse("-d", "x", "-Q", " 1", NULL), "--queue");
}

static void test_overflow(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-n", "18446744073709551616", NULL),
			   "out of range");
	assert_int_equal(parse("-d", "x", "-n", "18446744073709551615", NULL),
			 RX_OPTIONS_RUN);
	assert_int_equal(cfg.max_packets, UINT64_MAX);
	expect_usage_error(parse("-d", "x", "-u", "65536", NULL), "1..65535");
	expect_usage_error(parse("-d", "x", "-Q", "256", NULL), "0..255");
	expect_usage_error(parse("-d", "x", "-t", "99999999999999999999", NULL),
			   "--duration");
	expect_usage_error(parse("-d", "x", "-E", "0x10000", NULL), "0x0600..0xffff");
}

static void test_ranges_at_the_edges(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-u", "0", NULL), "--filter-udp-port");
	assert_int_equal(parse("-d", "x", "-u", "1", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.filter_udp_dport, 1);
	expect_usage_error(parse("-d", "x", "-E", "0x5ff", NULL), "--filter-ethertype");
	assert_int_equal(parse("-d", "x", "-E", "0x0600", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.filter_ethertype, 0x600);
	assert_int_equal(parse("-d", "x", "-E", "65535", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.filter_ethertype, 0xffff);
	expect_usage_error(parse("-d", "x", "-t", "0", NULL), "--duration");
	expect_usage_error(parse("-d", "x", "-i", "0.0001", NULL), "--interval");
	assert_int_equal(parse("-d", "x", "-Q", "255", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.queue_id, 255);
}

static void test_unknown_words(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-m", "offload", NULL), "--xdp-mode");
	expect_usage_error(parse("-d", "x", "-b", "zc", NULL), "--bind-mode");
	expect_usage_error(parse("-d", "x", "-L", "rx_time", NULL), "--layout");
	expect_usage_error(parse("-d", "x", "--frobnicate", NULL), "--frobnicate");
	expect_usage_error(parse("-d", "x", "-Z", NULL), "-Z");
	expect_usage_error(parse("-d", "x", "stray", NULL), "stray");
}

static void test_conflicting_filters(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-u", "4791", "-E", "0x891d", NULL),
			   "conflict");
	expect_usage_error(parse("-d", "x", "-E", "0x891d", "-u", "4791", NULL),
			   "--filter-ethertype");
}

/* Types the XDP program always passes to the kernel can never be selected. */
static void test_kernel_only_ethertypes_refused(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-E", "0x0806", NULL),
			   "--filter-ethertype: 0x0806 (ARP) always goes to the kernel");
	expect_usage_error(parse("-d", "x", "--filter-ethertype", "0x8035", NULL), "RARP");
	expect_usage_error(parse("-d", "x", "-E", "0x8808", NULL), "MAC control");
	expect_usage_error(parse("-d", "x", "-E", "0x888e", NULL), "EAPOL");
	/* Named control traffic a filter may still select. */
	assert_int_equal(parse("-d", "x", "-E", "0x88cc", NULL), RX_OPTIONS_RUN);
	assert_int_equal(parse("-d", "x", "-E", "0x8809", NULL), RX_OPTIONS_RUN);
	assert_int_equal(parse("-d", "x", "-E", "0x88f7", NULL), RX_OPTIONS_RUN);
}

static void test_parser_can_run_again(void **state)
{
	(void)state;
	/* getopt keeps global state: a second parse must start afresh and
	 * forget the first one's values. */
	assert_int_equal(parse("-d", "a", "-s", "-n", "5", NULL), RX_OPTIONS_RUN);
	assert_int_equal(parse("-d", "b", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.ifname, "b");
	assert_false(cfg.spin);
	assert_int_equal(cfg.max_packets, 0);
}

static void test_mode_names(void **state)
{
	(void)state;
	assert_string_equal(xdp_mode_name(XDP_MODE_NATIVE), "native");
	assert_string_equal(xdp_mode_name(XDP_MODE_GENERIC), "generic");
	assert_string_equal(bind_mode_name(BIND_MODE_ZEROCOPY), "zero-copy");
	assert_string_equal(hint_policy_name(HINT_POLICY_ALTERNATE), "alternate");
	assert_int_equal(parse("-d", "x", "-b", "zerocopy", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.bind_mode, BIND_MODE_ZEROCOPY);
}

static void test_measure_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "eth0", NULL), RX_OPTIONS_RUN);
	assert_false(cfg.busy_poll);
	assert_int_equal(cfg.busy_poll_usec, 20);
	assert_int_equal(cfg.cpu, -1);
	assert_false(cfg.threads);
	assert_int_equal(cfg.n_cpu_list, 0);
	assert_int_equal(cfg.priority, 0);
	assert_false(cfg.cpu_dma_latency_set);
	assert_null(cfg.csv_path);
}

static void test_measure_options(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "eth0", "--busy-poll-usec", "50", "--cpu", "1",
			       "--priority", "99", "--cpu-dma-latency", "0", "--csv", "out.csv",
			       NULL), RX_OPTIONS_RUN);
	assert_true(cfg.busy_poll); /* implied by --busy-poll-usec */
	assert_int_equal(cfg.busy_poll_usec, 50);
	assert_int_equal(cfg.cpu, 1);
	assert_int_equal(cfg.priority, 99);
	assert_true(cfg.cpu_dma_latency_set);
	assert_int_equal(cfg.cpu_dma_latency_us, 0);
	assert_string_equal(cfg.csv_path, "out.csv");

	assert_int_equal(parse("-d", "x", "--threads", "--cpu-list", "0,1,3", "--busy-poll",
			       "--priority", "1", NULL), RX_OPTIONS_RUN);
	assert_true(cfg.threads);
	assert_true(cfg.busy_poll);
	assert_int_equal(cfg.busy_poll_usec, 20);
	assert_int_equal(cfg.n_cpu_list, 3);
	assert_int_equal(cfg.cpu_list[0], 0);
	assert_int_equal(cfg.cpu_list[1], 1);
	assert_int_equal(cfg.cpu_list[2], 3);
	assert_int_equal(cfg.priority, 1);
	assert_int_equal(cfg.cpu, -1);
}

static void test_capture_and_metrics_options(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "eth0", NULL), RX_OPTIONS_RUN);
	assert_null(cfg.pcapng_path);
	assert_int_equal(cfg.snaplen, 262144);
	assert_null(cfg.metrics_addr);
	assert_int_equal(parse("-d", "x", "--pcapng", "c.pcapng", "--snaplen", "64",
			       "--metrics", "127.0.0.1:9435", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.pcapng_path, "c.pcapng");
	assert_int_equal(cfg.snaplen, 64);
	assert_string_equal(cfg.metrics_addr, "127.0.0.1:9435");
	assert_int_equal(cfg.metrics_listen.addr.ss_family, AF_INET);
	assert_int_equal(parse("-d", "x", "--metrics", "[::1]:1", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.metrics_listen.addr.ss_family, AF_INET6);
	expect_usage_error(parse("-d", "x", "--pcapng", "", NULL), "--pcapng: file name is empty");
	expect_usage_error(parse("-d", "x", "--snaplen", "64", NULL), "--snaplen: needs --pcapng");
	expect_usage_error(parse("-d", "x", "--pcapng", "f", "--snaplen", "0", NULL),
			   "bytes 1..262144");
	expect_usage_error(parse("-d", "x", "--pcapng", "f", "--snaplen", "262145", NULL),
			   "out of range");
	expect_usage_error(parse("-d", "x", "--metrics", "9435", NULL),
			   "--metrics: '9435' is not ADDR:PORT");
	expect_usage_error(parse("-d", "x", "--metrics", "myhost:9435", NULL), "numeric");
}

static void test_measure_bad_values(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "--priority", "0", NULL), "--priority: '0' is out of range");
	expect_usage_error(parse("-d", "x", "--priority", "100", NULL), "1..99");
	expect_usage_error(parse("-d", "x", "--priority", "-5", NULL), "negative");
	expect_usage_error(parse("-d", "x", "--priority", "high", NULL), "not a number");
	expect_usage_error(parse("-d", "x", "--cpu", "1024", NULL), "--cpu: '1024' is out of range");
	expect_usage_error(parse("-d", "x", "--cpu", "-1", NULL), "negative");
	expect_usage_error(parse("-d", "x", "--cpu", "one", NULL), "not a number");
	expect_usage_error(parse("-d", "x", "--cpu", NULL), "--cpu: needs an argument");
	expect_usage_error(parse("-d", "x", "--busy-poll-usec", "0", NULL), "1..1000000");
	expect_usage_error(parse("-d", "x", "--busy-poll-usec", "1000001", NULL), "out of range");
	expect_usage_error(parse("-d", "x", "--cpu-dma-latency", "-1", NULL), "negative");
	expect_usage_error(parse("-d", "x", "--cpu-dma-latency", "2000000001", NULL),
			   "0..2000000000");
	expect_usage_error(parse("-d", "x", "--csv", "", NULL), "--csv: file name is empty");
	expect_usage_error(parse("-d", "x", "--threads", "--cpu-list", "0,,1", NULL),
			   "not a list of CPUs");
	expect_usage_error(parse("-d", "x", "--threads", "--cpu-list", "0,", NULL),
			   "not a list of CPUs");
	expect_usage_error(parse("-d", "x", "--threads", "--cpu-list", "0,a", NULL),
			   "'a' in '0,a' is not a CPU number");
	expect_usage_error(parse("-d", "x", "--threads", "--cpu-list", "2000", NULL),
			   "not a CPU number");
}

static void test_measure_conflicts(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "--cpu-list", "0,1", NULL),
			   "--cpu-list: needs --threads");
	expect_usage_error(parse("-d", "x", "--threads", "--cpu", "0", "--cpu-list", "1", NULL),
			   "--cpu and --cpu-list conflict");
	/* --cpu with --threads pins every thread there: allowed. */
	assert_int_equal(parse("-d", "x", "--threads", "--cpu", "0", NULL), RX_OPTIONS_RUN);
}

/* --xsks-map uses another process's program: ours cannot be configured. */
static void test_foreign_program_options(void **state)
{
	(void)state;
	assert_int_equal(parse("-d", "x", "--xsks-map", "/sys/fs/bpf/m", NULL), RX_OPTIONS_RUN);
	assert_string_equal(cfg.xsks_map_path, "/sys/fs/bpf/m");
	assert_int_equal(cfg.foreign_prog_id, 0);
	assert_int_equal(parse("-d", "x", "--xsks-map", "/sys/fs/bpf/m", "--prog-id", "42",
			       "--threads", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.foreign_prog_id, 42);
	expect_usage_error(parse("-d", "x", "--prog-id", "42", NULL),
			   "--prog-id: needs --xsks-map");
	expect_usage_error(parse("-d", "x", "--xsks-map", "/m", "--prog-id", "0", NULL),
			   "--prog-id");
	expect_usage_error(parse("-d", "x", "--xsks-map", "", NULL), "--xsks-map: path is empty");
	expect_usage_error(parse("-d", "x", "--xsks-map", "/m", "--layout", "mark", NULL),
			   "--layout: configures our own XDP program");
	expect_usage_error(parse("-d", "x", "-u", "53", "--xsks-map", "/m", NULL),
			   "conflicts with --xsks-map");
	expect_usage_error(parse("-d", "x", "--xsks-map", "/m", "--force", NULL),
			   "--force: configures our own XDP program");
	expect_usage_error(parse("-d", "x", "--xsks-map", "/m", "-m", "native", NULL),
			   "conflicts with --xsks-map");
}

static void test_frags_and_clock(void **state)
{
	(void)state;
	assert_int_equal(parse("--dev", "eth0", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frags, FRAGS_AUTO);
	assert_int_equal(cfg.clock, HINT_CLOCK_MONOTONIC);
	assert_int_equal(cfg.hw_hints, HW_HINTS_AUTO);
	assert_int_equal(parse("--dev", "eth0", "--frags", "on", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frags, FRAGS_ON);
	assert_int_equal(parse("--dev", "eth0", "--frags", "off", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.frags, FRAGS_OFF);
	expect_usage_error(parse("--dev", "eth0", "--frags", "yes", NULL), "--frags");
	assert_int_equal(parse("--dev", "eth0", "--clock", "tai", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.clock, HINT_CLOCK_TAI);
	assert_int_equal(cfg.hw_hints, HW_HINTS_AUTO); /* hint_program_decide: software */
	expect_usage_error(parse("--dev", "eth0", "--clock", "realtime", NULL), "--clock");
	expect_usage_error(parse("--dev", "eth0", "--clock", "tai", "--hw-hints", "on", NULL),
			   "--hw-hints on");
	assert_string_equal(hint_clock_name(HINT_CLOCK_TAI), "tai");
	assert_string_equal(frags_name(FRAGS_AUTO), "auto");
}

/* ---- The option table itself: every entry, so a new option is covered. */

/* The value of @spec's field in cfg, as stored. */
static uint64_t stored_value(const struct option_spec *spec)
{
	const char *field = (const char *)&cfg + spec->offset;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (spec->size) {
	case 1:
		return *(const uint8_t *)field;
	case 2:
		memcpy(&u16, field, 2);
		return u16;
	case 4:
		memcpy(&u32, field, 4);
		return u32;
	default:
		memcpy(&u64, field, 8);
		return u64;
	}
}

/* @v as the command line gives it: decimal, or seconds for SECONDS. */
static void format_value(const struct option_spec *spec, uint64_t v, char *buf, size_t len)
{
	if (spec->kind == OPTION_SECONDS)
		option_format_seconds(v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* "--NAME VALUE" with what the option needs to be accepted alone. */
static int parse_one(const struct option_spec *spec, const char *value)
{
	char opt[64];
	const char *pre1 = "--json", *pre2 = NULL;

	snprintf(opt, sizeof(opt), "--%s", spec->name);
	if (spec->needs_tx || spec->id == OPT_TX_CPU || spec->id == OPT_TX_PRIORITY)
		pre1 = "--tx";
	if (spec->id == OPT_SNAPLEN) {
		pre1 = "--pcapng";
		pre2 = "f.pcapng";
	}
	if (spec->id == OPT_PROG_ID) {
		pre1 = "--xsks-map";
		pre2 = "/m";
	}
	if (pre2)
		return parse("-d", "x", pre1, pre2, opt, value, NULL);
	return parse("-d", "x", pre1, opt, value, NULL);
}

static void expect_accepted(const struct option_spec *spec, uint64_t v, const char *text)
{
	if (parse_one(spec, text) != RX_OPTIONS_RUN)
		fail_msg("--%s %s refused: %s", spec->name, text, err);
	if (stored_value(spec) != v)
		fail_msg("--%s %s stored %llu", spec->name, text,
			 (unsigned long long)stored_value(spec));
}

/* The one message: "NAME: 'TEXT' is WHAT: accepts RANGE" from the table. */
static void expect_refused(const struct option_spec *spec, const char *text, const char *what)
{
	char name[48], accepts[128], want[256];

	option_display_name(spec, name, sizeof(name));
	option_accepts(spec, accepts, sizeof(accepts));
	snprintf(want, sizeof(want), "%s: '%s' is %s: accepts %s", name, text, what, accepts);
	if (parse_one(spec, text) != -EINVAL)
		fail_msg("--%s %s accepted, expected '%s'", spec->name, text, want);
	if (strcmp(err, want))
		fail_msg("--%s %s: message '%s', expected '%s'", spec->name, text, err, want);
}

static bool is_number(const struct option_spec *spec)
{
	return spec->kind == OPTION_U32 || spec->kind == OPTION_U64 ||
	       spec->kind == OPTION_SECONDS;
}

/* Every number option: min and max accepted, min - 1 and max + 1 refused
 * in the same words, its range documented in --help. */
static void test_table_numbers_at_their_limits(void **state)
{
	char text[48];
	int n = 0;

	(void)state;
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];

		if (!is_number(spec))
			continue;
		n++;
		if (spec->size < 8 && spec->max > (UINT64_C(1) << (spec->size * 8)) - 1)
			fail_msg("--%s: max %llu does not fit its %u-byte field", spec->name,
				 (unsigned long long)spec->max, spec->size);
		assert_true(spec->min <= spec->max);
		format_value(spec, spec->min, text, sizeof(text));
		expect_accepted(spec, spec->min, text);
		format_value(spec, spec->max, text, sizeof(text));
		expect_accepted(spec, spec->max, text);
		if (spec->max == UINT64_MAX)
			snprintf(text, sizeof(text), "18446744073709551616");
		else
			format_value(spec, spec->max + 1, text, sizeof(text));
		expect_refused(spec, text, "out of range");
		if (spec->min > 0) {
			format_value(spec, spec->min - 1, text, sizeof(text));
			if (spec->min - 1 > 0 || !spec->zero_off)
				expect_refused(spec, text, "out of range");
		} else {
			expect_refused(spec, "-1", "negative");
		}
		if (spec->zero_off)
			expect_accepted(spec, 0, "0");
		expect_refused(spec, "x1", "not a number");
	}
	assert_true(n >= 20);
}

/* Below the minimum is refused, never "off"; the minimum itself is fine. */
static void test_interval_minimum(void **state)
{
	(void)state;
	expect_usage_error(parse("-d", "x", "-i", "1e-10", NULL), "-i/--interval: '1e-10'");
	expect_usage_error(parse("-d", "x", "-i", "0.0000000001", NULL),
			   "-i/--interval: '0.0000000001' is out of range: accepts 0 (off) or seconds 0.001..31536000");
	expect_usage_error(parse("-d", "x", "-i", "0.0004", NULL), "out of range");
	expect_usage_error(parse("-d", "x", "-i", "0.000999999", NULL), "out of range");
	assert_int_equal(parse("-d", "x", "-i", "0.001", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.interval_ns, 1000000ULL);
	assert_int_equal(parse("-d", "x", "-i", "0.000", NULL), RX_OPTIONS_RUN);
	assert_int_equal(cfg.interval_ns, 0);
	expect_usage_error(parse("-d", "x", "-t", "0.0000000001", NULL), "out of range");
}

/* Every word of every enum option is accepted and stored as its value;
 * an unknown word is refused with the table's words. */
static void test_table_enum_words(void **state)
{
	char words[128];
	int n = 0;

	(void)state;
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];

		if (spec->kind != OPTION_ENUM)
			continue;
		assert_non_null(spec->choices);
		for (const struct choice_name *c = spec->choices; c->name; c++, n++)
			expect_accepted(spec, (uint32_t)c->value, c->name);
		assert_int_equal(parse_one(spec, "no-such-word"), -EINVAL);
		option_choice_list(spec, ", ", words, sizeof(words));
		if (!strstr(err, "'no-such-word'") || !strstr(err, words) ||
		    !strstr(err, spec->name))
			fail_msg("--%s: message '%s' lacks the word or '%s'", spec->name, err, words);
	}
	assert_true(n >= 15);
}

/* What each kind needs in its entry. */
static void test_table_entries_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];
		bool takes_arg = spec->kind != OPTION_FLAG && spec->kind != OPTION_ACTION;

		if (!spec->name || !spec->help || spec->group >= N_OPTION_GROUPS)
			fail_msg("entry %zu lacks a name, help or group", i);
		if (takes_arg != (spec->arg != NULL))
			fail_msg("--%s: argument name and kind disagree", spec->name);
		if ((spec->kind == OPTION_CUSTOM) != (spec->parse != NULL))
			fail_msg("--%s: parse function and kind disagree", spec->name);
		if ((spec->kind == OPTION_ENUM) != (spec->choices != NULL))
			fail_msg("--%s: choices and kind disagree", spec->name);
		for (size_t j = 0; j < i; j++)
			if (option_table[j].id == spec->id || !strcmp(option_table[j].name, spec->name))
				fail_msg("--%s: id or name used twice", spec->name);
	}
}

static void text_of(void (*print)(FILE *, const char *), char *buf, size_t len)
{
	FILE *out;

	memset(buf, 0, len);
	out = fmemopen(buf, len - 1, "w");
	assert_non_null(out);
	print(out, "af_xdp_user");
	fclose(out);
	assert_true(strlen(buf) < len - 2); /* not cut short */
}

/* --help and --man show every entry: its names, argument and range. */
static void test_help_and_man_list_every_entry(void **state)
{
	static char help[32768], man[65536];
	char want[160], text[400];

	(void)state;
	text_of(rx_options_usage, help, sizeof(help));
	text_of(rx_options_man, man, sizeof(man));
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];
		size_t n = 0;

		if (spec->id < 256)
			snprintf(want, sizeof(want), "-%c, --%s%s%s", spec->id, spec->name,
				 spec->arg ? " " : "", spec->arg ? spec->arg : "");
		else
			snprintf(want, sizeof(want), "    --%s%s%s", spec->name,
				 spec->arg ? " " : "", spec->arg ? spec->arg : "");
		if (!strstr(help, want))
			fail_msg("--help lacks '%s'", want);
		/* troff: every '-' escaped. */
		n += (size_t)snprintf(want, sizeof(want), "\\-\\-");
		for (const char *c = spec->name; *c && n + 3 < sizeof(want); c++)
			n += (size_t)snprintf(want + n, sizeof(want) - n, "%s",
					      *c == '-' ? "\\-" : (char[]){ *c, 0 });
		if (!strstr(man, want))
			fail_msg("--man lacks '%s'", want);
		/* The range as messages say it, e.g. "0x0600..0xffff". */
		option_help_text(spec, text, sizeof(text));
		if (is_number(spec) && spec->max < UINT32_MAX) {
			option_accepts(spec, want, sizeof(want));
			if (!strstr(text, want))
				fail_msg("--%s: help '%s' lacks '%s'", spec->name, text, want);
		}
	}
	assert_non_null(strstr(help, "\nMeasurement set-up:\n"));
	assert_non_null(strstr(help, "\nTime-triggered TX:\n"));
	assert_non_null(strstr(man, ".SS Safety\n"));
}

/* The completion offers every long option and every enum word. */
static void test_completion_lists_every_option(void **state)
{
	static char script[32768];
	char want[96];

	(void)state;
	text_of(rx_options_completion, script, sizeof(script));
	assert_non_null(strstr(script, "complete -F _af_xdp_user af_xdp_user"));
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];
		const char *hit;

		snprintf(want, sizeof(want), "--%s", spec->name);
		/* as a whole word: "--tx" must not count by "--tx-cpu" */
		for (hit = strstr(script, want); hit; hit = strstr(hit + 1, want))
			if (strchr(" '|)", hit[strlen(want)]))
				break;
		if (!hit)
			fail_msg("completion lacks '%s'", want);
		if (spec->kind != OPTION_ENUM)
			continue;
		/* "--layout)\n\t\tCOMPREPLY=($(compgen -W 'rx-time mark ...'" */
		snprintf(want, sizeof(want), "--%s)\n", spec->name);
		hit = strstr(script, want);
		assert_non_null(hit);
		for (const struct choice_name *c = spec->choices; c->name; c++) {
			const char *line = strchr(hit + strlen(want), '\n');
			const char *word = strstr(hit + strlen(want), c->name);

			if (!word || word > line)
				fail_msg("completion of --%s lacks '%s'", spec->name, c->name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option_long_form),
		cmocka_unit_test(test_frame_headroom),
		cmocka_unit_test(test_short_forms_and_flags),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_text_lists_every_option_with_defaults),
		cmocka_unit_test(test_positional_interface_and_new_forms),
		cmocka_unit_test(test_cpu_list_ranges),
		cmocka_unit_test(test_missing_dev),
		cmocka_unit_test(test_frames_range_and_power_of_two),
		cmocka_unit_test(test_frame_size_only_two_values),
		cmocka_unit_test(test_negative_values),
		cmocka_unit_test(test_non_numeric_values),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_ranges_at_the_edges),
		cmocka_unit_test(test_unknown_words),
		cmocka_unit_test(test_conflicting_filters),
		cmocka_unit_test(test_kernel_only_ethertypes_refused),
		cmocka_unit_test(test_parser_can_run_again),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_measure_defaults),
		cmocka_unit_test(test_measure_options),
		cmocka_unit_test(test_measure_bad_values),
		cmocka_unit_test(test_measure_conflicts),
		cmocka_unit_test(test_foreign_program_options),
		cmocka_unit_test(test_frags_and_clock),
		cmocka_unit_test(test_capture_and_metrics_options),
		cmocka_unit_test(test_table_numbers_at_their_limits),
		cmocka_unit_test(test_interval_minimum),
		cmocka_unit_test(test_table_enum_words),
		cmocka_unit_test(test_table_entries_complete),
		cmocka_unit_test(test_help_and_man_list_every_entry),
		cmocka_unit_test(test_completion_lists_every_option),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
