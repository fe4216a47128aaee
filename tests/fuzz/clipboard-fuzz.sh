#!/bin/sh
# tests/fuzz/clipboard-fuzz.sh: the clipboard messages' checks under libFuzzer for a bounded
# time (TAP), started by `make fuzz-check-clipboard` (tools/check runs it through check-extra);
# see fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 clipboard "clipboard messages"
