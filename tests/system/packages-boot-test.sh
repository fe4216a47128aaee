#!/bin/sh
# tests/system/packages-boot-test.sh: the Debian packages under a real systemd. A chroot has no
# init, so packages-test.sh cannot see the broker start from its unit, log to the journal, be
# restarted by an upgrade or stopped by apt remove; this boots what it installed. It takes that
# run's clean Debian 12 root (mmdebstrap, cached) and packages from tests/system/packages-cache,
# installs tessera-laptop as apt would (units enabled), adds a policy with tools/demo-policy's
# domains (tessera-guest-hello on the qemu backend, nested TCG) signed by the packaged
# tessera-provision, writes the root into an ext4 image (mkfs.ext4 -d: no loop device) and boots
# it with Debian's kernel from /boot (direct kernel boot, root on virtio) and a busybox initramfs
# (tests/system/packages-boot-init) that hands over to the root's systemd. In the
# guest, packages-boot-guest.sh runs as a unit and writes its TAP lines on ttyS1.
# Run by make check-packages-boot, after check-packages (check-extra); needs root. Bounded by
# TSR_PACKAGES_BOOT_TIMEOUT seconds for the guest (default 780).
set -u

src=${TSR_SRCDIR:?}
build=${TSR_BUILDDIR:?}
cache=$build/tests/system/packages-cache
work=$(mktemp -d "${TMPDIR:-/var/tmp}/tsr-packages-boot.XXXXXX")
root=$work/root
gout=$build/tests/system/packages-boot.out
qemu_pid=""
. "$src/tests/system/packages-lib.sh"
. "$src/tests/system/lib.sh"

cleanup() {
	if [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null; then
		"$SYS_TOOL" exit --timeout 10 "$qemu_pid" || kill -9 "$qemu_pid" 2>/dev/null
	fi
	umount_root
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" = 0 ] || bail "needs root (chroot, dpkg in the root)"
[ -f "$cache/root.tar" ] && [ -d "$cache/debs/v1" ] && [ -d "$cache/debs/v2" ] ||
	bail "no packages in $cache: make check-packages first (packages-test.sh leaves them)"
k=$(sys_find_kernel) || bail "no Debian kernel in /boot with its modules (linux-image-amd64)"
kernel=${k% *}
# A small initramfs (cached by content) that mounts the root disk and starts its systemd.
initrd=$("$src/tests/system/mkinitrd" --kver "${k#* }" --out-dir "$build/tests/system" \
	--name packages-boot --script "$src/tests/system/packages-boot-init" \
	--init "$src/tests/system/packages-boot-init" --module virtio_blk --module ext4) ||
	bail "tests/system/mkinitrd failed"
for tool in mkfs.ext4 qemu-system-x86_64; do
	command -v "$tool" >/dev/null || bail "$tool missing: run tools/install-deps"
done
"$src/tools/build-guest-image" --out "$build/guest-image" >"$work/guest-image.log" 2>&1 ||
	{ sed 's/^/# /' "$work/guest-image.log"; bail "tools/build-guest-image failed"; }
step "tools/build-guest-image"
started=$(date +%s)

# --- the root: packages installed as apt leaves them, a policy, the test unit ---
mkdir -p "$root" && tar -xf "$cache/root.tar" -C "$root" || bail "cannot unpack the root"
mount_root || bail "cannot mount in the root"
mkdir -p "$root/root/debs" && cp -r "$cache/debs/v1" "$cache/debs/v2" "$root/root/debs/"
check "image: dpkg installs tessera-laptop and tessera-provision (v1)" in_root sh -c \
	'dpkg -i /root/debs/v1/tessera-laptop_*.deb /root/debs/v1/tessera-provision_*.deb'
# Domains boot tessera-guest-hello directly; the broker's own options for a guest without a
# display, USB or udev.
mkdir -p "$root/usr/local/share/tsr-guest" "$root/var/lib/tessera/templates"
cp "$build/guest-image/vmlinuz" "$build/guest-image/initrd.img" "$root/usr/local/share/tsr-guest/"
cp "$build/guest-image/template.qcow2" "$root/var/lib/tessera/templates/"
cp "$build/guest-image/manifest" "$src/tools/demo-policy" "$root/root/"
cat >"$root/etc/tessera/broker.conf" <<'EOF'
TESSERA_BROKERD_OPTIONS="--no-kiosk --no-usb --no-udev --accel=tcg --shutdown-timeout=5000 --guest-kernel=/usr/local/share/tsr-guest/vmlinuz --guest-initrd=/usr/local/share/tsr-guest/initrd.img"
EOF
check "image: a signed policy installed by the packaged tessera-provision" in_root sh -c '
	set -e; umask 077; cd /root; head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n" >pp; echo >>pp
	tessera-provision keygen --out keys --role root --passphrase-file pp
	tessera-provision keygen --out keys --role policy --passphrase-file pp
	tessera-provision keyset --root keys/root.secret --organization demo-org --add keys/policy.pub \
		--out keys/keyset --passphrase-file pp
	sh demo-policy --out policy --backend qemu --provision /usr/bin/tessera-provision \
		--template-manifest manifest >/dev/null
	tessera-provision build policy --out bundles
	tessera-provision sign bundles/demo.bundle --key keys/policy.secret --keyset keys/keyset \
		--passphrase-file pp
	tessera-provision init --root keys/root.pub --organization demo-org --group demo
	tessera-provision install --broker-socket "" bundles/demo.bundle'
install -m 0755 "$src/tests/system/packages-boot-guest.sh" "$root/usr/local/sbin/tsr-packages-boot"
cat >"$root/etc/systemd/system/tsr-packages-boot.service" <<'EOF'
[Unit]
Description=Tessera package test (packages-boot-test.sh)
After=tessera-brokerd.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/tsr-packages-boot
EOF
ln -s ../tsr-packages-boot.service "$root/etc/systemd/system/multi-user.target.wants/"
# A test machine's dpkg: no fsync per file, no man-db index rebuilt on every upgrade (minutes
# under TCG; the packages' files are what is tested, not the index).
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/tsr-unsafe-io"
rm -f "$root/var/lib/man-db/auto-update"
# A machine id, so systemd does not take this for a first boot (systemd-firstboot would ask).
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id" && echo >>"$root/etc/machine-id"
echo tsr-packages >"$root/etc/hostname"
# No login on the serial console: its getty waits for a dev-ttyS0.device that no udev in this
# root will announce, a start job systemd gives up on only after 90 s.
ln -s /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
umount_root
size=$(( $(du -sm "$root" | cut -f1) + 768 ))
mkfs.ext4 -q -F -L tsr-root -d "$root" "$work/root.img" "${size}M" >"$work/mkfs.log" 2>&1 ||
	{ sed 's/^/# /' "$work/mkfs.log"; bail "mkfs.ext4 -d failed"; }
rm -rf "$root"
step "image (${size} MiB)"

# --- boot it ---
: >"$gout.console"; : >"$gout.marks"
qemu-system-x86_64 -accel tcg -m 1536 -smp 2 -nodefaults -no-user-config -display none \
	-no-reboot -monitor none -kernel "$kernel" -initrd "$initrd" \
	-append "root=/dev/vda rw console=ttyS0 noresume panic=-1 systemd.show_status=false systemd.journald.forward_to_console=1" \
	-drive "file=$work/root.img,format=raw,if=virtio" \
	-chardev "file,id=console,path=$gout.console" -serial chardev:console \
	-chardev "file,id=marks,path=$gout.marks" -serial chardev:marks \
	</dev/null >"$gout.qemu" 2>&1 &
qemu_pid=$!
if "$SYS_TOOL" wait --timeout "${TSR_PACKAGES_BOOT_TIMEOUT:-780}" --pid "$qemu_pid" "$gout.marks" \
	'^TSR-DONE' >/dev/null; then
	ok "guest: booted with systemd and ran its checks ($(( $(date +%s) - started )) s)"
else
	not_ok "guest: booted with systemd and ran its checks"
	tail -40 "$gout.console" | sed 's/^/#   /'
fi
step "the guest: boot and its checks"
# The guest's results, numbered here.
tr -d '\r' <"$gout.marks" >"$work/guest.tap"
while IFS= read -r line; do
	case "$line" in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"# "*) echo "$line" ;;
	esac
done <"$work/guest.tap"
grep -q ' - remove: no QEMU left' "$work/guest.tap" || not_ok "guest: reached its last check"
if [ "$failed" != 0 ]; then
	echo "# the guest's journal and console: $gout.console"
fi
# Nothing left to see in the guest: its power-off is not waited for (cleanup ends QEMU).
echo "1..$n"
exit $failed
