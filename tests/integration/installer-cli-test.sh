#!/bin/sh
# tests/integration/installer-cli-test.sh: tessera-install's command line, without a disk.
#
# The broker asks `tessera-install --list` at every start on every machine, so --list must say
# nothing at all where there is nothing to install from (this machine is no Tessera stick) and
# exit 0; and the words that decide what gets erased (--then, DISK with --list or --preseeded)
# must be refused before anything is looked at. Installs themselves need an image booted from
# a stick: tests/system/laptop-image-test.sh.
set -u
. "${TSR_SRCDIR:-.}/tests/harness/tap.sh"
inst="${TSR_SRCDIR:-.}/installer/tessera-install"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run ARGS...: exit status in rc, output in $tmp/out (both streams), and as TAP comments.
run() { "$inst" "$@" >"$tmp/out" 2>&1; rc=$?; sed 's/^/# /' "$tmp/out"; }
echo "1..6"

run --help
check "--help names --list, --check and --then and exits 0" \
    '[ $rc = 0 ] && grep -q -- "--list" "$tmp/out" && grep -q -- "--check DISK" "$tmp/out" && grep -q -- "--then ACTION" "$tmp/out"'
run --then halt /dev/nonexistent
check "--then takes poweroff, reboot or stay only (exit 2)" \
    '[ $rc = 2 ] && grep -q "poweroff, reboot or stay" "$tmp/out"'
run --list /dev/nonexistent
check "--list takes no DISK (exit 2)" '[ $rc = 2 ] && grep -q "takes nothing else" "$tmp/out"'
run --check
check "--check without DISK is refused (exit 2)" '[ $rc = 2 ] && grep -q "DISK is required" "$tmp/out"'
run --preseeded /dev/nonexistent
check "--preseeded takes no DISK (exit 2)" '[ $rc = 2 ] && grep -q "kernel command line" "$tmp/out"'
run --list
if [ "$(id -u)" = 0 ]; then
    check "--list off a stick prints nothing and exits 0" '[ $rc = 0 ] && [ ! -s "$tmp/out" ]'
else
    check "--list without root says so (exit 1)" '[ $rc = 1 ] && grep -q "run as root" "$tmp/out"'
fi
[ "$fails" = 0 ]
