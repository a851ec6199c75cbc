/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * CLOCK_MONOTONIC in nanoseconds: the clock bpf_ktime_get_ns() reads, so a
 * hint's rx_ktime and this value can be subtracted directly.
 */
#ifndef XDP_HINTS_MONO_CLOCK_H
#define XDP_HINTS_MONO_CLOCK_H

#include <time.h>
#include <linux/types.h>

static inline __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

#endif
