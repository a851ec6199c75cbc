// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "parse_num.h"

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *digits = s;
	unsigned long long v;
	int base = 10;
	char *end;

	if (!s)
		return -EINVAL;
	/* Decimal, or hex after 0x; never octal: "010" is ten, "08" eight. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull would take leading space, a sign (a minus wraps the
	 * value), nothing at all, or in base 16 a second "0x": none is a
	 * valid option value. */
	if (base == 16 ? !isxdigit((unsigned char)*digits) : !isdigit((unsigned char)*digits))
		return -EINVAL;
	if (base == 16 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		return -EINVAL;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = parse_u64(s, min, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
}

int parse_seconds_ns(const char *s, uint64_t min_ns, uint64_t max_ns,
		     uint64_t *out_ns)
{
	uint64_t whole = 0, frac_ns = 0, scale = 100000000ULL;
	const char *p = s;

	if (!s || !*s || *s == '.')
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX / 1000000000ULL - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			frac_ns += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p)
		return -EINVAL;
	if (whole * 1000000000ULL + frac_ns < min_ns ||
	    whole * 1000000000ULL + frac_ns > max_ns)
		return -ERANGE;
	*out_ns = whole * 1000000000ULL + frac_ns;
	return 0;
}
