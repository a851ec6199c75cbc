/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lib_xsk_extend: decode XDP-hints in AF_XDP frames through BTF.
 *
 * An XDP program writes a hint struct into the metadata area that sits just
 * before the packet (grown with bpf_xdp_adjust_meta()). The struct's last
 * member is a __u32 btf_id set with bpf_core_type_id_local(), so it always
 * lands at pkt_data - 4, whatever the struct's size:
 *
 *   | headroom ... | field A | field B | btf_id | packet data ...
 *                  ^ pkt_data - size            ^ pkt_data
 *
 * The receiver reads btf_id, finds the struct in the BTF of the BPF object it
 * loaded, and reads fields by name at pkt_data - struct_size + member_offset.
 * No header is shared between the XDP program and the receiver.
 *
 * Depends on libbpf only. Copy lib_xsk_extend.c/.h into your project.
 * Every function returns 0 or a negative errno; nothing here prints.
 */
#ifndef LIB_XSK_EXTEND_H
#define LIB_XSK_EXTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel keeps the metadata length in skb_shared_info.meta_len, a u8,
 * and bpf_xdp_adjust_meta() demands a multiple of 4: so 252 bytes at most.
 * (Kernels before 6.x allowed only 32 bytes; a larger hint fails there at
 * bpf_xdp_adjust_meta() time, which the XDP program must handle.)
 */
#define XSK_BTF_HINT_MAX_SIZE 252

/* btf_id 0 is BTF's "void": never a struct, so it means "no hint". */
#define XSK_BTF_NO_HINT 0U

/* ---- The original API (kept source-compatible) ------------------------- */

struct xsk_btf_info; /* one validated hint struct: opaque */

/*
 * A member resolved once at start-up (xsk_btf__field_member()), then read
 * per packet by XSK_BTF_READ_INTO inline: one compare of the size, one
 * load. A member filled in by hand ({ .offset, .size }, the rest zero) is
 * still accepted: it takes the checked path, xsk_btf__read().
 */
struct xsk_btf_member {
	__u32 offset; /* bytes from the start of the hint struct */
	__u32 size;   /* bytes */
	/*
	 * Set by xsk_btf__field_member(), zero in a member filled in by hand:
	 * the member's size (never 0 for a resolved member that can be read)
	 * and its place relative to pkt_data (offset - hint size: negative).
	 * A resolved member carries its hint's layout: the inline read uses
	 * these and no longer looks at the xbi argument.
	 */
	__u32 resolved_size;
	__s64 pkt_offset;
};

/* The btf_id stored in the 4 bytes before the packet data. */
static inline __u32 xsk_umem__btf_id(void *pkt_data)
{
	__u32 btf_id;

	/* memcpy: the slot is 4-byte aligned in practice, but not guaranteed. */
	memcpy(&btf_id, (const char *)pkt_data - sizeof(btf_id), sizeof(btf_id));
	return btf_id;
}

/*
 * Find struct @struct_name in @btf and validate it as an XDP-hint:
 *   -EINVAL    a NULL argument
 *   -ENOENT    no such struct, or it has no member named btf_id
 *   -EOVERFLOW btf_id is not the last member, or padding follows it
 *   -ENOTSUP   a bitfield member
 *   -EMSGSIZE  btf_id is not 4 bytes, the size is not a multiple of 4, or it
 *              exceeds XSK_BTF_HINT_MAX_SIZE
 *   -ENOMEM
 * @btf must outlive *xbi.
 */
int xsk_btf__init_xdp_hint(struct btf *btf, const char *struct_name,
			   struct xsk_btf_info **xbi);
void xsk_btf__free_xdp_hint(struct xsk_btf_info *xbi);
__u32 xsk_btf__btf_type_id(struct xsk_btf_info *xbi);

/*
 * Point *dest at the field inside the hint before @pkt_data (zero-copy, as
 * the original API does; the pointer may be unaligned: prefer the macros,
 * which copy). -EINVAL on NULL arguments, -EFAULT when @size differs from
 * the member's size, -ENOENT for an unknown field. *dest is untouched on
 * error. Field names are cached by content, so any string works.
 */
int xsk_btf__read_field(void **dest, size_t size, const char *field,
			struct xsk_btf_info *xbi, const void *pkt_data);
int xsk_btf__read(void **dest, size_t size, struct xsk_btf_member *member,
		  struct xsk_btf_info *xbi, const void *pkt_data);

bool xsk_btf__has_field(const char *field, struct xsk_btf_info *xbi);
/* Resolve @field into @member once, at start-up. */
bool xsk_btf__field_member(const char *field, struct xsk_btf_info *xbi,
			   struct xsk_btf_member *member);

/*
 * Short member names (at most XSK_BTF_SHORT_NAME bytes) are also kept in a
 * table the read-by-name macro probes inline: the name, packed into two
 * 64-bit words, is its own key, so one slot and one compare of the words
 * decide; the macro packs and hashes its literal at compile time. Every
 * other case (a longer name, a slot shared by two names, a size mismatch,
 * NULL arguments) takes xsk_btf__read_field(). The table's layout is the
 * library's own business: read it only through the macro.
 */
#define XSK_BTF_SHORT_NAME 16

struct xsk_btf_name_slot {
	__u64 name[2];    /* XSK_BTF__NAME_WORD(name, len, 0 and 1); 0,0: empty */
	__s32 pkt_offset; /* bytes before pkt_data, negative */
	__u32 size;
};

/* The start of every struct xsk_btf_info: what the inline reads need. */
struct xsk_btf_info_head {
	const struct xsk_btf_name_slot *short_names; /* short_mask + 1 slots */
	__u32 short_mask;
};

/*
 * Bytes [8 * word, 8 * word + 8) of a name of @len bytes, zero padded, as
 * a number (so the same on every byte order). A macro, not a loop: for a
 * string literal and its sizeof the compiler folds it to a constant. The
 * index is clamped so that no byte past @len is ever read.
 */
#define XSK_BTF__NAME_BYTE(name, len, i)					\
	((size_t)(i) < (size_t)(len) ?					\
	 (__u64)(unsigned char)(name)[(size_t)(i) < (size_t)(len) ? (i) : 0] \
		<< (8 * ((i) % 8)) : 0)
#define XSK_BTF__NAME_WORD(name, len, word)				\
	(XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 0) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 1) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 2) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 3) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 4) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 5) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 6) |		\
	 XSK_BTF__NAME_BYTE(name, len, 8 * (word) + 7))

/* The slot hash of a packed short name (Fibonacci hashing). */
static inline __u32 xsk_btf__name_slot_hash(__u64 word0, __u64 word1)
{
	return (__u32)(((word0 ^ (word1 * 0xC2B2AE3D27D4EB4FULL)) *
			0x9E3779B97F4A7C15ULL) >> 32);
}

/* The field named by the (constant) words, or NULL: ask the slow path. */
static inline const void *xsk_btf__short_field_ptr(const struct xsk_btf_info *xbi,
					     __u64 word0, __u64 word1,
					     __u32 hash, size_t size,
					     const void *pkt_data)
{
	const struct xsk_btf_info_head *head =
		(const struct xsk_btf_info_head *)(const void *)xbi;
	const struct xsk_btf_name_slot *slot =
		&head->short_names[hash & head->short_mask];

	if (slot->name[0] != word0 || slot->name[1] != word1 || slot->size != size)
		return NULL;
	return (const char *)pkt_data + slot->pkt_offset;
}

/*
 * Copy a field into the variable @dest. @field is a bare identifier (it is
 * stringified). @dest is assigned only on success; the macro's value is the
 * error code (0 or negative errno), as xsk_btf__read_field() returns it.
 * Each argument is evaluated once.
 */
#define XSK_BTF_READ_FIELD_INTO(dest, field, xbi, addr) ({		\
	struct xsk_btf_info *_xsk_xbi = (xbi);				\
	const void *_xsk_addr = (addr);					\
	const size_t _xsk_len = sizeof(#field) - 1;			\
	const __u64 _xsk_w0 = XSK_BTF__NAME_WORD(#field, _xsk_len, 0);	\
	const __u64 _xsk_w1 = XSK_BTF__NAME_WORD(#field, _xsk_len, 1);	\
	const void *_xsk_src = NULL;					\
	int _xsk_err = 0;						\
	if (_xsk_len <= XSK_BTF_SHORT_NAME && _xsk_xbi && _xsk_addr)	\
		_xsk_src = xsk_btf__short_field_ptr(_xsk_xbi, _xsk_w0, _xsk_w1, \
			xsk_btf__name_slot_hash(_xsk_w0, _xsk_w1),	\
			sizeof(dest), _xsk_addr);			\
	if (!_xsk_src) {						\
		void *_xsk_slow = NULL;					\
		_xsk_err = xsk_btf__read_field(&_xsk_slow, sizeof(dest), \
					       #field, _xsk_xbi, _xsk_addr); \
		_xsk_src = _xsk_slow;					\
	}								\
	if (!_xsk_err)							\
		memcpy(&(dest), _xsk_src, sizeof(dest));		\
	_xsk_err; })

/*
 * Copy the member @member (a struct xsk_btf_member *) into @dest. A member
 * that xsk_btf__field_member() resolved in this @xbi and whose size is
 * sizeof(dest) is read inline; anything else goes through xsk_btf__read()
 * and its checks, with the same error codes. Each argument is evaluated
 * once.
 */
#define XSK_BTF_READ_INTO(dest, member, xbi, addr) ({			\
	const struct xsk_btf_member *_xsk_m = (member);			\
	struct xsk_btf_info *_xsk_xbi = (xbi);				\
	const void *_xsk_addr = (addr);					\
	int _xsk_err = 0;						\
	if (__builtin_expect(_xsk_m && _xsk_addr &&			\
			     _xsk_m->resolved_size == sizeof(dest), 1)) { \
		/* The copy in each branch: here it is one load. */	\
		memcpy(&(dest), (const char *)_xsk_addr + _xsk_m->pkt_offset, \
		       sizeof(dest));					\
	} else {							\
		/* Copies: nothing the fast path reads has its address	\
		 * taken, so it can stay in registers. */			\
		struct xsk_btf_member _xsk_copy;			\
		void *_xsk_slow = NULL;					\
		if (_xsk_m)						\
			_xsk_copy = *_xsk_m;				\
		_xsk_err = xsk_btf__read(&_xsk_slow, sizeof(dest),	\
					 _xsk_m ? &_xsk_copy : NULL,	\
					 _xsk_xbi, _xsk_addr);		\
		if (!_xsk_err)						\
			memcpy(&(dest), _xsk_slow, sizeof(dest));	\
	}								\
	_xsk_err; })

/* ---- Extensions -------------------------------------------------------- */

/* Facts about a validated hint, for reports and for sizing. */
const char *xsk_btf__hint_name(const struct xsk_btf_info *xbi);
__u32 xsk_btf__hint_size(const struct xsk_btf_info *xbi);
const struct btf *xsk_btf__hint_btf(const struct xsk_btf_info *xbi);

/*
 * A member resolved to its position relative to pkt_data, so the per-packet
 * read is one add and one copy: inline, no call, no look-up.
 */
struct xsk_hint_field {
	__s32 pkt_offset; /* negative: bytes before pkt_data */
	__u32 size;
};

/* -ENOENT unknown field, -EINVAL NULL argument. */
int xsk_btf__resolve_field(const struct xsk_btf_info *xbi, const char *field,
			   struct xsk_hint_field *out);

static inline const void *xsk_hint_field__ptr(const struct xsk_hint_field *f,
					      const void *pkt_data)
{
	return (const char *)pkt_data + f->pkt_offset;
}

static inline __u64 xsk_hint_field__u64(const struct xsk_hint_field *f,
					const void *pkt_data)
{
	__u64 v;

	memcpy(&v, xsk_hint_field__ptr(f, pkt_data), sizeof(v));
	return v;
}

static inline __u32 xsk_hint_field__u32(const struct xsk_hint_field *f,
					const void *pkt_data)
{
	__u32 v;

	memcpy(&v, xsk_hint_field__ptr(f, pkt_data), sizeof(v));
	return v;
}

/*
 * Registry: every valid hint struct of a BTF, dispatched by btf_id in O(1).
 * Structs whose last member is named btf_id but fail validation are not
 * registered; xsk_hint_registry__rejected() counts them.
 * @btf must outlive the registry.
 */
struct xsk_hint_registry;

int xsk_hint_registry__new(const struct btf *btf,
			   struct xsk_hint_registry **out);
void xsk_hint_registry__free(struct xsk_hint_registry *reg);
size_t xsk_hint_registry__count(const struct xsk_hint_registry *reg);
size_t xsk_hint_registry__rejected(const struct xsk_hint_registry *reg);
/* The i-th registered hint, in BTF id order; NULL when i >= count. */
struct xsk_btf_info *xsk_hint_registry__at(const struct xsk_hint_registry *reg,
					   size_t i);
/*
 * The hint's position i (as for xsk_hint_registry__at()), so a receiver can
 * keep its own per-layout state in an array and dispatch with no pointer
 * compares: -ENOENT when @btf_id is not a registered hint (including
 * XSK_BTF_NO_HINT), -EINVAL for a NULL registry.
 */
int xsk_hint_registry__index(const struct xsk_hint_registry *reg, __u32 btf_id);
/*
 * For the per-packet path: a read-only view of the registry's btf_id table
 * that dispatches inline (one subtraction, one compare, one load). The
 * view lives as long as the registry. -E2BIG when the hints are scattered
 * over a large BTF (the registry then hashes: use xsk_hint_registry__index()).
 */
struct xsk_hint_dispatch {
	__u32 first_id;
	__u32 span;
	const __s32 *slots; /* [btf_id - first_id]: hint index, -1 none */
};

int xsk_hint_registry__dispatch_table(const struct xsk_hint_registry *reg,
				      struct xsk_hint_dispatch *out);

/* Index of the hint in front of @pkt_data, or -1 for none / unknown. */
static inline int xsk_hint_dispatch__index(const struct xsk_hint_dispatch *d,
					   const void *pkt_data)
{
	/* Unsigned wrap sends ids below first_id (and 0) out of range. */
	__u32 rel = xsk_umem__btf_id((void *)pkt_data) - d->first_id;

	return rel < d->span ? d->slots[rel] : -1;
}

/* NULL when @btf_id is not a registered hint (including XSK_BTF_NO_HINT). */
struct xsk_btf_info *xsk_hint_registry__lookup(const struct xsk_hint_registry *reg,
					       __u32 btf_id);
struct xsk_btf_info *xsk_hint_registry__find(const struct xsk_hint_registry *reg,
					     const char *struct_name);
/* The hint in front of @pkt_data, or NULL for "no hint" / unknown btf_id. */
static inline struct xsk_btf_info *
xsk_hint_registry__dispatch(const struct xsk_hint_registry *reg, void *pkt_data)
{
	return xsk_hint_registry__lookup(reg, xsk_umem__btf_id(pkt_data));
}

/*
 * Dump a hint from BTF alone. Text: "struct name { .a = 1, .b = 2 }" style;
 * JSON: {"hint":"name","btf_id":N,"fields":{"a":1,"b":2}}. Writes at most
 * @len bytes including the NUL; returns the length written, -ENOSPC when
 * @buf is too small (then @buf holds a truncated, NUL-terminated string).
 */
enum xsk_hint_dump_format {
	XSK_HINT_DUMP_TEXT,
	XSK_HINT_DUMP_JSON,
};

int xsk_btf__dump_hint(const struct xsk_btf_info *xbi, const void *pkt_data,
		       enum xsk_hint_dump_format format, char *buf, size_t len);

/*
 * Where hint BTF comes from. The returned BTF is owned by the caller
 * (btf__free()), except for XSK_BTF_SRC_OBJECT, whose BTF belongs to the
 * bpf_object and must not be freed.
 */
enum xsk_btf_source {
	XSK_BTF_SRC_OBJECT,  /* @obj: a (loaded or opened) bpf_object */
	XSK_BTF_SRC_VMLINUX, /* the running kernel's BTF */
	XSK_BTF_SRC_MODULE,  /* @name: a kernel module, split on vmlinux */
	XSK_BTF_SRC_FILE,    /* @name: an ELF object or raw BTF file */
};

/*
 * For XSK_BTF_SRC_MODULE the vmlinux base is loaded too and returned in
 * *base_out (caller frees it after the module BTF); other sources set
 * *base_out to NULL. @base_out may be NULL for sources other than MODULE.
 */
int xsk_btf__load(enum xsk_btf_source source, struct bpf_object *obj,
		  const char *name, struct btf **btf_out, struct btf **base_out);

/*
 * Stale-headroom safety. A frame's bytes before pkt_data keep whatever an
 * earlier packet left there: if the next packet carries no hint, its btf_id
 * slot would show the old packet's id. Contract: a receiver calls
 * xsk_umem__clear_btf_id(pkt_data) on every frame before giving it back to
 * the fill ring (in aligned mode the next packet lands at the same offset),
 * and starts with a zeroed UMEM (a fresh anonymous mmap is zeroed). Then a
 * frame without a hint reads XSK_BTF_NO_HINT.
 */
static inline void xsk_umem__clear_btf_id(void *pkt_data)
{
	memset((char *)pkt_data - sizeof(__u32), 0, sizeof(__u32));
}

#ifdef __cplusplus
}
#endif

#endif /* LIB_XSK_EXTEND_H */
