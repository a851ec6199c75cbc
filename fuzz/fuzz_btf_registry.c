// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: arbitrary bytes as raw BTF. Whatever libbpf accepts,
 * the library must validate without crashing and in bounded time: build
 * the registry, look every struct up as a hint by name (in the registry
 * too, where duplicates must say -ENOTUNIQ), resolve every member by name
 * and dotted path, and dump each registered hint from a zeroed metadata
 * area.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"

/* Room for the largest valid hint in front of the "packet". */
#define META_ROOM 256

/* A resolved field must lie inside the hint, in front of the packet. */
static void check_field(const struct xsk_btf_info *xbi, const char *path)
{
	struct xsk_hint_field field;

	if (xsk_btf__resolve_field(xbi, path, &field))
		return;
	if (field.pkt_offset >= 0 ||
	    (uint32_t)-field.pkt_offset > xsk_btf__hint_size(xbi) ||
	    field.size > (uint32_t)-field.pkt_offset)
		abort(); /* a validation bug */
}

/*
 * Every member by name and by dotted path ("outer.inner"), anonymous ones
 * by their members' own names, as the library indexes them; also a path
 * one level too deep and a partial one, which must simply not resolve.
 */
static void check_paths(const struct xsk_btf_info *xbi, const struct btf *btf,
			const struct btf_type *t, const char *prefix, int depth)
{
	const struct btf_member *m = btf_members(t);
	char path[512];
	int i;

	if (depth > 10)
		return;
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		int id = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = id < 0 ? NULL : btf__type_by_id(btf, id);
		bool composite = mt && btf_is_composite(mt);

		if (!name || !*name) {
			if (composite)
				check_paths(xbi, btf, mt, prefix, depth + 1);
			continue;
		}
		if (snprintf(path, sizeof(path), "%s%s", prefix, name) >= (int)sizeof(path))
			continue;
		check_field(xbi, path);
		if (composite && strlen(path) + 2 < sizeof(path)) {
			strcat(path, ".");
			check_field(xbi, path);
			check_paths(xbi, btf, mt, path, depth + 1);
		}
	}
}

static void exercise_hint(const struct xsk_btf_info *xbi, const uint8_t *frame)
{
	const uint8_t *pkt = frame + META_ROOM;
	const struct btf *btf = xsk_btf__hint_btf(xbi);
	const struct btf_type *t = btf__type_by_id(btf, xsk_btf__btf_type_id(xbi));
	char text[512];

	check_paths(xbi, btf, t, "", 0);
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
	} else {
		reg = NULL;
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
		if (reg) {
			int index = xsk_hint_registry__find_index(reg, name);

			if (index >= 0 && (size_t)index >= xsk_hint_registry__count(reg))
				abort();
		}
	}
	xsk_hint_registry__free(reg);
	btf__free(btf);
	return 0;
}
