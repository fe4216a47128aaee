#!/bin/sh
# tests/integration/broker-ctl-test.sh: tessera-ctl against a real tessera-brokerd (sim backend,
# no kiosk): every command in both output forms, --since forms, and the exit codes for usage
# errors (2), refusals (1) and an unreachable broker (3). TAP.
set -u
b=${TSR_BUILDDIR:-.}
ctl=$b/broker/tessera-ctl
brokerd=$b/broker/tessera-brokerd
t=$(mktemp -d "${TMPDIR:-/tmp}/tsr-ctl.XXXXXX")
chmod 755 "$t"
pid=
cleanup() {
    if [ -n "$pid" ]; then
        "$ctl" --socket "$t/run/control.sock" stop web >/dev/null 2>&1
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$t"
}
trap cleanup EXIT
mkdir -p "$t/pol/domains"
cat >"$t/pol/policy.conf" <<'X'
[policy]
organization = ctl-org
[laptop-group g]
domains = web
users = nobody-here
X
cat >"$t/pol/domains/web.conf" <<'X'
[domain web]
colour = red
backend = sim
memory-mib = 64
disk = disposable
network = none
device-model-uid = 61003
device-model-gid = 61003
X
: >"$t/pol/users.conf"
: >"$t/pol/groups.conf"
: >"$t/pol/devices.conf"
: >"$t/pol/templates.conf"
# users.conf needs the user the laptop group names (a real hash, made by tessera-provision).
echo "some password" >"$t/pw"
hash=$("$b/provisioning/tessera-provision" passwd --password-file "$t/pw") || hash=missing
printf '[user nobody-here]\npassword = %s\n' "$hash" >"$t/pol/users.conf"
mkfifo "$t/ready"
"$brokerd" --state-dir="$t/state" --run-dir="$t/run" --policy-dir="$t/pol" --no-kiosk --no-usb \
    --testdomain="$b/tests/testdomain/tessera-testdomain" --shutdown-timeout=5000 --ready-fd=9 \
    9>"$t/ready" 2>"$t/brokerd.log" &
pid=$!
# Readiness: the broker writes READY to the fifo (read blocks until then, or EOF if it died).
read -r ready <"$t/ready" || ready=
S="--socket $t/run/control.sock"

n=0
check() { # check NAME EXPECTED-STATUS COMMAND... ; output in $t/out
    n=$((n + 1)); name=$1; want=$2; shift 2
    "$@" >"$t/out" 2>&1; got=$?
    if [ "$got" = "$want" ]; then echo "ok $n - $name"
    else echo "not ok $n - $name (exit $got, want $want)"; sed 's/^/# /' "$t/out"; fi
}
has() { # has NAME PATTERN: the last output contains PATTERN
    n=$((n + 1))
    if grep -q -- "$2" "$t/out"; then echo "ok $n - $1"
    else echo "not ok $n - $1 (no \"$2\")"; sed 's/^/# /' "$t/out"; fi
}

echo "1..30"
n=$((n + 1)); if [ "$ready" = READY ]; then echo "ok $n - broker ready"; else echo "not ok $n - broker ready"; sed 's/^/# /' "$t/brokerd.log"; fi
check "--help" 0 "$ctl" --help
has "--help lists the commands" "audit \[--since WHEN\]"
check "status" 0 "$ctl" $S status
has "status names the organization" "ctl-org"
has "status says USB is off (--no-usb)" "^usb  *off$"
check "status --json" 0 "$ctl" $S --json status
has "status --json is JSON" '"organization" : "ctl-org"'
check "domains" 0 "$ctl" $S domains
has "domains lists web stopped" "^web  *stopped"
check "start web" 0 "$ctl" $S start web
has "start answers running" "running"
check "domains --json" 0 "$ctl" $S --json domains
has "domains --json has web's pid" '"pid" :'
check "stop web" 0 "$ctl" $S stop web
has "stop answers stopped" "stopped"
check "stop web again: a stopped domain stops at once" 0 "$ctl" $S stop web
has "stop again answers stopped" "stopped"
check "the broker still answers after" 0 "$ctl" $S status
check "devices (USB off)" 0 "$ctl" $S devices
has "devices says USB handling is off" "USB handling is off"
check "audit --since 10m" 0 "$ctl" $S audit --since 10m
has "audit shows the start" '"event":"domain-start"'
check "reload" 0 "$ctl" $S reload
check "unknown domain refused (1)" 1 "$ctl" $S start nosuch
has "refusal says not-found" "not-found"
check "usage error (2)" 2 "$ctl" $S start
check "bad --since (2)" 2 "$ctl" $S audit --since yesterday-ish
check "no broker (3)" 3 "$ctl" --socket "$t/none.sock" status
check "attach without USB refused (1)" 1 "$ctl" $S attach usb-1-1 web
