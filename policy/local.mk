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
tests_unit_policy_parse_test_LDADD = $(POLICY_LIBS)
