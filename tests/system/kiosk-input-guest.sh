# tests/system/kiosk-input-guest.sh: guest side of kiosk-input-test.sh (runs as /test.sh).
# Set up as kiosk-drm-guest.sh (tessera-brokerd with two sim domains starts tessera-kiosk as
# nobody in no group on DRM/KMS, with the card and evdev devices the broker opened and lent it,
# grabbed; the nodes stay root's 0600; every log line goes to the host as "LOG: ..."), plus:
#  - a uinput keyboard made here before the kiosk starts (tsr-input-probe keyboard); once the
#    host has typed into a domain, it types there too and waits until the domain recorded it;
#  - a second reader of the virtio keyboard (must see only the z typed after the kill);
#  - tty1, the console in front, held open raw with a reader whose first byte must be the q
#    the host types at the very end; the broker takes tty1 as the kiosk's VT (--kiosk-vt=1:
#    graphics mode, keyboard off), and only after the kill and the z does this script give
#    tty1 its keyboard mode back (as an admin recovering the machine would), so the q is the
#    positive control that the reader would have seen anything typed;
#  - a keyboard plugged in while the kiosk runs (a second uinput device), unplugged once the
#    kiosk grabbed it;
#  - on the lock screen: the broker stopped (so it cannot restart the kiosk), m held down on the
#    uinput keyboard, the kiosk SIGKILLed, m released, then the broker SIGKILLed too (its lent
#    fds hold the grab while it lives); the host then types z.
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
tty1_raw
kbmode=$(tsr-systest-guest kbmode /dev/tty1) || { mark TSR-FAIL cannot read tty1 keyboard mode; exit 1; }
tsr-systest-guest ttyread /dev/tty1 >/tmp/tty 2>/tmp/tty.err &
tty=$!
tsr-systest-guest evwait --timeout 600 "$kbd" KEY_Z >/tmp/second 2>/tmp/second.err &
second=$!

mkdir -p /tmp/state /tmp/run
chmod 755 /tmp /tmp/state /tmp/run
rm -f /tmp/log.fifo /tmp/done.fifo /tmp/kbd.fifo
mkfifo /tmp/log.fifo /tmp/done.fifo /tmp/kbd.fifo
rm -f /tmp/kbd-ready.fifo /tmp/hotplug.fifo
mkfifo /tmp/kbd-ready.fifo /tmp/hotplug.fifo
# Its output goes to the host as marks, after the first line (it exists) is passed on here.
tsr-input-probe keyboard tsr-guest-keyboard </tmp/kbd.fifo | {
    IFS= read -r first && echo "$first" >/tmp/kbd-ready.fifo
    while IFS= read -r line; do mark "$line"; echo "$line" >>/tmp/kbd.log; done
} &
guestkbd=$!
exec 4>/tmp/kbd.fifo
read -r ready </tmp/kbd-ready.fifo
[ "$ready" = "UINPUT-READY tsr-guest-keyboard" ] || { mark TSR-FAIL no uinput keyboard; exit 1; }
# The device nodes stay root's 0600: the kiosk opens none of them.
chmod 600 /dev/dri/card* /dev/input/event* || { mark TSR-FAIL cannot make the devices root-only; exit 1; }

rec=/tmp/run/domains
(typed=""
while IFS= read -r line; do
    echo "$line" >/dev/console
    mark "LOG: $line"
    case "$line" in
        *": screen desktop-single-personal")
            # first time: after the host's a b c, the uinput keyboard types d e
            [ -n "$typed" ] && continue
            typed=1
            printf '%s\n' "wait $rec/personal/input.log key 0x2e up" "tap KEY_D" "tap KEY_E" \
                "wait $rec/personal/input.log key 0x12 up" "echo UINPUT-PERSONAL" >&4 ;;
        *": screen desktop-single-work")
            # after the host's x y z, the uinput keyboard types u v
            printf '%s\n' "wait $rec/work/input.log key 0x2c up" "tap KEY_U" "tap KEY_V" \
                "wait $rec/work/input.log key 0x2f up" "echo UINPUT-WORK" >&4 ;;
        *": screen lock") echo done >/tmp/done.fifo ;;
        # Hotplug: once the kiosk is up, a second uinput keyboard appears (the broker lends
        # it) and goes away again once the kiosk grabbed it (the broker revokes it).
        *": screen locked")
            [ -n "${hotplug:-}" ] && continue
            hotplug=1
            tsr-input-probe keyboard tsr-hotplug-keyboard </tmp/hotplug.fifo >/dev/null 2>&1 &
            exec 5>/tmp/hotplug.fifo ;;
        *"(tsr-hotplug-keyboard) grabbed"*) exec 5>&- ;;
    esac
done </tmp/log.fifo) &
tessera-brokerd --state-dir=/tmp/state --run-dir=/tmp/run --policy-dir=/etc/tsr-kiosk/policy \
    --no-udev --no-usb --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer \
    --kiosk=/usr/bin/tessera-kiosk --kiosk-user=65534:65534 --kiosk-vt=1 --kiosk-devices \
    --kiosk-arg=--output=drm \
    --kiosk-arg=--clock=12:00 --kiosk-arg=--organization=input-org 2>/tmp/log.fifo &
broker=$!
read -r _ </tmp/done.fifo

# Kill the kiosk mid-key, with the broker stopped so that nothing grabs the keyboard again; then
# the broker, whose lent fds still hold the grab (and which would give tty1 back on a clean
# stop).
kiosk=$(pidof tessera-kiosk) || { mark TSR-FAIL no kiosk running; exit 1; }
kill -STOP "$broker"
printf '%s\n' "down KEY_M" "kill $kiosk" "up KEY_M" "echo KIOSK-DEAD" >&4
exec 4>&-
while ! grep -q KIOSK-DEAD /tmp/kbd.log 2>/dev/null; do sleep 0.1; done
kill -KILL "$broker"
wait "$broker"
mark KIOSK-KILLED

wait "$second" || { mark TSR-FAIL second reader: "$(cat /tmp/second.err)"; exit 1; }
mark SECOND-READER "$(tr '\n' ' ' </tmp/second)"
for d in personal work; do
    mark REC $d "$(grep '^key ' "$rec/$d/input.log" | tr '\n' ' ')"
done
# The kiosk and the broker are dead: tty1 stays in graphics mode with its keyboard off.
[ "$(tsr-systest-guest kbmode /dev/tty1)" = off ] || { mark TSR-FAIL tty1 keyboard not off; exit 1; }
tsr-systest-guest kbmode /dev/tty1 "$kbmode" || { mark TSR-FAIL cannot restore tty1 keyboard; exit 1; }
mark READY-Q
wait "$tty" || { mark TSR-FAIL tty1 reader: "$(cat /tmp/tty.err)"; exit 1; }
mark TTY-READ "$(cat /tmp/tty)"
# The log reader held the keyboard's command pipe: with the broker gone, it ends, and so does the
# uinput keyboard.
wait "$guestkbd"
exit 0
