#!/bin/sh
# tests/hostile/enrol-disk-attack-test.sh: a hostile USB stick against tessera-enrol-reader.
#
# Anyone may plug a disk labelled TSR-ENROL into a laptop that is not enrolled. The broker
# hands the block device to the reader, which reads the FAT itself inside its sandbox. Each
# attack edits a real FAT16 image made by mkfs.fat and mcopy (a cluster chain that loops, a
# file that starts outside the disk, a size of 4 GiB, a boot sector with impossible sizes, a
# FAT too small for the clusters it claims, a label of terminal escapes, a disk cut short) and
# the reader must refuse it with a sentence, within 10 s, never by crashing; and it refuses to
# keep root's identity.
set -u
. "${TSR_SRCDIR:-.}/tests/harness/tap.sh"
R=${TSR_BUILDDIR:-.}/enrol/tessera-enrol-reader
D=$(mktemp -d "${TMPDIR:-/tmp}/tsr-enrol-attack.XXXXXX")
trap 'rm -rf "$D"' EXIT
echo "1..9"

# Little-endian u16 / u32 at a byte offset, and reading them.
put16() { printf "$(printf '\\%03o\\%03o' $(($3 & 255)) $(($3 >> 8 & 255)))" |
    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
put32() { put16 "$1" "$2" $(($3 & 65535)); put16 "$1" $(($2 + 2)) $(($3 >> 16 & 65535)); }
get16() { od -An -tu2 -j"$2" -N2 "$1" | tr -d ' '; }

head -c 20000 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 20000 >"$D/tessera.enr"
mkfs.fat -F 16 -C -n TSR-ENROL "$D/base.img" 20480 >/dev/null &&
    mcopy -i "$D/base.img" "$D/tessera.enr" ::tessera.enr || { echo "Bail out! mkfs.fat"; exit 1; }
bps=$(get16 "$D/base.img" 11)
fat=$(($(get16 "$D/base.img" 14) * bps))
entry=$(grep -obUa "TESSERA ENR" "$D/base.img" | head -1 | cut -d: -f1)
first=$(get16 "$D/base.img" $((entry + 26)))

# attack NAME EXPECTED EDIT...: copy the image, apply EDIT (a function of $img), run the reader;
# it must exit 1 within 10 s saying EXPECTED.
attack() {
    name=$1 want=$2; shift 2
    img=$D/$name.img
    cp "$D/base.img" "$img"
    "$@"
    # With an empty environment, as the broker runs it (broker/enrol-read.c).
    timeout 10 env -i "$R" <"$img" >"$D/out" 2>"$D/err"
    rc=$?
    sed 's/^/# /' "$D/out" "$D/err"
    check "$name" '[ $rc = 1 ] && grep -q -- "$want" "$D/out"'
}
loop() { put16 "$img" $((fat + 2 * first + 2)) "$first"; }
# A loop is read no further than the file's size: the bytes it repeats are refused as text.
attack "a cluster chain that loops ends at the file's size" "not a Tessera enrolment file" loop
outside() { put16 "$img" $((entry + 26)) 65520; }
attack "a file starting past the last cluster is refused" "damaged FAT filesystem" outside
huge() { put32 "$img" $((entry + 28)) 4294967295; }
attack "a 4 GiB file is refused before a byte is read" "larger than 4194304 bytes" huge
sizes() { put16 "$img" 11 3; }
attack "a sector size of 3 is no FAT filesystem" "no FAT filesystem" sizes
small_fat() { put16 "$img" 19 0; put32 "$img" 32 2147483647; }
attack "a FAT too small for its clusters is refused" "FAT is too small" small_fat
escapes() {
    vol=$(grep -obUa "TSR-ENROL  " "$img" | tail -1 | cut -d: -f1)
    printf '\033[2J\033]0;x\007' | dd of="$img" bs=1 seek="$vol" conv=notrunc 2>/dev/null
}
attack "a label of terminal escapes is refused and shown harmless" "labelled '?\[2J?\]0;x?" escapes
cut_short() { head -c $((fat + 512)) "$D/base.img" >"$img"; }
attack "a disk cut short after its FAT is refused" "cannot be read" cut_short
# The unedited image: the reader gets as far as the file (random text is no enrolment file).
attack "the unedited image reaches the file's parser" "not a Tessera enrolment file" true
timeout 10 env -i "$R" --user root <"$D/base.img" >"$D/out" 2>"$D/err"
rc=$?
sed 's/^/# /' "$D/err"
check "the reader refuses to run as root" '[ $rc = 3 ] && grep -q "refusing to run the enrolment reader as root" "$D/err"'
[ $fails = 0 ]
