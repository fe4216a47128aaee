#!/bin/sh
# tests/fuzz/renderer-scene-fuzz.sh: the renderer-scene scene under libFuzzer for a bounded time
# (TAP), started by `make fuzz-check-renderer` (tools/check runs it through check-extra); see
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 renderer-scene "renderer-scene scene"
