#!/bin/sh
# tests/integration/provisioning-audit-verify-test.sh: `tessera-provision audit-verify` on the
# audit log a real tessera-brokerd (sim backend) wrote across a kill -9, a torn last line and a
# restart: the intact log passes and names the head; the same log with one line changed, one
# removed, two swapped, or cut at the end (against the head it had) is refused with exit 1 and
# the line named; usage errors exit 2. TAP.
set -u
b=${TSR_BUILDDIR:-.}
src=${TSR_SRCDIR:-.}
pv=$b/provisioning/tessera-provision
t=$(mktemp -d "${TMPDIR:-/tmp}/tsr-auditv.XXXXXX")
chmod 755 "$t"
pid=
cleanup() {
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    rm -rf "$t"
}
trap cleanup EXIT
. "$src/tests/integration/broker-sim-lib.sh"
sim_policy 61005
S="--socket $t/run.a/control.sock"
log=$t/state.a/audit/audit.log

n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$t/out"; fi; }
verify() { # verify WANT-STATUS FILE [OPTION...]: audit-verify's exit status is WANT; output in $t/out
    want=$1; shift
    "$pv" audit-verify "$@" >"$t/out" 2>&1
    [ $? = "$want" ]
}

echo "1..10"
sim_broker a && "$b/broker/tessera-ctl" $S start web >/dev/null 2>&1
r=$?
kill -9 "$pid"; wait "$pid" 2>/dev/null
# The crash tore the line being written.
printf '{"time":"2026-12-06T04:00:00Z","ts":179' >>"$log"
sim_broker a && "$b/broker/tessera-ctl" $S stop web >/dev/null 2>&1
r=$((r + $?))
kill "$pid"; wait "$pid" 2>/dev/null; pid=
[ "$r" = 0 ] && grep -q '"event":"audit-torn","torn":39' "$log"
ok $? "the restarted broker finished the torn line and recorded audit-torn"
verify 0 "$log" && grep -q "1 torn by a crash and recorded" "$t/out"
ok $? "the broker's log across kill -9, a torn line and a restart is intact"
head=$(sed -n 's/^head //p' "$t/out")
[ "$(tail -n 1 "$log" | tr -d '\n' | sha256sum | cut -d' ' -f1)" = "$head" ]
ok $? "the head printed is the sha256 of the last line"

lines=$(wc -l <"$log")
changed=$t/changed; sed '3s/"seq":3,/"seq":3 ,/' "$log" >"$changed"
verify 1 "$changed" && grep -q "changed:3 changed" "$t/out"
ok $? "a changed line is refused, named (changed:3)"
removed=$t/removed; sed '4d' "$log" >"$removed"
verify 1 "$removed" && grep -q "line(s) removed between .*removed:3 and .*removed:4" "$t/out"
ok $? "a removed line is refused, named (between removed:3 and removed:4)"
reordered=$t/reordered; awk 'NR == 3 { x = $0; next } NR == 4 { print; print x; next } 1' "$log" >"$reordered"
verify 1 "$reordered" && grep -q "reordered:3 is out of order" "$t/out"
ok $? "reordered lines are refused, named (reordered:3)"
cut=$t/cut; head -n $((lines - 2)) "$log" >"$cut"
verify 0 "$cut" && verify 1 "$cut" --head "$head" && grep -q "no line of the log" "$t/out"
ok $? "lines cut from the end pass alone but not against the reported head"
verify 0 "$log" --head "$head" --from 0000000000000000000000000000000000000000000000000000000000000000
ok $? "the intact log with its head and the chain's start passes"
verify 2 "$log" --head XYZ
ok $? "a malformed --head is a usage error (2)"
verify 0 --help && grep -q "changed, removed or reordered" "$t/out"
ok $? "--help says what it refuses"
