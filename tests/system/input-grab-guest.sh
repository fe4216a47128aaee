# tests/system/input-grab-guest.sh: guest side of input-grab-test.sh (runs as /test.sh).
. /lib/systest.sh
set -u
kbd=$(input_dev "QEMU Virtio Keyboard") || { mark TSR-FAIL no virtio keyboard; exit 1; }
tty1_raw

# A second reader of the keyboard, opened alongside the grab: it must see nothing until the
# probe is dead, then the host's "z".
tsr-systest-guest evwait --timeout 120 "$kbd" KEY_Z >/tmp/second 2>/tmp/second.err &
second=$!

mkdir -p /tmp/rec
tsr-input-probe --vt /dev/tty1 /tmp/rec 2>/tmp/probe.log &
probe=$!
wait $probe
rc=$?
cat /tmp/probe.log
[ $rc = 137 ] || { mark TSR-FAIL "probe ended with $rc, not SIGKILL"; exit 1; }
mark PROBE-KILLED
for d in 0 1; do echo "domain $d:"; cat /tmp/rec/domain-$d.keys; done
wait $second || { mark TSR-FAIL second reader: "$(cat /tmp/second.err)"; exit 1; }
mark SECOND-READER "$(tr '\n' ' ' </tmp/second)"

# The console: nothing typed so far may be waiting in tty1. Turn its keyboard back on and have
# the host type q: the first byte tty1 reads must be that q.
tsr-systest-guest kbmode /dev/tty1 unicode || { mark TSR-FAIL cannot reset tty1; exit 1; }
tsr-systest-guest ttyread /dev/tty1 >/tmp/tty &
tty=$!
mark READY-Q
wait $tty
mark TTY-READ "$(cat /tmp/tty)"
exit 0
