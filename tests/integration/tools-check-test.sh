#!/bin/sh
# tests/integration/tools-check-test.sh: tools/check reads its arguments before it installs or
# deletes anything. `--help` prints the usage and exits 0; an unknown argument prints the usage
# and exits 2. Run on a copy of the script in a scratch tree whose build/check holds a marker
# and which has no tools/install-deps: had the copy gone on, it would have deleted the marker
# or failed on the missing installer, not exited 0 or 2 with the usage.
set -u
: "${TSR_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
echo "1..2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tools" "$tmp/build/check"
cp "$TSR_SRCDIR/tools/check" "$tmp/tools/check"
: > "$tmp/build/check/marker"

"$tmp/tools/check" --help > "$tmp/help.out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^Usage: tools/check' "$tmp/help.out" && [ -f "$tmp/build/check/marker" ]; then
    echo "ok 1 - --help prints the usage, exits 0, touches nothing"
else
    sed 's/^/# /' "$tmp/help.out"; echo "not ok 1 - --help prints the usage, exits 0, touches nothing (rc $rc)"
fi

"$tmp/tools/check" --bogus > "$tmp/bad.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "unknown argument '--bogus'" "$tmp/bad.out" &&
   grep -q '^Usage: tools/check' "$tmp/bad.out" && [ -f "$tmp/build/check/marker" ]; then
    echo "ok 2 - an unknown argument prints the usage, exits 2, deletes nothing"
else
    sed 's/^/# /' "$tmp/bad.out"; echo "not ok 2 - an unknown argument prints the usage, exits 2, deletes nothing (rc $rc)"
fi
