// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --pcapng capture file of the run (see receiver_capture.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "log.h"
#include "phc_clock.h"
#include "run_stop.h"
#include "rx_queue.h"
#include "receiver_capture.h"
#include "write_all.h"

/* The offset is the narrowest of a few reads, as for the PHC. */
#define WALL_CLOCK_READS 3U

void receiver_resample_wall_clock(const struct pcapng_file *pcapng, struct rx_path *path)
{
	__s64 offset_ns;

	if (pcapng->fd < 0)
		return;
	/* CLOCK_REALTIME cannot fail to read; keep the last offset if it did. */
	if (!phc_offset_sample(CLOCK_REALTIME, WALL_CLOCK_READS, &offset_ns, NULL))
		atomic_store_explicit(&path->realtime_offset_ns, offset_ns,
				      memory_order_relaxed);
}

int receiver_open_capture(const struct rx_config *cfg, const struct rx_iface *iface,
			  struct pcapng_file *pcapng, struct run_stop *stop, struct rx_path *path)
{
	__u32 first = cfg->single_queue ? cfg->queue_id : 0;
	char names[XDP_HINTS_MAX_QUEUES][IF_NAMESIZE + 16];
	const char *name_ptrs[XDP_HINTS_MAX_QUEUES];
	bool waiting;
	int err, hold;

	if (!cfg->pcapng_path)
		return 0;
	/* Interface i of the file is queue i, as receiver_open_queues()
	 * opens them. */
	for (size_t i = 0; i < iface->n_queues && i < XDP_HINTS_MAX_QUEUES; i++) {
		snprintf(names[i], sizeof(names[i]), "%s@q%u", cfg->ifname, first + (__u32)i);
		name_ptrs[i] = names[i];
	}
	/* "-": standard output, as tcpdump -w - (reports go to stderr then). */
	waiting = !receiver_capture_to_stdout(cfg) &&
		  receiver_output_wait_begin(cfg, stop, "--pcapng", cfg->pcapng_path, &hold);
	if (!waiting)
		hold = -1;
	err = pcapng_file_open(pcapng, cfg->pcapng_path, stop->abandon_fd,
			       cfg->snaplen, "af_xdp_user (xdp-hints)", name_ptrs, iface->n_queues);
	if (receiver_output_wait_end(stop, "--pcapng", cfg->pcapng_path, waiting, hold, err))
		return err; /* a stop while waiting for a FIFO's reader */
	if (err) {
		pr_err("--pcapng %s: cannot create the file: %s\n", cfg->pcapng_path,
		       output_open_strerror(err));
		return err;
	}
	/* One thread polls every queue: their blocks can be merged in time
	 * order. With --threads each thread writes its own queue's blocks. */
	if (!cfg->threads) {
		err = pcapng_file_merge(pcapng);
		if (err) {
			pr_err("--pcapng %s: %s\n", cfg->pcapng_path, strerror(-err));
			pcapng_file_close(pcapng);
			return err;
		}
	}
	receiver_resample_wall_clock(pcapng, path);
	return 0;
}

bool receiver_capture_to_stdout(const struct rx_config *cfg)
{
	return cfg->pcapng_path && !strcmp(cfg->pcapng_path, "-");
}

bool receiver_output_wait_begin(const struct rx_config *cfg, struct run_stop *stop,
				const char *opt, const char *path, int *hold)
{
	if (!output_fifo_probe(path, hold))
		return false;
	pr_info("%s %s: a FIFO no reader has open: waiting for one%s\n", opt, path,
		cfg->duration_ns ? " (at most --duration)" : "");
	if (cfg->duration_ns) {
		run_stop_alarm_interrupts(true); /* the blocked open() must end */
		run_stop_set_deadline(stop, cfg->duration_ns);
	}
	return true;
}

bool receiver_output_wait_end(struct run_stop *stop, const char *opt, const char *path,
			      bool waiting, int hold, int err)
{
	if (hold >= 0)
		close(hold);
	if (waiting) {
		run_stop_set_deadline(stop, 0);
		run_stop_alarm_interrupts(false);
	}
	if (err != -EINTR || !run_stop_requested(stop))
		return false;
	if (run_stop_reason(stop) == RUN_STOP_DURATION)
		pr_err("%s %s: no reader opened the FIFO within --duration\n", opt, path);
	return true;
}

int receiver_close_capture(struct pcapng_file *pcapng)
{
	return pcapng_file_close(pcapng);
}
