#!/bin/sh
# tests/system/drm-4k-test.sh: the drm output on a 3840x2160 screen (bochs-drm in QEMU).
#
# A 4K mode needs two 33 MB dumb buffers: bochs-drm offers a mode only when two frames of it fit
# the std VGA's memory, so the VGA gets 64 MiB (the harness's default, lib.sh) and 3840x2160 as
# its preferred (EDID) mode. The demo must come up in that mode and QEMU's screendump must equal,
# pixel for pixel, the headless composition of the same scene at 3840x2160.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start drm-4k 5
demo="$TSR_BUILDDIR/renderer/tessera-render-demo"
sys_initrd --bin "$demo" --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
    --script "$SYS_HERE/drm-4k-guest.sh"

"$demo" --output headless:3840x2160 --still --clock 12:00 --screenshot "$SYS_OUT.headless.png" \
    2>/dev/null || echo "Bail out! the headless demo failed"

sys_check "guest boots with a 64 MiB std VGA preferring 3840x2160" \
    sys_boot -global VGA.xres=3840 -global VGA.yres=2160
sys_diag "$(sys_wait '^MODES ' 30)"
sys_check "the demo shows its first frame on Virtual-1 at 3840x2160" \
    sys_wait '^DEMO: .*first frame shown on Virtual-1 \(3840x2160\)' 120
same_as_headless() {
    sys_screendump "$SYS_OUT.4k.png" &&
        sys_compare "$SYS_OUT.headless.png" "$SYS_OUT.4k.png" --tolerance 0
}
sys_check "the 4K screen equals the headless composition" same_as_headless
sys_wait '^STEP-READY KEY_1' >/dev/null && sys_keys 1
sys_check "the demo exits with status 0 on SIGTERM" sys_wait '^DEMO-EXIT 0' 60
sys_check "guest script ends with status 0" sys_finish
sys_done
