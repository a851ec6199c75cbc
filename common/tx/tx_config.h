/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What af_xdp_user --tx sends and when (parsed in options.c, used by
 * tx_cyclic.c). Addresses left unset are filled from the device at start. */
#ifndef XDP_HINTS_TX_CONFIG_H
#define XDP_HINTS_TX_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

#define TX_INTERVAL_DEFAULT_NS 1000000ULL        /* 1 ms */
#define TX_INTERVAL_MIN_NS 10000ULL              /* 10 us */
#define TX_INTERVAL_MAX_NS 10000000000ULL        /* 10 s: bounds a stop's delay */
#define TX_BATCH_DEFAULT 1U
#define TX_BATCH_MAX 1024U                        /* and at most half the UMEM */
#define TX_SIZE_DEFAULT 64U
#define TX_SRC_PORT_DEFAULT 10000U
#define TX_DST_PORT_DEFAULT 9000U

struct tx_config {
	bool enabled;          /* --tx */
	bool no_rx;            /* --no-rx: send only, no XDP program attached */
	uint64_t interval_ns;  /* period between cycle deadlines */
	uint32_t batch;        /* frames per cycle */
	uint64_t cycles;       /* 0: until stopped */
	uint32_t frame_size;   /* bytes without FCS */
	bool have_src_mac;     /* else the device's MAC */
	bool have_src_ip;      /* else the device's IPv4, else 0.0.0.0 */
	uint8_t src_mac[ETH_ALEN];
	uint8_t dst_mac[ETH_ALEN];   /* default broadcast */
	struct in_addr src_ip;
	struct in_addr dst_ip;       /* default 255.255.255.255 */
	uint16_t src_port;
	uint16_t dst_port;
};

#endif
