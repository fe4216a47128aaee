#!/bin/sh
# tests/system/domains-xen-uefi-test.sh: make check-xen-uefi: whether an HVM domain boots
# through OVMF under the nested Xen of make check-xen (domains-xen-test.sh, which does the
# work; tests/system/xen/uefi-try-dom0 drives xl in dom0). TSR_XEN_OVMF=FILE tries another
# OVMF build. On demand: the xen backend refuses firmware = uefi until this passes.
TSR_XEN_GUEST=uefi exec "$(dirname "$0")/domains-xen-test.sh"
