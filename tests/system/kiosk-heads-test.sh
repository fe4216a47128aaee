#!/bin/sh
# tests/system/kiosk-heads-test.sh: the kiosk on two heads of a virtio-gpu (DRM/KMS, evdev).
#
# The guest (kiosk-heads-guest.sh) runs tessera-brokerd with two sim domains and lends the kiosk
# card1, a virtio-gpu with two outputs: Virtual-2 (1280x800) and Virtual-3 (1024x768 from the
# kernel command line), in one row. The host takes QMP screendumps of each head (heads-shot-check
# looks for the test domains' band of colour bars) and drives the virtio tablet and keyboard:
# both heads show the locked screen; after login personal is picked with the pointer on the
# left head and work from the right head's top bar, so each head shows its domain; a click in
# each head's domain lands in that domain (the testdomains' --record-input: exactly one click
# each, a press as the position with the button and the button); Super+Shift+Left moves the focused work to the left head and its guest is asked for the
# new frame's size; Super+Shift+Right moves it back, the guest unplugs Virtual-3 (sysfs) and work
# comes to Virtual-2 with its pixels and the focus (a typed a reaches work); Super+Shift+Left (no
# output further left) makes the guest plug Virtual-3 back and work goes home to it;
# Super+Shift+Right (none further right) makes the guest unplug both heads, and once the kiosk
# has no output plug Virtual-3 back alone: the whole desktop comes to it, work with its pixels.
# Locked, the guest plugs Virtual-2 back and reloads policy with [outputs] mode = mirror: after
# the unlock Virtual-3 (the smaller) shows work, and Virtual-2 exactly the same pixels, centred
# on black.
. "$TSR_SRCDIR/tests/system/lib.sh"
. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-heads 16
SYS_APPEND="video=Virtual-3:1024x768"
KIOSK_SIM_QEMU="-device virtio-gpu-pci,max_outputs=2,id=gpu1"
kiosk_sim_boot drm-org heads 61500 "Alice Heads" "$SYS_HERE/kiosk-heads-guest.sh" \
    --bin "$TSR_BUILDDIR/kiosk/tessera-kiosk" --file /usr/share/X11/xkb --module virtio_gpu
check="$TSR_BUILDDIR/tests/system/heads-shot-check"
logged() { sys_wait "^LOG: .*$1" "${2:-60}" "${3:-1}" >/dev/null; }
# seen REGEX: how many kiosk log lines match so far; next_shown HEAD TEXT N: wait for the Nth
# "outputs: HEAD shows TEXT", the first frame of HEAD after domains came or went.
seen() { grep -c "^LOG: .*$1" "$SYS_OUT.marks"; }
next_shown() { logged "outputs: $1 shows $2\$" 30 "$3"; }
# head N NAME bars|none [COLOUR]: screendump of virtio-gpu output N checked for a domain's
# pixels (and its label colour: work is red, personal green).
head() {
    _n=$1 _shot="$SYS_OUT.$2.png"
    shift 2
    rm -f "$_shot"
    sys_qmp "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$_shot\",\"device\":\"gpu1\",\"head\":$_n,\"format\":\"png\"}}" \
        >/dev/null && [ -s "$_shot" ] && "$check" "$_shot" "$@" | sed 's/^/# /' &&
        "$check" "$_shot" "$@" >/dev/null
}
# head_within SECONDS N NAME ...: head, tried again once a second while it fails. After every
# scanout was off, QEMU's virtio-gpu showed the re-enabled head's picture up to 2 s after the
# kiosk's page flip completed (black before; seen at load 10), and no event says when.
head_within() {
    _t=$1
    shift
    while ! head "$@" >/dev/null; do
        _t=$((_t - 1))
        [ "$_t" -gt 0 ] || { head "$@"; return; }
        sleep 1
    done
    head "$@"
}
# The tablet's 0..32767 spans the whole row of outputs.
W=0
at() { # DESKTOP_X DESKTOP_Y [BUTTON]
    sys_pointer $(($1 * 32767 / W)) $(($2 * 32767 / 800)) ${3:-}
}
row_ok() {
    _m=$(sys_wait '^LOG: .*outputs: Virtual-2 1280x800\+0, Virtual-3 [0-9]*x[0-9]*\+1280' 120) &&
        sys_diag "$_m" && W=$((1280 + $(echo "$_m" | sed -n 's/.*Virtual-3 \([0-9]*\)x.*/\1/p'))) &&
        [ "$W" -gt 1280 ]
}
sys_check "two-head-outputs-in-a-row: both connectors, Virtual-2 then Virtual-3" row_ok
# The left head is the same 1280x800 locked screen as kiosk-drm-test's; the right one has its own.
locked() {
    screen locked 120 && head 0 locked-0 none && head 1 locked-1 none &&
        sys_compare "$TSR_SRCDIR/tests/reference/kiosk-drm-locked.png" "$SYS_OUT.locked-0.png" &&
        sys_compare "$TSR_SRCDIR/tests/reference/kiosk-heads-locked-right.png" "$SYS_OUT.locked-1.png"
}
sys_check "two-head-locked-screen-on-both: a top bar and the locked screen on each head" locked
two_domains() {
    sys_keys ctrl alt backspace && screen login &&
        sys_type "alice" && sys_keys tab && sys_type "alice-pw" && sys_keys ret && screen picker &&
        at 300 400 && sys_keys ret && screen desktop-single-personal 120 &&
        at $((1280 + 300)) 2 left && screen picker 60 2 &&
        sys_keys right && sys_keys ret && screen desktop-single-work 120
}
sys_check "two-head: personal picked on the left head, work on the right one" two_domains
shown() { head 0 desktop-0 bars green && head 1 desktop-1 bars red; }
sys_check "two-head-domain-on-each-head: each head shows its domain's pixels" shown
crossing() {
    at 640 500 left && screen desktop-single-personal 60 2 &&
        at $((1280 + 512)) 500 left && screen desktop-single-work 60 2
}
sys_check "two-head-pointer-crossing: a click on each head focuses the domain shown there" crossing
# After the move work is asked for a frame on the wider Virtual-2 (whether it was asked for its
# Virtual-3 frame before depends on when its viewer connected, so only the wider one counts).
asked_left() {
    _m=$(sys_wait '^LOG: .*asking work for 1[1-9][0-9][0-9]x' 30) && sys_diag "$_m"
}
moved() {
    _l=$(seen 'Virtual-2 shows personal, work') _r=$(seen 'Virtual-3 shows no domain')
    sys_keys meta_l shift left && logged 'outputs: work moved left' &&
        next_shown Virtual-2 'personal, work' $((_l + 1)) &&
        next_shown Virtual-3 'no domain' $((_r + 1)) &&
        asked_left && head 0 moved-0 bars red && head 1 moved-1 none
}
sys_check "two-head-move-hotkey: Super+Shift+Left moves work to the left head, asked its size" moved
unplugged() {
    _l=$(seen 'Virtual-2 shows personal, work')
    sys_keys meta_l shift right && logged 'outputs: work moved right' &&
        sys_wait '^PLUG off' 30 >/dev/null && logged 'outputs: Virtual-2 1280x800\+0$' 30 &&
        logged 'outputs: work is shown on Virtual-2' 30 2 &&
        next_shown Virtual-2 'personal, work' $((_l + 1)) &&
        head 0 unplugged-0 bars red &&
        sys_type a
}
sys_check "hotplug-unplug: work comes to the remaining head with its pixels" unplugged
replugged() {
    _w=$(seen 'Virtual-3 shows work')
    sys_keys meta_l shift left && logged 'outputs: work cannot move left' &&
        sys_wait '^PLUG on' 30 2 >/dev/null &&
        logged 'outputs: work is shown on Virtual-3' 30 2 &&
        next_shown Virtual-3 work $((_w + 1)) && head 1 replugged-1 bars red
}
sys_check "hotplug-replug: work goes home to Virtual-3" replugged
zero_and_back() {
    _w=$(seen 'Virtual-3 shows ')
    sys_keys meta_l shift right && logged 'outputs: work cannot move right' &&
        sys_wait '^PLUG none' 30 >/dev/null && logged 'outputs: none connected$' 30 &&
        sys_wait '^PLUG on' 30 3 >/dev/null && logged 'outputs: Virtual-3 [0-9]*x[0-9]*\+0$' 30 &&
        next_shown Virtual-3 '.*' $((_w + 1)) && head_within 10 1 back-1 bars red
}
sys_check "hotplug-zero-outputs-and-back: both heads unplugged, Virtual-3 back shows work" \
    zero_and_back
sys_check "the SAS locks the screen" sys_keys ctrl alt backspace
mirrored() {
    _d=$(seen ': screen desktop-single-work[[:space:]]*$') _u=$(seen ': screen unlock[[:space:]]*$')
    logged 'outputs: Virtual-3 1024x768\+0, mirrored on Virtual-2$' 60 &&
        sys_keys ctrl alt backspace && screen unlock 60 $((_u + 1)) && sys_type "alice-pw" &&
        sys_keys ret && screen desktop-single-work 60 $((_d + 1)) &&
        head 1 mirror-1 bars red && head 0 mirror-0 centred "$SYS_OUT.mirror-1.png"
}
sys_check "two-head-mirror-same-desktop-on-both: Virtual-2 shows Virtual-3's work pixels centred" \
    mirrored
sys_check "the SAS locks the mirrored screen" sys_keys ctrl alt backspace
sys_check "hotplug-focus-kept: work got exactly the a typed after the unplug" keys_are work \
    'pointer buttons=1 pointer buttons=1 key 0x1e down key 0x1e up '
sys_check "two-head-pointer-crossing: personal got exactly its own click" keys_are personal \
    'pointer buttons=1 pointer buttons=1 '
sys_check "guest script ends with status 0" sys_finish
sys_done
