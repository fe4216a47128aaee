# tests/hostile/kiosk-restart-leak-guest.sh: guest side of kiosk-restart-leak-test.sh.
# tessera-brokerd lends the devices (--kiosk-devices) to tests/hostile/leaky-kiosk.c in place of
# the kiosk, as nobody in no group, in a cgroup of its own (cgroup2 mounted here). The first
# leaky kiosk passes its evdev fds to a receiver outside its cgroup (also nobody), forks a child
# that leaves its session and keeps them, and exits; the broker starts the next one. Then the
# host types p; a reader of our own sees it, and the guest reports what the child and the
# receiver read and whether the child still lives.
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
mount -t cgroup2 none /sys/fs/cgroup || { mark TSR-FAIL cannot mount cgroup2; exit 1; }
chmod 600 /dev/dri/card* /dev/input/event* || { mark TSR-FAIL cannot make the devices root-only; exit 1; }
mkdir -p /tmp/state /tmp/run /tmp/leaky
chmod 755 /tmp /tmp/state /tmp/run
chmod 777 /tmp/leaky
tsr-leaky-kiosk --receive /tmp/leaky/receiver.sock --uid 65534 2>/tmp/receiver.log &
while [ ! -S /tmp/leaky/receiver.sock ]; do sleep 0.1; done
rm -f /tmp/log.fifo /tmp/go.fifo
mkfifo /tmp/log.fifo /tmp/go.fifo
(while IFS= read -r line; do
    echo "$line" >/dev/console
    mark "LOG: $line"
    case "$line" in *LEAKY-SECOND-START*) echo go >/tmp/go.fifo ;; esac
done </tmp/log.fifo) &
tessera-brokerd --state-dir=/tmp/state --run-dir=/tmp/run --policy-dir=/etc/tsr-kiosk/policy \
    --no-udev --no-usb --testdomain=/usr/bin/tessera-testdomain --viewer=/usr/bin/tessera-viewer \
    --kiosk=/usr/bin/tsr-leaky-kiosk --kiosk-user=65534:65534 --kiosk-devices \
    --kiosk-arg=--send-to=/tmp/leaky/receiver.sock 2>/tmp/log.fifo &
broker=$!
read -r _ </tmp/go.fifo
child=$(cat /tmp/leaky/child.pid) || { mark TSR-FAIL the leaky kiosk left no child; exit 1; }
tsr-systest-guest evwait --timeout 120 --mark READY-TYPE "$kbd" KEY_P >/tmp/ours 2>&1 ||
    { mark TSR-FAIL our own reader: "$(cat /tmp/ours)"; exit 1; }
# The key reached us; give the others the same chance to read it.
sleep 1
if kill -0 "$child" 2>/dev/null; then mark CHILD alive; else mark CHILD gone; fi
mark RECEIVER "$(tr '\n' ' ' </tmp/receiver.log)"
kill "$broker"
wait "$broker"
exit 0
