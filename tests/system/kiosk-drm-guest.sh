# tests/system/kiosk-drm-guest.sh: guest side of kiosk-drm-test.sh (runs as /test.sh).
# Starts tessera-brokerd on the policy the host put in /etc/tsr-kiosk/policy with sim domains;
# the broker starts tessera-kiosk (as nobody, in no group) on DRM/KMS and lends it the card and
# the evdev devices it opened as root (--kiosk-devices); the kiosk grabs them. Every
# line broker and kiosk log goes to the marker port as "LOG: ...", so the host waits for the
# kiosk's "screen NAME" lines. The flow ends on the lock screen (the SAS typed inside a
# domain); then the domains' recorded input goes to the host as "INPUT NAME LINE".
. /lib/systest.sh
set -u
# The device nodes stay root's 0600: the kiosk opens none of them.
chmod 600 /dev/dri/card* /dev/input/event* || { mark TSR-FAIL cannot make the devices root-only; exit 1; }
mkdir -p /tmp/state /tmp/run
chmod 755 /tmp /tmp/state /tmp/run
rm -f /tmp/log.fifo /tmp/done.fifo
mkfifo /tmp/log.fifo /tmp/done.fifo
(while IFS= read -r line; do
    echo "$line" >/dev/console
    mark "LOG: $line"
    case "$line" in
        # The host presses the SAS on the lock screen once it has its screendump of it: only
        # then may the domains stop (a stop earlier shows a "display lost" note in that shot).
        *": screen unlock") echo done >/tmp/done.fifo ;;
    esac
done </tmp/log.fifo) &
tessera-brokerd --state-dir=/tmp/state --run-dir=/tmp/run --policy-dir=/etc/tsr-kiosk/policy \
    --no-udev --no-usb --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer \
    --kiosk=/usr/bin/tessera-kiosk --kiosk-user=65534:65534 --kiosk-devices --kiosk-arg=--output=drm \
    --kiosk-arg=--clock=12:00 --kiosk-arg=--organization=drm-org 2>/tmp/log.fifo &
broker=$!
read -r _ </tmp/done.fifo
for d in personal work; do
    while IFS= read -r line; do mark "INPUT $d $line"; done <"/tmp/run/domains/$d/input.log"
done
mark INPUT-END
tessera-ctl --socket /tmp/run/control.sock stop personal >/dev/null 2>&1
tessera-ctl --socket /tmp/run/control.sock stop work >/dev/null 2>&1
kill "$broker"
wait "$broker"
exit 0
