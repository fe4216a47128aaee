#!/bin/sh
# tests/system/clipboard-guest-test.sh: the trusted clipboard between two real Debian domains.
#
# The fast tests prove the clipboard with testdomains that play a SPICE agent; this proves it
# with the guest's own spice-vdagent and X server. Two disposable domains of the template of
# tools/build-guest-debian (bios, TCG) run through the broker, the kiosk is driven over its
# SPICE console. In deb-a a small python3-xlib program typed into the terminal owns the
# CLIPBOARD selection with a line; in deb-b one watches CLIPBOARD (XFixes) and writes each new
# owner's text to the serial port (tsr-report). Ctrl+Shift+C in deb-a, Ctrl+Shift+V in deb-b:
# deb-b's reader reports exactly the line, and the audit log has the copy and the paste but
# not the text. Then policy is reloaded to refuse deb-a -> deb-b: copied again and pasted,
# the refusal is audited and deb-b's reader reports nothing more.
# Slow (two boots of Debian and Xorg under TCG): make check-clipboard-guest, through
# check-extra, with a time bound.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TSR_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$TSR_BUILDDIR
. "$TSR_SRCDIR/tests/harness/tap.sh"
TESTS=5
echo "1..$TESTS"
fail_all() { while [ $n -lt $TESTS ]; do notok "$1"; done; exit 0; }
[ "$(id -u)" = 0 ] || fail_all "needs root (the broker and the device models)"
start=$(date +%s)
GUEST="$B/tests/system/guest-debian"
"$TSR_SRCDIR/tools/build-guest-debian" --out "$GUEST" >"$B/tests/system/clipboard-guest.log" 2>&1 ||
    fail_all "the Debian template could not be built (tests/system/clipboard-guest.log)"

# Under /var/tmp: what other tests sweep from /tmp must not take a running domain's files.
dir=$(mktemp -d /var/tmp/tsr-clipboard-guest-XXXXXX) && chmod 755 "$dir"
install -d "$dir/policy/domains" "$dir/run" "$dir/state/templates" && install -d -m 777 "$dir/shots"
broker_pid=""
ctl() { "$B/broker/tessera-ctl" --socket "$dir/run/control.sock" --timeout 120 "$@"; }
finish() {
    [ -z "$broker_pid" ] || { for d in deb-a deb-b; do ctl stop "$d" 2>&1 | sed 's/^/# stop: /'; done
        kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null; }
    if [ "$fails${TSR_KEEP:-}" = 0 ]; then rm -rf "$dir"; else echo "# kept $dir"; fi
}
trap finish EXIT
trap 'exit 1' INT TERM
hash=$(printf 'alice-pw\n' | "$B/provisioning/tessera-provision" passwd --password-file /dev/stdin)
clip_policy() { # the [clipboard] flow, then the rest of the policy
    printf '[policy]\norganization = clip-org\n[kiosk]\nidle-lock-seconds = 0\nconsole = full\n[power]\nblank-after = 0\n'
    printf '[clipboard]\nallow = %s\n' "$1"
    printf '[laptop-group test]\ndomains = deb-a;deb-b\ngroups = staff\n'
}
clip_policy 'deb-a -> deb-b' > "$dir/policy/policy.conf"
uid=61261
for d in deb-a deb-b; do
    printf '[domain %s]\ncolour = %s\nbackend = qemu\nmemory-mib = 1024\nvcpus = 1\n' "$d" \
        "$([ $d = deb-a ] && echo red || echo blue)"
    printf 'template = debian-12\nfirmware = bios\ndisk = disposable\nnetwork = none\n'
    printf 'groups = staff\ndevice-model-uid = %s\ndevice-model-gid = %s\n' $uid $uid
    printf 'viewer-uid = %s\nviewer-gid = %s\n' $((uid + 100)) $((uid + 100))
    uid=$((uid + 1))
done > "$dir/domains.conf"
csplit -s -z -f "$dir/policy/domains/x" "$dir/domains.conf" '/^\[domain deb-b\]/'
mv "$dir/policy/domains/x00" "$dir/policy/domains/deb-a.conf"
mv "$dir/policy/domains/x01" "$dir/policy/domains/deb-b.conf"
printf '[user alice]\npassword = %s\ngroups = staff\n' "$hash" > "$dir/policy/users.conf"
printf '[group staff]\ndescription = Staff\n' > "$dir/policy/groups.conf"
: > "$dir/policy/devices.conf"
read -r file size sha < "$GUEST/manifest"
printf '[template debian-12]\nfile = %s\nformat = qcow2\nsha256 = %s\nsize = %s\n' \
    "$file" "$sha" "$size" > "$dir/policy/templates.conf"
# A copy: the backend refuses to follow a symlink to a template.
install -m 644 "$GUEST/$file" "$dir/state/templates/$file"

"$B/broker/tessera-brokerd" --state-dir="$dir/state" --run-dir="$dir/run" --policy-dir="$dir/policy" \
    --no-udev --no-usb --accel=tcg --shutdown-timeout=120000 \
    --kiosk="$B/kiosk/tessera-kiosk" --kiosk-user=65534:65534 --viewer="$B/viewer/tessera-viewer" \
    --kiosk-arg=--output=headless:1024x640 --kiosk-arg=--screenshot-dir="$dir/shots" \
    --console="$B/console/tessera-console" --console-socket="$dir/console.sock" \
    >"$dir/broker.log" 2>&1 &
broker_pid=$!
for t in $(seq 60); do [ -S "$dir/run/control.sock" ] && break; sleep 1; done
audit=$dir/state/audit/audit.log
serial() { echo "$dir/run/domains/$1/serial.log"; }
reports() { tr -d '\r' < "$(serial "$1")" 2>/dev/null | sed -n 's/^.*tsr-report: //p'; }

# drive NAME [MS]: the lines on stdin as a kiosk-spice-client script (its commands: that
# program's header), each wait bounded to MS (default 180 s), run; its output as comments.
drive() {
    name=$1
    cat > "$dir/$name.script"
    TSR_CLIENT_TIMEOUT_MS=${2:-180000} timeout 600 "$B/tests/integration/kiosk-spice-client" \
        "$dir/console.sock" "$dir/$name.script" >"$dir/$name.out" 2>&1
    rc=$?
    sed "s/^/# $name: /" "$dir/$name.out"
    return $rc
}
shots() { ls "$dir/shots" | wc -l; }
# Lines: from the desktop through the picker (KEY, then Enter) to NAME's desktop.
to_domain() { printf '%s\n' "click 300 10" "wait-shot $dir/shots picker $(shots)" "key $2" \
    "key enter" "wait-shot $dir/shots desktop-single-$1 $(shots)"; }
# tail_serial NAME: the end of NAME's serial port, as comments (what a failed step left).
tail_serial() { tr -d '\r' < "$(serial "$1")" | grep -av '^$' | tail -8 | sed "s/^/# $1 serial: /"; }
# type_line NAME LINE ACK: LINE typed into NAME's terminal until the guest reported ACK. The
# acknowledgements carry the length of what the guest got, so a key lost or repeated by a
# guest slowed down by TCG is a try that failed, not a wrong program (a guest that stalls on a
# loaded host lets QEMU's 16-byte PS/2 queue overflow and drop keys): at most 5 tries, 20 s
# each, every retry after Ctrl+C (which drops what the failed try left on the command line).
type_line() {
    for try in 1 2 3 4 5; do
        { [ $try = 1 ] || echo "chord ctrl+c"
          printf '%s\n' "type $2" "key enter" "wait-log $(serial "$1") 1 tsr-report: $3"
        } | drive "type-$1" 20000 >/dev/null && return 0
        echo "# $1: try $try of '$2' not acknowledged ($3)"
        sed "s/^/# /" "$dir/type-$1.out" | tail -2
        tail_serial "$1"
        # Whether the guest's X still takes input (a click is reported).
        clicks=$(reports "$1" | grep -c '^click ')
        printf '%s\n' "click 120 120" \
            "wait-log $(serial "$1") $((clicks + 1)) tsr-report: click x=" |
            drive "alive-$1" 30000 | grep 'of '
    done
    return 1
}
# type_program NAME FILE READY: the pointer onto NAME's terminal (twm focuses what the pointer
# entered) and a click there until the guest reported it; a helper that writes a line to
# /tmp/p.K and reports "a-K.LENGTH."; X's key repeat off, written with it and run (before any
# line of a program, each of which a repeated key would change); FILE's lines one at a time
# (short lines: a burst larger than the guest keeps up with loses keys); all of them run in the
# background until the guest reported READY.
type_program() {
    printf '%s\n' "move 100 100" "move 120 120" "click 120 120" \
        "wait-log $(serial "$1") 1 tsr-report: click x=" | drive "click-$1" || return 1
    k=0
    type_line "$1" 'a(){ echo "$2">/tmp/p.$1;echo a-$1.${#2}.>/run/tsr-report;};a h h' \
        'a-h.1.' || return 1
    for line in 'from Xlib.display import *' 'd=Display()' \
        'd.change_keyboard_control(auto_repeat_mode=0)' 'd.sync()'; do
        k=$((k + 1))
        type_line "$1" "a r$k '$line'" "a-r$k.${#line}." || return 1
    done
    type_line "$1" 'cat /tmp/p.r[1-4]|python3&&a r r' 'a-r.1.' || return 1
    k=0
    while IFS= read -r line; do
        k=$((k + 1))
        type_line "$1" "a $k '$line'" "a-$k.${#line}." || return 1
    done < "$2"
    type_line "$1" "cat /tmp/p.{1..$k}>/tmp/p.py&&a p p" 'a-p.1.' || return 1
    printf '%s\n' "type (python3 /tmp/p.py &)" "key enter" \
        "wait-log $(serial "$1") 1 tsr-report: $3" | drive "run-$1" || { tail_serial "$1"; return 1; }
    echo "# $1: $3 $(( $(date +%s) - start )) s after the start"
}
# The owner: CLIPBOARD with one line, given to whoever asks (TARGETS, UTF8_STRING). Ready once
# the agent asked for the TARGETS (it tells the viewer the guest holds text only after that).
cat > "$dir/owner.py" <<'EOF'
from Xlib import X,display,Xatom
from Xlib.protocol.event import SelectionNotify as N
d=display.Display();a=d.intern_atom
w=d.screen().root.create_window(0,0,1,1,0,0)
C,U,T=a("CLIPBOARD"),a("UTF8_STRING"),a("TARGETS")
s=("copied-%d by deb-a"%(6*7)).encode()
w.set_selection_owner(C,X.CurrentTime);d.flush()
k=0
while 1:
 e=d.next_event()
 if e.type!=X.SelectionRequest:continue
 r=e.requestor;p=e.property
 if e.target==T:r.change_property(p,Xatom.ATOM,32,[T,U]);k=1
 elif e.target==U:r.change_property(p,U,8,s)
 else:p=0
 r.send_event(N(time=e.time,requestor=r,selection=C,
  target=e.target,property=p));d.flush()
 if k:open("/run/tsr-report","w").write("owner-ready\n");k=0
EOF
# The reader: each new owner of CLIPBOARD asked for its text, which goes to the serial port.
cat > "$dir/reader.py" <<'EOF'
from Xlib import X,display
from Xlib.ext import xfixes
d=display.Display();a=d.intern_atom
w=d.screen().root.create_window(0,0,1,1,0,0)
C,U,P=a("CLIPBOARD"),a("UTF8_STRING"),a("TSR")
d.xfixes_query_version()
d.xfixes_select_selection_input(w,C,
 xfixes.XFixesSetSelectionOwnerNotifyMask)
def R(t):open("/run/tsr-report","w").write(t+"\n")
R("reader-ready")
while 1:
 e=d.next_event()
 if e.type!=X.SelectionNotify:
  w.convert_selection(C,U,P,X.CurrentTime);d.flush()
 elif e.property:
  v=w.get_full_property(P,0).value
  R("pasted "+(v.decode() if type(v)==bytes else v))
EOF
text="copied-42 by deb-a"

for d in deb-a deb-b; do ctl start "$d" | sed 's/^/# /'; done
for d in deb-a deb-b; do
    for t in $(seq 300); do reports "$d" | grep -qx terminal-ready && break; sleep 2; done
    echo "# $d: terminal ready $(( $(date +%s) - start )) s after the start"
done
# Copied in deb-a, pasted in deb-b: the picker lists deb-a, then deb-b.
allowed() {
    printf '%s\n' "wait-shot $dir/shots locked" "chord ctrl+alt+backspace" \
        "wait-shot $dir/shots login" "type alice" "key tab" "type alice-pw" "key enter" \
        "wait-shot $dir/shots picker" "key enter" "wait-shot $dir/shots desktop-single-deb-a" |
        drive login || return 1
    type_program deb-a "$dir/owner.py" owner-ready || return 1
    printf '%s\n' "chord ctrl+shift+c" "wait-log $audit 1 \"action\":\"copy\"" | drive copy ||
        return 1
    to_domain deb-b right | drive to-deb-b || return 1
    type_program deb-b "$dir/reader.py" reader-ready || return 1
    printf '%s\n' "chord ctrl+shift+v" "wait-log $(serial deb-b) 1 tsr-report: pasted " |
        drive paste
}
allowed && pasted=yes || pasted=""
reports deb-b | grep '^pasted' | sed 's/^/# deb-b reported: /'
check "copied in deb-a, pasted in deb-b: deb-b's X clipboard holds exactly deb-a's line" \
    "[ \"\$(reports deb-b | grep '^pasted ')\" = 'pasted $text' ]"
sha=$(printf '%s' "$text" | sha256sum | cut -d' ' -f1)
check "the audit log has the paste deb-a -> deb-b with its size and sha256" \
    "grep '\"action\":\"paste\"' '$audit' | grep -q '\"source\":\"deb-a\",\"target\":\"deb-b\",\"size\":\"${#text}\",\"sha256\":\"$sha\"'"

# Policy refuses deb-a -> deb-b now: copied again in deb-a, the paste into deb-b reaches
# nothing (its reader would report a new owner of CLIPBOARD).
clip_policy 'deb-b -> deb-a' > "$dir/policy/policy.conf"
# A reload locks the session (the broker sends the kiosk its settings as to a new one): the
# SAS and alice's password first, back to deb-b's desktop.
before_reload=$(shots)
ctl reload | sed 's/^/# reload: /'
refused() {
    { printf '%s\n' "wait-shot $dir/shots lock $1" "chord ctrl+alt+backspace" \
          "wait-shot $dir/shots unlock $1" "type alice-pw" "key enter" \
          "wait-shot $dir/shots desktop-single-deb-b $1"
      to_domain deb-a left
      printf '%s\n' "chord ctrl+shift+c" "wait-log $audit 2 \"action\":\"copy\""
      to_domain deb-b right
      printf '%s\n' "chord ctrl+shift+v" "wait-log $audit 1 \"action\":\"refused\""
    } | drive refused
}
# Only after a paste that went through: otherwise nothing is there to refuse.
[ -z "$pasted" ] || refused "$before_reload"
check "refused by policy: the refusal deb-a -> deb-b is audited" \
    "grep '\"action\":\"refused\"' '$audit' | grep -q '\"source\":\"deb-a\",\"target\":\"deb-b\"'"
sleep 10
check "refused by policy: deb-b's serial shows nothing new" \
    "[ \"\$(reports deb-b | grep -c '^pasted')\" = 1 ]"
check "the audit log never holds the text" "[ -s '$audit' ] && ! grep -q 'copied-' '$audit'"
echo "# whole test: $(( $(date +%s) - start )) s"
exit 0
