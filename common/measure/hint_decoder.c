// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hint_decoder.h"

/* hint_decoder.h: one cache line per layout, found with a shift. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct hint_layout) == 64,
	       "struct hint_layout is no longer 64 bytes");

/*
 * Resolve @field only if it has the size this tool reads: a struct with
 * an 'rx_ktime' of another width is still counted, just not timed.
 */
static bool resolve_sized(const struct xsk_hint *info, const char *field,
			  __u32 size, struct xsk_hint_field *out)
{
	if (xsk_hint__field(info, field, out))
		return false;
	if (out->size == size)
		return true;
	memset(out, 0, sizeof(*out)); /* unresolved: every read refuses it */
	return false;
}

int hint_decoder_init(struct hint_decoder *dec, const struct btf *btf)
{
	size_t count;
	int err;

	memset(dec, 0, sizeof(*dec));
	dec->registry = xsk_hints__new(btf, NULL);
	if (!dec->registry)
		return -errno;
	dec->index = *xsk_hints__index(dec->registry);
	count = xsk_hints__cnt(dec->registry);
	if (!count) {
		err = -ENOENT;
		goto fail;
	}
	dec->layouts = calloc(count, sizeof(*dec->layouts));
	if (!dec->layouts) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		struct hint_layout *layout = &dec->layouts[i];
		const struct xsk_hint *info = xsk_hints__hint(dec->registry, i);

		layout->info = info;
		layout->name = xsk_hint__name(info);
		layout->btf_id = xsk_hint__btf_id(info);
		layout->has_rx_ktime = resolve_sized(info, "rx_ktime", 8, &layout->rx_ktime);
		layout->has_rx_cpu = resolve_sized(info, "xdp_rx_cpu", 4, &layout->rx_cpu);
		layout->has_mark = resolve_sized(info, "mark", 4, &layout->mark);
		/* Without its valid bit a hardware time cannot be trusted. */
		layout->has_hw_timestamp =
			resolve_sized(info, "valid_bits", 4, &layout->valid_bits) &&
			resolve_sized(info, "rx_hw_timestamp", 8, &layout->hw_timestamp);
	}
	dec->n_layouts = count;
	return 0;
fail:
	hint_decoder_free(dec);
	return err;
}

void hint_decoder_use_clock(struct hint_decoder *dec, enum hint_clock clock)
{
	const char *field = clock == HINT_CLOCK_TAI ? "rx_tai_ns" : "rx_ktime";

	for (size_t i = 0; i < dec->n_layouts; i++) {
		struct hint_layout *layout = &dec->layouts[i];

		layout->has_rx_ktime = resolve_sized(layout->info, field, 8, &layout->rx_ktime);
	}
}

void hint_decoder_free(struct hint_decoder *dec)
{
	free(dec->layouts);
	xsk_hints__free(dec->registry);
	memset(dec, 0, sizeof(*dec));
}

int hint_decoder_find(const struct hint_decoder *dec, const char *name)
{
	for (size_t i = 0; i < dec->n_layouts; i++)
		if (dec->layouts[i].name && !strcmp(dec->layouts[i].name, name))
			return (int)i;
	return -1;
}
