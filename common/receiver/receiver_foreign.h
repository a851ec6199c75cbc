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
#ifndef XDP_HINTS_RECEIVER_FOREIGN_H
#define XDP_HINTS_RECEIVER_FOREIGN_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/btf.h>

struct receiver;

struct foreign_program {
	bool open;               /* the fields below hold resources */
	int xsks_map_fd;
	__u32 xsks_map_entries;  /* the XSKMAP's max_entries */
	__u32 prog_id;
	char prog_name[16];      /* BPF_OBJ_NAME_LEN */
	struct btf *btf;         /* the program's BTF, ours to free */
};

/*
 * Open the pinned XSKMAP named by --xsks-map, find the program (--prog-id,
 * else the one attached to the interface), check that it uses that map,
 * and load its BTF. Prints one message naming the object and the cause.
 */
int receiver_use_foreign_program(struct receiver *rx);
void foreign_program_close(struct foreign_program *fp);

#endif
