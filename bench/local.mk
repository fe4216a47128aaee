# bench/local.mk: benchmarks (included from the top Makefile.am). Not part of make check:
# `make bench` builds and runs them; each prints medians beside a baseline from the same run.
noinst_PROGRAMS += bench/composite
bench_composite_SOURCES = bench/composite.c
bench_composite_CPPFLAGS = $(RENDERER_CPPFLAGS)
bench_composite_LDADD = $(RENDERER_LIBS)

BENCHMARKS = bench/composite
bench: $(BENCHMARKS)
	@for b in $(BENCHMARKS); do ./$$b || exit 1; done
.PHONY: bench
