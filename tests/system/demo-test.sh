#!/bin/sh
# tests/system/demo-test.sh: tools/demo as a first-time user runs it, once per mode (sim, qemu).
#
# For each mode it runs `tools/demo --no-deps --build BUILDDIR` on the tree this test belongs to
# (tools/check's build/check: nothing is configured or built again), and proves what the README
# promises: the broker starts, the kiosk reaches its locked screen, the viewer it tells the user
# to run (remote-viewer) is installed, a session driven through the SPICE console
# (tests/integration/kiosk-spice-client, as remote-viewer would) logs in as the demo's alice with
# the password the demo printed, picks work, and the domain's own pixels (testdomain's background,
# or tessera-guest-hello's) fill its frame. Then the demo is stopped as Ctrl+C would, and nothing
# of it is left: no process with its work directory on its command line, the work directory 0700
# holding only screenshots/ and broker.log, and no file in it readable by anyone but root. One TAP
# result per mode, named after it.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TSR_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$(cd "$TSR_BUILDDIR" && pwd)
S=$(cd "$TSR_SRCDIR" && pwd)
n=0
echo "1..2"
skip_all() { echo "ok 1 # SKIP $1"; echo "ok 2 # SKIP $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "needs root (the demo starts domains as their own users)"
command -v socat >/dev/null || skip_all "socat is missing (tools/install-deps installs it)"

tmp=$(mktemp -d /tmp/tsr-demo-test-XXXXXX)
# The kiosk, viewers and device models run as their own users and must reach the work dirs.
chmod 755 "$tmp"
demo_pid=""
cleanup() {
    [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null
    [ -z "${TSR_KEEP:-}" ] && rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Processes with PATH/ on their command line (the demo's own shell excepted).
leftovers() {
    for p in /proc/[0-9]*; do
        [ -r "$p/cmdline" ] || continue
        tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q -- "$1/" && echo "${p#/proc/}"
    done
}

# run_mode MODE COLOUR: one TAP result.
run_mode() {
    mode=$1; colour=$2
    n=$((n + 1))
    why=""
    work="$tmp/$mode"; ready="$tmp/$mode.ready"; out="$tmp/$mode.out"
    flag=""; [ "$mode" = sim ] && flag=--sim
    # setsid: the demo and what it starts get their own session, as under a terminal.
    setsid "$S/tools/demo" --no-deps --build "$B" $flag --dir "$work" --size 1024x640 \
        --ready-file "$ready" >"$out" 2>&1 &
    demo_pid=$!
    i=0
    while [ ! -s "$ready" ]; do
        if ! kill -0 "$demo_pid" 2>/dev/null; then why="the demo ended before the locked screen"; break; fi
        i=$((i + 1)); [ $i -lt 3000 ] || { why="no locked screen within 300 s"; break; }
        sleep 0.1
    done
    # While it runs, only the kiosk's user may write the screenshots and nobody else read them.
    if [ -z "$why" ]; then
        shots_mode=$(stat -c '%a %u' "$work/screenshots")
        [ "$shots_mode" = "700 65534" ] || why="the screenshots directory is $shots_mode, not 700 owned by the kiosk's user"
    fi
    # What it tells the user to open the kiosk with is there: tools/install-deps installs it.
    if [ -z "$why" ]; then
        viewer_cmd=$(awk '/spice\+unix:\/\// { print $1; exit }' "$out")
        command -v "${viewer_cmd:-none}" >/dev/null ||
            why="the demo tells the user to run '${viewer_cmd:-nothing}', which is not installed (tools/install-deps)"
    fi
    if [ -z "$why" ]; then
        pw=$(awk '$1 == "alice" { print $2 }' "$work/passwords")
        cat > "$tmp/$mode.script" <<SCRIPT
wait-shot $work/screenshots locked
chord ctrl+alt+backspace
wait-shot $work/screenshots login
type alice
key tab
type $pw
key enter
wait-shot $work/screenshots picker
# the tiles are banking, personal, work; a new session starts on the first
key right
key right
key enter
wait-shot $work/screenshots desktop-single-work
wait-color $work/screenshots desktop $colour 20
SCRIPT
        TSR_CLIENT_TIMEOUT_MS=150000 timeout 400 "$B/tests/integration/kiosk-spice-client" \
            "$work/console.sock" "$tmp/$mode.script" >"$tmp/$mode.client" 2>&1 ||
            why="the scripted session failed: $(tail -1 "$tmp/$mode.client")"
        sed 's/^/# /' "$tmp/$mode.client"
    fi
    # Stop as Ctrl+C does (the demo's trap stops the domains, then everything else). SIGTERM:
    # a shell script's background job ignores SIGINT.
    kill -TERM "$demo_pid" 2>/dev/null
    i=0
    while kill -0 "$demo_pid" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 1200 ] || { why="${why:-the demo did not stop within 120 s}"; kill -9 "$demo_pid"; break; }
        sleep 0.1
    done
    wait "$demo_pid" 2>/dev/null
    demo_pid=""
    sed 's/^/# demo: /' "$out"
    left=$(leftovers "$work")
    if [ -n "$left" ]; then
        why="${why:-left running: $left}"
        for p in $left; do kill -9 "$p" 2>/dev/null; done
    fi
    [ "$(stat -c %a "$work")" = 700 ] || why="${why:-the work directory is $(stat -c %a "$work"), not 700}"
    kept=$(ls -A "$work" | tr '\n' ' ')
    [ "$kept" = "broker.log screenshots " ] || why="${why:-the work directory still holds: $kept}"
    readable=$(find "$work" -mindepth 1 \( -perm -o+r -o -perm -g+r \) | head -3)
    [ -z "$readable" ] || why="${why:-readable by others: $readable}"
    grep -q "stopped; kept in $work" "$out" || why="${why:-the demo did not say what it kept}"
    if [ -z "$why" ]; then
        echo "ok $n - $mode"
    else
        echo "# $mode: $why"
        sed 's/^/# broker.log: /' "$work/broker.log" 2>/dev/null | tail -40
        echo "not ok $n - $mode"
    fi
}

# The sim domain's background (tests/testdomain/pattern.h TSR_TD_ECHO_BG) and the guest's
# (tests/guest/guest-hello.c BG).
run_mode sim 102040
run_mode qemu 203040
