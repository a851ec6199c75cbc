// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_link_pin - put af_xdp_kern's software program on an interface
 * through a bpf_link (generic mode) that someone else owns, for the tests
 * of "already attached":
 *
 *   xdp_link_pin DEV PIN_PATH   pin the link in bpffs and exit: the
 *                               program stays, held by no process
 *   xdp_link_pin DEV --hold     keep the link open until SIGTERM/SIGINT
 *                               (prints "attached" once it is)
 *
 * Exit status 0, or 1 with one line naming the failed step.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "af_xdp_kern.skel.h"

static int fail(const char *step, int err)
{
	fprintf(stderr, "xdp_link_pin: %s: %s\n", step, strerror(err < 0 ? -err : err));
	return 1;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_SKB_MODE);
	struct af_xdp_kern *skel;
	sigset_t stop;
	int ifindex, link_fd, sig, err;

	if (argc != 3) {
		fprintf(stderr, "usage: xdp_link_pin DEV PIN_PATH|--hold\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex)
		return fail(argv[1], errno);
	skel = af_xdp_kern__open_and_load();
	if (!skel)
		return fail("loading af_xdp_kern", errno);
	link_fd = bpf_link_create(bpf_program__fd(skel->progs.xdp_hints_redirect), ifindex,
				  BPF_XDP, &opts);
	if (link_fd < 0) {
		err = errno;
		af_xdp_kern__destroy(skel);
		return fail("bpf_link_create", err);
	}
	if (strcmp(argv[2], "--hold")) {
		err = bpf_obj_pin(link_fd, argv[2]) ? errno : 0;
		close(link_fd);
		af_xdp_kern__destroy(skel);
		return err ? fail(argv[2], err) : 0;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	printf("attached\n");
	fflush(stdout);
	sigwait(&stop, &sig);
	close(link_fd);
	af_xdp_kern__destroy(skel);
	return 0;
}
