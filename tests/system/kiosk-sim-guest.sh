# tests/system/kiosk-sim-guest.sh: a booted guest whose tessera-brokerd runs two sim domains and
# a kiosk on DRM/KMS, for the kiosk system tests (sourced after lib.sh; tests/system/local.mk
# ships it with the rest of tests/system).
#
# kiosk_sim_boot ORG GROUP UID_BASE FULL_NAME GUEST_SCRIPT [sys_initrd options...] writes
# kiosk_sim_policy (kiosk-sim-policy.sh) into the test's temporary directory, builds the
# initramfs with it as /etc/tsr-kiosk/policy, tessera-brokerd, tessera-viewer,
# tessera-testdomain, tsr-systest-guest, GUEST_SCRIPT as /test.sh and the options given (the
# kiosk program, more tools), and boots it with 1 GiB (and $KIOSK_SIM_QEMU's options): the
# test's check "guest boots".
# screen NAME [SECONDS [N]] waits for the (Nth) "screen NAME" line the kiosk logs.
# keys_are DOMAIN WANT waits for the guest's "REC DOMAIN KEYS" mark (the keys the testdomain
# recorded with --record-input) and compares it with WANT.
. "$TSR_SRCDIR/tests/system/kiosk-sim-policy.sh"

kiosk_sim_boot() {
    _policy="$SYS_TMP/policy"
    kiosk_sim_policy "$_policy" "$1" "$2" "$3" "$4" || echo "Bail out! cannot write the test policy"
    _script=$5
    shift 5
    sys_initrd --bin "$TSR_BUILDDIR/broker/tessera-brokerd" \
        --bin "$TSR_BUILDDIR/viewer/tessera-viewer" \
        --bin "$TSR_BUILDDIR/tests/testdomain/tessera-testdomain" \
        --bin "$TSR_BUILDDIR/tests/system/tsr-systest-guest" \
        --file "$_policy=/etc/tsr-kiosk/policy" --script "$_script" "$@"
    SYS_BOOT_TIMEOUT=${SYS_BOOT_TIMEOUT:-120}
    # KIOSK_SIM_QEMU: more QEMU options (a second display device).
    sys_check "guest boots" sys_boot -m 1024 ${KIOSK_SIM_QEMU:-}
}

screen() { sys_wait "^LOG: .*: screen $1[[:space:]]*$" "${2:-90}" "${3:-1}" >/dev/null; }

rec() { grep "^REC $1 " "$SYS_OUT.marks" | tr -d '\r' | sed "s/^REC $1 //"; }
keys_are() { # DOMAIN WANT
    sys_wait "^REC $1 " 30 >/dev/null || return 1
    [ "$(rec "$1")" = "$2" ] && return 0
    sys_diag "$1 got: $(rec "$1")"
    return 1
}
