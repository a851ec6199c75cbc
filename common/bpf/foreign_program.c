// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Receiving through another process's XDP program (see foreign_program.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib_xsk_extend.h"
#include "log.h"
#include "capabilities.h"
#include "foreign_program.h"
#include "xdp_attach.h"

/*
 * A pinned path may hold a program, a link or a map; bpf_obj_get_info_by_fd()
 * answers in whichever struct the object's kind uses, so the kind comes
 * from the fd's /proc entry instead: only maps have a "map_type:" line.
 */
static int map_type_of_fd(int fd, __u32 *type)
{
	char path[64], line[128];
	unsigned int value;
	int found = -EBADF;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "map_type: %u", &value) == 1) {
			*type = value;
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

/*
 * bpf_obj_get() of @path failed with @err. The kernel answers EACCES for
 * anything that is not a pinned object, a regular file or a path outside
 * any bpffs included, which would read as missing privileges to root:
 * statfs() and stat() tell the real cause.
 */
static void report_obj_get_error(const char *path, int err)
{
	struct statfs fs;
	struct stat st;

	if (err == -ENOENT) {
		pr_err("--xsks-map %s: nothing pinned there (is bpffs mounted, and did the program's loader pin its maps?)\n",
		       path);
		return;
	}
	if ((err == -EACCES || err == -EPERM || err == -EINVAL) && !statfs(path, &fs) &&
	    !stat(path, &st)) {
		if (fs.f_type != BPF_FS_MAGIC) {
			pr_err("--xsks-map %s: not on a bpf filesystem (bpffs), where pinned maps live%s\n",
			       path, S_ISREG(st.st_mode) ? ": a regular file, not a pinned BPF object" : "");
			return;
		}
		if (err != -EPERM) {
			pr_err("--xsks-map %s: not a pinned BPF object (%s on the bpffs)\n", path,
			       S_ISDIR(st.st_mode) ? "a directory" : "something else");
			return;
		}
	}
	pr_err("--xsks-map %s: %s%s\n", path, strerror(-err), permission_hint(err));
}

static int open_xsks_map(struct foreign_program *fp, const char *path)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), type = 0;
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		report_obj_get_error(path, err);
		return err;
	}
	if (map_type_of_fd(fd, &type)) {
		pr_err("--xsks-map %s: pinned object is not a map (a program or link?)\n", path);
		close(fd);
		return -EINVAL;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		pr_err("--xsks-map %s: reading the map's info: %s\n", path, strerror(-err));
		close(fd);
		return err;
	}
	if (type != BPF_MAP_TYPE_XSKMAP) {
		pr_err("--xsks-map %s: map '%s' is a %s, not an XSKMAP\n", path, info.name,
		       libbpf_bpf_map_type_str(type) ? libbpf_bpf_map_type_str(type) : "map of unknown type");
		close(fd);
		return -EINVAL;
	}
	fp->xsks_map_fd = fd;
	fp->xsks_map_entries = info.max_entries;
	fp->open = true;
	return 0;
}

/* --prog-id, else whatever XDP program is attached to the interface. */
static int find_prog_id(const struct foreign_request *req, __u32 *prog_id)
{
	struct xdp_existing existing = { 0 };
	int err;

	if (req->prog_id) {
		*prog_id = req->prog_id;
		return 0;
	}
	err = xdp_query_existing(req->ifindex, &existing);
	if (err) {
		pr_err("%s: cannot query attached XDP programs: %s%s\n", req->ifname,
		       strerror(-err), permission_hint(err));
		return err;
	}
	if (!existing.prog_id) {
		pr_err("%s: no XDP program is attached: attach the one that redirects into %s, or name it with --prog-id\n",
		       req->ifname, req->xsks_map_path);
		return -ENOENT;
	}
	*prog_id = existing.prog_id;
	return 0;
}

/* The program must redirect into the map we fill, or no frame will come. */
static int check_prog_uses_map(struct foreign_program *fp, const char *xsks_map_path,
			       int prog_fd)
{
	struct bpf_prog_info info;
	struct bpf_map_info map_info;
	__u32 len = sizeof(info), map_len = sizeof(map_info), map_ids[64], i;
	int err;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		pr_err("XDP program id %u: reading its info: %s\n", fp->prog_id, strerror(-err));
		return err;
	}
	snprintf(fp->prog_name, sizeof(fp->prog_name), "%s", info.name);
	if (info.type != BPF_PROG_TYPE_XDP) {
		pr_err("program id %u (%s) is not an XDP program\n", fp->prog_id, fp->prog_name);
		return -EINVAL;
	}
	memset(&map_info, 0, sizeof(map_info));
	if (bpf_obj_get_info_by_fd(fp->xsks_map_fd, &map_info, &map_len))
		return -errno;
	for (i = 0; i < info.nr_map_ids && i < sizeof(map_ids) / sizeof(map_ids[0]); i++)
		if (map_ids[i] == map_info.id)
			return 0;
	pr_err("XDP program id %u (%s) does not use the XSKMAP at %s (map id %u): it would redirect nothing to these sockets\n",
	       fp->prog_id, fp->prog_name, xsks_map_path, map_info.id);
	return -EINVAL;
}

static int load_prog_btf(struct foreign_program *fp)
{
	XSK_HINTS_OPTS(xsk_hints_btf_opts, opts, .prog_id = fp->prog_id);
	int err;

	fp->btf = xsk_hints__load_btf(&opts);
	err = fp->btf ? 0 : -errno;
	if (err == -ENOENT)
		pr_err("XDP program id %u (%s) was loaded without BTF: its hints cannot be decoded\n",
		       fp->prog_id, fp->prog_name);
	else if (err)
		pr_err("XDP program id %u (%s): loading its BTF: %s%s\n", fp->prog_id,
		       fp->prog_name, strerror(-err), permission_hint(err));
	return err;
}

/* Bound queues must have a slot in the other program's map. */
static int check_map_fits_queues(const struct foreign_request *req,
				 const struct foreign_program *fp)
{
	__u32 last = req->last_queue;

	if (last < fp->xsks_map_entries)
		return 0;
	pr_err("--xsks-map %s: the XSKMAP has %u entries, queue %u of %s has no slot in it (bind fewer queues with --queue)\n",
	       req->xsks_map_path, fp->xsks_map_entries, last, req->ifname);
	return -E2BIG;
}

static void note_attach_mode(const struct foreign_request *req, struct foreign_program *fp)
{
	struct xdp_existing existing = { 0 };

	/* For the report; nothing is ours to detach. */
	if (!xdp_query_existing(req->ifindex, &existing) && existing.prog_id == fp->prog_id) {
		fp->attach_mode = existing.drv_prog_id == existing.prog_id ? XDP_MODE_NATIVE :
				  XDP_MODE_GENERIC;
		fp->attach_mode_known = true;
	}
}

int foreign_program_open(const struct foreign_request *req, struct foreign_program *fp)
{
	int err, prog_fd;

	err = open_xsks_map(fp, req->xsks_map_path);
	if (err)
		return err;
	err = check_map_fits_queues(req, fp);
	if (err)
		return err;
	err = find_prog_id(req, &fp->prog_id);
	if (err)
		return err;
	prog_fd = bpf_prog_get_fd_by_id(fp->prog_id);
	if (prog_fd < 0) {
		err = -errno;
		pr_err("XDP program id %u: %s%s\n", fp->prog_id,
		       err == -ENOENT ? "no such program" : strerror(-err), permission_hint(err));
		return err;
	}
	err = check_prog_uses_map(fp, req->xsks_map_path, prog_fd);
	close(prog_fd);
	if (!err)
		err = load_prog_btf(fp);
	if (err)
		return err;
	note_attach_mode(req, fp);
	pr_info("using XDP program id %u (%s) loaded by another process: sockets go into %s, hints decode with the program's BTF\n",
		fp->prog_id, fp->prog_name, req->xsks_map_path);
	return 0;
}

void foreign_program_close(struct foreign_program *fp)
{
	if (!fp->open)
		return;
	btf__free(fp->btf);
	close(fp->xsks_map_fd);
	memset(fp, 0, sizeof(*fp));
}
