// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Writes af_xdp_user's bash completion script (from the option table) to
 * standard output: `make` runs it into $(BUILD)/af_xdp_user.bash. Apart
 * from the .c files of common/cli/ so no program but this one gets its main(). */
#include <stdio.h>

#include "options.h"

int main(void)
{
	rx_options_completion(stdout, "af_xdp_user");
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
