#!/bin/sh
# tests/hostile/kiosk-restart-leak-test.sh: a compromised kiosk tries to keep reading keys after
# the broker replaced it, in a booted guest (the kiosk-input guest's set-up).
#
# tests/hostile/leaky-kiosk.c plays the kiosk: it takes the evdev fds the broker lends, forks a
# child that leaves its session and keeps them, passes them to a process of its uid outside its
# cgroup, and exits; the broker starts a new kiosk. The host then types p. Attacks, one result
# each: what the kiosk left behind reads it (the child and the outside process share those open
# files, so either may get it; stopped by EVIOCREVOKE on every lent fd, which the outside
# process proves on its own), and the child lives on into the next session (stopped by killing
# the kiosk's cgroup).
. "$TSR_SRCDIR/tests/system/lib.sh"

. "$TSR_SRCDIR/tests/system/kiosk-sim-guest.sh"

sys_start kiosk-restart-leak 5
kiosk_sim_boot leak-org leak 61400 "Alice Leak" "$TSR_SRCDIR/tests/hostile/kiosk-restart-leak-guest.sh" \
    --bin "$TSR_BUILDDIR/tests/hostile/tsr-leaky-kiosk"
restarted() {
    sys_wait '^READY-TYPE' 120 >/dev/null &&
        grep -q '^LOG: LEAKY-LENT [1-9]' "$SYS_OUT.marks" &&
        grep -q '^LOG: LEAKY-CHILD [0-9]' "$SYS_OUT.marks"
}
sys_check "the leaky kiosk got the lent evdev fds, forked its child and was replaced" restarted
typed() { sys_type "p" && sys_wait '^RECEIVER' 60 >/dev/null; }
# KEY_P is evdev code 25.
no_read() { # WHO
    if grep -q "^LOG: LEAKY-$1-READ 25" "$SYS_OUT.marks" || grep -q "^RECEIVER .*LEAKY-$1-READ 25" "$SYS_OUT.marks"; then
        sys_diag "the $1 read the key typed after the restart"
        return 1
    fi
}
left_behind_no_read() {
    typed || return 1
    grep -q '^RECEIVER .*LEAKY-RECEIVER-GOT [1-9]' "$SYS_OUT.marks" || { sys_diag "the receiver got no fd"; return 1; }
    no_read CHILD && no_read RECEIVER
}
sys_check "kiosk keeps evdev fds in a child and outside its cgroup: none reads a key after the restart" left_behind_no_read
child_gone() { grep -q '^CHILD gone' "$SYS_OUT.marks" || { sys_diag "the kiosk's child still runs"; return 1; }; }
sys_check "kiosk child leaves its session: killed with the kiosk's cgroup" child_gone
sys_check "guest script ends with status 0" sys_finish
sys_done
