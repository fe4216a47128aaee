# viewer/local.mk: tessera-viewer, the sandboxed per-domain SPICE client (included from the top
# Makefile.am), and the spawner that starts it for the broker and the standalone kiosk.

# The spawner runs in the process that starts a viewer (broker, standalone kiosk), never in the
# viewer. DISPLAY_LIBS is what the kiosk side of the display path links: spawner + protocol.
noinst_LIBRARIES += viewer/libtsr-viewer-spawn.a
viewer_libtsr_viewer_spawn_a_SOURCES = viewer/spawn.c viewer/spawn.h
viewer_libtsr_viewer_spawn_a_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTSR_VIEWER_LIBEXEC='"$(libexecdir)/tessera-viewer"'
DISPLAY_LIBS = viewer/libtsr-viewer-spawn.a $(PROTO_LIBS)

UNIT_TESTS += tests/unit/renderer-viewer-link-test
check_PROGRAMS += tests/unit/renderer-viewer-link-test
tests_unit_renderer_viewer_link_test_LDADD = $(DISPLAY_LIBS)

# Fuzzing. The main build uses gcc, which has no libFuzzer, so the fuzz target is built by an
# explicit clang rule whenever configure found clang, and run for a bounded time by
# `make fuzz-check-display` (tools/check runs it through check-extra) as a TAP test.
# doc/testing.md explains how to copy this for another parser.
FUZZ_VIEWER_LINK_SRC = tests/fuzz/viewer-link-fuzz.c proto/viewer-link.c \
	proto/sealed-memfd.c common/frame.c common/fdpass.c common/clock.c
EXTRA_DIST += $(FUZZ_VIEWER_LINK_SRC) tests/fuzz/viewer-link-fuzz.sh tests/fuzz/viewer-link-corpus
if HAVE_CLANG
FUZZ_DISPLAY_BINS = tests/fuzz/viewer-link-fuzz
tests/fuzz/viewer-link-fuzz: $(addprefix $(srcdir)/,$(FUZZ_VIEWER_LINK_SRC)) config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(CLANG) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE \
		-o $@ $(addprefix $(srcdir)/,$(FUZZ_VIEWER_LINK_SRC))
else
FUZZ_DISPLAY_BINS =
endif
CLEANFILES += tests/fuzz/viewer-link-fuzz
# Automake writes .log rules only for tests it knew when it ran; this one is started on demand
# with `make check TESTS=...`, so it gets its own rule (same driver, same TAP parsing).
tests/fuzz/viewer-link-fuzz.sh.log: $(srcdir)/tests/fuzz/viewer-link-fuzz.sh $(FUZZ_DISPLAY_BINS)
	@$(MKDIR_P) tests/fuzz
	@$(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name tests/fuzz/viewer-link-fuzz.sh \
		--log-file $@ --trs-file $(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- $(LOG_COMPILE) $(srcdir)/tests/fuzz/viewer-link-fuzz.sh
fuzz-check-display: $(FUZZ_DISPLAY_BINS)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/fuzz/viewer-link-fuzz.sh'
EXTRA_CHECK_TARGETS += fuzz-check-display
.PHONY: fuzz-check-display

# tessera-viewer: started only through viewer/spawn.c, so it lives in libexec.
libexec_PROGRAMS += viewer/tessera-viewer
viewer_tessera_viewer_SOURCES = \
	viewer/main.c \
	viewer/spice.c viewer/spice.h \
	viewer/publish.c viewer/publish.h \
	viewer/sandbox.c viewer/sandbox.h \
	viewer/seccomp.c viewer/seccomp.h \
	proto/display.h
viewer_tessera_viewer_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(SECCOMP_CFLAGS)
viewer_tessera_viewer_LDADD = $(COMMON_LIBS) $(SPICE_CLIENT_LIBS) $(SECCOMP_LIBS)
dist_man_MANS += doc/man/tessera-viewer.1

INTEGRATION_TESTS += tests/integration/viewer-test
check_PROGRAMS += tests/integration/viewer-test
tests_integration_viewer_test_SOURCES = tests/integration/viewer-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/testdomain/pattern.c tests/testdomain/pattern.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_integration_viewer_test_LDADD = $(DISPLAY_LIBS)
# The test starts these programs.
EXTRA_tests_integration_viewer_test_DEPENDENCIES = viewer/tessera-viewer$(EXEEXT) \
	tests/testdomain/tessera-testdomain$(EXEEXT)
