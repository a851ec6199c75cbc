/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a userspace C block of README.org or docs/ may assume: tests/e2e/
 * readme_snippets.sh compiles each block as the body of
 *
 *   void readme_snippet(struct bpf_object *obj, struct btf *btf,
 *                       void *pkt, __u64 now_ns, __u32 prog_id)
 *
 * after this header (a block marked ":scope file" stands at file scope
 * instead). obj: the loaded BPF object; btf: hint BTF; pkt: a frame's
 * packet data in the UMEM; now_ns: the receive time (CLOCK_MONOTONIC, ns);
 * prog_id: a loaded XDP program's id. Anything else a block uses, it
 * declares itself, or it is one of the guide's objects declared below.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib_xsk_extend.h"

/*
 * docs/library.md builds one program step by step; a later step's block
 * uses what an earlier one made, as a program keeps it.
 */
extern struct xsk_hints *hints;        /* step 3: xsk_hints__new() */
extern const struct xsk_hint *hint;    /* step 3: xsk_hints__hint() */
extern int rx_time_idx;                /* step 3: that hint's index */
extern struct xsk_hint_u64 rx_ktime;   /* step 4: xsk_hint__field_u64() */
