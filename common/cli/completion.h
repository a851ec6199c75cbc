/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The start of every generated bash completion function: the word being
 * completed and the one before it. bash splits "--opt=value" at '=' (it is
 * in COMP_WORDBREAKS): right after the '=' the current word is "=" itself,
 * and while the value is typed the previous word is "=", so both are put
 * back to what a "--opt value" would give.
 */
#ifndef XDP_HINTS_COMPLETION_H
#define XDP_HINTS_COMPLETION_H

#define COMPLETION_CURRENT_WORDS                                               \
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n" \
	"\tif [[ $cur == = ]]; then\n"                                          \
	"\t\tcur=\n"                                                            \
	"\telif [[ $prev == = ]]; then\n"                                       \
	"\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"                                \
	"\tfi\n"

#endif
