# tools/package-inputs.sh: which Tessera packages a tree makes, as a key (sourced by
# tools/build-image and tests/system/packages-test.sh).
#
# Building the packages takes minutes, and both the image and the package tests build them from
# the same tree; with one key for what can change the packages, one can take the other's
# packages instead of building them again.
# package_inputs_key TOP: prints 16 hex digits, the hash of every file of the tree at TOP
# (committed or not, in git's view when TOP is a work tree) that can change tessera-laptop and
# tessera-provision: not the tests (not run: nocheck), the tools, CI or the prose documentation
# (in tessera-doc).
package_inputs_key() {
    if git -C "$1" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$1" && git ls-files -co --exclude-standard -z | tr '\0' '\n' |
         while read -r _f; do [ -f "$_f" ] && echo "$_f"; done)
    else
        (cd "$1" && find . -path ./build -prune -o -path ./debian/build -prune -o -type f -print |
         sed 's|^\./||')
    fi | grep -v -e '^tests/' -e '^tools/' -e '^doc/[^/]*\.md$' -e '^\.ci/' | LC_ALL=C sort |
    (cd "$1" && while read -r _f; do sha256sum "$_f"; done) | sha256sum | cut -c1-16
}
