// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tx_stamp_capture - read frames from an interface (AF_PACKET) and run
 * each through tx_stamp_parse() (headers/tx_stamp.h), for the end-to-end
 * test of xdp_hints_traffic --stamp-tx and --mix:
 *
 *   tx_stamp_capture DEV SRC_MAC COUNT TIMEOUT_MS
 *
 * Takes the first COUNT frames that arrive on DEV from SRC_MAC (others,
 * the namespace's own replies and ARP are skipped), or what came within
 * TIMEOUT_MS. Prints "ready" on stderr once bound, then one line per
 * frame on stdout:
 *   ETHERTYPE RC SEQ CLOCK SEND_NS RX_NS OFFSET
 * ETHERTYPE in hex as the frame carries it (the kernel has taken a VLAN
 * tag off by then), RC tx_stamp_parse()'s return, RX_NS the stamp's
 * clock read when the frame was taken from the socket (SEQ..OFFSET are 0
 * when RC is not). Exit 0, or 1 with one line naming the failed step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "tx_stamp.h"

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint8_t src[ETH_ALEN], frame[9100];
	unsigned int mac[ETH_ALEN];
	struct sockaddr_ll addr = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	unsigned long count, got = 0;
	uint64_t deadline;
	int fd;

	if (argc != 5 || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2],
				&mac[3], &mac[4], &mac[5]) != ETH_ALEN) {
		fprintf(stderr, "usage: tx_stamp_capture DEV SRC_MAC COUNT TIMEOUT_MS\n");
		return 1;
	}
	for (int i = 0; i < ETH_ALEN; i++)
		src[i] = (uint8_t)mac[i];
	count = strtoul(argv[3], NULL, 0);
	deadline = clock_ns(CLOCK_MONOTONIC) + strtoull(argv[4], NULL, 0) * 1000000ULL;
	addr.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!addr.sll_ifindex) {
		fprintf(stderr, "tx_stamp_capture: %s: no such interface\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "tx_stamp_capture: AF_PACKET socket on %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "ready\n");
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		struct sockaddr_ll from;
		socklen_t from_len = sizeof(from);
		struct tx_stamp st = { 0 };
		ssize_t len;
		int rc;

		if (now >= deadline || poll(&pfd, 1, (int)((deadline - now) / 1000000ULL) + 1) <= 0)
			break;
		len = recvfrom(fd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&from,
			       &from_len);
		if (len < ETH_HLEN || from.sll_pkttype == PACKET_OUTGOING ||
		    memcmp(frame + ETH_ALEN, src, ETH_ALEN) || (frame[12] == 0x08 && frame[13] == 0x06))
			continue;
		rc = tx_stamp_parse(frame, (size_t)len, &st);
		printf("%04x %d %llu %d %llu %llu %u\n", frame[12] << 8 | frame[13], rc,
		       (unsigned long long)st.seq, rc ? 0 : (int)st.clock,
		       (unsigned long long)st.send_ns,
		       (unsigned long long)(rc ? 0 : clock_ns(tx_stamp_clockid(st.clock))),
		       st.offset);
		got++;
	}
	close(fd);
	return 0;
}
