# tests/system/laptop-image-smartcard.sh: the smart card reader of laptop-image-test.sh's user
# session (sourced before laptop-image-login.sh, on the enrolled laptop). The mission's path on
# real Xen: a USB reader plugged into the laptop waits in dom0, unauthorized, until the broker
# hands it to a domain by policy (laptop-image-policy.sh gives readers to work), and leaves that
# domain while the laptop is locked. dom0 and the guests' serial ports are out of the test's
# reach inside the nested laptop; the guest's screen is not: tessera-guest-hello draws each USB
# device it has and how many came and went, and the kiosk shows that screen in the domain's
# frame (tests/reference/laptop-image-*-smartcard*.png, only the guest's USB lines compared).

# reader_plug: QEMU's emulated CCID reader (usb-ccid), hot-plugged into the laptop's xHCI once
# it is enrolled, with a card backed by three self-signed certificates in an NSS database, as
# check-xen's (tests/system/domains-xen-test.sh). Plugged before enrolment it would be refused
# by the empty policy, and that refusal would show on the "not enrolled" screen.
reader_plug() {
    _nss="$SYS_TMP/nss"
    "$TSR_SRCDIR/tests/system/card-db" "$_nss" || return 1
    sys_qmp '{"execute":"device_add","arguments":{"driver":"usb-ccid","bus":"usb0.0","id":"ccid"}}' >/dev/null &&
        sys_qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"ccid-card-emulated\",\"bus\":\"ccid.0\",\"id\":\"card\",\"backend\":\"certificates\",\"db\":\"sql:$_nss\",\"cert1\":\"id\",\"cert2\":\"sign\",\"cert3\":\"enc\"}}" >/dev/null
}

# only X Y W H: the masks of everything on the 1280x800 screen outside that rectangle.
only() {
    echo "--mask 0,0,1280,$2 --mask 0,$(( $2 + $4 )),1280,$(( 800 - $2 - $4 ))" \
        "--mask 0,$2,$1,$4 --mask $(( $1 + $3 )),$2,$(( 1280 - $1 - $3 )),$4"
}
# Where the guest's USB lines are (its y 176 to 456): in a single frame (the guest's 1024x768
# at 131,33, nearly unscaled), and in each tile (632 pixels wide at 188, scaled by 0.62); a
# tile's guest name is compared too (its y 32 to 80), so the lines are known to be that domain's,
# its clock line (y 96 to 120) masked.
usb_single="131,200,1017,290"
usb_left="4,290,632,190"
card_single=$(only 131 200 1017 290)
card_right="$(only 644 188 632 292) --mask 644,242,632,24"

# dom0's kernel says on the console when it leaves a new device unconfigured: the reader must be
# the next one (the enrolment sticks came before it), and no dom0 driver takes it.
unauthorized='usb [0-9.-]+: Device is not authorized for usage'
_n=$(( $(grep -a -c -E "$unauthorized" "$SYS_OUT.marks") + 1 ))
_t=$(date +%s)
reader_plug || sys_diag "plugging the CCID reader in over QMP failed"
sys_check "login-smartcard-waits-unauthorized-in-dom0" sys_wait "$unauthorized" 60 "$_n"
grep -a -E "$unauthorized" "$SYS_OUT.marks" | tail -1 | sed 's/^/# dom0: /'
sys_diag "the reader plugged in: $(since "$_t") s"
