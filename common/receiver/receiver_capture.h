/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --pcapng: the capture file of the run (one interface per bound queue)
 * and the wall-clock offset that dates its frames.
 */
#ifndef XDP_HINTS_RECEIVER_CAPTURE_H
#define XDP_HINTS_RECEIVER_CAPTURE_H

#include <stdbool.h>

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

/*
 * Around the open() of an output file @path (@opt: "--csv", "--pcapng"):
 * begin says once when it is a FIFO no reader has open, and arms the
 * --duration timer for the wait (a stop signal ends it too); it returns
 * whether it waits, and an fd to hold in *@hold (or -1). end closes
 * @hold, disarms the timer, and returns true when the open (result @err)
 * was cut short by the stop: after one line when --duration ran out.
 */
/* --pcapng -: the capture goes to standard output, the reports to stderr. */
bool receiver_capture_to_stdout(const struct rx_config *cfg);
bool receiver_output_wait_begin(const struct rx_config *cfg, struct run_stop *stop,
				const char *opt, const char *path, int *hold);
bool receiver_output_wait_end(struct run_stop *stop, const char *opt, const char *path,
			      bool waiting, int hold, int err);

/* Close the file; its first write error (reported by the caller) or 0. */
int receiver_close_capture(struct pcapng_file *pcapng);

#endif
