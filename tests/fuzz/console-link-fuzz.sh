#!/bin/sh
# tests/fuzz/console-link-fuzz.sh: the console-link parser under libFuzzer for a bounded time
# (TAP), started by `make fuzz-check-console` (tools/check runs it through check-extra); see
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 console-link "console-link parser"
