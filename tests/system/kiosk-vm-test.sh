#!/bin/sh
# tests/system/kiosk-vm-test.sh: a real VM through the whole display path. QEMU (TCG, std VGA
# with bochs-drm in the guest, SPICE on a unix socket) boots Debian's kernel with a busybox
# initramfs that writes text on its framebuffer console; tessera-kiosk (standalone, headless)
# shows it through a sandboxed tessera-viewer, and the kiosk's screenshot has the guest's text
# in the domain's content rectangle.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start kiosk-vm 4
sys_initrd --script "$SYS_HERE/kiosk-vm-guest.sh"
SPICE="$SYS_TMP/spice.sock"
sys_check "guest boots with SPICE on a unix socket" \
    sys_boot -spice "unix=on,addr=$SPICE,disable-ticketing=on"
text_drawn() { sys_wait '^TEXT-SHOWN' 120 >/dev/null; }
sys_check "guest draws its console text" text_drawn

KOUT="$SYS_OUT.kiosk"
SHOT="$SYS_OUT.kiosk.png"
user=65534:65534
: >"$KOUT"
id tsr-viewer-test >/dev/null 2>&1 && user=$(id -u tsr-viewer-test):$(id -g tsr-viewer-test)
"$TSR_BUILDDIR/kiosk/tessera-kiosk" --output headless:1280x720 --layout single \
    --viewer "$TSR_BUILDDIR/viewer/tessera-viewer" --viewer-user "$user" \
    --screenshot "$SHOT" --domain "vm:green:$SPICE" >"$KOUT" 2>"$KOUT.err" &
KPID=$!
kwait() {
    "$SYS_TOOL" wait --timeout "${3:-60}" --nth "${2:-1}" --pid "$KPID" "$KOUT" "$1"
}
got_surface() { kwait '^surface vm ' >/dev/null; }
sys_check "the kiosk gets the VM's surface through the viewer" got_surface

# The surface comes first, its pixels follow as damage: look (screenshots are round trips to
# the kiosk, no sleeping) until the text is there, at most 30 tries.
text_shown() {
    geo=$(kwait '^geometry vm [0-9]* [0-9]* [1-9]' 1 | tail -n 1 | cut -d' ' -f3-)
    [ -n "$geo" ] || return 1
    n=0
    while [ $n -lt 30 ]; do
        n=$((n + 1))
        kill -USR1 "$KPID"
        kwait '^screenshot ' $n >/dev/null || return 1
        # shellcheck disable=SC2086
        if "$TSR_BUILDDIR/tests/system/kiosk-shot-check" "$SHOT" $geo; then
            return 0
        fi
    done
    return 1
}
sys_check "the kiosk screenshot shows the guest's console text" text_shown
kill "$KPID"
"$SYS_TOOL" exit --timeout 20 "$KPID" || kill -9 "$KPID"
sys_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
[ $SYS_FAILED -eq 0 ] || { sed 's/^/# kiosk: /' "$KOUT" "$KOUT.err" | tail -20; sys_show_console 20; }
exit 0
