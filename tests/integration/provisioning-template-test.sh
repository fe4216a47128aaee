#!/bin/sh
# tests/integration/provisioning-template-test.sh: `tessera-provision template add`.
#
# The group it prints must pin exactly the file (size and sha256 as coreutils compute them),
# name the format QEMU will be told, and be accepted by `build` when pasted into
# templates.conf; a file that cannot become a template is refused with a reason and nothing
# printed on stdout.
set -u
P=${TSR_BUILDDIR:-.}/provisioning/tessera-provision
S=${TSR_SRCDIR:-.}
D=$(mktemp -d "${TMPDIR:-/tmp}/tsr-template.XXXXXX")
trap 'rm -rf "$D"' EXIT
# shellcheck source=../harness/tap.sh
. "$S/tests/harness/tap.sh"
# refused PATTERN CMD...: CMD exits 1, says PATTERN on stderr, prints nothing on stdout.
refused() {
    pat=$1; shift
    "$@" >"$D/out" 2>"$D/err"
    got=$?
    cat "$D/out" "$D/err" >&2
    [ "$got" = 1 ] && [ ! -s "$D/out" ] && grep -Eq -- "$pat" "$D/err"
}
echo "1..7"

qemu-img create -q -f qcow2 "$D/debian-12.qcow2" 64M
printf 'an install medium\n' >"$D/win11_23h2.iso"

# pins FILE FORMAT NAME OUT: OUT is FILE's group with coreutils' size and sha256.
pins() {
    f=$1 fmt=$2 tname=$3 out=$4
    sum=$(sha256sum "$f" | cut -d' ' -f1) size=$(stat -c %s "$f") base=$(basename "$f")
    printf '[template %s]\nfile = %s\nformat = %s\nsha256 = %s\nsize = %s\n' \
        "$tname" "$base" "$fmt" "$sum" "$size" >"$D/want"
    diff "$D/want" "$out"
}
"$P" template add "$D/debian-12.qcow2" >"$D/qcow2.stanza" 2>/dev/null
check "a qcow2 image: its name, format, size and sha256" \
    'pins "$D/debian-12.qcow2" qcow2 debian-12 "$D/qcow2.stanza" >&2'
"$P" template add --name win11-install "$D/win11_23h2.iso" >"$D/iso.stanza" 2>/dev/null
check "an ISO is raw, --name names it" \
    'pins "$D/win11_23h2.iso" raw win11-install "$D/iso.stanza" >&2'

# Pasted into the example policy and used by a domain, build takes it.
accepted() {
    cp -r "$S/doc/examples/policy" "$D/src" &&
    { echo; cat "$D/qcow2.stanza"; echo; cat "$D/iso.stanza"; } >>"$D/src/templates.conf" &&
    sed -i 's/^template = debian-web$/template = debian-12\ncdrom = win11-install/' \
        "$D/src/domains/web.conf" &&
    grep -q '^cdrom = win11-install$' "$D/src/domains/web.conf" &&
    "$P" build "$D/src" --out "$D/built"
}
check "build accepts the printed groups" 'accepted >&2'

check "a missing file is refused" 'refused "No such file" "$P" template add "$D/nope.qcow2"'
check "a directory is refused" 'refused "not a disk image" "$P" template add "$D"'
cp "$D/debian-12.qcow2" "$D/my disk.qcow2"
check "a file name the mirror cannot carry is refused" \
    'refused "file name .my disk.qcow2." "$P" template add "$D/my disk.qcow2"'
usage() {
    "$P" template "$D/debian-12.qcow2" >/dev/null 2>&1
    [ $? = 2 ] && refused "not a template name" "$P" template add --name ../x "$D/debian-12.qcow2"
}
check "usage errors exit 2; a bad --name is refused" usage
[ "$fails" = 0 ]
