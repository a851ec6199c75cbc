// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
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

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt,
			   va_list args)
{
	/* libbpf's messages are noise unless the user asked for detail: the
	 * tool reports the failure itself, naming the object and cause. */
	(void)level;
	if (log_level < LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
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
