#!/bin/sh
# tests/system/harness-test.sh: proves the system-test harness itself on a booted guest: the
# devices other system tests rely on exist (bochs-drm card, virtio keyboard and tablet, uinput),
# keys and pointer events sent over QMP arrive at the guest's evdev devices, screendump gives a
# PNG of the display, the image compare rejects a different picture, QMP errors are reported,
# a QEMU that stopped (SIGSTOP) makes each QMP call give up within its --timeout, also once
# the socket's backlog is full, and the guest powers off by itself when its script ends.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start harness 10
sys_initrd --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
    --script "$SYS_HERE/harness-guest.sh"

sys_check "guest boots and marks TSR-BOOTED" sys_boot
sys_check "guest has the bochs-drm card, keyboard, tablet and uinput" sys_wait '^DEVICES-OK'
sys_wait '^READY-KEYS' >/dev/null
sys_wait '^READY-TABLET' >/dev/null
keys_ok() {
    sys_type "hi" && sys_keys shift a && sys_wait '^KEYS-SEEN KEY_A' 30 >/dev/null
}
sys_check "QMP keys reach the guest's virtio keyboard" keys_ok
tablet_ok() {
    sys_pointer 16384 16384 left && sys_wait '^TABLET-SEEN' 30 >/dev/null
}
sys_check "QMP pointer clicks reach the guest's virtio tablet" tablet_ok
shot_ok() {
    sys_screendump "$SYS_OUT.shot.png" && file "$SYS_OUT.shot.png" | grep -q 'PNG image data'
}
sys_check "screendump writes a PNG of the guest display" shot_ok
sys_check "compare accepts an identical image" \
    "$SYS_TOOL" compare "$SYS_OUT.shot.png" "$SYS_OUT.shot.png"
differs() {
    # No guest screen is all white: an all-white image of the same size must be rejected.
    size=$(file "$SYS_OUT.shot.png" | sed -n 's/.*PNG image data, \([0-9]*\) x \([0-9]*\),.*/\1 \2/p')
    "$SYS_TOOL" solid $size ffffff "$SYS_OUT.white.png" &&
        ! "$SYS_TOOL" compare --diff "$SYS_OUT.white.diff.png" "$SYS_OUT.white.png" "$SYS_OUT.shot.png"
}
sys_check "compare rejects a different image" differs
sys_check "QMP reports an unknown command as an error" \
    sh -c '! "$0" qmp "$1" "{\"execute\":\"no-such-command\"}" 2>/dev/null' "$SYS_TOOL" "$SYS_QMP"
# A QEMU whose main loop stands still accepts no connection: the calls that gave up stay in
# the socket's backlog (two fit), and a blocking connect would then wait for ever. Each call
# gives up after its 2 s, the third on the full backlog; once QEMU runs on, QMP answers again.
stopped_qmp_bounded() {
    kill -STOP "$SYS_QEMU_PID" || return 1
    _ok=yes
    for _i in 1 2 3; do
        _t0=$(date +%s)
        timeout 20 "$SYS_TOOL" qmp --timeout 2 "$SYS_QMP" '{"execute":"query-status"}' \
            >/dev/null 2>"$SYS_OUT.stopped-qmp" && _ok=no
        _took=$(( $(date +%s) - _t0 ))
        sys_diag "QMP call $_i to the stopped QEMU: $_took s, $(cat "$SYS_OUT.stopped-qmp")"
        [ "$_took" -le 4 ] || _ok=no
    done
    kill -CONT "$SYS_QEMU_PID" || return 1
    [ "$_ok" = yes ] && grep -q 'accepts no connection' "$SYS_OUT.stopped-qmp" &&
        sys_qmp '{"execute":"query-status"}' >/dev/null
}
sys_check "QMP calls to a stopped QEMU give up within their timeout" stopped_qmp_bounded
sys_wait '^READY-QUIT' >/dev/null
sys_keys q
sys_check "guest script ends with status 0 and QEMU exits" sys_finish
sys_done
