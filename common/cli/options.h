/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Command line of af_xdp_user. One typed table (option_table.h) describes
 * every option: parsing, range checks and their messages, --help, --man and
 * the bash completion all come from it, so none can drift from another.
 */
#ifndef XDP_HINTS_OPTIONS_H
#define XDP_HINTS_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "option_table.h"
#include "rx_config.h"

void rx_config_defaults(struct rx_config *cfg);

/*
 * Parse argv into @cfg (which is first reset to the defaults). On a usage
 * error returns -EINVAL and writes one line (no prefix, no newline) naming
 * the option and what it accepts into @err. Prints nothing itself.
 */
int rx_options_parse(int argc, char **argv, struct rx_config *cfg,
		     char *err, size_t err_len);

void rx_options_usage(FILE *out, const char *prog);
void rx_options_man(FILE *out, const char *prog);
/* A bash completion script for @prog: options, enum words, interfaces. */
void rx_options_completion(FILE *out, const char *prog);
/* "af_xdp_user 0.2.0 (libbpf v1.1.0, libxdp 1.3.1 at build time)". */
void rx_options_version(FILE *out, const char *prog);


#endif
