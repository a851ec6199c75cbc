// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>

#include "program_choices.h"

const struct choice_name xdp_mode_choices[] = {
	{ "auto", XDP_MODE_AUTO },
	{ "native", XDP_MODE_NATIVE },
	{ "generic", XDP_MODE_GENERIC },
	{ "skb", XDP_MODE_GENERIC }, /* the name ip-link and xdp-loader use */
	{ NULL, 0 },
};

const struct choice_name hint_layout_choices[] = {
	{ "rx-time", HINT_POLICY_RX_TIME },
	{ "mark", HINT_POLICY_MARK },
	{ "alternate", HINT_POLICY_ALTERNATE },
	{ "none", HINT_POLICY_NONE },
	{ NULL, 0 },
};

const struct choice_name hw_hints_choices[] = {
	{ "auto", HW_HINTS_AUTO },
	{ "on", HW_HINTS_ON },
	{ "off", HW_HINTS_OFF },
	{ NULL, 0 },
};

const struct choice_name frags_choices[] = {
	{ "auto", FRAGS_AUTO },
	{ "on", FRAGS_ON },
	{ "off", FRAGS_OFF },
	{ NULL, 0 },
};

const struct choice_name hint_clock_choices[] = {
	{ "monotonic", HINT_CLOCK_MONOTONIC },
	{ "tai", HINT_CLOCK_TAI },
	{ NULL, 0 },
};

const char *xdp_mode_name(enum xdp_mode_choice mode)
{
	return choice_name_of(xdp_mode_choices, mode);
}

const char *hint_policy_name(enum hint_policy policy)
{
	return choice_name_of(hint_layout_choices, policy);
}

const char *hw_hints_name(enum hw_hints_choice choice)
{
	return choice_name_of(hw_hints_choices, choice);
}

const char *frags_name(enum frags_choice choice)
{
	return choice_name_of(frags_choices, choice);
}

const char *hint_clock_name(enum hint_clock clock)
{
	return choice_name_of(hint_clock_choices, clock);
}

int hw_hints_parse(const char *text, enum hw_hints_choice *out)
{
	int choice;

	if (choice_parse(hw_hints_choices, text, &choice))
		return -EINVAL;
	*out = choice;
	return 0;
}
