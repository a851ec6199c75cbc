// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hint_decoder: the smallest complete use of libxsk_extend 1.0.
 *
 * Given a BPF object file, it loads the object's BTF, lists every XDP-hint
 * struct with its members and every struct that looks like one but is not
 * (with the reason), then builds a fake AF_XDP frame carrying the first
 * hint and decodes it the way a receiver would: read btf_id in front of the
 * packet, dispatch it to the hint, read a field, dump the rest. Needs only
 * libbpf, and builds as plain C99:
 *
 *   cd examples
 *   cc -std=c99 -O2 -I.. hint_decoder.c ../lib_xsk_extend.c -lbpf -o hint_decoder
 *   ./hint_decoder ../build/tests/hint_structs.bpf.o
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib_xsk_extend.h"

#define HEADROOM 256 /* bytes in front of the packet: where the hint lives */

/* The library's refusals, in words, on stderr. */
static int print_warnings(enum xsk_hints_print_level level, const char *format, va_list args)
{
	return level == XSK_HINTS_WARN ? vfprintf(stderr, format, args) : 0;
}

/* The members, as the BTF declares them, with where the library put them. */
static void list_members(const struct btf *btf, const struct xsk_hint *hint)
{
	const struct btf_type *t = btf__type_by_id(btf, xsk_hint__btf_id(hint));
	const struct btf_member *m = btf_members(t);
	struct xsk_hint_field field;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		/*
		 * An anonymous union has no name to look up; the library
		 * resolves its members by their own names instead.
		 */
		if (xsk_hint__field(hint, name, &field))
			continue;
		printf("    %-12s pkt_offset %4d  size %3u\n", name, field.pkt_offset, field.size);
	}
}

/* Fill the hint with a byte pattern and stamp its btf_id, as XDP would. */
static void *fake_frame(unsigned char *frame, const struct xsk_hint *hint)
{
	unsigned char *pkt = frame + HEADROOM;
	unsigned char *bytes = pkt - xsk_hint__size(hint);
	__u32 btf_id = xsk_hint__btf_id(hint);
	__u32 i;

	memset(frame, 0, HEADROOM);
	for (i = 0; i < xsk_hint__size(hint); i++)
		bytes[i] = 'a' + i % 26;
	memcpy(pkt - sizeof(btf_id), &btf_id, sizeof(btf_id));
	return pkt;
}

int main(int argc, char **argv)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, btf_opts, .file = argc == 2 ? argv[1] : NULL);
	unsigned char frame[HEADROOM + 64];
	enum xsk_hints_reason reason;
	struct xsk_hints *hints = NULL;
	const struct xsk_hint *hint;
	struct xsk_hint_u64 first_field;
	struct xsk_hints_index index;
	struct btf *btf;
	const char *name;
	char text[1024];
	size_t i;
	void *pkt;
	int idx, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s BPF_OBJECT_FILE\n", argv[0]);
		return 2;
	}
	xsk_hints_set_print(print_warnings);
	btf = xsk_hints__load_btf(&btf_opts);
	if (!btf) {
		fprintf(stderr, "%s: cannot read BTF: %s\n", argv[1], strerror(errno));
		return 1;
	}
	hints = xsk_hints__new(btf, NULL);
	if (!hints) {
		err = -errno;
		fprintf(stderr, "%s: cannot scan hints: %s\n", argv[1], strerror(-err));
		goto cleanup;
	}

	printf("%zu hint struct(s), %zu rejected (invalid layout)\n",
	       xsk_hints__cnt(hints), xsk_hints__rejected_cnt(hints));
	for (i = 0; (hint = xsk_hints__hint(hints, i)); i++) {
		printf("  struct %s: btf_id %u, %u bytes\n", xsk_hint__name(hint),
		       xsk_hint__btf_id(hint), xsk_hint__size(hint));
		list_members(btf, hint);
	}
	for (i = 0; (name = xsk_hints__rejected(hints, i, NULL, &reason)); i++)
		printf("  rejected %s: %s\n", name, xsk_hints_reason_str(reason));
	if (!xsk_hints__cnt(hints))
		goto cleanup;

	/*
	 * The receiver's side: all it has is the frame and the registry's
	 * btf_id table, taken once (it lives as long as the registry).
	 */
	index = *xsk_hints__index(hints);
	pkt = fake_frame(frame, xsk_hints__hint(hints, 0));
	idx = xsk_hints_index__lookup(&index, xsk_hints_pkt_btf_id(pkt));
	hint = xsk_hints__hint(hints, idx < 0 ? 0 : (size_t)idx);
	/*
	 * The first member, as a receiver resolves it once and reads it per
	 * packet: the resolve checks that it is a 64-bit integer (-E2BIG
	 * for another width), so the read is one load, no check.
	 */
	name = btf__name_by_offset(btf, btf_members(btf__type_by_id(btf, xsk_hint__btf_id(hint)))->name_off);
	err = xsk_hint__field_u64(hint, name, &first_field);
	if (!err)
		printf("read:    %s = %llu\n", name,
		       (unsigned long long)xsk_hint_u64__read(&first_field, pkt));
	else
		printf("read:    %s is no 64-bit integer: %s\n", name, strerror(-err));
	if (xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_TEXT, text, sizeof(text)) >= 0)
		printf("decoded: %s\n", text);
	err = xsk_hint__dump(hint, pkt, XSK_HINT_DUMP_JSON, text, sizeof(text));
	if (err >= 0)
		printf("json:    %s\n", text);
	err = err < 0 ? err : 0;

cleanup:
	xsk_hints__free(hints);
	btf__free(btf);
	return err ? 1 : 0;
}
