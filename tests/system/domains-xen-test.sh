#!/bin/sh
# tests/system/domains-xen-test.sh: make check-xen: real Xen 4.17 with a Debian dom0, nested in
# QEMU TCG (doc/xen-nested.md), carrying the project's binaries. Inside dom0 the
# xen backend creates two network = isolated HVM domains from generated configs, and
# tests/system/xen/dom0-driver reports each check on the console (with the smart card reader this
# script's QEMU gives dom0: tests/system/xen/dom0-pair.c); the host checks the first guest's
# screen through SPICE over a TCP forward and types keys into it there, which the driver then
# looks for on that guest's serial port (and not on the other's). The whole run is bounded at
# 15 minutes.
# TSR_XEN_GUESTCMD=a+b passes extra kernel parameters to the guest (diagnostics: TSR_XEN_GUESTCMD=loglevel=7+printk.time=1).
# TSR_XEN_GUEST=debian (make check-xen-debian, domains-xen-debian-test.sh) boots the Debian
# template of tools/build-guest-debian from its own disk through SeaBIOS instead (its directory
# shared into dom0 over 9p), waits for its userspace's report on the serial port and for a
# frame its own display driver drew; bounded at TSR_XEN_BOUND seconds (default 1500).
# TSR_XEN_GUEST=uefi (make check-xen-uefi, domains-xen-uefi-test.sh) tries OVMF under Xen: the
# small test image on a UEFI-bootable disk (tests/system/xen/mkesp) booted with bios = "ovmf"
# and the OVMF in TSR_XEN_OVMF (default: Debian's /usr/share/ovmf/OVMF.fd) by
# tests/system/xen/uefi-try-dom0, which reports how far it got; bounded at TSR_XEN_BOUND
# (default 900).
set -u
: "${TSR_BUILDDIR:?run through make check-xen}"
: "${TSR_SRCDIR:?run through make check-xen}"
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }

xen=/boot/xen-4.17-amd64.gz
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
if [ ! -r "$xen" ] || [ -z "$kernel" ] || ! command -v qemu-system-x86_64 >/dev/null ||
   [ ! -x /usr/libexec/xen-qemu-system-i386 ] || ! command -v socat >/dev/null; then
    echo "1..0 # SKIP needs xen-hypervisor-4.17-amd64, qemu-system-xen, qemu-system-x86, socat, linux-image-amd64"
    exit 0
fi
kver=${kernel##*/vmlinuz-}
guest=${TSR_XEN_GUEST:-hello}
case "$guest" in
    debian) bound=${TSR_XEN_BOUND:-1500} ;;
    uefi) bound=${TSR_XEN_BOUND:-900} ;;
    *) bound=${TSR_XEN_BOUND:-900} ;;
esac
out="$TSR_BUILDDIR/tests/system/xen"
logs=$out; [ "$guest" = hello ] || logs="$out/$guest"
mkdir -p "$logs"
tmp=$(mktemp -d)
qemu_pid=""; fwd_pid=""
cleanup() {
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
    [ -z "$fwd_pid" ] || kill "$fwd_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$TSR_SRCDIR/tools/build-guest-image" --out "$TSR_BUILDDIR/guest-image" \
    --guest-hello "$TSR_BUILDDIR/tests/guest/tessera-guest-hello" >/dev/null ||
    { echo "Bail out! building the guest image failed"; exit 1; }
share=""; dom0_args=""; xen_args=""
if [ "$guest" = debian ]; then
    tpl="$TSR_BUILDDIR/tests/system/guest-debian"
    "$TSR_SRCDIR/tools/build-guest-debian" --out "$tpl" > "$logs/build-guest-debian.log" 2>&1 ||
        { echo "Bail out! building the Debian template failed (see $logs/build-guest-debian.log)"; exit 1; }
    share="-virtfs local,path=$tpl,mount_tag=tsrtemplate,security_model=none,readonly=on"
    # The driver's wait for the guest's report leaves time for the screen check and the rest.
    dom0_args="tsr.guest=debian tsr.wait=$(( bound - 240 ))"
fi
dom0=$("$TSR_SRCDIR/tests/system/xen/mkdom0" --kver "$kver" --out-dir "$out" \
        --guest-image "$TSR_BUILDDIR/guest-image" --driver "$TSR_BUILDDIR/tests/system/xen/tsr-xen-dom0") ||
    { echo "Bail out! building the dom0 initramfs failed"; exit 1; }
if [ "$guest" = uefi ]; then
    # The try's disk, firmware and dom0 script go in a second cpio after the cached dom0's
    # (the kernel unpacks both), so the dom0 image stays shared with check-xen.
    ovmf=${TSR_XEN_OVMF:-/usr/share/ovmf/OVMF.fd}
    [ -r "$ovmf" ] || { echo "Bail out! no OVMF at $ovmf (install ovmf, or set TSR_XEN_OVMF)"; exit 1; }
    mkdir -p "$tmp/overlay/guest" "$tmp/overlay/bin"
    "$TSR_SRCDIR/tests/system/xen/mkesp" --kernel "$TSR_BUILDDIR/guest-image/vmlinuz" \
        --initrd "$TSR_BUILDDIR/guest-image/initrd.img" \
        --cmdline "console=ttyS0 quiet panic=-1 tsr.name=xenguest" \
        --out "$tmp/overlay/guest/esp.img" > "$logs/mkesp.log" 2>&1 ||
        { echo "Bail out! building the UEFI-bootable disk failed (see $logs/mkesp.log)"; exit 1; }
    cp "$ovmf" "$tmp/overlay/guest/ovmf.fd"
    cp "$TSR_SRCDIR/tests/system/xen/uefi-try-dom0" "$tmp/overlay/bin/tsr-xen-uefi-try"
    ( cd "$tmp/overlay" && find . | cpio -o -H newc --quiet ) | cat "$dom0" - > "$tmp/dom0.cpio"
    dom0="$tmp/dom0.cpio"
    echo "# OVMF: $ovmf ($(sha256sum < "$ovmf" | cut -c1-16))"
    dom0_args="tsr.guest=uefi tsr.wait=$(( bound - 200 ))"
    # hvmloader's and Xen's lines about the guest on the console: where a boot stops.
    xen_args="guest_loglvl=all"
fi
zcat "$xen" > "$tmp/xen.elf"
# The smart card reader dom0 hands to a domain: QEMU's emulated CCID on an xHCI, its card backed
# by three self-signed certificates in an NSS database.
card=""
if [ "$guest" = hello ]; then
    nss="$tmp/nss"
    "$TSR_SRCDIR/tests/system/card-db" "$nss"
    card="-device qemu-xhci,id=xhci -device usb-ccid,bus=xhci.0,id=ccid
          -device ccid-card-emulated,backend=certificates,db=sql:$nss,cert1=id,cert2=sign,cert3=enc"
fi
console="$logs/console.log"
: > "$console"

# Ports: pick free ones so parallel runs do not collide.
port=$(( 20000 + $$ % 20000 ))
start=$(date +%s)
# shellcheck disable=SC2086 # $share, $card: QEMU's options and their values, or nothing
timeout "$bound" qemu-system-x86_64 -accel tcg \
    -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+x2apic,+npt -m 2048 -smp "${TSR_XEN_SMP:-1}" \
    -nodefaults -display none -no-reboot \
    -kernel "$tmp/xen.elf" -append "console=com1 com1=115200 dom0_mem=1024M dom0_max_vcpus=1 noreboot $xen_args" \
    -initrd "$kernel console=hvc0 quiet $dom0_args ${TSR_XEN_GUESTCMD:+tsr.guestcmd=$TSR_XEN_GUESTCMD},$dom0" \
    $share $card \
    -serial "file:$console" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-10.0.2.15:5930,hostfwd=tcp:127.0.0.1:$((port + 1))-10.0.2.15:5931,hostfwd=udp:127.0.0.1:$((port + 2))-10.0.2.15:9" \
    -device e1000,netdev=n0 > "$logs/qemu.log" 2>&1 &
qemu_pid=$!
# A datagram a second to dom0: QEMU's nested SVM leaves Xen's timer interrupt pending while Xen
# halts until another interrupt comes in (tests/system/xen-kick).
"$TSR_SRCDIR/tests/system/xen-kick" $((port + 2)) "$qemu_pid" </dev/null >/dev/null 2>&1 &

# Wait for a line on the console: tail -f wakes on each write (inotify), bounded by timeout.
# (--pid: tail ends with QEMU, so no tail outlives the run.)
wait_line() { timeout "$2" sh -c "tail --pid=$qemu_pid -n +1 -f '$console' | grep -q -m1 -E '$1'"; }

if wait_line "TSR-XEN (screen-ready|done)" $(( bound - 100 )) && grep -q "TSR-XEN screen-ready" "$console"; then
    # The guest boots meanwhile: wait for its screen as long as the bound allows, leaving 45 s
    # for shutdown, a second start and destroy.
    left=$(( bound - 45 - ($(date +%s) - start) ))
    if [ "$guest" = debian ]; then
        t0=$(date +%s)
        if size=$("$TSR_BUILDDIR/tests/system/domains-spice-check" "tcp:127.0.0.1:$port" \
                  --graphics "$left" "$logs/screen.ppm"); then
            ok "the Debian guest's screen, seen through SPICE from the host, is in its own graphics mode $size ($(( $(date +%s) - t0 )) s after its serial report)"
        else
            notok "the Debian guest's screen shows a graphics mode (see $logs/screen.ppm)"
        fi
    else
        # Then keys over SPICE inputs, as the viewer sends them; the driver looks for them on
        # the guest's serial port after go.
        "$TSR_BUILDDIR/tests/system/domains-spice-check" "tcp:127.0.0.1:$port" xenguest "$left" \
            "$logs/screen.ppm" --type ab 2>"$logs/spice-check.log"
        rc=$?
        if [ $rc != 1 ]; then
            ok "the HVM guest's screen, seen through SPICE from the host, shows its name"
        else
            notok "the HVM guest's screen shows its name (see $logs/screen.ppm)"
        fi
        if [ $rc = 0 ]; then
            ok "xen-keys-shown-by-xenguest: keys typed over SPICE appear on the guest's screen"
        else
            notok "xen-keys-shown-by-xenguest: keys typed over SPICE appear on the guest's screen (see $logs/screen.ppm, $logs/spice-check.log)"
        fi
    fi
    echo go | socat - "TCP:127.0.0.1:$((port + 1))" || true
else
    notok "dom0 reached screen-ready (see $console)"
fi
if wait_line "TSR-XEN done" $(( bound - ($(date +%s) - start) )); then
    ok "the dom0 driver ran to the end within the bound ($bound s)"
else
    notok "the dom0 driver ran to the end within the bound ($bound s; see $console)"
fi
results=$(sed -n 's/\r$//; s/^TSR-XEN \(not ok\|ok\) \(.*\)/\1|\2/p' "$console")
[ -n "$results" ] || notok "the dom0 driver reported results (see $console)"
echo "$results" | while IFS='|' read -r verdict rest; do
    [ -n "$verdict" ] || continue
    n=$((n + 1))
    echo "$verdict $n - $rest"
done
n=$((n + $(echo "$results" | grep -c '|')))
# The outer QEMU's own end: TCG aborts on some nested-SVM paths (doc/xen-nested.md).
abort=$(sed -n 's/^ERROR:\(.*\)/\1/p' "$logs/qemu.log" | head -1)
if [ -n "$abort" ]; then
    n=$((n + 1)); echo "not ok $n - the outer QEMU ran without aborting ($abort)"
fi
echo "1..$n"
echo "# whole run: $(( $(date +%s) - start )) s (bound: $bound s)"
# The recorded xl list -l of this run, for tests/unit/domains-xen-data.
sed -n '/^TSR-XEN-LIST-BEGIN/,/^TSR-XEN-LIST-END/p' "$console" | sed '1d;$d; s/\r$//' > "$logs/xl-list-l.json"
