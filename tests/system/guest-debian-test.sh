#!/bin/sh
# tests/system/guest-debian-test.sh: a real work domain, Debian 12 booted from its own disk.
#
# The template of tools/build-guest-debian runs through the broker on the qemu backend (TCG),
# as deb-bios (firmware = bios, persistent) and as deb-uefi (firmware = uefi, disposable). The
# guest reports on its serial port (doc/templates.md); for each firmware:
#   - it booted its disk through the firmware policy names (GRUB from the BIOS boot partition,
#     or EFI/BOOT/BOOTX64.EFI from the ESP);
#   - its test user's Xorg session came up, with the terminal's shell ready;
#   - after a stop and a start, the persistent domain still has the file its first session
#     wrote, the disposable one does not.
# Slow (four boots of Debian and Xorg under TCG, two at a time): make check-guest-debian,
# through check-extra, with a time bound.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TSR_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$TSR_BUILDDIR
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
TESTS=6
echo "1..$TESTS"
fail_all() { while [ $n -lt $TESTS ]; do notok "$1"; done; exit 0; }
[ "$(id -u)" = 0 ] || fail_all "needs root (the broker and the device models)"

GUEST="$B/tests/system/guest-debian"
start=$(date +%s)
if ! "$TSR_SRCDIR/tools/build-guest-debian" --out "$GUEST" >"$B/tests/system/guest-debian.log" 2>&1; then
    sed 's/^/# /' "$B/tests/system/guest-debian.log" | tail -30
    fail_all "the Debian template could not be built"
fi
echo "# template ready after $(( $(date +%s) - start )) s"

# Under /var/tmp: what other tests sweep from /tmp must not take a running domain's files.
dir=$(mktemp -d /var/tmp/tsr-guest-debian-XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir/policy/domains" "$dir/run" "$dir/state/templates"
broker_pid=""
ctl() { "$B/broker/tessera-ctl" --socket "$dir/run/control.sock" --timeout 120 "$@"; }
cleanup() {
    if [ -n "$broker_pid" ]; then
        for d in $(ctl domains | awk '$2 == "running" || $2 == "starting" { print $1 }'); do
            ctl stop "$d" 2>&1 | sed "s/^/# cleanup: /"
        done
        kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null
    fi
    if [ "$fails" = 0 ] && [ -z "${TSR_KEEP:-}" ]; then rm -rf "$dir"; else echo "# kept $dir for a look"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

printf 'alice-pw\n' > "$dir/pw"
hash=$("$B/provisioning/tessera-provision" passwd --password-file "$dir/pw")
cat > "$dir/policy/policy.conf" <<POLICY
[policy]
organization = debian-org
[laptop-group test]
domains = deb-bios;deb-uefi
groups = staff
POLICY
domain() { # NAME FIRMWARE DISK UID
    cat > "$dir/policy/domains/$1.conf" <<DOMAIN
[domain $1]
colour = purple
backend = qemu
memory-mib = 1024
vcpus = 1
template = debian-12
firmware = $2
disk = $3
network = none
groups = staff
device-model-uid = $4
device-model-gid = $4
viewer-uid = $(($4 + 100))
viewer-gid = $(($4 + 100))
DOMAIN
}
domain deb-bios bios persistent 61251
domain deb-uefi uefi disposable 61252
printf '[user alice]\npassword = %s\ngroups = staff\n' "$hash" > "$dir/policy/users.conf"
printf '[group staff]\ndescription = Staff\n' > "$dir/policy/groups.conf"
: > "$dir/policy/devices.conf"
set -- $(grep '^debian-12.qcow2 ' "$GUEST/manifest")
printf '[template debian-12]\nfile = debian-12.qcow2\nformat = qcow2\nsha256 = %s\nsize = %s\n' \
    "$3" "$2" > "$dir/policy/templates.conf"
# A copy: the backend refuses to follow a symlink to a template.
cp "$GUEST/debian-12.qcow2" "$dir/state/templates/debian-12.qcow2"
chmod 644 "$dir/state/templates/debian-12.qcow2"

"$B/broker/tessera-brokerd" --state-dir="$dir/state" --run-dir="$dir/run" --policy-dir="$dir/policy" \
    --no-udev --no-usb --no-kiosk --accel=tcg --shutdown-timeout=120000 >"$dir/broker.log" 2>&1 &
broker_pid=$!
t=0
until [ -S "$dir/run/control.sock" ] || [ $t -ge 60 ]; do sleep 1; t=$((t + 1)); done

serial() { echo "$dir/run/domains/$1/serial.log"; }
report() { cat "$(serial "$1")" 2>/dev/null | tr -d '\r' | sed -n 's/^.*tsr-report: //p'; }
# wait_report NAME LINE SECONDS: until the guest reported LINE (a prefix) on its serial port.
wait_report() {
    t=0
    while [ $t -lt "$3" ]; do
        report "$1" | grep -q -- "^$2" && return 0
        sleep 2; t=$((t + 2))
    done
    echo "# $1: no '$2' on the serial port within $3 s"
    cat "$(serial "$1")" 2>/dev/null | tr -d '\r' | grep -av '^$' | tail -15 | sed "s/^/# $1 serial: /"
    return 1
}

# Both domains at once (two cores): start, session, stop, start again, session.
t0=$(date +%s)
for fw in bios uefi; do ctl start "deb-$fw" | sed 's/^/# /'; done
for fw in bios uefi; do
    name=deb-$fw
    wait_report "$name" "terminal-ready" 600
    echo "# $name: Xorg session up $(( $(date +%s) - t0 )) s after the starts"
    check "$fw-boots-its-disk-through-the-firmware-policy-names" \
        "report $name | grep -qx 'boot firmware=$fw'"
    check "$fw-xorg-session-of-the-test-user-comes-up" \
        "wait_report $name 'session-start marker=no' 60 && wait_report $name 'mode ' 60"
done
t0=$(date +%s)
for fw in bios uefi; do ctl stop "deb-$fw" | sed 's/^/# /'; done
for fw in bios uefi; do ctl start "deb-$fw" | sed 's/^/# /'; done
for fw in bios uefi; do
    wait_report "deb-$fw" "session-start" 600
    echo "# deb-$fw: stopped and started again, session up $(( $(date +%s) - t0 )) s later"
done
check "bios-persistent-domain-keeps-what-its-session-wrote" \
    "report deb-bios | grep -qx 'session-start marker=yes'"
check "uefi-disposable-domain-forgets-what-its-session-wrote" \
    "report deb-uefi | grep -qx 'session-start marker=no'"
for fw in bios uefi; do ctl stop "deb-$fw" | sed 's/^/# /'; done
echo "# whole test: $(( $(date +%s) - start )) s"
exit 0
