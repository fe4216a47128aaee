# tests/system/packages-lib.sh: what the Debian package tests share (sourced by
# packages-test.sh and packages-boot-test.sh): TAP lines and running commands in a Debian root.
# The caller sets root (the root's directory) and may read n and failed (TAP count, any failure).
# Each step's wall time is printed as a TAP comment (step), so a slow run says where its time went.

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
# check NAME COMMAND...: one TAP line; the command's output is shown only when it fails.
check() {
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; printf '%s\n' "$out" | sed 's/^/# /'; fi
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# step NAME: "# time: NAME N s", the seconds since the previous step (or since the library loaded).
step_last=$(date +%s)
step() { step_now=$(date +%s); echo "# time: $1 $((step_now - step_last)) s"; step_last=$step_now; }
bail() { echo "Bail out! $*"; exit 1; }
# mount_root: what dpkg's maintainer scripts need in the root; umount_root undoes it.
mount_root() { mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev"; }
umount_root() { for m in proc dev; do umount "$root/$m" 2>/dev/null; done; }
