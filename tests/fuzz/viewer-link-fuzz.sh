#!/bin/sh
# tests/fuzz/viewer-link-fuzz.sh: the viewer-link parser under libFuzzer for a bounded time
# (TAP), started by `make fuzz-check-display` (tools/check runs it through check-extra); see
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 viewer-link "viewer-link parser"
