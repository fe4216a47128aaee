#!/bin/sh
# tests/fuzz/viewer-link-fuzz.sh: the display protocol's parsers under libFuzzer for a bounded
# time (TAP): the kiosk's of viewer messages, the viewer's of resize requests. Started by
# `make fuzz-check-display` (tools/check runs it through check-extra); see fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..2"
fuzz_run 1 viewer-link "viewer-link parser"
fuzz_run 2 display-resize "viewer's resize-request check"
