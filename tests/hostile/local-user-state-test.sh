#!/bin/sh
# tests/hostile/local-user-state-test.sh: a local user after the password hashes.
#
# The installed bundle holds every user's argon2id hash. Any other uid on the laptop (a device
# model after a guest escape, the kiosk, a viewer) that could read it would crack the hashes
# offline, out of reach of the lock-out. The attacker here is uid 65534 trying to read and list
# what `tessera-provision init`, `install`, `build` and `sign` wrote, and the test also checks
# the modes themselves (policy/state.h): STATE 0711, versions/ 0700, every file 0600. A state
# directory left by an older version with open modes is closed by the next install.
set -u
BIN=${TSR_BUILDDIR:-.}/provisioning/tessera-provision
SRC=${TSR_SRCDIR:-.}

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' "$2"; }
echo "1..4"

T=$(mktemp -d "${TMPDIR:-/tmp}/tsr-modes.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
chmod 755 "$T" # the attacker must be able to reach the state directory's parent
out=$T/out
echo "test passphrase" >"$T/pass"
P="--passphrase-file $T/pass"
mkdir -p "$T/keys"
"$BIN" keygen --out "$T/keys" --role root $P >/dev/null &&
"$BIN" keygen --out "$T/keys" --role policy $P >/dev/null &&
"$BIN" keyset --root "$T/keys/root.secret" --add "$T/keys/policy.pub" \
    --organization example-org --out "$T/keys/keyset" $P >/dev/null &&
"$BIN" build "$SRC/doc/examples/policy" --out "$T/out-bundles" >/dev/null &&
"$BIN" sign "$T/out-bundles/office.bundle" --key "$T/keys/policy.secret" \
    --keyset "$T/keys/keyset" --serial 1 $P >/dev/null &&
"$BIN" sign "$T/out-bundles/office.bundle" --key "$T/keys/policy.secret" \
    --keyset "$T/keys/keyset" --serial 2 --out "$T/office-2.bundle" $P >/dev/null ||
    { echo "Bail out! cannot set up keys and bundles"; exit 1; }

# as_nobody CMD...: run as uid/gid 65534 with no groups (the attacker).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# modes DIR: "PATH MODE" for everything under DIR but the symlinks.
modes() { (cd "$1" && find . ! -type l -printf '%p %m\n' | sort); }
# open_modes DIR: what under DIR is readable, writable or listable by others (templates/ aside).
open_modes() {
    (cd "$1" && find . ! -name . ! -type l ! -path './templates*' -perm /g+rwx,o+rwx -printf '%p %m\n')
}

S=$T/state
"$BIN" init --state-dir "$S" --root "$T/keys/root.pub" --organization example-org \
    --group office >"$out" 2>&1 &&
"$BIN" install --state-dir "$S" --broker-socket '' "$T/out-bundles/office.bundle" >>"$out" 2>&1 ||
    { echo "Bail out! init and install failed"; cat "$out"; exit 1; }

# 1. The modes after init and install.
modes "$S" >"$out"
if grep -qx '. 711' "$out" && grep -qx './trusted.keys 600' "$out" &&
   grep -qx './versions 700' "$out" && grep -qx './versions/1 700' "$out" &&
   grep -qx './versions/1/bundle 600' "$out" && grep -qx './latest-time 600' "$out" &&
   [ -z "$(open_modes "$S")" ]; then
    ok "init and install: STATE 0711, versions 0700, every file 0600"
else
    not_ok "init and install: STATE 0711, versions 0700, every file 0600" "$out"
fi

# 2. The attacker cannot read the hashes, list the state, or read what it names.
if as_nobody cat "$S/current/bundle" >"$out" 2>&1 || as_nobody ls "$S" >>"$out" 2>&1 ||
   as_nobody cat "$S/versions/1/bundle" >>"$out" 2>&1 || as_nobody cat "$S/trusted.keys" >>"$out" 2>&1 ||
   as_nobody cat "$S/latest-time" >>"$out" 2>&1; then
    not_ok "another uid cannot read the installed bundle, list the state or read its files" "$out"
else
    ok "another uid cannot read the installed bundle, list the state or read its files"
fi

# 3. A state directory with an older version's open modes is closed by the next install.
S2=$T/state-old
"$BIN" init --state-dir "$S2" --root "$T/keys/root.pub" --organization example-org \
    --group office >/dev/null 2>&1 &&
"$BIN" install --state-dir "$S2" --broker-socket '' "$T/out-bundles/office.bundle" >/dev/null 2>&1
chmod 755 "$S2" "$S2/versions" "$S2/versions/1"
chmod 644 "$S2/trusted.keys" "$S2/versions/1/bundle" "$S2/latest-time"
if "$BIN" install --state-dir "$S2" --broker-socket '' "$T/office-2.bundle" >"$out" 2>&1 &&
   modes "$S2" >>"$out" && [ -z "$(open_modes "$S2")" ] &&
   ! as_nobody cat "$S2/previous/bundle" >>"$out" 2>&1; then
    ok "the next install closes a state directory left open by an older version"
else
    not_ok "the next install closes a state directory left open by an older version" "$out"
fi

# 4. The admin's side: build and sign write the bundles for their owner only.
modes "$T/out-bundles" >"$out"; ls -l "$T/office-2.bundle" >>"$out"
if grep -qx '. 700' "$out" && grep -qx './office.bundle 600' "$out" &&
   grep -qx './lab.bundle 600' "$out" && [ "$(stat -c %a "$T/office-2.bundle")" = 600 ]; then
    ok "build and sign: bundles 0600 in a 0700 directory"
else
    not_ok "build and sign: bundles 0600 in a 0700 directory" "$out"
fi

exit 0
