// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libxsk_extend: decode XDP-hints through BTF (API in lib_xsk_extend.h).
 *
 * BTF for readers meeting it here first
 * -------------------------------------
 * BTF (BPF Type Format) is the compact type description clang writes next
 * to a BPF program (the .BTF ELF section; the kernel has one for itself in
 * /sys/kernel/btf/vmlinux). Every type has a number, its BTF id, counted
 * from 1; id 0 is "void". A struct type lists its members, each with a name,
 * a bit offset and the id of the member's own type: an int, an array, an
 * enum, another struct or union, or a typedef/const/volatile wrapper that
 * has to be looked through (btf__resolve_type(), btf__resolve_size()).
 *
 * In an XDP program, bpf_core_type_id_local(struct foo) compiles to the BTF
 * id of struct foo in the program's own BTF. Stamped into the packet
 * metadata as the hint's last member, it tells a receiver holding the same
 * BTF which layout the bytes before the packet have: the receiver looks the
 * id up and reads members by name, with no header shared at build time.
 *
 * What this file does with it
 * ---------------------------
 *  - validate: a hint ends in a 4-byte unsigned btf_id with nothing after
 *    it, so btf_id sits at pkt_data - 4 whatever the hint. btf_id may be
 *    the last member of the hint itself or of a struct that is its last
 *    member, at any depth: the 2022 XDP-hints proposal extends a common
 *    hint that way (struct drv_hint { ...; struct common_hint common; }).
 *    The hint fits the kernel's metadata limit; every member is
 *    byte-addressable (no bitfields).
 *  - index: at init, member names are hashed into a small open-addressing
 *    table per hint, so resolving a field is no BTF walk. Members of anonymous structs/unions are indexed under their own names,
 *    as C lets you write hint.member for them. A named nested struct or
 *    union is one member, read whole, and its members are indexed by
 *    dotted path ("common.rx_hash32"), as C spells them.
 *  - registry (struct xsk_hints): every hint of a BTF, a dense table from
 *    btf_id to hint index over the span of the hints' ids (the public
 *    struct xsk_hints_index), and every struct that has a btf_id member but
 *    is no valid hint, with the reason.
 *  - typed handles: an integer member resolved at one width (u64, u32,
 *    u16, u8), its width and kind checked then, so that the per-packet
 *    read in the header is one load with nothing left to check.
 *  - dump: one walker over the layout that prints text or JSON.
 *
 * Nothing prints except through the caller's xsk_hints_set_print()
 * function, and nothing allocates after start-up: the per-packet calls
 * (xsk_hints_index__lookup(), xsk_hints__dispatch() and the inline field
 * readers) do a bounded amount of arithmetic and no string work.
 *
 * Validation returns an enum xsk_hints_reason (> 0) for a struct that is
 * not a hint, 0 for one that is, and a negative errno (-ENOMEM) when the
 * check itself failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lib_xsk_extend.h"

/*
 * Validation and the dumper recurse into nested structs and arrays. Real
 * hints are nearly flat; the bounds keep the work finite on hostile BTF:
 * a nesting depth, and a budget of layout nodes (each member, array and
 * array element counts one) that also bounds arrays of zero-size
 * elements, which take no room in the hint but would cost a dump one
 * step each. A 216-byte hint of single bytes needs a few hundred nodes.
 */
#define HINT_MAX_NESTING 8
#define HINT_MAX_NODES 4096
/* Longest dotted member path, NUL included ("common.rx_hash32"). */
#define HINT_MAX_PATH 256

/* A hint member as indexed at init; @name points into hint->names. */
struct hint_member {
	const char *name;
	__u32 name_off; /* into hint->names while they are collected */
	__u32 name_hash;
	__u32 offset; /* bytes from the start of the hint */
	__u32 size;
	bool integer; /* an int or enum of any width: what typed handles take */
};

struct xsk_hint {
	const struct btf *btf;
	const char *name;
	__u32 type_id;
	__u32 size;
	struct hint_member *members;
	__u32 nr_members;
	/*
	 * Open addressing with linear probing: a slot holds a member index + 1,
	 * 0 is empty. The table is at most half full, so every probe sequence
	 * reaches an empty slot and stays short.
	 */
	__u32 *name_slots;
	__u32 name_mask;
	/*
	 * Our own copy of the names: libbpf moves a BTF's string table when
	 * anything is added to it, so pointers into it would not last.
	 */
	char *names;
};

/* A struct with a btf_id member that is no hint, and why. */
struct rejected_struct {
	__u32 btf_id;
	enum xsk_hints_reason reason;
	__u32 name_off; /* libbpf may move the strings: resolved when asked */
};

struct xsk_hints {
	const struct btf *btf;
	struct xsk_hint **hints; /* in BTF id order */
	size_t count;
	struct rejected_struct *rejected;
	size_t rejected_count;
	/*
	 * btf_id -> hint index, handed out by xsk_hints__index(): a dense array
	 * over [first hint's id, last hint's id], -ENOENT in the slots of ids
	 * that are no hint. It is at most 4 bytes per BTF type (a BTF spends 12
	 * or more on each), so even hints scattered over vmlinux cost less than
	 * a third of the BTF they came from, and the per-packet look-up is one
	 * subtraction, one compare and one load, inline in the receiver.
	 */
	struct xsk_hints_index index;
	__s32 *slots; /* index.slot, ours to free */
};

/* ---- messages, options, errors ------------------------------------------ */

static xsk_hints_print_fn_t print_fn;

xsk_hints_print_fn_t xsk_hints_set_print(xsk_hints_print_fn_t fn)
{
	xsk_hints_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

__attribute__((format(printf, 2, 3)))
static void pr_msg(enum xsk_hints_print_level level, const char *format, ...)
{
	int saved_errno = errno; /* a print function must not change the result */
	va_list args;

	if (!print_fn)
		return;
	va_start(args, format);
	print_fn(level, format, args);
	va_end(args);
	errno = saved_errno;
}

/* NULL with errno = -@err, after the message (if any) at XSK_HINTS_WARN. */
static void *err_ptr(int err, const char *message)
{
	if (message)
		pr_msg(XSK_HINTS_WARN, "%s", message);
	errno = -err;
	return NULL;
}

/*
 * libbpf's rule for extensible options: sz says how much of the struct the
 * caller knows. Less than the first member: not an options struct. More
 * than we know: a newer caller, fine as long as what we do not know is
 * zero (it asks for nothing we would ignore). NULL means all defaults.
 */
static int check_opts(const void *opts, size_t sz, size_t known, const char *type)
{
	size_t i;

	if (!opts)
		return 0;
	if (sz < sizeof(size_t)) {
		pr_msg(XSK_HINTS_WARN, "struct %s: sz %zu is too small: use XSK_HINTS_OPTS()\n",
		       type, sz);
		return -EINVAL;
	}
	for (i = known; i < sz; i++) {
		if (((const char *)opts)[i]) {
			pr_msg(XSK_HINTS_WARN, "struct %s: byte %zu is set, beyond the %zu bytes this libxsk_extend knows\n",
			       type, i, known);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

/* FNV-1a: short, no tables, and good enough for a few dozen identifiers. */
static __u32 name_hash(const char *name)
{
	__u32 hash = 2166136261u;

	for (; *name; name++)
		hash = (hash ^ (unsigned char)*name) * 16777619u;
	return hash;
}

/* Slots for @entries keys at most half full: a power of two >= 4. */
static size_t table_size_for(size_t entries)
{
	size_t size = 4;

	while (size < 2 * entries)
		size <<= 1;
	return size;
}

/* A type's or member's name; "" for anonymous ones and broken offsets. */
static const char *btf_name(const struct btf *btf, __u32 name_off)
{
	const char *name = btf__name_by_offset(btf, name_off);

	return name ? name : "";
}

static const char *member_name(const struct btf *btf,
			       const struct btf_member *m)
{
	return btf_name(btf, m->name_off);
}

/* Look through typedefs and const/volatile/restrict; NULL on broken BTF. */
static const struct btf_type *resolved_type(const struct btf *btf,
					    __u32 type_id, __u32 *id_out)
{
	int id = btf__resolve_type(btf, type_id);

	if (id < 0)
		return NULL;
	if (id_out)
		*id_out = id;
	return btf__type_by_id(btf, id);
}

static bool member_is_bitfield(const struct btf *btf,
			       const struct btf_type *parent, __u32 i)
{
	const struct btf_type *t;

	if (btf_member_bitfield_size(parent, i) ||
	    btf_member_bit_offset(parent, i) % 8)
		return true;
	/*
	 * Structs without the kind flag encode a bitfield in the int type
	 * itself (a bit offset or fewer bits than the int's size).
	 */
	t = resolved_type(btf, btf_members(parent)[i].type, NULL);
	return t && btf_is_int(t) &&
	       (btf_int_offset(t) || btf_int_bits(t) != t->size * 8);
}

/* ---- validation --------------------------------------------------------- */

/*
 * Check that every byte of a type can be read and printed: no bitfields,
 * members inside their parent, only kinds that have a value (no void or
 * function), bounded nesting, and at most *budget layout nodes in all
 * (see HINT_MAX_NODES). 0 or an enum xsk_hints_reason.
 */
static int check_layout(const struct btf *btf, __u32 type_id, int depth,
			__u32 *budget)
{
	const struct btf_type *t;
	__u32 i, before, elem_cost;
	__u64 rest_cost;
	int err;

	if (depth > HINT_MAX_NESTING)
		return XSK_HINTS_TOO_DEEP;
	if (!*budget)
		return XSK_HINTS_TOO_MANY_MEMBERS;
	(*budget)--;
	t = resolved_type(btf, type_id, NULL);
	if (!t)
		return XSK_HINTS_MEMBER_TYPE;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_PTR:
	case BTF_KIND_FLOAT:
		return 0;
	case BTF_KIND_ARRAY:
		/*
		 * Walk one element, then charge the others at its cost: the
		 * work stays bounded however many elements there are.
		 */
		before = *budget;
		err = check_layout(btf, btf_array(t)->type, depth + 1, budget);
		if (err)
			return err;
		elem_cost = before - *budget;
		rest_cost = btf_array(t)->nelems ?
			    (__u64)(btf_array(t)->nelems - 1) * elem_cost : 0;
		if (rest_cost > *budget)
			return XSK_HINTS_TOO_MANY_MEMBERS;
		*budget -= rest_cost;
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < btf_vlen(t); i++) {
			const struct btf_member *m = btf_members(t) + i;
			int size = btf__resolve_size(btf, m->type);

			if (member_is_bitfield(btf, t, i))
				return XSK_HINTS_BITFIELD;
			if (size < 0)
				return XSK_HINTS_MEMBER_TYPE;
			if (btf_member_bit_offset(t, i) / 8 + (__u64)size > t->size)
				return XSK_HINTS_MEMBER_OUTSIDE;
			err = check_layout(btf, m->type, depth + 1, budget);
			if (err)
				return err;
		}
		return 0;
	default:
		return XSK_HINTS_MEMBER_TYPE;
	}
}

/*
 * bpf_core_type_id_local() yields a __u32: btf_id must be an unsigned
 * 32-bit integer (through typedefs and modifiers). A float, an enum, a
 * pointer, a bool, a char or a signed int is a different contract.
 */
static int check_btf_id_type(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = resolved_type(btf, type_id, NULL);

	if (!t || !btf_is_int(t) ||
	    (btf_int_encoding(t) & (BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL)))
		return XSK_HINTS_BTF_ID_TYPE;
	return t->size == sizeof(__u32) ? 0 : XSK_HINTS_BTF_ID_SIZE;
}

/*
 * Whether the chain of last members of @t ends in a member named btf_id:
 * the mark of a struct meant as a hint (find_btf_id() then checks it).
 */
static bool ends_in_btf_id(const struct btf *btf, const struct btf_type *t)
{
	int depth;

	/* Past the nesting bound still, so that a chain too deep is rejected
	 * with that reason rather than passed over. */
	for (depth = 0; t && btf_is_struct(t) && depth <= 4 * HINT_MAX_NESTING; depth++) {
		const struct btf_member *last;

		if (!btf_vlen(t))
			return false;
		last = btf_members(t) + btf_vlen(t) - 1;
		if (!strcmp(member_name(btf, last), "btf_id"))
			return true;
		t = resolved_type(btf, last->type, NULL);
	}
	return false;
}

/* A btf_id somewhere in @t, directly or at the end of a nested struct. */
static bool has_btf_id_member(const struct btf *btf, const struct btf_type *t)
{
	__u32 i;

	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;

		if (!strcmp(member_name(btf, m), "btf_id") ||
		    ends_in_btf_id(btf, resolved_type(btf, m->type, NULL)))
			return true;
	}
	return false;
}

/*
 * Follow the chain of last members from struct @t down to the one named
 * btf_id: the struct's own last member, or the last member of a struct
 * that is its last member, at any depth. *end_out: the byte just past
 * btf_id, counted from the outermost struct (@base is @t's offset there).
 * 0, an enum xsk_hints_reason, or -ENOENT when @t has no btf_id at all.
 */
static int find_btf_id(const struct btf *btf, const struct btf_type *t,
		       __u32 base, int depth, __u32 *end_out)
{
	__u32 vlen = btf_vlen(t), last_offset;
	const struct btf_member *last;
	const struct btf_type *last_type;
	int err;

	if (depth > HINT_MAX_NESTING)
		return XSK_HINTS_TOO_DEEP;
	if (!vlen)
		return -ENOENT;
	last = btf_members(t) + vlen - 1;
	last_offset = base + btf_member_bit_offset(t, vlen - 1) / 8;
	if (!strcmp(member_name(btf, last), "btf_id")) {
		if (member_is_bitfield(btf, t, vlen - 1))
			return XSK_HINTS_BITFIELD;
		err = check_btf_id_type(btf, last->type);
		if (err)
			return err;
		*end_out = last_offset + sizeof(__u32);
		return 0;
	}
	last_type = resolved_type(btf, last->type, NULL);
	if (last_type && btf_is_struct(last_type) &&
	    !member_is_bitfield(btf, t, vlen - 1)) {
		err = find_btf_id(btf, last_type, last_offset, depth + 1, end_out);
		if (err != -ENOENT)
			return err;
	}
	/* A btf_id that is there but not last gets the more useful error. */
	return has_btf_id_member(btf, t) ? XSK_HINTS_BTF_ID_NOT_LAST : -ENOENT;
}

/*
 * The rules that make btf_id findable at pkt_data - 4, in the order that
 * gives the most specific error for a struct breaking several of them.
 */
static int check_hint_shape(const struct btf *btf, const struct btf_type *t)
{
	__u32 btf_id_end;
	int err;

	err = find_btf_id(btf, t, 0, 0, &btf_id_end);
	if (err)
		return err;
	/* Tail padding would push btf_id away from pkt_data - 4. */
	if (btf_id_end != t->size)
		return XSK_HINTS_TAIL_PADDING;
	/* bpf_xdp_adjust_meta() wants multiples of 4 (see the header). */
	if (t->size % 4)
		return XSK_HINTS_SIZE_NOT_ALIGNED;
	if (t->size > XSK_HINTS_MAX_SIZE)
		return XSK_HINTS_TOO_LARGE;
	return 0;
}

/* ---- the per-hint name index -------------------------------------------- */

/*
 * Collects the readable members of a hint with their dotted paths. The
 * names go into one growing block (hint->names at the end); the members
 * keep offsets into it until the block stops moving.
 */
struct member_collector {
	struct xsk_hint *hint;
	size_t members_cap;
	char *names;
	size_t names_len, names_cap;
	char path[HINT_MAX_PATH]; /* the path being built, NUL-terminated */
};

/* Append @name (with its NUL) to the name block; the offset in *off. */
static int add_name(struct member_collector *c, const char *name, __u32 *off)
{
	size_t len = strlen(name) + 1;

	if (c->names_len + len > c->names_cap) {
		size_t new_cap = c->names_cap ? c->names_cap : 64;
		char *names;

		while (new_cap < c->names_len + len)
			new_cap *= 2;
		names = realloc(c->names, new_cap);
		if (!names)
			return -ENOMEM;
		c->names = names;
		c->names_cap = new_cap;
	}
	memcpy(c->names + c->names_len, name, len);
	*off = c->names_len;
	c->names_len += len;
	return 0;
}

static int add_member(struct member_collector *c, const char *path,
		      __u32 offset, __u32 size, bool integer)
{
	struct xsk_hint *hint = c->hint;
	struct hint_member *m;

	if (hint->nr_members == c->members_cap) {
		size_t new_cap = c->members_cap ? c->members_cap * 2 : 8;

		m = realloc(hint->members, new_cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		hint->members = m;
		c->members_cap = new_cap;
	}
	m = &hint->members[hint->nr_members];
	m->name = NULL;
	m->name_hash = name_hash(path);
	m->offset = offset;
	m->size = size;
	m->integer = integer;
	if (add_name(c, path, &m->name_off))
		return -ENOMEM;
	hint->nr_members++;
	return 0;
}

/*
 * Index the members of @t under c->path[0..path_len): named ones by their
 * path, named structs and unions also member by member ("outer.inner"),
 * anonymous structs and unions by their members' own names as C does.
 * check_layout() bounded depth and count.
 */
static int collect_members(struct member_collector *c, const struct btf_type *t,
			   __u32 base_offset, size_t path_len)
{
	const struct btf *btf = c->hint->btf;
	__u32 i;
	int err;

	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *name = member_name(btf, m);
		__u32 offset = base_offset + btf_member_bit_offset(t, i) / 8;
		const struct btf_type *mt = resolved_type(btf, m->type, NULL);
		bool composite = mt && btf_is_composite(mt);
		size_t name_len = strlen(name);

		if (!*name) {
			/* an unnamed non-composite has no name to read it by */
			err = composite ? collect_members(c, mt, offset, path_len) : 0;
			if (err)
				return err;
			continue;
		}
		/* room for the name, a '.' and a NUL */
		if (path_len + name_len + 2 > sizeof(c->path))
			return XSK_HINTS_PATH_TOO_LONG;
		memcpy(c->path + path_len, name, name_len + 1);
		err = add_member(c, c->path, offset, btf__resolve_size(btf, m->type),
				 mt && (btf_is_int(mt) || btf_is_any_enum(mt)));
		if (!err && composite) {
			c->path[path_len + name_len] = '.';
			err = collect_members(c, mt, offset, path_len + name_len + 1);
		}
		c->path[path_len] = '\0';
		if (err)
			return err;
	}
	return 0;
}

static const struct hint_member *find_member(const struct xsk_hint *hint,
					     const char *name)
{
	__u32 hash = name_hash(name);
	__u32 slot = hash & hint->name_mask;

	for (; hint->name_slots[slot]; slot = (slot + 1) & hint->name_mask) {
		const struct hint_member *m = &hint->members[hint->name_slots[slot] - 1];

		if (m->name_hash == hash && !strcmp(m->name, name))
			return m;
	}
	return NULL;
}

static int index_members(struct xsk_hint *hint)
{
	size_t size = table_size_for(hint->nr_members);
	__u32 i;

	hint->name_slots = calloc(size, sizeof(*hint->name_slots));
	if (!hint->name_slots)
		return -ENOMEM;
	hint->name_mask = size - 1;
	for (i = 0; i < hint->nr_members; i++) {
		__u32 slot = hint->members[i].name_hash & hint->name_mask;

		/* Duplicate names only occur in hand-made BTF: first one wins. */
		if (find_member(hint, hint->members[i].name))
			continue;
		while (hint->name_slots[slot])
			slot = (slot + 1) & hint->name_mask;
		hint->name_slots[slot] = i + 1;
	}
	return 0;
}

static void hint_free(struct xsk_hint *hint)
{
	if (!hint)
		return;
	free(hint->name_slots);
	free(hint->members);
	free(hint->names);
	free(hint);
}

/*
 * Validate struct @type_id as a hint and build its index: 0, an enum
 * xsk_hints_reason, or a negative errno.
 */
static int hint_build(const struct btf *btf, __u32 type_id,
		      struct xsk_hint **out)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	struct member_collector c = { 0 };
	__u32 budget = HINT_MAX_NODES, name_off, i;
	struct xsk_hint *hint;
	int err;

	if (!t || !btf_is_struct(t))
		return -ENOENT;
	err = check_hint_shape(btf, t);
	if (!err)
		err = check_layout(btf, type_id, 0, &budget);
	if (err)
		return err;

	hint = calloc(1, sizeof(*hint));
	if (!hint)
		return -ENOMEM;
	hint->btf = btf;
	hint->type_id = type_id;
	hint->size = t->size;
	c.hint = hint;
	/*
	 * Our own copy of the names: libbpf moves a BTF's string table when
	 * anything is added to it, so pointers into it would not last.
	 */
	err = add_name(&c, btf_name(btf, t->name_off), &name_off);
	if (!err)
		err = collect_members(&c, t, 0, 0);
	hint->names = c.names;
	if (!err) {
		hint->name = hint->names + name_off;
		for (i = 0; i < hint->nr_members; i++)
			hint->members[i].name = hint->names + hint->members[i].name_off;
		err = index_members(hint);
	}
	if (err) {
		hint_free(hint);
		return err;
	}
	*out = hint;
	return 0;
}

/*
 * The one struct named @name in @btf (its base included), or -ENOENT, or
 * -ENOTUNIQ when there are several: objects linked from several .bpf.c
 * files can hold two different structs of one name, and taking the first
 * would decode the other one's frames with the wrong layout.
 */
static int find_unique_struct(const struct btf *btf, const char *name)
{
	__u32 id, end = btf__type_cnt(btf);
	int found = -ENOENT;

	for (id = 1; id < end; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !btf_is_struct(t) || strcmp(btf_name(btf, t->name_off), name))
			continue;
		if (found > 0)
			return -ENOTUNIQ;
		found = (int)id;
	}
	return found;
}

/* ---- one hint ------------------------------------------------------------ */

const char *xsk_hint__name(const struct xsk_hint *hint)
{
	if (!hint) {
		errno = EINVAL;
		return NULL;
	}
	return hint->name;
}

__u32 xsk_hint__btf_id(const struct xsk_hint *hint)
{
	return hint ? hint->type_id : XSK_HINTS_NO_HINT;
}

__u32 xsk_hint__size(const struct xsk_hint *hint)
{
	return hint ? hint->size : 0;
}

int xsk_hint__field(const struct xsk_hint *hint, const char *path,
		    struct xsk_hint_field *field)
{
	const struct hint_member *m;

	if (!field)
		return -EINVAL;
	memset(field, 0, sizeof(*field));
	if (!hint || !path)
		return -EINVAL;
	m = find_member(hint, path);
	if (!m)
		return -ENOENT;
	/* A member of no bytes (a zero-length array) would resolve to what
	 * every read takes for "never resolved": refused here instead. */
	if (!m->size)
		return -EINVAL;
	/* Both bounded by XSK_HINTS_MAX_SIZE: the subtraction cannot wrap. */
	field->pkt_offset = (__s32)m->offset - (__s32)hint->size;
	field->size = m->size;
	return 0;
}

/*
 * The typed handles' resolve: the width is checked here, once, so that
 * their per-packet read needs no compare. *pkt_offset is set on every
 * path, failures included: to -@width, the last bytes before pkt_data
 * (the hint's tail), so that a handle read despite its failed resolve
 * stays in the hint or its headroom (lib_xsk_extend.h).
 */
static int field_of_width(const struct xsk_hint *hint, const char *path,
			  __u32 width, __s32 *pkt_offset)
{
	const struct hint_member *m;

	*pkt_offset = -(__s32)width;
	if (!hint || !path)
		return -EINVAL;
	m = find_member(hint, path);
	if (!m)
		return -ENOENT;
	if (!m->integer)
		return -EINVAL;
	if (m->size != width)
		return -E2BIG;
	/* Both bounded by XSK_HINTS_MAX_SIZE: the subtraction cannot wrap. */
	*pkt_offset = (__s32)m->offset - (__s32)hint->size;
	return 0;
}

int xsk_hint__field_u64(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u64 *field)
{
	return field ? field_of_width(hint, path, sizeof(__u64), &field->pkt_offset)
		     : -EINVAL;
}

int xsk_hint__field_u32(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u32 *field)
{
	return field ? field_of_width(hint, path, sizeof(__u32), &field->pkt_offset)
		     : -EINVAL;
}

int xsk_hint__field_u16(const struct xsk_hint *hint, const char *path,
			struct xsk_hint_u16 *field)
{
	return field ? field_of_width(hint, path, sizeof(__u16), &field->pkt_offset)
		     : -EINVAL;
}

int xsk_hint__field_u8(const struct xsk_hint *hint, const char *path,
		       struct xsk_hint_u8 *field)
{
	return field ? field_of_width(hint, path, sizeof(__u8), &field->pkt_offset)
		     : -EINVAL;
}

/* ---- registry ------------------------------------------------------------ */

/*
 * Structs that have a btf_id member, directly or at the end of a nested
 * struct, are meant as hints: they are registered or rejected with a
 * reason. A btf_id in the wrong place is the packing mistake a user most
 * wants to hear about, so it makes a candidate too.
 */
static bool is_hint_candidate(const struct btf *btf, const struct btf_type *t)
{
	return t && btf_is_struct(t) && has_btf_id_member(btf, t);
}

/* Grow *array (of @elem_size items, *cap of them) to hold one more. */
static int grow(void **array, size_t *cap, size_t count, size_t elem_size)
{
	size_t new_cap;
	void *p;

	if (count < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	p = realloc(*array, new_cap * elem_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}

static int registry_index(struct xsk_hints *reg)
{
	__u32 first = 0, n = 0;
	size_t i;

	if (reg->count) {
		/* hints[] is in BTF id order: first and last bound the span. */
		first = reg->hints[0]->type_id;
		n = reg->hints[reg->count - 1]->type_id - first + 1;
	}
	/* One slot even when empty: index.slot is never NULL. */
	reg->slots = malloc((n ? n : 1) * sizeof(*reg->slots));
	if (!reg->slots)
		return -ENOMEM;
	for (i = 0; i < (n ? n : 1); i++)
		reg->slots[i] = -ENOENT;
	for (i = 0; i < reg->count; i++)
		reg->slots[reg->hints[i]->type_id - first] = (__s32)i;
	reg->index.first_btf_id = first;
	reg->index.n = n;
	reg->index.slot = reg->slots;
	return 0;
}

static int registry_scan(struct xsk_hints *reg)
{
	const struct btf *btf = reg->btf;
	const struct btf *base = btf__base_btf(btf);
	size_t hints_cap = 0, rejected_cap = 0;
	__u32 id, end;
	int err;

	/* Split BTF (a module) numbers its types after its base: skip those. */
	id = base ? btf__type_cnt(base) : 1;
	end = btf__type_cnt(btf);
	for (; id < end; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		struct xsk_hint *hint;

		if (!is_hint_candidate(btf, t))
			continue;
		err = hint_build(btf, id, &hint);
		if (err < 0)
			return err;
		if (err > 0) {
			struct rejected_struct *r;

			pr_msg(XSK_HINTS_DEBUG, "struct %s (btf_id %u) is not an XDP-hint: %s\n",
			       btf_name(btf, t->name_off), id, xsk_hints_reason_str(err));
			if (grow((void **)&reg->rejected, &rejected_cap,
				 reg->rejected_count, sizeof(*r)))
				return -ENOMEM;
			r = &reg->rejected[reg->rejected_count++];
			r->btf_id = id;
			r->reason = err;
			r->name_off = t->name_off;
			continue;
		}
		if (grow((void **)&reg->hints, &hints_cap, reg->count, sizeof(*reg->hints))) {
			hint_free(hint);
			return -ENOMEM;
		}
		reg->hints[reg->count++] = hint;
	}
	return registry_index(reg);
}

struct xsk_hints *xsk_hints__new(const struct btf *btf,
				 const struct xsk_hints_opts *opts)
{
	struct xsk_hints *reg;
	int err;

	if (!btf)
		return err_ptr(-EINVAL, "xsk_hints__new: no BTF\n");
	err = check_opts(opts, opts ? opts->sz : 0, sizeof(*opts), "xsk_hints_opts");
	if (err)
		return err_ptr(err, NULL);
	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return err_ptr(-ENOMEM, NULL);
	reg->btf = btf;
	err = registry_scan(reg);
	if (err) {
		xsk_hints__free(reg);
		return err_ptr(err, "scanning BTF for XDP-hints: out of memory\n");
	}
	return reg;
}

void xsk_hints__free(struct xsk_hints *reg)
{
	size_t i;

	if (!reg)
		return;
	for (i = 0; i < reg->count; i++)
		hint_free(reg->hints[i]);
	free(reg->hints);
	free(reg->rejected);
	free(reg->slots);
	free(reg);
}

size_t xsk_hints__cnt(const struct xsk_hints *reg)
{
	return reg ? reg->count : 0;
}

const struct xsk_hint *xsk_hints__hint(const struct xsk_hints *reg, size_t idx)
{
	if (!reg)
		return err_ptr(-EINVAL, NULL);
	if (idx >= reg->count)
		return err_ptr(-ENOENT, NULL);
	return reg->hints[idx];
}

int xsk_hints__dispatch(const struct xsk_hints *reg, __u32 btf_id)
{
	if (!reg)
		return -EINVAL;
	return xsk_hints_index__lookup(&reg->index, btf_id);
}

const struct xsk_hints_index *xsk_hints__index(const struct xsk_hints *reg)
{
	if (!reg)
		return err_ptr(-EINVAL, NULL);
	return &reg->index;
}

/*
 * A start-up call. The name is looked up among all structs of the BTF,
 * not only the registered ones: a valid hint that shares its name with
 * another struct is still ambiguous to whoever asks by name.
 */
int xsk_hints__find(const struct xsk_hints *reg, const char *struct_name)
{
	int type_id, index;

	if (!reg || !struct_name)
		return -EINVAL;
	type_id = find_unique_struct(reg->btf, struct_name);
	if (type_id < 0)
		return type_id;
	index = xsk_hints__dispatch(reg, type_id);
	return index < 0 ? -ENOENT : index;
}

size_t xsk_hints__rejected_cnt(const struct xsk_hints *reg)
{
	return reg ? reg->rejected_count : 0;
}

const char *xsk_hints__rejected(const struct xsk_hints *reg, size_t idx,
				__u32 *btf_id, enum xsk_hints_reason *reason)
{
	const struct rejected_struct *r;

	if (!reg)
		return err_ptr(-EINVAL, NULL);
	if (idx >= reg->rejected_count)
		return err_ptr(-ENOENT, NULL);
	r = &reg->rejected[idx];
	if (btf_id)
		*btf_id = r->btf_id;
	if (reason)
		*reason = r->reason;
	return btf_name(reg->btf, r->name_off);
}

const char *xsk_hints_reason_str(enum xsk_hints_reason reason)
{
	switch (reason) {
	case XSK_HINTS_BTF_ID_NOT_LAST: return "a member follows btf_id: btf_id must be last";
	case XSK_HINTS_TAIL_PADDING: return "padding follows btf_id: pack the struct";
	case XSK_HINTS_BTF_ID_TYPE: return "btf_id is not an unsigned integer";
	case XSK_HINTS_BTF_ID_SIZE: return "btf_id is not 4 bytes";
	case XSK_HINTS_SIZE_NOT_ALIGNED: return "its size is not a multiple of 4 bytes";
	case XSK_HINTS_TOO_LARGE: return "larger than the kernel's metadata limit (216 bytes)";
	case XSK_HINTS_BITFIELD: return "a bitfield member";
	case XSK_HINTS_TOO_DEEP: return "nested deeper than 8 levels";
	case XSK_HINTS_MEMBER_TYPE: return "a member with no value (void or function)";
	case XSK_HINTS_MEMBER_OUTSIDE: return "a member reaches past the end of its struct";
	case XSK_HINTS_TOO_MANY_MEMBERS: return "more than 4096 members and array elements";
	case XSK_HINTS_PATH_TOO_LONG: return "a member's dotted path is longer than 255 bytes";
	}
	return "unknown reason";
}

/* ---- dump ---------------------------------------------------------------- */

/* An snprintf() cursor that remembers whether anything was cut off. */
struct dump_out {
	char *buf;
	size_t len;
	size_t pos;
	bool truncated;
	enum xsk_hint_dump_format format;
};

__attribute__((format(printf, 2, 3)))
static void out_printf(struct dump_out *o, const char *fmt, ...)
{
	size_t room = o->len - o->pos;
	va_list ap;
	int n;

	if (o->truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		o->truncated = true;
		o->pos = o->len - 1; /* vsnprintf() left a NUL there */
		return;
	}
	o->pos += n;
}

/* Between list items: text is for eyes, JSON stays compact. */
static const char *item_separator(const struct dump_out *o)
{
	return o->format == XSK_HINT_DUMP_JSON ? "," : ", ";
}

/* A quoted string, escaped so that it is valid JSON (and readable text). */
static void out_string(struct dump_out *o, const char *s, size_t len)
{
	size_t i;

	out_printf(o, "\"");
	for (i = 0; i < len && !o->truncated; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			out_printf(o, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			out_printf(o, "\\u%04x", c);
		else
			out_printf(o, "%c", c);
	}
	out_printf(o, "\"");
}

static void out_unsigned(struct dump_out *o, const void *data, __u32 size)
{
	__u8 u8; __u16 u16; __u32 u32; __u64 u64;

	switch (size) {
	case 1: memcpy(&u8, data, 1); u64 = u8; break;
	case 2: memcpy(&u16, data, 2); u64 = u16; break;
	case 4: memcpy(&u32, data, 4); u64 = u32; break;
	default: memcpy(&u64, data, 8); break;
	}
	out_printf(o, "%llu", (unsigned long long)u64);
}

static void out_signed(struct dump_out *o, const void *data, __u32 size)
{
	__s8 s8; __s16 s16; __s32 s32; __s64 s64;

	switch (size) {
	case 1: memcpy(&s8, data, 1); s64 = s8; break;
	case 2: memcpy(&s16, data, 2); s64 = s16; break;
	case 4: memcpy(&s32, data, 4); s64 = s32; break;
	default: memcpy(&s64, data, 8); break;
	}
	out_printf(o, "%lld", (long long)s64);
}

/* Values with no natural number form (__int128, long double): raw bytes. */
static void out_bytes(struct dump_out *o, const void *data, __u32 size)
{
	__u32 i;

	out_printf(o, "[");
	for (i = 0; i < size && !o->truncated; i++)
		out_printf(o, "%s%u", i ? item_separator(o) : "",
			   ((const __u8 *)data)[i]);
	out_printf(o, "]");
}

static void out_float(struct dump_out *o, const void *data, __u32 size)
{
	double value;
	float f;

	if (size == sizeof(float)) {
		memcpy(&f, data, sizeof(f));
		value = f;
	} else if (size == sizeof(double)) {
		memcpy(&value, data, sizeof(value));
	} else {
		out_bytes(o, data, size);
		return;
	}
	/* JSON has no NaN or infinity. */
	if (value != value || value - value != 0)
		out_printf(o, "null");
	else
		out_printf(o, "%.17g", value);
}

static bool is_zero(const char *data, __u32 size)
{
	__u32 i;

	for (i = 0; i < size; i++)
		if (data[i])
			return false;
	return true;
}

static bool is_power_of_two_int(__u32 size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/*
 * A char array reads as a string when every byte before the first NUL is
 * printable ASCII; __u8/__s8 arrays (MAC addresses) stay numbers.
 */
static bool is_text(const struct btf *btf, const struct btf_type *elem,
		    const char *data, __u32 nelems, size_t *text_len)
{
	const char *type_name;
	size_t i;

	if (!btf_is_int(elem) || elem->size != 1)
		return false;
	type_name = btf_name(btf, elem->name_off);
	if (!(btf_int_encoding(elem) & BTF_INT_CHAR) && strcmp(type_name, "char"))
		return false;
	for (i = 0; i < nelems && data[i]; i++)
		if (data[i] < 0x20 || data[i] > 0x7e)
			return false;
	*text_len = i;
	return true;
}

static void out_value(struct dump_out *o, const struct btf *btf,
		      __u32 type_id, const char *data);

/*
 * Members as "name":value / .name = value, flattening anonymous ones.
 * The walks stop as soon as the output is cut off: nothing more can show.
 */
static void out_members(struct dump_out *o, const struct btf *btf,
			const struct btf_type *t, const char *data, bool *first)
{
	__u32 i;

	for (i = 0; i < btf_vlen(t) && !o->truncated; i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *name = member_name(btf, m);
		const char *mdata = data + btf_member_bit_offset(t, i) / 8;

		if (!*name) {
			const struct btf_type *mt = resolved_type(btf, m->type, NULL);

			if (mt && btf_is_composite(mt))
				out_members(o, btf, mt, mdata, first);
			continue;
		}
		out_printf(o, "%s", !*first ? item_separator(o) :
				    o->format == XSK_HINT_DUMP_TEXT ? " " : "");
		if (o->format == XSK_HINT_DUMP_JSON) {
			out_string(o, name, strlen(name));
			out_printf(o, ":");
		} else {
			out_printf(o, ".%s = ", name);
		}
		*first = false;
		out_value(o, btf, m->type, mdata);
	}
}

static void out_composite(struct dump_out *o, const struct btf *btf,
			  const struct btf_type *t, const char *data)
{
	bool first = true;

	out_printf(o, "{");
	out_members(o, btf, t, data, &first);
	out_printf(o, o->format == XSK_HINT_DUMP_JSON || first ? "}" : " }");
}

static void out_array(struct dump_out *o, const struct btf *btf,
		      const struct btf_type *t, const char *data)
{
	const struct btf_array *arr = btf_array(t);
	const struct btf_type *elem = resolved_type(btf, arr->type, NULL);
	int elem_size = btf__resolve_size(btf, arr->type);
	size_t text_len;
	__u32 i;

	/* check_layout() accepted this array, so both resolve. */
	if (is_text(btf, elem, data, arr->nelems, &text_len)) {
		out_string(o, data, text_len);
		return;
	}
	out_printf(o, "[");
	for (i = 0; i < arr->nelems && !o->truncated; i++) {
		out_printf(o, "%s", i ? item_separator(o) : "");
		out_value(o, btf, arr->type, data + (size_t)i * elem_size);
	}
	out_printf(o, "]");
}

/*
 * Recursion depth and the number of values are bounded by check_layout(),
 * which accepted this type.
 */
static void out_value(struct dump_out *o, const struct btf *btf,
		      __u32 type_id, const char *data)
{
	const struct btf_type *t = resolved_type(btf, type_id, &type_id);
	__u32 size = t ? btf__resolve_size(btf, type_id) : 0;

	if (!t) {
		out_printf(o, "null");
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (!is_power_of_two_int(size))
			out_bytes(o, data, size);
		else if (btf_int_encoding(t) & BTF_INT_BOOL)
			out_printf(o, "%s", is_zero(data, size) ? "false" : "true");
		else if (btf_int_encoding(t) & BTF_INT_SIGNED)
			out_signed(o, data, size);
		else
			out_unsigned(o, data, size);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		/* The kind flag marks a signed enum. */
		if (!is_power_of_two_int(size))
			out_bytes(o, data, size);
		else if (btf_kflag(t))
			out_signed(o, data, size);
		else
			out_unsigned(o, data, size);
		break;
	case BTF_KIND_PTR:
		out_unsigned(o, data, size);
		break;
	case BTF_KIND_FLOAT:
		out_float(o, data, size);
		break;
	case BTF_KIND_ARRAY:
		out_array(o, btf, t, data);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		out_composite(o, btf, t, data);
		break;
	default:
		out_printf(o, "null");
		break;
	}
}

int xsk_hint__dump(const struct xsk_hint *hint, const void *pkt_data,
		   enum xsk_hint_dump_format format, char *buf, size_t len)
{
	struct dump_out o = { .buf = buf, .len = len, .format = format };
	const struct btf_type *t;
	const char *bytes;

	if (!hint || !pkt_data || !buf)
		return -EINVAL;
	if (format != XSK_HINT_DUMP_TEXT && format != XSK_HINT_DUMP_JSON)
		return -EINVAL;
	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	bytes = (const char *)pkt_data - hint->size;
	t = btf__type_by_id(hint->btf, hint->type_id);
	if (format == XSK_HINT_DUMP_JSON) {
		out_printf(&o, "{\"hint\":");
		out_string(&o, hint->name, strlen(hint->name));
		out_printf(&o, ",\"btf_id\":%u,\"fields\":", hint->type_id);
		out_composite(&o, hint->btf, t, bytes);
		out_printf(&o, "}");
	} else {
		out_printf(&o, "struct %s ", hint->name);
		out_composite(&o, hint->btf, t, bytes);
	}
	return o.truncated ? -E2BIG : (int)o.pos;
}

/* ---- loading BTF ---------------------------------------------------------- */

/*
 * libbpf >= 1.0 returns NULL and sets errno. Its own codes (4000 and up,
 * "BPF object format invalid" and the like) mean nothing to strerror():
 * they say the bytes are not what was expected, -EINVAL.
 */
static int libbpf_errno(void)
{
	int err = errno ? errno : ENOENT;

	return err >= 4000 ? -EINVAL : -err;
}

/*
 * The object's BTF belongs to the object; a copy (same type ids) makes the
 * result the caller's like every other source's, and lets the object go.
 */
static struct btf *copy_object_btf(const struct bpf_object *obj)
{
	const struct btf *obj_btf = bpf_object__btf(obj);
	const void *raw;
	__u32 raw_size;
	struct btf *btf;

	if (!obj_btf)
		return err_ptr(-ENOENT, "BPF object has no BTF (built without -g?)\n");
	errno = 0;
	raw = btf__raw_data(obj_btf, &raw_size);
	if (!raw)
		return err_ptr(libbpf_errno(), "BPF object: cannot copy its BTF\n");
	errno = 0;
	btf = btf__new(raw, raw_size);
	if (!btf)
		return err_ptr(libbpf_errno(), "BPF object: cannot copy its BTF\n");
	return btf;
}

/* The BTF the kernel keeps for program @prog_id. */
static struct btf *load_prog_btf(__u32 prog_id)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct btf *btf;
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0) {
		err = errno == ENOENT ? -ESRCH : -errno;
		pr_msg(XSK_HINTS_WARN, "BPF program id %u: %s\n", prog_id,
		       err == -ESRCH ? "no such program" : strerror(-err));
		return err_ptr(err, NULL);
	}
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &info_len) ? -errno : 0;
	close(fd);
	if (err) {
		pr_msg(XSK_HINTS_WARN, "BPF program id %u: %s\n", prog_id, strerror(-err));
		return err_ptr(err, NULL);
	}
	if (!info.btf_id) {
		pr_msg(XSK_HINTS_WARN, "BPF program id %u was loaded without BTF: its hints cannot be decoded\n",
		       prog_id);
		return err_ptr(-ENOENT, NULL);
	}
	errno = 0;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		err = libbpf_errno();
		pr_msg(XSK_HINTS_WARN, "BPF program id %u: loading its BTF (id %u): %s\n",
		       prog_id, info.btf_id, strerror(-err));
		return err_ptr(err, NULL);
	}
	return btf;
}

/* The source's own words in a message about it. */
static struct btf *loaded_or_warn(struct btf *btf, const char *what, const char *name)
{
	int err;

	if (btf)
		return btf;
	err = libbpf_errno();
	pr_msg(XSK_HINTS_WARN, "%s%s: cannot load BTF: %s\n", what, name, strerror(-err));
	return err_ptr(err, NULL);
}

struct btf *xsk_hints__load_btf(const struct xsk_hints_btf_opts *opts)
{
	int sources, err;

	if (!opts)
		return err_ptr(-EINVAL, "xsk_hints__load_btf: no options\n");
	err = check_opts(opts, opts->sz, sizeof(*opts), "xsk_hints_btf_opts");
	if (err)
		return err_ptr(err, NULL);
	sources = !!opts->obj + !!opts->file + !!opts->vmlinux +
		  !!opts->kernel_module + !!opts->prog_id;
	if (sources != 1)
		return err_ptr(-EINVAL, sources ?
			       "xsk_hints__load_btf: several BTF sources: set one\n" :
			       "xsk_hints__load_btf: no BTF source set\n");
	if (opts->base_btf && !opts->kernel_module)
		return err_ptr(-EINVAL, "xsk_hints__load_btf: base_btf goes with kernel_module only\n");

	errno = 0;
	if (opts->obj)
		return copy_object_btf(opts->obj);
	if (opts->file)
		return loaded_or_warn(btf__parse(opts->file, NULL), "", opts->file);
	if (opts->vmlinux)
		return loaded_or_warn(btf__load_vmlinux_btf(), "", "vmlinux");
	if (opts->kernel_module) {
		if (!opts->base_btf)
			return err_ptr(-EINVAL, "xsk_hints__load_btf: kernel_module needs base_btf (the vmlinux BTF)\n");
		/* libbpf's prototype takes it non-const; it only reads it. */
		return loaded_or_warn(btf__load_module_btf(opts->kernel_module,
							   (struct btf *)opts->base_btf),
				      "kernel module ", opts->kernel_module);
	}
	return load_prog_btf(opts->prog_id);
}
