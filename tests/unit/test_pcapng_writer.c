// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The pcapng writer against a reader written here from the specification
 * (draft-ietf-opsawg-pcapng): block framing (32-bit alignment, the total
 * length at both ends), SHB, one IDB per interface with if_name and
 * if_tsresol, EPBs with 64-bit timestamps, snaplen and opt_comment; a
 * file written through several per-queue buffers that flush mid-way; and
 * write errors that stick.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapng_writer.h"

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_u16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* One parsed EPB. */
struct epb {
	uint32_t if_id, caplen, origlen;
	uint64_t ts;
	const unsigned char *data;
	char comment[4096];
	size_t comment_len;
};

/* Options from @p to @end: returns false on a malformed list. @code_want's
 * value is copied into @out (NUL-terminated). */
static bool read_options(const unsigned char *p, const unsigned char *end, uint16_t code_want,
			 char *out, size_t out_size, size_t *out_len)
{
	*out_len = 0;
	out[0] = '\0';
	while (p + 4 <= end) {
		uint16_t code = get_u16(p), len = get_u16(p + 2);
		size_t padded = ((size_t)len + 3) & ~(size_t)3;

		if (code == 0)
			return len == 0 && p + 4 == end;
		if (p + 4 + padded > end)
			return false;
		for (size_t i = len; i < padded; i++)
			if (p[4 + i])
				return false; /* padding must be zero */
		if (code == code_want && len < out_size) {
			memcpy(out, p + 4, len);
			out[len] = '\0';
			*out_len = len;
		}
		p += 4 + padded;
	}
	return p == end;
}

static void parse_epb(const unsigned char *b, size_t avail, struct epb *e)
{
	uint32_t total = get_u32(b + 4);
	size_t padded;

	assert_int_equal(get_u32(b), PCAPNG_BT_EPB);
	assert_true(total <= avail);
	assert_int_equal(total % 4, 0);
	assert_int_equal(get_u32(b + total - 4), total);
	e->if_id = get_u32(b + 8);
	e->ts = (uint64_t)get_u32(b + 12) << 32 | get_u32(b + 16);
	e->caplen = get_u32(b + 20);
	e->origlen = get_u32(b + 24);
	e->data = b + 28;
	padded = ((size_t)e->caplen + 3) & ~(size_t)3;
	assert_true(28 + padded + 4 <= total);
	assert_true(read_options(b + 28 + padded, b + total - 4, 1, e->comment,
				 sizeof(e->comment), &e->comment_len));
}

static void test_epb_layout(void **state)
{
	unsigned char pkt[61], buf[512];
	const char *comment = "{\"layout\":\"xdp_hints_rx_time\"}";
	struct epb e;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	memset(buf, 0xAA, sizeof(buf));
	n = pcapng_put_epb(buf, 3, 0x123456789ABCDEF0ULL, pkt, sizeof(pkt), 1500, comment,
			   strlen(comment));
	assert_int_equal(n, pcapng_epb_size(sizeof(pkt), strlen(comment)));
	/* 28 + 64 (61 padded) + 4 + 32 (30 padded) + 4 (end of options) + 4 */
	assert_int_equal(n, 28 + 64 + 4 + 32 + 4 + 4);
	parse_epb(buf, n, &e);
	assert_int_equal(e.if_id, 3);
	assert_true(e.ts == 0x123456789ABCDEF0ULL);
	assert_int_equal(e.caplen, 61);
	assert_int_equal(e.origlen, 1500);
	assert_memory_equal(e.data, pkt, sizeof(pkt));
	assert_string_equal(e.comment, comment);
	assert_int_equal(buf[n], 0xAA); /* nothing written past the block */

	/* No comment: no options at all, not even opt_endofopt. */
	n = pcapng_put_epb(buf, 0, 1, pkt, 4, 4, NULL, 0);
	assert_int_equal(n, 28 + 4 + 4);
	parse_epb(buf, n, &e);
	assert_int_equal(e.comment_len, 0);
}

/* Walk a whole file: SHB, @n_ifs IDBs named @names with if_tsresol 9 and
 * @snaplen, then EPBs into @out (at most @max). Returns the EPB count. */
static size_t parse_file(const unsigned char *b, size_t len, const char *const *names,
			 size_t n_ifs, uint32_t snaplen, struct epb *out, size_t max)
{
	size_t pos, n_epb = 0;
	uint32_t shb_len;
	char value[300];
	size_t value_len;

	assert_true(len >= 28);
	assert_int_equal(get_u32(b), PCAPNG_BT_SHB);
	shb_len = get_u32(b + 4);
	assert_int_equal(get_u32(b + 8), PCAPNG_BYTE_ORDER_MAGIC);
	assert_int_equal(get_u16(b + 12), 1);
	assert_int_equal(get_u16(b + 14), 0);
	assert_int_equal(get_u32(b + 16), UINT32_MAX); /* section length -1 */
	assert_int_equal(get_u32(b + 20), UINT32_MAX);
	assert_int_equal(get_u32(b + shb_len - 4), shb_len);
	assert_true(read_options(b + 24, b + shb_len - 4, 4, value, sizeof(value), &value_len));
	assert_string_equal(value, "test app");
	pos = shb_len;
	for (size_t i = 0; i < n_ifs; i++) {
		const unsigned char *idb = b + pos;
		uint32_t idb_len = get_u32(idb + 4);

		assert_int_equal(get_u32(idb), PCAPNG_BT_IDB);
		assert_int_equal(get_u16(idb + 8), PCAPNG_LINKTYPE_ETHERNET);
		assert_int_equal(get_u32(idb + 12), snaplen);
		assert_int_equal(get_u32(idb + idb_len - 4), idb_len);
		assert_true(read_options(idb + 16, idb + idb_len - 4, PCAPNG_IF_NAME, value,
					 sizeof(value), &value_len));
		assert_string_equal(value, names[i]);
		assert_true(read_options(idb + 16, idb + idb_len - 4, PCAPNG_IF_TSRESOL, value,
					 sizeof(value), &value_len));
		assert_int_equal(value_len, 1);
		assert_int_equal(value[0], 9);
		pos += idb_len;
	}
	while (pos < len) {
		assert_true(n_epb < max);
		parse_epb(b + pos, len - pos, &out[n_epb]);
		pos += get_u32(b + pos + 4);
		n_epb++;
	}
	assert_int_equal(pos, len);
	return n_epb;
}

static unsigned char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long size;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/*
 * The packet blocks of the file at @path, exactly @frames of them, over
 * @n_ifs interfaces named @names, cut at @snaplen, into a new array (free
 * it, and *buf, which they point into).
 */
static struct epb *read_frames(const char *path, const char *const *names, size_t n_ifs,
			       uint32_t snaplen, size_t frames, unsigned char **buf)
{
	struct epb *epbs = calloc(frames + 1, sizeof(*epbs));
	size_t len;

	assert_non_null(epbs);
	*buf = read_whole(path, &len);
	assert_int_equal(parse_file(*buf, len, names, n_ifs, snaplen, epbs, frames + 1), frames);
	return epbs;
}

/*
 * Two queues' buffers into one file, enough frames that each buffer goes
 * out several times: every frame comes back, on its interface, in its
 * queue's order, with its time, its bytes up to snaplen, and its comment.
 */
static void test_file_round_trip(void **state)
{
	enum { FRAMES = 6000, SNAPLEN = 300, FRAME_LEN = 400 };
	const char *names[] = { "eth0@q0", "eth0@q1" };
	char path[] = "/tmp/test_pcapng_XXXXXX";
	struct pcapng_file file;
	struct pcapng_log logs[2];
	unsigned char frame[FRAME_LEN];
	uint64_t next_seq[2] = { 0, 0 };
	struct epb *epbs;
	unsigned char *buf;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapng_file_open(&file, path, -1, SNAPLEN, "test app", names, 2), 0);
	assert_int_equal(pcapng_log_init(&logs[0], &file, 0), 0);
	assert_int_equal(pcapng_log_init(&logs[1], &file, 1), 0);
	for (uint64_t i = 0; i < FRAMES; i++) {
		char comment[64];
		int clen = snprintf(comment, sizeof(comment), "{\"seq\":%llu}",
				    (unsigned long long)i);

		memset(frame, (int)(i & 0xff), sizeof(frame));
		memcpy(frame, &i, sizeof(i));
		pcapng_log_packet(&logs[i % 2], 1700000000000000000ULL + i, frame, FRAME_LEN,
				  FRAME_LEN, comment, (size_t)clen);
	}
	assert_int_equal(pcapng_log_close(&logs[0]), 0);
	assert_int_equal(pcapng_log_close(&logs[1]), 0);
	assert_int_equal(pcapng_file_close(&file), 0);

	epbs = read_frames(path, names, 2, SNAPLEN, FRAMES, &buf);
	n = FRAMES;
	for (size_t i = 0; i < n; i++) {
		uint64_t seq;

		memcpy(&seq, epbs[i].data, sizeof(seq));
		assert_int_equal(epbs[i].if_id, seq % 2);
		/* Each queue's frames stay in order; the queues interleave by buffer. */
		assert_true(seq == next_seq[seq % 2] * 2 + seq % 2);
		next_seq[seq % 2]++;
		assert_true(epbs[i].ts == 1700000000000000000ULL + seq);
		assert_int_equal(epbs[i].caplen, SNAPLEN);
		assert_int_equal(epbs[i].origlen, FRAME_LEN);
		assert_int_equal(epbs[i].data[SNAPLEN - 1], seq & 0xff);
		assert_int_equal(atoll(strchr(epbs[i].comment, ':') + 1), seq);
	}
	free(epbs);
	free(buf);
	unlink(path);
}

/*
 * pcapng_file_merge(): three queues whose buffers each go out several
 * times, queue 2's frames logged 40 frames (2 ms) after their time, as a
 * queue polled late: the file holds every frame once, in strict time order.
 */
static void test_merge_time_order(void **state)
{
	enum { FRAMES = 30000, SNAPLEN = 300, FRAME_LEN = 400, LAG = 40 };
	const uint64_t base = 1700000000000000000ULL, step = 50000; /* 50 µs */
	const char *names[] = { "eth0@q0", "eth0@q1", "eth0@q2" };
	char path[] = "/tmp/test_pcapng_XXXXXX";
	struct pcapng_file file;
	struct pcapng_log logs[3];
	unsigned char frame[FRAME_LEN];
	struct epb *epbs;
	unsigned char *buf;
	size_t n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapng_file_open(&file, path, -1, SNAPLEN, "test app", names, 3), 0);
	assert_int_equal(pcapng_file_merge(&file), 0);
	for (uint32_t q = 0; q < 3; q++)
		assert_int_equal(pcapng_log_init(&logs[q], &file, q), 0);
	for (uint64_t i = 0; i < FRAMES + LAG; i++) {
		/* Queues 0 and 1 log frame i now, queue 2 frame i - LAG. */
		uint64_t seqs[2] = { i, i - LAG };

		for (int k = 0; k < 2; k++) {
			uint64_t seq = seqs[k];

			if (i < (uint64_t)k * LAG || seq >= FRAMES || (seq % 3 == 2) != (k == 1))
				continue;
			memset(frame, 0, sizeof(frame));
			memcpy(frame, &seq, sizeof(seq));
			pcapng_log_packet(&logs[seq % 3], base + seq * step, frame, FRAME_LEN,
					  FRAME_LEN, NULL, 0);
		}
	}
	for (uint32_t q = 0; q < 3; q++)
		assert_int_equal(pcapng_log_close(&logs[q]), 0);
	assert_int_equal(pcapng_file_close(&file), 0);

	epbs = read_frames(path, names, 3, SNAPLEN, FRAMES, &buf);
	n = FRAMES;
	for (size_t i = 0; i < n; i++) {
		uint64_t seq;

		memcpy(&seq, epbs[i].data, sizeof(seq));
		assert_int_equal(epbs[i].if_id, seq % 3);
		assert_true(epbs[i].ts == base + seq * step);
		if (i && epbs[i].ts < epbs[i - 1].ts)
			fail_msg("frame %zu at %llu, before frame %zu at %llu", i,
				 (unsigned long long)epbs[i].ts, i - 1,
				 (unsigned long long)epbs[i - 1].ts);
	}
	free(epbs);
	free(buf);
	unlink(path);
}

/* A comment longer than PCAPNG_COMMENT_MAX is cut there, not dropped. */
static void test_long_comment_cut(void **state)
{
	const char *names[] = { "x@q0" };
	char path[] = "/tmp/test_pcapng_XXXXXX";
	char *comment = malloc(PCAPNG_COMMENT_MAX + 100);
	struct pcapng_file file;
	struct pcapng_log log;
	unsigned char pkt[60] = { 0 }, *buf;
	struct epb e;
	size_t len;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0 && comment);
	close(fd);
	memset(comment, 'c', PCAPNG_COMMENT_MAX + 100);
	assert_int_equal(pcapng_file_open(&file, path, -1, PCAPNG_SNAPLEN_MAX, "test app",
					  names, 1), 0);
	assert_int_equal(pcapng_log_init(&log, &file, 0), 0);
	pcapng_log_packet(&log, 1, pkt, sizeof(pkt), sizeof(pkt), comment,
			  PCAPNG_COMMENT_MAX + 100);
	assert_int_equal(pcapng_log_close(&log), 0);
	assert_int_equal(pcapng_file_close(&file), 0);
	buf = read_whole(path, &len);
	assert_int_equal(parse_file(buf, len, names, 1, PCAPNG_SNAPLEN_MAX, &e, 1), 1);
	assert_int_equal(e.comment_len, PCAPNG_COMMENT_MAX);
	free(buf);
	free(comment);
	unlink(path);
}

/*
 * A frame the caller could keep only a part of (a --frags frame over the
 * 16 KiB gathered for the capture): the EPB says the true length, so a
 * reader sees a cut frame, not a complete one.
 */
static void test_original_length_kept(void **state)
{
	const char *names[] = { "x@q0" };
	char path[] = "/tmp/test_pcapng_XXXXXX";
	struct pcapng_file file;
	struct pcapng_log log;
	static unsigned char pkt[16384];
	unsigned char *buf;
	struct epb e[2];
	size_t len;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapng_file_open(&file, path, -1, PCAPNG_SNAPLEN_MAX, "test app",
					  names, 1), 0);
	assert_int_equal(pcapng_log_init(&log, &file, 0), 0);
	pcapng_log_packet(&log, 1, pkt, sizeof(pkt), 20000, "c", 1);
	/* An original length below what is kept is the caller's slip: the
	 * kept bytes count. */
	pcapng_log_packet(&log, 2, pkt, 100, 60, "c", 1);
	assert_int_equal(pcapng_log_close(&log), 0);
	assert_int_equal(pcapng_file_close(&file), 0);
	buf = read_whole(path, &len);
	assert_int_equal(parse_file(buf, len, names, 1, PCAPNG_SNAPLEN_MAX, e, 2), 2);
	assert_int_equal(e[0].caplen, 16384);
	assert_int_equal(e[0].origlen, 20000);
	assert_int_equal(e[1].caplen, 100);
	assert_int_equal(e[1].origlen, 100);
	free(buf);
	unlink(path);
}

static void test_bad_arguments(void **state)
{
	const char *names[] = { "x@q0" };
	char long_name[300];
	const char *long_names[] = { long_name };
	struct pcapng_file file;

	(void)state;
	assert_int_equal(pcapng_file_open(&file, "/tmp/never", -1, 0, NULL, names, 1), -EINVAL);
	assert_int_equal(file.fd, -1);
	assert_int_equal(pcapng_file_open(&file, "/tmp/never", -1, PCAPNG_SNAPLEN_MAX + 1, NULL,
					  names, 1), -EINVAL);
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(pcapng_file_open(&file, "/tmp/never", -1, 64, NULL, long_names, 1),
			 -EINVAL);
	assert_int_equal(pcapng_file_open(&file, "/nonexistent/dir/x.pcapng", -1, 64, NULL,
					  names, 1), -ENOENT);
	assert_int_equal(pcapng_file_close(&file), 0); /* closed: nothing to do */
	/* The header cannot be written: the open fails and says why. */
	assert_int_equal(pcapng_file_open(&file, "/dev/full", -1, 64, NULL, names, 1), -ENOSPC);
	assert_int_equal(file.fd, -1);
}

/* A write error mid-run is kept: later flushes report it and write nothing. */
static void test_write_error_sticks(void **state)
{
	const char *names[] = { "x@q0" };
	char path[] = "/tmp/test_pcapng_XXXXXX";
	struct pcapng_file file;
	struct pcapng_log log;
	unsigned char pkt[1500] = { 0 };
	int fd = mkstemp(path), full;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapng_file_open(&file, path, -1, PCAPNG_SNAPLEN_MAX, NULL, names, 1), 0);
	assert_int_equal(pcapng_log_init(&log, &file, 0), 0);
	/* From now on the file is /dev/full. */
	full = open("/dev/full", O_WRONLY | O_CLOEXEC);
	assert_true(full >= 0);
	assert_true(dup2(full, file.fd) >= 0);
	close(full);
	for (int i = 0; i < 1000; i++) /* 1.5 MB: the buffer goes out once */
		pcapng_log_packet(&log, 1, pkt, sizeof(pkt), sizeof(pkt), "c", 1);
	assert_int_equal(pcapng_file_error(&file), -ENOSPC);
	assert_int_equal(pcapng_log_flush(&log), -ENOSPC);
	assert_int_equal(log.used, 0);
	assert_int_equal(pcapng_log_close(&log), -ENOSPC);
	assert_int_equal(pcapng_file_close(&file), -ENOSPC);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epb_layout),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_merge_time_order),
		cmocka_unit_test(test_long_comment_cut),
		cmocka_unit_test(test_original_length_kept),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_write_error_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
