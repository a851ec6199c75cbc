/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libxsk_extend 1.0: decode BTF-described XDP-hints in AF_XDP frames.
 *
 * An XDP program writes a hint struct into the metadata area that sits just
 * before the packet (bpf_xdp_adjust_meta()). The struct's last 4 bytes are
 * a __u32 btf_id set with bpf_core_type_id_local(), so btf_id always lands
 * at pkt_data - 4, whatever the struct's size:
 *
 *   | headroom ... | field A | field B | btf_id | packet data ...
 *                  ^ pkt_data - size            ^ pkt_data
 *
 * btf_id is the hint's last member, or the last member of a struct that is
 * the hint's last member, at any depth. No header is shared between the
 * XDP program and the receiver: the receiver reads fields by name from the
 * BTF of the program.
 *
 * One path, one function per step:
 *
 *   start-up   btf   = xsk_hints__load_btf(&btf_opts);   object, vmlinux,
 *                                       module, file or running program
 *              hints = xsk_hints__new(btf, NULL);   every valid hint
 *              idx   = xsk_hints__find(hints, "xdp_hints_rx_time");
 *              err   = xsk_hint__field(xsk_hints__hint(hints, idx),
 *                                      "rx_ktime", &field);
 *              index = *xsk_hints__index(hints);   btf_id -> hint index
 *   per packet idx   = xsk_hints_index__lookup(&index,
 *                                             xsk_hints_pkt_btf_id(pkt));
 *              err   = xsk_hint_field__u64(&field, pkt, &rx_ktime);
 *
 * Conventions (libbpf's): the object comes first; an int return is 0 (or
 * an index, or a length) on success and a negative errno on failure; a
 * pointer return is NULL on failure with errno set; size_t counts are 0
 * for a NULL object. Extensible calls take a struct *_opts whose first
 * member is its size, declared with XSK_HINTS_OPTS(). Error codes:
 *   -EINVAL     a NULL or contradictory argument, options with sz too small
 *   -ENOENT     no such struct, field or hint, or no BTF where it was sought
 *   -ENOTUNIQ   a struct name that several structs share (linked objects)
 *   -E2BIG      a value that does not fit where it should go
 *   -ESRCH      no BPF program with that id
 *   -EOPNOTSUPP options this version does not know (fields past its sz)
 *   -ENOMEM, and libbpf's errno (-EPERM, ...) from the kernel or files
 * Nothing prints unless a print function is set (xsk_hints_set_print()).
 *
 * ABI: everything is opaque except struct xsk_hint_field (two __u32-sized
 * members) and struct xsk_hints_index (two __u32 and a pointer), both
 * stable for the life of soname 1, and the *_opts structs (which only
 * grow, at their end). Names: xsk_hints__* act on the set of hints of
 * one BTF, xsk_hints_index__* on its btf_id table, xsk_hint__* on one
 * hint, xsk_hint_field__* on a resolved field, xsk_hints_* are
 * library-wide. The original (2022) API is in
 * lib_xsk_extend_compat.h; define XSK_EXTEND_ORIGINAL_API before including
 * this header to get it.
 */
#ifndef LIB_XSK_EXTEND_H
#define LIB_XSK_EXTEND_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XSK_EXTEND_MAJOR_VERSION 1
#define XSK_EXTEND_MINOR_VERSION 0

/*
 * The largest hint, in bytes, that the kernel lets an XDP program write:
 * bpf_xdp_adjust_meta() keeps data_meta above data_hard_start +
 * sizeof(struct xdp_frame), lengths a multiple of 4; with the standard
 * 256-byte XDP_PACKET_HEADROOM and a 40-byte struct xdp_frame that leaves
 * 216 (measured on Linux 6.18: tests/unit/test_meta_limit.c).
 */
#define XSK_HINTS_MAX_SIZE 216

/* btf_id 0 is BTF's "void": never a struct, so it means "no hint". */
#define XSK_HINTS_NO_HINT 0U

/*
 * Declare and initialise an options struct: sz set, every other field zero
 * unless named. XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .file = path);
 * Plain C99, unlike LIBBPF_OPTS(): the compiler zeroes the fields left out.
 */
#define XSK_HINTS_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

/* ---- messages ------------------------------------------------------------ */

enum xsk_hints_print_level {
	XSK_HINTS_WARN,  /* a refusal: why a call failed */
	XSK_HINTS_INFO,
	XSK_HINTS_DEBUG, /* why a struct is not a hint, one line each */
};

typedef int (*xsk_hints_print_fn_t)(enum xsk_hints_print_level level,
				    const char *format, va_list args);

/*
 * Route the library's messages (one line each, ending in '\n') to @fn;
 * NULL (the default) drops them. Returns the previous function. Not
 * thread-safe: call it at start-up, as libbpf_set_print().
 */
xsk_hints_print_fn_t xsk_hints_set_print(xsk_hints_print_fn_t fn);

/* ---- loading BTF ----------------------------------------------------------- */

/*
 * Where the hints' BTF comes from: set exactly one source.
 *   obj          a bpf_object (opened or loaded): a copy of its BTF, same
 *                type ids, so the object may be closed first
 *   file         an ELF object (its .BTF) or a raw BTF file
 *   vmlinux      the running kernel's BTF
 *   kernel_module  a module's BTF, split on @base_btf (the caller's
 *                vmlinux BTF, loaded with .vmlinux = true; kept by the
 *                caller and freed after the module's BTF)
 *   prog_id      the BTF the kernel keeps for a loaded BPF program (ids
 *                from bpftool prog show or bpf_xdp_query_id()): its type
 *                ids are what that program's bpf_core_type_id_local() wrote
 */
struct xsk_hints_btf_opts {
	size_t sz; /* sizeof(struct xsk_hints_btf_opts): XSK_HINTS_OPTS() sets it */
	const struct bpf_object *obj;
	const char *file;
	bool vmlinux;
	const char *kernel_module;
	const struct btf *base_btf;
	__u32 prog_id;
};

/*
 * The BTF @opts names, the caller's to free with btf__free(). NULL with
 * errno: EINVAL no source or several, or kernel_module without base_btf;
 * ENOENT an object, file or program without BTF; ESRCH no program with
 * prog_id; EPERM without CAP_SYS_ADMIN (or CAP_BPF) for prog_id;
 * EOPNOTSUPP options from a newer version; else libbpf's errno. The
 * reason is also printed at XSK_HINTS_WARN.
 */
struct btf *xsk_hints__load_btf(const struct xsk_hints_btf_opts *opts);

/* ---- the hints of one BTF ------------------------------------------------- */

struct xsk_hints; /* every valid hint struct of one BTF: opaque */
struct xsk_hint;  /* one of them, owned by its struct xsk_hints: opaque */

/* Reserved for later options; pass NULL or XSK_HINTS_OPTS(xsk_hints_opts, o). */
struct xsk_hints_opts {
	size_t sz;
};

/*
 * Validate every struct of @btf whose chain of last members ends in a
 * member named btf_id. The valid ones become hints, numbered 0..cnt-1 in
 * BTF id order; the others are listed by xsk_hints__rejected() with the
 * reason. @btf must outlive the result. NULL with errno EINVAL, ENOMEM or
 * EOPNOTSUPP. A BTF with no hint at all is not an error (cnt 0).
 * Free with xsk_hints__free() (NULL is fine).
 */
struct xsk_hints *xsk_hints__new(const struct btf *btf,
				 const struct xsk_hints_opts *opts);
void xsk_hints__free(struct xsk_hints *hints);

/* The number of hints; 0 for NULL. */
size_t xsk_hints__cnt(const struct xsk_hints *hints);

/* Hint number @idx, owned by @hints; NULL with errno ENOENT past the end. */
const struct xsk_hint *xsk_hints__hint(const struct xsk_hints *hints, size_t idx);

/*
 * Index of the hint named @struct_name (a start-up call: it compares
 * strings), or -ENOENT (no such struct, or it was rejected: see
 * xsk_hints__rejected()), -ENOTUNIQ (several structs have this name; the
 * hints are all there by btf_id), -EINVAL.
 */
int xsk_hints__find(const struct xsk_hints *hints, const char *struct_name);

/*
 * Index of the hint whose BTF id is @btf_id, or -ENOENT when none is
 * (XSK_HINTS_NO_HINT and rejected structs included), -EINVAL for NULL.
 * The same answer as xsk_hints_index__lookup() on xsk_hints__index(), as
 * a call: no allocation, no lock, no loop.
 */
int xsk_hints__dispatch(const struct xsk_hints *hints, __u32 btf_id);

/*
 * The per-packet dispatch, inline: the registry's table from btf_id to
 * hint index, which the receiver reads itself. This layout is part of the
 * ABI and will not change under soname 1.
 *
 *   slot[btf_id - first_btf_id], for btf_id - first_btf_id < n, is the
 *   index of the hint with that BTF id (0..xsk_hints__cnt() - 1, as for
 *   xsk_hints__hint()) or -ENOENT; every other btf_id is no hint.
 *
 * n is 0 for a registry without hints (slot then points at one -ENOENT,
 * never read by xsk_hints_index__lookup()). The memory is the registry's:
 * 4 bytes per BTF id between the first and the last hint's.
 */
struct xsk_hints_index {
	__u32 first_btf_id; /* BTF id of slot[0]: the lowest hint's id */
	__u32 n;            /* slots in slot[] */
	const __s32 *slot;  /* hint index, or -ENOENT */
};

/*
 * The index of @hints, owned by @hints: valid, and unchanged, until
 * xsk_hints__free(). A copy of the struct is as good as the pointer for
 * as long (a receiver may keep one in its own per-packet state). NULL with
 * errno EINVAL for NULL @hints; never fails otherwise.
 */
const struct xsk_hints_index *xsk_hints__index(const struct xsk_hints *hints);

/*
 * Index of the hint whose BTF id is @btf_id (as xsk_hints__hint() numbers
 * them), or -ENOENT: one subtraction, one compare, one load. @idx is not
 * checked for NULL: get it once, at start-up, from xsk_hints__index().
 */
static inline int xsk_hints_index__lookup(const struct xsk_hints_index *idx,
					  __u32 btf_id)
{
	/* Unsigned wrap sends ids below first_btf_id (and 0) past n. */
	__u32 rel = btf_id - idx->first_btf_id;

	return rel < idx->n ? idx->slot[rel] : -ENOENT;
}

/* Why a struct that ends in btf_id is not a hint. Values are stable. */
enum xsk_hints_reason {
	XSK_HINTS_BTF_ID_NOT_LAST = 1, /* a member follows btf_id */
	XSK_HINTS_TAIL_PADDING,        /* padding follows btf_id (pack the struct) */
	XSK_HINTS_BTF_ID_TYPE,         /* btf_id is not an unsigned integer */
	XSK_HINTS_BTF_ID_SIZE,         /* btf_id is not 4 bytes */
	XSK_HINTS_SIZE_NOT_ALIGNED,    /* the size is not a multiple of 4 */
	XSK_HINTS_TOO_LARGE,           /* larger than XSK_HINTS_MAX_SIZE */
	XSK_HINTS_BITFIELD,            /* a bitfield member */
	XSK_HINTS_TOO_DEEP,            /* nested deeper than 8 */
	XSK_HINTS_MEMBER_TYPE,         /* a member with no value (void, function) */
	XSK_HINTS_MEMBER_OUTSIDE,      /* a member reaches past its struct */
	XSK_HINTS_TOO_MANY_MEMBERS,    /* over 4096 members and array elements */
	XSK_HINTS_PATH_TOO_LONG,       /* a dotted member path over 255 bytes */
};

/* Words for @reason ("a member follows btf_id"); "unknown reason" else. */
const char *xsk_hints_reason_str(enum xsk_hints_reason reason);

/* The number of structs that end in btf_id but are not hints; 0 for NULL. */
size_t xsk_hints__rejected_cnt(const struct xsk_hints *hints);

/*
 * Rejected struct number @idx (BTF id order): its name (owned by @hints),
 * and in *btf_id and *reason (each may be NULL) its BTF id and why. NULL
 * with errno ENOENT past the end, EINVAL for NULL @hints.
 */
const char *xsk_hints__rejected(const struct xsk_hints *hints, size_t idx,
				__u32 *btf_id, enum xsk_hints_reason *reason);

/* ---- one hint ------------------------------------------------------------- */

/* The struct's name (owned by the hint); NULL with errno EINVAL for NULL. */
const char *xsk_hint__name(const struct xsk_hint *hint);
/* Its BTF id, what its frames carry; XSK_HINTS_NO_HINT for NULL. */
__u32 xsk_hint__btf_id(const struct xsk_hint *hint);
/* Its size in bytes, btf_id included; 0 for NULL. */
__u32 xsk_hint__size(const struct xsk_hint *hint);

/*
 * A member resolved to its place and size: set once at start-up by
 * xsk_hint__field(), read by the xsk_hint_field__* functions below, which
 * check the size in every call. This layout is part of the ABI and will
 * not change under soname 1. A zeroed struct is "not resolved" (size 0):
 * every read refuses it.
 */
struct xsk_hint_field {
	__s32 pkt_offset; /* bytes from pkt_data to the field: negative */
	__u32 size;       /* bytes */
};

/*
 * 0 or -errno: resolve @path, a member's name or dotted path
 * ("common.rx_hash32"; members of anonymous structs and unions by their own
 * names) into *field. -ENOENT no such member, -EINVAL NULL or a member of
 * no bytes (a zero-length array). *field is zeroed on error, so a later
 * read refuses it. For an integer of a width
 * known at build time, resolve a typed handle instead (below): its
 * per-packet read costs no compare.
 */
int xsk_hint__field(const struct xsk_hint *hint, const char *path,
		    struct xsk_hint_field *field);

/*
 * Declarations whose result must be used: a failed resolve leaves a handle
 * that must not be read. __attribute__ is no -Wpedantic complaint.
 */
#if defined(__GNUC__)
#define XSK_HINTS__MUST_CHECK __attribute__((warn_unused_result))
#else
#define XSK_HINTS__MUST_CHECK
#endif

/*
 * Typed handles: an integer member whose width the receiver knows when it
 * is built (rx_ktime is a __u64), resolved once at start-up and read per
 * packet with no check at all. The width is checked when the member is
 * resolved, as libbpf checks a CO-RE field when it relocates it, so the
 * per-packet read (xsk_hint_u64__read() and its kin) is one load that
 * cannot reach outside the member. One __s32 each, part of the ABI for
 * the life of soname 1: the bytes from pkt_data to the member (negative).
 */
struct xsk_hint_u64 {
	__s32 pkt_offset;
};
struct xsk_hint_u32 {
	__s32 pkt_offset;
};
struct xsk_hint_u16 {
	__s32 pkt_offset;
};
struct xsk_hint_u8 {
	__s32 pkt_offset;
};

/*
 * 0 or -errno: resolve @path (a name or dotted path, as xsk_hint__field())
 * into *field, a member that is an integer (either sign; char and _Bool
 * too) or an enum of exactly the handle's width: 8 bytes for
 * xsk_hint__field_u64(), 4, 2 and 1 for the others.
 *   -ENOENT  no such member
 *   -E2BIG   the member is an integer of another width
 *   -EINVAL  the member is no integer (an array, struct, union, pointer or
 *            float), or @hint, @path or @field is NULL
 * The handle fixes the width, not the sign: a __s32 member reads through
 * struct xsk_hint_u32, cast the value.
 *
 * A handle whose resolve failed must not be read. It is all the same left
 * pointing at the last bytes before pkt_data (pkt_offset = -width), so a
 * read stays inside any hint at least that wide (only a hint of btf_id
 * alone is narrower than 8 bytes) and always inside an AF_XDP frame's
 * headroom (XDP_PACKET_HEADROOM): never a wild address, but never a value
 * either. A handle that was never
 * resolved at all (zeroed) would read packet data.
 */
XSK_HINTS__MUST_CHECK
int xsk_hint__field_u64(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u64 *field);
XSK_HINTS__MUST_CHECK
int xsk_hint__field_u32(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u32 *field);
XSK_HINTS__MUST_CHECK
int xsk_hint__field_u16(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u16 *field);
XSK_HINTS__MUST_CHECK
int xsk_hint__field_u8(const struct xsk_hint *hint, const char *path,
		       struct xsk_hint_u8 *field);

enum xsk_hint_dump_format {
	XSK_HINT_DUMP_TEXT, /* struct name { .a = 1, .b = 2 } */
	XSK_HINT_DUMP_JSON, /* {"hint":"name","btf_id":N,"fields":{"a":1}} */
};

/*
 * Length or -errno: write the hint in front of @pkt_data into @buf (at most
 * @len bytes with the NUL), from BTF alone. Returns the length without the
 * NUL; -E2BIG when @buf is too small (it then holds a truncated,
 * NUL-terminated string), -EINVAL for NULL arguments, len 0 or an unknown
 * format.
 */
int xsk_hint__dump(const struct xsk_hint *hint, const void *pkt_data,
		   enum xsk_hint_dump_format format, char *buf, size_t len);

/* ---- per packet: inline, over the stable public structs ------------------ */

/* The btf_id in the 4 bytes before @pkt_data. */
static inline __u32 xsk_hints_pkt_btf_id(const void *pkt_data)
{
	__u32 btf_id;

	/* memcpy: the slot is 4-byte aligned in practice, not by contract. */
	memcpy(&btf_id, (const char *)pkt_data - sizeof(btf_id), sizeof(btf_id));
	return btf_id;
}

/*
 * Write XSK_HINTS_NO_HINT into the btf_id slot of a frame before it goes
 * back to the fill ring. Only needed when a producer that does not stamp
 * every frame can redirect into the socket: a frame's headroom keeps what
 * an earlier packet left there. The kernel also recycles frames userspace
 * never sees (copy-mode drops, zero-copy passes), so with such a producer
 * a btf_id is a claim, not a guarantee (tests/unit/test_stale_btf_id.c).
 */
static inline void xsk_hints_pkt_clear_btf_id(void *pkt_data)
{
	memset((char *)pkt_data - sizeof(__u32), 0, sizeof(__u32));
}

/*
 * The member @field was resolved to, from the hint in front of @pkt_data:
 * one load, no compare. Its resolve checked the width, so the load covers
 * the member and nothing else. @pkt_data must be the frame of a hint the
 * handle was resolved in (check the index xsk_hints_index__lookup()
 * returns); @field must come from a resolve that returned 0.
 */
static inline __u64 xsk_hint_u64__read(const struct xsk_hint_u64 *field,
				       const void *pkt_data)
{
	__u64 v;

	/* memcpy: a packed hint's members need no alignment. */
	memcpy(&v, (const char *)pkt_data + field->pkt_offset, sizeof(v));
	return v;
}

static inline __u32 xsk_hint_u32__read(const struct xsk_hint_u32 *field,
				       const void *pkt_data)
{
	__u32 v;

	memcpy(&v, (const char *)pkt_data + field->pkt_offset, sizeof(v));
	return v;
}

static inline __u16 xsk_hint_u16__read(const struct xsk_hint_u16 *field,
				       const void *pkt_data)
{
	__u16 v;

	memcpy(&v, (const char *)pkt_data + field->pkt_offset, sizeof(v));
	return v;
}

static inline __u8 xsk_hint_u8__read(const struct xsk_hint_u8 *field,
				     const void *pkt_data)
{
	return *((const __u8 *)pkt_data + field->pkt_offset);
}

/*
 * The one reader for a width learnt at run time (a dumper, a filter that
 * takes a member's name from its user): 0 or -errno, the unsigned integer
 * @field into *value, a 1-, 2-, 4- or 8-byte field zero-extended. -ENOENT
 * for a field never resolved (size 0), -E2BIG for any other size. One
 * compare per call at least: integers whose width the receiver knows when
 * it is built are read through the typed handles below, which cost none.
 * Never reads outside the field; *value is untouched on error. @pkt_data
 * must be the frame of a hint that the field was resolved in (check the
 * index xsk_hints_index__lookup() returns).
 */
static inline int xsk_hint_field__u64(const struct xsk_hint_field *field,
				      const void *pkt_data, __u64 *value)
{
	const char *src = (const char *)pkt_data + field->pkt_offset;
	__u8 u8;
	__u16 u16;
	__u32 u32;
	__u64 u64;

	switch (field->size) {
	case 1: memcpy(&u8, src, 1); *value = u8; return 0;
	case 2: memcpy(&u16, src, 2); *value = u16; return 0;
	case 4: memcpy(&u32, src, 4); *value = u32; return 0;
	case 8: memcpy(&u64, src, 8); *value = u64; return 0;
	case 0: return -ENOENT;
	default: return -E2BIG;
	}
}

/*
 * Length or -errno: copy the field's bytes (any type: arrays, structs)
 * into @buf. -E2BIG when @len is smaller than the field, -ENOENT for a
 * field never resolved. Bytes of @buf past the field are untouched.
 */
static inline int xsk_hint_field__read(const struct xsk_hint_field *field,
				       const void *pkt_data, void *buf, size_t len)
{
	if (!field->size)
		return -ENOENT;
	if (field->size > len)
		return -E2BIG;
	memcpy(buf, (const char *)pkt_data + field->pkt_offset, field->size);
	return (int)field->size;
}

#ifdef __cplusplus
}
#endif

#ifdef XSK_EXTEND_ORIGINAL_API
#include "lib_xsk_extend_compat.h"
#endif

#endif /* LIB_XSK_EXTEND_H */
