// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * LD_PRELOAD shim: makes bind() of an AF_XDP socket with XDP_SHARED_UMEM
 * fail as a kernel before 5.10 does for a socket on another queue than the
 * UMEM's first (xsk_bind(): "umem_xs->queue_id != qid" -> EINVAL), so the
 * receiver's fall-back to one UMEM per queue can be tested on a new kernel
 * (tests/e2e/many_queues.sh). Every other bind goes to the C library.
 *
 *   XH_SHIM_SHARED_UMEM=einval|eopnotsupp   the error to fail with
 *
 * Built without sanitizers: an ASan binary must run it with
 * ASAN_OPTIONS=verify_asan_link_order=0 (the shim comes first).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	static bind_fn next_bind;
	const char *fail = getenv("XH_SHIM_SHARED_UMEM");

	if (fail && addr && addr->sa_family == AF_XDP && len >= sizeof(struct sockaddr_xdp) &&
	    (((const struct sockaddr_xdp *)addr)->sxdp_flags & XDP_SHARED_UMEM)) {
		errno = strcmp(fail, "eopnotsupp") ? EINVAL : EOPNOTSUPP;
		return -1;
	}
	if (!next_bind)
		next_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");
	if (!next_bind) {
		errno = ENOSYS;
		return -1;
	}
	return next_bind(fd, addr, len);
}
