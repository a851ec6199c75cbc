// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_link_replace LINK_ID - put another program into someone else's XDP
 * bpf_link, as any process with CAP_BPF and CAP_NET_ADMIN can
 * (BPF_LINK_GET_FD_BY_ID, then BPF_LINK_UPDATE): the e2e test for what
 * af_xdp_user notices under it. The new program passes every frame.
 * Prints the new program's id; exit 1 with one message on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int load_xdp_pass(void)
{
	/* r0 = XDP_PASS; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* BPF_LINK_UPDATE wants the type and expected attach type of the
	 * program it replaces (libbpf loads SEC("xdp") with BPF_XDP). */
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_XDP);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdp_pass", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), &opts);

	return fd < 0 ? -errno : fd;
}

int main(int argc, char **argv)
{
	struct bpf_prog_info info = { 0 };
	__u32 info_len = sizeof(info);
	char *end;
	unsigned long link_id;
	int prog_fd, link_fd;

	if (argc != 2 || !*argv[1] || (link_id = strtoul(argv[1], &end, 10), *end)) {
		fprintf(stderr, "usage: %s LINK_ID\n", argv[0]);
		return 2;
	}
	prog_fd = load_xdp_pass();
	if (prog_fd < 0) {
		fprintf(stderr, "xdp_link_replace: loading an XDP_PASS program: %s\n",
			strerror(-prog_fd));
		return 1;
	}
	link_fd = bpf_link_get_fd_by_id((__u32)link_id);
	if (link_fd < 0) {
		fprintf(stderr, "xdp_link_replace: bpf_link id %lu: %s\n", link_id, strerror(errno));
		return 1;
	}
	if (bpf_link_update(link_fd, prog_fd, NULL)) {
		fprintf(stderr, "xdp_link_replace: updating bpf_link id %lu: %s\n", link_id,
			strerror(errno));
		return 1;
	}
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &info_len)) {
		fprintf(stderr, "xdp_link_replace: reading the new program's id: %s\n",
			strerror(errno));
		return 1;
	}
	printf("%u\n", info.id);
	close(link_fd);
	close(prog_fd);
	return 0;
}
