/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The XDP program the run receives through: our own af_xdp_kern.c
 * (its BPF skeleton), or with --xsks-map another process's program
 * (foreign_program.h); the frags plan it was loaded for, the hint decoder
 * built from its BTF, and its counter maps. rx_program.c is the only
 * userspace module that names the skeleton's maps and programs, so a
 * change to af_xdp_kern.c touches one C file here.
 *
 * The functions print one message naming the interface and the cause,
 * and return negative errno.
 */
#ifndef XDP_HINTS_RX_PROGRAM_H
#define XDP_HINTS_RX_PROGRAM_H

#include <linux/types.h>
#include <bpf/btf.h>

#include "foreign_program.h"
#include "frags.h"
#include "hint_decoder.h"
#include "hint_program.h"
#include "options.h"
#include "receiver_checks.h"
#include "rx_queue_set.h"
#include "rx_stats.h"

struct rx_program {
	struct af_xdp_kern *skel;  /* NULL with --xsks-map or --no-rx */
	struct hint_program hint_program; /* which XDP program, and why */
	struct foreign_program foreign; /* --xsks-map: another process's program */
	struct frags_plan frags;   /* multi-buffer or not, and why */
	struct hint_decoder decoder;
	struct queue_counters *percpu_scratch; /* n_cpus, for the counter maps */
	int n_cpus;
};

/* Decide the frags plan from @iface's MTU; then open the embedded object,
 * set its load-time constants and map sizes, load the software or
 * driver-metadata program (hint_program_load); with --xsks-map, open
 * another process's program instead. --no-rx: the plan only. */
int rx_program_load(const struct rx_config *cfg, const struct rx_iface *iface,
		    struct rx_program *prog);
/* The loaded object's BTF (or the foreign program's); NULL: none, or
 * nothing loaded (--no-rx). Owned by @prog. */
const struct btf *rx_program_btf(const struct rx_program *prog);
/* The XSKMAP the sockets go into: fd owned by @prog, -1 with --no-rx. */
int rx_program_xsks_map_fd(const struct rx_program *prog);
/* The XDP program's per-queue counters and each socket's XDP_STATISTICS
 * into @stats[i] (queue i's stats, or its snapshot with --threads). */
void rx_program_read_counters(const struct rx_program *prog, const struct rx_queue_set *qs,
			      struct queue_rx_stats *const *stats);
/* Frames the XDP program passed because they exceed a UMEM frame
 * (oversize_passed, all CPUs); 0 when it cannot be read. */
__u64 rx_program_oversize_passed(const struct rx_program *prog);
/* Warn about packets on queues the device gained after start-up. */
void rx_program_warn_overflow_queues(const struct rx_program *prog, const char *ifname,
				     __u32 dev_queues);
/* Free the skeleton or foreign program, the decoder and the scratch.
 * Safe on a zeroed or half-loaded @prog. */
void rx_program_free(struct rx_program *prog);

#endif
