# tests/system/drm-guest.sh: guest side of drm-test.sh (runs as /test.sh). The host drives the
# steps by typing digits on the virtio keyboard; every line the demo logs is forwarded to the
# marker port as "DEMO: ..." so the host can wait for what the DRM output reports.
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
status=/sys/class/drm/card0-Virtual-1/status
[ -w "$status" ] || { mark TSR-FAIL no "$status"; exit 1; }

# A bad card is refused with a message naming it.
if tessera-render-demo --output drm:/dev/dri/card9 --frames 1 2>/tmp/bad; then
    mark TSR-FAIL drm:/dev/dri/card9 was accepted
    exit 1
fi
mark "BAD-CARD $(cat /tmp/bad)"

# start_demo ENV [--output SPEC]: the demo on DRM, a still scene with a fixed clock, logs forwarded.
start_demo() {
    forward_lines /tmp/demo.fifo DEMO demo
    env "$1" tessera-render-demo --output drm --still --clock 12:00 ${2:-} ${3:-} 2>/tmp/demo.fifo &
    demo=$!
}

start_demo TSR_DRM_NO_ATOMIC=0
# Forcing the connector's status through sysfs is what a monitor being unplugged looks like to
# the output's probe; Linux 6.1 sends no uevent for it, so the card's "change" uevent (what a
# real hotplug sends, less HOTPLUG=1) is raised by hand.
step KEY_1                # host took the screendump
# While it runs, a second program on the same card cannot become DRM master.
if tessera-render-demo --output drm --frames 1 2>/tmp/second; then
    mark TSR-FAIL a second DRM client got the display
    exit 1
fi
mark "SECOND $(cat /tmp/second)"
# Unplug.
echo off >"$status"
echo change >/sys/class/drm/card0/uevent
step KEY_2                # host saw "no display connected"; plug back in
echo detect >"$status"
echo change >/sys/class/drm/card0/uevent
step KEY_3                # host took the second screendump; stop (SIGTERM: clean exit)
kill -TERM "$demo"
wait "$demo"
mark "DEMO-EXIT $?"

# The same through legacy drmModeSetCrtc/drmModePageFlip.
start_demo TSR_DRM_NO_ATOMIC=1
step KEY_4
kill -TERM "$demo"
wait "$demo"
mark "DEMO-EXIT $?"

# A named connector that is not there is the valid "no display" state, not an error.
start_demo TSR_DRM_NO_ATOMIC=0 --output drm:HDMI-A-1
step KEY_5
kill -0 "$demo" && mark ABSENT-ALIVE
kill -KILL "$demo"
wait "$demo"

# Pacing and damage: 60 frames of the moving box. bochs-drm completes flips at once, so the
# output's timer must hold them to the mode's refresh rate; each frame copies only the damage.
t0=$(cut -d' ' -f1 /proc/uptime)
tessera-render-demo --output drm --frames 60 --clock 12:00 2>/tmp/anim || { mark TSR-FAIL animated demo failed; exit 1; }
t1=$(cut -d' ' -f1 /proc/uptime)
cat /tmp/anim >/dev/console
set -- $(sed -n 's/.*info: \([0-9]*\) frames, \([0-9]*\) bytes copied.*/\1 \2/p' /tmp/anim)
mark "ANIM frames=$1 bytes=$2 ms=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 }')"
exit 0
