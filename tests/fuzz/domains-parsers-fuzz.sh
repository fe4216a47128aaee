#!/bin/sh
# tests/fuzz/domains-parsers-fuzz.sh: run the domain parsers libFuzzer target for a bounded time (TAP).
# Started by `make fuzz-check-domains` (tools/check runs it through check-extra). The seed
# corpus is copied so the source tree is never written; a crash leaves its input in the build
# tree (crash-*) and fails the test.
set -u
b=${TSR_BUILDDIR:-.}
s=${TSR_SRCDIR:-.}
fuzzer=$b/tests/fuzz/domains-parsers-fuzz
secs=${TSR_FUZZ_SECONDS:-30}
echo "1..1"
if [ ! -x "$fuzzer" ]; then
    echo "ok 1 - domain parsers (QMP, xl list) fuzzing # SKIP clang is missing (install clang and libclang-rt-14-dev)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tsr-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$s"/tests/fuzz/domains-parsers-corpus/* "$work"/
if "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$b/tests/fuzz/domains-parsers-" "$work" >"$work.log" 2>&1; then
    echo "ok 1 - QMP and xl list parsers survived ${secs}s of fuzzing ($(grep -c . "$work.log") log lines)"
else
    sed 's/^/# /' "$work.log" | tail -40
    echo "not ok 1 - QMP and xl list parsers crashed under fuzzing (input saved as $b/tests/fuzz/domains-parsers-crash-*)"
fi
rm -f "$work.log"
