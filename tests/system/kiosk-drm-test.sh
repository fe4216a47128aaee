#!/bin/sh
# tests/system/kiosk-drm-test.sh: the session on real DRM/KMS and evdev in a booted guest.
#
# The guest (bochs-drm, virtio keyboard and tablet) runs tessera-brokerd with two sim domains
# (testdomains) and tessera-kiosk on DRM, grabbing evdev; the host types with QMP
# input-send-event and compares QEMU screendumps with tests/reference/kiosk-drm-*.png: the
# locked screen, the SAS then a wrong and the right password, the picker, picking personal, a
# click on the top bar back to the picker, picking work and typing "xyz", Super+Tab to personal
# and typing "abc", the SAS inside personal, then the SAS on the lock screen (only after its
# screendump: the guest stops the domains once it sees the unlock screen). Each testdomain's
# recorded input must hold exactly its own keys, none of the SAS. Frame pacing: the kiosk's
# "display pacing" line at the lock says each damage was shown by the next flip.
. "$TSR_SRCDIR/tests/system/lib.sh"
. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-drm 12
kiosk_sim_boot drm-org drm 61400 "Alice DRM" "$SYS_HERE/kiosk-drm-guest.sh" \
    --bin "$TSR_BUILDDIR/kiosk/tessera-kiosk" --bin "$TSR_BUILDDIR/broker/tessera-ctl" \
    --file /usr/share/X11/xkb
shot() { # NAME REF: the screendump matches tests/reference/REF.png
    sys_screendump "$SYS_OUT.$1.png" && sys_compare "$TSR_SRCDIR/tests/reference/$2.png" "$SYS_OUT.$1.png"
}
locked() { screen locked 120 && shot locked kiosk-drm-locked; }
sys_check "the kiosk starts locked on DRM and the screen matches" locked
login() {
    sys_type "alice" && sys_keys ret &&            # before the SAS: goes nowhere
    sys_keys ctrl alt backspace && screen login &&
    sys_type "alice" && sys_keys tab && sys_type "wrong" && sys_keys ret && screen login-error &&
    shot login-error kiosk-drm-login-wrong &&
    sys_type "alice-pw" && sys_keys ret && screen picker
}
sys_check "SAS, a wrong then the right password (screen matches)" login
sys_check "the picker matches" shot picker kiosk-drm-picker
# personal, work: pick personal; top bar; pick work, type at once (the kiosk shows a domain
# only once its viewer can take input); Super+Tab to personal, type; SAS inside personal.
domains() {
    sys_keys ret && screen desktop-single-personal 120 &&
    sys_pointer 16000 100 left && screen picker 60 2 &&
    sys_keys right && sys_keys ret && screen desktop-single-work 120 &&
    sys_type "xyz" &&
    sys_keys meta_l tab && screen desktop-single-personal 60 2 &&
    sys_type "abc" &&
    sys_keys ctrl alt backspace && screen lock
}
sys_check "pick, back to the picker, pick, type, Super+Tab, type, SAS locks" domains
sys_check "the lock screen matches" shot lock kiosk-drm-lock
# Pacing: every damage (the domains' frames, typing, the pointer) was composed for the flip after
# the one in flight when it came, never the one after that.
paced() {
    line=$(sys_wait '^LOG: .*display pacing: ' 30 2) || return 1
    sys_diag "$line"
    next=$(echo "$line" | sed -n 's/.*pacing: \([0-9]*\) damages.*/\1/p')
    later=$(echo "$line" | sed -n 's/.*flip, \([0-9]*\) later.*/\1/p')
    test "${next:-0}" -gt 0 -a "${later:-1}" -eq 0
}
sys_check "each damage is shown by the next flip" paced
# The go-ahead for the guest to stop the domains, sent only after the screendump above.
unlock_asked() { sys_keys ctrl alt backspace && screen unlock 60; }
sys_check "the SAS on the lock screen asks for the password" unlock_asked
input_end() { sys_wait '^INPUT-END' 60 >/dev/null; }
sys_check "the domains' recorded input arrived" input_end
keys_of() { grep "^INPUT $1 key " "$SYS_OUT.marks" | tr -d '\r' | cut -d' ' -f3- | tr '\n' ' '; }
keys_are() { # DOMAIN WANT
    [ "$(keys_of "$1")" = "$2" ] && return 0
    sys_diag "$1 got: $(keys_of "$1")"
    return 1
}
sys_check "personal got exactly a b c, none of the SAS" keys_are personal \
    'key 0x1e down key 0x1e up key 0x30 down key 0x30 up key 0x2e down key 0x2e up '
sys_check "work got exactly x y z, no Super" keys_are work \
    'key 0x2d down key 0x2d up key 0x15 down key 0x15 up key 0x2c down key 0x2c up ' 
sys_check "guest script ends with status 0" sys_finish
sys_done
