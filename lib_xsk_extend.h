/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lib_xsk_extend: decode XDP-hints in AF_XDP frames through BTF.
 *
 * An XDP program writes a hint struct into the metadata area that sits just
 * before the packet (grown with bpf_xdp_adjust_meta()). The struct's last
 * 4 bytes are a __u32 btf_id set with bpf_core_type_id_local(), so btf_id
 * always lands at pkt_data - 4, whatever the struct's size:
 *
 *   | headroom ... | field A | field B | btf_id | packet data ...
 *                  ^ pkt_data - size            ^ pkt_data
 *
 * btf_id is the hint's last member, or the last member of a struct that is
 * the hint's last member, at any depth (the 2022 XDP-hints proposal nests
 * a common hint that way). The receiver reads btf_id, finds the struct in
 * the BTF of the BPF program, and reads fields by name or dotted path at
 * pkt_data - struct_size + member_offset. No header is shared between the
 * XDP program and the receiver.
 *
 * Depends on libbpf only. Copy lib_xsk_extend.c/.h into your project, or
 * link libxsk_extend (pkg-config xsk_extend). Nothing here prints.
 *
 * Return conventions (each declaration below says which it follows):
 *   int, "0 or -errno"      0 on success, a negative errno otherwise;
 *   int, "index or -errno"  a position >= 0, or a negative errno;
 *   int, "length or -errno" bytes written (no NUL), or a negative errno;
 *   bool                    true/false, no error detail (NULL -> false);
 *   pointer                 NULL when absent; where noted, errno says why;
 *   size_t / __u32          a count or a size; 0 for a NULL argument.
 *
 * Naming: functions are xsk_btf__* (one hint, BTF loading),
 * xsk_hint_registry__* (all hints of a BTF), xsk_hint_field__* and
 * xsk_hint_dispatch__* (inline per-packet readers), xsk_hint__* (frame
 * helpers). xsk_umem__btf_id() and xsk_umem__clear_btf_id() keep the
 * xsk_umem__ prefix of libxdp's <xdp/xsk.h> because the original
 * lib_xsk_extend API (xdp-hints, 2022) named them so and code that copied
 * it calls them by that name; libxdp defines neither today. New code
 * should call the aliases xsk_hint__btf_id() and xsk_hint__clear_btf_id(),
 * which can never collide with a future libxdp function.
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
 * The largest hint, in bytes, that the kernel lets an XDP program write.
 * bpf_xdp_adjust_meta() (net/core/filter.c) refuses to move data_meta
 * below data_hard_start + sizeof(struct xdp_frame), because the kernel
 * stores that struct at the top of the headroom when the frame is
 * redirected; and it refuses lengths that are not a multiple of 4 or that
 * overflow skb_shared_info.meta_len (a u8: 252). With the standard
 * XDP_PACKET_HEADROOM of 256 bytes and a 40-byte struct xdp_frame (Linux
 * 6.x, 64-bit) that leaves 216 bytes: measured on Linux 6.18 through
 * BPF_PROG_TEST_RUN and with real frames on veth (native and generic XDP),
 * see tests/unit/test_meta_limit.c. A driver with more headroom grants up
 * to 252; older kernels (5.x) granted only 32, and a larger hint fails at
 * bpf_xdp_adjust_meta() time there, which the XDP program must handle.
 */
#define XSK_BTF_HINT_MAX_SIZE 216

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
	 * Set by xsk_btf__field_member(); a member filled in by hand must have
	 * them zero (initialise the whole struct). The member's size (never 0
	 * for a resolved member that can be read) and its place relative to
	 * pkt_data (offset - hint size: negative). A resolved member carries
	 * its hint's layout: XSK_BTF_READ_INTO uses these and no longer looks
	 * at its xbi argument. These two fields made the struct 24 bytes in
	 * 0.2 (8 before): libxsk_extend.so.1.
	 */
	__u32 resolved_size;
	__s64 pkt_offset;
};

/* The btf_id in the 4 bytes before the packet data (see Naming above). */
static inline __u32 xsk_hint__btf_id(const void *pkt_data)
{
	__u32 btf_id;

	/* memcpy: the slot is 4-byte aligned in practice, but not guaranteed. */
	memcpy(&btf_id, (const char *)pkt_data - sizeof(btf_id), sizeof(btf_id));
	return btf_id;
}

/* The original name of xsk_hint__btf_id(). */
static inline __u32 xsk_umem__btf_id(void *pkt_data)
{
	return xsk_hint__btf_id(pkt_data);
}

/*
 * 0 or -errno. Find struct @struct_name in @btf and validate it as an
 * XDP-hint:
 *   -EINVAL     a NULL argument
 *   -ENOENT     no such struct, or no member named btf_id at its end
 *   -ENOTUNIQ   several structs have this name (a linked object): use the
 *               registry, which works by btf_id, or rename one
 *   -EOVERFLOW  btf_id is not last, or padding follows it
 *   -ENOTSUP    a bitfield member, or nesting deeper than 8
 *   -EPROTOTYPE btf_id is not an unsigned integer (float, enum, pointer,
 *               signed, char, bool), looked at through typedefs/modifiers
 *   -EMSGSIZE   btf_id is not 4 bytes, the size is not a multiple of 4, or
 *               it exceeds XSK_BTF_HINT_MAX_SIZE
 *   -E2BIG      more than 4096 members and array elements in all (hostile
 *               BTF: arrays of zero-size elements)
 *   -ENAMETOOLONG a member's dotted path exceeds 255 characters
 *   -ENOMEM
 * On error *xbi is untouched. @btf must outlive *xbi; free *xbi with
 * xsk_btf__free_xdp_hint() (NULL is fine).
 */
int xsk_btf__init_xdp_hint(const struct btf *btf, const char *struct_name,
			   struct xsk_btf_info **xbi);
void xsk_btf__free_xdp_hint(struct xsk_btf_info *xbi);
/* The hint's BTF id, what its frames carry; XSK_BTF_NO_HINT for NULL. */
__u32 xsk_btf__btf_type_id(const struct xsk_btf_info *xbi);

/*
 * 0 or -errno. Point *dest at the field inside the hint before @pkt_data
 * (zero-copy, as the original API does; the pointer may be unaligned:
 * prefer the macros, which copy). -EINVAL on NULL arguments, -EFAULT when
 * @size differs from the member's size, -ENOENT for an unknown field.
 * *dest is untouched on error. @field is a member's name or dotted path
 * ("common.rx_hash32"); members of anonymous structs and unions go by
 * their own names. Names are matched by content, so any buffer works.
 */
int xsk_btf__read_field(void **dest, size_t size, const char *field,
			const struct xsk_btf_info *xbi, const void *pkt_data);
/* 0 or -errno: as xsk_btf__read_field(), with a member resolved before. */
int xsk_btf__read(void **dest, size_t size, const struct xsk_btf_member *member,
		  const struct xsk_btf_info *xbi, const void *pkt_data);

/* bool: @field (name or dotted path) is a member of the hint. */
bool xsk_btf__has_field(const char *field, const struct xsk_btf_info *xbi);
/* bool: resolve @field into @member once, at start-up. */
bool xsk_btf__field_member(const char *field, const struct xsk_btf_info *xbi,
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
	const struct xsk_btf_info *_xsk_xbi = (xbi);				\
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
 * Copy the member @member (a struct xsk_btf_member *) into @dest; 0 or a
 * negative errno. A member that xsk_btf__field_member() resolved is read
 * inline, at the place it was resolved for: one compare of its size with
 * sizeof(dest) (-EFAULT through the checked path when they differ) and one
 * copy. @xbi is then not consulted at all, not even for NULL: pass the hint
 * the member was resolved in (a member resolved in another hint reads that
 * hint's place). A member filled in by hand, with resolved_size 0 (a
 * designated initializer or memset: never an uninitialised struct), and a
 * NULL @member or @addr go through xsk_btf__read() and its checks, with
 * its error codes. Each argument is evaluated once.
 */
#define XSK_BTF_READ_INTO(dest, member, xbi, addr) ({			\
	const struct xsk_btf_member *_xsk_m = (member);			\
	const struct xsk_btf_info *_xsk_xbi = (xbi);				\
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

/*
 * Facts about a validated hint, for reports and for sizing; NULL / 0 for
 * NULL. The name and BTF live as long as @xbi.
 */
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

/* 0 or -errno: -ENOENT unknown field, -EINVAL NULL argument. */
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
 * Structs whose chain of last members ends in one named btf_id but that
 * fail validation are not registered; xsk_hint_registry__rejected() counts
 * them. Structs sharing a name are all registered: the registry works by
 * btf_id. 0 or -errno (-EINVAL, -ENOMEM). @btf must outlive the registry;
 * the hints it hands out belong to it.
 */
struct xsk_hint_registry;

int xsk_hint_registry__new(const struct btf *btf,
			   struct xsk_hint_registry **out);
void xsk_hint_registry__free(struct xsk_hint_registry *reg);
size_t xsk_hint_registry__count(const struct xsk_hint_registry *reg);
size_t xsk_hint_registry__rejected(const struct xsk_hint_registry *reg);
/* The i-th registered hint, in BTF id order; NULL when i >= count. */
const struct xsk_btf_info *xsk_hint_registry__at(const struct xsk_hint_registry *reg,
						 size_t i);
/*
 * Index or -errno: the hint's position i (as for xsk_hint_registry__at()),
 * so a receiver can keep its own per-layout state in an array and dispatch
 * with no pointer compares: -ENOENT when @btf_id is not a registered hint
 * (including XSK_BTF_NO_HINT), -EINVAL for a NULL registry.
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

/* 0 or -errno (-E2BIG above, -EINVAL). */
int xsk_hint_registry__dispatch_table(const struct xsk_hint_registry *reg,
				      struct xsk_hint_dispatch *out);

/* Index of the hint in front of @pkt_data, or -1 for none / unknown. */
static inline int xsk_hint_dispatch__index(const struct xsk_hint_dispatch *d,
					   const void *pkt_data)
{
	/* Unsigned wrap sends ids below first_id (and 0) out of range. */
	__u32 rel = xsk_hint__btf_id(pkt_data) - d->first_id;

	return rel < d->span ? d->slots[rel] : -1;
}

/* NULL when @btf_id is not a registered hint (including XSK_BTF_NO_HINT). */
const struct xsk_btf_info *xsk_hint_registry__lookup(const struct xsk_hint_registry *reg,
						     __u32 btf_id);
/*
 * Index or -errno: the registered hint named @struct_name. -ENOTUNIQ when
 * the BTF has several structs of that name (an object linked from several
 * .bpf.c files): the registry keeps every one of them, by btf_id, but a
 * name cannot say which one is meant. -ENOENT when there is no such
 * struct or it is not a valid hint; -EINVAL for NULL arguments.
 */
int xsk_hint_registry__find_index(const struct xsk_hint_registry *reg,
				  const char *struct_name);
/* As xsk_hint_registry__find_index(); NULL with errno set on failure. */
const struct xsk_btf_info *xsk_hint_registry__find(const struct xsk_hint_registry *reg,
						   const char *struct_name);
/* The hint in front of @pkt_data, or NULL for "no hint" / unknown btf_id. */
static inline const struct xsk_btf_info *
xsk_hint_registry__dispatch(const struct xsk_hint_registry *reg, const void *pkt_data)
{
	return xsk_hint_registry__lookup(reg, xsk_hint__btf_id(pkt_data));
}

/*
 * Length or -errno. Dump a hint from BTF alone. Text: "struct name { .a =
 * 1, .b = 2 }" style; JSON: {"hint":"name","btf_id":N,"fields":{"a":1}}.
 * Writes at most @len bytes including the NUL; returns the length written
 * (without the NUL), -ENOSPC when @buf is too small (then @buf holds a
 * truncated, NUL-terminated string and the walk stopped where it was cut),
 * -EINVAL for NULL arguments or an unknown format.
 */
enum xsk_hint_dump_format {
	XSK_HINT_DUMP_TEXT,
	XSK_HINT_DUMP_JSON,
};

int xsk_btf__dump_hint(const struct xsk_btf_info *xbi, const void *pkt_data,
		       enum xsk_hint_dump_format format, char *buf, size_t len);

/*
 * Where hint BTF comes from. One ownership rule for every source: what
 * xsk_btf__load() returns belongs to the caller, who frees *btf_out with
 * btf__free() and then *base_out (a split BTF before its base).
 */
enum xsk_btf_source {
	/* @obj: a (loaded or opened) bpf_object; a copy of its BTF with the
	 * same type ids, so the object may be closed first. */
	XSK_BTF_SRC_OBJECT,
	XSK_BTF_SRC_VMLINUX, /* the running kernel's BTF */
	XSK_BTF_SRC_MODULE,  /* @name: a kernel module, split on vmlinux */
	XSK_BTF_SRC_FILE,    /* @name: an ELF object or raw BTF file */
};

/*
 * 0 or -errno. For XSK_BTF_SRC_MODULE the vmlinux base is loaded too and
 * returned in *base_out; other sources set *base_out to NULL. @base_out
 * may be NULL for sources other than MODULE. -EINVAL for a missing
 * argument, -ENOENT for an object without BTF, else libbpf's errno.
 */
int xsk_btf__load(enum xsk_btf_source source, struct bpf_object *obj,
		  const char *name, struct btf **btf_out, struct btf **base_out);

/*
 * Hints of a program someone else loaded. 0 or -errno.
 * xsk_btf__prog_btf_id(): the id of the BTF the kernel keeps for program
 * @prog_id (BPF_OBJ_GET_INFO_BY_FD, struct bpf_prog_info.btf_id).
 * xsk_btf__load_from_prog(): that BTF, loaded with
 * btf__load_from_kernel_by_id(); the caller frees it with btf__free().
 * Its type ids are the ones the program's bpf_core_type_id_local() wrote.
 * Errors: -ENOENT no such program, -EPERM without CAP_SYS_ADMIN (or
 * CAP_BPF), -ENODATA the program was loaded without BTF, -EINVAL NULL.
 * Program ids: bpftool prog show, or bpf_xdp_query_id() for an interface.
 */
int xsk_btf__prog_btf_id(__u32 prog_id, __u32 *btf_id_out);
int xsk_btf__load_from_prog(__u32 prog_id, struct btf **btf_out);

/*
 * The btf_id contract. A frame's bytes before pkt_data keep whatever an
 * earlier packet left there, so a frame redirected without a hint would
 * show an old packet's btf_id.
 *
 * The contract (the default): the XDP program writes at least the 4-byte
 * btf_id in front of every frame it redirects to an AF_XDP socket: its
 * hint, or XSK_BTF_NO_HINT alone (headers/xdp_hint_stamp.h has a helper
 * for BPF programs). Every frame then carries its own btf_id.
 *
 * Clearing the slot in userspace before a frame goes back to the fill
 * ring cannot replace that: the kernel writes into UMEM frames that
 * userspace never sees. In copy mode a frame is copied (metadata and all)
 * into a fill-ring buffer before the kernel finds the RX ring full; it
 * drops the frame and hands that same buffer to the next one. In
 * zero-copy mode the driver receives into fill-ring buffers, and frames
 * the XDP program passes or drops return to the pool unseen. The next
 * unstamped frame in such a buffer reads the dropped frame's btf_id
 * (tests/unit/test_stale_btf_id.c shows it on veth).
 *
 * xsk_hint__clear_btf_id() is still needed when a producer that does not
 * follow the contract can redirect into the socket (a program you did not
 * write, one that redirects after bpf_xdp_adjust_meta() failed): call it
 * on every frame before it goes back to the fill ring (in aligned mode
 * the next packet lands at the same offset) and start with a zeroed UMEM
 * (a fresh anonymous mmap is). That covers frames userspace saw, not the
 * recycled ones above: with such a producer, a btf_id is a claim, not a
 * guarantee.
 */
static inline void xsk_hint__clear_btf_id(void *pkt_data)
{
	memset((char *)pkt_data - sizeof(__u32), 0, sizeof(__u32));
}

/* The original name of xsk_hint__clear_btf_id(). */
static inline void xsk_umem__clear_btf_id(void *pkt_data)
{
	xsk_hint__clear_btf_id(pkt_data);
}

#ifdef __cplusplus
}
#endif

#endif /* LIB_XSK_EXTEND_H */
