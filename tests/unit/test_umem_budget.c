// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The UMEM memory check without touching the system: sizes, the decision
 * between MemAvailable, the memory cgroup and RLIMIT_MEMLOCK, the refusal
 * line, and the parsing of /proc/meminfo, /proc/self/cgroup, mountinfo and
 * a cgroup tree built in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "umem_budget.h"

#define MiB (1024ULL * 1024)

static const struct umem_request four_queues = { .queues = 4, .frames = 4096, .frame_size = 4096 };

static struct umem_limits no_limits(void)
{
	struct umem_limits l;

	memset(&l, 0, sizeof(l));
	l.mem_available = l.cgroup_room = l.memlock = UMEM_NO_LIMIT;
	return l;
}

static void expect_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("'%s' does not contain '%s'", text, needle);
}

static void sizes(void **state)
{
	struct umem_request big = { .queues = 256, .frames = 1048576, .frame_size = 4096 };

	(void)state;
	assert_int_equal(umem_pinned_bytes(&four_queues), 64 * MiB);
	/* 48 bytes of ring entries per frame at most, and the kernel's
	 * 128-byte descriptor per frame of each socket's UMEM. */
	assert_int_equal(umem_kernel_bytes(&four_queues), 4ULL * 4096 * 128);
	assert_int_equal(umem_total_bytes(&four_queues),
			 64 * MiB + 4ULL * 4096 * (48 + 128) + 4 * RX_QUEUE_STATE_BYTES);
	/* 1 TiB: no 32-bit overflow on the way. */
	assert_int_equal(umem_pinned_bytes(&big), 1024ULL * 1024 * MiB);
}

/* --umem shared: one UMEM pinned once, every socket's rings sized to what
 * one queue may own. */
static void sizes_shared(void **state)
{
	struct umem_request shared = { .queues = 128, .umems = 1, .frames = 32768,
				       .frame_size = 2048, .ring_entries = 1024 };
	struct umem_request per_queue = { .queues = 128, .umems = 128, .frames = 256,
					  .frame_size = 2048, .ring_entries = 256 };
	struct umem_limits l = no_limits();
	struct umem_verdict v;
	char line[512];

	(void)state;
	assert_int_equal(umem_pinned_bytes(&shared), 64 * MiB);
	assert_int_equal(umem_pinned_bytes(&per_queue), 64 * MiB);
	/* Each of the 128 sockets of the shared UMEM has a kernel descriptor
	 * for each of its 32768 frames: 512 MiB; per-queue, 4 MiB. */
	assert_int_equal(umem_kernel_bytes(&shared), 512 * MiB);
	assert_int_equal(umem_kernel_bytes(&per_queue), 4 * MiB);
	/* And 256 KiB of the receiver's own per queue: 32 MiB. */
	assert_int_equal(umem_total_bytes(&shared),
			 64 * MiB + 128ULL * 1024 * 48 + 512 * MiB + 32 * MiB);
	assert_int_equal(umem_total_bytes(&per_queue),
			 64 * MiB + 128ULL * 256 * 48 + 4 * MiB + 32 * MiB);
	/* Without CAP_IPC_LOCK the one UMEM's pages count once. */
	l.memlock = 63 * MiB;
	assert_int_equal(umem_budget_check(&shared, &l, &v), UMEM_OVER_MEMLOCK);
	assert_int_equal(v.requested, 64 * MiB);
	umem_budget_describe(&shared, &l, &v, line, sizeof(line));
	expect_contains(line, "one UMEM of 32768 frames x 2048 bytes shared by 128 queue(s) pins 64.0 MiB");
	l.memlock = 64 * MiB;
	assert_int_equal(umem_budget_check(&shared, &l, &v), UMEM_FITS);
}

static void fits_without_limits(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;

	(void)state;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_FITS);
	assert_int_equal(v.requested, umem_total_bytes(&four_queues));
}

static void over_mem_available(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;

	(void)state;
	l.mem_available = 32 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_MEM_AVAILABLE);
	assert_int_equal(v.requested, umem_total_bytes(&four_queues));
	assert_int_equal(v.allowed, 32 * MiB);
	/* Exactly what is available, rings included, still fits. */
	l.mem_available = umem_total_bytes(&four_queues);
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_FITS);
}

static void over_cgroup(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;

	(void)state;
	l.cgroup_room = 64 * MiB + 1; /* the UMEM fits, not with its rings */
	l.mem_available = 1024 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_CGROUP);
	assert_int_equal(v.allowed, 64 * MiB + 1);
}

/* RLIMIT_MEMLOCK counts the UMEM pages only, not the rings. */
static void memlock_counts_pinned_pages(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;

	(void)state;
	l.memlock = 64 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_FITS);
	l.memlock = 64 * MiB - 1;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_MEMLOCK);
	assert_int_equal(v.requested, 64 * MiB);
	assert_int_equal(v.allowed, 64 * MiB - 1);
}

static void tightest_limit_named(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;

	(void)state;
	l.mem_available = 20 * MiB;
	l.cgroup_room = 10 * MiB;
	l.memlock = 30 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_CGROUP);
	l.memlock = 8 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_MEMLOCK);
	l.mem_available = 1 * MiB;
	assert_int_equal(umem_budget_check(&four_queues, &l, &v), UMEM_OVER_MEM_AVAILABLE);
}

static void refusal_lines(void **state)
{
	struct umem_limits l = no_limits();
	struct umem_verdict v;
	char line[1024];

	(void)state;
	l.memlock = 8 * MiB;
	umem_budget_check(&four_queues, &l, &v);
	umem_budget_describe(&four_queues, &l, &v, line, sizeof(line));
	expect_contains(line, "4 queue(s) x 4096 frames x 4096 bytes");
	expect_contains(line, "pins 64.0 MiB");
	expect_contains(line, "RLIMIT_MEMLOCK (8.0 MiB)");
	expect_contains(line, "CAP_IPC_LOCK");
	expect_contains(line, "fewer --frames");
	assert_null(strchr(line, '\n'));

	l = no_limits();
	l.cgroup_room = 40 * MiB;
	snprintf(l.cgroup_dir, sizeof(l.cgroup_dir), "/sys/fs/cgroup/job");
	snprintf(l.cgroup_files, sizeof(l.cgroup_files), "memory.max - memory.current");
	umem_budget_check(&four_queues, &l, &v);
	umem_budget_describe(&four_queues, &l, &v, line, sizeof(line));
	expect_contains(line, "needs 67.8 MiB with its rings, kernel buffers and queue state");
	expect_contains(line, "40.0 MiB left in memory cgroup /sys/fs/cgroup/job (memory.max - memory.current)");
	expect_contains(line, "--frame-size");

	l = no_limits();
	l.mem_available = 10 * MiB;
	umem_budget_check(&four_queues, &l, &v);
	umem_budget_describe(&four_queues, &l, &v, line, sizeof(line));
	expect_contains(line, "10.0 MiB of memory available (MemAvailable");

	/* Truncation stays a terminated string. */
	umem_budget_describe(&four_queues, &l, &v, line, 20);
	assert_int_equal(strlen(line), 19);
}

/* The default UMEM: a 64 MiB budget shared out, 4096 frames at most, the
 * floor above it; 2048-byte frames while the MTU's frame fits. */
static void share_out_default(void **state)
{
	struct umem_share_request req = { .queues = 64, .mtu = 1500, .min_frames = 256 };
	struct umem_share s;
	char line[256];

	(void)state;
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 512);
	assert_int_equal(s.frame_size, 2048);
	assert_int_equal(s.reason, UMEM_SHARE_SHARED);
	assert_true(s.frame_size_chosen);
	umem_share_describe(&s, 64, line, sizeof(line));
	expect_contains(line, "budget 64 MiB shared by 64 queue(s); -f/--frames to change");

	req.queues = 128; /* exactly the floor: 128 x 256 x 2048 = 64 MiB */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 256);
	assert_int_equal(s.reason, UMEM_SHARE_SHARED);
	req.queues = 256; /* under the floor: the floor wins, and says so */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 256);
	assert_int_equal(s.reason, UMEM_SHARE_FLOOR);
	umem_share_describe(&s, 256, line, sizeof(line));
	expect_contains(line, "256 frames per queue at least");
	req.queues = 1; /* 32768 would fit: capped at 4096 */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 4096);
	assert_int_equal(s.reason, UMEM_SHARE_CAPPED);
	umem_share_describe(&s, 1, line, sizeof(line));
	expect_contains(line, "at most 4096 frames per queue, within the 64 MiB budget");
	req.queues = 3; /* 10922 per queue: capped */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 4096);
	req.queues = 24; /* 1365 per queue: the power of two below */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 1024);
	assert_int_equal(s.reason, UMEM_SHARE_SHARED);
	assert_true(umem_pinned_bytes(&(struct umem_request){ .queues = 24, .frames = s.frames,
							       .frame_size = s.frame_size }) <=
		    UMEM_SHARE_BUDGET);
}

static void share_out_frame_size_and_given(void **state)
{
	struct umem_share_request req = { .queues = 64, .mtu = 1500, .min_frames = 256 };
	struct umem_share s;
	char line[256];

	(void)state;
	/* 1774 + 18 + 256 = 2048: the largest MTU a 2048-byte frame holds. */
	req.mtu = 1774;
	umem_share_out(&req, &s);
	assert_int_equal(s.frame_size, 2048);
	req.mtu = 1775;
	umem_share_out(&req, &s);
	assert_int_equal(s.frame_size, 4096);
	assert_int_equal(s.frames, 256); /* 64 MiB / 64 / 4096 */
	/* The UMEM headroom counts too: 1600 + 18 + 256 + 256 > 2048. */
	req.mtu = 1600;
	req.frame_headroom = 256;
	umem_share_out(&req, &s);
	assert_int_equal(s.frame_size, 4096);
	req.frame_headroom = 0;
	umem_share_out(&req, &s);
	assert_int_equal(s.frame_size, 2048);
	req.mtu = 1500;
	/* Given values win. */
	req.frame_size = 4096;
	umem_share_out(&req, &s);
	assert_int_equal(s.frame_size, 4096);
	assert_false(s.frame_size_chosen);
	req.frame_size = 0;
	req.frames = 64;
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 64);
	assert_int_equal(s.reason, UMEM_SHARE_GIVEN);
	umem_share_describe(&s, 4, line, sizeof(line));
	expect_contains(line, "-f/--frames 64 per queue, as given");
	/* A floor above the cap (a large --tx-batch) wins. */
	req.frames = 0;
	req.queues = 1;
	req.min_frames = 8192;
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 8192);
	assert_int_equal(s.reason, UMEM_SHARE_FLOOR);
}

static void share_out_shared(void **state)
{
	struct umem_share_request req = { .queues = 128, .shared = true, .mtu = 1500,
					  .min_frames = 256 };
	struct umem_share s;
	char line[256];

	(void)state;
	/* The budget's total: what per-queue would map for 128 queues. */
	umem_share_out(&req, &s);
	assert_int_equal(s.frames, 256);
	assert_int_equal(s.total_frames, 32768);
	req.queues = 1; /* capped at 4096 per queue, as per-queue */
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 4096);
	/* Said of the total, not of a queue (a queue may own more). */
	req.queues = 4;
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 16384);
	umem_share_describe(&s, 4, line, sizeof(line));
	expect_contains(line, "4 queue(s) x at most 4096 frames, within the 64 MiB budget");
	req.queues = 3; /* 3 x 4096: the power of two below */
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 8192);
	/* -f/--frames is the total; the per-queue share (for a fall-back)
	 * its even part, at least the floor. */
	req.queues = 64;
	req.frames = 65536;
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 65536);
	assert_int_equal(s.frames, 1024);
	assert_int_equal(s.reason, UMEM_SHARE_GIVEN);
	umem_share_describe(&s, 64, line, sizeof(line));
	expect_contains(line, "-f/--frames 65536, the total of the shared UMEM, as given");
	req.frames = 4096;
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 4096);
	assert_int_equal(s.frames, 256);
	/* Per-queue: no total. */
	req.shared = false;
	umem_share_out(&req, &s);
	assert_int_equal(s.total_frames, 0);
	assert_int_equal(s.frames, 4096);
}

static void parse_meminfo(void **state)
{
	__u64 bytes = 0;

	(void)state;
	assert_int_equal(umem_parse_mem_available("MemTotal:       32000000 kB\n"
						  "MemFree:         1000000 kB\n"
						  "MemAvailable:   23992884 kB\n"
						  "Buffers:          123 kB\n", &bytes), 0);
	assert_int_equal(bytes, 23992884ULL * 1024);
	assert_int_equal(umem_parse_mem_available("MemAvailable: 5 kB", &bytes), 0);
	assert_int_equal(bytes, 5120);
	assert_int_equal(umem_parse_mem_available("MemTotal: 1 kB\nMemFree: 1 kB\n", &bytes), -ENOENT);
	assert_int_equal(umem_parse_mem_available("MemAvailable: lots\n", &bytes), -EINVAL);
}

static void parse_cgroup_values(void **state)
{
	__u64 bytes = 0;

	(void)state;
	assert_int_equal(umem_parse_cgroup_value("max\n", &bytes), 0);
	assert_true(bytes == UMEM_NO_LIMIT);
	assert_int_equal(umem_parse_cgroup_value("67108864\n", &bytes), 0);
	assert_int_equal(bytes, 64 * MiB);
	assert_int_equal(umem_parse_cgroup_value("9223372036854771712\n", &bytes), 0);
	assert_true(bytes == UMEM_NO_LIMIT);
	assert_int_equal(umem_parse_cgroup_value("0", &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(umem_parse_cgroup_value("", &bytes), -EINVAL);
	assert_int_equal(umem_parse_cgroup_value("-1\n", &bytes), -EINVAL);
	assert_int_equal(umem_parse_cgroup_value("12 kB\n", &bytes), -EINVAL);
}

static void parse_proc_cgroup(void **state)
{
	static const char hybrid[] = "9:name=systemd:/\n"
				     "4:memory:/process_api/c60b\n"
				     "3:cpu,cpuacct:/a\n"
				     "0::/user.slice/job\n";
	char path[64];

	(void)state;
	assert_int_equal(umem_parse_proc_cgroup(hybrid, NULL, path, sizeof(path)), 0);
	assert_string_equal(path, "/user.slice/job");
	assert_int_equal(umem_parse_proc_cgroup(hybrid, "memory", path, sizeof(path)), 0);
	assert_string_equal(path, "/process_api/c60b");
	assert_int_equal(umem_parse_proc_cgroup(hybrid, "cpuacct", path, sizeof(path)), 0);
	assert_string_equal(path, "/a");
	assert_int_equal(umem_parse_proc_cgroup(hybrid, "mem", path, sizeof(path)), -ENOENT);
	assert_int_equal(umem_parse_proc_cgroup("4:memory:/x\n", NULL, path, sizeof(path)), -ENOENT);
	assert_int_equal(umem_parse_proc_cgroup(hybrid, "memory", path, 5), -ENAMETOOLONG);
}

static void cgroup_dir_from_mountinfo(void **state)
{
	static const char mountinfo[] =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
	char dir[128], top[128];

	(void)state;
	assert_int_equal(umem_cgroup_dir(mountinfo, NULL, "/user.slice/job", dir, top, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/unified/user.slice/job");
	assert_string_equal(top, "/sys/fs/cgroup/unified");
	/* A v1 mount showing the hierarchy from /docker/abc down. */
	assert_int_equal(umem_cgroup_dir(mountinfo, "memory", "/docker/abc/sub", dir, top, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/memory/sub");
	assert_int_equal(umem_cgroup_dir(mountinfo, "memory", "/docker/abc", dir, top, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/memory");
	/* Outside what the mount shows, or a name that only starts alike. */
	assert_int_equal(umem_cgroup_dir(mountinfo, "memory", "/other", dir, top, sizeof(dir)), -ENOENT);
	assert_int_equal(umem_cgroup_dir(mountinfo, "memory", "/docker/abcd", dir, top, sizeof(dir)), -ENOENT);
	assert_int_equal(umem_cgroup_dir(mountinfo, "pids", "/", dir, top, sizeof(dir)), -ENOENT);
	assert_int_equal(umem_cgroup_dir("", NULL, "/", dir, top, sizeof(dir)), -ENOENT);
}

static char root[64];

static void put(const char *rel, const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	mkdir(path, 0700);
	if (!file)
		return;
	snprintf(path, sizeof(path), "%s%s/%s", root, rel, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* top (the root cgroup: no files) / a / b / c, limits on a and c. */
static void cgroup_walk_finds_tightest_ancestor(void **state)
{
	char leaf[128], which[128], cmd[128];
	__u64 room = 0;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/xh-cgroup.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("/a", "memory.max", "1000\n");
	put("/a", "memory.current", "600\n");
	put("/a/b", "memory.max", "max\n");
	put("/a/b", "memory.current", "50\n");
	put("/a/b/c", "memory.max", "2000\n");
	put("/a/b/c", "memory.current", "1500\n");
	snprintf(leaf, sizeof(leaf), "%s/a/b/c", root);

	assert_int_equal(umem_cgroup_room(leaf, root, "memory.max", "memory.current", &room,
					  which, sizeof(which)), 0);
	assert_int_equal(room, 400); /* a: 1000 - 600 beats c: 2000 - 1500 */
	assert_int_equal(strncmp(which, root, strlen(root)), 0);
	assert_string_equal(which + strlen(root), "/a");

	put("/a/b/c", "memory.current", "2100\n"); /* over its limit: no room */
	assert_int_equal(umem_cgroup_room(leaf, root, "memory.max", "memory.current", &room,
					  which, sizeof(which)), 0);
	assert_int_equal(room, 0);
	assert_string_equal(which + strlen(root), "/a/b/c");

	/* Only c's own limit when the walk stops at b (a mount root). */
	put("/a/b/c", "memory.current", "1900\n");
	snprintf(cmd, sizeof(cmd), "%s/a/b/", root);
	assert_int_equal(umem_cgroup_room(leaf, cmd, "memory.max", "memory.current", &room,
					  which, sizeof(which)), 0);
	assert_int_equal(room, 100);

	/* The v1 names, absent here: no limit anywhere. */
	assert_int_equal(umem_cgroup_room(leaf, root, "memory.limit_in_bytes",
					  "memory.usage_in_bytes", &room, which, sizeof(which)), 0);
	assert_true(room == UMEM_NO_LIMIT);
	assert_string_equal(which, "");

	assert_int_equal(umem_cgroup_room("/elsewhere", root, "memory.max", "memory.current",
					  &room, which, sizeof(which)), -EINVAL);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(sizes_shared),
		cmocka_unit_test(fits_without_limits),
		cmocka_unit_test(over_mem_available),
		cmocka_unit_test(over_cgroup),
		cmocka_unit_test(memlock_counts_pinned_pages),
		cmocka_unit_test(tightest_limit_named),
		cmocka_unit_test(refusal_lines),
		cmocka_unit_test(share_out_default),
		cmocka_unit_test(share_out_frame_size_and_given),
		cmocka_unit_test(share_out_shared),
		cmocka_unit_test(parse_meminfo),
		cmocka_unit_test(parse_cgroup_values),
		cmocka_unit_test(parse_proc_cgroup),
		cmocka_unit_test(cgroup_dir_from_mountinfo),
		cmocka_unit_test(cgroup_walk_finds_tightest_ancestor),
	};

	return cmocka_run_group_tests_name("umem_budget", tests, NULL, NULL);
}
