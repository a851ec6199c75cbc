/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Frames built byte by byte for the traffic generator and for
 * af_xdp_user's time-triggered TX: Ethernet (optionally 802.1Q tagged),
 * then UDP/IPv4, a raw ethertype payload, an ARP request or a runt.
 *
 * A template is built once. Per frame only the UDP source port and the
 * payload's 8-byte fields (sequence number, send time) change; the IPv4
 * header checksum covers none of them, and the UDP checksum is 0 ("no
 * checksum", legal for IPv4), so no per-frame checksum work is needed.
 */
#ifndef XDP_HINTS_FRAME_BUILD_H
#define XDP_HINTS_FRAME_BUILD_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

#include "tx_stamp.h"

#define FRAME_MIN_LEN 60U      /* Ethernet minimum without FCS */
#define FRAME_MAX_LEN 1514U    /* 1500 MTU + Ethernet header: one TX UMEM frame */
#define FRAME_JUMBO_MAX_LEN 9014U /* 9000 MTU + Ethernet header: the traffic generator */
#define FRAME_RUNT_LEN 20U     /* Ethernet header + 6 bytes of an IPv4 header */
#define FRAME_VLAN_HDR_LEN 4U
#define FRAME_FIELD_LEN 8U     /* a big-endian u64 in the payload */
#define FRAME_BUF_MAX (FRAME_MAX_LEN + FRAME_VLAN_HDR_LEN)
#define FRAME_JUMBO_BUF_MAX (FRAME_JUMBO_MAX_LEN + FRAME_VLAN_HDR_LEN)
#define FRAME_CRC_LEN 4U       /* the CRC-32 trailer of frame_seal_crc() */
/* The CRC-32 (zlib crc32(), the Ethernet FCS) of any data followed by its
 * own CRC-32 in little-endian order: a whole sealed frame checks to this. */
#define FRAME_CRC_RESIDUE 0x2144df1cU

enum frame_kind {
	FRAME_UDP = 0,
	FRAME_RAW_ETHERTYPE,
	FRAME_ARP,
	FRAME_RUNT,
};

struct frame_spec {
	enum frame_kind kind;
	uint8_t src_mac[ETH_ALEN];
	uint8_t dst_mac[ETH_ALEN];
	struct in_addr src_ip;   /* network order, UDP and ARP */
	struct in_addr dst_ip;
	uint16_t src_port;       /* host order, UDP */
	uint16_t dst_port;
	uint16_t ethertype;      /* FRAME_RAW_ETHERTYPE */
	bool have_vlan;
	uint16_t vlan_id;
	uint32_t frame_size;     /* FRAME_MIN_LEN..FRAME_JUMBO_MAX_LEN, without tag and FCS */
	/*
	 * 0: the payload starts with the sequence and send-time fields.
	 * enum tx_stamp_clock: it starts with a send stamp (headers/tx_stamp.h)
	 * of that clock instead, whose seq and send_ns are those two fields.
	 */
	uint8_t tx_stamp_clock;
};

/* Where a frame's per-frame fields are; an offset of 0 means "absent"
 * (the kind has no such field or the frame is too short for it). */
struct frame_layout {
	size_t len;        /* bytes to send */
	size_t udp_off;    /* UDP header */
	size_t seq_off;    /* big-endian sequence number */
	size_t time_off;   /* big-endian send time, ns (after the sequence) */
	size_t stamp_off;  /* the send stamp (spec.tx_stamp_clock): seq_off and
			    * time_off are its seq and send_ns */
};

/*
 * The smallest frame_size (without VLAN tag) whose payload holds a send
 * stamp for @kind: 66 for UDP (42 bytes of headers), FRAME_MIN_LEN for a
 * raw ethertype; 0 for kinds that carry none (ARP, runt).
 */
uint32_t frame_stamp_min_size(enum frame_kind kind);

/*
 * Build @spec into @frame (@cap bytes: FRAME_BUF_MAX is enough up to
 * FRAME_MAX_LEN, FRAME_JUMBO_BUF_MAX for any size). Returns the frame
 * length (also in @layout->len), or 0 when @cap is too small,
 * frame_size is outside FRAME_MIN_LEN..FRAME_JUMBO_MAX_LEN, or a send
 * stamp was asked for that the frame cannot hold (frame_stamp_min_size()).
 */
size_t frame_build(const struct frame_spec *spec, uint8_t *frame, size_t cap,
		   struct frame_layout *layout);

/*
 * Fill the payload after the per-frame fields (sequence, send time) with a
 * pattern that depends on the byte's offset, so a receiver's copy of a
 * long frame shows any byte out of place (all-zero payload would hide a
 * buffer copied twice or a zeroed one).
 */
void frame_fill_pattern(uint8_t *frame, const struct frame_layout *layout);

/*
 * Make the frame's last FRAME_CRC_LEN bytes the CRC-32 of the bytes before
 * them, little-endian, as an Ethernet FCS is: the CRC-32 of the whole
 * frame is then FRAME_CRC_RESIDUE, whatever it holds. Call it after the
 * per-frame fields are set. Frames shorter than the UDP payload's fields
 * plus the trailer (@layout->seq_off 0) are left alone: returns false.
 */
bool frame_seal_crc(uint8_t *frame, const struct frame_layout *layout);

/* The CRC-32 (zlib crc32()) of @len bytes. */
uint32_t frame_crc32(const uint8_t *data, size_t len);

/* "xx:xx:xx:xx:xx:xx" (one or two hex digits each): 0 or -EINVAL. */
int frame_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);

/* RFC 1071 checksum of @len bytes, ready to store (network order). Over a
 * header that already holds its checksum the result is 0. */
uint16_t frame_ipv4_checksum(const void *hdr, size_t len);

static inline void frame_set_udp_src_port(uint8_t *frame, const struct frame_layout *l,
					  uint16_t port)
{
	uint16_t be = htons(port);

	if (l->udp_off)
		memcpy(frame + l->udp_off, &be, sizeof(be));
}

/* Store @value big-endian at @off, unless the field is absent (@off 0). */
static inline void frame_set_u64(uint8_t *frame, size_t off, uint64_t value)
{
	uint64_t be = htobe64(value);

	if (off)
		memcpy(frame + off, &be, sizeof(be));
}

#endif
