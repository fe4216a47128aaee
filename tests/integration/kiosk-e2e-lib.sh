# tests/integration/kiosk-e2e-lib.sh: shared set-up of the kiosk's end-to-end tests (sourced).
#
# e2e_setup BACKEND CONSOLE [BROKER-ARG...] writes a policy source (user alice "alice-pw";
# domains work red, personal green, banking blue on BACKEND, sim or qemu; console rights
# CONSOLE) and starts tessera-brokerd with tessera-kiosk as nobody on a headless 1024x640
# output; the broker starts tessera-console (its socket root's, 0600) for each kiosk and hands
# the kiosk its link. Then: ctl ARGS (tessera-ctl),
# client NAME (runs $dir/NAME.script with tests/integration/kiosk-spice-client), policy_conf
# CONSOLE (rewrite policy.conf). The caller sets B, fails and n; cleanup runs on exit.
# e2e_plan N prints the plan and, when not root, N skips and exits; e2e_login_lines prints the
# client lines that log alice in from the locked screen up to the picker.
# For qemu set GUEST (a tools/build-guest-image output directory) first.
e2e_plan() {
echo "1..$1"
if [ "$(id -u)" != 0 ]; then
    for i in $(seq "$1"); do echo "ok $i # SKIP needs root (the kiosk and console drop to nobody)"; done
    exit 0
fi
}

e2e_login_lines() {
    printf '%s\n' "chord ctrl+alt+backspace" "wait-shot $dir/shots login" "type alice" "key tab" \
        "type alice-pw" "key enter" "wait-shot $dir/shots picker"
}

e2e_setup() {
backend=$1; console=$2; shift 2
extra_args="$*"  # no spaces in them
dir=$(mktemp -d /tmp/tsr-kiosk-e2e-XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir/policy/domains" "$dir/shots" "$dir/run" "$dir/state"
chmod 777 "$dir/shots"
broker_pid=""
ctl() { "$B/broker/tessera-ctl" --socket "$dir/run/control.sock" --timeout 30 "$@"; }
cleanup() {
    if [ -n "$broker_pid" ]; then
        # Every one with a process (a logout pauses them), which the broker leaves behind when
        # it ends; stopped and crashed ones have nothing to stop.
        for d in $(ctl domains | awk '$2 == "running" || $2 == "paused" || $2 == "starting" { print $1 }'); do
            ctl stop "$d" 2>&1 | sed "s/^/# cleanup: /"
        done
        kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null
    fi
    if [ "$fails" = 0 ] && [ -z "${TSR_KEEP:-}" ]; then rm -rf "$dir"; else echo "# kept $dir for a look"; fi
}
trap cleanup EXIT INT TERM

printf 'alice-pw\n' > "$dir/pw"
hash=$("$B/provisioning/tessera-provision" passwd --password-file "$dir/pw")
. "${TSR_SRCDIR:-$(dirname "$0")/../..}/tests/system/kiosk-sim-policy.sh"
policy_conf() {
    kiosk_policy_conf "$dir/policy/policy.conf" e2e-org e2e "work;personal;banking" "$1"
}
policy_conf "$console"
i=1
for d in "work red" "personal green" "banking blue"; do
    set -- $d
    cat > "$dir/policy/domains/$1.conf" <<EOF
[domain $1]
label = $1
colour = $2
backend = $backend
memory-mib = 256$([ "$backend" = qemu ] && printf '\nvcpus = 1\ntemplate = guest')
disk = persistent
network = none
groups = staff
device-model-uid = 6120$i
device-model-gid = 6120$i
viewer-uid = 6130$i
viewer-gid = 6130$i
EOF
    i=$((i + 1))
done
printf '[user alice]\nfull-name = Alice E2E\npassword = %s\ngroups = staff\n' "$hash" > "$dir/policy/users.conf"
printf '[group staff]\ndescription = Staff\n' > "$dir/policy/groups.conf"
: > "$dir/policy/devices.conf"
: > "$dir/policy/templates.conf"
if [ "$backend" = qemu ]; then
    pin=$(grep '^template.qcow2 ' "$GUEST/manifest")
    printf '[template guest]\nfile = template.qcow2\nformat = qcow2\nsha256 = %s\nsize = %s\n' \
        "$(echo "$pin" | cut -d' ' -f3)" "$(echo "$pin" | cut -d' ' -f2)" > "$dir/policy/templates.conf"
    mkdir -p "$dir/state/templates"
    # A copy: the backend refuses to follow a symlink to a template.
    cp "$GUEST/template.qcow2" "$dir/state/templates/template.qcow2"
    extra_args="$extra_args --guest-kernel=$GUEST/vmlinuz --guest-initrd=$GUEST/initrd.img --accel=tcg"
fi

"$B/broker/tessera-brokerd" --state-dir="$dir/state" --run-dir="$dir/run" --policy-dir="$dir/policy" \
    --no-udev --no-usb --testdomain="$B/tests/testdomain/tessera-testdomain" --viewer="$B/viewer/tessera-viewer" \
    --kiosk="$B/kiosk/tessera-kiosk" --kiosk-user=65534:65534 \
    --kiosk-arg=--output=headless:1024x640 --kiosk-arg=--screenshot-dir="$dir/shots" \
    --console="$B/console/tessera-console" --console-socket="$dir/console.sock" \
    --kiosk-arg=--clock=12:00 --kiosk-arg=--organization=e2e-org \
    --shutdown-timeout=5000 $extra_args >"$dir/broker.log" 2>&1 &
broker_pid=$!
}

client() { # NAME: run the script in $dir/NAME.script
    timeout "${CLIENT_TIMEOUT:-120}" "$B/tests/integration/kiosk-spice-client" "$dir/console.sock" "$dir/$1.script" \
        >"$dir/$1.out" 2>&1
    rc=$?
    sed 's/^/# /' "$dir/$1.out"
    return $rc
}
shots() { ls "$dir/shots" | tr '\n' ' '; }
