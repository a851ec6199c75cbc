/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where and how the receiving threads run, for latency measurements:
 * CPU pinning (checked against the CPUs that are online and that this
 * process may use), SCHED_FIFO, and a /dev/cpu_dma_latency request that
 * keeps CPUs out of deep sleep states while it is held.
 *
 * Everything returns 0 or negative errno; the tool words the message.
 */
#ifndef XDP_HINTS_CPU_SETUP_H
#define XDP_HINTS_CPU_SETUP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_DMA_LATENCY_PATH "/dev/cpu_dma_latency"

/*
 * 0 when @cpu is online and in this process's affinity mask; -ERANGE when
 * not. @usable (may be NULL) receives the usable CPUs as a list, "0-1".
 */
int cpu_check_usable(int cpu, char *usable, size_t usable_len);

/* Pin the calling thread to @cpu. */
int cpu_pin_self(int cpu);

/* SCHED_FIFO at @priority (1..99) for the calling thread. -EPERM without
 * CAP_SYS_NICE (or an RLIMIT_RTPRIO below @priority). */
int cpu_fifo_self(uint32_t priority);

/*
 * Ask the PM QoS layer for a CPU wakeup latency of at most @usec: the
 * request lasts as long as the returned fd stays open (closing it, also
 * by process exit, withdraws it). Returns the fd or negative errno.
 */
int cpu_dma_latency_hold(uint32_t usec);

/* Remember the CPUs this process may use, before any thread is pinned. */
int cpu_save_start_affinity(void);

/*
 * Attributes for a new thread that say everything about where and how it
 * runs, so nothing is inherited from the thread that creates it (a main
 * thread pinned with --cpu and running SCHED_FIFO would otherwise pass
 * both on): pinned to @cpu, or -1 for the CPUs saved by
 * cpu_save_start_affinity(); SCHED_FIFO at @fifo_priority, or SCHED_OTHER
 * for 0; every signal blocked, so stop signals reach the main thread only
 * (base/run_stop.h). @describe receives "CPU 1, SCHED_FIFO 50" for the
 * start-up log. 0 or negative errno; pthread_create() with these
 * attributes fails with EPERM when SCHED_FIFO is not permitted. The
 * caller destroys @attr.
 */
int thread_attr_init(pthread_attr_t *attr, int cpu, uint32_t fifo_priority,
		     char *describe, size_t describe_len);

/* Parse a kernel CPU list ("0-3,6") into @mask of @n_bits bits (bit i:
 * CPU i). Returns 0, or -EINVAL for a malformed list. For tests too. */
int cpu_list_to_mask(const char *list, uint64_t *mask, size_t n_bits);

#endif
