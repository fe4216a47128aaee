#!/bin/sh
# tests/fuzz/console-link-fuzz.sh: run the console-link libFuzzer target for a bounded time (TAP).
# Started by `make fuzz-check-console` (tools/check runs it through check-extra). The seed
# corpus is copied so the source tree is never written; a crash leaves its input in the build
# tree (crash-*) and fails the test.
set -u
b=${TSR_BUILDDIR:-.}
s=${TSR_SRCDIR:-.}
fuzzer=$b/tests/fuzz/console-link-fuzz
secs=${TSR_FUZZ_SECONDS:-30}
echo "1..1"
if [ ! -x "$fuzzer" ]; then
    echo "ok 1 - console-link fuzzing # SKIP clang is missing (install clang and libclang-rt-14-dev)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tsr-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$s"/tests/fuzz/console-link-corpus/* "$work"/
if "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$b/tests/fuzz/console-link-" "$work" >"$work.log" 2>&1; then
    echo "ok 1 - console-link parser survived ${secs}s of fuzzing ($(grep -c . "$work.log") log lines)"
else
    sed 's/^/# /' "$work.log" | tail -40
    echo "not ok 1 - console-link parser crashed under fuzzing (input saved as $b/tests/fuzz/console-link-crash-*)"
fi
rm -f "$work.log"
