#!/bin/sh
# tests/system/packages-test.sh: the Debian packages as an administrator meets them. Builds
# them from this tree (dpkg-buildpackage, tests skipped: make check ran them), lints them, installs
# them into a clean Debian 12 root (mmdebstrap), checks files, users, units, modes and the
# maintainer scripts, upgrades to the same packages repacked at a higher version, removes and
# purges. Prints TAP, with each step's wall time as a comment.
# Run by `make check-packages` (check-extra); needs root, network to the Debian mirror, debhelper,
# lintian and mmdebstrap. The clean root is cached by the hash of what went into it, in the build
# tree, so a second run in the same tree skips the download. The packages (both versions) and
# the root stay in tests/system/packages-cache for packages-boot-test.sh, which boots them.
set -u

src=${TSR_SRCDIR:?}
build=${TSR_BUILDDIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/tsr-packages.XXXXXX")
root=$work/root
cache=$build/tests/system/packages-cache
. "$src/tests/system/packages-lib.sh"

cleanup() {
	umount_root
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || bail "needs root (chroot, dpkg in the clean root)"
for tool in dpkg-buildpackage lintian mmdebstrap systemd-analyze; do
	command -v "$tool" >/dev/null || bail "$tool missing: run tools/install-deps"
done

# --- build: the tree as it is (committed or not), without build outputs ---
mkdir -p "$work/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 sh -c \
		'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null --no-recursion -cf - -T -) | tar -xf - -C "$work/src"
else
	tar -C "$src" --exclude=./build --exclude=./debian/build -cf - . | tar -xf - -C "$work/src"
fi
version=$(cd "$work/src" && dpkg-parsechangelog -S Version)
step "copy of the tree"
# The build's log has each line's seconds since the build began, to say which dh steps took long.
(cd "$work/src" && { DEB_BUILD_OPTIONS="nocheck parallel=2" nice dpkg-buildpackage -b -us -uc 2>&1
	echo "dpkg-buildpackage exit $?"; } | perl -ne 'BEGIN { $| = 1; $s = time } print time - $s, " ", $_' \
	>"$work/build.log")
if grep -q ' dpkg-buildpackage exit 0$' "$work/build.log"; then
	ok "dpkg-buildpackage builds version $version"
else
	not_ok "dpkg-buildpackage builds version $version"; tail -40 "$work/build.log" | sed 's/^/# /'
	bail "no packages to test"
fi
step "dpkg-buildpackage (nocheck)"
awk '{ t = $1; $1 = ""; sub(/^ +/, "") }
	/^(dh_[a-z_]+|debian\/rules [a-z_-]+)( |$)/ {
		if (what != "") took[what] += t - since
		what = $1 ($1 == "debian/rules" ? " " $2 : ""); since = t }
	END { if (what != "") took[what] += t - since; for (w in took) if (took[w] >= 5) print took[w], w }' \
	"$work/build.log" | sort -rn | while read -r secs what; do echo "# time:   of which $what $secs s"; done
mkdir -p "$work/v1" && mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$work/v1/"
# What they were built from, so tools/build-image --reuse-debs takes them rather than build again.
. "$src/tools/package-inputs.sh"
package_inputs_key "$src" >"$work/v1/package-inputs.key"

arch=$(dpkg --print-architecture)
for p in tessera-laptop_"$version"_"$arch" tessera-provision_"$version"_"$arch" \
	tessera-admin_"$version"_all tessera-doc_"$version"_all; do
	check "package $p built" test -f "$work/v1/$p.deb"
done
for p in tessera-testdomain tessera-guest-hello; do
	check "$p is in no package" sh -c "! for d in $work/v1/*.deb; do dpkg-deb -c \$d; done | grep -q $p"
done
check "tessera-laptop's libraries come from shlibs" \
	sh -c "dpkg-deb -f $work/v1/tessera-laptop_*.deb Depends | grep -q libspice-client-glib"
check "lintian finds no error or warning" \
	nice lintian --fail-on error,warning "$work/v1/tessera_${version}_$arch.changes"
step lintian
# The debug symbols are lintian's to see, not the clean root's.
rm -f "$work"/v1/*-dbgsym_*.deb

# The upgrade: the same packages at a higher version, repacked by dpkg-deb with the version (and
# tessera-laptop's exact dependency on tessera-provision) raised. A second dpkg-buildpackage would
# run the install, strip, shlibdeps and compression of the same files again (about a minute at
# load); what the upgrade tests does not depend on how the higher version was made: dpkg replaces
# the files and runs the old prerm and postrm and the new preinst and postinst, the broker
# restarts.
v2="$version+test1"
mkdir -p "$work/v2"
repack() {
	r=$work/repack/$(basename "$1" .deb)
	rm -rf "$r" && mkdir -p "$r" && dpkg-deb -R "$1" "$r" &&
		sed -i "s/^Version: .*/Version: $v2/; /^Depends:/s/(= $version)/(= $v2)/g" "$r/DEBIAN/control" &&
		dpkg-deb -b "$r" "$work/v2/$(basename "$1" | sed "s/_${version}_/_${v2}_/")" >/dev/null
}
repack_all() { for d in "$work"/v1/*.deb; do repack "$d" || return 1; done; }
check "repacked as $v2" repack_all
check "the repacked tessera-laptop is $v2 and needs tessera-provision $v2" sh -c "
	[ \"\$(dpkg-deb -f $work/v2/tessera-laptop_${v2}_$arch.deb Version)\" = '$v2' ] &&
	dpkg-deb -f $work/v2/tessera-laptop_${v2}_$arch.deb Depends | grep -qF 'tessera-provision (= $v2)'"
step "repack as $v2"

# --- a clean Debian 12 root with what the packages depend on, cached by those inputs ---
# Recommends too (their first choice, qemu-system-x86), as apt installs them: the booted root
# of packages-boot-test.sh runs a domain.
deps=$(for d in "$work"/v1/tessera-laptop_*.deb "$work"/v1/tessera-provision_*.deb; do
	dpkg-deb -f "$d" Depends Recommends | sed 's/^[A-Za-z-]*: //'; done | tr ',' '\n' |
	sed 's/(.*//; s/|.*//; s/ //g' |
	grep -v '^tessera' | grep . | sort -u | tr '\n' ',')
key=$(printf 'bookworm %s systemd\n' "$deps" | sha256sum | cut -c1-16)
mkdir -p "$cache"
if [ ! -f "$cache/root-$key.tar" ]; then
	if nice mmdebstrap --variant=apt --include="systemd,${deps%,}" bookworm \
		"$cache/root-$key.new.tar" >"$work/mmdebstrap.log" 2>&1; then
		mv "$cache/root-$key.new.tar" "$cache/root-$key.tar"
		find "$cache" -name 'root-*.tar' ! -name "root-$key.tar" -delete
	else
		tail -20 "$work/mmdebstrap.log" | sed 's/^/# /'; bail "mmdebstrap failed"
	fi
fi
mkdir -p "$root" && tar -xf "$cache/root-$key.tar" -C "$root" || bail "cannot unpack the root"
# What packages-boot-test.sh boots: this run's packages and root.
rm -rf "$cache/debs" && mkdir -p "$cache/debs" && cp -r "$work/v1" "$work/v2" "$cache/debs/" &&
	ln -sf "root-$key.tar" "$cache/root.tar"
mount_root || bail "cannot mount in the root"
ok "clean Debian 12 root ($key)"
step "the clean root (mmdebstrap if not cached, unpack)"

# --- install ---
cp "$work"/v1/*.deb "$root/tmp/"
check "dpkg installs the four packages" in_root sh -c 'dpkg -i /tmp/tessera-*.deb'
for f in /usr/bin/tessera-brokerd /usr/bin/tessera-ctl /usr/bin/tessera-kiosk \
	/usr/bin/tessera-provision /usr/libexec/tessera-viewer /usr/libexec/tessera-console \
	/lib/systemd/system/tessera-brokerd.service /lib/systemd/system/tessera-pull.timer \
	/etc/tessera/broker.conf /usr/share/doc/tessera-admin/examples/policy/policy.conf \
	/usr/share/doc/tessera-doc/admin-guide.md.gz /usr/share/man/man8/tessera-brokerd.8.gz; do
	check "installed: $f" test -e "$root$f"
done
check "tessera-testdomain not installed" test ! -e "$root/usr/bin/tessera-testdomain"
check "the programs' libraries resolve" in_root sh -c \
	'! ldd /usr/bin/tessera-brokerd /usr/bin/tessera-kiosk /usr/libexec/tessera-viewer /usr/bin/tessera-provision | grep "not found"'
for u in tessera-kiosk tessera-console; do
	check "system user $u, no login shell" in_root sh -c \
		"getent passwd $u | grep -q ':/usr/sbin/nologin\$' && [ \$(id -u $u) -lt 1000 ]"
done
# 0711, not 0700: device models (their domains' uids) pass through to templates/ (policy/state.h).
check "/var/lib/tessera is 0711 root" in_root sh -c '[ "$(stat -c %a:%U /var/lib/tessera)" = 711:root ]'
check "/run/tessera is 0755 root" in_root sh -c '[ "$(stat -c %a:%U /run/tessera)" = 755:root ]'
check "tessera-brokerd.service enabled" \
	test -L "$root/etc/systemd/system/multi-user.target.wants/tessera-brokerd.service"
check "tessera-pull.timer enabled" test -L "$root/etc/systemd/system/timers.target.wants/tessera-pull.timer"
check "the pull service runs the installed tessera-provision" \
	grep -q '^ExecStart=/usr/bin/tessera-provision pull' "$root/lib/systemd/system/tessera-pull.service"
check "the broker reads /etc/tessera/broker.conf" \
	grep -q '^EnvironmentFile=/etc/tessera/broker.conf' "$root/lib/systemd/system/tessera-brokerd.service"
check "systemd-analyze verify: the units" systemd-analyze verify --root="$root" --man=no \
	tessera-brokerd.service tessera-pull.service tessera-pull.timer

# Secrets and state made by the installed programs keep their modes.
check "keygen on the admin side" in_root sh -c \
	'cd /tmp && echo pw >pass && tessera-provision keygen --out keys --role root --passphrase-file pass'
check "the secret key is 0600" in_root sh -c '[ "$(stat -c %a /tmp/keys/root.secret)" = 600 ]'
check "init on the laptop side" in_root tessera-provision init --root /tmp/keys/root.pub \
	--organization example-org --group office
check "trusted.keys 0600, state 0711, nothing in it writable by others" in_root sh -c \
	'stat -c "%a %n" /var/lib/tessera /var/lib/tessera/trusted.keys; find /var/lib/tessera -perm /022;
	 [ "$(stat -c %a /var/lib/tessera/trusted.keys)" = 600 ] && [ "$(stat -c %a /var/lib/tessera)" = 711 ] &&
	 ! find /var/lib/tessera -perm /022 | grep -q .'

step "install and its checks"

# --- upgrade to the repacked version, keeping the admin's broker options ---
echo 'TESSERA_BROKERD_OPTIONS="--kiosk-vt=auto --kiosk-devices --kiosk-arg=--organization=example-org"' \
	>"$root/etc/tessera/broker.conf"
rm -f "$root"/tmp/*.deb && cp "$work"/v2/*.deb "$root/tmp/"
check "dpkg upgrades to $v2" in_root sh -c 'dpkg -i --force-confold /tmp/tessera-*.deb'
check "installed version is $v2" in_root sh -c "[ \"\$(dpkg-query -W -f '\${Version}' tessera-laptop)\" = '$v2' ]"
check "upgrade kept the edited broker.conf" grep -q organization=example-org "$root/etc/tessera/broker.conf"
check "upgrade kept the state" test -f "$root/var/lib/tessera/trusted.keys"

step upgrade

# --- remove keeps state; purge says what it deletes, then deletes it ---
check "dpkg removes tessera-laptop" in_root dpkg -r tessera-admin tessera-laptop
check "remove kept the state" test -f "$root/var/lib/tessera/trusted.keys"
check "remove took the programs" test ! -e "$root/usr/bin/tessera-brokerd"
purge=$(in_root dpkg -P tessera-laptop 2>&1)
check "purge succeeded" test $? = 0
check "purge says it deletes /var/lib/tessera" sh -c "printf '%s' '$purge' | grep -q 'purge deletes /var/lib/tessera'"
check "purge deleted the state" test ! -e "$root/var/lib/tessera"
check "purge deleted /etc/tessera" test ! -e "$root/etc/tessera"
check "purge disabled the units" \
	test ! -e "$root/etc/systemd/system/multi-user.target.wants/tessera-brokerd.service"

step "remove and purge"
echo "1..$n"
exit $failed
