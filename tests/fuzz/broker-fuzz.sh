#!/bin/sh
# tests/fuzz/broker-fuzz.sh: run the broker's libFuzzer targets for a bounded time each (TAP).
# Started by `make fuzz-check-broker` (tools/check runs it through check-extra). Seed corpora
# are copied so the source tree is never written; a crash leaves its input in the build tree
# (tests/fuzz/broker-*-crash-*) and fails that target.
set -u
b=${TSR_BUILDDIR:-.}
s=${TSR_SRCDIR:-.}
secs=${TSR_FUZZ_SECONDS:-20}
echo "1..3"
n=0
for t in control-proto kiosk-proto usb-descriptors; do
    n=$((n + 1))
    fuzzer=$b/tests/fuzz/broker-$t-fuzz
    if [ ! -x "$fuzzer" ]; then
        echo "ok $n - broker $t fuzzing # SKIP clang is missing (install clang and libclang-rt-14-dev)"
        continue
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/tsr-fuzz.XXXXXX")
    cp "$s"/tests/fuzz/broker-$t-corpus/* "$work"/
    if "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$b/tests/fuzz/broker-$t-" "$work" >"$work.log" 2>&1; then
        echo "ok $n - broker $t parser survived ${secs}s of fuzzing ($(grep -c . "$work.log") log lines)"
    else
        sed 's/^/# /' "$work.log" | tail -40
        echo "not ok $n - broker $t parser crashed under fuzzing (input saved as $b/tests/fuzz/broker-$t-crash-*)"
    fi
    rm -rf "$work" "$work.log"
done
