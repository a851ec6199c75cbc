/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --pcapng: the capture file of the run (one interface per bound queue)
 * and the wall-clock offset that dates its frames.
 */
#ifndef XDP_HINTS_RECEIVER_CAPTURE_H
#define XDP_HINTS_RECEIVER_CAPTURE_H

#include "options.h"
#include "pcapng_writer.h"
#include "receiver_checks.h"

struct run_stop;
struct rx_path;

/* Before the queues open: create the file with one IDB per queue the
 * receiver will bind ("IF@qN"), and sample the wall-clock offset. Prints
 * one message and returns negative errno on failure; 0 without --pcapng. */
int receiver_open_capture(const struct rx_config *cfg, const struct rx_iface *iface,
			  struct pcapng_file *pcapng, struct run_stop *stop, struct rx_path *path);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC into @path, for the frames to
 * come (NTP slews the wall clock; the main thread calls this at every
 * interval). Nothing without --pcapng. */
void receiver_resample_wall_clock(const struct pcapng_file *pcapng, struct rx_path *path);

/* Close the file; its first write error (reported by the caller) or 0. */
int receiver_close_capture(struct pcapng_file *pcapng);

#endif
