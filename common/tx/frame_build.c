// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <zlib.h>

#include "frame_build.h"

int frame_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != ETH_ALEN)
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

uint16_t frame_ipv4_checksum(const void *hdr, size_t len)
{
	const uint8_t *p = hdr;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len) /* odd length: the last byte is padded with a zero */
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet header (and VLAN tag) for @ethertype; returns its length. */
static size_t build_l2(const struct frame_spec *spec, uint8_t *frame, uint16_t ethertype)
{
	size_t off = 2 * ETH_ALEN;

	memcpy(frame, spec->dst_mac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, spec->src_mac, ETH_ALEN);
	if (spec->have_vlan) {
		uint16_t tpid = htons(ETH_P_8021Q), tci = htons(spec->vlan_id);

		memcpy(frame + off, &tpid, 2);
		memcpy(frame + off + 2, &tci, 2);
		off += FRAME_VLAN_HDR_LEN;
	}
	ethertype = htons(ethertype);
	memcpy(frame + off, &ethertype, 2);
	return off + 2;
}

static size_t build_arp(const struct frame_spec *spec, uint8_t *frame, size_t len)
{
	struct arphdr arp = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETH_P_IP),
		.ar_hln = ETH_ALEN,
		.ar_pln = 4,
		.ar_op = htons(ARPOP_REQUEST),
	};
	size_t l2 = build_l2(spec, frame, ETH_P_ARP);
	uint8_t *body = frame + l2 + sizeof(arp);

	memcpy(frame + l2, &arp, sizeof(arp));
	memcpy(body, spec->src_mac, ETH_ALEN);
	memcpy(body + ETH_ALEN, &spec->src_ip, 4);
	/* The target hardware address stays zero: that is what we ask for. */
	memcpy(body + 2 * ETH_ALEN + 4, &spec->dst_ip, 4);
	return len;
}

static size_t build_udp(const struct frame_spec *spec, uint8_t *frame, size_t len,
			struct frame_layout *layout)
{
	size_t l2 = build_l2(spec, frame, ETH_P_IP);
	size_t ip_len = len - l2;
	struct iphdr ip = { 0 };
	struct udphdr udp = { 0 };

	ip.version = 4;
	ip.ihl = sizeof(ip) / 4;
	ip.tot_len = htons((uint16_t)ip_len);
	ip.frag_off = htons(0x4000); /* DF: no fragment id needed */
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = spec->src_ip.s_addr;
	ip.daddr = spec->dst_ip.s_addr;
	ip.check = frame_ipv4_checksum(&ip, sizeof(ip));
	udp.source = htons(spec->src_port);
	udp.dest = htons(spec->dst_port);
	udp.len = htons((uint16_t)(ip_len - sizeof(ip)));
	memcpy(frame + l2, &ip, sizeof(ip));
	memcpy(frame + l2 + sizeof(ip), &udp, sizeof(udp));
	layout->udp_off = l2 + sizeof(ip);
	layout->seq_off = layout->udp_off + sizeof(udp);
	return len;
}

uint32_t frame_stamp_min_size(enum frame_kind kind)
{
	uint32_t udp = ETH_HLEN + sizeof(struct iphdr) + sizeof(struct udphdr) + TX_STAMP_LEN;

	switch (kind) {
	case FRAME_UDP:
		return udp > FRAME_MIN_LEN ? udp : FRAME_MIN_LEN;
	case FRAME_RAW_ETHERTYPE:
		return ETH_HLEN + TX_STAMP_LEN > FRAME_MIN_LEN ? ETH_HLEN + TX_STAMP_LEN
							       : FRAME_MIN_LEN;
	default:
		return 0;
	}
}

size_t frame_build(const struct frame_spec *spec, uint8_t *frame, size_t cap,
		   struct frame_layout *layout)
{
	size_t len = spec->frame_size + (spec->have_vlan ? FRAME_VLAN_HDR_LEN : 0);
	size_t l2;

	memset(layout, 0, sizeof(*layout));
	if (spec->frame_size < FRAME_MIN_LEN || spec->frame_size > FRAME_JUMBO_MAX_LEN ||
	    len > cap)
		return 0;
	memset(frame, 0, len);

	switch (spec->kind) {
	case FRAME_RUNT:
		l2 = build_l2(spec, frame, ETH_P_IP);
		/* The start of an IPv4 header, cut short: version 4, ihl 5. */
		frame[l2] = 0x45;
		len = l2 + (FRAME_RUNT_LEN - ETH_HLEN);
		break;
	case FRAME_RAW_ETHERTYPE:
		l2 = build_l2(spec, frame, spec->ethertype);
		layout->seq_off = l2;
		break;
	case FRAME_ARP:
		len = build_arp(spec, frame, len);
		break;
	case FRAME_UDP:
	default:
		len = build_udp(spec, frame, len, layout);
		break;
	}
	if (spec->tx_stamp_clock) {
		/* The stamp's own seq and send_ns are the per-frame fields. */
		if (!layout->seq_off || layout->seq_off + TX_STAMP_LEN > len)
			return 0;
		layout->stamp_off = layout->seq_off;
		tx_stamp_write_header(frame + layout->stamp_off,
				      (enum tx_stamp_clock)spec->tx_stamp_clock);
		layout->seq_off = layout->stamp_off + TX_STAMP_SEQ_OFF;
		layout->time_off = layout->stamp_off + TX_STAMP_SEND_NS_OFF;
		layout->len = len;
		return len;
	}
	/* Fields that do not fit are absent rather than cut. */
	if (layout->seq_off && layout->seq_off + FRAME_FIELD_LEN > len)
		layout->seq_off = 0;
	if (layout->seq_off && layout->seq_off + 2 * FRAME_FIELD_LEN <= len)
		layout->time_off = layout->seq_off + FRAME_FIELD_LEN;
	layout->len = len;
	return len;
}

/* Past the per-frame fields: the send time's end, else the sequence's. */
static size_t pattern_start(const struct frame_layout *layout)
{
	if (layout->time_off)
		return layout->time_off + FRAME_FIELD_LEN;
	return layout->seq_off ? layout->seq_off + FRAME_FIELD_LEN : 0;
}

void frame_fill_pattern(uint8_t *frame, const struct frame_layout *layout)
{
	size_t start = pattern_start(layout);

	if (!start)
		return;
	/* 251 is prime: the pattern does not repeat with any buffer size. */
	for (size_t i = start; i < layout->len; i++)
		frame[i] = (uint8_t)(i % 251);
}

uint32_t frame_crc32(const uint8_t *data, size_t len)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
}

bool frame_seal_crc(uint8_t *frame, const struct frame_layout *layout)
{
	size_t body = layout->len - FRAME_CRC_LEN;
	uint32_t crc;

	if (!pattern_start(layout) || pattern_start(layout) > body)
		return false;
	crc = frame_crc32(frame, body);
	for (size_t i = 0; i < FRAME_CRC_LEN; i++)
		frame[body + i] = (uint8_t)(crc >> (8 * i));
	return true;
}
