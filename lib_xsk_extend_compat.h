/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The original lib_xsk_extend API (xdp-project/bpf-examples,
 * AF_XDP-interaction, 2022), kept SOURCE-compatible on top of libxsk_extend
 * 1.0. A program written against it builds unchanged with
 *
 *   cc -DXSK_EXTEND_ORIGINAL_API ...      (its #include "lib_xsk_extend.h")
 *
 * or by including this header. Everything here is static inline over the
 * 1.0 functions: no symbol of its own in libxsk_extend.so, so the
 * library's ABI is the 1.0 one alone. It gives the original answers,
 * error codes included (-EOVERFLOW for btf_id not last, -EFAULT for a size
 * mismatch, ...). Uses GNU statement expressions, as the original macros
 * did: new code should use the 1.0 API, whose header is plain C99.
 */
#ifndef LIB_XSK_EXTEND_COMPAT_H
#define LIB_XSK_EXTEND_COMPAT_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib_xsk_extend.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XSK_BTF_HINT_MAX_SIZE XSK_HINTS_MAX_SIZE
#define XSK_BTF_NO_HINT XSK_HINTS_NO_HINT

/* One hint, with the registry of its BTF that owns it. */
struct xsk_btf_info {
	struct xsk_hints *hints;
	const struct xsk_hint *hint;
};

/* The original 8-byte member: offset from the start of the hint, size. */
struct xsk_btf_member {
	__u32 offset;
	__u32 size;
};

static inline __u32 xsk_umem__btf_id(void *pkt_data)
{
	return xsk_hints_pkt_btf_id(pkt_data);
}

static inline void xsk_umem__clear_btf_id(void *pkt_data)
{
	xsk_hints_pkt_clear_btf_id(pkt_data);
}

/* The original error code for a struct the registry rejected. */
static inline int xsk_btf__compat_reason_errno(enum xsk_hints_reason reason)
{
	switch (reason) {
	case XSK_HINTS_BTF_ID_NOT_LAST:
	case XSK_HINTS_TAIL_PADDING:
	case XSK_HINTS_MEMBER_OUTSIDE:
		return -EOVERFLOW;
	case XSK_HINTS_BTF_ID_TYPE:
		return -EPROTOTYPE;
	case XSK_HINTS_BTF_ID_SIZE:
	case XSK_HINTS_SIZE_NOT_ALIGNED:
	case XSK_HINTS_TOO_LARGE:
		return -EMSGSIZE;
	case XSK_HINTS_TOO_MANY_MEMBERS:
		return -E2BIG;
	case XSK_HINTS_PATH_TOO_LONG:
		return -ENAMETOOLONG;
	default:
		return -ENOTSUP;
	}
}

/* 0 or -errno, the original codes (see lib_xsk_extend(3) of 0.x). */
static inline int xsk_btf__init_xdp_hint(const struct btf *btf, const char *struct_name,
					 struct xsk_btf_info **xbi)
{
	struct xsk_btf_info *info;
	enum xsk_hints_reason reason;
	const char *name;
	size_t i;
	int idx;

	if (!btf || !struct_name || !xbi)
		return -EINVAL;
	info = (struct xsk_btf_info *)calloc(1, sizeof(*info));
	if (!info)
		return -ENOMEM;
	info->hints = xsk_hints__new(btf, NULL);
	if (!info->hints) {
		idx = -errno;
		free(info);
		return idx;
	}
	idx = xsk_hints__find(info->hints, struct_name);
	if (idx == -ENOENT) {
		for (i = 0; (name = xsk_hints__rejected(info->hints, i, NULL, &reason)); i++)
			if (!strcmp(name, struct_name))
				idx = xsk_btf__compat_reason_errno(reason);
	}
	if (idx < 0) {
		xsk_hints__free(info->hints);
		free(info);
		return idx;
	}
	info->hint = xsk_hints__hint(info->hints, (size_t)idx);
	*xbi = info;
	return 0;
}

static inline void xsk_btf__free_xdp_hint(struct xsk_btf_info *xbi)
{
	if (!xbi)
		return;
	xsk_hints__free(xbi->hints);
	free(xbi);
}

static inline __u32 xsk_btf__btf_type_id(const struct xsk_btf_info *xbi)
{
	return xbi ? xsk_hint__btf_id(xbi->hint) : XSK_HINTS_NO_HINT;
}

/* The original hands out a pointer into the caller's frame, not const. */
static inline int xsk_btf__read_field(void **dest, size_t size, const char *field,
				      const struct xsk_btf_info *xbi, const void *pkt_data)
{
	struct xsk_hint_field f;
	int err;

	if (!dest || !field || !xbi || !pkt_data)
		return -EINVAL;
	err = xsk_hint__field(xbi->hint, field, &f);
	if (err)
		return err;
	if (f.size != size)
		return -EFAULT;
	*dest = (char *)(size_t)pkt_data + f.pkt_offset;
	return 0;
}

static inline int xsk_btf__read(void **dest, size_t size, const struct xsk_btf_member *member,
				const struct xsk_btf_info *xbi, const void *pkt_data)
{
	__u32 hint_size;

	if (!dest || !member || !xbi || !pkt_data)
		return -EINVAL;
	hint_size = xsk_hint__size(xbi->hint);
	/* A member filled in by hand must still stay inside the hint. */
	if (member->offset > hint_size || member->size > hint_size - member->offset)
		return -EINVAL;
	if (member->size != size)
		return -EFAULT;
	*dest = (char *)(size_t)pkt_data - hint_size + member->offset;
	return 0;
}

static inline bool xsk_btf__has_field(const char *field, const struct xsk_btf_info *xbi)
{
	struct xsk_hint_field f;

	return field && xbi && !xsk_hint__field(xbi->hint, field, &f);
}

static inline bool xsk_btf__field_member(const char *field, const struct xsk_btf_info *xbi,
					 struct xsk_btf_member *member)
{
	struct xsk_hint_field f;

	if (!field || !xbi || !member || xsk_hint__field(xbi->hint, field, &f))
		return false;
	member->offset = (__u32)((__s32)xsk_hint__size(xbi->hint) + f.pkt_offset);
	member->size = f.size;
	return true;
}

/* Copy member @member of the hint before @addr into @dest; 0 or -errno. */
#define XSK_BTF_READ_INTO(dest, member, xbi, addr) ({			\
	void *_xsk_ptr = NULL;						\
	int _xsk_err = xsk_btf__read(&_xsk_ptr, sizeof(dest), (member),	\
				     (xbi), (addr));			\
	if (!_xsk_err)							\
		memcpy(&(dest), _xsk_ptr, sizeof(dest));		\
	_xsk_err; })

/* Copy field @field (a bare identifier) into @dest; 0 or -errno. */
#define XSK_BTF_READ_FIELD_INTO(dest, field, xbi, addr) ({		\
	void *_xsk_ptr = NULL;						\
	int _xsk_err = xsk_btf__read_field(&_xsk_ptr, sizeof(dest), #field, \
					   (xbi), (addr));		\
	if (!_xsk_err)							\
		memcpy(&(dest), _xsk_ptr, sizeof(dest));		\
	_xsk_err; })

#ifdef __cplusplus
}
#endif

#endif /* LIB_XSK_EXTEND_COMPAT_H */
