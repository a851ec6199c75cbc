// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --help, --man and the bash completion, all from the option table
 * (option_table.h). */
#include <string.h>

#include <bpf/libbpf.h>

#include "completion.h"
#include "option_table.h"
#include "report.h"

static const char *const group_titles[N_OPTION_GROUPS] = {
	[GROUP_RECEIVE] = "Receive",
	[GROUP_MEASURE] = "Measurement set-up",
	[GROUP_OUTPUT] = "Output",
	[GROUP_INTEGRATION] = "Integrations",
	[GROUP_TX] = "Time-triggered TX",
	[GROUP_SAFETY] = "Safety",
	[GROUP_GENERAL] = "General",
};

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

/* "  -f, --frames N" then the help from column HELP_LEFT_COLS on. */
static void usage_entry(FILE *out, const struct option_spec *spec)
{
	char left[48], text[400], help[480];
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
	option_help_text(spec, text, sizeof(text));
	if (spec->dflt)
		snprintf(help, sizeof(help), "%s (default:%c%s)", text, HELP_NBSP, spec->dflt);
	else
		snprintf(help, sizeof(help), "%s", text);
	fputc(' ', out);
	help_wrapped(out, help, (size_t)col + 1);
}

void rx_options_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [options] IFNAME\n"
		"Receive on AF_XDP sockets bound to every RX queue of IFNAME; an XDP\n"
		"program writes XDP-hints (BTF-described) in front of each packet and\n"
		"this tool decodes them and reports XDP-to-userspace latency: one line\n"
		"per --interval, a per-queue summary at the end (man page: OUTPUT).\n", prog);
	for (int group = 0; group < N_OPTION_GROUPS; group++) {
		fprintf(out, "\n%s:\n", group_titles[group]);
		for (size_t i = 0; i < option_table_len; i++)
			if (option_table[i].group == (enum option_group)group)
				usage_entry(out, &option_table[i]);
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
	"rx_pps, xsk.rx_dropped, xsk.rx_ring_full, avg, p50, p99, max), the counters\n"
	"that are not zero, and a latency histogram. Latencies are shown in ns, \\(mcs, ms\n"
	"or s by magnitude. \\-e/\\-\\-extended prints every counter below per queue,\n"
	"one row each, named like the JSON key; queues that carried no traffic are\n"
	"named on one line instead, unless \\-\\-all\\-queues.\n"
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
	".TP\n.B tx_stamped, tx_clock_mismatch, tx_stamp_invalid, tx_to_xdp_ns, tx_to_user_ns\n"
	"With \\-\\-tx\\-stamps: frames with a valid send stamp of the receiver's clock\n"
	"(xdp_hints_traffic \\-\\-stamp\\-tx), stamps of another clock or from the\n"
	"receiver's future (not timed), stamps this receiver cannot read (another\n"
	"version or clock, or cut short; not timed), and the delays from the send to the hint's rx\n"
	"time in XDP and to the receiver's read. Each packet line and pcapng comment\n"
	"carries tx_send_ns, tx_to_xdp_ns and tx_to_user_ns.\n"
	".TP\n.B rx_period\n"
	"With \\-\\-rx\\-period, in the final report: period_s, phase_s, periods\n"
	"(deadlines served), max_frames (the most one drain took), missed_deadlines\n"
	"(passed by more than a period: counted, skipped) and late_ns_max.\n"
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
	"packets per second over the interval; in the final report over the time the\n"
	"queue was receiving, from its first batch of frames to its last (the total:\n"
	"from the earliest first to the latest last), so traffic shorter than the run\n"
	"shows its own rate.\n"
	".TP\n.B no_hint, unknown_btf_id\n"
	"Frames without a hint (btf_id slot cleared), and with a btf_id that is\n"
	"not a hint of the loaded program.\n"
	".TP\n.B layouts.NAME\n"
	"Frames per hint layout (struct name in BTF).\n"
	".TP\n.B same_core, remote_core\n"
	"Hints whose xdp_rx_cpu is, or is not, the CPU of the receiving thread.\n"
	".TP\n.B clock_backwards\n"
	"Hints whose rx_ktime lies in the receiver's future: counted, not timed.\n"
	".TP\n.B rx_time_before_start\n"
	"Hints whose rx_ktime lies before the run began: counted, not timed, one\n"
	"warning at the end. A producer that writes less metadata than the struct\n"
	"its btf_id names makes the receiver read older bytes as the time.\n"
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
	".TP\n.B pool_dry, frames_owned, frames_owned_max\n"
	"\\-\\-umem shared only (absent per\\-queue): full batches that wanted frames\n"
	"and found the free pool empty (why the queue's xsk.rx_fill_ring_empty_descs\n"
	"and xsk.rx_dropped grew), the frames of the UMEM the queue owns now and at\n"
	"most. The total sums pool_dry and frames_owned.\n"
	".TP\n.B umem\n"
	"Final report: the run's UMEM: mode (shared or per\\-queue), umems, frames,\n"
	"frame_size, tx_frames; shared also floor and cap (a queue's frames at least\n"
	"and at most), pool_frames (free at start), pool_free (at the end) and\n"
	"pool_low_water; with \\-\\-threads slices, slice_frames, spill_taken and\n"
	"spill_given (frames the threads' slices took from and gave to the spill).\n"
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

/* One option as a .TP paragraph. */
static void man_entry(FILE *out, const struct option_spec *spec)
{
	char text[400];

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
	option_help_text(spec, text, sizeof(text));
	man_escaped(out, text);
	if (spec->dflt) {
		fputs(" (default: ", out);
		man_escaped(out, spec->dflt);
		fputc(')', out);
	}
	fputs(".\n", out);
}

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
	for (int group = 0; group < N_OPTION_GROUPS; group++) {
		fputs(".SS ", out);
		man_escaped(out, group_titles[group]);
		fputc('\n', out);
		for (size_t i = 0; i < option_table_len; i++)
			if (option_table[i].group == (enum option_group)group)
				man_entry(out, &option_table[i]);
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

/* "-f|--frames" for a case pattern. */
static void completion_pattern(FILE *out, const struct option_spec *spec)
{
	if (spec->id < 256)
		fprintf(out, "-%c|", spec->id);
	fprintf(out, "--%s", spec->name);
}

/*
 * A bash completion script: every option, the words of enum options, file
 * names after FILE and PATH, interfaces after -d/--dev and as the argument.
 */
void rx_options_completion(FILE *out, const char *prog)
{
	fprintf(out, "# bash completion for %s (generated from its option table)\n"
		"_%s()\n{\n" COMPLETION_CURRENT_WORDS
		"\tlocal ifaces\n\tifaces=$(ls /sys/class/net 2>/dev/null)\n"
		"\tcase $prev in\n", prog, prog);
	for (size_t i = 0; i < option_table_len; i++) {
		const struct option_spec *spec = &option_table[i];

		if (!spec->arg)
			continue;
		fputs("\t", out);
		completion_pattern(out, spec);
		if (spec->kind == OPTION_ENUM) {
			fputs(")\n\t\tCOMPREPLY=($(compgen -W '", out);
			for (const struct choice_name *c = spec->choices; c->name; c++)
				fprintf(out, "%s%s", c == spec->choices ? "" : " ", c->name);
			fputs("' -- \"$cur\"))\n", out);
		} else if (spec->id == OPT_DEV) {
			fputs(")\n\t\tCOMPREPLY=($(compgen -W \"$ifaces\" -- \"$cur\"))\n", out);
		} else if (spec->kind == OPTION_STRING) {
			fputs(")\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n", out);
		} else {
			fputs(")\n\t\tCOMPREPLY=()\n", out); /* a number or address */
		}
		fputs("\t\treturn ;;\n", out);
	}
	fputs("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W '", out);
	for (size_t i = 0; i < option_table_len; i++)
		fprintf(out, "%s--%s", i ? " " : "", option_table[i].name);
	fprintf(out, "' -- \"$cur\"))\n\t\treturn\n\tfi\n"
		"\tCOMPREPLY=($(compgen -W \"$ifaces\" -- \"$cur\"))\n}\n"
		"complete -F _%s %s\n", prog, prog);
}
