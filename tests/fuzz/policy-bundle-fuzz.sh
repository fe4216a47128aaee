#!/bin/sh
# tests/fuzz/policy-bundle-fuzz.sh: the policy-bundle parser under libFuzzer for a bounded time
# (TAP), started by `make fuzz-check-policy` (tools/check runs it through check-extra); see
# fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 policy-bundle "policy-bundle parser"
