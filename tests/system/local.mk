# tests/system/local.mk: the QEMU system-test harness and system tests.
