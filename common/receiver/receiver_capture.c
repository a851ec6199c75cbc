// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --pcapng capture file of the run (see receiver_capture.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "log.h"
#include "phc_clock.h"
#include "run_stop.h"
#include "rx_queue.h"
#include "receiver_capture.h"

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
	int err;

	if (!cfg->pcapng_path)
		return 0;
	/* Interface i of the file is queue i, as receiver_open_queues()
	 * opens them. */
	for (size_t i = 0; i < iface->n_queues && i < XDP_HINTS_MAX_QUEUES; i++) {
		snprintf(names[i], sizeof(names[i]), "%s@q%u", cfg->ifname, first + (__u32)i);
		name_ptrs[i] = names[i];
	}
	err = pcapng_file_open(pcapng, cfg->pcapng_path, stop->abandon_fd,
			       cfg->snaplen, "af_xdp_user (xdp-hints)", name_ptrs, iface->n_queues);
	if (err == -EINTR && run_stop_requested(stop))
		return err; /* a stop signal while waiting for a FIFO's reader */
	if (err) {
		pr_err("--pcapng %s: cannot create the file: %s\n", cfg->pcapng_path,
		       strerror(-err));
		return err;
	}
	receiver_resample_wall_clock(pcapng, path);
	return 0;
}

int receiver_close_capture(struct pcapng_file *pcapng)
{
	return pcapng_file_close(pcapng);
}
