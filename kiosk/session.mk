# kiosk/session.mk: the kiosk as the broker's session program: state machine and trusted screens.
# libtsr-session.a is linked into tessera-kiosk (kiosk/local.mk) and the kiosk's tests.
noinst_LIBRARIES += kiosk/libtsr-session.a
kiosk_libtsr_session_a_SOURCES = \
	kiosk/session.c kiosk/session.h kiosk/session-private.h \
	kiosk/session-broker.c kiosk/session-entry.c kiosk/session-getters.c \
	kiosk/screens.c kiosk/screens.h kiosk/screens-private.h \
	kiosk/screen-locked.c \
	kiosk/screen-login.c \
	kiosk/screen-picker.c \
	kiosk/screen-enrol.c \
	kiosk/screen-install.c
kiosk_libtsr_session_a_CPPFLAGS = $(RENDERER_CPPFLAGS)
# The protocol checks come from proto/ (their one definition).
SESSION_LIBS = kiosk/libtsr-session.a $(KIOSK_PROTO_LIBS) $(POLICY_LIBS) $(RENDERER_LIBS)

UNIT_TESTS += tests/unit/kiosk-session-test tests/unit/kiosk-screens-test
check_PROGRAMS += tests/unit/kiosk-session-test tests/unit/kiosk-screens-test
tests_unit_kiosk_session_test_LDADD = $(SESSION_LIBS)
tests_unit_kiosk_screens_test_CPPFLAGS = $(RENDERER_CPPFLAGS)
tests_unit_kiosk_screens_test_LDADD = tests/harness/libtsr-harness.a $(SESSION_LIBS)
tests_unit_kiosk_session_test_SOURCES = tests/unit/kiosk-session-test.c \
	tests/unit/kiosk-fake-broker.c tests/unit/kiosk-fake-broker.h
tests_unit_kiosk_screens_test_SOURCES = tests/unit/kiosk-screens-test.c $(RENDER_DEMO_PATTERN) \
	tests/unit/kiosk-fake-broker.c tests/unit/kiosk-fake-broker.h

# Broker mode: the session, screens and displays wired to the output, input and console.
noinst_LIBRARIES += kiosk/libtsr-broker-mode.a
kiosk_libtsr_broker_mode_a_SOURCES = \
	kiosk/broker-mode.c kiosk/broker-mode.h \
	kiosk/broker-clipboard.c kiosk/broker-clipboard.h \
	kiosk/frames.c kiosk/frames.h \
	kiosk/heads.c kiosk/heads.h \
	kiosk/passed-card.c kiosk/passed-card.h \
	kiosk/sandbox.c kiosk/sandbox.h
kiosk_libtsr_broker_mode_a_CPPFLAGS = $(RENDERER_CPPFLAGS)
kiosk_libtsr_broker_mode_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
BROKER_MODE_LIBS = kiosk/libtsr-broker-mode.a $(SESSION_LIBS) $(KIOSK_DISPLAY_LIBS) \
	$(CONSOLE_LINK_LIBS) $(INPUT_LIBS) $(POLICY_LIBS) $(RENDERER_LIBS)

# tessera-kiosk (kiosk/local.mk) runs broker mode when started with --broker-fd.
kiosk_libtsr_broker_mode_a_SOURCES += kiosk/broker-main.c kiosk/broker-main.h
kiosk_tessera_kiosk_LDADD += $(BROKER_MODE_LIBS)

# End-to-end: the broker with sim domains, the kiosk on a headless output, the console, and a
# SPICE client driving it all (tests/integration/kiosk-e2e-test.sh).
check_PROGRAMS += tests/integration/kiosk-spice-client
tests_integration_kiosk_spice_client_SOURCES = tests/integration/kiosk-spice-client.c
tests_integration_kiosk_spice_client_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
tests_integration_kiosk_spice_client_LDADD = tests/harness/libtsr-harness.a $(RENDERER_LIBS) \
	$(SPICE_CLIENT_LIBS)
INTEGRATION_TESTS += tests/integration/kiosk-e2e-test.sh tests/integration/kiosk-broker-clipboard-test.sh \
	tests/integration/kiosk-install-e2e-test.sh
EXTRA_DIST += tests/integration/kiosk-e2e-test.sh tests/integration/kiosk-e2e-lib.sh \
	tests/integration/kiosk-install-e2e-test.sh \
	tests/integration/kiosk-broker-clipboard-test.sh
# The same with real QEMU guests (tools/build-guest-image), and on DRM/KMS + evdev in a booted
# guest with sim domains (QMP input-send-event, screendumps).
SYSTEM_TESTS += tests/system/kiosk-qemu-test.sh tests/system/kiosk-drm-test.sh
CLEANFILES += tests/system/kiosk-guest.log

# Two heads of a virtio-gpu on DRM/KMS: a top bar and a domain on each, the pointer across
# them, the move hotkey, unplugging and plugging a head back (tests/system/kiosk-heads-test.sh).
SYSTEM_TESTS += tests/system/kiosk-heads-test.sh
check_PROGRAMS += tests/system/heads-shot-check
tests_system_heads_shot_check_SOURCES = tests/system/heads-shot-check.c \
	tests/testdomain/pattern.c tests/testdomain/pattern.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_system_heads_shot_check_CPPFLAGS = $(RENDERER_CPPFLAGS)
tests_system_heads_shot_check_LDADD = $(RENDERER_LIBS)

UNIT_TESTS += tests/unit/kiosk-frames-test
check_PROGRAMS += tests/unit/kiosk-frames-test
tests_unit_kiosk_frames_test_LDADD = $(BROKER_MODE_LIBS)

# Several outputs: a scene each, domains on them, the move hotkey and hotplug (kiosk/heads.h).
UNIT_TESTS += tests/unit/kiosk-heads-test
check_PROGRAMS += tests/unit/kiosk-heads-test
tests_unit_kiosk_heads_test_CPPFLAGS = $(RENDERER_CPPFLAGS)
tests_unit_kiosk_heads_test_LDADD = $(BROKER_MODE_LIBS)

# Broker mode is undumpable from the start of main (kiosk/sandbox.c, tsr_kiosk_sandbox_first).
INTEGRATION_TESTS += tests/integration/kiosk-undumpable-test
check_PROGRAMS += tests/integration/kiosk-undumpable-test
tests_integration_kiosk_undumpable_test_SOURCES = tests/integration/kiosk-undumpable-test.c
tests_integration_kiosk_undumpable_test_LDADD = $(GLIB_LIBS)
EXTRA_tests_integration_kiosk_undumpable_test_DEPENDENCIES = kiosk/tessera-kiosk$(EXEEXT)
