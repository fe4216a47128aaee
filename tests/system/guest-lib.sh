# tests/system/guest-lib.sh: helpers for the guest side of a system test (/lib/systest.sh).
#
# /init sources this before running /test.sh, and /test.sh may source it too. The host watches
# the marker port (ttyS1, NAME.out.marks on the host) with sys_wait; the console (ttyS0) gets
# everything else and is kept as NAME.out.console for debugging.

# mark TEXT...: one line on the marker port.
mark() {
    echo "$*" >/dev/ttyS1
}

# input_dev NAME: prints /dev/input/eventN of the input device called NAME
# ("QEMU Virtio Keyboard", "QEMU Virtio Tablet", "AT Translated Set 2 keyboard", or a uinput
# device's name). Returns 1 when there is none.
input_dev() {
    for d in /sys/class/input/event*; do
        [ -r "$d/device/name" ] || continue
        if [ "$(cat "$d/device/name")" = "$1" ]; then
            echo "/dev/input/${d##*/}"
            return 0
        fi
    done
    return 1
}

# The guest has no channel back from the host other than the devices themselves: when the host
# must act first (type keys, take a screendump), the guest marks that it is ready and then detects
# the result itself (an evdev read, a tty read) or simply keeps running until the host is done.
