/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the command line chooses about the XDP program: its attach mode,
 * whether it reads the driver's RX metadata, and multi-buffer. Apart from
 * the modules that act on them (xdp_attach.h, hint_program.h, frags.h) so
 * the option table can name them without pulling in the BPF skeleton.
 */
#ifndef XDP_HINTS_PROGRAM_CHOICES_H
#define XDP_HINTS_PROGRAM_CHOICES_H

#include "af_xdp_shared.h"
#include "choice_names.h"

/* --xdp-mode */
enum xdp_mode_choice {
	XDP_MODE_AUTO = 0, /* native, else generic */
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
};

/* --hw-hints: the driver's RX metadata (kfuncs) as hint xdp_hints_rx_hw */
enum hw_hints_choice {
	HW_HINTS_AUTO = 0, /* driver metadata when it can work, else software */
	HW_HINTS_ON,       /* driver metadata or an error */
	HW_HINTS_OFF,      /* software hints only */
};

/* --frags: AF_XDP multi-buffer (xsk_queue.h has the ring protocol). */
enum frags_choice {
	FRAGS_AUTO = 0, /* on when the MTU does not fit one UMEM frame, if the kernel can */
	FRAGS_ON,       /* xdp.frags program and XDP_USE_SG sockets, or an error */
	FRAGS_OFF,      /* single-buffer: frames longer than a UMEM frame are dropped */
};

/* Their words (choice_names.h), and those of the hint layouts and clocks
 * of af_xdp_shared.h. */
extern const struct choice_name xdp_mode_choices[];
extern const struct choice_name hw_hints_choices[];
extern const struct choice_name frags_choices[];
extern const struct choice_name hint_layout_choices[];
extern const struct choice_name hint_clock_choices[];

const char *xdp_mode_name(enum xdp_mode_choice mode);
const char *hint_policy_name(enum hint_policy policy);
/* "auto", "on", "off"; -EINVAL for anything else (NULL too). */
int hw_hints_parse(const char *text, enum hw_hints_choice *out);
const char *hw_hints_name(enum hw_hints_choice choice);
const char *frags_name(enum frags_choice choice);
const char *hint_clock_name(enum hint_clock clock);

#endif
