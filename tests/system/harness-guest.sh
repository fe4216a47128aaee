# tests/system/harness-guest.sh: guest side of harness-test.sh (runs as /test.sh).
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
tablet=$(input_dev "QEMU Virtio Tablet") || { mark TSR-FAIL no virtio tablet; exit 1; }
[ -c /dev/dri/card0 ] || { mark TSR-FAIL no /dev/dri/card0; exit 1; }
[ -c /dev/uinput ] || { mark TSR-FAIL no /dev/uinput; exit 1; }
[ "$(basename "$(readlink /sys/class/drm/card0/device/driver)")" = bochs-drm ] ||
    { mark TSR-FAIL card0 is not bochs-drm; exit 1; }
mark DEVICES-OK "$kbd $tablet"

# The host types "hi" then Shift+A once both readers have marked that they read (evwait does
# not grab).
tsr-systest-guest evwait --mark READY-KEYS "$kbd" KEY_A >/tmp/keys &
kpid=$!
tsr-systest-guest evwait --mark READY-TABLET "$tablet" BTN_LEFT >/tmp/tablet &
tpid=$!
wait $kpid || { mark TSR-FAIL keys did not arrive; exit 1; }
tr '\n' ' ' </tmp/keys >/tmp/keys1
grep -q 'KEY_H down key KEY_I down key KEY_LEFTSHIFT down key KEY_A down' /tmp/keys1 ||
    { mark TSR-FAIL wrong keys: "$(cat /tmp/keys1)"; exit 1; }
mark KEYS-SEEN KEY_A "$(cat /tmp/keys1)"
wait $tpid || { mark TSR-FAIL tablet click did not arrive; exit 1; }
mark TABLET-SEEN
# Stay up for the host's screendump until it types q.
tsr-systest-guest evwait --mark READY-QUIT "$kbd" KEY_Q >/dev/null || exit 1
exit 0
