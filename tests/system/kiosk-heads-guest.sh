# tests/system/kiosk-heads-guest.sh: guest side of kiosk-heads-test.sh (runs as /test.sh).
# card1 is a virtio-gpu with two connectors, Virtual-2 and Virtual-3 (forced on through sysfs
# before the broker starts; the kernel command line gives it 1024x768). tessera-brokerd lends
# the kiosk card1 with two sim domains, as kiosk-drm-guest.sh does with one head. The kiosk's
# own log lines are the host's signals: "work moved right" unplugs Virtual-3 (Linux 6.1 raises
# no uevent for a forced status: the card's change uevent is raised by hand, as a real hotplug
# would), "work cannot move left" plugs it back, "work cannot move right" unplugs both and
# "none connected" plugs Virtual-3 back alone; the first lock screen plugs Virtual-2 back too and
# reloads the broker (SIGHUP) with [outputs] mode = mirror; the lock screen after "mirrored on
# Virtual-2" ends the test and the domains' recorded input goes to the host as "REC NAME ...".
. /lib/systest.sh
set -u
v2=/sys/class/drm/card1-Virtual-2/status v3=/sys/class/drm/card1-Virtual-3/status
[ -w "$v2" ] && [ -w "$v3" ] || { mark TSR-FAIL no "$v2" or "$v3"; exit 1; }
plug() {
    echo "$1" >"$v3"
    echo change >/sys/class/drm/card1/uevent
    mark "PLUG $1"
}
plug on
chmod 600 /dev/dri/card* /dev/input/event* || { mark TSR-FAIL cannot make the devices root-only; exit 1; }
# Both heads again, one desktop on both.
mirror() {
    echo on >"$v2"
    plug on
    printf '[outputs]\nmode = mirror\n' >>/etc/tsr-kiosk/policy/policy.conf
    kill -HUP "$broker"
}
# react LINE: the kiosk's log lines that are the host's signals.
react() {
    case "$1" in
        *"outputs: work moved right") plug off ;;
        *"outputs: work cannot move left"*) plug on ;;
        *"outputs: work cannot move right"*)
            echo off >"$v2"
            plug off
            mark "PLUG none" ;;
        *"outputs: none connected") plug on ;;
        *"mirrored on Virtual-2") mirrored=1 ;;
        *": screen lock") if [ -n "${mirrored:-}" ]; then echo done >/tmp/done.fifo; else mirror; fi ;;
    esac
}
mkdir -p /tmp/state /tmp/run && chmod 755 /tmp /tmp/state /tmp/run
rm -f /tmp/log.fifo /tmp/done.fifo && mkfifo /tmp/log.fifo /tmp/done.fifo
# Sim domains, the kiosk as nobody on card1 with the devices the broker lends it.
set -- --state-dir=/tmp/state --run-dir=/tmp/run --policy-dir=/etc/tsr-kiosk/policy --no-udev
set -- "$@" --no-usb --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer
set -- "$@" --kiosk=/usr/bin/tessera-kiosk --kiosk-user=65534:65534 --kiosk-devices
set -- "$@" --kiosk-card=/dev/dri/card1 --kiosk-arg=--output=drm --kiosk-arg=--clock=12:00
tessera-brokerd "$@" --kiosk-arg=--organization=drm-org 2>/tmp/log.fifo &
broker=$!
(while IFS= read -r line; do mark "LOG: $line"; react "$line"; done </tmp/log.fifo) &
read -r _ </tmp/done.fifo
for d in personal work; do
    mark REC $d "$(grep -E '^(key |pointer .*buttons=1)' "/tmp/run/domains/$d/input.log" |
        sed 's/^pointer [0-9]* [0-9]* /pointer /' | tr '\n' ' ')"
done
kill "$broker"
wait "$broker"
exit 0
