/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What receiving costs in CPU time: a thread's or the process's user and
 * system time (getrusage(2)), and the XDP program's own run time as the
 * kernel counts it (struct bpf_prog_info run_time_ns and run_cnt, counted
 * only while BPF_STATS_RUN_TIME is on: bpf_enable_stats(), or the sysctl
 * kernel.bpf_stats_enabled).
 *
 * All of it is read at report time, never on the packet path: a receive
 * thread reads its own RUSAGE_THREAD when it hands over a snapshot and
 * when it ends. Nothing here prints.
 */
#ifndef XDP_HINTS_CPU_USAGE_H
#define XDP_HINTS_CPU_USAGE_H

#include <linux/types.h>

struct cpu_time {
	__u64 user_ns;
	__u64 system_ns;
};

/* The calling thread's CPU time (getrusage(RUSAGE_THREAD), microsecond
 * resolution). 0 or negative errno (then @t is zeroed). */
int cpu_time_thread(struct cpu_time *t);
/* The whole process's (RUSAGE_SELF: every thread, joined ones too). */
int cpu_time_process(struct cpu_time *t);

static inline void cpu_time_add(struct cpu_time *sum, const struct cpu_time *t)
{
	sum->user_ns += t->user_ns;
	sum->system_ns += t->system_ns;
}

/* @now - @before, each part clamped at 0. */
static inline struct cpu_time cpu_time_since(const struct cpu_time *now,
					     const struct cpu_time *before)
{
	return (struct cpu_time){
		.user_ns = now->user_ns > before->user_ns ? now->user_ns - before->user_ns : 0,
		.system_ns = now->system_ns > before->system_ns ?
			     now->system_ns - before->system_ns : 0,
	};
}

/* A BPF program's run-time statistics (struct bpf_prog_info). */
struct bpf_run_time {
	__u64 run_time_ns; /* summed over its runs while stats were on */
	__u64 run_cnt;     /* runs counted while stats were on */
};

/* Read @prog_fd's run_time_ns and run_cnt (bpf_prog_get_info_by_fd()).
 * 0 or negative errno. */
int bpf_run_time_read(int prog_fd, struct bpf_run_time *out);

/*
 * Nanoseconds per run between two readings of one program; negative when
 * unknown (no run counted in between: statistics off, or no packet).
 */
static inline double bpf_run_time_ns_per_run(const struct bpf_run_time *now,
					     const struct bpf_run_time *before)
{
	if (now->run_cnt <= before->run_cnt || now->run_time_ns < before->run_time_ns)
		return -1.0;
	return (double)(now->run_time_ns - before->run_time_ns) /
	       (double)(now->run_cnt - before->run_cnt);
}

/*
 * Turn on BPF_STATS_RUN_TIME (bpf_enable_stats()) for as long as the
 * returned fd is open; the caller owns it and closes it to turn them off
 * again (the kernel counts holders, the sysctl is left alone). Returns the
 * fd or negative errno (-EPERM without CAP_SYS_ADMIN).
 */
int bpf_run_time_stats_hold(void);

#endif
