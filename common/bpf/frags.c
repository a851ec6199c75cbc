// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frags.h"
#include "frame_fit.h"

int frags_decide(enum frags_choice choice, __u32 mtu, __u32 frame_size, __u32 umem_headroom,
		 struct frags_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->frame_capacity = frame_fit_max_len(frame_size, umem_headroom);
	out->largest_frame = frame_fit_mtu_frame_len(mtu);
	switch (choice) {
	case FRAGS_ON:
		out->multi_buffer = true;
		snprintf(out->explanation, sizeof(out->explanation),
			 "multi-buffer (--frags on): frames up to %u bytes, %u bytes per buffer",
			 out->largest_frame, out->frame_capacity);
		break;
	case FRAGS_OFF:
		snprintf(out->explanation, sizeof(out->explanation),
			 "single-buffer (--frags off): frames longer than %u bytes pass to the kernel",
			 out->frame_capacity);
		break;
	default:
		out->multi_buffer = out->largest_frame > out->frame_capacity;
		if (out->multi_buffer)
			snprintf(out->explanation, sizeof(out->explanation),
				 "multi-buffer (--frags auto): MTU %u needs frames up to %u bytes, one UMEM frame holds %u",
				 mtu, out->largest_frame, out->frame_capacity);
		else
			snprintf(out->explanation, sizeof(out->explanation),
				 "single-buffer (--frags auto): MTU %u fits one UMEM frame (%u of %u bytes)",
				 mtu, out->largest_frame, out->frame_capacity);
		break;
	}
	return 0;
}

/* "6.1" of "6.1.0-18-amd64": what the kernel's version is called by people. */
static void major_minor(const char *release, char *buf, size_t len)
{
	unsigned int major, minor;

	if (release && sscanf(release, "%u.%u", &major, &minor) == 2)
		snprintf(buf, len, "%u.%u", major, minor);
	else
		snprintf(buf, len, "%s", release ? release : "?");
}

int frags_bind_refused(enum frags_choice choice, int bind_err, const char *release,
		       struct frags_plan *plan)
{
	unsigned int major = 0, minor = 0;
	const char *cause;
	char version[32], why[160];

	major_minor(release, version, sizeof(version));
	/* 6.6+ has multi-buffer: then the driver refused it in this mode. */
	if (release && sscanf(release, "%u.%u", &major, &minor) == 2 &&
	    (major > 6 || (major == 6 && minor >= 6))) {
		snprintf(why, sizeof(why), "driver refuses AF_XDP multi-buffer in this bind mode (kernel %s has it)",
			 version);
		cause = why;
	} else {
		snprintf(why, sizeof(why), "kernel %s has no AF_XDP multi-buffer (6.6+)", version);
		cause = why;
	}
	if (!frags_unsupported_error(bind_err)) {
		snprintf(plan->explanation, sizeof(plan->explanation),
			 "binding with XDP_USE_SG (multi-buffer): %s", strerror(-bind_err));
		return bind_err;
	}
	if (choice == FRAGS_ON) {
		snprintf(plan->explanation, sizeof(plan->explanation),
			 "%s: bind with XDP_USE_SG refused (%s); use --frags off, or an MTU whose frames fit %u bytes",
			 cause, strerror(-bind_err), plan->frame_capacity);
		return bind_err;
	}
	plan->multi_buffer = false;
	plan->fell_back = true;
	snprintf(plan->explanation, sizeof(plan->explanation),
		 "%s: receiving single-buffer; frames longer than %u bytes (the MTU allows %u) cannot be received, the socket drops them (xsk rx_dropped)",
		 cause, plan->frame_capacity, plan->largest_frame);
	return 0;
}
