#!/bin/sh
# tests/system/kiosk-input-test.sh: the real kiosk's input in a booted guest.
#
# As in kiosk-drm-test.sh, the guest (bochs-drm, virtio keyboard and tablet) runs tessera-brokerd
# with two sim domains (testdomains), which starts tessera-kiosk as nobody in no group on DRM/KMS
# with the card and evdev devices the broker opened as root and lent it (--kiosk-devices; the
# nodes stay root's 0600), grabbed; the guest also makes a uinput keyboard before the kiosk starts. The host
# types with QMP input-send-event and waits for the kiosk's "screen NAME" log lines (no
# screenshots): keys before the SAS, the SAS, the login, picking personal and typing "abc" (then
# the uinput keyboard types "de"), a click on the top bar, picking work and typing "xyz" (then
# the uinput keyboard types "uv"), Super+Tab to personal and typing "h", the SAS. Checks: each
# testdomain's --record-input holds exactly those keys (no login, hotkey or SAS keys); a second
# reader of the virtio keyboard got nothing while the kiosk ran; a keyboard plugged in while the
# kiosk runs is lent by the broker, grabbed, and let go when it is unplugged; after kill -9 of the kiosk with
# m held down on the uinput keyboard (the broker stopped, so nothing grabs again, then killed:
# its lent fds hold the grab while it lives), the second reader gets the z typed next; the console (tty1) got nothing while the kiosk ran (the first
# byte it reads is typed after the kill) and nothing after the kill either: the broker holds
# tty1 in graphics mode with the keyboard off (--kiosk-vt=1), so the first byte is the q typed
# at the very end, after the guest gave tty1 its keyboard mode back.
. "$TSR_SRCDIR/tests/system/lib.sh"

. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-input 11
kiosk_sim_boot input-org input 61200 "Alice Input" "$SYS_HERE/kiosk-input-guest.sh" \
    --bin "$TSR_BUILDDIR/kiosk/tessera-kiosk" --bin "$TSR_BUILDDIR/tests/system/tsr-input-probe" \
    --file /usr/share/X11/xkb
started() {
    screen locked 120 &&
        grep -q '^LOG: .*(QEMU Virtio Keyboard) grabbed' "$SYS_OUT.marks" &&
        grep -q '^LOG: .*(tsr-guest-keyboard) grabbed' "$SYS_OUT.marks"
}
sys_check "the kiosk starts locked, the virtio and uinput keyboards grabbed" started
hotplug() {
    sys_wait '^LOG: tessera-brokerd: .*lent /dev/input/event[0-9]* \(plugged in\)' 60 >/dev/null &&
        sys_wait '^LOG: .*\(tsr-hotplug-keyboard\) grabbed' 60 >/dev/null &&
        sys_wait '^LOG: .*\(tsr-hotplug-keyboard\) removed' 60 >/dev/null
}
sys_check "a keyboard plugged in while the kiosk runs is lent and grabbed, and let go when unplugged" hotplug
session() {
    sys_type "alice" && sys_keys ret &&            # before the SAS: goes nowhere
    sys_keys ctrl alt backspace && screen login &&
    sys_type "alice" && sys_keys tab && sys_type "alice-pw" && sys_keys ret && screen picker &&
    sys_keys ret && screen desktop-single-personal 120 &&
    sys_type "abc" && sys_wait '^UINPUT-PERSONAL' 60 >/dev/null &&
    sys_pointer 16000 100 left && screen picker 60 2 &&
    sys_keys right && sys_keys ret && screen desktop-single-work 120 &&
    sys_type "xyz" && sys_wait '^UINPUT-WORK' 60 >/dev/null &&
    sys_keys meta_l tab && screen desktop-single-personal 60 2 &&
    sys_type "h" &&
    sys_keys ctrl alt backspace && screen lock
}
sys_check "SAS, login, personal: abc + uinput de, work: xyz + uinput uv, Super+Tab, h, SAS" session
killed() { sys_wait '^KIOSK-KILLED' 60 >/dev/null && sys_type "z"; }
sys_check "kiosk killed with SIGKILL while m is held on the uinput keyboard" killed
second() {
    sys_wait '^SECOND-READER' 60 >/dev/null &&
        grep '^SECOND-READER' "$SYS_OUT.marks" | tr -d '\r' | grep -qx 'SECOND-READER key KEY_Z down '
}
sys_check "a second reader of the keyboard got nothing while the kiosk ran, then the z" second
sys_check "personal got exactly a b c, d e (uinput), h" keys_are personal \
    'key 0x1e down key 0x1e up key 0x30 down key 0x30 up key 0x2e down key 0x2e up key 0x20 down key 0x20 up key 0x12 down key 0x12 up key 0x23 down key 0x23 up '
sys_check "work got exactly x y z, u v (uinput): no login, hotkey or SAS keys" keys_are work \
    'key 0x2d down key 0x2d up key 0x15 down key 0x15 up key 0x2c down key 0x2c up key 0x16 down key 0x16 up key 0x2f down key 0x2f up '
# The first byte tty1 reads: nothing typed while the kiosk ran may come before the z (typed after
# the kill) or the q (typed last); if nothing leaked after the kill either, it is the q.
tty_first() { grep '^TTY-READ' "$SYS_OUT.marks" | tr -d '\r' | sed 's/^TTY-READ //'; }
# When tty1 already read a byte, the guest does not wait for the q and may be powering off while
# it is typed (QMP gone): only a missing TTY-READ counts.
typed_q() {
    sys_wait '^READY-Q' 60 >/dev/null || return 1
    sys_type "q" 2>/dev/null || :
    sys_wait '^TTY-READ' 60 >/dev/null
}
quiet_while_running() {
    typed_q || return 1
    case "$(tty_first)" in z | q) return 0 ;; esac
    sys_diag "tty1 read first: $(tty_first)"
    return 1
}
sys_check "the console got nothing while the kiosk ran" quiet_while_running
# The grab lives in the broker's lent fds and ends with the broker; what keeps the z off the
# console after both are gone is the VT the broker left in graphics mode with the keyboard off
# (--kiosk-vt). The guest gives tty1 its
# keyboard back only before the q, so a z here means the console got a key after the kill.
SYS_N=$((SYS_N + 1))
if [ "$(tty_first)" = q ]; then
    echo "ok $SYS_N - the console got nothing after kill -9 of the kiosk either"
else
    sys_diag "tty1 read first: $(tty_first) (typed after the kill)"
    echo "not ok $SYS_N - the console got nothing after kill -9 of the kiosk either"
fi
sys_check "guest script ends with status 0" sys_finish
sys_done
