/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The human formats of a report: the compact table and --extended. */
#ifndef XDP_HINTS_REPORT_TEXT_H
#define XDP_HINTS_REPORT_TEXT_H

#include <stdio.h>

#include "report_view.h"

/* @style: REPORT_COMPACT or REPORT_EXTENDED. Errors show in ferror(@out). */
void report_text(FILE *out, enum report_style style, const struct report_view *v);

#endif
