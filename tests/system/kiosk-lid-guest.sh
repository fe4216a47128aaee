# tests/system/kiosk-lid-guest.sh: guest side of kiosk-lid-test.sh (runs as /test.sh).
# tessera-brokerd with two sim domains starts tessera-kiosk on DRM/KMS with the devices it lent
# (as kiosk-drm-guest.sh), with --sys-root on a fake sysfs: a raw backlight at 50 of 100 and
# a battery at 73% without AC. Before it starts, two uinput devices exist: a keyboard that also has
# the laptop's brightness and volume keys, and a lid switch (SW_LID only), which the broker must
# keep for itself. Policy says [power] lid = suspend, and the fake sysfs's power/ is the real
# one. Once the personal domain is on screen, the keyboard presses brightness up twice and down
# once, volume up and mute, then types a; once the domain recorded the a, the lid closes: the
# broker locks and the guest sleeps until the host wakes it, unlocks and types b. Once personal
# recorded the b, the domains' recorded keys go to the host as "REC NAME KEYS" and the fake
# backlight's value as "BACKLIGHT N". Then the broker starts again with blank-after = 10 (see
# there), the lid device kept (still closed).
. /lib/systest.sh
set -u
mkdir -p /tmp/state /tmp/run
chmod 755 /tmp /tmp/state /tmp/run
for f in log log2 done keys lid ready; do rm -f /tmp/$f.fifo && mkfifo /tmp/$f.fifo; done
# A device's first line (UINPUT-READY NAME) says it exists; the rest go to the host as marks
# (B-TYPED, the b typed after the wake reached personal, also ends the test).
uinput() { # KIND NAME FIFO
    tsr-input-probe "$1" "$2" <"$3" | {
        IFS= read -r first && echo "$first" >/tmp/ready.fifo
        while IFS= read -r line; do
            mark "$line"
            [ "$line" = B-TYPED ] && echo done >/tmp/done.fifo
        done
    } &
}
# Held open for reading and writing: a reader that opened the FIFO anew for each line could
# meet the first writer still closing and read end-of-file instead of the second line.
exec 6<>/tmp/ready.fifo
uinput keyboard tsr-laptop-keys /tmp/keys.fifo
exec 4>/tmp/keys.fifo
read -r ready <&6
uinput lid tsr-lid /tmp/lid.fifo
exec 5>/tmp/lid.fifo
read -r ready2 <&6
[ "$ready $ready2" = "UINPUT-READY tsr-laptop-keys UINPUT-READY tsr-lid" ] ||
    { mark TSR-FAIL uinput devices: "$ready" "$ready2"; exit 1; }
chmod 600 /dev/dri/card* /dev/input/event* || { mark TSR-FAIL cannot make the devices root-only; exit 1; }

sys=/tmp/sys/class
mkdir -p $sys/backlight/tsr_backlight $sys/power_supply/BAT0 $sys/power_supply/AC
printf raw >$sys/backlight/tsr_backlight/type
printf 100 >$sys/backlight/tsr_backlight/max_brightness
printf 50 >$sys/backlight/tsr_backlight/brightness
printf '%s\n' Battery >$sys/power_supply/BAT0/type
printf '%s\n' 73 >$sys/power_supply/BAT0/capacity
printf '%s\n' Discharging >$sys/power_supply/BAT0/status
printf '%s\n' Mains >$sys/power_supply/AC/type
printf '%s\n' 0 >$sys/power_supply/AC/online
# Suspending is real: the guest sleeps (S3) until the host's system_wakeup.
ln -s /sys/power /tmp/sys/power
# The shared policy's [power] (blank-after = 0) is replaced by this test's own.
conf=/etc/tsr-kiosk/policy/policy.conf
grep -v -e '^\[power\]$' -e '^blank-after = ' $conf >$conf.new && mv $conf.new $conf
printf '[power]\nlid = suspend\nresume = after-unlock\nblank-after = 0\n' >>$conf

start_broker() { # LOG-FIFO
    tessera-brokerd --kiosk=/usr/bin/tessera-kiosk --kiosk-devices --kiosk-user=65534:65534 \
        --policy-dir=/etc/tsr-kiosk/policy --state-dir=/tmp/state --run-dir=/tmp/run --no-usb \
        --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer --no-udev \
        --sys-root=/tmp/sys \
        --kiosk-arg=--output=drm --kiosk-arg=--clock=12:00 --kiosk-arg=--organization=lid-org \
        2>"$1" &
    broker=$!
}
rec=/tmp/run/domains
(while IFS= read -r line; do
    mark "LOG: $line"
    case "$line" in
        *": screen desktop-single-personal")
            if [ -n "${typed:-}" ]; then # back after the wake and the unlock: the host types b
                printf '%s\n' "wait $rec/personal/input.log key 0x30 up" "echo B-TYPED" >&4
                continue
            fi
            typed=1
            printf '%s\n' "tap KEY_BRIGHTNESSUP" "tap KEY_BRIGHTNESSUP" "tap KEY_BRIGHTNESSDOWN" \
                "tap KEY_VOLUMEUP" \
                "tap KEY_MUTE" "tap KEY_A" "wait $rec/personal/input.log key 0x1e up" \
                "echo KEYS-TYPED" >&4
            printf '%s\n' "wait $rec/personal/input.log key 0x1e up" "lid close" \
                "echo LID-CLOSED" >&5 ;;
    esac
done </tmp/log.fifo) &
start_broker /tmp/log.fifo
read -r _ </tmp/done.fifo
for d in personal work; do
    mark REC $d "$(grep '^key ' "$rec/$d/input.log" 2>/dev/null | tr '\n' ' ')"
done
mark BACKLIGHT "$(cat $sys/backlight/tsr_backlight/brightness)"
exec 4>&-
kill -TERM "$broker"
wait "$broker"

# Again with blank-after = 10: the restarted kiosk, locked and untouched, turns its outputs off;
# the connectors' "enabled" goes to the host when the kiosk says a CRTC went off or on. The
# first time they go off the lid opens, which lights them again; the second time the host's
# keys wake them and log in again; the first screen after that ends the test.
grep -v '^blank-after = ' $conf >$conf.new && mv $conf.new $conf
printf 'blank-after = 10\n' >>$conf
(while IFS= read -r line; do
    mark "LOG: $line"
    case "$line" in
        *"drm: "*" off" | *"drm: "*" on")
            mark DRM-ENABLED "$(cat /sys/class/drm/card0-*/enabled)"
            case "$line" in *" off") [ -n "${opened:-}" ] || { opened=1; echo "lid open" >&5; } ;; esac ;;
        *": screen unlock" | *": screen login") echo done >/tmp/done.fifo ;;
    esac
done </tmp/log2.fifo) &
start_broker /tmp/log2.fifo
# Opened once beforehand: the first run's children ending now could interrupt an open.
exec 7<>/tmp/done.fifo
read -r _ <&7
exec 5>&-
kill -TERM "$broker"
wait "$broker"
exit 0
