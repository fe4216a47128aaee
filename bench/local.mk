# bench/local.mk: benchmarks (included from the top Makefile.am). Not part of make check:
# `make bench` builds and runs them; each prints medians beside a baseline from the same run.
noinst_PROGRAMS += bench/composite
bench_composite_SOURCES = bench/composite.c $(RENDER_DEMO_PATTERN)
bench_composite_CPPFLAGS = $(RENDERER_CPPFLAGS)
bench_composite_LDADD = $(RENDERER_LIBS)

BENCHMARKS += bench/composite
bench: $(BENCHMARKS)
	@for b in $(BENCHMARKS); do ./$$b || exit 1; done
.PHONY: bench

# bench/input-latency (input engineer): a key from the input router to tessera-testdomain,
# beside a plain spice-client-glib client sending the same key straight to it.
noinst_PROGRAMS += bench/input-latency
bench_input_latency_SOURCES = bench/input-latency.c
bench_input_latency_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
bench_input_latency_LDADD = $(INPUT_LIBS) $(SPICE_CLIENT_LIBS)
BENCHMARKS += bench/input-latency
bench: tests/testdomain/tessera-testdomain

# bench/display-latency (display engineer): testdomain counter frames to the composed output
# through the sandboxed viewer and the kiosk, beside a bare spice-client-glib receiver.
noinst_PROGRAMS += bench/display-latency
bench_display_latency_SOURCES = bench/display-latency.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
bench_display_latency_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
bench_display_latency_LDADD = $(KIOSK_DISPLAY_LIBS) $(SPICE_CLIENT_LIBS)
BENCHMARKS += bench/display-latency
bench: viewer/tessera-viewer

# bench/display-memory (display engineer): RSS of the real tessera-kiosk and its viewer, each
# its own process, with a 1080p domain beside a 640x480 one.
noinst_PROGRAMS += bench/display-memory
bench_display_memory_SOURCES = bench/display-memory.c \
	tests/integration/kiosk-process.c tests/integration/kiosk-process.h \
	tests/integration/display-helpers.c tests/integration/display-helpers.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
bench_display_memory_LDADD = $(KIOSK_DISPLAY_LIBS)
BENCHMARKS += bench/display-memory
bench: kiosk/tessera-kiosk

# bench/push (policy engineer): push one bundle to 50 loopback laptops, -j 1 against -j 16.
# A script rather than a program, so it has its own target; make bench runs it too.
EXTRA_DIST += bench/push
bench-push: provisioning/tessera-provision$(EXEEXT)
	TSR_BUILDDIR='$(abs_top_builddir)' TSR_SRCDIR='$(abs_top_srcdir)' $(SHELL) $(srcdir)/bench/push
bench: bench-push
.PHONY: bench-push

# bench/preload (real domains): pick -> first frame of the Debian template under the qemu
# backend, cold against preload = true, beside the resume alone. A script, like bench/push.
EXTRA_DIST += bench/preload
bench-preload: broker/tessera-brokerd$(EXEEXT) broker/tessera-ctl$(EXEEXT) \
		provisioning/tessera-provision$(EXEEXT) viewer/tessera-viewer$(EXEEXT) \
		tests/system/domains-spice-check$(EXEEXT)
	TSR_BUILDDIR='$(abs_top_builddir)' TSR_SRCDIR='$(abs_top_srcdir)' $(SHELL) $(srcdir)/bench/preload
bench: bench-preload
.PHONY: bench-preload

# bench/guest-display (display engineer): guest to glass, a QEMU std VGA guest's framebuffer
# change through a bare spice-client-glib receiver and through the viewer and the kiosk.
EXTRA_DIST += bench/guest-display bench/guest-display-guest.sh
bench-guest-display: bench/display-latency$(EXEEXT) viewer/tessera-viewer$(EXEEXT) \
		tests/system/tsr-systest$(EXEEXT) tests/system/tsr-systest-guest$(EXEEXT)
	TSR_BUILDDIR='$(abs_top_builddir)' TSR_SRCDIR='$(abs_top_srcdir)' \
	  $(SHELL) $(srcdir)/bench/guest-display
bench: bench-guest-display
.PHONY: bench-guest-display
