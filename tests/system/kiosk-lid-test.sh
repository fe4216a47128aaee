#!/bin/sh
# tests/system/kiosk-lid-test.sh: the lid and the laptop's hardware keys, in a booted guest.
#
# The guest (kiosk-lid-guest.sh) runs tessera-brokerd with two sim domains and the real kiosk
# on DRM/KMS, with a uinput keyboard that has the brightness and volume keys and a uinput lid
# switch. The host logs in and picks personal; the guest presses brightness up/down, volume up
# and mute and types a, then closes the lid. Checks: the broker keeps the lid switch (never lent
# to the kiosk) and the kiosk grabbed the keyboard; closing the lid locks the session (the
# kiosk's lock screen, the broker's "lid: closed", the kiosk's LOCK_SHOWN); personal recorded exactly the a
# (--record-input): no brightness or volume key reached a domain; with the broker's --sys-root
# on a fake sysfs, the brightness keys step its backlight and the kiosk's top bar gets the fake
# battery's text.
. "$TSR_SRCDIR/tests/system/lib.sh"
. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-lid 9
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
locked() { screen lock 60 && logged 'tessera-brokerd: info: lid: closed (policy: lid = lock)'; }
sys_check "lid-close-locks: closing the lid locks the session" locked
# The lock screen reached the output and the kiosk said so (LOCK_SHOWN): a suspend waits for it.
acked() { sys_wait '^LOG: tessera-brokerd: info: kiosk: the lock screen is on the outputs' 30 >/dev/null; }
sys_check "lid-lock-screen-acknowledged: the kiosk tells the broker its lock screen is shown" acked
sys_check "backlight-keys-never-reach-a-domain: personal got exactly the a" keys_are personal \
    'key 0x1e down key 0x1e up '
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
sys_check "guest script ends with status 0" sys_finish
sys_done
