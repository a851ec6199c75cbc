// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hint_decoder.h"

/* hint_decoder.h: one cache line per layout, found with a shift. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct hint_layout) == 64,
	       "struct hint_layout is no longer 64 bytes");

/*
 * A field is present when its typed handle resolves: a member of another
 * width or no integer (-E2BIG, -EINVAL) is absent like a missing one, so
 * a struct with an 'rx_ktime' of another width is still counted, just not
 * timed.
 */
static bool has_u64(const struct xsk_hint *info, const char *field,
		    struct xsk_hint_u64 *out)
{
	return !xsk_hint__field_u64(info, field, out);
}

static bool has_u32(const struct xsk_hint *info, const char *field,
		    struct xsk_hint_u32 *out)
{
	return !xsk_hint__field_u32(info, field, out);
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
		layout->has_rx_ktime = has_u64(info, "rx_ktime", &layout->rx_ktime);
		layout->has_rx_cpu = has_u32(info, "xdp_rx_cpu", &layout->rx_cpu);
		layout->has_mark = has_u32(info, "mark", &layout->mark);
		/* Without its valid bit a hardware time cannot be trusted. */
		layout->has_hw_timestamp =
			has_u32(info, "valid_bits", &layout->valid_bits) &&
			has_u64(info, "rx_hw_timestamp", &layout->hw_timestamp);
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

		layout->has_rx_ktime = has_u64(layout->info, field, &layout->rx_ktime);
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
