// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench_inject - feed the XDP program attached to an interface with frames,
 * without a sender, through BPF_PROG_TEST_RUN in live-frames mode.
 *
 *   bench_inject --dev IFNAME [--queues N] [--seconds S | --count N]
 *                [--repeat R] [--rate PPS]
 *
 * With BPF_F_TEST_XDP_LIVE_FRAMES the kernel runs the program on each frame
 * as if it had arrived on ctx_in's ingress_ifindex / rx_queue_index, and
 * carries out its verdict: XDP_REDIRECT into the XSKMAP lands the frame in
 * the AF_XDP socket bound to that queue, exactly as a driver would. The
 * program runs on the injecting CPU, so the receiver should get the other.
 *
 * Throughput mode (default): calls of R repeats (default 4096), the queues
 * taken in turn, until S seconds or N frames. Paced mode (--rate): one frame
 * per call at evenly spaced times, for latency measurements without bursts.
 *
 * Must run in the interface's network namespace. Prints one JSON line:
 *   {"injected":N,"elapsed_s":S,"pps":P,"prog_id":ID}
 *
 * --prog-cost instead runs the program --repeat times WITHOUT live frames
 * (the verdict is returned, nothing is redirected) and prints the kernel's
 * average run time: {"prog_ns":NS,"runs":N,"prog_id":ID}. That is the XDP
 * program's own cost, apart from the copy into the UMEM and the receiver.
 *
 * In throughput mode the JSON line also has "cpu_ns_per_frame": the
 * injecting thread's CPU time per frame (CLOCK_THREAD_CPUTIME_ID), which is
 * the kernel's whole cost per frame (program, redirect, copy into the UMEM,
 * the test-run loop) whoever else shares the machine. --run-stats turns on
 * the kernel's BPF run-time statistics for this process's lifetime
 * (BPF_ENABLE_STATS, so nothing is left switched on) and adds the program's
 * own "run_ns_per_frame" (run_time_ns / run_cnt over the run); the
 * statistics cost two clock reads per run, so take rates from runs without.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "parse_num.h"
#include "mono_clock.h"

#define NS_PER_SEC 1000000000ULL
#define FRAME_LEN 64U   /* minimum Ethernet frame without FCS */

struct inject_config {
	const char *ifname;
	uint64_t queues;
	uint64_t seconds;   /* in ms, see parse */
	uint64_t count;
	uint64_t repeat;
	uint64_t rate;
	bool prog_cost;
	bool run_stats;
};

/* UDP/IPv4 10.77.0.2:9000 -> 10.77.0.1:9000, locally administered MACs. */
static void build_frame(unsigned char *frame)
{
	static const unsigned char dst[ETH_ALEN] = { 0x02, 0x78, 0x68, 0, 0, 0x01 };
	static const unsigned char src[ETH_ALEN] = { 0x02, 0x78, 0x68, 0, 0, 0x02 };
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);

	memset(frame, 0, FRAME_LEN);
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(FRAME_LEN - sizeof(*eth));
	ip->saddr = htonl(0x0a4d0002);
	ip->daddr = htonl(0x0a4d0001);
	udp->source = htons(9000);
	udp->dest = htons(9000);
	udp->len = htons(FRAME_LEN - sizeof(*eth) - sizeof(*ip));
}

static int attached_prog_fd(int ifindex, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, query);
	int fd;

	if (bpf_xdp_query(ifindex, 0, &query))
		return -errno;
	*prog_id = query.prog_id ? query.prog_id :
		   query.drv_prog_id ? query.drv_prog_id : query.skb_prog_id;
	if (!*prog_id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(*prog_id);
	return fd < 0 ? -errno : fd;
}

static int inject(int prog_fd, int ifindex, __u32 queue, unsigned char *frame,
		  __u32 repeat, bool live, __u32 *duration_ns)
{
	struct xdp_md ctx = {
		.data_end = FRAME_LEN,
		.ingress_ifindex = (__u32)ifindex,
		.rx_queue_index = queue,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = FRAME_LEN,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
		.flags = live ? BPF_F_TEST_XDP_LIVE_FRAMES : 0,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (duration_ns)
		*duration_ns = opts.duration;
	return 0;
}

/* The program's cumulated run time and run count (0 while stats are off). */
static int prog_run_totals(int prog_fd, __u64 *run_time_ns, __u64 *run_cnt)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*run_time_ns = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}

static __u64 thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (__u64)ts.tv_sec * NS_PER_SEC + (__u64)ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench_inject --dev IFNAME [--queues N] [--seconds S | --count N]\n"
		"                    [--repeat R] [--rate PPS]\n"
		"  --queues   RX queues to inject into, in turn (default 1)\n"
		"  --seconds  run time (default 2; fractions allowed)\n"
		"  --count    stop after N frames instead\n"
		"  --repeat   frames per BPF_PROG_TEST_RUN call (default 4096)\n"
		"  --rate     paced: one frame per call at PPS frames per second\n"
		"  --prog-cost  average run time of the program alone (no live frames)\n"
		"  --run-stats  the program's run_time_ns/run_cnt over the run (BPF_ENABLE_STATS)\n");
}

static int parse_args(int argc, char **argv, struct inject_config *cfg)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "queues", required_argument, NULL, 'q' },
		{ "seconds", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "rate", required_argument, NULL, 'R' },
		{ "prog-cost", no_argument, NULL, 'c' },
		{ "run-stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double seconds;
	char *end;
	int c;

	*cfg = (struct inject_config){ .queues = 1, .seconds = 2000, .repeat = 4096 };
	while ((c = getopt_long(argc, argv, "d:q:s:n:r:R:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg->ifname = optarg; break;
		case 'q':
			if (parse_u64(optarg, 1, 256, &cfg->queues))
				return -EINVAL;
			break;
		case 's':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || *end || !(seconds > 0) || seconds > 3600)
				return -EINVAL;
			cfg->seconds = (uint64_t)(seconds * 1000);
			break;
		case 'n':
			if (parse_u64(optarg, 1, UINT64_MAX / 2, &cfg->count))
				return -EINVAL;
			break;
		case 'r':
			if (parse_u64(optarg, 1, 1U << 24, &cfg->repeat))
				return -EINVAL;
			break;
		case 'R':
			if (parse_u64(optarg, 1, 10000000, &cfg->rate))
				return -EINVAL;
			break;
		case 'c': cfg->prog_cost = true; break;
		case 'S': cfg->run_stats = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	return cfg->ifname && optind == argc ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	unsigned char frame[FRAME_LEN];
	struct inject_config cfg;
	__u64 start, now, deadline, next, injected = 0;
	__u32 queue = 0, prog_id = 0;
	__u64 cpu0, cpu1, run_ns0 = 0, run_cnt0 = 0, run_ns1 = 0, run_cnt1 = 0;
	int ifindex, prog_fd, stats_fd = -1, err = 0;

	if (parse_args(argc, argv, &cfg)) {
		usage(stderr);
		return 2;
	}
	ifindex = (int)if_nametoindex(cfg.ifname);
	if (!ifindex) {
		fprintf(stderr, "bench_inject: %s: no such interface\n", cfg.ifname);
		return 1;
	}
	prog_fd = attached_prog_fd(ifindex, &prog_id);
	if (prog_fd < 0) {
		fprintf(stderr, "bench_inject: %s: no XDP program to inject into: %s\n",
			cfg.ifname, strerror(-prog_fd));
		return 1;
	}
	build_frame(frame);
	if (cfg.prog_cost) {
		__u32 duration_ns = 0;

		err = inject(prog_fd, ifindex, 0, frame, (__u32)cfg.repeat, false, &duration_ns);
		if (err)
			fprintf(stderr, "bench_inject: %s: BPF_PROG_TEST_RUN: %s\n", cfg.ifname,
				strerror(-err));
		else
			printf("{\"prog_ns\":%u,\"runs\":%llu,\"prog_id\":%u}\n", duration_ns,
			       (unsigned long long)cfg.repeat, prog_id);
		close(prog_fd);
		return err ? 1 : 0;
	}
	/* Paced sends sleep tens of microseconds: the default 50 us slack
	 * would bunch them up. */
	prctl(PR_SET_TIMERSLACK, 1UL);

	if (cfg.run_stats) {
		/* Held until exit: the kernel turns the statistics off with it. */
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0 || prog_run_totals(prog_fd, &run_ns0, &run_cnt0)) {
			fprintf(stderr, "bench_inject: BPF run-time statistics: %s\n",
				strerror(errno));
			close(prog_fd);
			return 1;
		}
	}
	cpu0 = thread_cpu_ns();
	start = now = monotonic_ns();
	deadline = start + cfg.seconds * 1000000ULL;
	next = start;
	while (now < deadline && (!cfg.count || injected < cfg.count)) {
		__u32 repeat = cfg.rate ? 1 : (__u32)cfg.repeat;

		if (cfg.count && cfg.count - injected < repeat)
			repeat = (__u32)(cfg.count - injected);
		if (cfg.rate) {
			struct timespec at = { .tv_sec = (time_t)(next / NS_PER_SEC),
					       .tv_nsec = (long)(next % NS_PER_SEC) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
			next += NS_PER_SEC / cfg.rate;
		}
		err = inject(prog_fd, ifindex, queue, frame, repeat, true, NULL);
		if (err) {
			fprintf(stderr, "bench_inject: %s queue %u: BPF_PROG_TEST_RUN (live frames): %s\n",
				cfg.ifname, queue, strerror(-err));
			break;
		}
		injected += repeat;
		queue = (queue + 1) % (__u32)cfg.queues;
		now = monotonic_ns();
	}
	cpu1 = thread_cpu_ns();
	printf("{\"injected\":%llu,\"elapsed_s\":%.6f,\"pps\":%.0f,\"prog_id\":%u,"
	       "\"cpu_ns_per_frame\":%.1f",
	       (unsigned long long)injected, (double)(now - start) / NS_PER_SEC,
	       (double)injected * NS_PER_SEC / (double)(now - start), prog_id,
	       injected ? (double)(cpu1 - cpu0) / (double)injected : 0.0);
	if (cfg.run_stats && !prog_run_totals(prog_fd, &run_ns1, &run_cnt1) && run_cnt1 > run_cnt0)
		printf(",\"run_ns_per_frame\":%.1f,\"run_cnt\":%llu",
		       (double)(run_ns1 - run_ns0) / (double)(run_cnt1 - run_cnt0),
		       (unsigned long long)(run_cnt1 - run_cnt0));
	printf("}\n");
	if (stats_fd >= 0)
		close(stats_fd);
	close(prog_fd);
	return err ? 1 : 0;
}
