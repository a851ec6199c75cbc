// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: arbitrary bytes as raw BTF. Whatever libbpf accepts,
 * the library must validate without crashing and in bounded time: build
 * the registry, look every struct up by name (duplicates must say
 * -ENOTUNIQ), list every rejected struct with a reason in words, resolve
 * every member by name and dotted path and read it with the typed readers
 * (which must stay inside the field), and dump each registered hint from a
 * zeroed metadata area.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"

/* Room for the largest valid hint in front of the "packet". */
#define META_ROOM 256

/* A resolved field must lie inside the hint, in front of the packet. */
static void check_field(const struct xsk_hint *hint, const char *path,
			const uint8_t *pkt)
{
	struct xsk_hint_field field;
	uint8_t bytes[XSK_HINTS_MAX_SIZE];
	struct xsk_hint_u64 u64_field;
	struct xsk_hint_u32 u32_field;
	__u64 value64 = 0;
	int err;

	if (xsk_hint__field(hint, path, &field))
		return;
	if (field.pkt_offset >= 0 ||
	    (uint32_t)-field.pkt_offset > xsk_hint__size(hint) ||
	    field.size > (uint32_t)-field.pkt_offset)
		abort(); /* a validation bug */
	/* Each reader answers by the size alone, never reading past the field. */
	err = xsk_hint_field__u64(&field, pkt, &value64);
	if (err != (field.size == 1 || field.size == 2 || field.size == 4 || field.size == 8 ?
		    0 : field.size ? -E2BIG : -ENOENT))
		abort();
	/*
	 * The typed handles: resolved only at their exact width, then at the
	 * field's place and read as the same value; a refusal is a width
	 * (-E2BIG) or a kind (-EINVAL) and leaves the handle at the hint's
	 * tail. Their reads have no check of their own to fuzz.
	 */
	err = xsk_hint__field_u64(hint, path, &u64_field);
	if (err ? (err != -EINVAL && err != -E2BIG) || u64_field.pkt_offset != -8 ||
		  (err == -E2BIG && field.size == 8)
		: field.size != 8 || u64_field.pkt_offset != field.pkt_offset ||
		  xsk_hint_u64__read(&u64_field, pkt) != value64)
		abort();
	err = xsk_hint__field_u32(hint, path, &u32_field);
	if (err ? (err != -EINVAL && err != -E2BIG) || u32_field.pkt_offset != -4 ||
		  (err == -E2BIG && field.size == 4)
		: field.size != 4 || u32_field.pkt_offset != field.pkt_offset ||
		  xsk_hint_u32__read(&u32_field, pkt) != value64)
		abort();
	if (xsk_hint_field__read(&field, pkt, bytes, sizeof(bytes)) != (int)field.size &&
	    field.size)
		abort();
}

/*
 * Every member by name and by dotted path ("outer.inner"), anonymous ones
 * by their members' own names, as the library indexes them; also a path
 * one level too deep and a partial one, which must simply not resolve.
 */
static void check_paths(const struct xsk_hint *hint, const struct btf *btf,
			const struct btf_type *t, const char *prefix, int depth,
			const uint8_t *pkt)
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
				check_paths(hint, btf, mt, prefix, depth + 1, pkt);
			continue;
		}
		if (snprintf(path, sizeof(path), "%s%s", prefix, name) >= (int)sizeof(path))
			continue;
		check_field(hint, path, pkt);
		if (composite && strlen(path) + 2 < sizeof(path)) {
			strcat(path, ".");
			check_field(hint, path, pkt);
			check_paths(hint, btf, mt, path, depth + 1, pkt);
		}
	}
}

static void exercise_hint(const struct xsk_hint *hint, const struct btf *btf,
			  const uint8_t *frame)
{
	const uint8_t *pkt = frame + META_ROOM;
	const struct btf_type *t = btf__type_by_id(btf, xsk_hint__btf_id(hint));
	char text[512];

	check_paths(hint, btf, t, "", 0, pkt);
	xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_TEXT, text, sizeof(text));
	xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_JSON, text, sizeof(text));
	xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_JSON, text, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[META_ROOM + 64];
	enum xsk_hints_reason reason;
	struct xsk_hints *reg;
	struct btf *btf;
	__u32 id, n, rejected_id;
	size_t i;

	btf = btf__new(data, size);
	if (!btf)
		return 0;

	reg = xsk_hints__new(btf, NULL);
	if (reg) {
		if (xsk_hints__cnt(reg) > 0 && !xsk_hints__hint(reg, xsk_hints__cnt(reg) - 1))
			abort();
		for (i = 0; i < xsk_hints__cnt(reg); i++)
			exercise_hint(xsk_hints__hint(reg, i), btf, frame);
		/* Every refusal has its reason in words. */
		for (i = 0; i < xsk_hints__rejected_cnt(reg); i++) {
			if (!xsk_hints__rejected(reg, i, &rejected_id, &reason) ||
			    !strcmp(xsk_hints_reason_str(reason), "unknown reason") ||
			    xsk_hints__dispatch(reg, rejected_id) >= 0)
				abort();
		}
	}

	/* By name, every named struct: an index in range, or an error. */
	n = btf__type_cnt(btf);
	for (id = 1; reg && id < n && id < 4096; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		int index;

		if (!t || !btf_is_struct(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		index = xsk_hints__find(reg, name);
		if (index >= 0 && (size_t)index >= xsk_hints__cnt(reg))
			abort();
		if (index < 0 && index != -ENOENT && index != -ENOTUNIQ)
			abort();
	}
	xsk_hints__free(reg);
	btf__free(btf);
	return 0;
}
