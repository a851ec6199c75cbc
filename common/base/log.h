/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Logging for the tools: a verbosity level and three macros. Library code
 * never prints; it returns negative errno and the tool says what failed. */
#ifndef XDP_HINTS_LOG_H
#define XDP_HINTS_LOG_H

#include <stdio.h>

enum log_level {
	LOG_QUIET = 0, /* errors only */
	LOG_WARN = 1,  /* errors and warnings */
	LOG_INFO = 2,  /* default */
	LOG_DEBUG = 3, /* -v */
};

extern enum log_level log_level;
extern const char *log_prog_name;

void log_print(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Route libbpf's and libxdp's own messages through our verbosity. */
void log_hook_libbpf(void);

#define LOG_KERNEL_REASON_LEN 200

/*
 * The kernel's own words for the latest failure libbpf reported through
 * the print callback log_hook_libbpf() installs, whatever the verbosity:
 * a netlink extended ack ("veth: Peer MTU is too large to set XDP") or the
 * verdict of a failed program load (the verifier log's last line that is
 * not a statistic: "R8 pointer comparison prohibited"). "" when there was
 * none since log_kernel_reason_clear(). Not thread-safe: for set-up steps,
 * which run on one thread. The string is static, at most
 * LOG_KERNEL_REASON_LEN - 1 characters, valid until the next capture.
 */
void log_kernel_reason_clear(void);
const char *log_kernel_reason(void);

/* "REASON (strerror)" or, with no @reason, "strerror" into @buf: the
 * cause part of a one-line error. @err may be negative. Returns @buf. */
const char *log_error_text(int err, const char *reason, char *buf, size_t len);

#define pr_err(...) log_print(LOG_QUIET, __VA_ARGS__)
#define pr_warn(...) log_print(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_print(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_print(LOG_DEBUG, __VA_ARGS__)

#endif
