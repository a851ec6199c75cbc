#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel and driver matrix (tests/vm/matrix.sh) as one e2e suite of
# make test; make test-vm runs it alone.
exec "$(cd "$(dirname "$0")" && pwd)/../vm/matrix.sh"
