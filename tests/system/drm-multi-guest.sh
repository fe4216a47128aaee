# tests/system/drm-multi-guest.sh: guest side of drm-multi-test.sh (runs as /test.sh).
# card1 is a virtio-gpu with two connectors: Virtual-2 (connected) and Virtual-3 (forced on and
# off through sysfs; Linux 6.1 raises no uevent for that, so the card's change uevent is raised
# by hand, as a real hotplug would).
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
v3=/sys/class/drm/card1-Virtual-3/status
[ -w "$v3" ] || { mark TSR-FAIL no "$v3"; exit 1; }
plug() {
    echo "$1" >"$v3"
    echo change >/sys/class/drm/card1/uevent
}
# start_demo TAG SPEC: logs forwarded to the marker port as "TAG: ...".
start_demo() {
    forward_lines "/tmp/$1.fifo" "$1"
    tessera-render-demo --output "$2" --still --clock 12:00 2>"/tmp/$1.fifo" &
    demo=$!
}

echo on >"$v3"
mark "CONNECTORS $(cat /sys/class/drm/card1-Virtual-2/status) $(cat "$v3")"
list=$(tessera-render-demo --list-connectors /dev/dri/card1)
mark "LIST $(echo $list)"
# A: no connector named, two connected: the first one, and the other is left alone.
start_demo A drm:/dev/dri/card1
step KEY_1                 # host took screendumps of both heads
plug off                   # the other connector goes away: A must stay where it is
step KEY_2
kill -0 "$demo" && mark A-ALIVE
kill -TERM "$demo"
wait "$demo"
mark "A-EXIT $?"
# B: the named second connector, absent at first, then plugged in.
start_demo B drm:/dev/dri/card1:Virtual-3
step KEY_3                 # host saw "no display"; host took a screendump of head 0
plug on
step KEY_4                 # host compared both heads
kill -TERM "$demo"
wait "$demo"
mark "B-EXIT $?"
exit 0
