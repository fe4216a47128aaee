# kiosk/local.mk: tessera-kiosk (included from the top Makefile.am). The display stack both
# modes use (kiosk/displays.h) and the standalone mode live in libtsr-kiosk-display.a;
# kiosk/session.mk adds the session and broker mode.
noinst_LIBRARIES += kiosk/libtsr-kiosk-display.a
kiosk_libtsr_kiosk_display_a_SOURCES = \
	kiosk/displays.c kiosk/displays.h kiosk/displays-private.h \
	kiosk/displays-input.c kiosk/displays-resize.c kiosk/displays-clipboard.c \
	kiosk/displays-heads.c \
	kiosk/resize-debounce.c kiosk/resize-debounce.h \
	kiosk/arrangement.c kiosk/arrangement.h kiosk/placement.c kiosk/placement.h \
	kiosk/clipboard.c kiosk/clipboard.h \
	kiosk/standalone.c kiosk/standalone.h \
	kiosk/standalone-clipboard.c kiosk/standalone-clipboard.h
kiosk_libtsr_kiosk_display_a_CPPFLAGS = $(RENDERER_CPPFLAGS)
KIOSK_DISPLAY_LIBS = kiosk/libtsr-kiosk-display.a $(DISPLAY_LIBS) $(INPUT_LIBS) $(RENDERER_LIBS)

bin_PROGRAMS += kiosk/tessera-kiosk
kiosk_tessera_kiosk_SOURCES = kiosk/main.c
kiosk_tessera_kiosk_LDADD = $(KIOSK_DISPLAY_LIBS)
dist_man_MANS += doc/man/tessera-kiosk.1

INTEGRATION_TESTS += tests/integration/kiosk-display-test
check_PROGRAMS += tests/integration/kiosk-display-test
tests_integration_kiosk_display_test_SOURCES = tests/integration/kiosk-display-test.c \
	tests/integration/kiosk-process.c tests/integration/kiosk-process.h \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/testdomain/pattern.c tests/testdomain/pattern.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_integration_kiosk_display_test_LDADD = $(KIOSK_DISPLAY_LIBS)
EXTRA_tests_integration_kiosk_display_test_DEPENDENCIES = kiosk/tessera-kiosk$(EXEEXT) \
	viewer/tessera-viewer$(EXEEXT) tests/testdomain/tessera-testdomain$(EXEEXT) \
	tests/integration/hostile-viewer$(EXEEXT)
# Spawned by the kiosk in place of tessera-viewer for one domain in kiosk-display-test.
check_PROGRAMS += tests/integration/hostile-viewer
tests_integration_hostile_viewer_SOURCES = tests/integration/hostile-viewer.c \
	tests/integration/hostile-messages.c tests/integration/hostile-messages.h
tests_integration_hostile_viewer_LDADD = $(COMMON_LIBS)

INTEGRATION_TESTS += tests/integration/kiosk-hostile-test
check_PROGRAMS += tests/integration/kiosk-hostile-test
tests_integration_kiosk_hostile_test_SOURCES = tests/integration/kiosk-hostile-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/integration/hostile-messages.c tests/integration/hostile-messages.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_integration_kiosk_hostile_test_LDADD = $(KIOSK_DISPLAY_LIBS)
EXTRA_tests_integration_kiosk_hostile_test_DEPENDENCIES = viewer/tessera-viewer$(EXEEXT) \
	tests/testdomain/tessera-testdomain$(EXEEXT)

# Copy and paste between two domains through the real kiosk, viewers and test agents.
INTEGRATION_TESTS += tests/integration/kiosk-clipboard-test
check_PROGRAMS += tests/integration/kiosk-clipboard-test
tests_integration_kiosk_clipboard_test_SOURCES = tests/integration/kiosk-clipboard-test.c \
	tests/integration/kiosk-process.c tests/integration/kiosk-process.h \
	tests/integration/display-helpers.c tests/integration/display-helpers.h
tests_integration_kiosk_clipboard_test_LDADD = $(KIOSK_DISPLAY_LIBS)
EXTRA_tests_integration_kiosk_clipboard_test_DEPENDENCIES = kiosk/tessera-kiosk$(EXEEXT) \
	viewer/tessera-viewer$(EXEEXT) tests/testdomain/tessera-testdomain$(EXEEXT)

# When and what the kiosk asks a guest's mode to be (debounce, fitting, the viewer's check).
UNIT_TESTS += tests/unit/kiosk-resize-test
check_PROGRAMS += tests/unit/kiosk-resize-test
tests_unit_kiosk_resize_test_LDADD = $(KIOSK_DISPLAY_LIBS)

# Several outputs: their arrangement, the pointer crossing them, domains moved by hotkey and
# by hotplug.
UNIT_TESTS += tests/unit/kiosk-outputs-test
check_PROGRAMS += tests/unit/kiosk-outputs-test
tests_unit_kiosk_outputs_test_LDADD = $(KIOSK_DISPLAY_LIBS)

# dom0's trusted clipboard: what moves between domains, what the top bar and the audit say.
UNIT_TESTS += tests/unit/kiosk-clipboard-test
check_PROGRAMS += tests/unit/kiosk-clipboard-test
tests_unit_kiosk_clipboard_test_LDADD = $(KIOSK_DISPLAY_LIBS) $(POLICY_LIBS)

# A real VM (QEMU TCG + SPICE) shown by the kiosk: tests/system/kiosk-vm-test.sh.
SYSTEM_TESTS += tests/system/kiosk-vm-test.sh
check_PROGRAMS += tests/system/kiosk-shot-check
tests_system_kiosk_shot_check_SOURCES = tests/system/kiosk-shot-check.c
tests_system_kiosk_shot_check_LDADD = $(RENDERER_LIBS)
