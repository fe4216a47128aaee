#!/bin/sh
# tests/fuzz/policy-enrol-fuzz.sh: the enrolment file's parser under libFuzzer for a bounded
# time (TAP), started by `make fuzz-check-policy-enrol` (tools/check runs it through
# check-extra); see fuzz-lib.sh.
. "$(dirname "$0")/fuzz-lib.sh"
echo "1..1"
fuzz_run 1 policy-enrol "enrolment file parser"
