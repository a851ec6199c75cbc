/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the test_lib_* suites: BTF built in memory, a fake UMEM frame,
 * and the path of the clang-built tests/bpf/hint_structs.c object.
 * Include after <cmocka.h>.
 */
#ifndef HINT_TEST_BTF_H
#define HINT_TEST_BTF_H

#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#define HINT_STRUCTS_OBJ TEST_BPF_DIR "/hint_structs.bpf.o"

/* The base types every in-memory test BTF starts with. */
struct test_types {
	int u8, u16, u32, u64, s32, chr, boolean;
};

static inline struct btf *test_btf_new(struct test_types *ty)
{
	struct btf *btf = btf__new_empty();

	assert_non_null(btf);
	ty->u8 = btf__add_int(btf, "unsigned char", 1, 0);
	ty->u16 = btf__add_int(btf, "unsigned short", 2, 0);
	ty->u32 = btf__add_int(btf, "unsigned int", 4, 0);
	ty->u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	ty->s32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	ty->chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	ty->boolean = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	assert_true(ty->u8 > 0 && ty->u16 > 0 && ty->u32 > 0 && ty->u64 > 0 &&
		    ty->s32 > 0 && ty->chr > 0 && ty->boolean > 0);
	return btf;
}

/* A struct of @size bytes; its members follow with test_field(). */
static inline int test_struct(struct btf *btf, const char *name, __u32 size)
{
	int id = btf__add_struct(btf, name, size);

	assert_true(id > 0);
	return id;
}

static inline void test_field(struct btf *btf, const char *name, int type_id,
			      __u32 byte_offset)
{
	assert_int_equal(btf__add_field(btf, name, type_id, byte_offset * 8, 0), 0);
}

static inline int test_array(struct btf *btf, int elem_type, __u32 nelems,
			     const struct test_types *ty)
{
	int id = btf__add_array(btf, ty->u32, elem_type, nelems);

	assert_true(id > 0);
	return id;
}

/*
 * A UMEM frame: the packet starts at FRAME_HEADROOM, the hint ends there.
 * Anything before the hint is filled with 0xa5 so a read that strays
 * outside the hint shows up as a wrong value.
 */
#define FRAME_SIZE 512
#define FRAME_HEADROOM 256

static inline void *frame_with_hint(unsigned char *frame, const void *hint,
				    size_t hint_size)
{
	memset(frame, 0xa5, FRAME_SIZE);
	memcpy(frame + FRAME_HEADROOM - hint_size, hint, hint_size);
	return frame + FRAME_HEADROOM;
}

/* The C view of xdp_hints_rich from tests/bpf/hint_structs.c: what the
 * library's BTF reads are checked against. */
struct rich_hint {
	char ifname[6];
	__u8 src_mac[6];
	struct { __u16 tci, proto; } vlan;
	__s32 temp;
	__u32 l4;
	__u8 valid;
	__u8 pad[3];
	__u32 flow_hash;
	__u32 btf_id;
} __attribute__((packed));

#endif /* HINT_TEST_BTF_H */
