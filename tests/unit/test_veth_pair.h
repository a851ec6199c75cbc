/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A veth pair for unit suites that need a real driver: made in a network
 * namespace of the test process's own (unshare), so the pair dies with the
 * process, also on a crash. Names carry the pid: suites may run at once.
 */
#ifndef XDP_HINTS_TEST_VETH_PAIR_H
#define XDP_HINTS_TEST_VETH_PAIR_H

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_veth_pair {
	char name[IFNAMSIZ], peer[IFNAMSIZ];
	int ifindex, peer_ifindex;
};

/* @tag: two letters or so naming the suite in the interface names;
 * @suite: its name in messages. 0 or -1 (and a message on stderr). */
static inline int test_veth_pair_create(struct test_veth_pair *v, const char *tag,
					const char *suite)
{
	char cmd[320];
	int pid = (int)getpid();

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "%s: unshare(CLONE_NEWNET): %s\n", suite, strerror(errno));
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "x%sa%d", tag, pid);
	snprintf(v->peer, sizeof(v->peer), "x%sb%d", tag, pid);
	snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %s && "
		 "ip link set %s up && ip link set %s up", v->name, v->peer, v->name, v->peer);
	if (system(cmd)) {
		fprintf(stderr, "%s: cannot create veth %s\n", suite, v->name);
		return -1;
	}
	v->ifindex = (int)if_nametoindex(v->name);
	v->peer_ifindex = (int)if_nametoindex(v->peer);
	return v->ifindex && v->peer_ifindex ? 0 : -1;
}

static inline void test_veth_pair_delete(struct test_veth_pair *v, const char *suite)
{
	char cmd[64];

	if (!v->ifindex)
		return;
	snprintf(cmd, sizeof(cmd), "ip link del %s", v->name);
	if (system(cmd))
		fprintf(stderr, "%s: cannot delete %s\n", suite, v->name);
}

#endif
