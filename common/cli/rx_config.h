/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * struct rx_config: af_xdp_user's options as parsed (cli/options.h fills
 * it), fixed after parsing and read-only for the rest of the run, with
 * the ranges and defaults the option table checks them against.
 */
#ifndef XDP_HINTS_RX_CONFIG_H
#define XDP_HINTS_RX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "af_xdp_shared.h"
#include "log.h"
#include "metrics_listen.h"
#include "program_choices.h"
#include "tx_config.h"
#include "xsk_queue.h"

#define RX_FRAMES_MIN 64U
#define RX_FRAMES_MAX 1048576U
#define RX_FRAMES_DEFAULT 4096U
#define RX_FRAME_SIZE_DEFAULT 4096U
#define RX_ETHERTYPE_MIN 0x0600U /* below this the field is an 802.3 length */
#define RX_INTERVAL_DEFAULT_NS 1000000000ULL
#define RX_SECONDS_MAX 31536000ULL /* one year: anything longer is a typo */
#define RX_CPU_MAX 1023U             /* CPU_SETSIZE - 1 */
#define RX_BUSY_POLL_USEC_DEFAULT 20U
#define RX_BUSY_POLL_USEC_MAX 1000000U
#define RX_PRIORITY_MAX 99U           /* SCHED_FIFO */
#define RX_DMA_LATENCY_MAX_US 2000000000U /* the PM QoS value is an s32 */

#define FRAME_HEADROOM_MAX 256U /* --frame-headroom, bytes */

struct rx_config {
	const char *ifname;   /* points into argv */
	bool single_queue;    /* -Q given */
	uint32_t queue_id;    /* valid if single_queue */
	enum xdp_mode_choice xdp_mode;
	enum bind_mode_choice bind_mode;
	bool spin;
	enum umem_mode_choice umem_mode; /* --umem */
	uint32_t frames;      /* per queue (--umem per-queue) or all (shared), power of two */
	uint32_t frame_size;  /* 2048 or 4096 */
	bool frames_set;      /* -f/--frames given; else shared out of a budget */
	bool frame_size_set;  /* -F/--frame-size given; else from the MTU */
	uint32_t frame_headroom; /* UMEM headroom in front of each packet, bytes */
	enum hint_policy layout;
	enum hw_hints_choice hw_hints;
	enum frags_choice frags;
	enum hint_clock clock;    /* --clock (af_xdp_shared.h) */
	enum redirect_filter filter;
	uint16_t filter_udp_dport;
	uint16_t filter_ethertype;
	uint64_t max_packets;  /* 0: until a signal */
	uint64_t duration_ns;  /* 0: until a signal */
	uint64_t interval_ns;  /* 0: no interval reports */
	bool pkt_info;
	bool json;
	bool extended;        /* -e: every counter in each human report */
	bool all_queues;      /* --all-queues: -e has a column for idle queues too */
	bool bpf_stats;       /* --bpf-stats: BPF_STATS_RUN_TIME held for the run */
	/* --rx-period S[,PHASE]: scheduled bulk receive (rx_period.h); 0: off */
	uint64_t rx_period_ns;
	uint64_t rx_period_phase_ns;
	/* --tx-stamps: read the sender's stamp (headers/tx_stamp.h) in each frame */
	bool tx_stamps;
	/* --stamp-time CLASS: which frames the XDP program gives a receive time */
	enum stamp_class stamp_class;
	uint16_t stamp_ethertype;  /* STAMP_CLASS_ETHERTYPE, host order */
	uint16_t stamp_udp_dport;  /* STAMP_CLASS_UDP_DPORT, host order */
	bool force;
	enum log_level verbosity;
	struct tx_config tx;   /* --tx and its settings */
	/* Measurement set-up (CPU placement, busy polling, per-packet log). */
	bool busy_poll;           /* SO_PREFER_BUSY_POLL + SO_BUSY_POLL sockets */
	uint32_t busy_poll_usec;  /* SO_BUSY_POLL */
	int cpu;                  /* -1: not pinned; else the receiving thread's CPU */
	bool threads;             /* one receive thread per queue */
	uint32_t n_cpu_list;      /* --cpu-list entries, 0: none */
	uint16_t cpu_list[XDP_HINTS_MAX_QUEUES]; /* thread i runs on cpu_list[i % n] */
	uint32_t priority;        /* SCHED_FIFO priority, 0: leave the policy alone */
	int tx_cpu;               /* --tx thread's CPU, -1: the process's CPUs */
	uint32_t tx_priority;     /* --tx thread's SCHED_FIFO priority, 0: SCHED_OTHER */
	bool cpu_dma_latency_set;
	uint32_t cpu_dma_latency_us;
	const char *csv_path;     /* per-packet records, NULL: none; points into argv */
	/* Another process's XDP program (foreign_program.h); NULL: load our own. */
	const char *xsks_map_path; /* pinned XSKMAP; points into argv */
	uint32_t foreign_prog_id;  /* --prog-id, 0: the one attached to ifname */
	const char *pcapng_path;  /* --pcapng capture, NULL: none; points into argv */
	uint32_t snaplen;         /* --snaplen, bytes kept per frame */
	bool snaplen_set;
	const char *metrics_addr; /* --metrics as given, NULL: no endpoint */
	struct metrics_listen metrics_listen; /* --metrics parsed */
};

#endif
