#!/bin/sh
# tests/integration/renderer-demo-test.sh: tessera-render-demo runs on the headless output,
# writes screenshots, animates with little damage per frame, and refuses bad arguments with a
# clear message and exit status 2 (1 for an output that cannot be opened).
# Every run is bounded by timeout, so a demo that never finishes fails instead of hanging.
demo="timeout 60 $TSR_BUILDDIR/renderer/tessera-render-demo"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
echo 1..8

$demo --help >"$tmp/help" 2>&1
check "--help exits 0 and documents --output" grep -q -- "--output" "$tmp/help"

$demo --layout diagonal >"$tmp/out" 2>&1; st=$?
check "bad --layout: exit 2, names the choices" \
    sh -c "[ $st -eq 2 ] && grep -q 'single or tiled' '$tmp/out'"

$demo --domains 5 >"$tmp/out" 2>&1; st=$?
check "bad --domains: exit 2" sh -c "[ $st -eq 2 ] && grep -q '1 to 4' '$tmp/out'"

$demo --output headless:0x10 --frames 1 >"$tmp/out" 2>&1; st=$?
check "bad output spec: exit 1, says what to use" \
    sh -c "[ $st -eq 1 ] && grep -q 'headless:WIDTHxHEIGHT' '$tmp/out'"

$demo --output headless:800x500 --screenshot "$tmp/shot.png" --clock 12:00 >"$tmp/out" 2>&1; st=$?
check "screenshot written as PNG" \
    sh -c "[ $st -eq 0 ] && head -c 8 '$tmp/shot.png' | od -An -c | grep -q 'P   N   G'"

$demo --output headless:800x500 --screenshot /nonexistent/dir/shot.png >"$tmp/out" 2>&1; st=$?
check "unwritable screenshot: exit 1 with the path" \
    sh -c "[ $st -eq 1 ] && grep -q '/nonexistent/dir/shot.png' '$tmp/out'"

# 40 animated frames: the first is full (800*500*4 = 1600000 bytes), the rest only the box.
$demo --output headless:800x500 --frames 40 >"$tmp/out" 2>&1; st=$?
bytes=$(sed -n 's/.* 40 frames, \([0-9]*\) bytes copied.*/\1/p' "$tmp/out")
check "40 animated frames copy far less than 40 full frames ($bytes bytes)" \
    sh -c "[ $st -eq 0 ] && [ -n '$bytes' ] && [ '$bytes' -gt 1600000 ] && [ '$bytes' -lt 4000000 ]"

$demo --output headless:640x400@1000 --layout single --filter nearest --domains 2 \
    --focus personal --frames 3 --still --screenshot "$tmp/single.png" >"$tmp/out" 2>&1; st=$?
check "single layout with --still ends after its frame" sh -c "[ $st -eq 0 ] && [ -s '$tmp/single.png' ]"
