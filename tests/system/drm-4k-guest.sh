# tests/system/drm-4k-guest.sh: guest side of drm-4k-test.sh (runs as /test.sh). The demo's log
# lines go to the marker port as "DEMO: ..."; the host types 1 once it has its screendump.
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
mark "MODES $(tr '\n' ' ' </sys/class/drm/card0-Virtual-1/modes)"
forward_lines /tmp/demo.fifo DEMO demo
tessera-render-demo --output drm --still --clock 12:00 2>/tmp/demo.fifo &
demo=$!
step KEY_1                # host took the screendump
kill -TERM "$demo"
wait "$demo"
mark "DEMO-EXIT $?"
exit 0
