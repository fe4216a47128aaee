# policy/local.mk: build rules for policy/ (included from the top Makefile.am).
# libtsr-policy.a is the one parser of policy sources and bundles; link it with POLICY_LIBS.
noinst_LIBRARIES += policy/libtsr-policy.a
policy_libtsr_policy_a_SOURCES = \
	policy/policy.h policy/policy-internal.h \
	policy/source.c policy/source.h \
	policy/parse.c \
	policy/canonical.c \
	policy/lookup.c \
	policy/load.c \
	policy/bundle.c policy/bundle.h \
	policy/state.h
policy_libtsr_policy_a_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)

POLICY_LIBS = policy/libtsr-policy.a $(COMMON_LIBS) $(SODIUM_LIBS)

UNIT_TESTS += tests/unit/policy-parse-test
check_PROGRAMS += tests/unit/policy-parse-test
# input/settings.c stands in as the kiosk check, as tessera-provision uses it.
tests_unit_policy_parse_test_LDADD = $(POLICY_LIBS) $(INPUT_LIBS)

# Fuzzing the bundle and policy parsers (untrusted input from the provisioning transport),
# built with an explicit clang rule as in viewer/local.mk; `make fuzz-check-policy` runs it
# for a bounded time (tools/check runs it through check-extra).
FUZZ_POLICY_SRC = tests/fuzz/policy-bundle-fuzz.c policy/bundle.c policy/parse.c \
	policy/source.c policy/canonical.c policy/lookup.c
EXTRA_DIST += $(FUZZ_POLICY_SRC) tests/fuzz/policy-bundle-fuzz.sh tests/fuzz/policy-bundle-corpus
if HAVE_CLANG
FUZZ_POLICY_BINS = tests/fuzz/policy-bundle-fuzz
tests/fuzz/policy-bundle-fuzz: $(addprefix $(srcdir)/,$(FUZZ_POLICY_SRC)) config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(CLANG) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE $(GLIB_CFLAGS) $(SODIUM_CFLAGS) \
		-o $@ $(addprefix $(srcdir)/,$(FUZZ_POLICY_SRC)) $(GLIB_LIBS) $(SODIUM_LIBS)
else
FUZZ_POLICY_BINS =
endif
CLEANFILES += tests/fuzz/policy-bundle-fuzz
tests/fuzz/policy-bundle-fuzz.sh.log: $(srcdir)/tests/fuzz/policy-bundle-fuzz.sh $(FUZZ_POLICY_BINS)
	@$(MKDIR_P) tests/fuzz
	@$(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name tests/fuzz/policy-bundle-fuzz.sh \
		--log-file $@ --trs-file $(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- $(LOG_COMPILE) $(srcdir)/tests/fuzz/policy-bundle-fuzz.sh
fuzz-check-policy: $(FUZZ_POLICY_BINS)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/fuzz/policy-bundle-fuzz.sh'
EXTRA_CHECK_TARGETS += fuzz-check-policy
.PHONY: fuzz-check-policy
