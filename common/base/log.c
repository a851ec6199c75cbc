// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

enum log_level log_level = LOG_INFO;
const char *log_prog_name = "xdp-hints";

void log_print(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	/* Everything goes to stderr: stdout is reserved for reports. */
	fprintf(stderr, "%s: ", log_prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* ---- the kernel's reason, as libbpf hands it over ------------------------ */

static char kernel_reason[LOG_KERNEL_REASON_LEN];

void log_kernel_reason_clear(void)
{
	kernel_reason[0] = '\0';
}

const char *log_kernel_reason(void)
{
	return kernel_reason;
}

const char *log_error_text(int err, const char *reason, char *buf, size_t len)
{
	if (reason && reason[0])
		snprintf(buf, len, "%s (%s)", reason, strerror(err < 0 ? -err : err));
	else
		snprintf(buf, len, "%s", strerror(err < 0 ? -err : err));
	return buf;
}

static void set_reason(const char *start, size_t len)
{
	while (len && (start[len - 1] == '\n' || start[len - 1] == ' ' || start[len - 1] == '.'))
		len--;
	if (len >= sizeof(kernel_reason))
		len = sizeof(kernel_reason) - 1;
	memcpy(kernel_reason, start, len);
	kernel_reason[len] = '\0';
}

/* Lines of a verifier log that are statistics, not the verdict. */
static int is_log_statistic(const char *line, size_t len)
{
	static const char *const prefixes[] = { "processed ", "verification time",
						"stack depth", "max_states_per_insn" };

	if (!len)
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* The verdict: the last line of the log that is not a statistic. */
static void capture_verifier_verdict(const char *log, const char *end)
{
	const char *line_end = end;

	while (line_end > log) {
		const char *line = line_end;

		while (line > log && line[-1] != '\n')
			line--;
		if (!is_log_statistic(line, (size_t)(line_end - line))) {
			set_reason(line, (size_t)(line_end - line));
			return;
		}
		line_end = line > log ? line - 1 : log;
	}
}

/*
 * libbpf 1.1 says "libbpf: Kernel error message: TEXT" when a netlink
 * request comes back with an extended ack (nlattr.c), and prints a failed
 * load's verifier log between "-- BEGIN PROG LOAD LOG --" and
 * "-- END PROG LOAD LOG --" (libbpf.c, bpf_object_load_prog).
 */
static void capture_kernel_reason(const char *msg)
{
	static const char extack[] = "Kernel error message: ";
	static const char log_begin[] = "-- BEGIN PROG LOAD LOG --\n";
	static const char log_end[] = "-- END PROG LOAD LOG --";
	const char *at, *end;

	at = strstr(msg, extack);
	if (at) {
		at += strlen(extack);
		set_reason(at, strcspn(at, "\n"));
		return;
	}
	at = strstr(msg, log_begin);
	if (!at)
		return;
	at += strlen(log_begin);
	end = strstr(at, log_end);
	if (!end)
		end = at + strlen(at);
	while (end > at && end[-1] == '\n')
		end--;
	capture_verifier_verdict(at, end);
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list args)
{
	char *msg = NULL;
	va_list copy;
	int ret = 0;

	(void)level;
	va_copy(copy, args);
	if (vasprintf(&msg, fmt, copy) < 0)
		msg = NULL;
	va_end(copy);
	if (msg)
		capture_kernel_reason(msg);
	/* libbpf's messages are noise unless the user asked for detail: the
	 * tool reports the failure itself, naming the object and cause
	 * (with the kernel's words captured above). */
	if (log_level >= LOG_DEBUG)
		ret = msg ? fputs(msg, stderr) : vfprintf(stderr, fmt, args);
	free(msg);
	return ret;
}

static int libxdp_print_fn(enum libxdp_print_level level, const char *fmt,
			   va_list args)
{
	(void)level;
	if (log_level < LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print_fn);
	libxdp_set_print(libxdp_print_fn);
}
