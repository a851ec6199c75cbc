/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one table of af_xdp_user's options (option_table.c). Each entry says
 * what its argument is, where in struct rx_config the value goes and what
 * it accepts; parsing, range checks, their messages, --help, --man and the
 * bash completion all read it, so none can drift from another.
 */
#ifndef XDP_HINTS_OPTION_TABLE_H
#define XDP_HINTS_OPTION_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "choice_names.h"
#include "rx_config.h"

/* What rx_options_parse() returns; the table's actions return the first three. */
enum rx_options_result {
	RX_OPTIONS_RUN = 0,  /* config filled: go */
	RX_OPTIONS_HELP = 1, /* --help asked: print usage, exit 0 */
	RX_OPTIONS_MAN = 2,  /* --man asked: print the manual page, exit 0 */
	RX_OPTIONS_VERSION = 3, /* -V asked: print the versions, exit 0 */
	/* negative: usage error, message in the caller's buffer, exit 2 */
};

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
	/* Long only: above 255, so getopt_long never mistakes them for letters. */
	OPT_FORCE = 256,
	OPT_MAN,
	OPT_XSKS_MAP,
	OPT_PROG_ID,
	OPT_BUSY_POLL,
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
	OPT_RX_PERIOD,
	OPT_TX_STAMPS,
	OPT_STAMP_TIME,
	OPT_TX,
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
	OPT_ALL_QUEUES,
	OPT_UMEM,
};

enum option_kind {
	OPTION_FLAG,    /* no argument: stores flag_value in the field */
	OPTION_U32,     /* unsigned number, field of 2 or 4 bytes (int too) */
	OPTION_U64,     /* unsigned number, uint64_t field */
	OPTION_SECONDS, /* decimal seconds, uint64_t field in nanoseconds */
	OPTION_ENUM,    /* a word of choices[], int-sized enum field */
	OPTION_STRING,  /* const char * field pointing into argv */
	OPTION_CUSTOM,  /* parse() reads and stores it (lists, addresses) */
	OPTION_ACTION,  /* --help, --man, -V: rx_options_parse returns flag_value */
};

/* --help's sections, in this order. */
enum option_group {
	GROUP_RECEIVE,
	GROUP_MEASURE,
	GROUP_OUTPUT,
	GROUP_INTEGRATION,
	GROUP_TX,
	GROUP_SAFETY,
	GROUP_GENERAL,
	N_OPTION_GROUPS,
};

struct option_spec;
typedef int (*option_parse_fn)(struct rx_config *cfg, const struct option_spec *spec,
			       const char *arg, char *err, size_t err_len);

struct option_spec {
	const char *name;        /* long name, without "--" */
	int id;                  /* short letter, or > 255 for long only */
	enum option_kind kind;
	enum option_group group;
	size_t offset;           /* of the field in struct rx_config (tx.* too) */
	uint8_t size;            /* of the field in bytes */
	uint64_t min, max;       /* numbers: accepted range (SECONDS: in ns) */
	bool zero_off;           /* numbers: 0 accepted too, meaning off */
	bool hex;                /* numbers: range shown in hex */
	bool power_of_two;       /* numbers: only powers of two in min..max */
	bool needs_tx;           /* a --tx setting: "needs --tx" without it */
	bool own_program;        /* sets up our XDP program: not with --xsks-map */
	int64_t flag_value;      /* FLAG: value stored; ACTION: value returned */
	const char *unit;        /* numbers: word before the range ("seconds");
				  * STRING: what it names, NULL: empty allowed */
	const char *accepts;     /* numbers: replaces the generated range text */
	const struct choice_name *choices; /* ENUM: its words, NULL-terminated */
	option_parse_fn parse;   /* CUSTOM */
	void (*then)(struct rx_config *cfg); /* after a value is stored */
	const char *arg;         /* argument's name in --help, NULL: none */
	const char *help;
	const char *dflt;        /* default shown in --help, NULL: none */
};

extern const struct option_spec option_table[];
extern const size_t option_table_len;

/* The entry of @id (short letter or OPT_*), NULL when none. */
const struct option_spec *option_spec_of(int id);

/* How messages name @spec: "-f/--frames" or "--force". */
void option_display_name(const struct option_spec *spec, char *buf, size_t len);

/* What a number option accepts, as every message and --help say it:
 * "0 (off) or seconds 0.001..31536000", "0x0600..0xffff". */
void option_accepts(const struct option_spec *spec, char *buf, size_t len);

/* @ns as decimal seconds without trailing zeros: "0.001", "10". */
void option_format_seconds(uint64_t ns, char *buf, size_t len);

/* The choices of an ENUM option for people: "native, generic (skb), auto"
 * with @sep ", " or " | "; an alias follows its value's first name. */
void option_choice_list(const struct option_spec *spec, const char *sep,
			char *buf, size_t len);

/* The help sentence of @spec without its default, as --help and --man
 * print it: enum words and number ranges come from the entry. */
void option_help_text(const struct option_spec *spec, char *buf, size_t len);

/* One line (no newline) into @err naming @id's option ("-f/--frames: ..."),
 * or only the text for @id 0; returns -EINVAL. */
__attribute__((format(printf, 4, 5)))
int option_usage_error(char *err, size_t err_len, int id, const char *fmt, ...);

#endif
