#!/bin/sh
# tests/hostile/mirror-keyset-swap-test.sh: a mirror that swaps the key set a bundle carries.
#
# The mirror cannot forge signatures, but it holds every key set the root ever signed. If a
# bundle's signature left its key set out, the mirror could put an older key set (one that
# still trusts a revoked policy key) into a newer bundle, and the revocation would never reach
# the laptop; or any other key set the root signed. Each attack runs the real
# `tessera-provision install` against a laptop state directory, and asserts the refusal and
# that the state directory is byte for byte what it was.
set -u
BIN=${TSR_BUILDDIR:-.}/provisioning/tessera-provision
SRC=${TSR_SRCDIR:-.}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' "$2"; }
echo "1..5"

T=$(mktemp -d "${TMPDIR:-/tmp}/tsr-keyswap.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
out=$T/out
echo "test passphrase" >"$T/pass"
P="--passphrase-file $T/pass"

# Root; policy keys A (later stolen and revoked) and B.
mkdir -p "$T/root" "$T/a" "$T/b"
"$BIN" keygen --out "$T/root" --role root $P >/dev/null &&
"$BIN" keygen --out "$T/a" --role policy $P >/dev/null &&
"$BIN" keygen --out "$T/b" --role policy $P >/dev/null &&
# Key set 1 trusts A and B; key set 2 revokes A; key set 3 (also signed by the root, say a
# draft never used in a bundle) trusts A again.
"$BIN" keyset --root "$T/root/root.secret" --add "$T/a/policy.pub" --add "$T/b/policy.pub" \
    --organization example-org --serial 1 --out "$T/ks1" $P >/dev/null &&
"$BIN" keyset --root "$T/root/root.secret" --add "$T/b/policy.pub" --revoke "$T/a/policy.pub" \
    --organization example-org --serial 2 --out "$T/ks2" $P >/dev/null &&
"$BIN" keyset --root "$T/root/root.secret" --add "$T/a/policy.pub" --add "$T/b/policy.pub" \
    --organization example-org --serial 3 --out "$T/ks3" $P >/dev/null &&
"$BIN" build "$SRC/doc/examples/policy" --out "$T/src" >/dev/null &&
"$BIN" init --state-dir "$T/laptop" --root "$T/root/root.pub" --organization example-org \
    --group office >/dev/null ||
    { echo "Bail out! cannot set up keys, key sets and a laptop"; exit 1; }

# sign BUNDLE-OUT SIGNER KEYSET SERIAL
sign() {
    cp "$T/src/office.bundle" "$1.unsigned" &&
    "$BIN" sign "$1.unsigned" --key "$T/$2/policy.secret" --keyset "$3" --serial "$4" \
        --out "$1" $P >/dev/null
}
# swap BUNDLE KEYSET OUT: what the mirror does, the bundle's trailer key set replaced.
swap() {
    line=$(grep -a -n '^keyset [0-9][0-9]*$' "$1" | tail -n 1 | cut -d: -f1)
    { head -n $((line - 1)) "$1"; echo "keyset $(wc -c <"$2")"; cat "$2"; } >"$3"
}
install() { "$BIN" install --state-dir "$T/laptop" --broker-socket '' "$1" >"$out" 2>&1; }
state() { (cd "$T/laptop" && find . -printf '%p %m %s %l\n' | sort &&
           find . -type f -exec sha256sum {} + | sort); }

sign "$T/b1" b "$T/ks1" 1 && install "$T/b1" ||
    { echo "Bail out! the genuine bundle 1 does not install"; cat "$out"; exit 1; }
sign "$T/b2" b "$T/ks2" 2 || { echo "Bail out! cannot sign bundle 2"; exit 1; }

# refused NAME BUNDLE WORDS: install refuses, says WORDS, and the state is unchanged.
refused() {
    before=$(state)
    if install "$2"; then
        not_ok "$1 (installed)" "$out"
    elif ! grep -q "$3" "$out"; then
        not_ok "$1 (refused without saying '$3')" "$out"
    elif [ "$(state)" != "$before" ]; then
        not_ok "$1 (the state directory changed)" "$out"
    else
        ok "$1"
    fi
}

# 1. Bundle 2 (signed by B under key set 2, which revokes A) with key set 1 put back in.
swap "$T/b2" "$T/ks1" "$T/b2-ks1"
refused "older key set in a newer bundle is refused, state unchanged" "$T/b2-ks1" "swapped"

# 2. Bundle 2 with key set 3: validly signed by the root, newer, trusting A again.
swap "$T/b2" "$T/ks3" "$T/b2-ks3"
refused "another validly signed key set in the bundle is refused, state unchanged" \
    "$T/b2-ks3" "swapped"

# 3. The genuine bundle 2 installs; then A (stolen) signs bundle 3 under key set 1.
if install "$T/b2" && grep -q "installed 2" "$out"; then
    sign "$T/b3a" a "$T/ks1" 3
    refused "a revoked key's bundle under the older key set is refused, state unchanged" \
        "$T/b3a" "older than the installed key set"
else
    not_ok "a revoked key's bundle under the older key set is refused (bundle 2 did not install)" "$out"
fi

# 4. The old format, whose signature left the key set out, is refused with its reason.
sed '1s/^tessera-bundle-v2$/tessera-bundle-v1/' "$T/b2" >"$T/b2-v1"
refused "a version 1 bundle is refused with the reason, state unchanged" "$T/b2-v1" \
    "tessera-bundle-v1 bundle, whose signature does not cover the key set"

# 5. The laptop still follows genuine updates after the attacks.
sign "$T/b3" b "$T/ks2" 3
if install "$T/b3" && grep -q "installed 3" "$out"; then
    ok "the genuine bundle 3 installs after the attacks"
else
    not_ok "the genuine bundle 3 installs after the attacks" "$out"
fi
exit 0
