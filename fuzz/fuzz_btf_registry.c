// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: arbitrary bytes as raw BTF. Whatever libbpf accepts,
 * the library must validate without crashing: build the registry, look
 * every struct up as a hint by name, resolve every member and dump each
 * registered hint from a zeroed metadata area.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"

/* Room for the largest valid hint in front of the "packet". */
#define META_ROOM 256

static void exercise_hint(const struct xsk_btf_info *xbi, const uint8_t *frame)
{
	const uint8_t *pkt = frame + META_ROOM;
	const struct btf *btf = xsk_btf__hint_btf(xbi);
	const struct btf_type *t = btf__type_by_id(btf, xsk_btf__btf_type_id(xbi));
	const struct btf_member *m = btf_members(t);
	struct xsk_hint_field field;
	char text[512];
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (!name || xsk_btf__resolve_field(xbi, name, &field))
			continue;
		/* The resolved field must lie inside the hint, in front of
		 * the packet: anything else is a validation bug. */
		if (field.pkt_offset >= 0 ||
		    (uint32_t)-field.pkt_offset > xsk_btf__hint_size(xbi) ||
		    field.size > (uint32_t)-field.pkt_offset)
			abort();
	}
	xsk_btf__dump_hint(xbi, pkt, XSK_HINT_DUMP_TEXT, text, sizeof(text));
	xsk_btf__dump_hint(xbi, pkt, XSK_HINT_DUMP_JSON, text, sizeof(text));
	xsk_btf__dump_hint(xbi, pkt, XSK_HINT_DUMP_JSON, text, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[META_ROOM + 64];
	struct xsk_hint_registry *reg = NULL;
	struct btf *btf;
	__u32 id, n;
	size_t i;

	btf = btf__new(data, size);
	if (!btf)
		return 0;

	if (!xsk_hint_registry__new(btf, &reg)) {
		if (xsk_hint_registry__count(reg) > 0 &&
		    !xsk_hint_registry__at(reg, xsk_hint_registry__count(reg) - 1))
			abort();
		for (i = 0; i < xsk_hint_registry__count(reg); i++)
			exercise_hint(xsk_hint_registry__at(reg, i), frame);
		xsk_hint_registry__free(reg);
	}

	/* The original entry point, by name, for every named struct. */
	n = btf__type_cnt(btf);
	for (id = 1; id < n && id < 4096; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		struct xsk_btf_info *xbi = NULL;
		const char *name;

		if (!t || !btf_is_struct(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		if (!xsk_btf__init_xdp_hint(btf, name, &xbi)) {
			exercise_hint(xbi, frame);
			xsk_btf__free_xdp_hint(xbi);
		}
	}
	btf__free(btf);
	return 0;
}
