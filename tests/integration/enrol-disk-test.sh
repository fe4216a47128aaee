#!/bin/sh
# tests/integration/enrol-disk-test.sh: tessera-provision enrol-disk, the admin's side of
# enrolment from a removable disk (doc/laptop-image.md, "Enrolment").
#
# With real keys, key set and signed bundles made by tessera-provision itself: the disk image
# is a FAT filesystem labelled TSR-ENROL holding exactly the enrolment file, and a disk that a
# laptop would refuse (unsigned bundle, a root the bundle does not chain to, a policy key given
# as a root) is never written.
set -u
. "${TSR_SRCDIR:-.}/tests/integration/provisioning-lib.sh"
. "${TSR_SRCDIR:-.}/tests/harness/tap.sh"
trap 'pv_cleanup' EXIT
# logged CMD...: CMD's output goes to the TAP log as comments.
logged() { "$@" >"$PV/log" 2>&1; rc=$?; sed 's/^/# /' "$PV/log"; return $rc; }
echo "1..5"
pv_init || { echo "Bail out! cannot make keys and bundles"; exit 1; }

good_disk() {
    "$PV_BIN" enrol-disk "$PV/enrol.img" --root "$PV/keys/root.pub" \
        --bundle "$PV/mirror/office.bundle" --file "$PV/tessera.enr" &&
    [ "$(blkid -o value -s LABEL "$PV/enrol.img")" = TSR-ENROL ] &&
    [ "$(blkid -o value -s TYPE "$PV/enrol.img")" = vfat ] &&
    mtype -i "$PV/enrol.img" ::tessera.enr >"$PV/read-back" &&
    cmp "$PV/read-back" "$PV/tessera.enr" &&
    head -4 "$PV/tessera.enr" | grep -qx "group office" &&
    grep -qx "root $(cut -d' ' -f3 "$PV/keys/root.pub")" "$PV/tessera.enr"
}
check "a signed bundle gives a FAT disk labelled TSR-ENROL holding the enrolment file" \
    "logged good_disk"

# refused PATTERN ARGS...: enrol-disk exits 1 saying PATTERN and leaves no image.
refused() {
    pat=$1; shift
    rm -f "$PV/bad.img"
    "$PV_BIN" enrol-disk "$PV/bad.img" "$@" >"$PV/out" 2>&1
    rc=$?
    cat "$PV/out"
    [ $rc = 1 ] && grep -q -- "$pat" "$PV/out" && [ ! -e "$PV/bad.img" ]
}
unsigned() {
    mkdir -p "$PV/unsigned" &&
    "$PV_BIN" build "$PV/src" --out "$PV/unsigned" >/dev/null &&
    refused "not signed" --root "$PV/keys/root.pub" --bundle "$PV/unsigned/office.bundle"
}
check "an unsigned bundle is refused and no disk is written" "logged unsigned"
other_root() {
    mkdir -p "$PV/other" &&
    "$PV_BIN" keygen --out "$PV/other" --role root --passphrase-file "$PV/pass" >/dev/null &&
    refused "does not trust" --root "$PV/other/root.pub" --bundle "$PV/mirror/office.bundle"
}
check "a root the bundle does not chain to is refused" "logged other_root"
check "a policy key given as a root is refused" \
    'logged refused "is a policy key" --root "$PV/keys/policy.pub" --bundle "$PV/mirror/office.bundle"'
usage() {
    "$PV_BIN" enrol-disk --help | grep -q "TSR-ENROL" &&
    { "$PV_BIN" enrol-disk "$PV/x.img" >/dev/null 2>&1; [ $? = 2 ]; }
}
check "--help says what the disk is; a usage error exits 2" "logged usage"
[ $fails = 0 ]
