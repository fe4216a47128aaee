# tests/fuzz/fuzz-lib.sh: how every fuzz script runs a libFuzzer target, sourced by them.
#
# fuzz_run N NAME WHAT: run tests/fuzz/NAME-fuzz (built by tests/fuzz/local.mk's recipe) for
# ${TSR_FUZZ_SECONDS:-30} seconds on a copy of tests/fuzz/NAME-corpus, so the source tree is
# never written, and print TAP result N about WHAT. A crash leaves its input in the build tree
# (tests/fuzz/NAME-crash-*) and fails the result; a missing binary (no clang) SKIPs it.
set -u

fuzz_run() {
    n=$1 name=$2 what=$3
    b=${TSR_BUILDDIR:-.}
    s=${TSR_SRCDIR:-.}
    fuzzer=$b/tests/fuzz/$name-fuzz
    secs=${TSR_FUZZ_SECONDS:-30}
    if [ ! -x "$fuzzer" ]; then
        echo "ok $n - $what fuzzing # SKIP clang is missing (install clang and libclang-rt-14-dev)"
        return 0
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/tsr-fuzz.XXXXXX")
    cp "$s"/tests/fuzz/$name-corpus/* "$work"/
    if "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$b/tests/fuzz/$name-" "$work" >"$work.log" 2>&1; then
        echo "ok $n - $what survived ${secs}s of fuzzing ($(grep -c . "$work.log") log lines)"
    else
        sed 's/^/# /' "$work.log" | tail -40
        echo "not ok $n - $what crashed under fuzzing (input saved as $b/tests/fuzz/$name-crash-*)"
    fi
    rm -rf "$work" "$work.log"
}
