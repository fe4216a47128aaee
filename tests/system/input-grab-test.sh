#!/bin/sh
# tests/system/input-grab-test.sh: the input stack in a booted guest. tsr-input-probe grabs the
# virtio keyboard and tablet (and a uinput keyboard made later) and routes them to two pretend
# domains; the host types over QMP. Checks: each domain gets exactly the scancodes typed while it
# had focus; Super+2, a click and the SAS are consumed; a uinput keyboard plugged in while running
# is grabbed, and unplugged with a key down leaves that key released exactly once; a second
# reader of the keyboard gets nothing while the grab holds; after kill -9 of the probe mid-key
# the console (tty1) still gets nothing, while the second reader then does.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start input-grab 9
sys_initrd --bin "$TSR_BUILDDIR/tests/system/tsr-input-probe" \
    --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
    --script "$SYS_HERE/input-grab-guest.sh"

sys_check "guest boots" sys_boot
sys_check "probe grabs the keyboard and the tablet" sys_wait '^PROBE-READY [2-9]' 60

# The stream the two domains must see, in order; motion is not reported by the probe.
routed() {
    sys_type "ab" &&
    sys_keys meta_l 2 &&
    sys_type "cd" &&
    sys_pointer 8192 16384 left &&
    sys_wait '^BUTTON 0 1 up' 30 >/dev/null &&
    sys_keys ctrl alt backspace &&
    sys_wait '^UINPUT-DONE' 30 >/dev/null || return 1
    got=$(grep -E '^(KEY|BUTTON|ACTION|KIOSK-KEY)' "$SYS_OUT.marks" | tr -d '\r' | tr '\n' '|')
    want='KEY 0 0x1e down|KEY 0 0x1e up|KEY 0 0x30 down|KEY 0 0x30 up|ACTION focus-slot 2|'
    want="${want}KEY 1 0x2e down|KEY 1 0x2e up|KEY 1 0x20 down|KEY 1 0x20 up|"
    want="${want}ACTION focus-domain 0|BUTTON 0 1 down 1|BUTTON 0 1 up 0|ACTION sas 0|"
    want="${want}KEY 0 0x2d down|KEY 0 0x2d up|KEY 0 0x15 down|KEY 0 0x15 up|"
    [ "$got" = "$want" ] && return 0
    sys_diag "got:  $got"
    sys_diag "want: $want"
    return 1
}
sys_check "each domain gets exactly its keys; hotkeys, click and SAS consumed" routed
sys_check "uinput keyboard plugged in while running is grabbed" \
    grep -q "^DEVICE-ADDED .* tessera-probe-uinput" "$SYS_OUT.marks"
sys_check "uinput keyboard unplugged mid-key is removed" \
    grep -q "^DEVICE-REMOVED .* tessera-probe-uinput" "$SYS_OUT.marks"

# Kill mid-typing: m goes down (the probe SIGKILLs itself on it), then comes up, then z.
killed() {
    sys_input "$(sys_keyev m true)" &&
    sys_wait '^PROBE-KILLED' 30 >/dev/null &&
    sys_input "$(sys_keyev m false)" &&
    sys_type "z"
}
sys_check "probe killed with SIGKILL while m is down" killed
# (marks end in \r\n on the serial line)
second() {
    sys_wait '^SECOND-READER' 30 >/dev/null &&
        grep '^SECOND-READER' "$SYS_OUT.marks" | tr -d '\r' | grep -qx 'SECOND-READER key KEY_Z down '
}
sys_check "second reader saw only the z typed after the kill" second
console() {
    sys_wait '^READY-Q' 30 >/dev/null && sys_type "q" && sys_wait '^TTY-READ' 30 >/dev/null &&
        grep '^TTY-READ' "$SYS_OUT.marks" | tr -d '\r' | grep -qx 'TTY-READ q'
}
sys_check "console got nothing before its keyboard was turned back on" console
sys_check "guest script ends with status 0" sys_finish
sys_done
