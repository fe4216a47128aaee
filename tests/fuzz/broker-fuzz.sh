#!/bin/sh
# tests/fuzz/broker-fuzz.sh: the broker's three libFuzzer targets for a bounded time each
# (TAP); started by `make fuzz-check-broker` (tools/check runs it through check-extra). See
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
TSR_FUZZ_SECONDS=${TSR_FUZZ_SECONDS:-20}
echo "1..3"
fuzz_run 1 broker-control-proto "broker control-proto parser"
fuzz_run 2 broker-kiosk-proto "broker kiosk-proto parser"
fuzz_run 3 broker-usb-descriptors "broker usb-descriptors parser"
