// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lib_xsk_extend: dumping hints as text and JSON, and loading BTF from an
 * object, a file, vmlinux, kernel modules and a loaded program.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib_xsk_extend.h"
#include "hint_test_btf.h"

/* ---- a JSON checker: Python's parser, when there is one --------------------- */

static bool have_python(void)
{
	return system("command -v python3 >/dev/null 2>&1") == 0;
}

static bool json_parses(const char *text)
{
	/* Strict: Python's parser would accept NaN and Infinity otherwise. */
	FILE *py = popen("python3 -c 'import json,math,sys\n"
			 "def no_constant(name): raise ValueError(name)\n"
			 "def finite(text):\n"
			 "    if not math.isfinite(float(text)): raise ValueError(text)\n"
			 "    return float(text)\n"
			 "json.load(sys.stdin, parse_constant=no_constant, parse_float=finite)' 2>/dev/null",
			 "w");
	int status;

	assert_non_null(py);
	fputs(text, py);
	status = pclose(py);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void assert_valid_json(const char *text)
{
	if (!have_python()) {
		print_message("# python3 not found: JSON checked by exact match only\n");
		return;
	}
	if (!json_parses(text))
		fail_msg("not valid JSON: %s", text);
}

/* The checker itself must be able to say no. */
static void test_json_checker_rejects(void **state)
{
	(void)state;
	if (!have_python()) {
		print_message("# python3 not found: skipping\n");
		skip();
	}
	assert_true(json_parses("{\"a\":[1,2],\"b\":\"x\"}"));
	assert_false(json_parses("{\"a\":}"));
	assert_false(json_parses("{\"a\":NaN}x"));
	assert_false(json_parses("{\"a\":NaN}"));
	assert_false(json_parses("{\"a\":-Infinity}"));
	assert_false(json_parses("{\"a\":inf}"));
	assert_false(json_parses("{\"a\":1e999}"));
	assert_true(json_parses("{\"a\":1.5e300}"));
}

/* ---- dumps of the clang-built hints --------------------------------------- */

struct object_fixture {
	struct btf *btf;
	struct xsk_hints *hints;
	const struct xsk_hint *rx_time, *rich;
	unsigned char frame[FRAME_SIZE];
	struct rich_hint hint;
};

static int object_setup(void **state)
{
	struct object_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->btf = btf__parse(HINT_STRUCTS_OBJ, NULL);
	assert_non_null(f->btf);
	assert_int_equal(new_hints(f->btf, &f->hints), 0);
	f->rx_time = hints_find(f->hints, "xdp_hints_rx_time");
	f->rich = hints_find(f->hints, "xdp_hints_rich");
	assert_non_null(f->rx_time);
	assert_non_null(f->rich);
	memcpy(f->hint.ifname, "eth0", 4);
	memcpy(f->hint.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	f->hint.vlan.tci = 100;
	f->hint.vlan.proto = 0x8100;
	f->hint.temp = -40;
	f->hint.l4 = 17;
	f->hint.valid = 1;
	f->hint.flow_hash = 0x00010002;
	f->hint.btf_id = xsk_hint__btf_id(f->rich);
	*state = f;
	return 0;
}

static int object_teardown(void **state)
{
	struct object_fixture *f = *state;

	xsk_hints__free(f->hints);
	btf__free(f->btf);
	free(f);
	return 0;
}

static void test_dump_text(void **state)
{
	struct object_fixture *f = *state;
	struct { __u64 rx_ktime; __u32 cpu, btf_id; } __attribute__((packed)) hint = {
		123456789012ULL, 3, xsk_hint__btf_id(f->rx_time),
	};
	void *pkt = frame_with_hint(f->frame, &hint, sizeof(hint));
	char buf[256], expected[256];
	int len;

	snprintf(expected, sizeof(expected),
		 "struct xdp_hints_rx_time { .rx_ktime = 123456789012, "
		 ".xdp_rx_cpu = 3, .btf_id = %u }", hint.btf_id);
	len = xsk_hint__dump(f->rx_time, pkt, XSK_HINT_DUMP_TEXT, buf, sizeof(buf));
	assert_string_equal(buf, expected);
	assert_int_equal(len, strlen(expected));
}

static void test_dump_text_rich(void **state)
{
	struct object_fixture *f = *state;
	void *pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	char buf[512], expected[512];

	snprintf(expected, sizeof(expected),
		 "struct xdp_hints_rich { .ifname = \"eth0\", "
		 ".src_mac = [2, 0, 0, 0, 0, 1], .vlan = { .tci = 100, .proto = 33024 }, "
		 ".temp = -40, .l4 = 17, .valid = true, .pad = [0, 0, 0], "
		 ".flow_hash = 65538, .flow_port = 2, .btf_id = %u }", f->hint.btf_id);
	assert_true(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_TEXT, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, expected);
}

static void test_dump_json_rich(void **state)
{
	struct object_fixture *f = *state;
	void *pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	char buf[512], expected[512];
	int len;

	snprintf(expected, sizeof(expected),
		 "{\"hint\":\"xdp_hints_rich\",\"btf_id\":%u,\"fields\":{"
		 "\"ifname\":\"eth0\",\"src_mac\":[2,0,0,0,0,1],"
		 "\"vlan\":{\"tci\":100,\"proto\":33024},\"temp\":-40,\"l4\":17,"
		 "\"valid\":true,\"pad\":[0,0,0],\"flow_hash\":65538,\"flow_port\":2,"
		 "\"btf_id\":%u}}", f->hint.btf_id, f->hint.btf_id);
	len = xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_JSON, buf, sizeof(buf));
	assert_string_equal(buf, expected);
	assert_int_equal(len, strlen(expected));
	assert_valid_json(buf);
}

/* A char array that is not text stays numbers; quotes get escaped. */
static void test_dump_char_arrays(void **state)
{
	struct object_fixture *f = *state;
	char buf[512];
	void *pkt;

	memcpy(f->hint.ifname, "\x01\x02\xff\x00\x00\x00", 6);
	pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	assert_true(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_JSON, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"ifname\":[1,2,-1,0,0,0]"));
	assert_valid_json(buf);

	memcpy(f->hint.ifname, "a\"b\\c", 6);
	pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	assert_true(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_JSON, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"ifname\":\"a\\\"b\\\\c\""));
	assert_valid_json(buf);

	/* All six bytes printable, no NUL: the whole array is the string. */
	memcpy(f->hint.ifname, "enp0s3", 6);
	pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	assert_true(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_TEXT, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ".ifname = \"enp0s3\", .src_mac"));
}

static void test_dump_buffer_too_small(void **state)
{
	struct object_fixture *f = *state;
	void *pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	char full[512], buf[512];
	int len, fmt;

	for (fmt = XSK_HINT_DUMP_TEXT; fmt <= XSK_HINT_DUMP_JSON; fmt++) {
		len = xsk_hint__dump(f->rich, pkt, fmt, full, sizeof(full));
		assert_true(len > 0);
		/* Exactly enough room for the text and its NUL. */
		assert_int_equal(xsk_hint__dump(f->rich, pkt, fmt, buf, len + 1), len);
		assert_string_equal(buf, full);
		/* One byte short: truncated, still a C string. */
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(xsk_hint__dump(f->rich, pkt, fmt, buf, len), -E2BIG);
		assert_int_equal(strlen(buf), len - 1);
		assert_memory_equal(buf, full, len - 1);
		assert_int_equal(buf[len], 'X'); /* nothing written past @len */
		assert_int_equal(xsk_hint__dump(f->rich, pkt, fmt, buf, 1), -E2BIG);
		assert_string_equal(buf, "");
	}
	assert_int_equal(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_JSON, buf, 0), -EINVAL);
}

static void test_dump_bad_arguments(void **state)
{
	struct object_fixture *f = *state;
	void *pkt = frame_with_hint(f->frame, &f->hint, sizeof(f->hint));
	char buf[64];

	assert_int_equal(xsk_hint__dump(NULL, pkt, XSK_HINT_DUMP_TEXT, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(xsk_hint__dump(f->rich, NULL, XSK_HINT_DUMP_TEXT, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(xsk_hint__dump(f->rich, pkt, XSK_HINT_DUMP_TEXT, NULL, sizeof(buf)), -EINVAL);
	assert_int_equal(xsk_hint__dump(f->rich, pkt, (enum xsk_hint_dump_format)7,
					    buf, sizeof(buf)), -EINVAL);
}

/* ---- value kinds the object does not have ---------------------------------- */

struct kinds_hint {
	float ratio;
	__s32 level; /* a signed enum */
	__u8 on;     /* _Bool */
	__u8 pad[3];
	double mean;
	unsigned __int128 wide;
	__u64 ptr;
	__u32 btf_id;
} __attribute__((packed));

static struct btf *kinds_btf(const struct xsk_hint **xbi, struct xsk_hints **hints)
{
	struct test_types ty;
	struct btf *btf = test_btf_new(&ty);
	int flt = btf__add_float(btf, "float", 4);
	int dbl = btf__add_float(btf, "double", 8);
	int wide = btf__add_int(btf, "unsigned __int128", 16, 0);
	int level = btf__add_enum(btf, "level", 4);
	int pad, ptr;

	assert_true(flt > 0 && dbl > 0 && wide > 0 && level > 0);
	assert_int_equal(btf__add_enum_value(btf, "LEVEL_LOW", -2), 0);
	pad = test_array(btf, ty.u8, 3, &ty);
	ptr = btf__add_ptr(btf, ty.u32);
	assert_true(ptr > 0);
	test_struct(btf, "xdp_hints_kinds", sizeof(struct kinds_hint));
	test_field(btf, "ratio", flt, offsetof(struct kinds_hint, ratio));
	test_field(btf, "level", level, offsetof(struct kinds_hint, level));
	test_field(btf, "on", ty.boolean, offsetof(struct kinds_hint, on));
	test_field(btf, "pad", pad, offsetof(struct kinds_hint, pad));
	test_field(btf, "mean", dbl, offsetof(struct kinds_hint, mean));
	test_field(btf, "wide", wide, offsetof(struct kinds_hint, wide));
	test_field(btf, "ptr", ptr, offsetof(struct kinds_hint, ptr));
	test_field(btf, "btf_id", ty.u32, offsetof(struct kinds_hint, btf_id));
	*xbi = hint_open(btf, "xdp_hints_kinds", hints);
	assert_non_null(*xbi);
	return btf;
}

static void test_dump_value_kinds(void **state)
{
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;
	struct btf *btf = kinds_btf(&xbi, &xbi_hints);
	struct kinds_hint hint = {
		.ratio = 0.5f, .level = -2, .on = 0, .mean = NAN, .wide = 258,
		.ptr = 0xffffffffffffffffULL,
	};
	unsigned char frame[FRAME_SIZE];
	char buf[512], expected[512];
	void *pkt;

	(void)state;
	hint.btf_id = xsk_hint__btf_id(xbi);
	pkt = frame_with_hint(frame, &hint, sizeof(hint));
	snprintf(expected, sizeof(expected),
		 "{\"hint\":\"xdp_hints_kinds\",\"btf_id\":%u,\"fields\":{"
		 "\"ratio\":0.5,\"level\":-2,\"on\":false,\"pad\":[0,0,0],"
		 "\"mean\":null,\"wide\":[2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"
		 "\"ptr\":18446744073709551615,\"btf_id\":%u}}",
		 hint.btf_id, hint.btf_id);
	assert_true(xsk_hint__dump(xbi, pkt, XSK_HINT_DUMP_JSON, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, expected);
	assert_valid_json(buf);
	xsk_hints__free(xbi_hints);
	btf__free(btf);
}

/* ---- loading BTF -------------------------------------------------------------- */

static void test_load_file(void **state)
{
	struct btf *btf = NULL;
	const struct xsk_hint *xbi = NULL;
	struct xsk_hints *xbi_hints = NULL;

	(void)state;
	assert_int_equal(load_file_btf(HINT_STRUCTS_OBJ, &btf), 0);
	assert_non_null(btf);
	assert_null(btf__base_btf(btf));
	xbi = hint_open(btf, "xdp_hints_mark", &xbi_hints);
	assert_non_null(xbi);
	xsk_hints__free(xbi_hints);
	btf__free(btf);

	assert_int_equal(load_file_btf(TEST_BPF_DIR "/no_such.bpf.o", &btf), -ENOENT);
	assert_null(btf);
}

/* A file that is neither ELF nor BTF: libbpf's own code becomes -EINVAL. */
static void test_load_file_not_btf(void **state)
{
	char path[] = "/tmp/xh_not_btf_XXXXXX";
	struct btf *btf = NULL;
	int fd, err;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not BTF at all, just words\n", 27), 27);
	close(fd);
	err = load_file_btf(path, &btf);
	unlink(path);
	assert_null(btf);
	/* Never one of libbpf's private codes (4000 and up). */
	assert_true(err < 0 && err > -4000);
}

static void test_load_object(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_STRUCTS_OBJ, NULL);
	struct btf *btf = NULL;
	int rich_id;

	(void)state;
	assert_non_null(obj);
	rich_id = btf__find_by_name_kind(bpf_object__btf(obj), "xdp_hints_rich",
					 BTF_KIND_STRUCT);
	assert_true(rich_id > 0);
	{
		XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .obj = obj);

		btf = xsk_hints__load_btf(&opts);
	}
	assert_non_null(btf);
	/* The caller's own copy, as for every source, with the same type ids. */
	assert_ptr_not_equal(btf, bpf_object__btf(obj));
	bpf_object__close(obj);
	assert_int_equal(btf__find_by_name_kind(btf, "xdp_hints_rich", BTF_KIND_STRUCT),
			 rich_id);
	btf__free(btf);
}

static struct btf *load_vmlinux(void)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .vmlinux = true);

	return xsk_hints__load_btf(&opts);
}

static void test_load_vmlinux(void **state)
{
	struct btf *btf;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		print_message("# /sys/kernel/btf/vmlinux is absent: skipping\n");
		skip();
	}
	btf = load_vmlinux();
	assert_non_null(btf);
	assert_true(btf__type_cnt(btf) > 1000);
	assert_true(btf__find_by_name_kind(btf, "xdp_md", BTF_KIND_STRUCT) > 0);
	btf__free(btf);
}

/* The first module with BTF, or NULL: many kernels build everything in. */
static char *first_btf_module(void)
{
	DIR *dir = opendir("/sys/kernel/btf");
	struct dirent *entry;
	char *name = NULL;

	if (!dir)
		return NULL;
	while (!name && (entry = readdir(dir)))
		if (entry->d_name[0] != '.' && strcmp(entry->d_name, "vmlinux"))
			name = strdup(entry->d_name);
	closedir(dir);
	return name;
}

static struct btf *load_module(const char *module, const struct btf *base)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .kernel_module = module, .base_btf = base);

	return xsk_hints__load_btf(&opts);
}

static void test_load_module_missing(void **state)
{
	struct btf *base;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		print_message("# /sys/kernel/btf/vmlinux is absent: skipping\n");
		skip();
	}
	base = load_vmlinux();
	assert_non_null(base);
	assert_null(load_module("no_such_module_xh", base));
	assert_int_equal(errno, ENOENT);
	btf__free(base);
}

/* A real module's BTF, when the running kernel has one: skipped visibly
 * (counted as a skip) on kernels that build everything in, as here;
 * test_load_module_split below covers the path on every kernel. */
static void test_load_module(void **state)
{
	struct btf *btf, *base;
	char *module;

	(void)state;
	module = first_btf_module();
	if (!module) {
		print_message("# no kernel module with BTF is loaded: skipping\n");
		skip();
	}
	base = load_vmlinux();
	assert_non_null(base);
	btf = load_module(module, base);
	assert_non_null(btf);
	assert_ptr_equal(btf__base_btf(btf), base);
	btf__free(btf);
	btf__free(base);
	free(module);
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) || !ok ? -EIO : 0;
}

/*
 * Module BTF on any kernel: libbpf reads /sys/kernel/btf/<module> as split
 * BTF on top of the vmlinux BTF (btf__load_module_btf()). In a private
 * mount namespace, a tmpfs over /sys/kernel/btf holds a split BTF made
 * here with one hint whose member type comes from vmlinux; the library
 * must load it as a module, split on the base the caller gives, and find
 * the hint. Skipped (visibly) only without the right to mount.
 */
static void test_load_module_split(void **state)
{
	static const char dir[] = "/sys/kernel/btf";
	struct xsk_hints *reg = NULL;
	struct btf *vmlinux, *split, *btf = NULL;
	const void *raw;
	__u32 raw_size;
	char path[64];
	int u32_id, hint_id, err;

	(void)state;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		print_message("# no vmlinux BTF: skipping\n");
		skip();
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		print_message("# no private mount namespace (%s): skipping\n", strerror(errno));
		btf__free(vmlinux);
		skip();
	}
	u32_id = btf__find_by_name_kind(vmlinux, "u32", BTF_KIND_TYPEDEF);
	assert_true(u32_id > 0);
	split = btf__new_empty_split(vmlinux);
	assert_non_null(split);
	hint_id = btf__add_struct(split, "xdp_hints_xh_module", 8);
	assert_true(hint_id > 0);
	assert_int_equal(btf__add_field(split, "mark", u32_id, 0, 0), 0);
	assert_int_equal(btf__add_field(split, "btf_id", u32_id, 32, 0), 0);

	assert_int_equal(mount("xh_btf", dir, "tmpfs", 0, "size=64m"), 0);
	raw = btf__raw_data(split, &raw_size);
	snprintf(path, sizeof(path), "%s/xh_test_module", dir);
	err = raw ? write_file(path, raw, raw_size) : -ENOMEM;
	if (!err) {
		btf = load_module("xh_test_module", vmlinux);
		err = btf ? 0 : -errno;
	}
	/* Before any assert: the real /sys/kernel/btf again for later tests. */
	umount2(dir, MNT_DETACH);
	btf__free(split);

	assert_int_equal(err, 0);
	assert_ptr_equal(btf__base_btf(btf), vmlinux);
	assert_int_equal(btf__find_by_name_kind(btf, "xdp_hints_xh_module", BTF_KIND_STRUCT), hint_id);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hints__cnt(reg), 1);
	assert_non_null(hints_lookup(reg, hint_id));
	xsk_hints__free(reg);
	btf__free(btf);
	btf__free(vmlinux);
}

/* One source, and kernel_module with its base only. */
static void test_load_bad_arguments(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_STRUCTS_OBJ, NULL);
	XSK_HINTS_OPTS(xsk_hints_btf_opts, none, .prog_id = 0);
	XSK_HINTS_OPTS(xsk_hints_btf_opts, two, .file = HINT_STRUCTS_OBJ, .vmlinux = true);
	XSK_HINTS_OPTS(xsk_hints_btf_opts, obj_file, .obj = obj, .file = HINT_STRUCTS_OBJ);
	XSK_HINTS_OPTS(xsk_hints_btf_opts, no_base, .kernel_module = "veth");
	XSK_HINTS_OPTS(xsk_hints_btf_opts, stray_base, .file = HINT_STRUCTS_OBJ,
		       .base_btf = (const struct btf *)&none);
	const struct xsk_hints_btf_opts *bad[] = { NULL, &none, &two, &obj_file, &no_base,
						    &stray_base };
	size_t i;

	(void)state;
	assert_non_null(obj);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (xsk_hints__load_btf(bad[i]))
			fail_msg("options %zu: loaded BTF, expected EINVAL", i);
		assert_int_equal(errno, EINVAL);
	}
	bpf_object__close(obj);
}

/*
 * libbpf's rule for options: sz below the first member is no options
 * struct (-EINVAL); a larger sz from a newer caller is fine while the
 * bytes this version does not know are zero, else -EOPNOTSUPP.
 */
static void test_load_opts_sizes(void **state)
{
	struct {
		struct xsk_hints_btf_opts opts;
		__u64 newer_field;
	} newer;
	struct btf *btf;

	(void)state;
	memset(&newer, 0, sizeof(newer));
	newer.opts.sz = sizeof(newer);
	newer.opts.file = HINT_STRUCTS_OBJ;
	btf = xsk_hints__load_btf(&newer.opts);
	assert_non_null(btf);
	btf__free(btf);

	newer.newer_field = 1;
	assert_null(xsk_hints__load_btf(&newer.opts));
	assert_int_equal(errno, EOPNOTSUPP);

	newer.opts.sz = 4;
	assert_null(xsk_hints__load_btf(&newer.opts));
	assert_int_equal(errno, EINVAL);

	/* The same rule for xsk_hints__new()'s options. */
	{
		struct {
			struct xsk_hints_opts opts;
			__u32 newer_field;
		} hopts;

		memset(&hopts, 0, sizeof(hopts));
		hopts.opts.sz = sizeof(hopts);
		hopts.newer_field = 7;
		btf = btf__parse(HINT_STRUCTS_OBJ, NULL);
		assert_non_null(btf);
		assert_null(xsk_hints__new(btf, &hopts.opts));
		assert_int_equal(errno, EOPNOTSUPP);
		btf__free(btf);
	}
}

static char printed[4096];
static int print_levels;

static int capture_print(enum xsk_hints_print_level level, const char *format, va_list args)
{
	size_t used = strlen(printed);

	print_levels |= 1 << level;
	vsnprintf(printed + used, sizeof(printed) - used, format, args);
	return 0;
}

/*
 * Why a struct is no hint and why a load failed come through the print
 * function, in words, one line each; nothing is printed without one.
 */
static void test_print_callback(void **state)
{
	struct btf *btf = btf__parse(HINT_STRUCTS_OBJ, NULL), *missing;
	xsk_hints_print_fn_t old;
	struct xsk_hints *reg;

	(void)state;
	assert_non_null(btf);
	printed[0] = '\0';
	print_levels = 0;
	old = xsk_hints_set_print(capture_print);
	reg = xsk_hints__new(btf, NULL);
	assert_non_null(reg);
	assert_non_null(strstr(printed, "struct xdp_hints_field_after_btf_id (btf_id "));
	assert_non_null(strstr(printed, "is not an XDP-hint: a member follows btf_id"));
	assert_non_null(strstr(printed, "xdp_hints_tail_padding"));
	assert_true(print_levels & (1 << XSK_HINTS_DEBUG));
	assert_int_equal(load_file_btf("/nonexistent/xh.o", &missing) < 0, 1);
	assert_non_null(strstr(printed, "/nonexistent/xh.o: cannot load BTF: "));
	assert_true(print_levels & (1 << XSK_HINTS_WARN));
	assert_ptr_equal(xsk_hints_set_print(old), capture_print);
	xsk_hints__free(reg);
	btf__free(btf);
}

/* The program's id, as another process would find it (bpftool prog show). */
static __u32 prog_id_of(int prog_fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_get_info_by_fd(prog_fd, &info, &len), 0);
	assert_true(info.id > 0);
	return info.id;
}

static struct btf *load_prog(__u32 prog_id)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .prog_id = prog_id);

	return xsk_hints__load_btf(&opts);
}

/*
 * The BTF the kernel keeps for a loaded program, found from its id alone:
 * the hints and their ids are the object's own, so frames that program
 * stamps decode with it.
 */
static void test_load_from_prog(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(HINT_STRUCTS_OBJ, NULL);
	struct xsk_hints *reg = NULL;
	struct bpf_program *prog;
	struct btf *btf;
	int object_id;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	prog = bpf_object__find_program_by_name(obj, "write_rx_time_hint");
	assert_non_null(prog);
	object_id = btf__find_by_name_kind(bpf_object__btf(obj), "xdp_hints_rx_time",
					   BTF_KIND_STRUCT);
	assert_true(object_id > 0);

	btf = load_prog(prog_id_of(bpf_program__fd(prog)));
	assert_non_null(btf);
	assert_int_equal(new_hints(btf, &reg), 0);
	assert_int_equal(xsk_hint__btf_id(hints_find(reg, "xdp_hints_rx_time")),
			 object_id);
	xsk_hints__free(reg);
	btf__free(btf);
	bpf_object__close(obj);
}

static void test_load_from_prog_errors(void **state)
{
	/* r0 = XDP_PASS; exit: a program loaded without any BTF. */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	(void)state;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "no_btf", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	assert_true(fd >= 0);
	assert_null(load_prog(prog_id_of(fd)));
	assert_int_equal(errno, ENOENT);
	close(fd);
	/* Program ids count up from 1 and are never reused soon: this one is free. */
	assert_null(load_prog(0x7ffffff0u));
	assert_int_equal(errno, ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker_rejects),
		cmocka_unit_test_setup_teardown(test_dump_text, object_setup, object_teardown),
		cmocka_unit_test_setup_teardown(test_dump_text_rich, object_setup, object_teardown),
		cmocka_unit_test_setup_teardown(test_dump_json_rich, object_setup, object_teardown),
		cmocka_unit_test_setup_teardown(test_dump_char_arrays, object_setup, object_teardown),
		cmocka_unit_test_setup_teardown(test_dump_buffer_too_small, object_setup, object_teardown),
		cmocka_unit_test_setup_teardown(test_dump_bad_arguments, object_setup, object_teardown),
		cmocka_unit_test(test_dump_value_kinds),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_file_not_btf),
		cmocka_unit_test(test_load_object),
		cmocka_unit_test(test_load_vmlinux),
		cmocka_unit_test(test_load_module_missing),
		cmocka_unit_test(test_load_module),
		cmocka_unit_test(test_load_module_split),
		cmocka_unit_test(test_load_bad_arguments),
		cmocka_unit_test(test_load_opts_sizes),
		cmocka_unit_test(test_print_callback),
		cmocka_unit_test(test_load_from_prog),
		cmocka_unit_test(test_load_from_prog_errors),
	};

	return cmocka_run_group_tests_name("lib_xsk_extend dump and load", tests, NULL, NULL);
}
