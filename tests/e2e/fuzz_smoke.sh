#!/bin/bash
# A short, deterministic libFuzzer run of both library targets: fixed seed
# and run count, starting from the corpus kept in fuzz/corpus/ and seeds made
# from this build, never from what an earlier run left in build/fuzz. The
# decoder target checks its JSON dump against the fields read by name (an
# output oracle). `make fuzz` runs longer.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../fuzz/run.sh" --smoke
