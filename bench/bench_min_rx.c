// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_min_rx - the least a receiver can do with XDP-hints, as a yardstick
 * for af_xdp_user's latency and rate: load af_xdp_kern with the rx-time
 * layout, bind every queue (common/rx/xsk_queue.h, the same batches as the
 * tool), and per frame read rx_ktime at the fixed offset pkt - 16 (no BTF,
 * no btf_id check: it knows the layout) and record now - rx_ktime in a
 * histogram.
 *
 *   bench_min_rx --dev IFNAME [--xdp-mode native|generic] [--spin]
 *                [--frames N] [--duration S]
 *                [--program af_xdp_kern|bare] [--layout none|id|mark|rx-time]
 *                [--clear] [--prefetch] [--touch] [--headroom BYTES]
 *                [--stamp-class ethertype:0xHHHH|udp:PORT]
 *
 * For the cost attribution in bench/run.sh, one thing at a time:
 *   --program  bare: bench/bpf/bench_layouts.c (no parsing, no counters)
 *              instead of af_xdp_kern.c (default)
 *   --layout   what the program writes (default rx-time; id only with
 *              bare), and what is read per frame: none reads nothing, id
 *              the btf_id, mark the mark and the btf_id, rx-time rx_ktime
 *              into the histogram
 *   --clear    the consumer's clearing write into every frame's btf_id slot
 *   --prefetch prefetch the metadata line four descriptors ahead
 *   --touch    also read the packet's first 8 bytes, as any receiver that
 *              looks at its packets does
 *   --headroom UMEM frame headroom (16: metadata and packet start share a
 *              cache line; 0: the packet starts one)
 *   --stamp-class  af_xdp_kern with --layout rx-time: only frames of that
 *              class get xdp_hints_rx_time (rodata stamp_class), the others
 *              xdp_hints_untimed; per frame the btf_id is read, and rx_ktime
 *              only from a frame whose btf_id is xdp_hints_rx_time's
 *
 * Prints "bench_min_rx: ready" on stderr once attached, and
 * at the end one JSON line:
 *   {"packets":N,"latency_ns":{"count","min","avg","p50","p99","max"}}
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/btf.h>

#include "af_xdp_kern.skel.h"
#include "af_xdp_shared.h"
#include "bench/bench_layouts.skel.h"
#include "latency_histogram.h"
#include "netdev.h"
#include "parse_num.h"
#include "xdp_attach.h"
#include "xsk_queue.h"
#include "mono_clock.h"

#define NS_PER_SEC 1000000000ULL
#define RX_BATCH 64U
#define RX_TIME_OFFSET 16 /* xdp_hints_rx_time: rx_ktime is 16 bytes before pkt */

/* --layout: the values of bench_layouts.c's rodata 'layout'. */
enum min_layout {
	MIN_LAYOUT_NONE = 0,
	MIN_LAYOUT_ID = 1,
	MIN_LAYOUT_MARK = 2,
	MIN_LAYOUT_RX_TIME = 3,
};

struct min_rx {
	const char *ifname;
	enum xdp_mode_choice xdp_mode;
	bool spin;
	uint64_t frames;
	uint64_t duration_ns;
	enum min_layout layout;
	bool bare;       /* --program bare: bench_layouts, else af_xdp_kern */
	bool clear;
	bool prefetch;
	bool touch;      /* also read the packet's first 8 bytes */
	uint64_t headroom;
	__u32 stamp_class;      /* enum stamp_class: rodata of af_xdp_kern */
	__u16 stamp_value;      /* its ethertype or UDP port, host order */
	__u32 rx_time_btf_id;   /* with a stamp class: the timed frames' btf_id */
	__u64 checksum;  /* what id/mark frames read, so the reads stay */
	struct bench_layouts *layouts_skel;
	__u32 n_queues;
	struct xsk_queue *queues;
	struct pollfd *pollfds;
	__u32 n_open;
	struct af_xdp_kern *skel;
	struct xdp_attachment attachment;
	struct latency_histogram histogram;
	__u64 packets;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The 4 bytes @back bytes before the packet (btf_id is at 4, mark at 8). */
static inline __u32 u32_before(const void *pkt, size_t back)
{
	__u32 v;

	memcpy(&v, (const char *)pkt - back, sizeof(v));
	return v;
}

/* One frame. Same clock reading as the tool: once per batch, when it
 * left the ring. */
static inline void min_frame(struct min_rx *rx, const void *pkt, __u64 now)
{
	__u64 rx_ktime;

	rx->packets++;
	if (rx->touch)
		rx->checksum += u32_before((const char *)pkt + 8, 8) + u32_before((const char *)pkt + 8, 4);
	switch (rx->layout) {
	case MIN_LAYOUT_NONE:
		return;
	case MIN_LAYOUT_ID:
		rx->checksum += u32_before(pkt, 4);
		return;
	case MIN_LAYOUT_MARK:
		rx->checksum += u32_before(pkt, 4) + u32_before(pkt, 8);
		return;
	default:
		break;
	}
	if (rx->stamp_class != STAMP_CLASS_ALL) {
		__u32 btf_id = u32_before(pkt, 4);

		if (btf_id != rx->rx_time_btf_id) {
			rx->checksum += btf_id; /* xdp_hints_untimed: no time */
			return;
		}
	}
	memcpy(&rx_ktime, (const char *)pkt - RX_TIME_OFFSET, sizeof(rx_ktime));
	if (now >= rx_ktime)
		latency_histogram_record(&rx->histogram, now - rx_ktime);
}

static int parse_layout(const char *name, enum min_layout *out)
{
	static const char *const names[] = { "none", "id", "mark", "rx-time" };

	for (int i = 0; i < 4; i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum min_layout)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct min_rx *rx)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "xdp-mode", required_argument, NULL, 'm' },
		{ "spin", no_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 't' },
		{ "layout", required_argument, NULL, 'l' },
		{ "program", required_argument, NULL, 'P' },
		{ "clear", no_argument, NULL, 'c' },
		{ "prefetch", no_argument, NULL, 'p' },
		{ "touch", no_argument, NULL, 'T' },
		{ "headroom", required_argument, NULL, 'H' },
		{ "stamp-class", required_argument, NULL, 'S' },
		{ 0 },
	};
	double seconds;
	char *end;
	int c;

	rx->frames = 4096;
	rx->xdp_mode = XDP_MODE_NATIVE;
	rx->layout = MIN_LAYOUT_RX_TIME;
	while ((c = getopt_long(argc, argv, "d:m:sf:t:l:P:cpTH:S:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': rx->ifname = optarg; break;
		case 'm':
			if (!strcmp(optarg, "native"))
				rx->xdp_mode = XDP_MODE_NATIVE;
			else if (!strcmp(optarg, "generic"))
				rx->xdp_mode = XDP_MODE_GENERIC;
			else
				return -EINVAL;
			break;
		case 's': rx->spin = true; break;
		case 'f':
			if (parse_u64(optarg, 64, 1048576, &rx->frames) ||
			    (rx->frames & (rx->frames - 1)))
				return -EINVAL;
			break;
		case 't':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || *end || !(seconds > 0) || seconds > 3600)
				return -EINVAL;
			rx->duration_ns = (uint64_t)(seconds * NS_PER_SEC);
			break;
		case 'l':
			if (parse_layout(optarg, &rx->layout))
				return -EINVAL;
			break;
		case 'P':
			if (strcmp(optarg, "bare") && strcmp(optarg, "af_xdp_kern"))
				return -EINVAL;
			rx->bare = !strcmp(optarg, "bare");
			break;
		case 'c': rx->clear = true; break;
		case 'p': rx->prefetch = true; break;
		case 'T': rx->touch = true; break;
		case 'H':
			/* The kernel keeps XDP_PACKET_HEADROOM after it: a little is enough. */
			if (parse_u64(optarg, 0, 1024, &rx->headroom))
				return -EINVAL;
			break;
		case 'S': {
			uint32_t v;

			if (!strncmp(optarg, "ethertype:", 10) &&
			    !parse_u32(optarg + 10, 0x0600, 0xffff, &v))
				rx->stamp_class = STAMP_CLASS_ETHERTYPE;
			else if (!strncmp(optarg, "udp:", 4) && !parse_u32(optarg + 4, 1, 65535, &v))
				rx->stamp_class = STAMP_CLASS_UDP_DPORT;
			else
				return -EINVAL;
			rx->stamp_value = (__u16)v;
			break;
		}
		default: return -EINVAL;
		}
	}
	return rx->ifname && optind == argc ? 0 : -EINVAL;
}

static int setup(struct min_rx *rx)
{
	const struct bpf_program *prog;
	int ifindex, map_fd, err;

	err = netdev_ifindex(rx->ifname, &ifindex);
	if (!err)
		err = netdev_queue_count(rx->ifname, &rx->n_queues, NULL);
	if (err) {
		fprintf(stderr, "bench_min_rx: %s: %s\n", rx->ifname, strerror(-err));
		return err;
	}
	if (!rx->bare) {
		static const __u32 policies[] = {
			[MIN_LAYOUT_NONE] = HINT_POLICY_NONE,
			[MIN_LAYOUT_MARK] = HINT_POLICY_MARK,
			[MIN_LAYOUT_RX_TIME] = HINT_POLICY_RX_TIME,
		};

		if (rx->layout == MIN_LAYOUT_ID) {
			fprintf(stderr, "bench_min_rx: --layout id needs --program bare\n");
			return -EINVAL;
		}
		if (rx->stamp_class != STAMP_CLASS_ALL && rx->layout != MIN_LAYOUT_RX_TIME) {
			fprintf(stderr, "bench_min_rx: --stamp-class needs --layout rx-time\n");
			return -EINVAL;
		}
		rx->skel = af_xdp_kern__open();
		if (!rx->skel)
			return -errno;
		rx->skel->rodata->hint_policy = policies[rx->layout];
		/* What a receiver sets for a stamp class (af_xdp_shared.h). */
		rx->skel->rodata->stamp_class = rx->stamp_class;
		if (rx->stamp_class == STAMP_CLASS_ETHERTYPE)
			rx->skel->rodata->stamp_ethertype = rx->stamp_value;
		else if (rx->stamp_class == STAMP_CLASS_UDP_DPORT)
			rx->skel->rodata->stamp_udp_dport = rx->stamp_value;
		err = bpf_map__set_max_entries(rx->skel->maps.xsks_map, rx->n_queues);
		if (!err)
			err = bpf_map__set_max_entries(rx->skel->maps.queue_stats, rx->n_queues);
		if (!err)
			err = af_xdp_kern__load(rx->skel);
		prog = rx->skel ? rx->skel->progs.xdp_hints_redirect : NULL;
		if (!err) {
			int id = btf__find_by_name_kind(bpf_object__btf(rx->skel->obj),
							"xdp_hints_rx_time", BTF_KIND_STRUCT);

			err = id > 0 ? 0 : -ENOENT;
			rx->rx_time_btf_id = id > 0 ? (__u32)id : 0;
		}
	} else {
		if (rx->stamp_class != STAMP_CLASS_ALL) {
			fprintf(stderr, "bench_min_rx: --stamp-class needs --program af_xdp_kern\n");
			return -EINVAL;
		}
		rx->layouts_skel = bench_layouts__open();
		if (!rx->layouts_skel)
			return -errno;
		rx->layouts_skel->rodata->layout = (__u32)rx->layout;
		err = bench_layouts__load(rx->layouts_skel);
		prog = rx->layouts_skel->progs.bench_layouts_redirect;
	}
	if (err) {
		fprintf(stderr, "bench_min_rx: loading the XDP program: %s\n", strerror(-err));
		return err;
	}
	map_fd = bpf_map__fd(rx->bare ? rx->layouts_skel->maps.xsks_map :
			     rx->skel->maps.xsks_map);
	rx->queues = calloc(rx->n_queues, sizeof(*rx->queues));
	rx->pollfds = calloc(rx->n_queues, sizeof(*rx->pollfds));
	if (!rx->queues || !rx->pollfds)
		return -ENOMEM;
	for (__u32 i = 0; i < rx->n_queues; i++) {
		struct xsk_queue_params p = {
			.ifname = rx->ifname,
			.queue_id = i,
			.frames = (__u32)rx->frames,
			.frame_size = 4096,
			.bind_mode = BIND_MODE_COPY,
			.producer_stamps = !rx->clear,
			.prefetch_meta = rx->prefetch,
			.frame_headroom = (__u32)rx->headroom,
		};
		enum xsk_queue_stage stage;

		err = xsk_queue_open(&rx->queues[i], &p, &stage);
		if (err) {
			fprintf(stderr, "bench_min_rx: %s queue %u: AF_XDP socket (stage %d): %s\n",
				rx->ifname, i, stage, strerror(-err));
			return err;
		}
		rx->n_open = i + 1;
		err = xsk_queue_register(&rx->queues[i], map_fd);
		if (err) {
			fprintf(stderr, "bench_min_rx: %s queue %u: xsks_map: %s\n",
				rx->ifname, i, strerror(-err));
			return err;
		}
		rx->pollfds[i] = (struct pollfd){ .fd = xsk_queue_fd(&rx->queues[i]),
						  .events = POLLIN };
	}
	err = xdp_attach(prog, ifindex, rx->xdp_mode, &rx->attachment);
	if (err)
		fprintf(stderr, "bench_min_rx: %s: attaching XDP: %s\n", rx->ifname,
			strerror(-err));
	return err;
}

/* One batch off @q, walked in a plain loop, as af_xdp_user does. */
static void receive_batch(struct min_rx *rx, struct xsk_queue *q)
{
	struct xsk_rx_batch batch;
	unsigned int n = xsk_queue_peek_batch(q, RX_BATCH, &batch);

	for (unsigned int i = 0; i < n; i++)
		min_frame(rx, xsk_rx_batch_frame(&batch, i)->data, batch.dequeue_ns);
	xsk_queue_release_batch(q, &batch, rx->spin);
}

static void receive_loop(struct min_rx *rx)
{
	__u64 deadline = rx->duration_ns ? monotonic_ns() + rx->duration_ns : UINT64_MAX;

	while (!stop_requested && monotonic_ns() < deadline) {
		if (!rx->spin && poll(rx->pollfds, rx->n_queues, 100) <= 0)
			continue;
		for (__u32 i = 0; i < rx->n_queues; i++)
			if (rx->spin || (rx->pollfds[i].revents & POLLIN))
				receive_batch(rx, &rx->queues[i]);
	}
}

int main(int argc, char **argv)
{
	struct min_rx rx = { .attachment = XDP_ATTACHMENT_INIT };
	struct sigaction sa = { .sa_handler = on_signal };
	struct latency_summary sum;
	int ret = 1;

	if (parse_args(argc, argv, &rx)) {
		fprintf(stderr, "usage: bench_min_rx --dev IFNAME [--xdp-mode native|generic] [--spin]\n"
				"                    [--frames N] [--duration S]\n"
				"                    [--program af_xdp_kern|bare] [--layout none|id|mark|rx-time]\n"
				"                    [--clear] [--prefetch] [--touch] [--headroom BYTES]\n"
				"                    [--stamp-class ethertype:0xHHHH|udp:PORT]\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	latency_histogram_init(&rx.histogram);
	if (setup(&rx))
		goto cleanup;
	fprintf(stderr, "bench_min_rx: ready: dev %s queues %u\n", rx.ifname, rx.n_queues);
	receive_loop(&rx);
	latency_histogram_summarize(&rx.histogram, &sum);
	printf("{\"packets\":%llu,\"checksum\":%llu,\"latency_ns\":{\"count\":%llu,\"min\":%llu,\"avg\":%.0f,"
	       "\"p50\":%llu,\"p99\":%llu,\"max\":%llu}}\n",
	       (unsigned long long)rx.packets, (unsigned long long)rx.checksum,
	       (unsigned long long)sum.count,
	       (unsigned long long)sum.min_ns, sum.mean_ns, (unsigned long long)sum.p50_ns,
	       (unsigned long long)sum.p99_ns, (unsigned long long)sum.max_ns);
	ret = 0;
cleanup:
	xdp_attachment_release(&rx.attachment);
	for (__u32 i = 0; i < rx.n_open; i++)
		xsk_queue_close(&rx.queues[i]);
	free(rx.queues);
	free(rx.pollfds);
	af_xdp_kern__destroy(rx.skel);
	bench_layouts__destroy(rx.layouts_skel);
	return ret;
}
