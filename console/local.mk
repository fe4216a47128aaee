# console/local.mk: tessera-console, the kiosk's sandboxed SPICE console (included from the top
# Makefile.am). Its link to the kiosk is in proto/ (CONSOLE_LINK_LIBS).

# The console's own parts (spice-server glue), apart from main so unit tests can use them.
noinst_LIBRARIES += console/libtsr-console.a
console_libtsr_console_a_SOURCES = \
	console/display.c console/display.h \
	console/input.c console/input.h
console_libtsr_console_a_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS) $(PIXMAN_CFLAGS)
CONSOLE_LIBS = console/libtsr-console.a common/libtsr-spice-core.a $(CONSOLE_LINK_LIBS) $(SPICE_SERVER_LIBS) $(PIXMAN_LIBS)

libexec_PROGRAMS += console/tessera-console
console_tessera_console_SOURCES = console/main.c \
	console/sandbox.c console/sandbox.h
console_tessera_console_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS) $(SECCOMP_CFLAGS)
console_tessera_console_LDADD = $(CONSOLE_LIBS) $(SECCOMP_LIBS)

dist_man_MANS += doc/man/tessera-console.1

# Integration: a real console, a real SPICE client (spice-client-glib), the link as the feeder.
INTEGRATION_TESTS += tests/integration/console-test
check_PROGRAMS += tests/integration/console-test
tests_integration_console_test_SOURCES = tests/integration/console-test.c $(TEST_THREADS)
tests_integration_console_test_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
tests_integration_console_test_LDADD = $(CONSOLE_LINK_LIBS) $(SPICE_CLIENT_LIBS)
INTEGRATION_TESTS += tests/integration/console-reject-test
check_PROGRAMS += tests/integration/console-reject-test
tests_integration_console_reject_test_LDADD = $(CONSOLE_LINK_LIBS)

UNIT_TESTS += tests/unit/renderer-console-proto-test
check_PROGRAMS += tests/unit/renderer-console-proto-test
tests_unit_renderer_console_proto_test_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS)
tests_unit_renderer_console_proto_test_LDADD = $(CONSOLE_LIBS)
INTEGRATION_TESTS += tests/integration/console-link-test
check_PROGRAMS += tests/integration/console-link-test
tests_integration_console_link_test_LDADD = $(CONSOLE_LINK_LIBS)

# Fuzzing what the kiosk takes from the console (the console faces a remote client, so the kiosk
# treats it as hostile) with tests/fuzz/local.mk's recipe: `make fuzz-check-console`.
FUZZ_CONSOLE_LINK_SRC = tests/fuzz/console-link-fuzz.c proto/console-link.c \
	proto/console.c proto/console-spawn.c console/input.c common/frame.c common/fdpass.c
EXTRA_DIST += $(FUZZ_CONSOLE_LINK_SRC) tests/fuzz/console-link-fuzz.sh \
	tests/fuzz/console-link-corpus tests/fuzz/console-link-corpus.py
$(eval $(call tsr_fuzz_binary,console-link-fuzz,$(FUZZ_CONSOLE_LINK_SRC),\
	-DTSR_LIBEXECDIR='"$(libexecdir)"' $(GLIB_CFLAGS) $(SPICE_SERVER_CFLAGS),\
	$(GLIB_LIBS) $(SPICE_SERVER_LIBS)))
$(eval $(call tsr_fuzz_check,console,console-link-fuzz.sh,console-link-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-console

# Benchmark (not in make check): damage-to-client latency through the console.
noinst_PROGRAMS += bench/console-latency
bench_console_latency_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
bench_console_latency_LDADD = $(CONSOLE_LINK_LIBS) $(SPICE_CLIENT_LIBS)
BENCHMARKS += bench/console-latency
bench: console/tessera-console
