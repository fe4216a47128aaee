#!/bin/sh
# tests/integration/provisioning-ssh-test.sh: tessera-provision against a real sshd on loopback.
#
# One sshd (its own host key and config, a free port) stands in for 10 laptops plus a mirror:
# each laptop is a state directory reached through its own restricted forced-command key. One
# laptop is broken (enrolled in another laptop group). push must install on 9, report the
# broken one with its reason, and exit non-zero; the forced-command key must not forward
# ports or run other commands; pull, templates and report work against the mirror account.
set -u
. "${TSR_SRCDIR:-.}/tests/integration/provisioning-lib.sh"

tap_n=0
failed=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() { tap_n=$((tap_n + 1)); failed=1; echo "not ok $tap_n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' "$2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "${out:-}"; fi; }
echo "1..17"

skip_all() { for i in $(seq 1 16); do echo "ok $i # SKIP $1"; done; exit 0; }
[ -x "$PV_SSHD" ] && command -v ssh >/dev/null && command -v sftp >/dev/null ||
    skip_all "openssh-server/openssh-client missing (tools/install-deps installs them)"
# sshd runs as root and the simulated laptops are root logins, as on a real laptop's dom0.
[ "$(id -u)" = 0 ] || skip_all "needs root (to run sshd); CI runs as root"
trap pv_cleanup EXIT INT TERM

out=$(mktemp)
# 1. The documented example builds; the test's sources and signatures are ready.
check "build on doc/examples/policy passes" \
    sh -c '"$0" build "$1/doc/examples/policy" --out "$2.b" >"$3" 2>&1; r=$?; rm -rf "$2.b"; exit $r' \
    "$PV_BIN" "$PV_SRC" "$out" "$out"
pv_init >"$out" 2>&1
check "keys, key set, build and sign" [ -s "${PV:-/nonexistent}/mirror/office.bundle" ]

for i in 1 2 3 4 5 6 7 8 9 10; do
    if [ $i = 7 ]; then pv_laptop laptop$i lab; else pv_laptop laptop$i office; fi
done
pv_laptop laptop11 office nohosts   # reached only by pull
pv_mirror
check "sshd starts on loopback" pv_sshd_start

# 3. push to 10, one broken.
"$PV_BIN" push "$PV/mirror/office.bundle" --hosts "$PV/hosts" -j 5 -F "$PV/ssh_config" \
    >"$PV/table" 2>"$PV/progress"
status=$?
cat "$PV/table" "$PV/progress" >"$out"
push_table() {
    [ $status -ne 0 ] &&
    [ "$(grep -c ' installed  *1$' "$PV/table")" = 9 ] &&
    grep -q "^laptop7  *failed  *-  *refused: the bundle is for laptop group 'office'; this laptop is in 'lab'" "$PV/table" &&
    grep -q '^9 of 10 laptops have the bundle, 1 failed' "$PV/table" &&
    [ "$(grep -c '^\[[0-9]*/10\]' "$PV/progress")" = 10 ]
}
check "push: 9 installed, laptop7 failed with its reason, exit status 1" push_table

installed_everywhere() {
    for i in 1 2 3 4 5 6 8 9 10; do
        [ "$(readlink "$PV/laptops/laptop$i/current")" = versions/1 ] || return 1
    done
    [ ! -e "$PV/laptops/laptop7/current" ] &&
    "$PV_BIN" status --state-dir "$PV/laptops/laptop3" >"$out" 2>&1 &&
    grep -q 'installed:    example-org/office serial 1' "$out"
}
check "the 9 laptops hold serial 1, laptop7 nothing" installed_everywhere

# 5. Pushing the same bundle again is a no-op everywhere.
"$PV_BIN" push "$PV/mirror/office.bundle" --hosts "$PV/hosts" -j 10 -q -F "$PV/ssh_config" >"$out" 2>&1
check "push again: 9 unchanged" [ "$(grep -c ' unchanged  *1$' "$out")" = 9 ]

# 6. A laptop that refuses shows the serial it still runs: serial 2 with laptop3's trust
# switched to another organization.
"$PV_BIN" sign "$PV/mirror/office.bundle" --key "$PV/keys/policy.secret" --keyset "$PV/keys/keyset" \
    --passphrase-file "$PV/pass" --out "$PV/office-2.bundle" >/dev/null
sed -i 's/^organization example-org$/organization other-org/' "$PV/laptops/laptop3/trusted.keys"
printf 'laptop2\nlaptop3\n' >"$PV/hosts2"
"$PV_BIN" push "$PV/office-2.bundle" --hosts "$PV/hosts2" -q -F "$PV/ssh_config" >"$out" 2>&1
check "a refusing laptop reports the serial it still runs" \
    sh -c 'grep -q "^laptop2  *installed  *2$" "$0" && grep -q "^laptop3  *failed  *1  *refused: the bundle is for organization .example-org.; this laptop belongs to .other-org." "$0"' "$out"

# 7-9. The forced-command key is for receive only.
ssh -F "$PV/ssh_config" -W 127.0.0.1:$PV_PORT laptop1 </dev/null >"$out" 2>&1
r=$?
check "a port forward (-W) through the forced-command key is refused" \
    sh -c '[ $0 -ne 0 ] && grep -Eq "administratively prohibited|stdio forwarding failed" "$1"' $r "$out"
ssh -F "$PV/ssh_config" -o ExitOnForwardFailure=yes -N -R 127.0.0.1:0:127.0.0.1:$PV_PORT laptop1 \
    </dev/null >"$out" 2>&1
r=$?
check "a remote forward (-R) is refused" \
    sh -c '[ $0 -ne 0 ] && grep -qi "forwarding failed" "$1"' $r "$out"
ssh -F "$PV/ssh_config" laptop1 cat /etc/hostname </dev/null >"$out" 2>&1
r=$?
check "another command runs receive instead (and finds no bundle)" \
    sh -c '[ $0 -ne 0 ] && grep -q "not a bundle" "$1" && ! grep -qx "$(cat /etc/hostname)" "$1"' $r "$out"

# 10. pull (laptop11 was never pushed to).
"$PV_BIN" pull --from "mirror:$PV/mirror" --state-dir "$PV/laptops/laptop11" \
    --broker-socket "$PV/no-broker.sock" -F "$PV/ssh_config" >"$out" 2>&1
check "pull installs the group's bundle" \
    sh -c 'grep -q "^installed 1$" "$0" && [ "$(readlink "$1/current")" = versions/1 ]' \
    "$out" "$PV/laptops/laptop11"

# 11-13. templates: fetch, resume, refuse a wrong one.
L=$PV/laptops/laptop11
"$PV_BIN" templates --from "mirror:$PV/mirror" --state-dir "$L" -F "$PV/ssh_config" >"$out" 2>&1
check "templates fetched and verified" \
    sh -c 'grep -q "^debian-work: verified (fetched)" "$0" && cmp -s "$1/templates/debian-web.qcow2" "$2/debian-web.qcow2"' \
    "$out" "$L" "$PV/mirror"
rm "$L/templates/debian-work.qcow2"
head -c 100000 "$PV/mirror/debian-work.qcow2" >"$L/templates/debian-work.qcow2.part"
"$PV_BIN" templates --from "mirror:$PV/mirror" --state-dir "$L" -F "$PV/ssh_config" >"$out" 2>&1
check "a partial template is resumed" \
    sh -c 'grep -q "^debian-work: verified (resumed)" "$0" && grep -q "^debian-web: verified (already here)" "$0" && cmp -s "$1/templates/debian-work.qcow2" "$2/debian-work.qcow2" && [ ! -e "$1/templates/debian-work.qcow2.part" ]' \
    "$out" "$L" "$PV/mirror"
rm "$L/templates/debian-work.qcow2"
head -c 100000 /dev/zero >"$L/templates/debian-work.qcow2.part"    # a damaged partial
"$PV_BIN" templates --from "mirror:$PV/mirror" --state-dir "$L" -F "$PV/ssh_config" >"$out" 2>&1
r=$?
check "a template with the wrong sha256 is refused and never put in place" \
    sh -c '[ $0 -ne 0 ] && grep -q "debian-work: refused" "$1" && [ ! -e "$2/templates/debian-work.qcow2" ] && [ ! -e "$2/templates/debian-work.qcow2.part" ]' \
    $r "$out" "$L"

# 14-16. report: serial, signer, lease, only new audit lines and the chain head (the sha256
# of the last line).
mkdir -p "$L/audit"
printf '{"event":"login","user":"alice"}\n{"event":"logout","user":"alice"}\n' >"$L/audit/audit.log"
"$PV_BIN" report --to "mirror:$PV/collector" --id laptop11 --state-dir "$L" -F "$PV/ssh_config" \
    --now 2000000000 >"$out" 2>&1
r1=$?
printf '{"event":"login","user":"bob"}\n' >>"$L/audit/audit.log"
"$PV_BIN" report --to "mirror:$PV/collector" --id laptop11 --state-dir "$L" -F "$PV/ssh_config" \
    --now 2000000001 >>"$out" 2>&1
r2=$?
fp=$("$PV_BIN" status --state-dir "$L" | sed -n 's/^signed by: *\([0-9a-f-]*\).*/\1/p')
first=$PV/collector/laptop11-2000000000.report
second=$PV/collector/laptop11-2000000001.report
check "report carries serial, signer and the audit lines" \
    sh -c '[ $0 = 0 ] && grep -q "^serial 1$" "$1" && grep -q "^signer $2$" "$1" && grep -q "^audit-lines 2$" "$1" && grep -q "\"user\":\"alice\"" "$1"' \
    $r1 "$first" "$fp"
head=$(printf '%s' '{"event":"login","user":"bob"}' | sha256sum | cut -d' ' -f1)
check "the next report sends only the new audit line, and the chain head" \
    sh -c '[ $0 = 0 ] && grep -q "^audit-lines 1$" "$1" && grep -q "\"user\":\"bob\"" "$1" && ! grep -q alice "$1" && grep -q "^audit-head $2$" "$1"' \
    $r2 "$second" "$head"
# 17. The broker rotated the log since: the lines written to the rotated file after the last
# report come first, then the new file's; nothing is lost and nothing sent twice.
printf '{"event":"login","user":"carol"}\n' >>"$L/audit/audit.log"
mv "$L/audit/audit.log" "$L/audit/audit.log.1"
printf '{"event":"login","user":"dave"}\n' >"$L/audit/audit.log"
"$PV_BIN" report --to "mirror:$PV/collector" --id laptop11 --state-dir "$L" -F "$PV/ssh_config" \
    --now 2000000002 >>"$out" 2>&1
r3=$?
third=$PV/collector/laptop11-2000000002.report
check "after a rotation the report sends the rotated file's new lines, then the new file's" \
    sh -c '[ $0 = 0 ] && grep -q "^audit-lines 2$" "$1" && grep -A2 "^audit-lines" "$1" | tr -d "\n" | grep -q "carol.*dave" && ! grep -q bob "$1"' \
    $r3 "$third"
rm -f "$out"
exit $failed
