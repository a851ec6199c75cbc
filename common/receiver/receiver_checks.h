/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What af_xdp_user checks before it sets anything up: the --cpu and
 * --cpu-list CPUs, the interface (exists, up, queue count, driver), the
 * capabilities every later step needs, whether the UMEMs fit in memory,
 * the default route, and an XDP program already attached. Checked first so a refusal is quick and says
 * exactly what is wrong; nothing here needs cleaning up.
 */
#ifndef XDP_HINTS_RECEIVER_CHECKS_H
#define XDP_HINTS_RECEIVER_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "options.h"
#include "umem_budget.h"

/*
 * What the checks learn of the interface: filled by
 * receiver_check_interface(), read-only for the rest of the run.
 */
struct rx_iface {
	int ifindex;
	__u32 dev_queues;          /* RX queues of the device, at most XDP_HINTS_MAX_QUEUES */
	char driver[32];
	__u32 mtu;                 /* at start */
	size_t n_queues;           /* queues to bind: 1 with --queue or --no-rx, else dev_queues */
	struct umem_share umem;    /* receiver_share_umem(): how the UMEM was sized */
	/* --umem; per-queue too once a kernel refused XDP_SHARED_UMEM */
	enum umem_mode_choice umem_mode;
	__u32 tx_frames;           /* --tx: the first socket's TX frames */
};

/* --cpu/--cpu-list: usable CPUs? A usage error in @err (exit 2) otherwise. */
int receiver_check_placement(const struct rx_config *cfg, char *err, size_t err_len);
/* Fills ifindex, dev_queues, driver and n_queues. */
int receiver_check_interface(const struct rx_config *cfg, struct rx_iface *iface);
/*
 * Frames per queue and frame size, unless -f/--frames and -F/--frame-size
 * gave them: the UMEM budget shared out across the n_queues queues
 * (umem_budget.h), written into @cfg (frames, frame_size) and
 * iface->umem (with --umem shared, total_frames: the one UMEM's), and
 * --tx's frames into iface->tx_frames. After receiver_check_interface(),
 * before anything reads the UMEM's size. -EINVAL, after one line, when
 * --umem shared's -f/--frames leaves a queue fewer than RX_FRAMES_MIN or
 * --tx-batch does not fit.
 */
int receiver_share_umem(struct rx_config *cfg, struct rx_iface *iface);
/* Bytes of UMEM the run maps and pins: one UMEM, or one per queue. */
__u64 receiver_umem_bytes(const struct rx_config *cfg, const struct rx_iface *iface);
/* Needs n_queues (the UMEM size). CAP_IPC_LOCK alone is left to
 * receiver_check_memory(). */
int receiver_check_capabilities(const struct rx_config *cfg, const struct rx_iface *iface);
/* -ENOMEM, after one line with the numbers, when the UMEMs do not fit in
 * MemAvailable, the memory cgroup or (without CAP_IPC_LOCK)
 * RLIMIT_MEMLOCK. Needs n_queues. */
int receiver_check_memory(const struct rx_config *cfg, const struct rx_iface *iface);
/* Refuses to redirect all traffic of the default-route interface. */
int receiver_check_default_route(const struct rx_config *cfg, const struct rx_iface *iface);
/* -EEXIST if a program is attached (without --force); with --force and
 * @detach, removes it. */
int receiver_handle_existing_program(const struct rx_config *cfg, const struct rx_iface *iface,
				     bool detach);

#endif
