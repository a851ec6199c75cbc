// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The XDP program of the run (see rx_program.h): the only userspace
 * module that names the skeleton's maps and programs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "af_xdp_kern.skel.h"
#include "capabilities.h"
#include "log.h"
#include "rx_program.h"
#include "xdp_attach.h"

int rx_program_load(const struct rx_config *cfg, const struct rx_iface *iface,
		    struct rx_program *prog)
{
	struct af_xdp_kern *skel;
	int err;

	frags_decide(cfg->frags, iface->mtu, cfg->frame_size, cfg->frame_headroom, &prog->frags);
	/* Single-buffer with frames that do not fit: receiver_check_interface()
	 * warned already (warn_oversize_frames). */
	if (prog->frags.multi_buffer)
		pr_info("%s: %s\n", cfg->ifname, prog->frags.explanation);
	else
		pr_debug("%s: %s\n", cfg->ifname, prog->frags.explanation);

	/* Sending only: no XDP program, no BPF capabilities (prog->skel stays NULL). */
	if (cfg->tx.no_rx)
		return 0;
	if (cfg->xsks_map_path) {
		struct foreign_request req = {
			.ifname = cfg->ifname,
			.ifindex = iface->ifindex,
			.xsks_map_path = cfg->xsks_map_path,
			.prog_id = cfg->foreign_prog_id,
			.last_queue = cfg->single_queue ? cfg->queue_id : (__u32)iface->n_queues - 1,
		};

		return foreign_program_open(&req, &prog->foreign);
	}
	skel = af_xdp_kern__open();
	if (!skel) {
		err = -errno;
		pr_err("opening the embedded BPF object: %s\n", strerror(-err));
		return err;
	}
	prog->skel = skel;
	/* Load-time constants: the verifier prunes the unused policies. */
	skel->rodata->hint_policy = cfg->layout;
	skel->rodata->redirect_filter = cfg->filter;
	skel->rodata->filter_udp_dport = cfg->filter_udp_dport;
	skel->rodata->filter_ethertype = cfg->filter_ethertype;
	skel->rodata->rx_clock = cfg->clock;
	skel->rodata->stamp_class = cfg->stamp_class;
	skel->rodata->stamp_ethertype = cfg->stamp_ethertype;
	skel->rodata->stamp_udp_dport = cfg->stamp_udp_dport;
	/* Multi-buffer frames go to AF_XDP whatever their length. */
	skel->rodata->redirect_max_len = prog->frags.multi_buffer ? 0 : prog->frags.frame_capacity;
	/* One slot per device queue, whichever queues we bind. */
	err = bpf_map__set_max_entries(skel->maps.xsks_map, iface->dev_queues);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.queue_stats, iface->dev_queues);
	if (err) {
		pr_err("sizing the XDP program's maps to %u queues: %s\n",
		       iface->dev_queues, strerror(-err));
		return err;
	}
	{
		struct hint_program_request req = {
			.ifname = cfg->ifname,
			.ifindex = iface->ifindex,
			.xdp_mode = cfg->xdp_mode,
			/* A stamp class is the software program's: the
			 * driver-metadata one times every frame. */
			.hw_hints = cfg->stamp_class != STAMP_CLASS_ALL ? HW_HINTS_OFF :
				    cfg->hw_hints,
			.frags = prog->frags.multi_buffer,
			.clock = cfg->clock,
		};

		/* Software or driver-metadata program; a fallback re-opens
		 * the object, so prog->skel may change. */
		err = hint_program_load(&prog->skel, &req, &prog->hint_program);
	}
	if (err) {
		pr_err("%s: %s%s\n", cfg->ifname, prog->hint_program.explanation,
		       permission_hint(err));
		return err;
	}
	pr_info("%s\n", prog->hint_program.explanation);
	prog->n_cpus = libbpf_num_possible_cpus();
	if (prog->n_cpus <= 0) {
		pr_err("counting possible CPUs: %s\n", strerror(-prog->n_cpus));
		return prog->n_cpus ? prog->n_cpus : -EINVAL;
	}
	prog->percpu_scratch = calloc((size_t)prog->n_cpus, sizeof(*prog->percpu_scratch));
	if (!prog->percpu_scratch)
		return -ENOMEM;
	return 0;
}

const struct btf *rx_program_btf(const struct rx_program *prog)
{
	if (prog->skel)
		return bpf_object__btf(prog->skel->obj);
	return prog->foreign.open ? prog->foreign.btf : NULL;
}

int rx_program_xsks_map_fd(const struct rx_program *prog)
{
	if (prog->skel)
		return bpf_map__fd(prog->skel->maps.xsks_map);
	return prog->foreign.open ? prog->foreign.xsks_map_fd : -1;
}

void rx_program_read_counters(const struct rx_program *prog, const struct rx_queue_set *qs,
			      struct queue_rx_stats *const *stats)
{
	int map_fd = prog->skel ? bpf_map__fd(prog->skel->maps.queue_stats) : -1;

	for (size_t i = 0; i < qs->n_open; i++) {
		struct queue_rx_stats *s = stats[i];

		/* --xsks-map: another program's counters are not ours to read. */
		if (map_fd < 0 || xdp_counters_read(map_fd, s->queue_id, prog->percpu_scratch,
				      prog->n_cpus, &s->xdp))
			memset(&s->xdp, 0, sizeof(s->xdp));
		xsk_queue_stats(&qs->queue[i].xsk, &s->xsk);
		/* With receive threads running, each put its own in the
		 * snapshot (rx_threads.c). */
		if (!qs->n_threads)
			rx_queue_read_pool(&qs->queue[i], s);
	}
}

/*
 * The XDP program counts packets from queues beyond the map size it was
 * given (the device gained queues after start-up) in overflow_stats.
 */
void rx_program_warn_overflow_queues(const struct rx_program *prog, const char *ifname,
				     __u32 dev_queues)
{
	struct queue_counters overflow;

	if (!prog->skel)
		return;
	if (xdp_counters_read(bpf_map__fd(prog->skel->maps.overflow_stats), 0,
			      prog->percpu_scratch, prog->n_cpus, &overflow))
		return;
	if (overflow.seen)
		pr_warn("%s: %llu packet(s) arrived on queues beyond the %u the device had at start: restart to bind them\n",
			ifname, (unsigned long long)overflow.seen, dev_queues);
}

__u64 rx_program_oversize_passed(const struct rx_program *prog)
{
	__u64 *per_cpu, total = 0;
	__u32 key = 0;

	if (!prog->skel || prog->n_cpus <= 0)
		return 0;
	per_cpu = calloc((size_t)prog->n_cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(prog->skel->maps.oversize_passed), &key, per_cpu))
		for (int cpu = 0; cpu < prog->n_cpus; cpu++)
			total += per_cpu[cpu];
	free(per_cpu);
	return total;
}

void rx_program_free(struct rx_program *prog)
{
	hint_decoder_free(&prog->decoder);
	free(prog->percpu_scratch);
	prog->percpu_scratch = NULL;
	af_xdp_kern__destroy(prog->skel);
	prog->skel = NULL;
	foreign_program_close(&prog->foreign);
}
