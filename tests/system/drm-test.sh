#!/bin/sh
# tests/system/drm-test.sh: the drm output on real DRM/KMS (bochs-drm in QEMU).
#
# tessera-render-demo shows a still scene on the guest's display; QEMU's screendump of it must
# equal, pixel for pixel, what the same scene composes to on the headless output (so the DRM
# output copies damage, flips and sets the mode correctly), and match the reference image
# tests/reference/drm-demo.png. The connector is then forced off and back on through sysfs: the
# output drops to no display without exiting and comes back showing the scene again. The demo
# exits cleanly on SIGTERM, and the legacy (non-atomic) KMS path shows the same picture. A card
# that does not exist is refused with a clear error.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start drm 17
demo="$TSR_BUILDDIR/renderer/tessera-render-demo"
sys_initrd --bin "$demo" --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
    --script "$SYS_HERE/drm-guest.sh"

# What the scene looks like, composed on this machine by the headless output.
"$demo" --output headless:1280x800 --still --clock 12:00 --screenshot "$SYS_OUT.headless.png" \
    2>/dev/null || echo "Bail out! the headless demo failed"

same_as_headless() {
    sys_screendump "$SYS_OUT.$1.png" &&
        sys_compare "$SYS_OUT.headless.png" "$SYS_OUT.$1.png" --tolerance 0
}

sys_check "guest boots" sys_boot
sys_check "a missing card is refused with its name" \
    sys_wait '^BAD-CARD .*cannot open /dev/dri/card9'
sys_check "the demo shows its first frame on Virtual-1 1280x800 (atomic KMS)" \
    sys_wait '^DEMO: .*first frame shown on Virtual-1 \(1280x800\)'
sys_wait '^DEMO: .*atomic KMS' 1 >/dev/null || sys_diag "the output did not report atomic KMS"
sys_check "the DRM screen equals the headless composition" same_as_headless atomic
sys_check "the DRM screen matches tests/reference/drm-demo.png" \
    sys_compare "$TSR_SRCDIR/tests/reference/drm-demo.png" "$SYS_OUT.atomic.png" --tolerance 8
sys_wait '^STEP-READY KEY_1' >/dev/null && sys_keys 1
sys_check "a second program cannot take the display while the first holds DRM master" \
    sys_wait '^SECOND .*cannot become DRM master of /dev/dri/card0'
sys_check "connector forced off: the output goes to no display and keeps running" \
    sys_wait '^DEMO: .*no display connected'
sys_wait '^STEP-READY KEY_2' >/dev/null && sys_keys 2
sys_check "connector back: the scene is shown again" \
    sys_wait '^DEMO: .*first frame shown on Virtual-1' 60 2
sys_check "after the hotplug the screen equals the headless composition" same_as_headless replug
sys_wait '^STEP-READY KEY_3' >/dev/null && sys_keys 3
sys_check "the demo exits with status 0 on SIGTERM" sys_wait '^DEMO-EXIT 0'
sys_check "legacy KMS (TSR_DRM_NO_ATOMIC=1) shows the first frame" \
    sys_wait '^DEMO: .*first frame shown on Virtual-1' 60 3
legacy_ok() {
    sys_wait '^DEMO: .*legacy KMS' 1 >/dev/null && same_as_headless legacy
}
sys_check "legacy KMS: the screen equals the headless composition" legacy_ok
sys_wait '^STEP-READY KEY_4' >/dev/null && sys_keys 4
sys_check "a named connector that is absent (HDMI-A-1) means no display, not an error" \
    sys_wait '^DEMO: .*no display connected to /dev/dri/card0 on HDMI-A-1'
sys_wait '^STEP-READY KEY_5' >/dev/null && sys_keys 5
sys_check "... and the demo keeps running" sys_wait '^ABSENT-ALIVE'
anim=$(sys_wait '^ANIM ' 120)
sys_diag "$anim"
frames=$(echo "$anim" | sed -n 's/.*frames=\([0-9]*\).*/\1/p')
bytes=$(echo "$anim" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')
ms=$(echo "$anim" | sed -n 's/.*ms=\([0-9]*\).*/\1/p')
# 60 frames at 75 Hz take at least 59 periods (787 ms); uptime has 10 ms steps.
sys_check "frames are paced at the refresh rate on a driver that flips at once (60 in ${ms:-?} ms)" \
    test "${frames:-0}" -eq 60 -a "${ms:-0}" -ge 770
# The first frame is full (4096000 bytes); the 59 after it carry only the moving box.
sys_check "only damage is copied to scanout (${bytes:-?} bytes for 60 frames)" \
    test "${bytes:-999999999}" -lt $((4096000 * 2 + 59 * 4096000 / 20))
sys_check "guest script ends with status 0" sys_finish
sys_done
