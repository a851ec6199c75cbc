// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "choice_names.h"

const char *choice_name_of(const struct choice_name *names, int value)
{
	for (; names->name; names++)
		if (names->value == value)
			return names->name;
	return "?";
}

int choice_parse(const struct choice_name *names, const char *text, int *value)
{
	if (!text)
		return -EINVAL;
	for (; names->name; names++) {
		if (!strcmp(names->name, text)) {
			*value = names->value;
			return 0;
		}
	}
	return -EINVAL;
}
