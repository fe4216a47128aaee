#!/bin/sh
# tests/fuzz/domains-parsers-fuzz.sh: the QMP and xl list parsers under libFuzzer for a bounded time
# (TAP), started by `make fuzz-check-domains` (tools/check runs it through check-extra); see
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 domains-parsers "QMP and xl list parsers"
