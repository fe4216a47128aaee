# bench/local.mk: build rules for bench/ (included from the top Makefile.am).

# bench/input-latency: input router → tessera-testdomain vs a plain spice-client-glib client.
noinst_PROGRAMS += bench/input-latency
bench_input_latency_SOURCES = bench/input-latency.c
bench_input_latency_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
bench_input_latency_LDADD = $(INPUT_LIBS) $(SPICE_CLIENT_LIBS)

# bench/push (policy engineer): push one bundle to 50 loopback laptops, -j 1 against -j 16.
EXTRA_DIST += bench/push
bench-push: tessera-provision
	TSR_BUILDDIR='$(abs_top_builddir)' TSR_SRCDIR='$(abs_top_srcdir)' $(SHELL) $(srcdir)/bench/push
.PHONY: bench-push
