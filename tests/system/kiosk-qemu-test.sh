#!/bin/sh
# tests/system/kiosk-qemu-test.sh: the session end to end with real QEMU guests.
#
# As tests/integration/kiosk-e2e-test.sh, but work and personal are QEMU guests (TCG) booted
# from tools/build-guest-image, whose tessera-guest-hello reports every key and pointer event
# it receives on the serial port (STATE/../run/domains/NAME/serial.log). Through the SPICE
# console: the SAS, login, pick work and personal, type "abc" and click the centre of personal,
# switch with Super+Tab, type "xyz" and click the centre of work, then the SAS from inside
# work. Each guest must report exactly its own keys (and none of the SAS) and its click at the
# centre of its screen.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TSR_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$TSR_BUILDDIR
. "$TSR_SRCDIR/tests/harness/tap.sh"
skip_all() { for i in $(seq 5); do echo "ok $i # SKIP $1"; done; exit 0; }

echo "1..5"
[ "$(id -u)" = 0 ] || skip_all "needs root (the kiosk, console and device models drop privileges)"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86 is missing (tools/install-deps)"

GUEST="$B/tests/system/kiosk-guest"
if ! TSR_BUILDDIR="$B" "$TSR_SRCDIR/tools/build-guest-image" --out "$GUEST" >"$B/tests/system/kiosk-guest.log" 2>&1; then
    sed 's/^/# /' "$B/tests/system/kiosk-guest.log"
    for i in $(seq 5); do echo "not ok $i - the guest image could not be built"; done
    exit 0
fi
CLIENT_TIMEOUT=400
# Each wait of the client: a picked guest boots under TCG before its first frame, which took
# over 30 s on a loaded machine.
export TSR_CLIENT_TIMEOUT_MS=120000
. "$TSR_SRCDIR/tests/integration/kiosk-e2e-lib.sh"
e2e_setup qemu full
serial() { echo "$dir/run/domains/$1/serial.log"; }

cat > "$dir/flow.script" <<EOF
wait-shot $dir/shots locked
chord ctrl+alt+backspace
wait-shot $dir/shots login
type alice
key tab
type alice-pw
key enter
wait-shot $dir/shots picker
# banking, personal, work: pick work
key right
key right
key enter
wait-shot $dir/shots desktop-single-work
click 300 10
wait-shot $dir/shots picker
key left
key enter
wait-shot $dir/shots desktop-single-personal
# the guests read their keyboard and tablet only once they reported them
wait-log $(serial work) 1 Set 2 keyboard
wait-log $(serial work) 1 USB Tablet
wait-log $(serial personal) 1 Set 2 keyboard
wait-log $(serial personal) 1 USB Tablet
type abc
click 512 332
wait-log $(serial personal) 1 key 0x2e up
wait-log $(serial personal) 1 buttons=1
chord super+tab
wait-shot $dir/shots desktop-single-work
type xyz
click 512 332
wait-log $(serial work) 1 key 0x2c up
wait-log $(serial work) 1 buttons=1
chord ctrl+alt+backspace
wait-shot $dir/shots lock
EOF
check "through the console: login, two guests picked, typed into and clicked, SAS locks" "client flow"
for d in personal work; do grep -v '^\[' "$(serial "$d")" 2>/dev/null | sed "s/^/# $d serial: /" | tail -20; done

keys_of() { tr -d '\r' < "$(serial "$1")" | grep '^key ' | tr '\n' ' '; }
check "personal's guest got exactly a b c" \
    "[ \"\$(keys_of personal)\" = 'key 0x1e down key 0x1e up key 0x30 down key 0x30 up key 0x2e down key 0x2e up ' ]"
check "work's guest got exactly x y z: none of the SAS, no Super" \
    "[ \"\$(keys_of work)\" = 'key 0x2d down key 0x2d up key 0x15 down key 0x15 up key 0x2c down key 0x2c up ' ]"
centred() { # the first click is at the centre of the guest's screen, give or take 2
    hello=$(tr -d '\r' < "$(serial "$1")" | grep -m1 '^hello ')
    w=$(echo "$hello" | sed -n 's/.*width=\([0-9]*\).*/\1/p')
    h=$(echo "$hello" | sed -n 's/.*height=\([0-9]*\).*/\1/p')
    click=$(tr -d '\r' < "$(serial "$1")" | grep -m1 'buttons=1')
    [ -n "$click" ] && echo "$click" | awk -v w="$w" -v h="$h" \
        '{ x = $2 - w / 2; y = $3 - h / 2; exit !(w > 0 && x * x <= 4 && y * y <= 4) }'
}
check "each guest saw its click at the centre of its screen" "centred personal && centred work"
check "both guests still run while the session is locked" \
    "ctl domains | grep personal | grep -q running && ctl domains | grep work | grep -q running"
exit 0
