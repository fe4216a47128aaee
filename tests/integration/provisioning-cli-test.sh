#!/bin/sh
# tests/integration/provisioning-cli-test.sh: tessera-provision's own refusals and defaults.
#
# The library tests cover what install checks; this covers the tool around it: every
# subcommand has --help, usage errors exit 2, the admin-side commands refuse the wrong key,
# role or passphrase with a clear message, sign continues the serial, status reports the
# lease and the changes, and a broken source fails with file:line and writes nothing.
set -u
P=${TSR_BUILDDIR:-.}/provisioning/tessera-provision
S=${TSR_SRCDIR:-.}
D=$(mktemp -d "${TMPDIR:-/tmp}/tsr-cli.XXXXXX")
trap 'rm -rf "$D"' EXIT
tap_n=0
failed=0
check() {
    name=$1; shift
    tap_n=$((tap_n + 1))
    if "$@" >"$D/log" 2>&1; then echo "ok $tap_n - $name"; else
        failed=1; echo "not ok $tap_n - $name"; sed 's/^/# /' "$D/log"; fi
}
# expect STATUS PATTERN CMD...: CMD exits with STATUS and its output matches PATTERN.
expect() {
    want=$1 pat=$2; shift 2
    "$@" >"$D/cmd" 2>&1
    got=$?
    cat "$D/cmd"
    [ "$got" = "$want" ] && grep -Eq -- "$pat" "$D/cmd"
}
echo "1..17"

helps() {
    for c in keygen keyset passwd build sign verify push template init install receive pull templates report status; do
        "$P" $c --help | grep -q "^  tessera-provision $c " || { echo "no --help for $c"; return 1; }
    done
    "$P" --help | grep -q "templates" && "$P" help >/dev/null
}
check "every subcommand has --help" helps
check "an unknown command exits 2" expect 2 "unknown command 'frobnicate'" "$P" frobnicate
check "a usage error exits 2 with the help" expect 2 "sign needs BUNDLE" "$P" sign

echo "pass one" >"$D/pass"
echo "pass two" >"$D/wrong"
"$P" keygen --out "$D/k" --role root --passphrase-file "$D/pass" >/dev/null
"$P" keygen --out "$D/k" --role policy --passphrase-file "$D/pass" >"$D/keygen.out"
check "keygen prints the key and its fingerprint" \
    grep -Eq '^fingerprint: [0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$' "$D/keygen.out"
check "keygen never overwrites a key" \
    expect 1 "refusing to overwrite" "$P" keygen --out "$D/k" --role root --passphrase-file "$D/pass"
check "keyset refuses a wrong passphrase" \
    expect 1 "wrong passphrase" "$P" keyset --root "$D/k/root.secret" --add "$D/k/policy.pub" \
    --organization example-org --out "$D/keyset" --passphrase-file "$D/wrong"
check "keyset refuses a policy key as root" \
    expect 1 "signed by the root key" "$P" keyset --root "$D/k/policy.secret" --add "$D/k/policy.pub" \
    --organization example-org --out "$D/keyset" --passphrase-file "$D/pass"
"$P" keyset --root "$D/k/root.secret" --add "$D/k/policy.pub" --organization example-org \
    --out "$D/keyset" --passphrase-file "$D/pass" >/dev/null
check "keyset continues its serial and organization" \
    expect 0 "^key set 2:" "$P" keyset --root "$D/k/root.secret" --add "$D/k/policy.pub" \
    --out "$D/keyset" --passphrase-file "$D/pass"

# A broken source: file:line, exit 1, nothing written.
cp -r "$S/doc/examples/policy" "$D/src"
sed 's/^memory-mib = 4096$/memory-mib = 4096000000/' "$S/doc/examples/policy/domains/work.conf" \
    >"$D/src/domains/work.conf"
check "build of a broken source names file:line and writes nothing" \
    sh -c '"$0" build "$1/src" --out "$1/out" 2>&1 | grep -q "^tessera-provision: domains/work.conf:6: \[domain work\] memory-mib:" && [ ! -e "$1/out/office.bundle" ]' "$P" "$D"
cp "$S/doc/examples/policy/domains/work.conf" "$D/src/domains/work.conf"
"$P" build "$D/src" --out "$D/out" >/dev/null

check "sign refuses a key the key set does not list" \
    expect 1 "not a current policy key" "$P" sign "$D/out/office.bundle" --key "$D/k/root.secret" \
    --keyset "$D/keyset" --passphrase-file "$D/pass"
signs() {
    "$P" sign "$D/out/office.bundle" --key "$D/k/policy.secret" --keyset "$D/keyset" \
        --passphrase-file "$D/pass" | grep -q "serial 1," &&
    "$P" build "$D/src" --out "$D/out" >/dev/null &&
    "$P" sign "$D/out/office.bundle" --key "$D/k/policy.secret" --keyset "$D/keyset" \
        --passphrase-file "$D/pass" --valid-days 10 --now 1800000000 | grep -q "serial 2, valid until 2027-01-25"
}
check "sign continues the serial across builds and sets the window" signs
check "verify refuses another root" \
    expect 1 "does not trust" "$P" verify "$D/out/office.bundle" --trust "$D/k/policy.pub"
check "verify accepts the right root" \
    expect 0 "^good: example-org/office serial 2" "$P" verify "$D/out/office.bundle" --trust "$D/k/root.pub"

# A laptop that was never enrolled refuses an install with that reason, and stays empty.
mkdir -p "$D/bare"
unenrolled() {
    expect 1 "this laptop is not enrolled .*trusted.keys does not exist.*enrolment stick" \
        "$P" install "$D/out/office.bundle" --state-dir "$D/bare" --now 1800000100 \
        --broker-socket '' && [ -z "$(ls -A "$D/bare")" ]
}
check "install on a laptop that is not enrolled says so and writes nothing" unenrolled
# A laptop: install, then status with lease and changes.
"$P" init --state-dir "$D/st" --root "$D/k/root.pub" --organization example-org --group office >/dev/null
check "verify takes a laptop's trusted.keys too" \
    expect 0 "^good: example-org/office serial 2" "$P" verify "$D/out/office.bundle" --trust "$D/st/trusted.keys"
check "init refuses to replace trusted.keys" \
    expect 1 "use --force" "$P" init --state-dir "$D/st" --root "$D/k/root.pub" --organization x --group y
st() {
    "$P" install "$D/out/office.bundle" --state-dir "$D/st" --now 1800000100 --broker-socket '' |
        grep -q "^installed 2$" &&
    sed 's/idle-lock-seconds = 600/idle-lock-seconds = 60/' "$S/doc/examples/policy/policy.conf" >"$D/src/policy.conf" &&
    "$P" build "$D/src" --out "$D/out" >/dev/null &&
    "$P" sign "$D/out/office.bundle" --key "$D/k/policy.secret" --keyset "$D/keyset" \
        --passphrase-file "$D/pass" --valid-days 10 --now 1800000200 >/dev/null &&
    "$P" install "$D/out/office.bundle" --state-dir "$D/st" --now 1800000300 --broker-socket '' |
        grep -q "^installed 3$" &&
    "$P" status --state-dir "$D/st" --now 1800000400 >"$D/status" &&
    grep -q '^installed:    example-org/office serial 3$' "$D/status" &&
    grep -q '^lease:        valid, new logins for 12 more day(s)$' "$D/status" &&
    grep -q '^previous:     serial 2; changes:$' "$D/status" &&
    grep -q '^  ~ \[kiosk\]$' "$D/status" &&
    ! "$P" status --state-dir "$D/st" --now 1900000000 >"$D/status2" &&
    grep -q '^lease:        expired' "$D/status2"
}
check "status: serial, lease in days, changes from the previous; exit 1 once expired" st
exit $failed
