// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "frame_fit.h"
#include "umem_budget.h"

/* Ring entries: fill and completion hold a 64-bit address, RX and TX a
 * struct xdp_desc (16 bytes); none holds more entries than frames. */
#define RING_BYTES_PER_FRAME (8 + 8 + 16 + 16)

static double mib(__u64 bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

__u64 umem_pinned_bytes(const struct umem_request *req)
{
	return (__u64)req->frames * req->frame_size * (req->umems ? req->umems : req->queues);
}

__u64 umem_kernel_bytes(const struct umem_request *req)
{
	/* Every socket's buffer pool covers every frame of its UMEM. */
	return (__u64)req->queues * req->frames * XSK_KERNEL_BYTES_PER_FRAME;
}

__u64 umem_total_bytes(const struct umem_request *req)
{
	__u64 entries = req->ring_entries ? req->ring_entries : req->frames;

	return umem_pinned_bytes(req) + entries * RING_BYTES_PER_FRAME * req->queues +
	       umem_kernel_bytes(req) + req->queues * RX_QUEUE_STATE_BYTES;
}

/* The largest power of two <= @v (@v >= 1). */
static __u64 pow2_floor(__u64 v)
{
	__u64 p = 1;

	while (p <= v / 2)
		p *= 2;
	return p;
}

void umem_share_out(const struct umem_share_request *req, struct umem_share *share)
{
	__u32 queues = req->queues ? req->queues : 1;
	__u64 per_queue;

	share->frame_size_chosen = !req->frame_size;
	share->frame_size = req->frame_size;
	/* 2048 halves the memory whenever the longest frame still fits one
	 * UMEM frame after both headrooms; multi-buffer frames (MTU 9000)
	 * take fewer buffers with 4096. */
	if (!share->frame_size)
		share->frame_size = frame_fit_mtu_frame_len(req->mtu) <=
						    frame_fit_max_len(2048, req->frame_headroom)
					    ? 2048
					    : 4096;
	share->total_frames = 0;
	if (req->frames && req->shared) {
		share->total_frames = req->frames;
		share->frames = (__u32)pow2_floor(req->frames / queues ? req->frames / queues : 1);
		if (share->frames < req->min_frames)
			share->frames = req->min_frames;
		share->reason = UMEM_SHARE_GIVEN;
		return;
	}
	if (req->frames) {
		share->frames = req->frames;
		share->reason = UMEM_SHARE_GIVEN;
		return;
	}
	per_queue = UMEM_SHARE_BUDGET / share->frame_size / queues;
	if (per_queue >= UMEM_SHARE_FRAMES_MAX) {
		share->frames = UMEM_SHARE_FRAMES_MAX;
		share->reason = UMEM_SHARE_CAPPED;
	} else if (per_queue < req->min_frames) {
		share->frames = req->min_frames;
		share->reason = UMEM_SHARE_FLOOR;
	} else {
		share->frames = (__u32)pow2_floor(per_queue);
		share->reason = UMEM_SHARE_SHARED;
	}
	if (share->frames < req->min_frames) { /* a floor above the cap */
		share->frames = req->min_frames;
		share->reason = UMEM_SHARE_FLOOR;
	}
	if (req->shared)
		share->total_frames = (__u32)pow2_floor((__u64)share->frames * queues);
}

void umem_share_describe(const struct umem_share *share, __u32 queues, char *buf, size_t len)
{
	unsigned int budget_mib = (unsigned int)(UMEM_SHARE_BUDGET >> 20);

	switch (share->reason) {
	case UMEM_SHARE_GIVEN:
		if (share->total_frames)
			snprintf(buf, len, "-f/--frames %u, the total of the shared UMEM, as given",
				 share->total_frames);
		else
			snprintf(buf, len, "-f/--frames %u per queue, as given", share->frames);
		break;
	case UMEM_SHARE_SHARED:
		snprintf(buf, len, "budget %u MiB shared by %u queue(s); -f/--frames to change",
			 budget_mib, queues);
		break;
	case UMEM_SHARE_CAPPED:
		if (share->total_frames)
			snprintf(buf, len, "%u queue(s) x at most %u frames, within the %u MiB budget; -f/--frames to change",
				 queues, UMEM_SHARE_FRAMES_MAX, budget_mib);
		else
			snprintf(buf, len, "at most %u frames per queue, within the %u MiB budget; -f/--frames to change",
				 UMEM_SHARE_FRAMES_MAX, budget_mib);
		break;
	case UMEM_SHARE_FLOOR:
		snprintf(buf, len, "%u frames per queue at least, a full RX ring plus one batch: over the %u MiB budget shared by %u queue(s); -f/--frames to change",
			 share->frames, budget_mib, queues);
		break;
	}
}

/* Keep the limit that allows least among those exceeded. */
static void consider(struct umem_verdict *v, enum umem_limit_kind kind, __u64 requested,
		     __u64 allowed)
{
	if (allowed == UMEM_NO_LIMIT || requested <= allowed)
		return;
	if (v->over != UMEM_FITS && v->allowed <= allowed)
		return;
	v->over = kind;
	v->requested = requested;
	v->allowed = allowed;
}

enum umem_limit_kind umem_budget_check(const struct umem_request *req,
				       const struct umem_limits *limits,
				       struct umem_verdict *verdict)
{
	__u64 total = umem_total_bytes(req);

	memset(verdict, 0, sizeof(*verdict));
	verdict->over = UMEM_FITS;
	verdict->requested = total;
	consider(verdict, UMEM_OVER_MEMLOCK, umem_pinned_bytes(req), limits->memlock);
	consider(verdict, UMEM_OVER_CGROUP, total, limits->cgroup_room);
	consider(verdict, UMEM_OVER_MEM_AVAILABLE, total, limits->mem_available);
	return verdict->over;
}

void umem_budget_describe(const struct umem_request *req, const struct umem_limits *limits,
			  const struct umem_verdict *verdict, char *buf, size_t len)
{
	static const char fewer[] =
		"use fewer --frames, fewer queues (-Q N binds one) or a smaller --frame-size";
	int w = req->umems == 1 && req->queues > 1 ?
		snprintf(buf, len, "one UMEM of %u frames x %u bytes shared by %u queue(s)",
			 req->frames, req->frame_size, req->queues) :
		snprintf(buf, len, "UMEM of %u queue(s) x %u frames x %u bytes", req->queues,
			 req->frames, req->frame_size);
	size_t used = w < 0 ? 0 : (size_t)w;

	if (used >= len)
		return;
	buf += used;
	len -= used;
	switch (verdict->over) {
	case UMEM_OVER_MEMLOCK:
		snprintf(buf, len,
			 " pins %.1f MiB, more than RLIMIT_MEMLOCK (%.1f MiB) allows without CAP_IPC_LOCK: %s, raise the limit ('ulimit -l'), or grant CAP_IPC_LOCK",
			 mib(verdict->requested), mib(verdict->allowed), fewer);
		break;
	case UMEM_OVER_CGROUP:
		snprintf(buf, len,
			 " needs %.1f MiB with its rings, kernel buffers and queue state, more than the %.1f MiB left in memory cgroup %s (%s): %s, or raise that limit",
			 mib(verdict->requested), mib(verdict->allowed), limits->cgroup_dir,
			 limits->cgroup_files, fewer);
		break;
	case UMEM_OVER_MEM_AVAILABLE:
		snprintf(buf, len,
			 " needs %.1f MiB with its rings, kernel buffers and queue state, more than the %.1f MiB of memory available (MemAvailable, /proc/meminfo): %s",
			 mib(verdict->requested), mib(verdict->allowed), fewer);
		break;
	case UMEM_FITS:
		snprintf(buf, len, " needs %.1f MiB with its rings, kernel buffers and queue state: fits",
			 mib(verdict->requested));
		break;
	}
}

int umem_parse_mem_available(const char *meminfo, __u64 *bytes)
{
	static const char key[] = "MemAvailable:";
	unsigned long long kib;

	for (const char *line = meminfo; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		if (sscanf(line + sizeof(key) - 1, "%llu kB", &kib) != 1)
			return -EINVAL;
		*bytes = (__u64)kib * 1024;
		return 0;
	}
	return -ENOENT;
}

int umem_parse_cgroup_value(const char *text, __u64 *bytes)
{
	unsigned long long value;
	char *end;

	if (!strcmp(text, "max\n") || !strcmp(text, "max")) {
		*bytes = UMEM_NO_LIMIT;
		return 0;
	}
	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || (*end && strcmp(end, "\n")))
		return -EINVAL;
	/* v1 writes "no limit" as LONG_MAX rounded down to a page
	 * (PAGE_COUNTER_MAX x PAGE_SIZE): no machine has 2^62 bytes. */
	*bytes = value >= 1ULL << 62 ? UMEM_NO_LIMIT : value;
	return 0;
}

/* true when the comma-separated @list holds @word. */
static bool list_has(const char *list, size_t list_len, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p < list + list_len;) {
		const char *comma = memchr(p, ',', (size_t)(list + list_len - p));
		size_t item = comma ? (size_t)(comma - p) : (size_t)(list + list_len - p);

		if (item == n && !strncmp(p, word, n))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

int umem_parse_proc_cgroup(const char *proc_cgroup, const char *controller,
			   char *path, size_t len)
{
	for (const char *line = proc_cgroup; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2) {
			bool v2_line = c1 - line == 1 && line[0] == '0' && c2 == c1 + 1;
			bool match = controller ? list_has(c1 + 1, (size_t)(c2 - c1 - 1), controller)
						: v2_line;

			if (match) {
				if ((size_t)(end - c2 - 1) >= len)
					return -ENAMETOOLONG;
				memcpy(path, c2 + 1, (size_t)(end - c2 - 1));
				path[end - c2 - 1] = '\0';
				return 0;
			}
		}
		line = *end ? end + 1 : NULL;
	}
	return -ENOENT;
}

int umem_cgroup_dir(const char *mountinfo, const char *controller, const char *cgroup_path,
		    char *dir, char *top, size_t len)
{
	char root[PATH_MAX], mount_point[PATH_MAX], fstype[64], super[512];

	for (const char *line = mountinfo; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *sep = strstr(line, " - ");
		size_t root_len;
		bool match;

		/* ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS ... - FSTYPE SOURCE SUPER-OPTIONS
		 * (Documentation/filesystems/proc.rst, /proc/<pid>/mountinfo) */
		if (sep && sep < end &&
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, mount_point) == 2 &&
		    sscanf(sep, " - %63s %*s %511s", fstype, super) == 2) {
			match = controller ? !strcmp(fstype, "cgroup") &&
						     list_has(super, strlen(super), controller)
					   : !strcmp(fstype, "cgroup2");
			root_len = strcmp(root, "/") ? strlen(root) : 0;
			/* The mount shows the hierarchy from ROOT down: our
			 * cgroup must be inside it to be reachable. */
			if (match && !strncmp(cgroup_path, root, root_len) &&
			    (cgroup_path[root_len] == '/' || !cgroup_path[root_len])) {
				if (snprintf(top, len, "%s", mount_point) >= (int)len ||
				    snprintf(dir, len, "%s%s", mount_point,
					     cgroup_path + root_len) >= (int)len)
					return -ENAMETOOLONG;
				return 0;
			}
		}
		line = *end ? end + 1 : NULL;
	}
	return -ENOENT;
}

static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

static int read_value(const char *dir, const char *file, __u64 *value)
{
	char path[PATH_MAX], text[64];
	int err;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	err = read_text(path, text, sizeof(text));
	return err ? err : umem_parse_cgroup_value(text, value);
}

int umem_cgroup_room(const char *leaf_dir, const char *top_dir, const char *limit_file,
		     const char *usage_file, __u64 *room, char *which, size_t which_len)
{
	size_t top_len = strlen(top_dir);
	char dir[PATH_MAX];

	while (top_len > 1 && top_dir[top_len - 1] == '/')
		top_len--;
	if (strncmp(leaf_dir, top_dir, top_len) ||
	    (leaf_dir[top_len] && leaf_dir[top_len] != '/'))
		return -EINVAL;
	if (snprintf(dir, sizeof(dir), "%s", leaf_dir) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	*room = UMEM_NO_LIMIT;
	if (which_len)
		which[0] = '\0';
	for (;;) {
		__u64 limit, usage, left;
		char *slash;

		if (!read_value(dir, limit_file, &limit) && limit != UMEM_NO_LIMIT &&
		    !read_value(dir, usage_file, &usage)) {
			left = usage < limit ? limit - usage : 0;
			if (left < *room) {
				*room = left;
				snprintf(which, which_len, "%s", dir);
			}
		}
		if (strlen(dir) <= top_len)
			break;
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < top_len)
			break;
		*slash = '\0';
		while (strlen(dir) > top_len && dir[strlen(dir) - 1] == '/')
			dir[strlen(dir) - 1] = '\0';
	}
	return 0;
}

/*
 * One hierarchy: @controller NULL for v2, "memory" for v1. @mountinfo's
 * paths are seen through @root_prefix ("" for our own mounts). Returns
 * -ENOENT when that mount table does not show the hierarchy.
 */
static int hierarchy_room(const char *proc_cgroup, const char *mountinfo,
			  const char *root_prefix, const char *controller,
			  const char *limit_file, const char *usage_file,
			  struct umem_limits *limits)
{
	char path[PATH_MAX], dir[PATH_MAX], top[PATH_MAX], which[PATH_MAX];
	char full_dir[PATH_MAX + 16], full_top[PATH_MAX + 16];
	size_t prefix_len = strlen(root_prefix);
	__u64 room;
	int err;

	err = umem_parse_proc_cgroup(proc_cgroup, controller, path, sizeof(path));
	if (err)
		return 0; /* not in such a hierarchy: nothing to find anywhere */
	err = umem_cgroup_dir(mountinfo, controller, path, dir, top, sizeof(dir));
	if (err)
		return err;
	snprintf(full_dir, sizeof(full_dir), "%s%s", root_prefix, dir);
	snprintf(full_top, sizeof(full_top), "%s%s", root_prefix, top);
	if (umem_cgroup_room(full_dir, full_top, limit_file, usage_file, &room, which,
			     sizeof(which)) || room >= limits->cgroup_room)
		return 0;
	limits->cgroup_room = room;
	/* Named as the user finds it, without the /proc/1/root detour. */
	snprintf(limits->cgroup_dir, sizeof(limits->cgroup_dir), "%s", which + prefix_len);
	snprintf(limits->cgroup_files, sizeof(limits->cgroup_files), "%s - %s", limit_file,
		 usage_file);
	return 0;
}

/* Both hierarchies: on a hybrid system either may hold the memory controller. */
static int cgroup_rooms(const char *proc_cgroup, const char *mountinfo,
			const char *root_prefix, struct umem_limits *limits)
{
	int v2 = hierarchy_room(proc_cgroup, mountinfo, root_prefix, NULL, "memory.max",
				"memory.current", limits);
	int v1 = hierarchy_room(proc_cgroup, mountinfo, root_prefix, "memory",
				"memory.limit_in_bytes", "memory.usage_in_bytes", limits);

	return v2 == -ENOENT && v1 == -ENOENT ? -ENOENT : 0;
}

/* Processes up from our parent to look through; init ends the walk. */
#define MAX_ANCESTORS 16

/* The parent of @pid (/proc/PID/stat), or 0 when it cannot be read. */
static int parent_pid(int pid)
{
	char path[64], stat[512];
	const char *end;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, stat, sizeof(stat)))
		return 0;
	/* PID (COMM) STATE PPID ...: COMM may hold spaces and parentheses. */
	end = strrchr(stat, ')');
	if (!end || sscanf(end + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

void umem_read_limits(bool has_ipc_lock, struct umem_limits *limits)
{
	static char meminfo[16384], proc_cgroup[4096], mountinfo[65536];
	struct rlimit memlock;

	memset(limits, 0, sizeof(*limits));
	limits->mem_available = UMEM_NO_LIMIT;
	limits->cgroup_room = UMEM_NO_LIMIT;
	limits->memlock = UMEM_NO_LIMIT;

	if (read_text("/proc/meminfo", meminfo, sizeof(meminfo)) ||
	    umem_parse_mem_available(meminfo, &limits->mem_available))
		limits->mem_available = UMEM_NO_LIMIT;

	/* 'ip netns exec' mounts a fresh sysfs over /sys, and the cgroup
	 * file systems under it vanish from our mount namespace: then look
	 * through the mount namespace of the nearest ancestor that still
	 * shows them (the shell or sudo that ran 'ip netns exec', past a
	 * shell started inside it), up to init, as /proc/PID/root. That needs
	 * ptrace read access to it (init's often is refused, even to root, in
	 * a container); the cgroup paths agree while we share its cgroup
	 * namespace. */
	if (read_text("/proc/self/cgroup", proc_cgroup, sizeof(proc_cgroup)) ||
	    read_text("/proc/self/mountinfo", mountinfo, sizeof(mountinfo)) ||
	    cgroup_rooms(proc_cgroup, mountinfo, "", limits) != -ENOENT)
		goto memlock;
	for (int i = 0, pid = (int)getppid(); i < MAX_ANCESTORS && pid > 0; i++) {
		char path[64], root[64];

		snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
		snprintf(root, sizeof(root), "/proc/%d/root", pid);
		if (!read_text(path, mountinfo, sizeof(mountinfo)) &&
		    cgroup_rooms(proc_cgroup, mountinfo, root, limits) != -ENOENT)
			break;
		pid = pid == 1 ? 0 : parent_pid(pid);
	}
memlock:
	if (!has_ipc_lock && !getrlimit(RLIMIT_MEMLOCK, &memlock) &&
	    memlock.rlim_cur != RLIM_INFINITY)
		limits->memlock = memlock.rlim_cur;
}
