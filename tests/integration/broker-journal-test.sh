#!/bin/sh
# tests/integration/broker-journal-test.sh: tessera-brokerd --syslog sends its audit events
# through the journal's native protocol with the fields doc/broker.md ("Journal") promises
# (MESSAGE_ID per event type, TESSERA_DOMAIN, TESSERA_USER, TESSERA_EVENT), and its messages
# with PRIORITY and SYSLOG_IDENTIFIER; without a journal socket it keeps logging as before.
# A private mount namespace puts a datagram listener (socat) at /run/systemd/journal/socket,
# where libsystemd sends, so the host's journal (if any) is never touched. TAP.
set -u
b=${TSR_BUILDDIR:-.}
src=${TSR_SRCDIR:-.}
if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP needs root (a private mount namespace); CI runs as root"
    exit 0
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/tsr-journal.XXXXXX")
chmod 755 "$t"
trap 'rm -rf "$t"' EXIT
. "$src/tests/integration/broker-sim-lib.sh"
sim_policy 61004

# One broker run: start web, stop it, leave. $1: "journal" (a listener at the socket) or "none".
cat >"$t/run.sh" <<'X'
set -u
b=$1 t=$2 mode=$3 src=$4
mount -t tmpfs tmpfs /run/systemd 2>/dev/null || { mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd; } || exit 1
if [ "$mode" = journal ]; then
    mkdir /run/systemd/journal
    socat -u UNIX-RECV:/run/systemd/journal/socket "OPEN:$t/datagrams,creat,append" &
    sp=$!
    i=0; while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
fi
. "$src/tests/integration/broker-sim-lib.sh"
sim_broker "$mode" --syslog; ready=$?
S="--socket $t/run.$mode/control.sock"
"$b/broker/tessera-ctl" $S start web >"$t/ctl.$mode" 2>&1
"$b/broker/tessera-ctl" $S stop web >>"$t/ctl.$mode" 2>&1
kill "$pid"; wait "$pid"
[ "$mode" = journal ] && { kill "$sp"; wait "$sp" 2>/dev/null; }
[ "$ready" = 0 ]
X
unshare -m sh "$t/run.sh" "$b" "$t" journal "$src"; rc_journal=$?
unshare -m sh "$t/run.sh" "$b" "$t" none "$src"; rc_none=$?

# Audit records, one a line, fields tab-separated: libsystemd ends every field with a newline;
# an audit record runs from its MESSAGE_ID to its MESSAGE (journal.c's order).
awk '/^MESSAGE_ID=/ { r = $0; inrec = 1; next }
     inrec { r = r "\t" $0 } /^MESSAGE=audit / { print r; inrec = 0 }' \
    "$t/datagrams" >"$t/records" 2>/dev/null
id_of() { # the MESSAGE_ID doc/broker.md lists for an event type
    sed -n "s/^| \`$1\` | \`\([0-9a-f]\{32\}\)\` |.*/\1/p" "$src/doc/broker.md"
}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
record() { # record EVENT: the audit record of that event type
    grep -P "(^|\t)TESSERA_EVENT=$1(\t|$)" "$t/records" | head -1
}

echo "1..9"
ok "$rc_journal" "broker with a journal ran, started and stopped web"
start=$(record domain-start)
[ -n "$start" ] && [ -n "$(id_of domain-start)" ] &&
    printf '%s\n' "$start" | grep -qP "^MESSAGE_ID=$(id_of domain-start)\t"
ok $? "domain-start carries the MESSAGE_ID doc/broker.md lists"
printf '%s\n' "$start" | grep -qP "\tTESSERA_DOMAIN=web(\t|$)"
ok $? "domain-start carries TESSERA_DOMAIN=web"
stop=$(record domain-stop)
printf '%s\n' "$stop" | grep -qP "^MESSAGE_ID=$(id_of domain-stop)\t" &&
    [ "$(id_of domain-stop)" != "$(id_of domain-start)" ]
ok $? "domain-stop has its own MESSAGE_ID"
printf '%s\n' "$(record broker-start)" | grep -qP "\tSYSLOG_IDENTIFIER=tessera-brokerd\t.*\tTESSERA_SEQ=[0-9]+(\t|$)"
ok $? "broker-start carries SYSLOG_IDENTIFIER and TESSERA_SEQ"
printf '%s\n' "$(record control)" | grep -qP "\tPRIORITY=5\t.*\tTESSERA_COMMAND=start(\t|$)"
ok $? "control carries PRIORITY notice and its own field TESSERA_COMMAND"
grep -A2 -x 'MESSAGE=ready' "$t/datagrams" | tr '\n' ' ' |
    grep -q 'PRIORITY=6 SYSLOG_IDENTIFIER=tessera-brokerd'
ok $? "plain messages go to the journal with PRIORITY and SYSLOG_IDENTIFIER"
ok "$rc_none" "broker without a journal socket ran, started and stopped web"
grep -q '"event":"domain-start".*"domain":"web"' "$t/state.none/audit/audit.log"
ok $? "without a journal the audit file still has the events"
[ "$n" = 9 ] || echo "# counted $n results"
