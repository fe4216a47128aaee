#!/bin/sh
# tests/system/guest-debian-test.sh: a real work domain, Debian 12 booted from its own disk.
#
# The template of tools/build-guest-debian runs through the broker on the qemu backend (TCG),
# as deb-bios (firmware = bios, persistent) and as deb-uefi (firmware = uefi, disposable). The
# guest reports on its serial port (doc/templates.md); for each firmware:
#   - it booted its disk through the firmware policy names (GRUB from the BIOS boot partition,
#     or EFI/BOOT/BOOTX64.EFI from the ESP);
#   - its test user's Xorg session came up, with the terminal's shell ready;
#   - through the kiosk (driven over its SPICE console, as a person at remote-viewer would): a
#     click on the terminal lands at the guest pixel the guest reports; keys typed into the
#     terminal run a command whose output reaches the serial port exactly; the kiosk's
#     screenshot shows the guest's own screen (tsr-screen reads it from the guest's X server:
#     independent of our viewer, and no second QMP client beside the broker's);
#   - resize-…: deb-bios has video = virtio: its X session takes the size of its frame in the
#     single layout, then of its tile when tiled (QEMU's virtio-vga takes the kiosk's monitors
#     config; the guest's tsr-follow-mode applies the hotplugged preferred mode);
#   - after a stop and a start, the persistent domain still has the file its first session
#     wrote, the disposable one does not;
#   - preload-…: with preload = true and agent = true (turned on by a reload) the broker boots
#     deb-bios unseen and pauses it when its SPICE agent connects (spice-vdagentd: the OS is
#     up), not at its firmware's first frame; a pick resumes that same device model; pick ->
#     first frame is printed for it and for deb-uefi picked cold (bench/preload compares them).
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
TESTS=17
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
        for d in $(ctl domains | awk '$2 == "running" || $2 == "paused" || $2 == "starting" { print $1 }'); do
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
[kiosk]
sas = Ctrl+Alt+Backspace
idle-lock-seconds = 0
console = full
[power]
blank-after = 0
[laptop-group test]
domains = deb-bios;deb-uefi
groups = staff
POLICY
domain() { # NAME FIRMWARE DISK UID [VIDEO]
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
video = ${5:-std}
DOMAIN
}
domain deb-bios bios persistent 61251 virtio
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

# The kiosk on a headless output, screenshots of each screen in shots/, driven through the
# console (its socket root's).
mkdir -p "$dir/shots"
chmod 777 "$dir/shots"
SHOT_W=1024 SHOT_H=640
kiosk_args() {
    echo --kiosk="$B/kiosk/tessera-kiosk" --kiosk-user=65534:65534 --viewer="$B/viewer/tessera-viewer" \
        --kiosk-arg=--output=headless:${SHOT_W}x$SHOT_H --kiosk-arg=--screenshot-dir="$dir/shots" \
        --console="$B/console/tessera-console" --console-socket="$dir/console.sock"
}
"$B/broker/tessera-brokerd" --state-dir="$dir/state" --run-dir="$dir/run" --policy-dir="$dir/policy" \
    --no-udev --no-usb --accel=tcg --shutdown-timeout=120000 $(kiosk_args) >"$dir/broker.log" 2>&1 &
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

# client NAME: runs the kiosk-spice-client script $dir/NAME.script (its commands: that
# program's header), its output as comments.
client() {
    TSR_CLIENT_TIMEOUT_MS=120000 timeout 600 "$B/tests/integration/kiosk-spice-client" \
        "$dir/console.sock" "$dir/$1.script" >"$dir/$1.out" 2>&1
    rc=$?
    sed 's/^/# /' "$dir/$1.out"
    return $rc
}
# kiosk_login: from the locked screen through the SAS and alice's password to the picker.
kiosk_login() {
    printf '%s\n' "wait-shot $dir/shots locked" "chord ctrl+alt+backspace" \
        "wait-shot $dir/shots login" "type alice" "key tab" "type alice-pw" "key enter" \
        "wait-shot $dir/shots picker" > "$dir/login.script"
    client login
}
# last_shot: the number of the newest screenshot (a wait-shot after it waits for a new one).
last_shot() { ls "$dir/shots" | sed -n 's/^\([0-9]*\)-.*\.png$/\1/p' | sort -n | tail -1; }
# kiosk_pick NAME KEYS...: to the picker (from the desktop, a click on the top bar), the
# picker keys, then NAME's desktop.
kiosk_pick() {
    name=$1; shift
    n0=$(last_shot)
    { if ls "$dir/shots" | grep -q -- '-desktop-'; then
          printf '%s\n' "click 300 10" "wait-shot $dir/shots picker $n0"
      fi
      for k in "$@"; do echo "key $k"; done
      echo "wait-shot $dir/shots desktop-single-$name $n0"; } > "$dir/pick-$name.script"
    client "pick-$name"
}
# guest_mode NAME: the guest's latest screen mode, "W H".
guest_mode() { report "$1" | sed -n 's/^mode \([0-9]*\)x\([0-9]*\)$/\1 \2/p' | tail -1; }
# settle NAME: until the guest's mode has not changed for 10 s (the kiosk asks the guest's
# agent for the size of its frame once the frame settled), at most 120 s.
settle() {
    t=0 same=0 was=$(guest_mode "$1")
    while [ $same -lt 10 ] && [ $t -lt 120 ]; do
        sleep 2; t=$((t + 2))
        now=$(guest_mode "$1")
        if [ "$now" = "$was" ]; then same=$((same + 2)); else same=0 was=$now; fi
    done
    echo "# $1: mode $was"
}
# fresh_shot NAME: a new screenshot of NAME's desktop, through the picker and back (a new
# screen is a new screenshot; the layout and so the guest's mode stay), its file name.
fresh_shot() {
    n0=$(last_shot)
    printf '%s\n' "click 300 10" "wait-shot $dir/shots picker $n0" "key enter" \
        "wait-shot $dir/shots desktop-single-$1 $n0" > "$dir/shot-$1.script"
    client "shot-$1" >/dev/null || return 1
    ls "$dir/shots" | grep -- "-desktop-single-$1.png" | sort -n | tail -1
}
# kiosk_click NAME GX GY: once the guest's mode settled, a screenshot (the one from before
# anything was typed), then the pointer through the kiosk onto guest pixel GX,GY (the
# terminal) and a click there, until the guest reported it. twm gives the focus to the window
# under the pointer once it has seen the pointer enter: a moment for that before any typing.
kiosk_click() {
    settle "$1"
    before=$(fresh_shot "$1") || return 1
    set -- "$1" "$2" "$3" $(guest_mode "$1")
    [ $# = 5 ] || { echo "# $1: no screen mode reported"; return 1; }
    at=$("$B/tests/system/guest-screen-check" point $SHOT_W $SHOT_H "$4" "$5" "$2" "$3") || return 1
    near=$("$B/tests/system/guest-screen-check" point $SHOT_W $SHOT_H "$4" "$5" "$(($2 + 20))" "$(($3 + 20))")
    echo "# $1: guest pixel $2,$3 of $4x$5 is desktop pixel $at"
    printf '%s\n' "move $near" "move $at" "click $at" \
        "wait-log $(serial "$1") 1 tsr-report: click x=" > "$dir/click-$1.script"
    client "click-$1" && sleep 3
}
# kiosk_type NAME: a command typed into the terminal in one burst, whose output is "typed-42"
# on the serial port; tsr-screen reports the guest's screen 3 s after the prompt is back.
kiosk_type() {
    printf '%s\n' 'type echo typed-$((6*7)) >/run/tsr-report; (sleep 3; tsr-screen) &' "key enter" \
        "wait-log $(serial "$1") 1 tsr-report: typed-" \
        "wait-log $(serial "$1") 1 tsr-report: screen-done" > "$dir/type-$1.script"
    client "type-$1"
}
# click_at NAME GX GY: the guest reported its first click, of button 1, within 2 pixels of
# GX,GY.
click_at() {
    report "$1" | grep -m1 '^click ' | sed 's/^/# reported: /'
    report "$1" | grep -m1 '^click ' | awk -v x="$2" -v y="$3" '{
        sub("x=", "", $2); sub("y=", "", $3); dx = $2 - x; dy = $3 - y
        exit !($4 == "button=1" && dx * dx <= 4 && dy * dy <= 4) }'
}
# screen_matches SHOT NAME: guest-screen-check's verdict (0 the same, 1 not, 2 no report) on
# whether SHOT shows NAME's screen as its latest tsr-screen report has it.
screen_matches() {
    line=$(report "$2" | grep '^screen ' | tail -1)
    "$B/tests/system/guest-screen-check" compare "$dir/shots/$1" "$line" > "$dir/cmp.out" 2>&1
    rc=$?
    sed "s/^/# $1: /" "$dir/cmp.out"
    return $rc
}
# shows_guest_screen NAME: a screenshot taken after the guest's tsr-screen report shows that
# screen, and the one taken before the line was typed does not: the comparison tells the two
# apart. A few tries, while the guest's latest frames reach the kiosk.
shows_guest_screen() {
    screen_matches "$before" "$1"
    [ $? = 1 ] || { echo "# the screenshot from before the typed line is not told apart"; return 1; }
    for try in 1 2 3; do
        settle "$1"
        shot=$(fresh_shot "$1") || return 1
        screen_matches "$shot" "$1" && return 0
    done
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
# Through the kiosk, one domain after the other: the picker lists deb-bios, then deb-uefi.
kiosk_login || echo "# the kiosk did not reach its picker"
for fw in bios uefi; do
    name=deb-$fw
    if [ $fw = bios ]; then keys=enter; else keys="right enter"; fi
    if kiosk_pick "$name" $keys && kiosk_click "$name" 100 100 && kiosk_type "$name"; then
        check "$fw-kiosk-click-lands-where-the-guest-reports-it" "click_at $name 100 100"
        check "$fw-keys-typed-through-the-kiosk-run-a-command-in-the-terminal" \
            "report $name | grep -qx 'typed-42'"
        check "$fw-kiosk-screenshot-shows-the-guests-own-screen" "shows_guest_screen $name"
    else
        for t in click keys screenshot; do notok "$fw-kiosk-$t: no desktop, click or typed line"; done
    fi
done
# resize-...: deb-bios has video = virtio, so the kiosk's size request reaches its Debian 12
# (whose spice-vdagentd refuses it) as a display hotplug with that preferred mode, which the
# session's tsr-follow-mode applies. Its frame in single (the desktop under the top bar), then
# in tiled (a tile beside deb-uefi's), as the guest's own X reports them (the frame's border
# takes a few pixels of the output's width: 1016x608 of a 1024x640 output here).
resize_modes() {
    # The picker starts on the focused domain (deb-uefi, picked last); deb-bios is left of it.
    kiosk_pick deb-bios left enter || return 1
    settle deb-bios
    single=$(guest_mode deb-bios)
    n0=$(last_shot)
    printf '%s\n' "chord super+space" "wait-shot $dir/shots desktop-tiled-deb-bios $n0" \
        > "$dir/tiled.script"
    client tiled || return 1
    settle deb-bios
    tiled=$(guest_mode deb-bios)
    echo "# resize: deb-bios single $single, tiled $tiled (output ${SHOT_W}x$SHOT_H)"
}
single="" tiled=""
resize_modes
check "resize-virtio-guest-takes-its-single-frame" \
    "echo $single | awk -v W=$SHOT_W -v H=$SHOT_H '{ exit !(\$1 >= W - 16 && \$1 <= W && \$2 < H && \$2 > H - 80) }'"
check "resize-virtio-guest-takes-its-tile-when-tiled" \
    "echo $single $tiled | awk '{ exit !(NF == 4 && \$3 * \$4 < 0.7 * \$1 * \$2) }'"
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
# preload_part: after the others, both domains stopped. A pick here is `tessera-ctl start` (a
# boot, or a resume of a paused domain) followed by a SPICE client waiting for the first drawn
# frame (domains-spice-check --frame): the figures are printed, not judged; the checks are
# that the preload happened with nobody asking and that the pick resumed it.
dstate() { ctl domains | awk -v d="$1" '$1 == d { print $2 }'; }
dpid() { cat "$dir/state/domains/$1/pid" 2>/dev/null; }
# first_frame NAME: "ctl-start-ms first-frame-ms", or nothing; why not in $dir/frame-NAME.err.
first_frame() {
    t0=$(date +%s%3N)
    ctl start "$1" >"$dir/frame-$1.err" 2>&1 || return 1
    t1=$(date +%s%3N)
    "$B/tests/system/domains-spice-check" "$dir/run/domains/$1/spice.sock" --frame 300 \
        "$dir/first-frame-$1.ppm" >/dev/null 2>>"$dir/frame-$1.err" || return 1
    echo "$((t1 - t0)) $(($(date +%s%3N) - t0))"
}
preload_part() {
    printf 'preload = true\nagent = true\n' >>"$dir/policy/domains/deb-bios.conf"
    ctl reload | sed 's/^/# /'
    t=0
    until [ "$(dstate deb-bios)" = paused ] || [ $t -ge 600 ]; do sleep 1; t=$((t + 1)); done
    echo "# preload: paused after $t s:" \
        "$(grep -o '"event":"domain-preloaded","domain":"deb-bios".*' "$dir/state/audit/audit.log")"
    check "preload-domain-boots-unseen-and-pauses-when-its-agent-connects" \
        "[ \"\$(dstate deb-bios)\" = paused ] &&
         grep -q '\"event\":\"domain-preloaded\",\"domain\":\"deb-bios\".*agent connected' \
             \"\$dir/state/audit/audit.log\""
    pid=$(dpid deb-bios)
    warm=$(first_frame deb-bios)
    cold=$(first_frame deb-uefi)
    for d in deb-bios deb-uefi; do sed "s/^/# pick $d: /" "$dir/frame-$d.err"; done
    echo "# preload: pick -> first frame (ms of tessera-ctl start, ms to the frame):" \
        "cold deb-uefi $cold, preloaded deb-bios $warm"
    check "preload-pick-resumes-the-paused-device-model" \
        "[ -n \"\$warm\" ] && [ -n \"\$pid\" ] && [ \"\$(dpid deb-bios)\" = \"\$pid\" ] &&
         grep -q '\"event\":\"domain-resume\",\"domain\":\"deb-bios\"' \"\$dir/state/audit/audit.log\""
    check "preload-cold-pick-reaches-its-first-frame" "[ -n \"\$cold\" ]"
    # deb-uefi is still in its firmware or boot loader, deaf to the power button: end both.
    for d in deb-bios deb-uefi; do
        p=$(dpid $d)
        [ -n "$p" ] && kill -9 "$p"
    done
    t=0
    until [ "$(dstate deb-bios)" != running ] && [ "$(dstate deb-uefi)" != running ] ||
        [ $t -ge 30 ]; do sleep 1; t=$((t + 1)); done
}
preload_part
echo "# whole test: $(( $(date +%s) - start )) s"
exit 0
