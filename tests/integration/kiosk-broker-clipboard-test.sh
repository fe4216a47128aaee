#!/bin/sh
# tests/integration/kiosk-broker-clipboard-test.sh: the trusted clipboard in broker mode, end to
# end: tessera-brokerd with sim domains whose testdomains play a clipboard agent (each has copied
# "text from NAME"), the real kiosk on a headless output and a SPICE console client as the user.
# The broker tells the kiosk policy's [clipboard] (allow = work -> personal); Ctrl+Shift+C in
# work and Ctrl+Shift+V in personal hand personal's agent exactly work's text, and the broker's
# audit log has the copy and the paste (size, sha256) but never the text; copied in personal,
# the paste into work is refused: work's agent gets nothing and the refusal is audited; the SAS
# locks the session, which empties the clipboard (audited), and so does logging out.
set -u
: "${TSR_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
B=$TSR_BUILDDIR
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/kiosk-e2e-lib.sh"
e2e_plan 6

# The sim backend's testdomain, with the agent's clipboard holding "text from NAME".
wrap=$(mktemp -d /tmp/tsr-clip-td-XXXXXX)
chmod 755 "$wrap"
cat > "$wrap/td" <<EOF
#!/bin/sh
name=; prev=
for a in "\$@"; do [ "\$prev" = --title ] && name=\$a; prev=\$a; done
exec "$B/tests/testdomain/tessera-testdomain" "\$@" --agent --clipboard --clipboard-copy "text from \$name"
EOF
chmod 755 "$wrap/td"

e2e_setup sim full --testdomain="$wrap/td"
trap 'cleanup; rm -rf "$wrap"' EXIT INT TERM
printf '[clipboard]\nallow = work -> personal\n' >> "$dir/policy/policy.conf"
ctl reload >/dev/null
audit=$dir/state/audit/audit.log

# Picker tiles: banking, personal, work.
e2e_login_lines > "$dir/copy.script"
cat >> "$dir/copy.script" <<EOF
key right
key right
key enter
wait-shot $dir/shots desktop-single-work
chord ctrl+shift+c
wait-log $audit 1 "action":"copy"
click 300 10
wait-shot $dir/shots picker
key left
key enter
wait-shot $dir/shots desktop-single-personal
chord ctrl+shift+v
wait-log $dir/run/domains/personal/input.log 1 clipboard text from work
EOF
check "copied in work, pasted in personal: personal's agent got work's text" "client copy"
sha=$(printf 'text from work' | sha256sum | cut -d' ' -f1)
check "the broker's audit log has the paste with source, target, size and sha256" \
    "grep '\"event\":\"clipboard\"' '$audit' | grep '\"action\":\"paste\"' | grep '\"source\":\"work\",\"target\":\"personal\",\"size\":\"14\",\"sha256\":\"$sha\"' >/dev/null"

# copy_then_next N: the copy hotkey until the Nth copy is audited, then to the picker and the
# next tile; the picker must be up before those keys: a shot newer than those so far.
copy_then_next() {
    printf '%s\n' "chord ctrl+shift+c" "wait-log $audit $1 \"action\":\"copy\"" "click 300 10" \
        "wait-shot $dir/shots picker $(ls "$dir/shots" | wc -l)" "key right" "key enter"
}
copy_then_next 2 > "$dir/refused.script"
cat >> "$dir/refused.script" <<EOF
wait-shot $dir/shots desktop-single-work
chord ctrl+shift+v
wait-log $audit 1 "action":"refused"
chord ctrl+alt+backspace
wait-log $audit 1 "reason":"lock"
EOF
check "copied in personal, the paste into work is refused and audited; locking empties it" \
    "client refused && grep '\"action\":\"emptied\"' '$audit' | grep -q '\"source\":\"personal\"'"
check "work's agent got no clipboard text" \
    "! grep -q '^clipboard ' '$dir/run/domains/work/input.log'"
check "the audit log never holds the text" "! grep -q 'text from' '$audit'"
# Unlocked again, copied in work, then logged out from the picker (its last tile, confirmed).
shots_now=$(ls "$dir/shots" | wc -l)
cat > "$dir/logout.script" <<EOF
chord ctrl+alt+backspace
wait-shot $dir/shots unlock $shots_now
type alice-pw
key enter
wait-shot $dir/shots desktop-single-work $shots_now
EOF
copy_then_next 3 >> "$dir/logout.script"
printf '%s\n' "key enter" "wait-log $audit 1 \"reason\":\"logout\"" >> "$dir/logout.script"
check "logging out empties it (audited with the source, work)" \
    "client logout && grep '\"reason\":\"logout\"' '$audit' | grep -q '\"source\":\"work\"'"
for d in personal work; do grep '^clipboard' "$dir/run/domains/$d/input.log" | sed "s/^/# $d: /"; done
exit 0
