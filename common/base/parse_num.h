/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Strict number parsing for options: the whole string must be a number in
 * [min, max]; no atoi, no silent wrap. Decimal (leading zeros too), or hex
 * after a 0x prefix; never octal. */
#ifndef XDP_HINTS_PARSE_NUM_H
#define XDP_HINTS_PARSE_NUM_H

#include <stdint.h>

/* 0, -EINVAL (not a number, empty, trailing junk, negative for unsigned)
 * or -ERANGE (outside [min, max]). *out is untouched on error. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* Seconds with an optional fraction ("0.5", "2"), into nanoseconds. */
int parse_seconds_ns(const char *s, uint64_t min_ns, uint64_t max_ns,
		     uint64_t *out_ns);

#endif
