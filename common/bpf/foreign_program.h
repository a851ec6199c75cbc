/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --xsks-map PATH [--prog-id N]: receive through an XDP program another
 * process loaded and attached. That program redirects into an XSKMAP it
 * pinned in bpffs (bpftool prog load ... pinmaps DIR); the receiver opens
 * the pinned map, puts its sockets in it, and decodes the hints with the
 * BTF the kernel keeps for the program (lib_xsk_extend's
 * xsk_hints__load_btf(), .prog_id). Nothing is loaded or attached, so nothing
 * is detached at exit either; closing a socket removes it from the map.
 *
 * The other program's counters are not ours to read: the XDP counters of
 * the report stay 0 in this mode.
 */
#ifndef XDP_HINTS_FOREIGN_PROGRAM_H
#define XDP_HINTS_FOREIGN_PROGRAM_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/btf.h>

#include "program_choices.h"

struct foreign_program {
	bool open;               /* the fields below hold resources */
	int xsks_map_fd;
	__u32 xsks_map_entries;  /* the XSKMAP's max_entries */
	__u32 prog_id;
	char prog_name[16];      /* BPF_OBJ_NAME_LEN */
	struct btf *btf;         /* the program's BTF, ours to free */
	/* How the program is attached, for the report: known when the
	 * program is the one attached to the interface. */
	bool attach_mode_known;
	enum xdp_mode_choice attach_mode; /* XDP_MODE_NATIVE or XDP_MODE_GENERIC */
};

/* What foreign_program_open() needs to know of the run. */
struct foreign_request {
	const char *ifname;
	int ifindex;
	const char *xsks_map_path; /* --xsks-map: the pinned XSKMAP */
	__u32 prog_id;             /* --prog-id, or 0: the one attached to ifindex */
	__u32 last_queue;          /* the highest queue to be bound: needs a slot */
};

/*
 * Open the pinned XSKMAP named by --xsks-map, find the program (--prog-id,
 * else the one attached to the interface), check that it uses that map,
 * and load its BTF, into @fp (zeroed by the caller). Prints one message
 * naming the object and the cause; returns 0 or negative errno, and @fp
 * then holds what was opened, for foreign_program_close().
 */
int foreign_program_open(const struct foreign_request *req, struct foreign_program *fp);
/* Close the map, free the BTF. Safe on a zeroed or closed @fp. */
void foreign_program_close(struct foreign_program *fp);

#endif
