// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The receiver's view of the device's hardware clock (see
 * receiver_phc.h): open it once, publish its offset to CLOCK_MONOTONIC
 * in the rx_path's phc_offset_ns for the receive path, resample it as it drifts.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "log.h"
#include "rx_queue.h"
#include "receiver_phc.h"

/*
 * xdp_hints_rx_hw's rx_hw_timestamp counts on the NIC's PHC, so the
 * hardware-to-XDP delay needs the PHC's offset to CLOCK_MONOTONIC. Never
 * fatal: without it hardware timestamps are counted, not timed, and the
 * XDP-to-application latency (rx_ktime only) is unaffected.
 */
void receiver_setup_phc(const char *dev, bool driver_metadata, struct phc_clock *phc,
			struct rx_path *path)
{
	__u64 window_ns;
	__s64 offset_ns;
	int err;

	atomic_store_explicit(&path->phc_offset_ns, PHC_OFFSET_NONE, memory_order_relaxed);
	if (!driver_metadata)
		return;
	err = phc_clock_open(phc, dev);
	if (err == -ENODEV) {
		pr_info("%s has no PHC: hardware timestamps, if any, are reported unconverted\n", dev);
		return;
	}
	if (err) {
		pr_warn("%s: cannot open its PHC /dev/ptp%d: %s: hardware timestamps, if any, are reported unconverted\n",
			dev, phc->index, strerror(-err));
		return;
	}
	err = phc_clock_offset(phc, &offset_ns, &window_ns);
	if (err) {
		pr_warn("%s: reading its PHC /dev/ptp%d: %s: hardware timestamps, if any, are reported unconverted\n",
			dev, phc->index, strerror(-err));
		phc_clock_close(phc);
		return;
	}
	atomic_store_explicit(&path->phc_offset_ns, offset_ns, memory_order_relaxed);
	pr_info("%s: PHC /dev/ptp%d minus CLOCK_MONOTONIC is %lld ns (read within %llu ns): hardware timestamps converted, offset resampled every report interval\n",
		dev, phc->index, (long long)offset_ns, (unsigned long long)window_ns);
}

/*
 * The main thread, at each report interval (each link check without
 * interval reports): the two clocks drift, and phc2sys may steer the PHC.
 */
void receiver_resample_phc(const char *ifname, struct phc_clock *phc, struct rx_path *path)
{
	__s64 offset_ns;
	int err;

	if (!phc->open)
		return;
	err = phc_clock_offset(phc, &offset_ns, NULL);
	if (err) {
		/* Once per failure run, not once per interval. */
		if (atomic_load_explicit(&path->phc_offset_ns, memory_order_relaxed) != PHC_OFFSET_NONE)
			pr_warn("%s: reading its PHC /dev/ptp%d: %s: hardware timestamps unconverted until a read succeeds\n",
				ifname, phc->index, strerror(-err));
		offset_ns = PHC_OFFSET_NONE;
	}
	atomic_store_explicit(&path->phc_offset_ns, offset_ns, memory_order_relaxed);
}
