# tests/fuzz/local.mk: the one make recipe for libFuzzer targets, which each folder calls for
# the parsers it owns (see doc/testing.md, "Fuzzing"). Included before the folders' local.mk.
#
# The main build uses gcc, which has no libFuzzer, so a fuzz target is not an Automake program:
# it is built by an explicit clang rule whenever configure found clang, and run for a bounded
# time by its script as a TAP test from a fuzz-check-NAME target (tools/check runs them all
# through check-extra). Without clang the targets still exist and the scripts SKIP.
# Every fuzz binary is named *-fuzz (a glob: rm -f takes it as it comes).
CLEANFILES += tests/fuzz/*-fuzz
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE

# $(eval $(call tsr_fuzz_binary,BINARY,SOURCES,CFLAGS,LIBS)): tests/fuzz/BINARY from the
# driver and parser SOURCES (paths from the top of the source tree), with clang. Without clang
# nothing asks for the binary (tsr_fuzz_check leaves it out), and asking by hand says why.
define tsr_fuzz_binary
tests/fuzz/$(1): $$(addprefix $$(srcdir)/,$(2)) config.h
	@$$(MKDIR_P) tests/fuzz
	@test -n "$$(CLANG)" || { echo "$$@: configure found no clang" >&2; exit 1; }
	$$(AM_V_CCLD)$$(CLANG) $$(FUZZ_CFLAGS) $(3) -o $$@ $$(addprefix $$(srcdir)/,$(2)) $(4)
endef

# $(eval $(call tsr_fuzz_check,NAME,SCRIPT,BINARIES)): `make fuzz-check-NAME` builds BINARIES
# (names under tests/fuzz/) and runs tests/fuzz/SCRIPT through the test driver, so the result
# lands in a .trs file and is counted like any test. Automake writes .log rules only for the
# tests it knew when it ran; these are started on demand with `make check TESTS=...`, so the
# script gets its own .log rule (same driver, same TAP parsing). The caller also writes
# `EXTRA_CHECK_TARGETS += fuzz-check-NAME` (Automake moves assignments out of a define).
define tsr_fuzz_check
tests/fuzz/$(2).log: $$(srcdir)/tests/fuzz/$(2) $$(if $$(CLANG),$$(addprefix tests/fuzz/,$(3)))
	@$$(MKDIR_P) tests/fuzz
	@$$(AM_TESTS_ENVIRONMENT) $$(LOG_DRIVER) --test-name tests/fuzz/$(2) \
		--log-file $$@ --trs-file $$(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- $$(LOG_COMPILE) $$(srcdir)/tests/fuzz/$(2)
fuzz-check-$(1): $$(if $$(CLANG),$$(addprefix tests/fuzz/,$(3)))
	$$(MAKE) $$(AM_MAKEFLAGS) check TESTS='tests/fuzz/$(2)'
fuzz-check-logs: tests/fuzz/$(2).log
.PHONY: fuzz-check-$(1)
endef

# `make -jN fuzz-check`: every fuzz script, N at a time (each libFuzzer run takes one core for
# its bounded time; tools/check runs them one at a time beside the system checks). The scripts'
# logs are made afresh; their results land in .trs files like the fuzz-check-NAME targets'.
fuzz-check:
	rm -f tests/fuzz/*.sh.log tests/fuzz/*.sh.trs
	$(MAKE) $(AM_MAKEFLAGS) fuzz-check-logs
.PHONY: fuzz-check fuzz-check-logs
