#!/bin/sh
# tests/fuzz/provisioning-audit-verify-fuzz.sh: audit-verify's parser of collected audit logs
# under libFuzzer for a bounded time (TAP), started by `make fuzz-check-provisioning`
# (tools/check runs it through check-extra); see fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 provisioning-audit-verify "audit-verify parser"
