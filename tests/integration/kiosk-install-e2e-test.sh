#!/bin/sh
# tests/integration/kiosk-install-e2e-test.sh: the install offer on the real kiosk.
#
# tessera-brokerd with a stand-in tessera-install whose --list names /dev/vdb starts the real
# tessera-kiosk as nobody, in its sandbox, on a headless output: the kiosk's first screen is the
# offer, as its reference (tests/reference/kiosk-e2e-install-offer.png; regenerate with
# TSR_REGENERATE_REFERENCES=1) shows it. The SPICE console, even with full rights, cannot answer
# it: the disk's name and Enter typed there are each logged as ignored, nothing is confirmed and
# the installer is never run to install. Typing on the laptop's own keyboard is
# kiosk-session-test's and the laptop image's (no evdev here).
set -u
B=${TSR_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/kiosk-e2e-lib.sh"
e2e_plan 3

# The stand-in: --list names /dev/vdb; each call is written down.
inst=$(mktemp -d /tmp/tsr-install-e2e-XXXXXX)
printf '#!/bin/sh\necho "$*" >>%s/calls\n[ "$1" != --list ] || printf "%s"\n' "$inst" \
    '/dev/vdb\t3221225472\tQEMU HARDDISK\n' >"$inst/tessera-install"
chmod 755 "$inst" "$inst/tessera-install"
e2e_setup sim full "--installer=$inst/tessera-install" --install-then=stay

cat > "$dir/offer.script" <<SCRIPT
wait-shot $dir/shots install-offer
compare $dir/shots install-offer kiosk-e2e-install-offer
SCRIPT
check "the kiosk's first screen is the offer to install onto vdb, as its reference" \
    "client offer && grep -q '\"event\":\"install-offered\"' '$dir/state/audit/audit.log'"
cat > "$dir/console.script" <<SCRIPT
type vdb
key enter
wait-log $dir/broker.log 4 install screen: a key from the console ignored
SCRIPT
check "the console's keys (vdb, Enter) are ignored on the install screen" "client console"
check "nothing confirmed, the installer asked only --list" \
    "[ \"\$(cat '$inst/calls')\" = --list ] && ! grep -q install-confirmed '$dir/state/audit/audit.log' && ! ls '$dir/shots' | grep -q install-running"
rm -rf "$inst"
[ "$fails" = 0 ]
