#!/bin/sh
# tests/system/domains-xen-debian-test.sh: make check-xen-debian: the Debian template of
# tools/build-guest-debian, a real operating system on its own disk, booted by the xen backend
# through SeaBIOS under the nested Xen of make check-xen (domains-xen-test.sh, which does the
# work). Its own target: Debian's boot under TCG-in-TCG takes far longer than the small image's.
TSR_XEN_GUEST=debian exec "$(dirname "$0")/domains-xen-test.sh"
