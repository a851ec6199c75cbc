/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The PHC of the receiving interface, for the hardware-to-XDP delay:
 * xdp_hints_rx_hw's rx_hw_timestamp counts on the NIC's clock, so the
 * receive path needs that clock's offset to CLOCK_MONOTONIC. Apart from
 * the sockets because it is optional: without it hardware timestamps are
 * counted, not timed.
 */
#ifndef XDP_HINTS_RECEIVER_PHC_H
#define XDP_HINTS_RECEIVER_PHC_H

#include <stdbool.h>

#include "phc_clock.h"

struct rx_path;

/* With the driver-metadata program only; never fatal. */
void receiver_setup_phc(const char *ifname, bool driver_metadata, struct phc_clock *phc,
			struct rx_path *path);
/* The main thread, at each report interval (or link check). */
void receiver_resample_phc(const char *ifname, struct phc_clock *phc, struct rx_path *path);

#endif
