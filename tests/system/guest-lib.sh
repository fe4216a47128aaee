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

# step KEY: wait for the host to type KEY (an evdev name, KEY_1) on the virtio keyboard $kbd,
# marking "STEP-READY KEY" once the reader is open, so the host types only then. evwait reads
# without grabbing: it sees the key whatever else reads the keyboard.
step() {
    tsr-systest-guest evwait --mark "STEP-READY $1" "$kbd" "$1" >/dev/null ||
        { mark TSR-FAIL host never typed "$1"; exit 1; }
}

# forward_lines FIFO TAG [CONSOLE_TAG]: make the fifo FIFO and, in the background, copy every
# line written to it to the marker port as "TAG: LINE" (for the host to wait on) and to the
# console as "CONSOLE_TAG: LINE" (default TAG). A program's stderr goes there with 2>FIFO.
forward_lines() {
    rm -f "$1"
    mkfifo "$1"
    (while IFS= read -r line; do
        echo "${3:-$2}: $line" >/dev/console
        mark "$2: $line"
    done <"$1") &
}

# tty1_raw: tty1, the foreground VT, held open on fd 3 for the rest of the script (the VT driver
# resets termios when its last user closes it) and raw, so that a single byte typed there is
# readable at once. Marks TSR-FAIL and exits when tty1 is not in front or cannot be set raw.
tty1_raw() {
    [ "$(tsr-systest-guest fgvt)" = 1 ] || { mark TSR-FAIL tty1 is not the foreground VT; exit 1; }
    exec 3<>/dev/tty1
    tsr-systest-guest ttyraw /dev/tty1 || { mark TSR-FAIL cannot set tty1 raw; exit 1; }
}

# The guest has no channel back from the host other than the devices themselves: when the host
# must act first (type keys, take a screendump), the guest marks that it is ready and then detects
# the result itself (an evdev read, a tty read) or simply keeps running until the host is done.
