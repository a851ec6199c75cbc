// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hint_decoder: the smallest complete use of lib_xsk_extend.
 *
 * Given a BPF object file, it finds every XDP-hint struct in the object's
 * BTF, lists their members, then builds a fake AF_XDP frame carrying the
 * first hint and decodes it the way a receiver would: read btf_id in front
 * of the packet, look it up, print the fields. Needs only libbpf:
 *
 *   cd examples
 *   cc -O2 -I.. hint_decoder.c ../lib_xsk_extend.c -lbpf -o hint_decoder
 *   ./hint_decoder ../build/tests/hint_structs.bpf.o
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib_xsk_extend.h"

#define HEADROOM 256 /* bytes in front of the packet: where the hint lives */

/* The members, as the BTF declares them, with what the library resolved. */
static void list_members(const struct xsk_btf_info *xbi)
{
	const struct btf *btf = xsk_btf__hint_btf(xbi);
	const struct btf_type *t = btf__type_by_id(btf, xsk_btf__btf_type_id(xbi));
	const struct btf_member *m = btf_members(t);
	struct xsk_btf_member member;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);

		/*
		 * An anonymous union has no name to look up; the library
		 * indexes its members under their own names instead.
		 */
		if (!xsk_btf__field_member(name, xbi, &member))
			continue;
		printf("    %-12s offset %3u  size %3u\n", name, member.offset, member.size);
	}
}

/* Fill the hint with a byte pattern and stamp its btf_id, as XDP would. */
static void *fake_frame(unsigned char *frame, const struct xsk_btf_info *xbi)
{
	unsigned char *pkt = frame + HEADROOM;
	unsigned char *hint = pkt - xsk_btf__hint_size(xbi);
	__u32 btf_id = xsk_btf__btf_type_id(xbi);
	__u32 i;

	memset(frame, 0, HEADROOM);
	for (i = 0; i < xsk_btf__hint_size(xbi); i++)
		hint[i] = 'a' + i % 26;
	memcpy(pkt - sizeof(btf_id), &btf_id, sizeof(btf_id));
	return pkt;
}

int main(int argc, char **argv)
{
	struct xsk_hint_registry *reg = NULL;
	unsigned char frame[HEADROOM + 64];
	const struct xsk_btf_info *xbi;
	struct btf *btf = NULL;
	char text[1024];
	void *pkt;
	size_t i;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s BPF_OBJECT_FILE\n", argv[0]);
		return 2;
	}
	err = xsk_btf__load(XSK_BTF_SRC_FILE, NULL, argv[1], &btf, NULL);
	if (err) {
		fprintf(stderr, "%s: cannot read BTF: %s\n", argv[1], strerror(-err));
		return 1;
	}
	err = xsk_hint_registry__new(btf, &reg);
	if (err) {
		fprintf(stderr, "%s: cannot scan hints: %s\n", argv[1], strerror(-err));
		goto cleanup;
	}

	printf("%zu hint struct(s), %zu rejected (invalid layout)\n",
	       xsk_hint_registry__count(reg), xsk_hint_registry__rejected(reg));
	for (i = 0; (xbi = xsk_hint_registry__at(reg, i)); i++) {
		printf("  struct %s: btf_id %u, %u bytes\n", xsk_btf__hint_name(xbi),
		       xsk_btf__btf_type_id(xbi), xsk_btf__hint_size(xbi));
		list_members(xbi);
	}
	if (!xsk_hint_registry__count(reg))
		goto cleanup;

	/* The receiver's side: all it has is the frame and the registry. */
	pkt = fake_frame(frame, xsk_hint_registry__at(reg, 0));
	xbi = xsk_hint_registry__dispatch(reg, pkt);
	err = xsk_btf__dump_hint(xbi, pkt, XSK_HINT_DUMP_TEXT, text, sizeof(text));
	if (err >= 0)
		printf("decoded: %s\n", text);
	err = xsk_btf__dump_hint(xbi, pkt, XSK_HINT_DUMP_JSON, text, sizeof(text));
	if (err >= 0)
		printf("json:    %s\n", text);
	err = err < 0 ? err : 0;

cleanup:
	xsk_hint_registry__free(reg);
	btf__free(btf);
	return err ? 1 : 0;
}
