// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* CPU time of threads, the process and the XDP program (see cpu_usage.h). */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include <bpf/bpf.h>

#include "cpu_usage.h"

static __u64 timeval_ns(const struct timeval *tv)
{
	return (__u64)tv->tv_sec * 1000000000ULL + (__u64)tv->tv_usec * 1000ULL;
}

static int cpu_time_of(int who, struct cpu_time *t)
{
	struct rusage ru;

	memset(t, 0, sizeof(*t));
	if (getrusage(who, &ru))
		return -errno;
	t->user_ns = timeval_ns(&ru.ru_utime);
	t->system_ns = timeval_ns(&ru.ru_stime);
	return 0;
}

int cpu_time_thread(struct cpu_time *t)
{
	return cpu_time_of(RUSAGE_THREAD, t);
}

int cpu_time_process(struct cpu_time *t)
{
	return cpu_time_of(RUSAGE_SELF, t);
}

int bpf_run_time_read(int prog_fd, struct bpf_run_time *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int err;

	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	if (prog_fd < 0)
		return -EBADF;
	/* libbpf 1.1 has both names; this one is in every 1.x. */
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err < 0 ? err : -EIO; /* libbpf 1.x: negative errno */
	out->run_time_ns = info.run_time_ns;
	out->run_cnt = info.run_cnt;
	return 0;
}

int bpf_run_time_stats_hold(void)
{
	/* libbpf 1.x: the fd, or negative errno. */
	return bpf_enable_stats(BPF_STATS_RUN_TIME);
}
