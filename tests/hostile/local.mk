# tests/hostile/local.mk: the attackers (included from the top Makefile.am). Each test here is a
# small program that plays one attacker of doc/security.md — a compromised viewer, a hostile
# device model or QEMU, a kiosk, a mirror, a local user — against the real program, and prints
# one TAP result per attack, named after it, asserting that nothing changed that should not have.
# Unit-speed attackers go in HOSTILE_TESTS (run with the integration tests, in both builds);
# one that needs a booted guest goes in SYSTEM_TESTS.
HOSTILE_TESTS =
INTEGRATION_TESTS += $(HOSTILE_TESTS)

# A compromised kiosk against the real broker (sim backend, scripted test kiosk).
HOSTILE_TESTS += tests/hostile/hostile-kiosk-test
check_PROGRAMS += tests/hostile/hostile-kiosk-test
tests_hostile_hostile_kiosk_test_SOURCES = tests/hostile/hostile-kiosk-test.c $(BROKER_HARNESS)
tests_hostile_hostile_kiosk_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_hostile_kiosk_test_LDADD = $(BROKER_LIBS)

# A mirror that swaps the key set a bundle carries (older, or another the root signed).
HOSTILE_TESTS += tests/hostile/mirror-keyset-swap-test.sh
EXTRA_DIST += tests/hostile/mirror-keyset-swap-test.sh

# A hostile enrolment disk (TSR-ENROL) against the sandboxed reader's FAT reader and parser.
HOSTILE_TESTS += tests/hostile/enrol-disk-attack-test.sh
EXTRA_DIST += tests/hostile/enrol-disk-attack-test.sh

# A local user after the password hashes in the installed bundle: modes after init, install,
# build and sign, and an older version's open state directory closed by the next install.
HOSTILE_TESTS += tests/hostile/local-user-state-test.sh
EXTRA_DIST += tests/hostile/local-user-state-test.sh

# A compromised QEMU against the broker's QMP client: hostile-qemu plays the device model.
HOSTILE_TESTS += tests/hostile/hostile-qmp-test
check_PROGRAMS += tests/hostile/hostile-qmp-test tests/hostile/hostile-qemu
tests_hostile_hostile_qemu_SOURCES = tests/hostile/hostile-qemu.c
tests_hostile_hostile_qmp_test_SOURCES = tests/hostile/hostile-qmp-test.c $(BROKER_HARNESS)
tests_hostile_hostile_qmp_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_hostile_qmp_test_LDADD = $(DOMAINS_LIBS) $(BROKER_LIBS)

# A compromised viewer against the real kiosk, spawned by tessera-kiosk in place of
# tessera-viewer for one domain; what each test runs and its attacker share these.
HOSTILE_KIOSK_SRC = tests/integration/kiosk-process.c tests/integration/kiosk-process.h \
	tests/integration/display-helpers.c tests/integration/display-helpers.h
HOSTILE_KIOSK_DEPS = kiosk/tessera-kiosk$(EXEEXT) viewer/tessera-viewer$(EXEEXT) \
	tests/testdomain/tessera-testdomain$(EXEEXT)
HOSTILE_VIEWER_SRC = tests/integration/hostile-messages.c tests/integration/hostile-messages.h

# Surfaces with a stride beyond the scene's limit (stride-viewer).
HOSTILE_TESTS += tests/hostile/viewer-stride-test
check_PROGRAMS += tests/hostile/viewer-stride-test tests/hostile/stride-viewer
tests_hostile_viewer_stride_test_SOURCES = tests/hostile/viewer-stride-test.c \
	tests/hostile/stride-viewer.h $(HOSTILE_KIOSK_SRC) \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_hostile_viewer_stride_test_LDADD = $(RENDERER_LIBS)
EXTRA_tests_hostile_viewer_stride_test_DEPENDENCIES = $(HOSTILE_KIOSK_DEPS) \
	tests/hostile/stride-viewer$(EXEEXT)
tests_hostile_stride_viewer_SOURCES = tests/hostile/stride-viewer.c tests/hostile/stride-viewer.h \
	$(HOSTILE_VIEWER_SRC)
tests_hostile_stride_viewer_LDADD = $(COMMON_LIBS)

# Clipboard messages nobody asked for, oversized, not UTF-8, unsealed (clipboard-viewer).
HOSTILE_TESTS += tests/hostile/viewer-clipboard-test
check_PROGRAMS += tests/hostile/viewer-clipboard-test tests/hostile/clipboard-viewer
tests_hostile_viewer_clipboard_test_SOURCES = tests/hostile/viewer-clipboard-test.c \
	$(HOSTILE_KIOSK_SRC)
tests_hostile_viewer_clipboard_test_LDADD = $(RENDERER_LIBS)
EXTRA_tests_hostile_viewer_clipboard_test_DEPENDENCIES = $(HOSTILE_KIOSK_DEPS) \
	tests/hostile/clipboard-viewer$(EXEEXT)
tests_hostile_clipboard_viewer_SOURCES = tests/hostile/clipboard-viewer.c $(HOSTILE_VIEWER_SRC)
tests_hostile_clipboard_viewer_LDADD = $(COMMON_LIBS)

# A clock that once says 2099: the latest time is held at the bundle's lease end, a newer
# bundle installs once the clock is right, setting the clock back still does not help.
HOSTILE_TESTS += tests/hostile/clock-2099-test
check_PROGRAMS += tests/hostile/clock-2099-test
tests_hostile_clock_2099_test_LDADD = $(POLICY_LIBS)

# A compromised device model that swaps its SPICE socket for a link (sim backend).
HOSTILE_TESTS += tests/hostile/hostile-device-model-test
check_PROGRAMS += tests/hostile/hostile-device-model-test
tests_hostile_hostile_device_model_test_SOURCES = tests/hostile/hostile-device-model-test.c \
	$(BROKER_HARNESS)
tests_hostile_hostile_device_model_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_hostile_device_model_test_LDADD = $(BROKER_LIBS)

# A mirror that serves endless downloads to pull and templates (a real sshd on loopback).
HOSTILE_TESTS += tests/hostile/mirror-endless-test.sh
EXTRA_DIST += tests/hostile/mirror-endless-test.sh

# A session kept open past the offline lease: locked with the lease message, unlock refused
# until a newer bundle (the real broker on an installed bundle, the scripted test kiosk).
HOSTILE_TESTS += tests/hostile/lease-expiry-test
check_PROGRAMS += tests/hostile/lease-expiry-test
tests_hostile_lease_expiry_test_SOURCES = tests/hostile/lease-expiry-test.c $(BROKER_HARNESS)
tests_hostile_lease_expiry_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_lease_expiry_test_LDADD = $(BROKER_LIBS)

# A locked kiosk left with a smart card in a domain: lock takes the reader and focused
# devices out (unless on-lock = keep), unlock brings them back (fake sysfs, sim backend).
HOSTILE_TESTS += tests/hostile/lock-devices-test
check_PROGRAMS += tests/hostile/lock-devices-test
tests_hostile_lock_devices_test_SOURCES = tests/hostile/lock-devices-test.c $(BROKER_HARNESS)
tests_hostile_lock_devices_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_lock_devices_test_LDADD = $(BROKER_LIBS)

# A compromised kiosk that keeps its evdev fds (a forked child, a process outside its cgroup)
# across a restart, in a booted guest: EVIOCREVOKE and the kiosk's cgroup.
SYSTEM_TESTS += tests/hostile/kiosk-restart-leak-test.sh
check_PROGRAMS += tests/hostile/tsr-leaky-kiosk
tests_hostile_tsr_leaky_kiosk_SOURCES = tests/hostile/leaky-kiosk.c
tests_hostile_tsr_leaky_kiosk_LDADD = $(KIOSK_PROTO_LIBS) $(GLIB_LIBS)
EXTRA_DIST += tests/hostile/kiosk-restart-leak-test.sh tests/hostile/kiosk-restart-leak-guest.sh

# A compromised viewer inside the viewer's real box (started by the real spawner, entering the
# sandbox with viewer/sandbox.c), a process of the viewer's uid grabbing at the real viewer, a
# device model sharing the viewer's uid, and a policy that gives them one uid under two names.
HOSTILE_TESTS += tests/hostile/hostile-viewer-sandbox-test
check_PROGRAMS += tests/hostile/hostile-viewer-sandbox-test tests/hostile/sandboxed-viewer-attacker
tests_hostile_hostile_viewer_sandbox_test_SOURCES = tests/hostile/hostile-viewer-sandbox-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h
tests_hostile_hostile_viewer_sandbox_test_LDADD = $(DISPLAY_LIBS) $(POLICY_LIBS)
EXTRA_tests_hostile_hostile_viewer_sandbox_test_DEPENDENCIES = viewer/tessera-viewer$(EXEEXT) \
	tests/hostile/sandboxed-viewer-attacker$(EXEEXT)
tests_hostile_sandboxed_viewer_attacker_SOURCES = tests/hostile/sandboxed-viewer-attacker.c \
	viewer/sandbox.c viewer/sandbox.h
tests_hostile_sandboxed_viewer_attacker_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tests_hostile_sandboxed_viewer_attacker_LDADD = $(COMMON_LIBS)

# A local user who can write the console socket's directory swaps the socket for a link to a
# root file while root gives it away (the real tessera-console, an inotify attacker as 65534).
HOSTILE_TESTS += tests/hostile/hostile-console-socket-test
check_PROGRAMS += tests/hostile/hostile-console-socket-test
tests_hostile_hostile_console_socket_test_LDADD = $(CONSOLE_LINK_LIBS)
EXTRA_tests_hostile_hostile_console_socket_test_DEPENDENCIES = console/tessera-console$(EXEEXT)

# A local user after the audit log and the broker's state: directories an older version left
# open are closed, one another uid owns is refused (the real broker, sim backend).
HOSTILE_TESTS += tests/hostile/local-user-audit-test
check_PROGRAMS += tests/hostile/local-user-audit-test
tests_hostile_local_user_audit_test_SOURCES = tests/hostile/local-user-audit-test.c \
	$(BROKER_HARNESS)
tests_hostile_local_user_audit_test_CFLAGS = $(BROKER_CFLAGS)
tests_hostile_local_user_audit_test_LDADD = $(BROKER_LIBS)

# A compromised kiosk inside the kiosk's real box (kiosk/sandbox.c linked in): the fcntl signal
# trick by ioctl (FIOSETOWN, SIOCSPGRP, FIOASYNC) and a network ioctl on a socket.
HOSTILE_TESTS += tests/hostile/hostile-kiosk-sandbox-test
check_PROGRAMS += tests/hostile/hostile-kiosk-sandbox-test
tests_hostile_hostile_kiosk_sandbox_test_SOURCES = tests/hostile/hostile-kiosk-sandbox-test.c \
	kiosk/sandbox.c kiosk/sandbox.h
tests_hostile_hostile_kiosk_sandbox_test_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tests_hostile_hostile_kiosk_sandbox_test_LDADD = $(COMMON_LIBS)
