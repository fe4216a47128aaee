#!/bin/sh
# tests/system/packages-boot-guest.sh: the guest half of packages-boot-test.sh. Runs as the unit
# tsr-packages-boot.service in a Debian 12 guest booted with systemd, with tessera-laptop
# installed and enabled as an administrator's apt would leave it, and checks what only a real
# systemd shows: the broker started from its unit, its journal entries (with the fields and
# MESSAGE_IDs of its audit events), the broker restarted by an upgrade while a domain keeps
# running, and apt remove stopping the domain through the broker.
# Writes TAP lines without numbers on ttyS1 (the host numbers them), then TSR-DONE, then powers
# the guest off. The rebuilt packages are in /root/debs/v2, the domain is "work" (policy from
# tools/demo-policy, installed at image build).
set -u
exec >/dev/ttyS1 2>&1

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; }
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; printf '%s\n' "$out" | sed 's/^/# /'; fi
}
# within SECONDS COMMAND...: COMMAND succeeds within SECONDS (asked every half second).
within() {
	end=$(( $(date +%s) + $1 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || { "$@"; return 1; }
		sleep 0.5
	done
}
ctl() { tessera-ctl --timeout 120 "$@"; }
main_pid() { systemctl show -p MainPID --value tessera-brokerd; }
domain_is() { ctl domains | awk -v d="$1" -v s="$2" '$1 == d && $2 == s { f = 1 } END { exit !f }'; }
audit_has() { grep -h -- "$1" /var/lib/tessera/audit/* | grep -q -- "$2"; }
# stage NAME: the guest's uptime as each stage begins, where a slow run's time went.
stage() { echo "# uptime $(cut -d' ' -f1 /proc/uptime) s: $1"; }
done_() { stage done; echo TSR-DONE; systemctl poweroff --no-block; exit 0; }
# journal MATCH...: the broker's unit has a journal entry with all these fields.
journal() { [ -n "$(journalctl -u tessera-brokerd -o json "$@" | head -1)" ]; }
# The MESSAGE_IDs of broker/audit-ids.c (doc/broker.md, "Journal").
id_broker_start=13e029378167415c988e73fd239da232
id_domain_start=71e17603553649fdb7884cd84fce5c01
id_domain_stop=624bce601bb24477b9d9e74803369cdb

# --- the broker from its unit ---
stage "test unit started"
check "boot: tessera-brokerd.service is active" within 120 systemctl is-active tessera-brokerd
check "boot: tessera-ctl status answers the packaged broker" within 60 ctl status
check "boot: the installed policy is loaded (status: serial 1)" sh -c 'tessera-ctl status | grep -q "serial 1 "'
check "journal: the broker's lines are in journalctl -o json under its unit" sh -c \
	'journalctl -u tessera-brokerd -o json | grep "\"_SYSTEMD_UNIT\" *: *\"tessera-brokerd.service\"" |
	 grep -q "\"SYSLOG_IDENTIFIER\" *: *\"tessera-brokerd\""'

# --- a domain across the upgrade ---
stage "domain start"
check "domain: tessera-ctl start work" ctl start work
check "domain: work is running" domain_is work running
check "journal: domain-start by MESSAGE_ID with TESSERA_DOMAIN=work" \
	within 30 journal MESSAGE_ID=$id_domain_start TESSERA_DOMAIN=work TESSERA_EVENT=domain-start
qemu=$(pgrep -u 62001 -f qemu-system | head -1)
check "domain: its QEMU runs as the domain's uid (pid ${qemu:-none})" test -n "$qemu"
[ -n "$qemu" ] || done_
old=$(main_pid)
echo "# broker pid $old, QEMU pid $qemu; upgrading"
stage upgrade
check "upgrade: dpkg -i the rebuilt packages" dpkg -i --force-confold /root/debs/v2/tessera-laptop_*.deb \
	/root/debs/v2/tessera-provision_*.deb
check "upgrade: tessera-laptop is the rebuilt version" \
	sh -c "dpkg-query -W -f '\${Version}' tessera-laptop | grep -q '+test1\$'"
check "upgrade: the unit's broker is a new process" \
	within 60 sh -c "p=\$(systemctl show -p MainPID --value tessera-brokerd); [ \$p != 0 ] && [ \$p != $old ]"
check "upgrade: the same QEMU process (pid $qemu) still runs" kill -0 "$qemu"
check "upgrade: the new broker adopted work (tessera-ctl domains: running)" within 120 domain_is work running
check "upgrade: the audit log says adopted after restart" audit_has '"domain":"work"' 'adopted after restart'
check "upgrade: tessera-ctl status counts it running" sh -c 'tessera-ctl status | grep -q "1 running"'
check "upgrade: still the same QEMU pid $qemu" sh -c "pgrep -u 62001 -f qemu-system | grep -qx $qemu"
check "journal: broker-start twice, before and after the upgrade (MESSAGE_ID)" within 30 sh -c \
	"[ \$(journalctl -u tessera-brokerd MESSAGE_ID=$id_broker_start -o cat | wc -l) -ge 2 ]"

# --- apt remove: prerm stops the domain through the broker before the broker goes ---
stage remove
check "remove: apt-get remove tessera-laptop" sh -c 'apt-get remove -y tessera-laptop >/tmp/remove.log 2>&1 ||
	{ cat /tmp/remove.log; exit 1; }'
check "remove: prerm said it shuts the domains down" grep -q 'shutting the running domains down' /tmp/remove.log
check "remove: the domain's QEMU (pid $qemu) is gone" within 30 sh -c "! kill -0 $qemu"
check "remove: the broker logged the stop in the audit log" audit_has '"event":"domain-stop"' '"domain":"work"'
check "remove: work stopped while the broker ran (its audit log: to stopped)" \
	audit_has '"to":"stopped"' '"domain":"work"'
check "journal: domain-stop by MESSAGE_ID with TESSERA_DOMAIN=work" \
	journal MESSAGE_ID=$id_domain_stop TESSERA_DOMAIN=work
check "remove: the broker's unit is no longer active" sh -c '! systemctl is-active -q tessera-brokerd'
check "remove: no QEMU left" sh -c '! pgrep qemu-system'
done_
