/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the test_lib_* suites: BTF built in memory, a fake UMEM frame,
 * and the path of the clang-built tests/bpf/hint_structs.c object.
 * Include after <cmocka.h>.
 */
#ifndef HINT_TEST_BTF_H
#define HINT_TEST_BTF_H

#include <stdbool.h>
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


/*
 * Short forms of libxsk_extend 1.0 call sequences the tests repeat; each
 * is the 1.0 API and nothing else.
 */
#ifdef LIB_XSK_EXTEND_H
#include <errno.h>

/* xsk_hints__new() as 0 or -errno. */
static inline int new_hints(const struct btf *btf, struct xsk_hints **out)
{
	*out = xsk_hints__new(btf, NULL);
	return *out ? 0 : -errno;
}

/* The hint a frame with btf_id @btf_id belongs to, or NULL. */
static inline const struct xsk_hint *hints_lookup(const struct xsk_hints *hints,
						  __u32 btf_id)
{
	int idx = xsk_hints__dispatch(hints, btf_id);

	return idx < 0 ? NULL : xsk_hints__hint(hints, (size_t)idx);
}

/* The hint in front of @pkt_data, or NULL. */
static inline const struct xsk_hint *hints_dispatch_pkt(const struct xsk_hints *hints,
							const void *pkt_data)
{
	return hints_lookup(hints, xsk_hints_pkt_btf_id(pkt_data));
}

/* The hint named @name, or NULL with errno set. */
static inline const struct xsk_hint *hints_find(const struct xsk_hints *hints,
						const char *name)
{
	int idx = xsk_hints__find(hints, name);

	if (idx < 0) {
		errno = -idx;
		return NULL;
	}
	return xsk_hints__hint(hints, (size_t)idx);
}
/*
 * 0 when struct @name of @btf is a hint, its enum xsk_hints_reason when
 * xsk_hints__new() rejected it, else xsk_hints__find()'s -errno.
 */
static inline int hint_verdict(const struct btf *btf, const char *name)
{
	struct xsk_hints *hints = xsk_hints__new(btf, NULL);
	enum xsk_hints_reason reason;
	const char *rejected;
	int verdict;
	size_t i;

	if (!hints)
		return -errno;
	verdict = xsk_hints__find(hints, name);
	if (verdict >= 0)
		verdict = 0;
	for (i = 0; verdict == -ENOENT &&
		    (rejected = xsk_hints__rejected(hints, i, NULL, &reason)); i++)
		if (!strcmp(rejected, name))
			verdict = (int)reason;
	xsk_hints__free(hints);
	return verdict;
}

/* The hint named @name, its registry in *hints (the caller frees it). */
static inline const struct xsk_hint *hint_open(const struct btf *btf, const char *name,
					       struct xsk_hints **hints)
{
	*hints = xsk_hints__new(btf, NULL);
	return *hints ? hints_find(*hints, name) : NULL;
}

/* Whether @path is a member of @hint. */
static inline bool hint_has_field(const struct xsk_hint *hint, const char *path)
{
	struct xsk_hint_field f;

	return !xsk_hint__field(hint, path, &f);
}

/* Member @path, exactly @len bytes, copied into @dst: 0 or -errno. */
static inline int hint_read(const struct xsk_hint *hint, const char *path,
			    const void *pkt_data, void *dst, size_t len)
{
	struct xsk_hint_field f;
	int err = xsk_hint__field(hint, path, &f);

	if (err)
		return err;
	if (f.size != len)
		return -E2BIG;
	err = xsk_hint_field__read(&f, pkt_data, dst, len);
	return err < 0 ? err : 0;
}

/*
 * Member @path of @hint through its typed handle, read from @pkt_data; the
 * resolve must succeed (it checked the width).
 */
static inline __u64 hint_u64(const struct xsk_hint *hint, const char *path,
			     const void *pkt_data)
{
	struct xsk_hint_u64 f;

	assert_int_equal(xsk_hint__field_u64(hint, path, &f), 0);
	return xsk_hint_u64__read(&f, pkt_data);
}

static inline __u32 hint_u32(const struct xsk_hint *hint, const char *path,
			     const void *pkt_data)
{
	struct xsk_hint_u32 f;

	assert_int_equal(xsk_hint__field_u32(hint, path, &f), 0);
	return xsk_hint_u32__read(&f, pkt_data);
}

static inline __u16 hint_u16(const struct xsk_hint *hint, const char *path,
			     const void *pkt_data)
{
	struct xsk_hint_u16 f;

	assert_int_equal(xsk_hint__field_u16(hint, path, &f), 0);
	return xsk_hint_u16__read(&f, pkt_data);
}

/* xsk_hints__load_btf() from a file, as 0 or -errno. */
static inline int load_file_btf(const char *path, struct btf **btf)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .file = path);

	*btf = xsk_hints__load_btf(&opts);
	return *btf ? 0 : -errno;
}

#define HINT_READ(dst, path, hint, pkt) hint_read(hint, path, pkt, &(dst), sizeof(dst))
#endif

#endif /* HINT_TEST_BTF_H */
