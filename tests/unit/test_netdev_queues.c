// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The RX queue count's two sources without a device: the ethtool channels
 * rule (rx + combined) and the count of queues/rx-N entries in a sysfs-like
 * directory. tests/e2e/queue_set.sh checks both against real interfaces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netdev.h"

static void channels_rx_plus_combined(void **state)
{
	(void)state;
	assert_int_equal(netdev_channels_rx_queues(1, 3), 4);
	assert_int_equal(netdev_channels_rx_queues(0, 8), 8);
	assert_int_equal(netdev_channels_rx_queues(4, 0), 4);
	assert_int_equal(netdev_channels_rx_queues(2, 2), 4);
	/* Neither kind: the caller asks sysfs instead. */
	assert_int_equal(netdev_channels_rx_queues(0, 0), 0);
}

static char dir[64];

static void make_entry(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void remove_entries(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void counts_only_rx_n_entries(void **state)
{
	__u32 count = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xh-queues.XXXXXX");
	assert_non_null(mkdtemp(dir));
	make_entry("rx-0");
	make_entry("rx-1");
	make_entry("rx-2");
	make_entry("rx-10");
	make_entry("tx-0");
	make_entry("tx-1");
	make_entry("rx-");
	make_entry("rx-1a");
	make_entry("xrx-3");
	assert_int_equal(netdev_count_rx_queue_dirs(dir, &count), 0);
	assert_int_equal(count, 4);
	remove_entries();
}

static void no_rx_entry_is_enoent(void **state)
{
	__u32 count = 7;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xh-queues.XXXXXX");
	assert_non_null(mkdtemp(dir));
	make_entry("tx-0");
	assert_int_equal(netdev_count_rx_queue_dirs(dir, &count), -ENOENT);
	assert_int_equal(count, 7);
	remove_entries();
	assert_int_equal(netdev_count_rx_queue_dirs(dir, &count), -ENOENT);
}

/* The loopback device is in every namespace and has no channel ops: its
 * count comes from sysfs and is at least 1. */
static void loopback_counts_from_sysfs(void **state)
{
	struct netdev_rx_queues queues;
	int err;

	(void)state;
	err = netdev_rx_queues("lo", &queues);
	if (err == -EXDEV)
		skip();
	assert_int_equal(err, 0);
	assert_int_equal(queues.source, NETDEV_RX_QUEUES_SYSFS);
	assert_true(queues.count >= 1);
	assert_true(queues.max >= queues.count);
	assert_int_equal(netdev_rx_queues("xh-no-such-dev", &queues), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(channels_rx_plus_combined),
		cmocka_unit_test(counts_only_rx_n_entries),
		cmocka_unit_test(no_rx_entry_is_enoent),
		cmocka_unit_test(loopback_counts_from_sysfs),
	};

	return cmocka_run_group_tests_name("netdev_queues", tests, NULL, NULL);
}
