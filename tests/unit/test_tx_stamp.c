// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The send stamp of headers/tx_stamp.h: frames built by frame_build() with
 * a stamp (as xdp_hints_traffic --stamp-tx sends them) parse back to the
 * seq, time and clock written; frames without one, cut short, or with a
 * wrong magic, version or clock are told apart by their errno.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "frame_build.h"
#include "tx_stamp.h"

#define ETHERTYPE_TTE_PCF 0x891d
#define UDP_STAMP_OFF (ETH_HLEN + 20 + 8)

static struct frame_spec spec_of(enum frame_kind kind, bool vlan, enum tx_stamp_clock clock)
{
	struct frame_spec spec = {
		.kind = kind,
		.src_port = 10000,
		.dst_port = 9000,
		.ethertype = ETHERTYPE_TTE_PCF,
		.have_vlan = vlan,
		.vlan_id = 42,
		.frame_size = 128,
		.tx_stamp_clock = (uint8_t)clock,
	};

	memset(spec.src_mac, 2, ETH_ALEN);
	memset(spec.dst_mac, 4, ETH_ALEN);
	inet_pton(AF_INET, "10.77.0.2", &spec.src_ip);
	inet_pton(AF_INET, "10.77.0.1", &spec.dst_ip);
	return spec;
}

/* A stamped frame with seq and send_ns set as a sender sets them. */
static size_t stamped(enum frame_kind kind, bool vlan, enum tx_stamp_clock clock,
		      uint64_t seq, uint64_t send_ns, uint8_t *frame, struct frame_layout *l)
{
	struct frame_spec spec = spec_of(kind, vlan, clock);
	size_t len = frame_build(&spec, frame, FRAME_BUF_MAX, l);

	assert_int_not_equal(len, 0);
	frame_set_u64(frame, l->seq_off, seq);
	frame_set_u64(frame, l->time_off, send_ns);
	return len;
}

static void expect_stamp(const uint8_t *frame, size_t len, size_t off, uint64_t seq,
			 uint64_t send_ns, enum tx_stamp_clock clock)
{
	struct tx_stamp st;

	memset(&st, 0xee, sizeof(st));
	assert_int_equal(tx_stamp_parse(frame, len, &st), 0);
	assert_int_equal(st.offset, off);
	assert_int_equal(st.seq, seq);
	assert_int_equal(st.send_ns, send_ns);
	assert_int_equal(st.clock, clock);
}

static void test_udp_stamp(void **state)
{
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	size_t len;

	(void)state;
	len = stamped(FRAME_UDP, false, TX_STAMP_CLOCK_MONOTONIC, 7, 0x0102030405060708ULL,
		      frame, &l);
	assert_int_equal(l.stamp_off, UDP_STAMP_OFF);
	expect_stamp(frame, len, UDP_STAMP_OFF, 7, 0x0102030405060708ULL,
		     TX_STAMP_CLOCK_MONOTONIC);
	/* On the wire: magic, version, clock, then big-endian fields. */
	assert_int_equal(frame[UDP_STAMP_OFF], 'X');
	assert_int_equal(frame[UDP_STAMP_OFF + 3], 'S');
	assert_int_equal(frame[UDP_STAMP_OFF + 4], TX_STAMP_VERSION);
	assert_int_equal(frame[UDP_STAMP_OFF + 5], TX_STAMP_CLOCK_MONOTONIC);
	assert_int_equal(frame[UDP_STAMP_OFF + TX_STAMP_SEQ_OFF + 7], 7);
	assert_int_equal(frame[UDP_STAMP_OFF + TX_STAMP_SEND_NS_OFF], 1);
	assert_int_equal(frame[UDP_STAMP_OFF + TX_STAMP_SEND_NS_OFF + 7], 8);
}

static void test_udp_stamp_behind_vlan(void **state)
{
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	size_t len;

	(void)state;
	len = stamped(FRAME_UDP, true, TX_STAMP_CLOCK_TAI, 1, 99, frame, &l);
	expect_stamp(frame, len, UDP_STAMP_OFF + 4, 1, 99, TX_STAMP_CLOCK_TAI);
	assert_int_equal(tx_stamp_clockid(TX_STAMP_CLOCK_TAI), CLOCK_TAI);
	assert_int_equal(tx_stamp_clockid(TX_STAMP_CLOCK_MONOTONIC), CLOCK_MONOTONIC);
}

static void test_raw_ethertype_stamp(void **state)
{
	uint8_t frame[FRAME_BUF_MAX], qinq[FRAME_BUF_MAX + 4];
	static const uint8_t s_tag[4] = { 0x88, 0xa8, 0x00, 0x07 };
	struct frame_layout l;
	size_t len;

	(void)state;
	len = stamped(FRAME_RAW_ETHERTYPE, false, TX_STAMP_CLOCK_MONOTONIC, 3, 1000, frame, &l);
	expect_stamp(frame, len, ETH_HLEN, 3, 1000, TX_STAMP_CLOCK_MONOTONIC);
	len = stamped(FRAME_RAW_ETHERTYPE, true, TX_STAMP_CLOCK_MONOTONIC, 4, 2000, frame, &l);
	expect_stamp(frame, len, ETH_HLEN + 4, 4, 2000, TX_STAMP_CLOCK_MONOTONIC);
	/* QinQ: an 802.1ad S-tag in front of the 802.1Q one. */
	memcpy(qinq, frame, 12);
	memcpy(qinq + 12, s_tag, sizeof(s_tag));
	memcpy(qinq + 16, frame + 12, len - 12);
	expect_stamp(qinq, len + 4, ETH_HLEN + 8, 4, 2000, TX_STAMP_CLOCK_MONOTONIC);
}

static void test_ipv6_udp_stamp(void **state)
{
	uint8_t frame[ETH_HLEN + 40 + 8 + TX_STAMP_LEN] = { 0 };
	size_t off = ETH_HLEN + 40 + 8;

	(void)state;
	frame[12] = 0x86;
	frame[13] = 0xdd;
	frame[ETH_HLEN] = 0x60;
	frame[ETH_HLEN + 6] = 17; /* next header UDP */
	tx_stamp_write_header(frame + off, TX_STAMP_CLOCK_MONOTONIC);
	frame[off + TX_STAMP_SEND_NS_OFF + 7] = 5;
	expect_stamp(frame, sizeof(frame), off, 0, 5, TX_STAMP_CLOCK_MONOTONIC);
	frame[ETH_HLEN + 6] = 0; /* hop-by-hop: not where a stamp goes */
	assert_int_equal(tx_stamp_parse(frame, sizeof(frame), &(struct tx_stamp){ 0 }), -ENOMSG);
}

static void test_wrong_magic_version_clock(void **state)
{
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	struct tx_stamp st;
	size_t len;

	(void)state;
	len = stamped(FRAME_UDP, false, TX_STAMP_CLOCK_MONOTONIC, 1, 2, frame, &l);
	frame[l.stamp_off + 3] ^= 1;
	assert_int_equal(tx_stamp_parse(frame, len, &st), -ENOMSG);
	frame[l.stamp_off + 3] ^= 1;
	frame[l.stamp_off + 4] = TX_STAMP_VERSION + 1;
	assert_int_equal(tx_stamp_parse(frame, len, &st), -EPROTO);
	frame[l.stamp_off + 4] = TX_STAMP_VERSION;
	frame[l.stamp_off + 5] = 9;
	assert_int_equal(tx_stamp_parse(frame, len, &st), -EPROTO);
	frame[l.stamp_off + 5] = TX_STAMP_CLOCK_TAI;
	assert_int_equal(tx_stamp_parse(frame, len, &st), 0);
}

/* A frame sent without --stamp-tx: its payload starts with the plain seq. */
static void test_unstamped_frame(void **state)
{
	struct frame_spec spec = spec_of(FRAME_UDP, false, 0);
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	struct tx_stamp st;
	size_t len = frame_build(&spec, frame, sizeof(frame), &l);

	(void)state;
	assert_int_equal(l.stamp_off, 0);
	frame_set_u64(frame, l.seq_off, 12345);
	assert_int_equal(tx_stamp_parse(frame, len, &st), -ENOMSG);
}

static void test_truncated(void **state)
{
	uint8_t frame[FRAME_BUF_MAX];
	struct frame_layout l;
	struct tx_stamp st;

	(void)state;
	stamped(FRAME_UDP, true, TX_STAMP_CLOCK_MONOTONIC, 1, 2, frame, &l);
	/* Cut inside the stamp (after its magic: a stamp that cannot be
	 * read), inside the magic, at its last byte, in the headers, in the
	 * tag. */
	assert_int_equal(tx_stamp_parse(frame, l.stamp_off + 10, &st), -EBADMSG);
	assert_int_equal(tx_stamp_parse(frame, l.stamp_off + 3, &st), -ENODATA);
	assert_int_equal(tx_stamp_parse(frame, l.stamp_off + TX_STAMP_LEN - 1, &st), -EBADMSG);
	assert_int_equal(tx_stamp_parse(frame, l.stamp_off + TX_STAMP_LEN, &st), 0);
	assert_int_equal(tx_stamp_parse(frame, ETH_HLEN + 4 + 10, &st), -ENODATA);
	assert_int_equal(tx_stamp_parse(frame, 14, &st), -ENODATA);
	assert_int_equal(tx_stamp_parse(frame, 0, &st), -ENODATA);
	assert_int_equal(tx_stamp_parse(NULL, 64, &st), -EINVAL);
	assert_int_equal(tx_stamp_parse(frame, 64, NULL), -EINVAL);
}

static void test_no_place_for_a_stamp(void **state)
{
	uint8_t frame[FRAME_BUF_MAX], deep[FRAME_BUF_MAX + 40];
	struct frame_layout l;
	struct tx_stamp st;
	size_t len;
	int i;

	(void)state;
	len = stamped(FRAME_UDP, false, TX_STAMP_CLOCK_MONOTONIC, 1, 2, frame, &l);
	frame[ETH_HLEN + 9] = 6; /* TCP */
	assert_int_equal(tx_stamp_parse(frame, len, &st), -ENOMSG);
	frame[ETH_HLEN + 9] = 17;
	frame[ETH_HLEN + 7] = 0x10; /* a fragment at offset 128 */
	assert_int_equal(tx_stamp_parse(frame, len, &st), -ENOMSG);
	frame[ETH_HLEN + 7] = 0;
	assert_int_equal(tx_stamp_parse(frame, len, &st), 0);
	/* Nine tags: more than the parser (and the XDP program) walks. */
	len = stamped(FRAME_RAW_ETHERTYPE, false, TX_STAMP_CLOCK_MONOTONIC, 1, 2, frame, &l);
	memcpy(deep, frame, 12);
	for (i = 0; i < 9; i++) {
		deep[12 + 4 * i] = 0x81;
		deep[13 + 4 * i] = 0x00;
		deep[14 + 4 * i] = 0;
		deep[15 + 4 * i] = (uint8_t)i;
	}
	memcpy(deep + 12 + 36, frame + 12, len - 12);
	assert_int_equal(tx_stamp_parse(deep, len + 36, &st), -ENOMSG);
	/* Eight are fine: the same frame with the outer tag left off. */
	memcpy(deep + 4, frame, 12);
	assert_int_equal(tx_stamp_parse(deep + 4, len + 32, &st), 0);
	assert_int_equal(st.offset, ETH_HLEN + 32);
	/* An 802.3 length instead of a type. */
	frame[12] = 0x00;
	frame[13] = 0x40;
	assert_int_equal(tx_stamp_parse(frame, len, &st), -ENOMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_stamp),
		cmocka_unit_test(test_udp_stamp_behind_vlan),
		cmocka_unit_test(test_raw_ethertype_stamp),
		cmocka_unit_test(test_ipv6_udp_stamp),
		cmocka_unit_test(test_wrong_magic_version_clock),
		cmocka_unit_test(test_unstamped_frame),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_place_for_a_stamp),
	};

	return cmocka_run_group_tests_name("tx_stamp", tests, NULL, NULL);
}
