#!/bin/sh
# tests/system/admin-guide-test.sh: doc/admin-guide.md's command blocks, run in order, so the
# guide cannot rot. An administrator follows the guide command by command; a command that no
# longer works (a renamed option, a file the packages moved) is a broken guide, found here.
#
# The blocks run in a scratch root: the clean Debian 12 root and the packages packages-test.sh
# leaves in tests/system/packages-cache (make check-packages first), one machine playing both
# the admin workstation and the laptop, as in the guide's trial. A block preceded by
#   <!-- admin-guide-test: skip NAME: why -->
# is not run (real Xen hardware, another machine over ssh, a booted laptop, or not commands at
# all); every other fenced block is. Lines prompted "admin$ " run as the user admin ("admin$
# sudo ..." as root), the others as root, as the guide says; each role keeps its working
# directory from command to command. Commands run on a terminal (script(1)) whose passphrase and
# password prompts are answered, and apt's "[Y/n]" with y, as a person would. What the admin
# copies to the laptop is taken from the admin's directory: /path/to/root.pub is keys/root.pub,
# /path/to/office.bundle is out/office.bundle. Prints TAP, one line per block, named by its section
# and first command, and the blocks it did not run as comments. Needs root (chroot).
set -u

src=${TSR_SRCDIR:?}
build=${TSR_BUILDDIR:?}
cache=$build/tests/system/packages-cache
guide=${TSR_ADMIN_GUIDE:-$src/doc/admin-guide.md}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/tsr-admin-guide.XXXXXX")
root=$work/root
. "$src/tests/system/packages-lib.sh"

cleanup() {
	umount_root
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" = 0 ] || bail "needs root (chroot)"
[ -f "$cache/root.tar" ] && [ -d "$cache/debs/v1" ] ||
	bail "no packages in $cache: make check-packages first (packages-test.sh leaves them)"
command -v script >/dev/null || bail "script missing (util-linux)"

# --- the blocks: BLOCKS/N.sh (the block's text), N.name, and N.skip for a marked one ---
mkdir -p "$work/blocks"
awk -v dir="$work/blocks" '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]*(#.*)?$/, "", s); return s }
	/^## / && !infence { section = substr($0, 4); nb = 0; next }
	!infence && /^[ \t]*<!-- admin-guide-test: skip / {
		skip = $0; sub(/^[ \t]*<!-- admin-guide-test: skip /, "", skip); sub(/ *-->.*/, "", skip)
		next
	}
	/^[ \t]*```/ {
		if (!infence) {
			infence = 1; n++; nb++; indent = match($0, /[^ \t]/) - 1; first = ""
			file = sprintf("%s/%03d", dir, n)
			printf "" > (file ".sh")
			if (skip != "") { print skip > (file ".skip"); close(file ".skip") }
			skip = ""
		} else {
			infence = 0; close(file ".sh")
			printf "%s, block %d: %s\n", section, nb, first > (file ".name"); close(file ".name")
		}
		next
	}
	infence { line = substr($0, indent + 1); print line > (file ".sh"); if (first == "") first = trim(line); next }
	/[^ \t]/ { skip = "" }
' "$guide" || bail "cannot read $guide"
[ -n "$(ls "$work/blocks")" ] || bail "no command blocks in $guide"

# --- the scratch root: clean Debian 12, an admin user, the packages in both roles' directories ---
mkdir -p "$root" && tar -xf "$cache/root.tar" -C "$root" || bail "cannot unpack the root"
mount_root || bail "cannot mount in the root"
in_root useradd -m -s /bin/sh admin || bail "cannot add the admin user"
cp "$cache"/debs/v1/*.deb "$root/root/" && cp "$cache"/debs/v1/*.deb "$root/home/admin/" &&
	in_root sh -c 'chown admin: /home/admin/*.deb' || bail "cannot copy the packages"
mkdir -p "$root/tmp/guide" && chmod 755 "$root/tmp/guide"
secret="guide test passphrase"

# to_commands BLOCK: one file per command (continuation lines and here-documents included)
# as N.ROLE in the block's directory; prints the files in order.
to_commands() {
	awk -v out="${1%.sh}.d" '
		function start(role, text) { k++; f = sprintf("%s/%03d.%s", out, k, role); print text > f }
		heredoc != "" { print > f; if ($0 == heredoc) heredoc = ""; next }
		cont { print > f; cont = /\\$/; next }
		{
			role = "root"; text = $0
			if (text ~ /^admin\$ sudo /) sub(/^admin\$ sudo /, "", text)
			else if (text ~ /^admin\$ /) { role = "admin"; sub(/^admin\$ /, "", text) }
			if (text ~ /^[ \t]*$/) next
			gsub(/\/path\/to\/root\.pub/, "/home/admin/tessera/keys/root.pub", text)
			gsub(/\/path\/to\/office\.bundle/, "/home/admin/tessera/out/office.bundle", text)
			start(role, text)
			cont = /\\$/
			if (match(text, /<<-?[ \t]*'"'"'?[A-Za-z_]+'"'"'?/)) {
				heredoc = substr(text, RSTART, RLENGTH); sub(/^<<-?[ \t]*'"'"'?/, "", heredoc)
				sub(/'"'"'$/, "", heredoc)
			}
		}
	' "$1"
	ls "${1%.sh}.d"
}

# run_on_tty ROLE FILE: the command in FILE as ROLE in the root, on a terminal whose prompts for
# a passphrase or password get $secret and whose "[Y/n]" gets y; its output in FILE.out.
run_on_tty() {
	role=$1; cmd=$2
	home=/root; [ "$role" = admin ] && home=/home/admin
	inner=/tmp/guide/$(basename "$cmd")
	{
		printf 'cd "$(cat %s/.guide-cwd 2>/dev/null || echo %s)" || exit 1\n' "$home" "$home"
		cat "$cmd"
		printf 'rc=$?\npwd >%s/.guide-cwd\nexit $rc\n' "$home"
	} >"$root$inner"
	chmod 644 "$root$inner"
	rm -f "$work/tty.in" && mkfifo "$work/tty.in"
	script -qefc "chroot '$root' runuser -u $role -- env -i HOME=$home USER=$role \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 sh $inner" /dev/null \
		<"$work/tty.in" >"$cmd.out" 2>&1 &
	pid=$!
	exec 3>"$work/tty.in"
	answered=0
	end=$(( $(date +%s) + 120 ))
	while kill -0 "$pid" 2>/dev/null; do
		prompt=$(grep -o -E '(passphrase|Password|Again): |\[Y/n\] ' "$cmd.out" |
			sed -n "$((answered + 1))p")
		if [ -n "$prompt" ]; then
			case "$prompt" in
			"[Y/n] ") echo y >&3 ;;
			*) printf '%s\n' "$secret" >&3 ;;
			esac
			answered=$((answered + 1))
		elif [ "$(date +%s)" -ge "$end" ]; then
			echo "(no end after 120 s)" >>"$cmd.out"; kill "$pid" 2>/dev/null
		else
			sleep 0.1
		fi
	done
	wait "$pid"; rc=$?
	exec 3>&-
	return $rc
}

for block in "$work"/blocks/*.sh; do
	b=${block%.sh}
	name=$(cat "$b.name")
	if [ -f "$b.skip" ]; then
		echo "# not run: $(cat "$b.skip") ($name)"
		continue
	fi
	mkdir -p "$b.d"
	fail=""
	for c in $(to_commands "$block"); do
		if ! run_on_tty "${c##*.}" "$b.d/$c"; then
			fail="$b.d/$c"; break
		fi
	done
	if [ -z "$fail" ]; then
		ok "$name"
	else
		not_ok "$name"
		echo "# as ${fail##*.}: $(head -1 "$fail")"
		tr -d '\r' <"$fail.out" | tail -20 | sed 's/^/#   /'
	fi
done
echo "1..$n"
exit $failed
