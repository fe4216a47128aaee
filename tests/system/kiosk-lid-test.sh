#!/bin/sh
# tests/system/kiosk-lid-test.sh: the lid and the laptop's hardware keys, in a booted guest.
#
# The guest (kiosk-lid-guest.sh) runs tessera-brokerd with two sim domains and the real kiosk
# on DRM/KMS, with a uinput keyboard that has the brightness and volume keys and a uinput lid
# switch; policy says [power] lid = suspend. The host logs in and picks personal; the guest
# presses brightness up/down, volume up and mute and types a, then closes the lid. Checks: the
# broker keeps the lid switch (never lent to the kiosk) and the kiosk grabbed the keyboard;
# closing the lid locks the session (the kiosk's lock screen, the broker's "lid: closed"); the
# guest sleeps (QMP status "suspended", S3) only after the kiosk's LOCK_SHOWN; after QMP
# system_wakeup the first screendump is the lock screen; the unlock resumes personal, the same
# process, on the desktop again without a pick (its viewer kept across the pause), which then
# records a b after its a; personal recorded exactly the a
# (--record-input): no brightness or volume key reached a domain; with the broker's --sys-root
# on a fake sysfs, the brightness keys step its backlight and the kiosk's top bar gets the fake
# battery's text. Then the broker starts again with [power] blank-after = 10: the kiosk, locked
# and untouched, turns its outputs off (the guest's connector reads "disabled"); the guest opens
# the lid, which lights them again on the lock screen without a key; 10 s later they are off
# again, the SAS only wakes them (the lock screen again, connector "enabled"), and a second SAS
# unlocks.
. "$TSR_SRCDIR/tests/system/lib.sh"
. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-lid 15
probe=$TSR_BUILDDIR/tests/system/tsr-input-probe
kiosk_sim_boot lid-org lid 61300 "Alice Lid" "$SYS_HERE/kiosk-lid-guest.sh" --bin "$probe" \
    --file /usr/share/X11/xkb --bin "$TSR_BUILDDIR/kiosk/tessera-kiosk"
logged() { grep -q "^LOG: $1" "$SYS_OUT.marks"; }
started() {
    screen locked 120 && logged 'tessera-brokerd: .*lid: reading the lid switch' &&
        logged '.*(tsr-laptop-keys) grabbed' && ! logged '.*(tsr-lid) grabbed'
}
sys_check "lid-switch-kept-by-broker: the kiosk starts locked with the keyboard, not the lid" started
session() {
    sys_keys ctrl alt backspace && screen login &&
    sys_type "alice" && sys_keys tab && sys_type "alice-pw" && sys_keys ret && screen picker &&
    sys_keys ret && screen desktop-single-personal 120 &&
    sys_wait '^KEYS-TYPED' 60 >/dev/null && sys_wait '^LID-CLOSED' 60 >/dev/null
}
sys_check "login, personal, hardware keys and a typed, lid closed" session
# The guest sleeps (S3) with its last lines maybe still unsent: first the QMP status, then the
# wake, then what the guest said before it slept.
slept() { "$SYS_TOOL" qmp --timeout 120 --pid "$SYS_QEMU_PID" "$SYS_QMP" status:suspended >/dev/null; }
sys_check "resume-lid-suspends: the guest is suspended (QMP status) after the lid closed" slept
# Woken by QMP, the first picture once the broker is back (its write to power/state returned)
# is the lock screen: no domain pixel. The top bar's notices come and go with time, so they are
# masked.
woke() {
    sys_qmp '{"execute":"system_wakeup"}' >/dev/null &&
        sys_wait '^LOG: tessera-brokerd: info: sleep: woke up' 120 >/dev/null &&
        sys_screendump "$SYS_OUT.woke.png" &&
        sys_compare "$TSR_SRCDIR/tests/reference/kiosk-lid-lock.png" "$SYS_OUT.woke.png" \
            --mask 0,0,1000,29
}
sys_check "resume-first-screen-is-the-lock-screen: the first screendump after system_wakeup" woke
locked() { screen lock 60 && logged 'tessera-brokerd: info: lid: closed (policy: lid = suspend)'; }
sys_check "lid-close-locks: closing the lid locks the session" locked
# The lock screen reached the output and the kiosk said so (LOCK_SHOWN); only then the sleep.
line_of() { grep -n "^LOG: tessera-brokerd: info: $1" "$SYS_OUT.marks" | head -1 | cut -d: -f1; }
acked() {
    shown=$(line_of 'kiosk: the lock screen is on the outputs') &&
        slept=$(line_of 'sleep: locked and paused; suspending') &&
        [ -n "$shown" ] && [ -n "$slept" ] && [ "$shown" -lt "$slept" ]
}
sys_check "resume-sleeps-after-lock-shown: the broker suspended after the kiosk's LOCK_SHOWN" acked
# personal was paused across the sleep with its viewer kept and runs again at the unlock, the
# same process, back on the desktop without a pick (the picker was shown once, at the login):
# what it recorded before the sleep (a) is still there with the b after.
unlocked() {
    sys_keys ctrl alt backspace && screen unlock 60 && sys_type "alice-pw" && sys_keys ret &&
        screen desktop-single-personal 120 2 &&
        [ "$(grep -c '^LOG: .*: screen picker[[:space:]]*$' "$SYS_OUT.marks")" -eq 1 ] &&
        sys_type "b" && sys_wait '^B-TYPED' 60 >/dev/null &&
        logged 'tessera-brokerd: info: domain personal: paused -> running' &&
        ! logged 'tessera-brokerd: info: domain personal: .* -> stopped'
}
sys_check "resume-domain-keeps-its-state: unlock resumes personal, the same process, shown without a pick" unlocked
sys_check "backlight-keys-never-reach-a-domain: personal got exactly the a, then the b" keys_are personal \
    'key 0x1e down key 0x1e up key 0x30 down key 0x30 up '
# Up, up, down: 60, 70, 60, written by the broker (the kiosk only asked).
stepped() {
    sys_wait '^LOG: tessera-brokerd: info: brightness key: backlight now 70' 30 >/dev/null &&
        sys_wait '^LOG: tessera-brokerd: info: brightness key: backlight now 60' 30 2 >/dev/null &&
        sys_wait '^BACKLIGHT ' 30 >/dev/null &&
        [ "$(grep '^BACKLIGHT ' "$SYS_OUT.marks" | tr -d '\r')" = "BACKLIGHT 60" ]
}
sys_check "backlight-keys-step-the-fake-sysfs-backlight: 50 -> 60 -> 70 -> 60" stepped
sys_check "battery-text-in-top-bar: the kiosk shows the fake battery" \
    logged "tessera-kiosk: info: top bar: power 'Battery 73%'"
# The second run: nothing is typed until the outputs are off.
blanked() {
    sys_wait '^LOG: tessera-kiosk: info: locked and idle for 10 s: outputs off' 120 >/dev/null &&
        sys_wait '^DRM-ENABLED disabled' 60 >/dev/null
}
sys_check "blank-after-timeout-outputs-off: locked and untouched 10 s, the connector reads disabled" blanked
# A wake's first picture: the screendump waits for the output's first frame after the guest's
# Nth "enabled" (the mode is set on a black buffer, the redrawn lock screen follows), and it is
# the lock screen. shown_frames N counts the "first frame shown" lines before that "enabled".
shown_frames() {
    awk -v n="$1" '/^DRM-ENABLED enabled/ && ++e == n { exit }
        /^LOG: .*drm: first frame shown/ { c++ } END { print c + 0 }' "$SYS_OUT.marks"
}
lock_screen_after_wake() { # N NAME
    sys_wait '^DRM-ENABLED enabled' 60 "$1" >/dev/null &&
        sys_wait '^LOG: .*drm: first frame shown' 60 $(($(shown_frames "$1") + 1)) >/dev/null &&
        sys_screendump "$SYS_OUT.$2.png" &&
        sys_compare "$TSR_SRCDIR/tests/reference/kiosk-lid-lock.png" "$SYS_OUT.$2.png" \
            --mask 0,0,1000,29
}
# Opening the lid (the guest does once the outputs are off) lights them on the lock screen.
lid_opened() {
    sys_wait '^LOG: tessera-brokerd: info: lid: opened' 60 >/dev/null &&
        sys_wait '^LOG: tessera-kiosk: info: lid opened: outputs back on' 60 >/dev/null &&
        lock_screen_after_wake 1 lid-opened
}
sys_check "lid-open-after-blank-lights-the-lock-screen: no key needed, the lock screen" lid_opened
# Dark again after blank-after, counted from the opening. The SAS wakes the outputs and goes
# nowhere: the lock screen is back (not the unlock screen), and only the next SAS opens the
# unlock screen.
woken() {
    sys_wait '^DRM-ENABLED disabled' 60 2 >/dev/null &&
        sys_keys ctrl alt backspace && lock_screen_after_wake 2 unblanked &&
        sys_keys ctrl alt backspace && screen unlock 60 2
}
sys_check "blank-after-key-wakes-to-the-lock-screen: the first SAS only wakes, the second unlocks" woken
sys_check "guest script ends with status 0" sys_finish
sys_done
