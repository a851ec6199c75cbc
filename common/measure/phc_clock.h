/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A NIC's PTP hardware clock (PHC) as seen from CLOCK_MONOTONIC.
 *
 * A driver's RX timestamp (xdp_hints_rx_hw.rx_hw_timestamp) counts on the
 * NIC's own clock: free-running, or disciplined to TAI by ptp4l/phc2sys.
 * rx_ktime counts on CLOCK_MONOTONIC (bpf_ktime_get_ns()). To tell how long
 * a frame took from the wire to XDP, the hardware time is carried into the
 * monotonic clock with an offset sampled from both clocks:
 *
 *     offset = phc - monotonic          mono = phc_ns - offset
 *
 * The PHC is /dev/ptpN (N from ETHTOOL_GET_TS_INFO); an open fd of it is a
 * "dynamic POSIX clock" that clock_gettime() reads directly. The clocks
 * drift apart (ppm, and faster while phc2sys steers the PHC), so the
 * caller samples again now and then (the receiver: every report interval).
 *
 * Nothing here prints: negative errno, and the caller names interface and
 * cause.
 */
#ifndef XDP_HINTS_PHC_CLOCK_H
#define XDP_HINTS_PHC_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <linux/types.h>

/*
 * How the kernel names the clock behind an open character device
 * (include/linux/posix-timers.h: FD_TO_CLOCKID). Computed on unsigned so
 * no negative value is shifted.
 */
static inline clockid_t phc_fd_to_clockid(int fd)
{
	return (clockid_t)((~(unsigned int)fd << 3) | 3U);
}

struct phc_clock {
	bool open;         /* zero-initialised = closed, so any owner can close */
	int fd;            /* /dev/ptpN, read-only */
	int index;         /* N */
	clockid_t clockid; /* phc_fd_to_clockid(fd) */
};

/*
 * @ifname's PHC index from ETHTOOL_GET_TS_INFO. -ENODEV when the device
 * has no PHC (phc_index -1: veth, tun, most virtual devices), and also
 * when there is no such interface.
 */
int phc_clock_index(const char *ifname, int *index_out);

/*
 * Find and open @ifname's PHC. -ENODEV: no PHC; otherwise open(2)'s errno,
 * and then phc->index names the /dev/ptpN that could not be opened.
 */
int phc_clock_open(struct phc_clock *phc, const char *ifname);

/* Safe on a closed (or zero-initialised) clock, and twice. */
void phc_clock_close(struct phc_clock *phc);

/* Reads per sample: enough that one is not preempted, few enough to be cheap. */
#define PHC_OFFSET_READS 5

/*
 * offset = @clock - CLOCK_MONOTONIC, in ns. Each of @reads tries reads the
 * monotonic clock, @clock, and the monotonic clock again, and takes @clock
 * to have been read in the middle of that window; the narrowest window
 * wins (the read least disturbed by an interrupt or a slow bus). Any
 * clockid works, which lets tests use CLOCK_REALTIME as a stand-in PHC.
 * *window_ns (may be NULL) gets that window: the offset's uncertainty is
 * at most half of it. -EINVAL for @reads 0; clock_gettime()'s errno
 * (-EINVAL/-ENODEV for a clock that is gone).
 */
int phc_offset_sample(clockid_t clock, unsigned int reads, __s64 *offset_ns,
		      __u64 *window_ns);

/* Sample @phc against CLOCK_MONOTONIC with PHC_OFFSET_READS reads. */
int phc_clock_offset(const struct phc_clock *phc, __s64 *offset_ns, __u64 *window_ns);

/*
 * "No offset": no PHC, or sampling failed. An offset of INT64_MIN ns (292
 * years) cannot come from a real clock pair, so one 64-bit value carries
 * both the offset and whether there is one.
 */
#define PHC_OFFSET_NONE INT64_MIN

/*
 * @phc_ns carried into CLOCK_MONOTONIC: false when the result does not fit
 * a __u64 (a hardware time before the monotonic clock's zero, i.e. before
 * boot, or past 2^64): such a timestamp cannot be converted.
 */
static inline bool phc_to_mono(__u64 phc_ns, __s64 offset_ns, __u64 *mono_ns)
{
	__int128 mono = (__int128)phc_ns - offset_ns;

	if (mono < 0 || mono > (__int128)UINT64_MAX)
		return false;
	*mono_ns = (__u64)mono;
	return true;
}

#endif
