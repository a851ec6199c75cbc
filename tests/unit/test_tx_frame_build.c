// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Frame building shared by xdp_hints_traffic and af_xdp_user --tx: header
 * fields, lengths, the IPv4 checksum, per-frame fields and the limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "frame_build.h"

static const uint8_t SRC_MAC[ETH_ALEN] = { 0x02, 0x78, 0x68, 0, 0, 2 };
static const uint8_t DST_MAC[ETH_ALEN] = { 0x02, 0x78, 0x68, 0, 0, 1 };

static struct frame_spec udp_spec(uint32_t size)
{
	struct frame_spec spec = {
		.kind = FRAME_UDP,
		.src_port = 10000,
		.dst_port = 9000,
		.frame_size = size,
	};

	memcpy(spec.src_mac, SRC_MAC, ETH_ALEN);
	memcpy(spec.dst_mac, DST_MAC, ETH_ALEN);
	inet_pton(AF_INET, "10.77.0.2", &spec.src_ip);
	inet_pton(AF_INET, "10.77.0.1", &spec.dst_ip);
	return spec;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void check_udp(uint32_t size)
{
	struct frame_spec spec = udp_spec(size);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	/* The IP header starts at byte 14, not 4-byte aligned: read a copy. */
	struct iphdr ip_copy;
	const struct iphdr *ip = &ip_copy;
	const struct udphdr *udp = (const struct udphdr *)(frame + ETH_HLEN + sizeof(*ip));

	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), size);
	memcpy(&ip_copy, frame + ETH_HLEN, sizeof(ip_copy));
	assert_int_equal(l.len, size);
	assert_memory_equal(frame, DST_MAC, ETH_ALEN);
	assert_memory_equal(frame + ETH_ALEN, SRC_MAC, ETH_ALEN);
	assert_int_equal(be16_at(frame + 12), ETH_P_IP);
	assert_int_equal(ip->version, 4);
	assert_int_equal(ip->ihl, 5);
	assert_int_equal(ntohs(ip->tot_len), size - ETH_HLEN);
	assert_int_equal(ip->protocol, IPPROTO_UDP);
	assert_int_equal(ip->saddr, spec.src_ip.s_addr);
	assert_int_equal(ip->daddr, spec.dst_ip.s_addr);
	/* A header that carries its checksum sums to 0. */
	assert_int_equal(frame_ipv4_checksum(ip, sizeof(*ip)), 0);
	assert_int_not_equal(ip->check, 0);
	assert_int_equal(ntohs(udp->len), size - ETH_HLEN - sizeof(*ip));
	assert_int_equal(ntohs(udp->source), 10000);
	assert_int_equal(ntohs(udp->dest), 9000);
	assert_int_equal(udp->check, 0); /* "no checksum" */
	assert_int_equal(l.udp_off, ETH_HLEN + sizeof(*ip));
	assert_int_equal(l.seq_off, l.udp_off + sizeof(*udp));
	assert_int_equal(l.time_off, l.seq_off + FRAME_FIELD_LEN);
}

static void test_udp_sizes(void **state)
{
	(void)state;
	check_udp(FRAME_MIN_LEN);
	check_udp(64);
	check_udp(1000);
	check_udp(FRAME_MAX_LEN);
}

/* Per-frame edits touch only fields outside the IPv4 checksum. */
static void test_per_frame_fields(void **state)
{
	struct frame_spec spec = udp_spec(64);
	uint8_t frame[FRAME_BUF_MAX], before[FRAME_BUF_MAX];
	struct frame_layout l;
	size_t len = frame_build(&spec, frame, sizeof(frame), &l);

	(void)state;
	memcpy(before, frame, len);
	frame_set_udp_src_port(frame, &l, 10007);
	frame_set_u64(frame, l.seq_off, 0x0102030405060708ULL);
	frame_set_u64(frame, l.time_off, 42);
	assert_int_equal(be16_at(frame + l.udp_off), 10007);
	assert_int_equal(frame[l.seq_off], 1);
	assert_int_equal(frame[l.seq_off + 7], 8);
	assert_int_equal(frame[l.time_off + 7], 42);
	assert_memory_equal(frame, before, l.udp_off); /* L2 and IPv4 untouched */
	assert_int_equal(frame_ipv4_checksum(frame + ETH_HLEN, sizeof(struct iphdr)), 0);
}

static void test_vlan_tag(void **state)
{
	struct frame_spec spec = udp_spec(100);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;

	(void)state;
	spec.have_vlan = true;
	spec.vlan_id = 42;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 100 + FRAME_VLAN_HDR_LEN);
	assert_int_equal(be16_at(frame + 12), ETH_P_8021Q);
	assert_int_equal(be16_at(frame + 14), 42);
	assert_int_equal(be16_at(frame + 16), ETH_P_IP);
	assert_int_equal(l.udp_off, ETH_HLEN + FRAME_VLAN_HDR_LEN + sizeof(struct iphdr));
	assert_int_equal(frame_ipv4_checksum(frame + 18, sizeof(struct iphdr)), 0);
}

static void test_raw_arp_runt(void **state)
{
	struct frame_spec spec = udp_spec(FRAME_MIN_LEN);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;

	(void)state;
	spec.kind = FRAME_RAW_ETHERTYPE;
	spec.ethertype = 0x891d;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), FRAME_MIN_LEN);
	assert_int_equal(be16_at(frame + 12), 0x891d);
	assert_int_equal(l.udp_off, 0);
	assert_int_equal(l.seq_off, ETH_HLEN);

	spec.kind = FRAME_ARP;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), FRAME_MIN_LEN);
	assert_int_equal(be16_at(frame + 12), ETH_P_ARP);
	assert_int_equal(be16_at(frame + ETH_HLEN + 6), ARPOP_REQUEST);
	assert_memory_equal(frame + ETH_HLEN + 8, SRC_MAC, ETH_ALEN);
	assert_memory_equal(frame + ETH_HLEN + 24, &spec.dst_ip, 4);
	assert_int_equal(l.seq_off, 0);
	assert_int_equal(l.time_off, 0);

	spec.kind = FRAME_RUNT;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), FRAME_RUNT_LEN);
	assert_int_equal(frame[ETH_HLEN], 0x45);
	assert_int_equal(l.seq_off, 0);
}

static void test_limits(void **state)
{
	struct frame_spec spec = udp_spec(FRAME_MIN_LEN - 1);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;

	(void)state;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 0);
	spec.frame_size = FRAME_JUMBO_MAX_LEN + 1;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 0);
	/* A buffer of one standard frame cannot take a longer one. */
	spec.frame_size = FRAME_MAX_LEN + 1;
	assert_int_equal(frame_build(&spec, frame, FRAME_MAX_LEN, &l), 0);
	spec.frame_size = 200;
	assert_int_equal(frame_build(&spec, frame, 199, &l), 0);
	assert_int_equal(frame_build(&spec, frame, 200, &l), 200);
}

/* RFC 1071 section 3 example words, and an odd length. */
static void test_checksum_vectors(void **state)
{
	const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	const uint8_t odd[] = { 0x12, 0x34, 0x56 };

	(void)state;
	/* Sum 0x2ddf0 folds to 0xddf2; the checksum is its complement. */
	assert_int_equal(ntohs(frame_ipv4_checksum(words, sizeof(words))), 0x220d);
	/* 0x1234 + 0x5600 = 0x6834 -> 0x97cb */
	assert_int_equal(ntohs(frame_ipv4_checksum(odd, sizeof(odd))), 0x97cb);
}

static void test_parse_mac(void **state)
{
	uint8_t mac[ETH_ALEN];

	(void)state;
	assert_int_equal(frame_parse_mac("02:78:68:0:0:1", mac), 0);
	assert_memory_equal(mac, DST_MAC, ETH_ALEN);
	assert_int_equal(frame_parse_mac("ff:ff:ff:ff:ff:ff", mac), 0);
	assert_int_equal(mac[5], 0xff);
	assert_int_equal(frame_parse_mac("02:78:68:00:00", mac), -EINVAL);
	assert_int_equal(frame_parse_mac("02:78:68:00:00:01x", mac), -EINVAL);
	assert_int_equal(frame_parse_mac("zz:78:68:00:00:01", mac), -EINVAL);
	assert_int_equal(frame_parse_mac("", mac), -EINVAL);
}

/* --crc-trailer frames: whole-frame CRC-32 is the residue, whatever the
 * fields; any changed byte, in any buffer-sized piece, breaks it. */
static void test_jumbo_crc_trailer(void **state)
{
	static uint8_t frame[FRAME_JUMBO_BUF_MAX];
	struct frame_spec spec = udp_spec(9000);
	struct frame_layout l;

	(void)state;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 9000);
	assert_int_equal(be16_at(frame + ETH_HLEN + 2), 9000 - ETH_HLEN);
	frame_fill_pattern(frame, &l);
	assert_int_equal(frame[l.time_off + FRAME_FIELD_LEN], (l.time_off + FRAME_FIELD_LEN) % 251);
	frame_set_u64(frame, l.seq_off, 12345);
	assert_true(frame_seal_crc(frame, &l));
	assert_int_equal(frame_crc32(frame, l.len), FRAME_CRC_RESIDUE);
	frame[5000] ^= 1;
	assert_int_not_equal(frame_crc32(frame, l.len), FRAME_CRC_RESIDUE);
	frame[5000] ^= 1;
	frame_set_u64(frame, l.seq_off, 12346);
	assert_int_not_equal(frame_crc32(frame, l.len), FRAME_CRC_RESIDUE);
	assert_true(frame_seal_crc(frame, &l));
	assert_int_equal(frame_crc32(frame, l.len), FRAME_CRC_RESIDUE);
	/* A 60-byte frame has no room for pattern and trailer. */
	spec = udp_spec(FRAME_MIN_LEN);
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), FRAME_MIN_LEN);
	assert_false(frame_seal_crc(frame, &l));
}

/* --stamp-tx: the payload starts with the send stamp, seq and time inside it. */
static void test_send_stamp_layout(void **state)
{
	struct frame_spec spec = udp_spec(66);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;

	(void)state;
	assert_int_equal(frame_stamp_min_size(FRAME_UDP), 66);
	assert_int_equal(frame_stamp_min_size(FRAME_RAW_ETHERTYPE), FRAME_MIN_LEN);
	assert_int_equal(frame_stamp_min_size(FRAME_ARP), 0);
	spec.tx_stamp_clock = TX_STAMP_CLOCK_TAI;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 66);
	assert_int_equal(l.stamp_off, ETH_HLEN + 20 + 8);
	assert_int_equal(l.seq_off, l.stamp_off + TX_STAMP_SEQ_OFF);
	assert_int_equal(l.time_off, l.stamp_off + TX_STAMP_SEND_NS_OFF);
	assert_int_equal(be16_at(frame + l.stamp_off), TX_STAMP_MAGIC >> 16);
	assert_int_equal(frame[l.stamp_off + 5], TX_STAMP_CLOCK_TAI);
	/* One byte short of the stamp: refused, not cut. */
	spec.frame_size = 65;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 0);
	/* Raw ethertype behind a tag: right after the tag. */
	spec.kind = FRAME_RAW_ETHERTYPE;
	spec.ethertype = 0x891d;
	spec.have_vlan = true;
	spec.frame_size = FRAME_MIN_LEN;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), FRAME_MIN_LEN + 4);
	assert_int_equal(l.stamp_off, ETH_HLEN + 4);
	/* The pattern and the CRC trailer come after the stamp. */
	spec.frame_size = 128;
	assert_int_equal(frame_build(&spec, frame, sizeof(frame), &l), 132);
	frame_fill_pattern(frame, &l);
	assert_int_equal(frame[l.stamp_off + 4], TX_STAMP_VERSION);
	assert_int_equal(frame[l.stamp_off + TX_STAMP_LEN],
			 (l.stamp_off + TX_STAMP_LEN) % 251);
	assert_true(frame_seal_crc(frame, &l));
	assert_int_equal(frame_crc32(frame, l.len), FRAME_CRC_RESIDUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_sizes),
		cmocka_unit_test(test_per_frame_fields),
		cmocka_unit_test(test_vlan_tag),
		cmocka_unit_test(test_raw_arp_runt),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_checksum_vectors),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_jumbo_crc_trailer),
		cmocka_unit_test(test_send_stamp_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
