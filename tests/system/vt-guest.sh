# tests/system/vt-guest.sh: guest side of vt-test.sh (runs as /test.sh). The host types on the
# virtio keyboard; digits are the step signals this script waits for (evwait reads evdev without
# grabbing, so it sees every key whatever the VT does with it).
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
g=tsr-systest-guest

state() {
    echo "fg=$($g fgvt) kb=$($g kbmode "/dev/tty$1") kd=$($g kdmode "/dev/tty$1")"
}
start_demo() {
    forward_lines /tmp/demo.fifo DEMO demo
    tessera-render-demo --vt auto --output drm --still --clock 12:00 2>/tmp/demo.fifo &
    demo=$!
}

# tty1 stands for the console a getty would serve: held open, raw, so anything typed there
# would queue up for the next reader. (Open first: a VT's termios reset on its last close.)
exec 3</dev/tty1
$g ttyraw /dev/tty1
mark "BEFORE $(state 1)"

# Control: with no kiosk, a key typed does reach the foreground console.
$g ttyread /dev/tty1 >/tmp/c1 &
r=$!
mark READY-CONTROL
wait $r
mark "CONTROL-GOT $(cat /tmp/c1)"

# The kiosk-like demo takes a VT of its own (the first free one: tty1 is in use).
start_demo
step KEY_1
vt=$($g fgvt)
# Someone (a getty, a shell) holding the kiosk's VT open, raw: it must get nothing either.
exec 4<"/dev/tty$vt"
$g ttyraw "/dev/tty$vt"
mark "KIOSK $(state "$vt") vt=$vt"
step KEY_2                        # the host typed "abc2" at the running kiosk
kill -9 "$demo"
wait "$demo"
mark "KILLED $(state "$vt")"
step KEY_3                        # the host typed "def3" after the kill

# Nothing queued on the kiosk's VT: give its keyboard back and the first byte read must be
# the next key the host types ("z"), not anything typed before.
$g kbmode "/dev/tty$vt" unicode
$g ttyread "/dev/tty$vt" >/tmp/c2 &
r=$!
mark READY-PROBE-KIOSK-VT
wait $r
mark "KIOSK-VT-FIRST $(cat /tmp/c2)"

# Nothing reached the console either: back on tty1 the first byte read is the next key ("y").
# (The kernel ignores every VT switch away from a KD_GRAPHICS VT, chvt included: text first.)
$g kdmode "/dev/tty$vt" text
chvt 1
$g ttyread /dev/tty1 >/tmp/c3 &
r=$!
mark READY-PROBE-CONSOLE
wait $r
mark "CONSOLE-FIRST $(cat /tmp/c3)"

# A clean exit gives everything back: the demo's VT in text mode with the keyboard on, and
# the console in front again.
start_demo
step KEY_4
vt2=$($g fgvt)
kill -TERM "$demo"
wait "$demo"
mark "CLEAN-EXIT $? vt=$vt2 $(state "$vt2")"
exit 0
