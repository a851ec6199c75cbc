/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The words of an enum-valued option, kept beside the module that acts on
 * the enum, so the option table, --help, reports and messages all say the
 * same word for the same value. A table ends with { NULL, 0 }; the first
 * name of a value is the one printed, later ones are accepted aliases.
 */
#ifndef XDP_HINTS_CHOICE_NAMES_H
#define XDP_HINTS_CHOICE_NAMES_H

struct choice_name {
	const char *name;
	int value;
};

/* The first name of @value in @names, "?" when it has none. */
const char *choice_name_of(const struct choice_name *names, int value);

/* The value named @text (exact, case-sensitive) in *@value: 0, or -EINVAL
 * for an unknown word or a NULL @text. */
int choice_parse(const struct choice_name *names, const char *text, int *value);

#endif
