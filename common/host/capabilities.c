// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "capabilities.h"

/* Older uapi headers lack the capabilities split off CAP_SYS_ADMIN in 5.8. */
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

int caps_effective(__u64 *effective)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0, /* this thread */
	};
	/* Version 3 describes 64 capabilities in two 32-bit halves. */
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data))
		return -errno;
	*effective = (__u64)data[0].effective | (__u64)data[1].effective << 32;
	return 0;
}

bool caps_umem_needs_ipc_lock(__u64 umem_bytes)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_MEMLOCK, &limit))
		return true;
	return limit.rlim_cur != RLIM_INFINITY && umem_bytes > limit.rlim_cur;
}

static bool has(__u64 effective, int cap)
{
	return effective & (1ULL << cap);
}

struct cap_need {
	int cap;
	const char *name;
	const char *why;
	bool sys_admin_will_do;
	bool for_xdp_program; /* not needed by --tx --no-rx */
};

static const struct cap_need receiver_needs[] = {
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN", "XDP programs", true, true },
	{ CAP_NET_RAW, "CAP_NET_RAW", "AF_XDP sockets", false, false },
	{ CAP_BPF, "CAP_BPF", "BPF maps and programs", true, true },
	{ CAP_IPC_LOCK, "CAP_IPC_LOCK", "UMEM larger than RLIMIT_MEMLOCK", false, false },
};

int caps_receiver_missing(__u64 effective, bool need_ipc_lock, bool need_xdp_program,
			  char *buf, size_t len)
{
	int missing = 0;
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(receiver_needs) / sizeof(receiver_needs[0]); i++) {
		const struct cap_need *n = &receiver_needs[i];
		int w;

		if (n->cap == CAP_IPC_LOCK && !need_ipc_lock)
			continue;
		if (n->for_xdp_program && !need_xdp_program)
			continue;
		if (has(effective, n->cap) ||
		    (n->sys_admin_will_do && has(effective, CAP_SYS_ADMIN)))
			continue;
		missing++;
		if (used >= len)
			continue;
		w = snprintf(buf + used, len - used, "%s%s (%s)", used ? ", " : "",
			     n->name, n->why);
		used = w < 0 ? len : used + (size_t)w;
	}
	return missing;
}
