#!/bin/sh
# tests/system/drm-multi-test.sh: a second connector does not break the drm output.
#
# The guest gets a virtio-gpu with two outputs besides bochs-drm. With both connectors
# connected the output takes the first (Virtual-2) and shows exactly the headless composition
# there; unplugging the other one leaves it where it is. An output asked for the second
# connector by name (drm:/dev/dri/card1:Virtual-3) waits with no display while it is unplugged,
# shows the scene on it once it is plugged in, and never disturbs what Virtual-2 shows.
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start drm-multi 10
demo="$TSR_BUILDDIR/renderer/tessera-render-demo"
sys_initrd --bin "$demo" --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
    --module virtio_gpu --script "$SYS_HERE/drm-multi-guest.sh"

# head N FILE: screendump of virtio-gpu output N.
head() {
    rm -f "$2"
    sys_qmp "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$2\",\"device\":\"gpu1\",\"head\":$1,\"format\":\"png\"}}" \
        >/dev/null && [ -s "$2" ]
}
composed() {
    "$demo" --output "headless:$1" --still --clock 12:00 --screenshot "$SYS_OUT.headless-$1.png" \
        2>/dev/null
}

sys_check "guest boots with a two-output virtio-gpu" \
    sys_boot -device virtio-gpu-pci,max_outputs=2,id=gpu1
sys_check "both connectors of card1 are connected" sys_wait '^CONNECTORS connected connected$'
sys_check "two-head: the card's connectors are listed in its order with their modes" \
    sys_wait '^LIST Virtual-2 1280x800 Virtual-3 [0-9][0-9]*x[0-9][0-9]*$'
first_ok() {
    sys_wait '^A: .*first frame shown on Virtual-2 \(1280x800\)' && composed 1280x800 &&
        head 0 "$SYS_OUT.a-head0.png" &&
        sys_compare "$SYS_OUT.headless-1280x800.png" "$SYS_OUT.a-head0.png" --tolerance 0
}
sys_check "two connected: the first (Virtual-2) shows the scene exactly" first_ok
sys_wait '^STEP-READY KEY_1' >/dev/null && sys_keys 1
stay_ok() {
    sys_wait '^A: .*displays changed on /dev/dri/card1; staying on Virtual-2' &&
        ! grep -q '^A: .*leaving' "$SYS_OUT.marks"
}
sys_check "unplugging the other connector leaves the output where it is" stay_ok
sys_wait '^STEP-READY KEY_2' >/dev/null && sys_keys 2
alive_ok() {
    sys_wait '^A-ALIVE' && sys_wait '^A-EXIT 0'
}
sys_check "... and keeps running, and exits cleanly" alive_ok
absent_ok() {
    sys_wait '^B: .*no display connected to /dev/dri/card1 on Virtual-3' &&
        sys_wait '^STEP-READY KEY_3' >/dev/null && head 0 "$SYS_OUT.b-head0-before.png"
}
sys_check "the named second connector, unplugged: no display, no error" absent_ok
sys_keys 3
second_ok() {
    _m=$(sys_wait '^B: .*first frame shown on Virtual-3 \(') &&
        _size=$(echo "$_m" | sed -n 's/.*(\([0-9]*x[0-9]*\)).*/\1/p') &&
        sys_diag "Virtual-3 came up at $_size" && composed "$_size" &&
        sys_wait '^STEP-READY KEY_4' >/dev/null && head 1 "$SYS_OUT.b-head1.png" &&
        sys_compare "$SYS_OUT.headless-$_size.png" "$SYS_OUT.b-head1.png" --tolerance 0
}
sys_check "plugged in: the scene is shown exactly on Virtual-3" second_ok
untouched_ok() {
    head 0 "$SYS_OUT.b-head0-after.png" &&
        sys_compare "$SYS_OUT.b-head0-before.png" "$SYS_OUT.b-head0-after.png" --tolerance 0
}
sys_check "what Virtual-2 shows is not disturbed" untouched_ok
sys_keys 4
sys_check "guest script ends with status 0" sys_finish
sys_done
