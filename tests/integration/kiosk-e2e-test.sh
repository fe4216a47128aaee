#!/bin/sh
# tests/integration/kiosk-e2e-test.sh: the whole session, end to end, through the SPICE console.
#
# tessera-brokerd runs sim domains (testdomains) from a policy source and starts the kiosk
# (tessera-kiosk) as nobody on a headless output; the broker starts tessera-console (as root,
# so it can enter its sandbox) for each kiosk and hands the kiosk its link, and
# tests/integration/kiosk-spice-client drives it all as a remote-viewer user would. Screens are
# recognised by the screenshots the kiosk writes for each screen it shows, and compared with
# tests/reference/kiosk-e2e-*.png (the clock is fixed with --clock).
#
# What it proves: with view-only console rights no key does anything; a console killed by a
# signal is started again and linked to the kiosk with the same rights; with full rights the SAS,
# a wrong and then the right password, the picker, picking two domains (tessera-viewer shows
# them), typing and clicking into each, the layout hotkey and the SAS from inside a domain work,
# and each testdomain's --record-input holds exactly its own keys and click (no SAS keys); a
# kiosk killed with -9 comes back locked while the domains keep running. Regenerate the references with TSR_REGENERATE_REFERENCES=1.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$TSR_BUILDDIR
. "$(dirname "$0")/../harness/tap.sh"

echo "1..14"
if [ "$(id -u)" != 0 ]; then
    for i in $(seq 14); do echo "ok $i # SKIP needs root (the kiosk and console drop to nobody)"; done
    exit 0
fi

. "$(dirname "$0")/kiosk-e2e-lib.sh"
e2e_setup sim view

# 1. view-only: the console shows the kiosk, but none of its keys does anything. The client
# stays connected until the kiosk has seen them all: a client that leaves at once may lose what
# it sent last (kiosk-spice-client.c).
cat > "$dir/view.script" <<EOF
wait-shot $dir/shots locked
compare $dir/shots locked kiosk-e2e-locked
chord ctrl+alt+backspace
type alice
key tab
type alice-pw
key enter
wait-log $dir/broker.log 18 console key ignored
EOF
# Every key press (18) is reported as ignored; had one gone through, its line would be missing.
check "view-only console: the locked screen matches its reference, all 18 key presses ignored" \
    "client view"
check "view-only console: no login screen, no login attempt" \
    "grep -q 'console key ignored' '$dir/broker.log' && ! ls '$dir/shots' | grep -q login && ! grep -q '\"event\":\"login\"' '$dir/state/audit/audit.log' 2>/dev/null"

# A console that crashes (a client can make spice-server 0.15.1 do that, doc/console.md) is
# started again by the broker, and the kiosk takes the new link at once with the rights it had.
console_pid=$(pgrep -P "$broker_pid" -f tessera-console | head -1)
[ -n "$console_pid" ] && kill -SEGV "$console_pid"
cat > "$dir/again.script" <<EOF
wait-log $dir/broker.log 2 console started
chord ctrl+alt+backspace
wait-log $dir/broker.log 21 console key ignored
EOF
check "a console that crashed is started again and linked to the kiosk: its keys still ignored" \
    "[ -n '$console_pid' ] && client again && grep -q '\"event\":\"console-crashed\"' '$dir/state/audit/audit.log'"

# 2. full rights: the whole flow.
policy_conf full
ctl reload >/dev/null
cat > "$dir/full.script" <<EOF
# keys typed before the SAS go nowhere
type alice-pw
key enter
chord ctrl+alt+backspace
wait-shot $dir/shots login
type alice
key tab
type wrong
key enter
wait-shot $dir/shots login-error
compare $dir/shots login-error kiosk-e2e-login-wrong
type alice-pw
key enter
wait-shot $dir/shots picker
compare $dir/shots picker kiosk-e2e-picker
# pick personal (banking, personal, work): its viewer's first frame puts it on the desktop
key right
key enter
wait-shot $dir/shots desktop-single-personal
type abc
click 512 332
# a click on the top bar goes back to the picker; pick work
click 300 10
wait-shot $dir/shots picker
compare $dir/shots picker kiosk-e2e-picker-running
key right
key enter
wait-shot $dir/shots desktop-single-work
type xyz
click 512 332
chord super+space
wait-shot $dir/shots desktop-tiled-work
# the SAS from inside a domain: the lock screen, and the domain sees none of it
chord ctrl+alt+backspace
wait-shot $dir/shots lock
compare $dir/shots lock kiosk-e2e-lock
EOF
check "full console: SAS, wrong then right password, picker, pick, SAS locks (screens match)" "client full"
check "the broker saw one denied and one good login, nothing before the SAS" \
    "[ \$(grep -c '\"event\":\"login\"' '$dir/state/audit/audit.log') -eq 2 ] && grep '\"event\":\"login\"' '$dir/state/audit/audit.log' | head -1 | grep -q denied"
check "the picked domains (personal, work) run" \
    "ctl domains | grep personal | grep -q running && ctl domains | grep work | grep -q running"
keys_of() { grep '^key ' "$dir/run/domains/$1/input.log" | tr '\n' ' '; }
clicks_of() { grep 'buttons=1' "$dir/run/domains/$1/input.log" | head -1; }
near_centre() { # "pointer X Y buttons=1": the centre of the 1024x768 surface, give or take 2
    echo "$1" | awk '{ x = $2 - 512; y = $3 - 384; exit !(x * x <= 4 && y * y <= 4) }'
}
check "personal got exactly its own keys (a b c)" \
    "[ \"\$(keys_of personal)\" = 'key 0x1e down key 0x1e up key 0x30 down key 0x30 up key 0x2e down key 0x2e up ' ]"
check "work got exactly its own keys (x y z): no SAS, no modifier" \
    "[ \"\$(keys_of work)\" = 'key 0x2d down key 0x2d up key 0x15 down key 0x15 up key 0x2c down key 0x2c up ' ]"
check "each domain got its click at the centre of its surface" \
    "near_centre \"\$(clicks_of personal)\" && near_centre \"\$(clicks_of work)\""
for d in personal work; do sed "s/^/# $d: /" "$dir/run/domains/$d/input.log"; done

# 3. kill -9: the broker restarts the kiosk, which comes back locked; the domain still runs.
kiosk_pid=$(pgrep -P "$broker_pid" -f tessera-kiosk | head -1)
check "found the kiosk's pid" "[ -n '$kiosk_pid' ]"
before=$(ls "$dir/shots" | wc -l)
kill -9 "$kiosk_pid"
cat > "$dir/restart.script" <<EOF
wait-shot $dir/shots lock $before
reconnect
compare $dir/shots lock kiosk-e2e-lock-restarted
chord ctrl+alt+backspace
wait-shot $dir/shots unlock
type alice-pw
key enter
wait-shot $dir/shots picker
EOF
# The new console only exists once the new kiosk connected: wait for the lock shot first.
check "a kiosk killed with -9 comes back locked, and unlocks" "client restart"
check "the domains survived the kiosk" \
    "ctl domains | grep personal | grep -q running && ctl domains | grep work | grep -q running"
check "the broker restarted the kiosk" "grep -q 'kiosk started' '$dir/broker.log' && [ \$(grep -c 'kiosk started' '$dir/broker.log') -ge 2 ]"
# kiosk/sandbox.c: the running kiosk has no_new_privs and a seccomp filter (mode 2), no groups,
# and its box still lets it compile policy's keymap (xkbcommon reads its files).
sandboxed() {
    if grep -q 'keyboard layout from policy' "$dir/broker.log"; then
        grep 'keyboard layout from policy' "$dir/broker.log" | sed 's/^/# /'
        return 1
    fi
    kpid=$(ctl status | awk '$1 == "kiosk" && $2 == "pid" { sub(",", "", $3); print $3 }')
    [ -n "$kpid" ] && [ -r "/proc/$kpid/status" ] || { echo "# no kiosk pid"; return 1; }
    grep -E '^(NoNewPrivs|Seccomp|Groups|Uid):' "/proc/$kpid/status" | sed 's/^/# /'
    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$kpid/status" &&
        grep -q '^Seccomp:[[:space:]]*2$' "/proc/$kpid/status" &&
        grep -q '^Groups:[[:space:]]*$' "/proc/$kpid/status"
}
check "the kiosk runs with no_new_privs, its seccomp allowlist and no groups, and still compiles policy's keymap" sandboxed
exit 0
