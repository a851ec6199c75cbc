// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_setup.h"

#define CPU_ONLINE_PATH "/sys/devices/system/cpu/online"
#define MASK_BITS 1024U
#define MASK_WORDS (MASK_BITS / 64U)

int cpu_list_to_mask(const char *list, uint64_t *mask, size_t n_bits)
{
	const char *p = list;

	memset(mask, 0, (n_bits + 63) / 64 * sizeof(*mask));
	while (*p && *p != '\n') {
		char *end;
		unsigned long first, last;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		first = strtoul(p, &end, 10);
		last = first;
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			last = strtoul(p, &end, 10);
		}
		if (last < first || last >= n_bits)
			return -EINVAL;
		for (unsigned long cpu = first; cpu <= last; cpu++)
			mask[cpu / 64] |= 1ULL << (cpu % 64);
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return 0;
}

/* "0-1,4": the set bits of @mask as a kernel-style list. */
static void mask_to_list(const uint64_t *mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int cpu = 0; cpu < MASK_BITS && used < len; cpu++) {
		unsigned int last = cpu;

		if (!(mask[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		while (last + 1 < MASK_BITS && (mask[(last + 1) / 64] & (1ULL << ((last + 1) % 64))))
			last++;
		used += (size_t)snprintf(buf + used, len - used, "%s%u", used ? "," : "", cpu);
		if (last > cpu && used < len)
			used += (size_t)snprintf(buf + used, len - used, "-%u", last);
		cpu = last;
	}
}

static int usable_mask(uint64_t *mask)
{
	char line[4096];
	cpu_set_t allowed;
	FILE *f = fopen(CPU_ONLINE_PATH, "r");
	int err;

	if (!f)
		return -errno;
	err = fgets(line, sizeof(line), f) ? 0 : -EIO;
	fclose(f);
	if (!err)
		err = cpu_list_to_mask(line, mask, MASK_BITS);
	if (err)
		return err;
	/* A cpuset (container, taskset) may allow fewer than are online. */
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -errno;
	for (unsigned int cpu = 0; cpu < MASK_BITS; cpu++)
		if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed))
			mask[cpu / 64] &= ~(1ULL << (cpu % 64));
	return 0;
}

int cpu_check_usable(int cpu, char *usable, size_t usable_len)
{
	uint64_t mask[MASK_WORDS];
	int err = usable_mask(mask);

	if (err)
		return err;
	if (usable && usable_len)
		mask_to_list(mask, usable, usable_len);
	if (cpu < 0 || (unsigned int)cpu >= MASK_BITS ||
	    !(mask[cpu / 64] & (1ULL << (cpu % 64))))
		return -ERANGE;
	return 0;
}

int cpu_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int cpu_fifo_self(uint32_t priority)
{
	struct sched_param param = { .sched_priority = (int)priority };

	return -pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
}

int cpu_dma_latency_hold(uint32_t usec)
{
	/* The device takes a binary s32 (or a hex string); the request is
	 * the open file: it ends when the fd is closed. */
	int32_t value = (int32_t)usec;
	int fd = open(CPU_DMA_LATENCY_PATH, O_WRONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (write(fd, &value, sizeof(value)) != (ssize_t)sizeof(value)) {
		err = errno ? -errno : -EIO;
		close(fd);
		return err;
	}
	return fd;
}

/* The CPUs this process may use, as it started: threads that are not
 * pinned get these, not the main thread's --cpu. */
static cpu_set_t start_affinity;
static bool start_affinity_saved;

int cpu_save_start_affinity(void)
{
	if (sched_getaffinity(0, sizeof(start_affinity), &start_affinity))
		return -errno;
	start_affinity_saved = true;
	return 0;
}

static void describe_set(const cpu_set_t *set, char *buf, size_t len)
{
	uint64_t mask[MASK_WORDS] = { 0 };

	for (unsigned int cpu = 0; cpu < MASK_BITS && cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set))
			mask[cpu / 64] |= 1ULL << (cpu % 64);
	mask_to_list(mask, buf, len);
}

int thread_attr_init(pthread_attr_t *attr, int cpu, uint32_t fifo_priority,
		     char *describe, size_t describe_len)
{
	struct sched_param param = { .sched_priority = (int)fifo_priority };
	char cpus[96];
	cpu_set_t set;
	sigset_t all;
	int err;

	err = pthread_attr_init(attr);
	if (err)
		return -err;
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
	} else if (start_affinity_saved) {
		set = start_affinity;
	} else if (sched_getaffinity(0, sizeof(set), &set)) {
		err = errno;
		goto fail;
	}
	sigfillset(&all);
	err = pthread_attr_setaffinity_np(attr, sizeof(set), &set);
	if (!err)
		err = pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED);
	if (!err)
		err = pthread_attr_setschedpolicy(attr, fifo_priority ? SCHED_FIFO : SCHED_OTHER);
	if (!err)
		err = pthread_attr_setschedparam(attr, &param);
	if (!err)
		err = pthread_attr_setsigmask_np(attr, &all);
	if (err)
		goto fail;
	describe_set(&set, cpus, sizeof(cpus));
	if (fifo_priority)
		snprintf(describe, describe_len, "CPU%s %s, SCHED_FIFO %u",
			 cpu >= 0 ? "" : "s", cpus, fifo_priority);
	else
		snprintf(describe, describe_len, "CPU%s %s, SCHED_OTHER",
			 cpu >= 0 ? "" : "s", cpus);
	return 0;
fail:
	pthread_attr_destroy(attr);
	return -err;
}
