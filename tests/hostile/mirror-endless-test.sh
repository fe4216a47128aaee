#!/bin/sh
# tests/hostile/mirror-endless-test.sh: a mirror that serves endless downloads.
#
# A hostile mirror (or anyone who took it over) answers `pull` and `templates` with files far
# larger than anything the laptop asked for. The laptop must stop receiving at the bound (about
# 16 MiB for a bundle, the pinned size for a template), not download everything and check
# afterwards: each attack runs the real `tessera-provision` against a real sshd on loopback
# (tests/integration/provisioning-lib.sh), and asserts that what was received never grew past
# the bound while it arrived (a watcher samples the download's size every 20 ms), that nothing
# is left behind (no temporary file, no .part), and that the state directory is byte for byte
# what it was. The "endless" files are sparse, 2 GiB each:
# far past every bound, and small enough that a laptop without the bound does not fill the disk
# of the machine running the test.
set -u
. "${TSR_SRCDIR:-.}/tests/integration/provisioning-lib.sh"

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' "$2"; }
echo "1..3"
skip_all() { for i in 1 2 3; do echo "ok $i # SKIP $1"; done; exit 0; }
[ -x "$PV_SSHD" ] && command -v ssh >/dev/null && command -v sftp >/dev/null ||
    skip_all "openssh-server/openssh-client missing (tools/install-deps installs them)"
[ "$(id -u)" = 0 ] || skip_all "needs root (to run sshd); CI runs as root"
trap pv_cleanup EXIT INT TERM

pv_init >/dev/null 2>&1 || { echo "Bail out! cannot make keys and bundles"; exit 1; }
out=$PV/out
pv_laptop laptop office nohosts && pv_mirror && pv_sshd_start ||
    { echo "Bail out! cannot start sshd"; exit 1; }
S=$PV/laptops/laptop
BUNDLE_MAX=$((16 * 1024 * 1024 + 64 * 1024 + 4096)) # RECEIVE_MAX in tessera-provision
state() { (cd "$S" && find . -printf '%p %m %s %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
# watch GLOB OUT: until killed, write to OUT the largest size seen of a file matching GLOB.
watch() {
    peak=0
    echo 0 >"$2"
    while :; do
        for f in $1; do
            s=$(stat -c %s "$f" 2>/dev/null) || continue
            [ "$s" -gt "$peak" ] && peak=$s && echo "$peak" >"$2.new" && mv "$2.new" "$2"
        done
        sleep 0.02
    done
}
# fetch GLOB CMD...: run CMD with a watcher on GLOB; $rc its status, $peak the largest size.
fetch() {
    glob=$1; shift
    watch "$glob" "$PV/peak" &
    wpid=$!
    "$@" >"$out" 2>&1
    rc=$?
    kill $wpid; wait $wpid 2>/dev/null
    peak=$(cat "$PV/peak")
    echo "# largest size seen while receiving: $peak bytes" >>"$out"
}

# A good pull and templates first: the laptop has serial 1 and both templates.
"$PV_BIN" pull --from "mirror:$PV/mirror" --state-dir "$S" --broker-socket '' -F "$PV/ssh_config" \
    >"$out" 2>&1 &&
"$PV_BIN" templates --from "mirror:$PV/mirror" --state-dir "$S" -F "$PV/ssh_config" >>"$out" 2>&1 ||
    { echo "Bail out! the genuine pull and templates fail"; cat "$out"; exit 1; }

# 1. pull: the group's bundle is endless.
mkdir -p "$PV/tmp" "$PV/evil"
truncate -s 2G "$PV/evil/office.bundle"
before=$(state)
fetch "$PV/tmp/*" env TMPDIR="$PV/tmp" timeout 120 "$PV_BIN" pull --from "mirror:$PV/evil" \
    --state-dir "$S" --broker-socket '' -F "$PV/ssh_config"
if [ $rc = 1 ] && grep -q "larger than $BUNDLE_MAX bytes; refused" "$out" &&
   [ "$peak" -le $((BUNDLE_MAX + 1)) ] &&
   [ -z "$(ls -A "$PV/tmp")" ] && [ "$(state)" = "$before" ]; then
    ok "pull of an endless bundle stops at the bound, leaves nothing, state unchanged"
else
    not_ok "pull of an endless bundle stops at the bound, leaves nothing, state unchanged" "$out"
fi

# 2. templates: a pinned template is endless (the policy pins 307200 bytes).
cp "$PV/mirror/debian-web.qcow2" "$PV/evil/"
truncate -s 2G "$PV/evil/debian-work.qcow2"
rm -f "$S/templates/debian-work.qcow2"
before=$(state)
fetch "$S/templates/*.part" timeout 120 "$PV_BIN" templates --from "mirror:$PV/evil" \
    --state-dir "$S" -F "$PV/ssh_config"
if [ $rc = 1 ] && grep -q "debian-work.qcow2 is larger than 307200 bytes; refused" "$out" &&
   [ "$peak" -le 307201 ] &&
   [ ! -e "$S/templates/debian-work.qcow2.part" ] && [ "$(state)" = "$before" ]; then
    ok "templates: an endless template stops at its pinned size, no .part left, state unchanged"
else
    not_ok "templates: an endless template stops at its pinned size, no .part left, state unchanged" "$out"
fi

# 3. The modes after pull and templates (policy/state.h): the bundle for root only, the
# templates readable by the device models.
"$PV_BIN" templates --from "mirror:$PV/mirror" --state-dir "$S" -F "$PV/ssh_config" >"$out" 2>&1
(cd "$S" && find . ! -type l -printf '%p %m\n' | sort) >>"$out"
if grep -qx '. 711' "$out" && grep -qx './versions/1/bundle 600' "$out" &&
   grep -qx './versions 700' "$out" && grep -qx './templates 755' "$out" &&
   grep -qx './templates/debian-work.qcow2 644' "$out" &&
   grep -qx './templates/debian-web.qcow2 644' "$out"; then
    ok "after pull and templates: STATE 0711, bundle 0600, templates 0755/0644"
else
    not_ok "after pull and templates: STATE 0711, bundle 0600, templates 0755/0644" "$out"
fi
exit 0
