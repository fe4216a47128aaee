# tests/system/kiosk-input-guest.sh: guest side of kiosk-input-test.sh (runs as /test.sh).
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
# The kiosk runs as nobody; udev would give it the input group, here the nodes are opened up.
chmod 666 /dev/input/event*
mkdir -p /tmp/state /tmp/run /tmp/shots
chmod 755 /tmp /tmp/run
chmod 777 /tmp/shots

# A second reader of the keyboard: it must see nothing while the kiosk holds the grab.
tsr-systest-guest evwait --timeout 600 "$kbd" KEY_Q >/tmp/second 2>/tmp/second.err &
second=$!

mkfifo /tmp/broker.out
tessera-brokerd --state-dir=/tmp/state --run-dir=/tmp/run --policy-dir=/policy \
    --no-udev --no-usb --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer \
    --kiosk=/usr/bin/tessera-kiosk --kiosk-user=65534:65534 \
    --kiosk-arg=--output=headless:1024x640 --kiosk-arg=--evdev \
    --kiosk-arg=--screenshot-dir=/tmp/shots --kiosk-arg=--clock=12:00 \
    --kiosk-arg=--organization=input-org --shutdown-timeout=5000 >/tmp/broker.out 2>&1 &
broker=$!
# Its log on the console, and a mark once the kiosk runs.
while read -r line; do
    echo "$line"
    case "$line" in *"kiosk running on"*) mark KIOSK-UP ;; esac
done </tmp/broker.out &

# Every screen the kiosk shows becomes a mark (SHOT NN-name.png) for the host, which types
# its way through; the lock screen after the SAS is the last.
tsr-input-probe watch /tmp/shots SHOT -lock.png || { mark TSR-FAIL watching the screens; exit 1; }

kill $broker
wait $broker

for d in personal work; do
    mark REC $d "$(grep '^key ' /tmp/run/domains/$d/input.log | tr '\n' ' ')"
done
mark KIOSK-GONE
wait $second || { mark TSR-FAIL second reader: "$(cat /tmp/second.err)"; exit 1; }
mark SECOND-READER "$(tr '\n' ' ' </tmp/second)"
exit 0
