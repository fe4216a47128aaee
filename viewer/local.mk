# viewer/local.mk: tessera-viewer, the sandboxed per-domain SPICE client (included from the top
# Makefile.am), and the spawner that starts it for the broker and the standalone kiosk.

# The spawner runs in the process that starts a viewer (broker, standalone kiosk), never in the
# viewer. DISPLAY_LIBS is what the kiosk side of the display path links: spawner + protocol.
noinst_LIBRARIES += viewer/libtsr-viewer-spawn.a
viewer_libtsr_viewer_spawn_a_SOURCES = viewer/spawn.c viewer/spawn.h \
	viewer/spice-hold.c viewer/spice-hold.h
viewer_libtsr_viewer_spawn_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTSR_VIEWER_LIBEXEC='"$(libexecdir)/tessera-viewer"'
DISPLAY_LIBS = viewer/libtsr-viewer-spawn.a $(PROTO_LIBS)

UNIT_TESTS += tests/unit/renderer-viewer-link-test
check_PROGRAMS += tests/unit/renderer-viewer-link-test
tests_unit_renderer_viewer_link_test_LDADD = $(DISPLAY_LIBS)

# The kiosk's parser of viewer messages under libFuzzer; `make fuzz-check-display` runs it
# (the recipe is tests/fuzz/local.mk; doc/testing.md explains how to add another parser).
FUZZ_VIEWER_LINK_SRC = tests/fuzz/viewer-link-fuzz.c proto/viewer-link.c proto/clipboard.c \
	proto/sealed-memfd.c common/frame.c common/fdpass.c common/clock.c
EXTRA_DIST += $(FUZZ_VIEWER_LINK_SRC) tests/fuzz/viewer-link-fuzz.sh tests/fuzz/viewer-link-corpus
$(eval $(call tsr_fuzz_binary,viewer-link-fuzz,$(FUZZ_VIEWER_LINK_SRC),$(GLIB_CFLAGS),$(GLIB_LIBS)))
# The viewer's check of the kiosk's resize request, run by the same target.
FUZZ_DISPLAY_RESIZE_SRC = tests/fuzz/display-resize-fuzz.c proto/display-resize.c
EXTRA_DIST += $(FUZZ_DISPLAY_RESIZE_SRC) tests/fuzz/display-resize-corpus
$(eval $(call tsr_fuzz_binary,display-resize-fuzz,$(FUZZ_DISPLAY_RESIZE_SRC),$(GLIB_CFLAGS),\
	$(GLIB_LIBS)))
$(eval $(call tsr_fuzz_check,display,viewer-link-fuzz.sh,viewer-link-fuzz display-resize-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-display

# tessera-viewer: started only through viewer/spawn.c, so it lives in libexec.
libexec_PROGRAMS += viewer/tessera-viewer
viewer_tessera_viewer_SOURCES = \
	viewer/main.c \
	viewer/spice.c viewer/spice.h viewer/input-pace.c viewer/input-pace.h \
	viewer/clipboard.c viewer/clipboard.h \
	viewer/monitors.c viewer/monitors.h \
	viewer/publish.c viewer/publish.h \
	viewer/share.c viewer/share.h \
	viewer/sandbox.c viewer/sandbox.h \
	proto/display.h
viewer_tessera_viewer_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(SECCOMP_CFLAGS)
viewer_tessera_viewer_LDADD = proto/libtsr-proto.a $(COMMON_LIBS) $(SPICE_CLIENT_LIBS) \
	$(SECCOMP_LIBS)
dist_man_MANS += doc/man/tessera-viewer.1

UNIT_TESTS += tests/unit/viewer-share-test
check_PROGRAMS += tests/unit/viewer-share-test
tests_unit_viewer_share_test_SOURCES = tests/unit/viewer-share-test.c viewer/share.c viewer/share.h
tests_unit_viewer_share_test_LDADD = $(GLIB_LIBS) -lpthread

UNIT_TESTS += tests/unit/viewer-input-pace-test
check_PROGRAMS += tests/unit/viewer-input-pace-test
tests_unit_viewer_input_pace_test_SOURCES = tests/unit/viewer-input-pace-test.c \
	viewer/input-pace.c viewer/input-pace.h
tests_unit_viewer_input_pace_test_LDADD = $(GLIB_LIBS)

INTEGRATION_TESTS += tests/integration/viewer-test
check_PROGRAMS += tests/integration/viewer-test
tests_integration_viewer_test_SOURCES = tests/integration/viewer-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/testdomain/pattern.c tests/testdomain/pattern.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h $(TEST_THREADS)
tests_integration_viewer_test_LDADD = $(DISPLAY_LIBS)
# The test starts these programs.
EXTRA_tests_integration_viewer_test_DEPENDENCIES = viewer/tessera-viewer$(EXEEXT) \
	tests/testdomain/tessera-testdomain$(EXEEXT)
