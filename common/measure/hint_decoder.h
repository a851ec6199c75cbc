/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The receiver's view of XDP-hints. At start-up every hint struct in the
 * BPF object's BTF becomes a "layout" with the fields this tool knows how
 * to use (rx_ktime, xdp_rx_cpu, mark, and the driver's rx_hw_timestamp
 * with its valid_bits) resolved to packet offsets (struct xsk_hint_field),
 * and libxsk_extend's registry (struct xsk_hints) maps btf_id to layout
 * index. Per packet: read btf_id, xsk_hints__dispatch(), copy the resolved
 * fields with the size-checked readers. No look-up by name, no allocation.
 */
#ifndef XDP_HINTS_HINT_DECODER_H
#define XDP_HINTS_HINT_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "af_xdp_shared.h"
#include "lib_xsk_extend.h"

struct hint_layout {
	const char *name;             /* struct name, owned by the BTF */
	__u32 btf_id;
	__u32 size;
	const struct xsk_hint *info;  /* owned by the registry */
	/*
	 * has_rx_ktime/rx_ktime: the XDP receive time in the run's clock
	 * (hint_decoder_use_clock): the field "rx_ktime" for CLOCK_MONOTONIC,
	 * "rx_tai_ns" for CLOCK_TAI. A layout holding the other clock's time
	 * is counted, never timed against a "now" of a different clock.
	 */
	bool has_rx_ktime, has_rx_cpu, has_mark;
	struct xsk_hint_field rx_ktime, rx_cpu, mark;
	/*
	 * Both present (xdp_hints_rx_hw): rx_hw_timestamp counts only when
	 * valid_bits has HINT_HW_VALID_TIMESTAMP; a clear bit means the
	 * driver gave no time, not a time of 0.
	 */
	bool has_hw_timestamp;
	struct xsk_hint_field valid_bits, hw_timestamp;
};

struct hint_decoder {
	struct xsk_hints *registry;
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
 * The fields resolved with the size this tool reads (hint_decoder.c), so
 * each read below is the readers' one-compare fast path; a read that
 * failed all the same leaves its value unset, never a wrong one.
 */
static inline void hint_decoder_decode(const struct hint_decoder *dec,
				       const void *pkt, struct decoded_hint *out)
{
	const struct hint_layout *layout;
	__u32 btf_id = xsk_hints_pkt_btf_id(pkt), valid_bits;
	int index;

	hint_decoder_no_hint(out);
	if (btf_id == XSK_HINTS_NO_HINT)
		return;
	out->btf_id = btf_id;
	/* layouts[] follows the registry's order, so its index is ours. */
	index = xsk_hints__dispatch(dec->registry, btf_id);
	if (index < 0) {
		out->kind = HINT_UNKNOWN;
		return;
	}
	out->kind = HINT_KNOWN;
	out->layout = (__u32)index;
	layout = &dec->layouts[out->layout];
	out->has_rx_ktime = layout->has_rx_ktime &&
			    !xsk_hint_field__u64(&layout->rx_ktime, pkt, &out->rx_ktime);
	out->has_rx_cpu = layout->has_rx_cpu &&
			  !xsk_hint_field__u32(&layout->rx_cpu, pkt, &out->rx_cpu);
	out->has_mark = layout->has_mark &&
			!xsk_hint_field__u32(&layout->mark, pkt, &out->mark);
	out->has_hw_ts = layout->has_hw_timestamp &&
			 !xsk_hint_field__u32(&layout->valid_bits, pkt, &valid_bits) &&
			 (valid_bits & HINT_HW_VALID_TIMESTAMP) &&
			 !xsk_hint_field__u64(&layout->hw_timestamp, pkt, &out->hw_ts);
}

#endif
