/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The send time a sender writes into a frame (xdp_hints_traffic
 * --stamp-tx), and the parser a receiver calls to read it back.  With the
 * XDP program's receive time (xdp_hints_rx_time.rx_ktime, the same
 * CLOCK_MONOTONIC; or xdp_hints_rx_tai.rx_tai_ns and CLOCK_TAI) the two
 * give the frame's time on the wire, however late userspace reads it.
 *
 * Where: at a fixed place, so the parser needs no search.
 *   UDP (IPv4, or IPv6 without extension headers): the first bytes of the
 *     UDP payload.
 *   Any other ethertype (raw frames): right after the Ethernet header and
 *     its VLAN / QinQ tags (0x8100, 0x88a8, 0x9100; at most
 *     TX_STAMP_MAX_VLAN_TAGS).
 *
 * The stamp, TX_STAMP_LEN (24) bytes, every field big-endian (network
 * order), offsets from its start:
 *    0  u32  magic    TX_STAMP_MAGIC, 0x58485453 ("XHTS")
 *    4  u8   version  TX_STAMP_VERSION (1)
 *    5  u8   clock    enum tx_stamp_clock
 *    6  u16  reserved 0
 *    8  u64  seq      the sender's frame number, from 0
 *   16  u64  send_ns  the clock's time in ns, read right before the send call
 *
 * Userspace only (a BPF program would read it with bpf_xdp_load_bytes()).
 */
#ifndef XDP_HINTS_TX_STAMP_H
#define XDP_HINTS_TX_STAMP_H

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define TX_STAMP_MAGIC 0x58485453U /* "XHTS" */
#define TX_STAMP_VERSION 1U
#define TX_STAMP_LEN 24U
#define TX_STAMP_SEQ_OFF 8U      /* from the stamp's start */
#define TX_STAMP_SEND_NS_OFF 16U
#define TX_STAMP_MAX_VLAN_TAGS 8 /* as af_xdp_kern.c's MAX_VLAN_TAGS */

enum tx_stamp_clock {
	TX_STAMP_CLOCK_MONOTONIC = 1, /* CLOCK_MONOTONIC: bpf_ktime_get_ns()'s clock */
	TX_STAMP_CLOCK_TAI = 2,       /* CLOCK_TAI: bpf_ktime_get_tai_ns()'s clock */
};

/* What tx_stamp_parse() found. */
struct tx_stamp {
	uint64_t seq;
	uint64_t send_ns;
	enum tx_stamp_clock clock;
	uint32_t offset; /* of the stamp in the frame, bytes */
};

/* The clock_gettime() clock of @clock; -1 for a value not in the enum. */
static inline clockid_t tx_stamp_clockid(enum tx_stamp_clock clock)
{
	switch (clock) {
	case TX_STAMP_CLOCK_MONOTONIC:
		return CLOCK_MONOTONIC;
	case TX_STAMP_CLOCK_TAI:
		return CLOCK_TAI;
	default:
		return (clockid_t)-1;
	}
}

static inline uint16_t tx_stamp__be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint64_t tx_stamp__be64(const uint8_t *p)
{
	uint64_t be;

	memcpy(&be, p, sizeof(be));
	return be64toh(be);
}

/*
 * Write a stamp's fixed part (magic, version, @clock, reserved; seq and
 * send_ns 0) at @stamp, TX_STAMP_LEN bytes.  A sender then fills in seq
 * and send_ns per frame (big-endian) at TX_STAMP_SEQ_OFF and
 * TX_STAMP_SEND_NS_OFF.
 */
static inline void tx_stamp_write_header(uint8_t *stamp, enum tx_stamp_clock clock)
{
	uint32_t magic = htobe32(TX_STAMP_MAGIC);

	memset(stamp, 0, TX_STAMP_LEN);
	memcpy(stamp, &magic, sizeof(magic));
	stamp[4] = TX_STAMP_VERSION;
	stamp[5] = (uint8_t)clock;
}

/*
 * Where the stamp of a frame would start: its offset (>= 14), or
 *   -ENODATA  the frame ends inside its headers
 *   -ENOMSG   no place for a stamp: more than TX_STAMP_MAX_VLAN_TAGS tags,
 *             IPv4/IPv6 that is not UDP, an IPv4 fragment after the first,
 *             IPv6 with extension headers, an 802.3 length (< 0x0600)
 */
static inline long tx_stamp_locate(const uint8_t *frame, size_t len)
{
	size_t pos = 12; /* the type after the two MAC addresses */
	uint16_t type;
	int tags;

	for (tags = 0;; tags++) {
		if (len < pos + 2)
			return -ENODATA;
		type = tx_stamp__be16(frame + pos);
		pos += 2;
		if (type != 0x8100 && type != 0x88a8 && type != 0x9100)
			break;
		if (tags == TX_STAMP_MAX_VLAN_TAGS)
			return -ENOMSG;
		pos += 2; /* the tag's TCI; its type follows */
	}
	if (type < 0x0600)
		return -ENOMSG;
	if (type == 0x0800) { /* IPv4: ihl words of header, then UDP's 8 bytes */
		size_t ihl;

		if (len < pos + 20)
			return -ENODATA;
		ihl = (size_t)(frame[pos] & 0x0f) * 4;
		if (frame[pos] >> 4 != 4 || ihl < 20 || frame[pos + 9] != 17 /* UDP */ ||
		    (tx_stamp__be16(frame + pos + 6) & 0x1fff))
			return -ENOMSG;
		pos += ihl + 8;
	} else if (type == 0x86dd) { /* IPv6: the fixed 40 bytes, then UDP */
		if (len < pos + 40)
			return -ENODATA;
		if (frame[pos] >> 4 != 6 || frame[pos + 6] != 17)
			return -ENOMSG;
		pos += 40 + 8;
	}
	if (len < pos)
		return -ENODATA;
	return (long)pos;
}

/*
 * Find and check the stamp of the @len-byte frame @frame (from its
 * Ethernet header on).  0 with *@out filled, or a negative errno:
 *   -EINVAL   @frame or @out NULL
 *   -ENODATA  the frame ends before the stamp's magic (truncated)
 *   -ENOMSG   no stamp: not where one goes (tx_stamp_locate()) or the
 *             magic differs (a frame sent without --stamp-tx)
 *   -EBADMSG  the magic is there but the frame ends before the stamp's end
 *   -EPROTO   the magic is there but the version or clock is unknown
 * (-EBADMSG and -EPROTO: a stamp this parser cannot read, from a sender of
 * another version, say; -ENODATA and -ENOMSG: no stamp at all.)
 * Allocates nothing, reads only @frame[0..@len).
 */
static inline int tx_stamp_parse(const void *frame, size_t len, struct tx_stamp *out)
{
	const uint8_t *stamp;
	long off;

	if (!frame || !out)
		return -EINVAL;
	off = tx_stamp_locate(frame, len);
	if (off < 0)
		return (int)off;
	stamp = (const uint8_t *)frame + off;
	/* The magic first: a short unstamped frame is "no stamp", not "cut". */
	if (len - (size_t)off < 4)
		return -ENODATA;
	if ((uint32_t)tx_stamp__be16(stamp) << 16 != (TX_STAMP_MAGIC & 0xffff0000U) ||
	    tx_stamp__be16(stamp + 2) != (TX_STAMP_MAGIC & 0xffffU))
		return -ENOMSG;
	if (len - (size_t)off < TX_STAMP_LEN)
		return -EBADMSG;
	if (stamp[4] != TX_STAMP_VERSION || tx_stamp_clockid(stamp[5]) == (clockid_t)-1)
		return -EPROTO;
	out->clock = (enum tx_stamp_clock)stamp[5];
	out->seq = tx_stamp__be64(stamp + TX_STAMP_SEQ_OFF);
	out->send_ns = tx_stamp__be64(stamp + TX_STAMP_SEND_NS_OFF);
	out->offset = (uint32_t)off;
	return 0;
}

#endif /* XDP_HINTS_TX_STAMP_H */
