#!/bin/sh
# tests/system/laptop-image-test.sh: the laptop image as a laptop meets it. Builds it with
# tools/build-image (cached by its inputs in the build tree), boots it under QEMU TCG from OVMF
# with Xen nested (doc/xen-nested.md: qemu64 with SVM and NPT), and follows the boot: OVMF starts
# xen.efi from the removable path, Xen starts dom0, systemd starts the broker, the broker puts
# the kiosk on bochs-drm; the screen (QMP screendump) must match tests/reference/laptop-image-*.
# Then the image's sshd (port forwarded by QEMU) with the admin's key the image was built with:
# a signed bundle pushed to the laptop that is not enrolled is refused and changes nothing (the
# kiosk's screen stays), and the key runs only the forced command, whatever the client asks.
# An empty internal disk is beside the stick: the kiosk first offers to install onto it, and the
# test declines (nothing is written to it).
# Then enrolment: a TSR-ENROL disk whose file was tampered with is refused and writes nothing;
# the admin's TSR-ENROL disk for that bundle, hot-plugged as a USB stick, is offered on the
# kiosk's trusted screen and confirmed with Enter; the push then succeeds, and a bundle for
# another laptop group is refused.
# Then a user's session on the same boot: the pushed policy has two Xen HVM domains booting the
# small test guest (tools/build-guest-image, as check-xen's), whose kernel, initramfs and disk
# the image carries preloaded as the policy pins them; SAS and login through QMP keys, the Xen
# domain picked is drawn in its frame by the kiosk through its sandboxed viewer in dom0, lock
# and unlock, a second domain tiled (laptop-image-login.sh); an emulated smart card reader
# plugged in before the login reaches work by policy, leaves it while locked and never reaches
# web (laptop-image-smartcard.sh); the two network = isolated domains never reach each other.
# Last, the enrolled stick preseeded to install onto an empty disk; that disk alone boots to
# the locked screen and takes pushes (the enrolment came along).
# Prints TAP named boot-..., push-..., enrol-..., login-... and install-...; each part's time is
# a diagnostic. Run by
# `make check-laptop-image` (check-extra), as root with the network to the Debian mirror, bounded
# by timeout 2100 in tests/system/local.mk; the boot alone has TSR_IMAGE_BOOT_SECONDS (420).
. "$TSR_SRCDIR/tests/system/lib.sh"

sys_start laptop-image 32
[ "$(id -u)" = 0 ] || { echo "Bail out! needs root (tools/build-image)"; exit 1; }
for f in /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd; do
    [ -r "$f" ] || { echo "Bail out! $f missing: install ovmf"; exit 1; }
done
bound=${TSR_IMAGE_BOOT_SECONDS:-420}
ref="$TSR_SRCDIR/tests/reference"
out="$TSR_BUILDDIR/tests/system/laptop-image"
since() { echo $(( $(date +%s) - $1 )); }

prov="$TSR_BUILDDIR/provisioning/tessera-provision"
[ -x "$prov" ] || { echo "Bail out! $prov not built"; exit 1; }
# The admin's key is made once per build tree, so the image it goes into stays cached.
mkdir -p "$out"
[ -f "$out/admin-key" ] || ssh-keygen -q -t ed25519 -N '' -C tessera-test-admin -f "$out/admin-key"
t=$(date +%s)
# The domains' guest: check-xen's small HVM guest (direct kernel boot, tessera-guest-hello), in
# the image as an organization preloads the templates its policy pins (build-image --template),
# with the users xl runs their device models as (--sysusers).
guest="$TSR_BUILDDIR/guest-image"
"$TSR_SRCDIR/tools/build-guest-image" --out "$guest" \
    --guest-hello "$TSR_BUILDDIR/tests/guest/tessera-guest-hello" >"$SYS_OUT.guest" 2>&1 ||
    { sed 's/^/#   /' "$SYS_OUT.guest"; echo "Bail out! building the guest image failed"; exit 1; }
cat >"$SYS_TMP/domain-users" <<'USERS'
u tsr-dm-work 70001 "Tessera work domain's device model" - /usr/sbin/nologin
u tsr-dm-web  70002 "Tessera web domain's device model"  - /usr/sbin/nologin
USERS
# The packages check-packages built just before in this build tree (check-extra's order), when
# they come from the same inputs: building them again would take minutes of the bound.
if "$TSR_SRCDIR/tools/build-image" --out "$out" \
    --reuse-debs "$TSR_BUILDDIR/tests/system/packages-cache/debs/v1" --admin-key "$out/admin-key.pub" \
    --template "$guest/vmlinuz" --template "$guest/initrd.img" --template "$guest/template.qcow2" \
    --sysusers "$SYS_TMP/domain-users" \
    >"$SYS_OUT.build" 2>&1; then
    sys_check "boot-image-built ($(cat "$out/image-version"))" true
else
    sys_check "boot-image-built (see $SYS_OUT.build)" false
    sed 's/^/#   /' "$SYS_OUT.build" | tail -30
    echo "Bail out! no image to boot"; exit 1
fi
sys_diag "image: $(since "$t") s; $(grep -c 'reusing\|up to date' "$SYS_OUT.build") of its steps cached"

# One laptop under QEMU from OVMF with its own EFI variables and the disks given (-drive ...);
# its serial console goes to $SYS_OUT.$1, which the waits read. The power-on time is $t.
# tests/system/xen-kick sends it a datagram a second, to a closed port of dom0's: QEMU's nested
# SVM leaves Xen's timer interrupt pending while Xen halts until another interrupt comes in.
laptop() {
    _con="$SYS_OUT.$1"; shift
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$SYS_TMP/vars.fd"
    : >"$_con"
    ln -sf "$_con" "$SYS_OUT.marks"
    SYS_STUCK=""
    t=$(date +%s)
    qemu-system-x86_64 -accel tcg -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+x2apic,+npt \
        -name laptop,debug-threads=on \
        -m 2048 -smp 1 -nodefaults -no-user-config -display none -no-reboot -monitor none \
        -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
        -drive "if=pflash,format=raw,file=$SYS_TMP/vars.fd" \
        "$@" \
        -vga none -device VGA,id=video0 \
        -device virtio-keyboard-pci,id=kbd0,display=video0 \
        -device virtio-tablet-pci,id=tablet0,display=video0 \
        -device qemu-xhci,id=usb0 -device e1000,netdev=n0 \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$ssh_port-:22,hostfwd=udp:127.0.0.1:$(( ssh_port + 1 ))-:9" \
        -qmp "unix:$SYS_QMP,server=on,wait=off" \
        -chardev "file,id=console,path=$_con" -serial chardev:console \
        </dev/null >"$SYS_OUT.qemu" 2>&1 &
    SYS_QEMU_PID=$!
    "$TSR_SRCDIR/tests/system/xen-kick" $(( ssh_port + 1 )) "$SYS_QEMU_PID" </dev/null >/dev/null 2>&1 &
}
# laptop_probe WHEN: what the laptop's QEMU does, said once, the first time a step finds the
# laptop not answering (WHEN names that step). A stalled nested Xen (doc/xen-nested.md), a QEMU
# whose main loop is stuck and a vCPU that spins look the same on the screen and to sshd; they
# differ here. It tells whether QEMU answers QMP, how much of a CPU it used over 5 s and, when it
# answers, whether the nested CPU halts (HLT) and what its local APIC holds pending (Xen's
# timer is vector 250); then each of its threads (qemu_threads). The lines go to $SYS_OUT.why
# too, which sys_done prints again as the test's last lines. A QEMU that does not answer QMP
# sets laptop_deaf: the steps after it stop waiting (laptop-image-login.sh).
_probed="" laptop_deaf=""
laptop_probe() {
    [ -z "$_probed" ] || return 0
    _probed=1
    {
        echo "at $1, $(since "$t") s after power-on:"
        if ! kill -0 "$SYS_QEMU_PID" 2>/dev/null; then
            echo "the laptop's QEMU has exited; it said: $(tail -n 3 "$SYS_OUT.qemu" | tr '\n' ' ')"
        else
            _c0=$(stat_of "/proc/$SYS_QEMU_PID/stat" ticks)
            sleep 5
            _c1=$(stat_of "/proc/$SYS_QEMU_PID/stat" ticks)
            echo "the laptop's QEMU used $(( (_c1 - _c0) * 100 / (5 * $(getconf CLK_TCK)) )) % of a CPU over 5 s"
            if _st=$("$SYS_TOOL" qmp --timeout 10 --pid "$SYS_QEMU_PID" "$SYS_QMP" \
                    '{"execute":"query-status"}' 2>&1); then
                echo "it answers QMP: $_st"
                for _cmd in "info registers" "info lapic"; do
                    "$SYS_TOOL" qmp --timeout 10 --pid "$SYS_QEMU_PID" "$SYS_QMP" \
                        "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"$_cmd\"}}" 2>&1 |
                        sed 's/\\r//g; s/\\t/ /g; s/\\n/\n/g' | grep -E -o '[RE]IP=[0-9a-f]+|HLT=[01]|^(IRR|ISR)[^"]*' |
                        tr '\n\t' '  ' | sed "s/^/$_cmd: /"
                    echo
                done
            else
                echo "it does not answer QMP within 10 s ($_st)"
                laptop_deaf=1
            fi
            qemu_threads
        fi
    } >"$SYS_TMP/probe" 2>&1
    cat "$SYS_TMP/probe" >>"$SYS_OUT.why"
    sed 's/^/# /' "$SYS_TMP/probe"
}
# stat_of FILE state|ticks: a process's or thread's state letter, or its CPU ticks (user and
# system), from its /proc stat FILE. Its name, in parentheses, may hold spaces ("CPU 0/TCG"):
# the fields are counted after it.
stat_of() {
    sed 's/.*) //' "$1" 2>/dev/null | awk -v f="$2" '{ print (f == "state" ? $1 : $12 + $13) }'
}
# qemu_threads: each thread of the laptop's QEMU with its state, where in the kernel it waits,
# and its CPU time over 2 s (a vCPU thread that spins without stopping keeps QEMU from quitting).
qemu_threads() {
    _tasks=$(ls -d /proc/"$SYS_QEMU_PID"/task/* 2>/dev/null)
    _before=$(for _task in $_tasks; do stat_of "$_task/stat" ticks; done)
    sleep 2
    echo "its threads (name: state, kernel wait, CPU ticks of $(getconf CLK_TCK) a second over 2 s):"
    echo "$_before" | for _task in $_tasks; do
        read -r _b
        _a=$(stat_of "$_task/stat" ticks)
        [ -n "$_a" ] || continue
        printf '  %s: %s %s %s\n' "$(cat "$_task/comm")" "$(stat_of "$_task/stat" state)" \
            "$(cat "$_task/wchan" 2>/dev/null || echo -)" "$(( _a - ${_b:-0} ))"
    done
}
# The image stays as built: the laptop writes into an overlay, and into its own EFI variables.
# overlay QCOW2 [WORD...]: a fresh overlay of the image, with WORDs added to dom0's kernel line
# in its Xen configuration on the ESP (taken out of the image, changed with mtools and written
# into the overlay). OVERLAY_BASE=QCOW2 puts it over that laptop's disk instead of the image.
overlay() {
    _base=$out/tessera-laptop.img _fmt=raw
    [ -z "${OVERLAY_BASE:-}" ] || { _base=$OVERLAY_BASE; _fmt=qcow2; }
    qemu-img create -q -f qcow2 -b "$_base" -F "$_fmt" "$1" || return 1
    _ov=$1; shift
    [ $# -gt 0 ] || return 0
    set -- "$*" $(sfdisk --dump "$out/tessera-laptop.img" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\), type=C12A7328.*/\1 \2/p')
    dd if="$out/tessera-laptop.img" of="$SYS_TMP/esp.img" bs=512 skip="$2" count="$3" status=none
    mcopy -n -i "$SYS_TMP/esp.img" ::/EFI/BOOT/BOOTX64.cfg - |
        sed "/^kernel=/s|\$| $1|" >"$SYS_TMP/BOOTX64.cfg"
    mcopy -o -i "$SYS_TMP/esp.img" "$SYS_TMP/BOOTX64.cfg" ::/EFI/BOOT/BOOTX64.cfg
    qemu-io -f qcow2 -c "write -s $SYS_TMP/esp.img $(( $2 * 512 )) $(( $3 * 512 ))" "$_ov" >/dev/null
}
# TSR_IMAGE_JOURNAL=1 (diagnostics): dom0's journal goes to its console too, so the broker's
# and xl's messages are in the console log.
overlay "$SYS_TMP/laptop.qcow2" ${TSR_IMAGE_JOURNAL:+systemd.journald.forward_to_console=1}
SYS_QMP="$SYS_TMP/qmp.sock"
ssh_port=$(( 20000 + $$ % 20000 ))
# An empty internal disk beside the stick: the image offers to install itself onto it.
qemu-img create -q -f qcow2 "$SYS_TMP/spare.qcow2" 3G
laptop console -drive "if=virtio,format=qcow2,file=$SYS_TMP/laptop.qcow2" \
    -drive "if=virtio,format=qcow2,file=$SYS_TMP/spare.qcow2"

# Each part waits for its own line on the serial port, within what is left of the bound.
left() { echo $(( bound - $(since "$t") )); }
part() {
    _name=$1; _regex=$2
    _t=$(date +%s)
    if [ "$(left)" -gt 0 ] && sys_wait "$_regex" "$(left)" >/dev/null; then
        sys_check "$_name" true
        sys_diag "$_name: $(since "$_t") s (from power-on: $(since "$t") s)"
    else
        sys_check "$_name" false
    fi
}
part "boot-ovmf-starts-xen" 'Xen version 4\.17'
part "boot-xen-starts-dom0" 'Freed [0-9]+kB init memory'
part "boot-dom0-starts-broker" "tessera-image: $(sed 's/[.+]/\\&/g' "$out/image-version") up, broker answers"

# The kiosk draws once it has the card: its first screen, waited for with what is left.
# The top bar's clock (its right end) is masked: it shows the laptop's time.
mask="--mask 1120,0,160,32"
kiosk_shown() {
    _t=$(date +%s)
    shot="$SYS_OUT.$2.png"
    _seen=no
    while [ "$(left)" -gt 0 ] && kill -0 "$SYS_QEMU_PID" 2>/dev/null; do
        if sys_screendump "$shot" && "$SYS_TOOL" compare $mask "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1; then
            _seen=yes; break
        fi
        sleep 2
    done
    [ "$_seen" = yes ] || [ ! -s "$shot" ] || sys_diag "the last screen differs from the reference:"
    sys_check "$1" sys_compare "$ref/laptop-image-kiosk.png" "$shot" $mask
    sys_diag "$1: $(since "$_t") s (from power-on: $(since "$t") s)"
}
# --- the install offer (doc/laptop-image.md, "The offer on the kiosk") ---
# Booted from the stick with an empty internal disk, the kiosk's first screen is the offer to
# install onto it: its top bar is the kiosk's (the same as on the "not enrolled" reference, clock
# masked) while the rest is not the "not enrolled" screen. A stray Enter installs nothing; Escape
# declines, and the "not enrolled" screen follows.
bar_only="$mask --mask 0,32,1280,768"
shot="$SYS_OUT.offer-poll.png"
# first_screen_other COPY: waits (with what is left) for the kiosk's first screen, known by its
# top bar, and copies it to COPY; "yes" when it is not the "not enrolled" screen.
first_screen_other() {
    _other=no
    while [ "$(left)" -gt 0 ] && kill -0 "$SYS_QEMU_PID" 2>/dev/null; do
        if sys_screendump "$shot" && "$SYS_TOOL" compare $bar_only "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1; then
            "$SYS_TOOL" compare $mask "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1 || _other=yes
            break
        fi
        sleep 2
    done
    [ ! -s "$shot" ] || cp "$shot" "$1"
    echo "$_other"
}
_t=$(date +%s)
offered=$(first_screen_other "$SYS_OUT.install-offer.png")
sys_check "install-offered-on-the-kiosk-screen (see $SYS_OUT.install-offer.png)" [ "$offered" = yes ]
sys_diag "install offer: $(since "$_t") s (from power-on: $(since "$t") s)"
sys_keys ret
sleep 5
sys_screendump "$shot"
still=no
"$SYS_TOOL" compare $bar_only "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1 &&
    ! "$SYS_TOOL" compare $mask "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1 && still=yes
sys_keys esc
kiosk_shown boot-kiosk-shows-its-screen kiosk
# Nothing was written to the offered disk: no cluster of its overlay holds data.
sys_check "install-offer-declined-writes-nothing (Enter alone kept the offer; Escape)" \
    sh -c "[ $still = yes ] && ! qemu-img map -U -f qcow2 --output=json '$SYS_TMP/spare.qcow2' | grep -q '\"data\": true'"

# --- push over the image's sshd ---
_t=$(date +%s)
p="$SYS_TMP/prov"
mkdir -p "$p" && echo "test passphrase" >"$p/pass"
. "$TSR_SRCDIR/tests/system/laptop-image-policy.sh"
image_policy "$p/policy" "$guest" "$prov" >"$SYS_OUT.policy" 2>&1 ||
    { sed 's/^/#   /' "$SYS_OUT.policy"; echo "Bail out! no policy"; exit 1; }
( cd "$p" && "$prov" keygen --out keys --role root --passphrase-file pass &&
  "$prov" keygen --out keys --role policy --passphrase-file pass &&
  "$prov" keyset --root keys/root.secret --add keys/policy.pub --organization example-org \
      --out keys/keyset --passphrase-file pass &&
  "$prov" build "$p/policy" --out out &&
  "$prov" sign out/office.bundle --key keys/policy.secret --keyset keys/keyset --valid-days 1 \
      --passphrase-file pass ) >"$SYS_OUT.prov" 2>&1 || { sed 's/^/#   /' "$SYS_OUT.prov"; echo "Bail out! no bundle"; exit 1; }
echo "root@127.0.0.1" >"$p/hosts"
ssh_opts="-o Port=$ssh_port -o IdentityFile=$out/admin-key -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
# sshd makes its host key at the first boot: it may still be starting when the kiosk shows.
for i in $(seq 60); do
    ssh $ssh_opts -o BatchMode=yes -o ConnectTimeout=10 root@127.0.0.1 </dev/null >/dev/null 2>&1
    [ $? = 255 ] || break
    sleep 2
done
"$prov" push "$p/out/office.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push" 2>&1
rc=$?
sed 's/^/# push: /' "$SYS_OUT.push"
sys_check "push-refused-before-enrolment" \
    sh -c "[ $rc != 0 ] && grep -q 'refused' '$SYS_OUT.push' && grep -qi 'enrol' '$SYS_OUT.push'"
ssh $ssh_opts -o BatchMode=yes root@127.0.0.1 cat /etc/shadow </dev/null >"$SYS_OUT.ssh" 2>&1
sys_check "push-key-runs-only-the-forced-command" \
    sh -c "! grep -q '^root:' '$SYS_OUT.ssh' && grep -q 'refused' '$SYS_OUT.ssh'"
sys_screendump "$shot"
sys_check "push-refused-changes-nothing (the kiosk still not enrolled)" \
    sys_compare "$ref/laptop-image-kiosk.png" "$shot" $mask
sys_diag "push: $(since "$_t") s"

# --- enrolment from a USB stick (doc/laptop-image.md, "Enrolment") ---
# The stick goes into the laptop's xHCI: the broker lets mass storage reach dom0 while not
# enrolled, finds the label through udev and reads it through its sandboxed reader. The offer
# shows a fingerprint of this run's keys, so the screen is only checked to have left the
# "not enrolled" reference; the push proves the rest.
_t=$(date +%s)
"$prov" enrol-disk "$SYS_TMP/enrol.img" --root "$p/keys/root.pub" --bundle "$p/out/office.bundle" \
    >"$SYS_OUT.enrol" 2>&1 || { sed 's/^/#   /' "$SYS_OUT.enrol"; echo "Bail out! no enrolment disk"; exit 1; }
# screen_wait left|back SECONDS [COPY]: waits, at most SECONDS after $_t, until the screen has
# left the "not enrolled" reference (left) or shows it again (back); prints yes or no, and copies
# the last screen to COPY.
screen_wait() {
    _r=no
    while [ "$(since "$_t")" -lt "$2" ] && kill -0 "$SYS_QEMU_PID" 2>/dev/null; do
        if sys_screendump "$shot"; then
            _now=left
            "$SYS_TOOL" compare $mask "$ref/laptop-image-kiosk.png" "$shot" >/dev/null 2>&1 && _now=back
            [ "$_now" = "$1" ] && { _r=yes; break; }
        fi
        sleep 3
    done
    [ -z "${3:-}" ] || [ ! -s "$shot" ] || cp "$shot" "$3"
    echo "$_r"
}
# stick NAME IMAGE: hot-plug IMAGE as a read-only USB stick; unstick NAME pulls it out.
stick() {
    sys_qmp "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"$1\",\"read-only\":true,\"file\":{\"driver\":\"file\",\"filename\":\"$2\",\"read-only\":true}}}" >/dev/null &&
        sys_qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"usb-storage\",\"bus\":\"usb0.0\",\"drive\":\"$1\",\"id\":\"$1-stick\",\"removable\":true}}" >/dev/null ||
        sys_diag "attaching the stick $1 over QMP failed"
}
unstick() {
    sys_qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$1-stick\"}}" >/dev/null ||
        sys_diag "pulling the stick $1 out over QMP failed"
}
# A tampered enrolment file: one byte of the policy inside its signed bundle changed (same
# length), on an otherwise good disk. The broker refuses it on the kiosk with the reason and
# writes nothing: once the stick is out, the "not enrolled" screen is back and a push is still
# refused.
cp "$SYS_TMP/enrol.img" "$SYS_TMP/tampered.img"
mcopy -n -i "$SYS_TMP/enrol.img" ::tessera.enr - >"$SYS_TMP/good.enr"
sed 's/^lease-grace-days=3$/lease-grace-days=4/' "$SYS_TMP/good.enr" >"$SYS_TMP/tampered.enr"
cmp -s "$SYS_TMP/tampered.enr" "$SYS_TMP/good.enr" &&
    sys_diag "the tampering changed nothing: the enrolment file has no lease-grace-days=3 line"
mcopy -o -i "$SYS_TMP/tampered.img" "$SYS_TMP/tampered.enr" ::tessera.enr
stick bad "$SYS_TMP/tampered.img"
refused=$(screen_wait left 180 "$SYS_OUT.enrol-refused.png")
unstick bad
back=$(screen_wait back 300)
"$prov" push "$p/out/office.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push-tampered" 2>&1
rc=$?
sed 's/^/# push: /' "$SYS_OUT.push-tampered"
sys_check "enrol-tampered-file-refused-and-nothing-written (see $SYS_OUT.enrol-refused.png)" \
    sh -c "[ $refused = yes ] && [ $back = yes ] && [ $rc != 0 ] && grep -qi 'enrol' '$SYS_OUT.push-tampered'"
sys_diag "tampered enrolment: $(since "$_t") s"
_t=$(date +%s)
stick enrol "$SYS_TMP/enrol.img"
offered=$(screen_wait left 180 "$SYS_OUT.enrol-offer.png")
sys_check "enrol-offered-on-the-kiosk-screen (see $SYS_OUT.enrol-offer.png)" [ "$offered" = yes ]
sys_diag "enrol offer: $(since "$_t") s"
sys_keys ret
enrolled=no
for i in $(seq 20); do
    if "$prov" push "$p/out/office.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push2" 2>&1; then
        enrolled=yes; break
    fi
    sleep 3
done
sed 's/^/# push: /' "$SYS_OUT.push2"
sys_check "enrol-from-usb-disk (Enter, then the push succeeds)" [ "$enrolled" = yes ]
sys_diag "enrol: $(since "$_t") s"

# --- a user's session with Xen domains (doc/laptop-image.md, "Domains") ---
. "$TSR_SRCDIR/tests/system/laptop-image-smartcard.sh"
. "$TSR_SRCDIR/tests/system/laptop-image-login.sh"

# After the session: the example organization's lab laptops have a bundle of their own; validly
# signed, it is still refused by this office laptop, which keeps what it runs.
"$prov" sign "$p/out/lab.bundle" --key "$p/keys/policy.secret" --keyset "$p/keys/keyset" --valid-days 1 \
    --passphrase-file "$p/pass" >"$SYS_OUT.lab" 2>&1 || sed 's/^/#   /' "$SYS_OUT.lab"
"$prov" push "$p/out/lab.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push-lab" 2>&1
rc=$?
sed 's/^/# push: /' "$SYS_OUT.push-lab"
"$prov" push "$p/out/office.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push-again" 2>&1
sys_check "push-bundle-for-another-group-refused (the office bundle stays)" \
    sh -c "[ $rc != 0 ] && grep -q \"laptop group 'lab'\" '$SYS_OUT.push-lab' && grep -q unchanged '$SYS_OUT.push-again'"

# --- install: a stick preseeded for unattended imaging onto an empty internal disk ---
# The laptop that does not quit is killed: the next one needs its forwarded ports and its disk.
sys_qmp '{"execute":"quit"}' >/dev/null 2>&1
if ! "$SYS_TOOL" exit --timeout 20 "$SYS_QEMU_PID" >/dev/null 2>&1; then
    if [ -n "$_probed" ]; then
        echo "at its quit:" >>"$SYS_OUT.why"
        qemu_threads | tee -a "$SYS_OUT.why" | sed 's/^/# /'
    else
        laptop_probe "its quit"
    fi
    sys_diag "the laptop's QEMU had not quit 20 s after QMP quit: killed"
    kill -9 "$SYS_QEMU_PID" 2>/dev/null
    wait "$SYS_QEMU_PID" 2>/dev/null
fi
_t=$(date +%s)
# The stick's Xen configuration (on its ESP) gives dom0's kernel tessera.install=/dev/vdb. The
# stick is the one just enrolled (an overlay over that laptop's disk): the copy keeps the
# enrolment.
OVERLAY_BASE="$SYS_TMP/laptop.qcow2" overlay "$SYS_TMP/stick.qcow2" tessera.install=/dev/vdb
qemu-img create -q -f qcow2 "$SYS_TMP/internal.qcow2" 3G
laptop install.console -drive "if=virtio,format=qcow2,file=$SYS_TMP/stick.qcow2" \
    -drive "if=virtio,format=qcow2,file=$SYS_TMP/internal.qcow2"
# Installed, it powers off (tessera.install.then= defaults to poweroff): QEMU ends by itself.
installed=no
"$SYS_TOOL" wait --timeout "$bound" --pid "$SYS_QEMU_PID" "$SYS_OUT.marks" 'tessera-install: done' >/dev/null &&
    "$SYS_TOOL" exit --timeout 120 "$SYS_QEMU_PID" && installed=yes
sys_check "install-preseeded-copies-and-powers-off" [ "$installed" = yes ]
grep -a -o 'tessera-install: .*' "$SYS_OUT.install.console" | sed 's/^/# /'
[ "$installed" = yes ] || sed 's/^/# the install laptop'"'"'s QEMU said: /' "$SYS_OUT.qemu"
sys_diag "install: $(since "$_t") s"
# The internal disk alone: the copy boots to the kiosk's screen by itself.
laptop installed.console -drive "if=virtio,format=qcow2,file=$SYS_TMP/internal.qcow2"
sys_wait "tessera-image: .* up, broker answers" "$bound" >/dev/null || true
# Enrolled, the copy shows its locked screen, not "not enrolled", and takes the organization's
# pushes: the serial it runs is the one pushed to the stick.
_t=$(date +%s)
locked=$(first_screen_other "$SYS_OUT.installed.png")
# The stick was copied while alice was logged in on it: on the copy nobody is (the screen below
# the top bar is not the reference of alice's locked session).
sys_check "install-onto-internal-disk (its kiosk shows the locked screen, nobody logged in, see $SYS_OUT.installed.png)" \
    sh -c "[ $locked = yes ] && ! '$SYS_TOOL' compare --mask 0,0,1280,32 '$ref/laptop-image-locked.png' '$SYS_OUT.installed.png' >/dev/null 2>&1"
sys_diag "installed copy's screen: $(since "$_t") s (from power-on: $(since "$t") s)"
kept=no
# At most 3 minutes: a laptop that never answers must not take the test's whole bound.
_t=$(date +%s)
while [ "$(since "$_t")" -lt 180 ]; do
    if "$prov" push "$p/out/office.bundle" --hosts "$p/hosts" $ssh_opts >"$SYS_OUT.push-installed" 2>&1; then
        kept=yes; break
    fi
    grep -qi 'enrol' "$SYS_OUT.push-installed" && break
    sleep 3
done
sed 's/^/# push: /' "$SYS_OUT.push-installed"
sys_check "install-keeps-the-enrolment (a push to the copy: unchanged)" \
    sh -c "[ $kept = yes ] && grep -q unchanged '$SYS_OUT.push-installed'"
sys_done
