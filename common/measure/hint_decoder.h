/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's view of XDP-hints. At start-up every hint struct in the
 * BPF object's BTF becomes a "layout" with the fields this tool knows how
 * to use (rx_ktime, xdp_rx_cpu, mark, and the driver's rx_hw_timestamp
 * with its valid_bits) resolved to typed handles (struct xsk_hint_u64,
 * xsk_hint_u32: the width checked once, here),
 * and libxsk_extend's registry (struct xsk_hints) maps btf_id to layout
 * index through its table (struct xsk_hints_index, kept here by value).
 * Per packet: read btf_id, xsk_hints_index__lookup() inline, load each
 * field the layout has (one load each, no size check). No call into the
 * library, no look-up by name, no allocation.
 */
#ifndef XDP_HINTS_HINT_DECODER_H
#define XDP_HINTS_HINT_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "af_xdp_shared.h"
#include "lib_xsk_extend.h"

/*
 * 64 bytes: one cache line, and an index into layouts[] is one shift
 * (the size, when asked for, is xsk_hint__size(info)).
 */
struct hint_layout {
	const char *name;             /* struct name, owned by the BTF */
	const struct xsk_hint *info;  /* owned by the registry */
	__u32 btf_id;
	/*
	 * has_rx_ktime/rx_ktime: the XDP receive time in the run's clock
	 * (hint_decoder_use_clock): the field "rx_ktime" for CLOCK_MONOTONIC,
	 * "rx_tai_ns" for CLOCK_TAI. A layout holding the other clock's time
	 * is counted, never timed against a "now" of a different clock.
	 * has_hw_timestamp: both valid_bits and rx_hw_timestamp present
	 * (xdp_hints_rx_hw): rx_hw_timestamp counts only when valid_bits has
	 * HINT_HW_VALID_TIMESTAMP; a clear bit means the driver gave no time,
	 * not a time of 0.
	 */
	bool has_rx_ktime, has_rx_cpu, has_mark, has_hw_timestamp;
	/* Read only when their has_* is set: a failed resolve is never read. */
	struct xsk_hint_u64 rx_ktime, hw_timestamp;
	struct xsk_hint_u32 rx_cpu, mark, valid_bits;
	char pad_to_cache_line[16];
};

struct hint_decoder {
	struct xsk_hints *registry;
	/* The registry's btf_id table, valid while the registry lives. */
	struct xsk_hints_index index;
	struct hint_layout *layouts;
	size_t n_layouts;
};

enum hint_kind {
	HINT_NONE = 0,   /* btf_id slot is XSK_HINTS_NO_HINT */
	HINT_UNKNOWN,    /* a btf_id that is not a hint of our object */
	HINT_KNOWN,
};

/* One packet's hint, decoded into plain values. */
struct decoded_hint {
	enum hint_kind kind;
	__u32 btf_id;
	__u32 layout;    /* index into decoder->layouts when HINT_KNOWN */
	bool has_rx_ktime, has_rx_cpu, has_mark; /* rx_ktime: in the run's clock */
	bool has_hw_ts;  /* the driver's RX timestamp, valid bit set */
	__u64 rx_ktime;
	__u32 rx_cpu;
	__u32 mark;
	__u64 hw_ts;     /* PHC time, ns: NOT CLOCK_MONOTONIC (see phc_clock.h) */
};

/*
 * Build from @btf (the loaded object's BTF, which must outlive the
 * decoder). -ENOENT when the BTF holds no valid hint struct at all.
 */
int hint_decoder_init(struct hint_decoder *dec, const struct btf *btf);
void hint_decoder_free(struct hint_decoder *dec);

/*
 * Which field is the receive time: "rx_ktime" (HINT_CLOCK_MONOTONIC, the
 * default after init) or "rx_tai_ns" (HINT_CLOCK_TAI). Start-up use only.
 */
void hint_decoder_use_clock(struct hint_decoder *dec, enum hint_clock clock);

/* Index of the layout named @name, or -1. Start-up use only. */
int hint_decoder_find(const struct hint_decoder *dec, const char *name);

/* What hint_decoder_decode() gives for a frame whose btf_id is 0. */
static inline void hint_decoder_no_hint(struct decoded_hint *out)
{
	out->kind = HINT_NONE;
	out->btf_id = XSK_HINTS_NO_HINT;
	out->has_rx_ktime = out->has_rx_cpu = out->has_mark = out->has_hw_ts = false;
}

/*
 * A layout's has_* flags are its fields' presence: hint_decoder.c sets
 * one only when the typed handle resolved, which checked the width, so
 * the one test per field here is "does this hint have it", and the read
 * behind it is a single load.
 */
static inline void hint_decoder_decode(const struct hint_decoder *dec,
				       const void *pkt, struct decoded_hint *out)
{
	const struct hint_layout *layout;
	__u32 btf_id = xsk_hints_pkt_btf_id(pkt), valid_bits;
	int index;

	hint_decoder_no_hint(out);
	/*
	 * layouts[] follows the registry's order, so its index is ours. No
	 * hint (0) is never in the index: told from an unknown id only on
	 * the way out, off the path of the frames that carry a hint.
	 */
	index = xsk_hints_index__lookup(&dec->index, btf_id);
	if (index < 0) {
		if (btf_id != XSK_HINTS_NO_HINT) {
			out->kind = HINT_UNKNOWN;
			out->btf_id = btf_id;
		}
		return;
	}
	out->btf_id = btf_id;
	out->kind = HINT_KNOWN;
	out->layout = (__u32)index;
	layout = &dec->layouts[out->layout];
	if (layout->has_rx_ktime) {
		out->rx_ktime = xsk_hint_u64__read(&layout->rx_ktime, pkt);
		out->has_rx_ktime = true;
	}
	if (layout->has_rx_cpu) {
		out->rx_cpu = xsk_hint_u32__read(&layout->rx_cpu, pkt);
		out->has_rx_cpu = true;
	}
	if (layout->has_mark) {
		out->mark = xsk_hint_u32__read(&layout->mark, pkt);
		out->has_mark = true;
	}
	if (layout->has_hw_timestamp) {
		valid_bits = xsk_hint_u32__read(&layout->valid_bits, pkt);
		if (valid_bits & HINT_HW_VALID_TIMESTAMP) {
			out->hw_ts = xsk_hint_u64__read(&layout->hw_timestamp, pkt);
			out->has_hw_ts = true;
		}
	}
}

#endif
