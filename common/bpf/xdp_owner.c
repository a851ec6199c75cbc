// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp_attach.h"
#include "xdp_owner.h"

#define BPFFS_ROOT "/sys/fs/bpf"
#define BPFFS_MAX_DEPTH 16

static void read_prog_name(__u32 prog_id, char *name, size_t len)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);

	name[0] = '\0';
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

static int link_info_of(int fd, struct bpf_link_info *info)
{
	__u32 info_len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &info_len);
}

/* The XDP link on @ifindex running @prog_id, 0 when there is none. The
 * program id keeps another namespace's device with the same ifindex out. */
static __u32 find_xdp_link(int ifindex, __u32 prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		int fd = bpf_link_get_fd_by_id(id);
		int err;

		if (fd < 0)
			continue;
		err = link_info_of(fd, &info);
		close(fd);
		if (!err && info.type == BPF_LINK_TYPE_XDP &&
		    info.xdp.ifindex == (__u32)ifindex && info.prog_id == prog_id)
			return id;
	}
	return 0;
}

static int is_bpf_link_fd(const char *fd_path)
{
	char target[64];
	ssize_t n = readlink(fd_path, target, sizeof(target) - 1);

	if (n < 0)
		return 0;
	target[n] = '\0';
	/* kernel/bpf/syscall.c names the inode "bpf_link" in bpf_link_prime()
	 * (bpf_link_create) and "bpf-link" in bpf_link_new_fd() (a pin
	 * opened again, bpf_link_get_fd_by_id). */
	return !strcmp(target, "anon_inode:bpf_link") || !strcmp(target, "anon_inode:bpf-link");
}

static int fdinfo_names_link(int pid, const char *fd, __u32 link_id)
{
	char path[64 + 256], line[128];
	unsigned int id;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "link_id: %u", &id) == 1 && id == link_id;
	fclose(f);
	return found;
}

static int process_holds_link(int pid, __u32 link_id)
{
	char dir_path[64], fd_path[64 + 256];
	struct dirent *entry;
	int found = 0;
	DIR *dir;

	snprintf(dir_path, sizeof(dir_path), "/proc/%d/fd", pid);
	dir = opendir(dir_path);
	if (!dir)
		return 0;
	while (!found && (entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(fd_path, sizeof(fd_path), "%s/%s", dir_path, entry->d_name);
		found = is_bpf_link_fd(fd_path) && fdinfo_names_link(pid, entry->d_name, link_id);
	}
	closedir(dir);
	return found;
}

static void read_comm(int pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

static void find_holders(struct xdp_owner *out)
{
	struct dirent *entry;
	DIR *proc = opendir("/proc");

	if (!proc)
		return;
	while ((entry = readdir(proc))) {
		char *end;
		long pid = strtol(entry->d_name, &end, 10);

		if (*end || pid <= 0 || !process_holds_link((int)pid, out->link_id))
			continue;
		if (!out->n_holders++) {
			out->holder_pid = (int)pid;
			read_comm((int)pid, out->holder_comm, sizeof(out->holder_comm));
		}
	}
	closedir(proc);
}

/* nftw() takes no context pointer: the walk's target and result. */
static __u32 pin_walk_link_id;
static char *pin_walk_found;
static size_t pin_walk_len;

static int check_pin(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct bpf_link_info info;
	char fd_path[64];
	int fd, match = 0;

	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
	/* A pinned program or map has ids of its own: only links count. */
	if (is_bpf_link_fd(fd_path) && !link_info_of(fd, &info))
		match = info.id == pin_walk_link_id;
	close(fd);
	if (match)
		snprintf(pin_walk_found, pin_walk_len, "%s", path);
	return match; /* non-zero stops the walk */
}

static void find_pin(struct xdp_owner *out)
{
	pin_walk_link_id = out->link_id;
	pin_walk_found = out->pin_path;
	pin_walk_len = sizeof(out->pin_path);
	nftw(BPFFS_ROOT, check_pin, BPFFS_MAX_DEPTH, FTW_PHYS);
}

int xdp_owner_find(int ifindex, struct xdp_owner *out)
{
	struct xdp_existing existing = { 0 };
	int err = xdp_query_existing(ifindex, &existing);

	memset(out, 0, sizeof(*out));
	out->mode = "none";
	if (err)
		return err;
	out->prog_id = existing.prog_id;
	out->mode = existing.mode;
	if (!out->prog_id)
		return 0;
	read_prog_name(out->prog_id, out->prog_name, sizeof(out->prog_name));
	out->link_id = find_xdp_link(ifindex, out->prog_id);
	if (out->link_id) {
		find_holders(out);
		find_pin(out);
	}
	return 0;
}

const char *xdp_owner_describe(const struct xdp_owner *owner, const char *ifname,
			       char *buf, size_t len)
{
	const char *off = !strcmp(owner->mode, "generic") ? "xdpgeneric" :
			  !strcmp(owner->mode, "native") ? "xdpdrv" : "xdp";

	if (!owner->link_id) {
		snprintf(buf, len, "through netlink: remove it with 'ip link set dev %s %s off' or use --force",
			 ifname, off);
	} else if (owner->holder_pid && owner->pin_path[0]) {
		snprintf(buf, len, "through bpf_link id %u, held by %s (pid %d)%s and pinned at %s: stop that process and 'rm %s' ('ip link set dev %s %s off' cannot remove a bpf_link, nor can --force)",
			 owner->link_id, owner->holder_comm[0] ? owner->holder_comm : "?",
			 owner->holder_pid, owner->n_holders > 1 ? " and others" : "",
			 owner->pin_path, owner->pin_path, ifname, off);
	} else if (owner->holder_pid) {
		snprintf(buf, len, "through bpf_link id %u, held by %s (pid %d)%s: stop that process ('ip link set dev %s %s off' cannot remove a bpf_link, nor can --force)",
			 owner->link_id, owner->holder_comm[0] ? owner->holder_comm : "?",
			 owner->holder_pid, owner->n_holders > 1 ? " and others" : "", ifname, off);
	} else if (owner->pin_path[0]) {
		snprintf(buf, len, "through bpf_link id %u, pinned at %s and held by no process: remove it with 'rm %s' ('ip link set dev %s %s off' cannot remove a bpf_link, nor can --force)",
			 owner->link_id, owner->pin_path, owner->pin_path, ifname, off);
	} else {
		snprintf(buf, len, "through bpf_link id %u, held by no process this one can see and not pinned under " BPFFS_ROOT ": find its holder with 'bpftool link show id %u' ('ip link set dev %s %s off' cannot remove a bpf_link)",
			 owner->link_id, owner->link_id, ifname, off);
	}
	return buf;
}
