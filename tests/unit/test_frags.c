// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --frags: when auto turns multi-buffer on, and what happens when the
 * kernel refuses XDP_USE_SG (kernels before 6.6: the fallback this machine
 * cannot show, since its kernel accepts the flag).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "frags.h"

static void expect_text(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("'%s' does not mention '%s'", text, needle);
}

static void test_auto_follows_the_mtu(void **state)
{
	struct frags_plan plan;

	(void)state;
	frags_decide(FRAGS_AUTO, 1500, 4096, 0, &plan);
	assert_false(plan.multi_buffer);
	assert_int_equal(plan.frame_capacity, 3840);
	frags_decide(FRAGS_AUTO, 1500, 2048, 0, &plan);
	assert_false(plan.multi_buffer); /* 1518 <= 1792 */
	/* The largest frame that fits 3840 bytes: MTU 3822. */
	frags_decide(FRAGS_AUTO, 3822, 4096, 0, &plan);
	assert_false(plan.multi_buffer);
	frags_decide(FRAGS_AUTO, 3823, 4096, 0, &plan);
	assert_true(plan.multi_buffer);
	frags_decide(FRAGS_AUTO, 9000, 4096, 0, &plan);
	assert_true(plan.multi_buffer);
	assert_int_equal(plan.largest_frame, 9018);
	expect_text(plan.explanation, "MTU 9000");
	/* A UMEM headroom takes room from the packet: 2048 - 256 - 256. */
	frags_decide(FRAGS_AUTO, 1500, 2048, 256, &plan);
	assert_int_equal(plan.frame_capacity, 1536);
	assert_false(plan.multi_buffer); /* 1518 <= 1536 */
	frags_decide(FRAGS_AUTO, 1600, 2048, 256, &plan);
	assert_true(plan.multi_buffer); /* 1618 > 1536, though <= 1792 */
	frags_decide(FRAGS_OFF, 9000, 4096, 0, &plan);
	assert_false(plan.multi_buffer);
	expect_text(plan.explanation, "frames longer than 3840 bytes pass to the kernel");
	frags_decide(FRAGS_ON, 1500, 4096, 0, &plan);
	assert_true(plan.multi_buffer);
}

static void test_old_kernel_refuses(void **state)
{
	struct frags_plan plan;

	(void)state;
	/* --frags on: the error names the kernel and the version needed. */
	frags_decide(FRAGS_ON, 9000, 4096, 0, &plan);
	assert_int_equal(frags_bind_refused(FRAGS_ON, -EINVAL, "6.1.0-18-amd64", &plan), -EINVAL);
	expect_text(plan.explanation, "kernel 6.1 has no AF_XDP multi-buffer (6.6+)");
	assert_true(plan.multi_buffer);
	/* auto: single-buffer, and a warning saying which frames are lost. */
	frags_decide(FRAGS_AUTO, 9000, 4096, 0, &plan);
	assert_int_equal(frags_bind_refused(FRAGS_AUTO, -EOPNOTSUPP, "6.1.0-18-amd64", &plan), 0);
	assert_false(plan.multi_buffer);
	assert_true(plan.fell_back);
	expect_text(plan.explanation, "kernel 6.1 has no AF_XDP multi-buffer (6.6+)");
	expect_text(plan.explanation, "frames longer than 3840 bytes");
	expect_text(plan.explanation, "rx_dropped");
	/* 6.6 on: the kernel has it, the driver refused it (in zero-copy). */
	frags_decide(FRAGS_ON, 9000, 4096, 0, &plan);
	assert_int_equal(frags_bind_refused(FRAGS_ON, -EOPNOTSUPP, "7.3.4+deb13-amd64", &plan),
			 -EOPNOTSUPP);
	expect_text(plan.explanation, "driver refuses AF_XDP multi-buffer in this bind mode (kernel 7.3 has it)");
	/* Other bind errors are not about multi-buffer: passed on as they are. */
	frags_decide(FRAGS_AUTO, 9000, 4096, 0, &plan);
	assert_int_equal(frags_bind_refused(FRAGS_AUTO, -EBUSY, "6.18.1", &plan), -EBUSY);
	assert_true(plan.multi_buffer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_follows_the_mtu),
		cmocka_unit_test(test_old_kernel_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
