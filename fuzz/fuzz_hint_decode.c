// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: arbitrary metadata bytes and btf_ids against a real
 * registry (the BTF of af_xdp_kern.bpf.o, of the test hint structs, of
 * the nested layouts and of the object linked with duplicate names).
 * What the network hands the receiver must never crash it: unknown ids
 * dispatch to -ENOENT, known ones decode and dump within the hint's bytes.
 * Output oracle: the JSON dump, read back, names the same btf_id and holds
 * the same rx_ktime and mark values that the typed readers returned; a
 * mismatch aborts (a finding), so the dump cannot drift from the bytes it
 * claims to show.
 *
 * Input: 4 bytes btf_id (little-endian) | metadata bytes (up to
 * XSK_HINTS_MAX_SIZE).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"

#ifndef FUZZ_BTF_FILES
#error "FUZZ_BTF_FILES must name the BPF objects to load"
#endif

#define META_ROOM 256
#define MAX_REGISTRIES 4

static struct btf *btfs[MAX_REGISTRIES];
static struct xsk_hints *registries[MAX_REGISTRIES];
static int registry_cnt;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char paths[] = FUZZ_BTF_FILES; /* colon separated */
	char *save = NULL, *path;

	(void)argc;
	(void)argv;
	for (path = strtok_r(paths, ":", &save); path && registry_cnt < MAX_REGISTRIES;
	     path = strtok_r(NULL, ":", &save)) {
		struct btf *btf = btf__parse(path, NULL);

		if (!btf || !(registries[registry_cnt] = xsk_hints__new(btf, NULL))) {
			fprintf(stderr, "fuzz_hint_decode: cannot load hints from %s\n", path);
			exit(1);
		}
		btfs[registry_cnt++] = btf;
	}
	return 0;
}

/*
 * The unsigned value the JSON dump gives "name" (searched as "name": in
 * the top-level fields; the hints loaded here have no nested member of
 * these names). Aborts when the key is absent: a field that read_field
 * found must be in the dump.
 */
static unsigned long long json_field(const char *json, const char *name)
{
	char key[64];
	const char *at;
	char *end;
	unsigned long long value;

	snprintf(key, sizeof(key), "\"%s\":", name);
	at = strstr(json, key);
	if (!at)
		abort();
	value = strtoull(at + strlen(key), &end, 10);
	if (end == at + strlen(key))
		abort();
	return value;
}

/* The field @path of @hint, when it resolves: 0, else -ENOENT. */
static int resolve(const struct xsk_hint *hint, const char *path, struct xsk_hint_field *f)
{
	return xsk_hint__field(hint, path, f);
}

static void decode(const struct xsk_hints *reg, uint8_t *pkt)
{
	__u32 btf_id = xsk_hints_pkt_btf_id(pkt);
	int index = xsk_hints__dispatch(reg, btf_id);
	const struct xsk_hint *hint;
	struct xsk_hint_field f;
	char out[1024];
	struct xsk_hint_u64 u64_field;
	struct xsk_hint_u32 u32_field;
	__u64 value64;
	int json_len;

	/* The inline table and the call answer alike, for any id. */
	if (xsk_hints_index__lookup(xsk_hints__index(reg), btf_id) != index)
		abort();
	if (index < 0)
		return;
	hint = xsk_hints__hint(reg, (size_t)index);
	if (!hint || xsk_hints_pkt_btf_id(pkt) != xsk_hint__btf_id(hint))
		abort();
	xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_TEXT, out, sizeof(out));
	xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_JSON, out, 16);
	json_len = xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_JSON, out, sizeof(out));
	if (json_len >= 0 && json_field(out, "btf_id") != xsk_hint__btf_id(hint))
		abort();
	/* Typed reads of known fields, checked against the dump. */
	if (!xsk_hint__field_u64(hint, "rx_ktime", &u64_field) && json_len >= 0 &&
	    json_field(out, "rx_ktime") != xsk_hint_u64__read(&u64_field, pkt))
		abort();
	if (!xsk_hint__field_u32(hint, "mark", &u32_field) && json_len >= 0 &&
	    json_field(out, "mark") != xsk_hint_u32__read(&u32_field, pkt))
		abort();
	/* Dotted paths of the nested layouts (tests/bpf/hint_nested.c). */
	if (!xsk_hint__field_u32(hint, "drv.common.rx_hash32", &u32_field))
		(void)xsk_hint_u32__read(&u32_field, pkt);
	if (!xsk_hint__field_u32(hint, "common.btf_id", &u32_field) &&
	    xsk_hint_u32__read(&u32_field, pkt) != xsk_hints_pkt_btf_id(pkt))
		abort(); /* a nested btf_id is the one at pkt - 4 */
	/* Wrong widths: refused at resolve; the run-time reader zero-extends. */
	if (!resolve(hint, "btf_id", &f) &&
	    (xsk_hint_field__u64(&f, pkt, &value64) || value64 != xsk_hints_pkt_btf_id(pkt)))
		abort();
	if (!resolve(hint, "btf_id", &f) &&
	    xsk_hint__field_u64(hint, "btf_id", &u64_field) != -E2BIG)
		abort();
	if (!resolve(hint, "rx_ktime", &f) && f.size == 8 &&
	    xsk_hint__field_u32(hint, "rx_ktime", &u32_field) != -E2BIG)
		abort();
	if (resolve(hint, "drv.", &f) != -ENOENT || resolve(hint, "no_such_field", &f) != -ENOENT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[META_ROOM + 64];
	uint8_t *pkt = frame + META_ROOM;
	size_t meta_len;
	__u32 btf_id;
	int i;

	if (size < sizeof(btf_id))
		return 0;
	memcpy(&btf_id, data, sizeof(btf_id));
	data += sizeof(btf_id);
	size -= sizeof(btf_id);

	/* Metadata bytes end right at the packet, as the kernel lays them. */
	memset(frame, 0xa5, sizeof(frame));
	meta_len = size < XSK_HINTS_MAX_SIZE ? size : XSK_HINTS_MAX_SIZE;
	memcpy(pkt - meta_len, data, meta_len);
	memcpy(pkt - sizeof(btf_id), &btf_id, sizeof(btf_id));

	for (i = 0; i < registry_cnt; i++)
		decode(registries[i], pkt);

	/* The stale-headroom contract: after a clear, nothing dispatches. */
	xsk_hints_pkt_clear_btf_id(pkt);
	for (i = 0; i < registry_cnt; i++)
		if (xsk_hints__dispatch(registries[i], xsk_hints_pkt_btf_id(pkt)) != -ENOENT)
			abort();
	return 0;
}
