/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A report as one JSON line (--json, schema/af_xdp_user.schema.json). */
#ifndef XDP_HINTS_REPORT_JSON_H
#define XDP_HINTS_REPORT_JSON_H

#include <stdio.h>

#include "report_view.h"

/* 0, or -ENOMEM when json-c could not build the object. */
int report_json(FILE *out, const struct report_view *v);

#endif
