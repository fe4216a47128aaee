#!/bin/sh
# tests/system/vt-test.sh: the kiosk's VT keeps keystrokes away from every console.
#
# tessera-render-demo --vt auto (the kiosk's VT setup) runs on bochs-drm in QEMU. Keys typed on
# the virtio keyboard while it runs, and after it is killed with SIGKILL, must reach neither its
# VT nor the console on tty1 (both held open in raw mode, as a getty or shell would): after each
# phase the first byte those ttys deliver is the next key typed for the probe. A control typed
# before the demo starts does reach tty1, so the probe can see keys. A clean exit (SIGTERM)
# restores text mode and the keyboard and switches back to the console.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start vt 9
sys_initrd --bin "$TSR_BUILDDIR/renderer/tessera-render-demo" \
    --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" --script "$SYS_HERE/vt-guest.sh"

field() { echo "$1" | sed -n "s/.*$2=\\([^ ]*\\).*/\\1/p"; }

sys_check "guest boots" sys_boot
before=$(sys_wait '^BEFORE ')
sys_wait '^READY-CONTROL' >/dev/null && sys_type x
sys_check "control: with no kiosk a typed key reaches the console" sys_wait '^CONTROL-GOT x$'

sys_wait '^DEMO: .*first frame shown' 60 >/dev/null
sys_wait '^STEP-READY KEY_1' >/dev/null && sys_keys 1
kiosk=$(sys_wait '^KIOSK ')
sys_diag "$kiosk"
sys_check "the demo's VT is in front, in graphics mode, keyboard off" \
    test "$(field "$kiosk" kb)/$(field "$kiosk" kd)/$(field "$kiosk" fg)" = \
        "off/graphics/$(field "$kiosk" vt)" -a "$(field "$kiosk" vt)" != 1
sys_wait '^STEP-READY KEY_2' >/dev/null && sys_type abc && sys_keys ret && sys_keys 2
killed=$(sys_wait '^KILLED ')
sys_diag "$killed"
sys_check "after kill -9 the VT stays in graphics mode with the keyboard off" \
    test "$(field "$killed" kb)/$(field "$killed" kd)" = off/graphics
sys_wait '^STEP-READY KEY_3' >/dev/null && sys_type def && sys_keys ret && sys_keys 3
sys_wait '^READY-PROBE-KIOSK-VT' >/dev/null && sys_type z
sys_check "nothing typed during or after the kiosk reached its VT" \
    sys_wait '^KIOSK-VT-FIRST z$'
sys_wait '^READY-PROBE-CONSOLE' >/dev/null && sys_type y
sys_check "nothing typed during or after the kiosk reached the console (tty1)" \
    sys_wait '^CONSOLE-FIRST y$'

sys_wait '^DEMO: .*first frame shown' 60 2 >/dev/null
sys_wait '^STEP-READY KEY_4' >/dev/null && sys_keys 4
clean=$(sys_wait '^CLEAN-EXIT ')
sys_diag "before: $before"
sys_diag "$clean"
sys_check "a clean exit restores text mode and the keyboard mode" \
    test "$(field "$clean" kb)/$(field "$clean" kd)" = "$(field "$before" kb)/text"
sys_check "a clean exit switches back to the console" \
    test "$(field "$clean" fg)" = 1 -a "$(echo "$clean" | cut -d' ' -f2)" = 0
sys_check "guest script ends with status 0" sys_finish
sys_done
