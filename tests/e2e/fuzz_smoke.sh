#!/bin/bash
# A short, deterministic libFuzzer run of both library targets (fixed seed
# and run count), so every test run also fuzzes. `make fuzz` runs longer.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../fuzz/run.sh" --smoke
