/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where --metrics listens: ADDR:PORT, parsed when the options are. */
#ifndef XDP_HINTS_METRICS_LISTEN_H
#define XDP_HINTS_METRICS_LISTEN_H

#include <sys/socket.h>

/* Where to listen: --metrics ADDR:PORT parsed. */
struct metrics_listen {
	struct sockaddr_storage addr;
	socklen_t len;
};

/*
 * "127.0.0.1:9435", "0.0.0.0:9435", "[::1]:9435" (numeric addresses only:
 * no name look-up at start-up; "localhost" means 127.0.0.1) into @out.
 * 0 or -EINVAL.
 */
int metrics_listen_parse(const char *text, struct metrics_listen *out);

#endif
