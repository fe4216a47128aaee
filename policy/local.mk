# policy/local.mk: build rules for policy/ (included from the top Makefile.am).
# libtsr-policy.a is the one parser of policy sources and bundles; link it with POLICY_LIBS.
noinst_LIBRARIES += policy/libtsr-policy.a
policy_libtsr_policy_a_SOURCES = \
	policy/policy.h policy/policy-internal.h \
	policy/source.c policy/source.h \
	policy/parse.c \
	policy/hotkeys.c policy/hotkeys.h \
	policy/clipboard.c \
	policy/power.c \
	policy/outputs.c \
	policy/kiosk-check.c \
	policy/canonical.c \
	policy/lookup.c \
	policy/load.c \
	policy/fields.c \
	policy/bundle.c policy/bundle.h \
	policy/enrol.c policy/enrol.h \
	policy/state.h
policy_libtsr_policy_a_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(EVDEV_CFLAGS) $(XKBCOMMON_CFLAGS)

# libevdev: the key names of hotkeys. xkbcommon: only kiosk-check.c (build and install compile
# the keymap); a program that never calls it does not link it (static archive, --as-needed).
POLICY_LIBS = policy/libtsr-policy.a $(COMMON_LIBS) $(SODIUM_LIBS) $(EVDEV_LIBS) $(XKBCOMMON_LIBS)

UNIT_TESTS += tests/unit/policy-parse-test
check_PROGRAMS += tests/unit/policy-parse-test
tests_unit_policy_parse_test_SOURCES = tests/unit/policy-parse-test.c $(TEST_TREE)
tests_unit_policy_parse_test_LDADD = $(POLICY_LIBS)

UNIT_TESTS += tests/unit/policy-enrol-test
check_PROGRAMS += tests/unit/policy-enrol-test
tests_unit_policy_enrol_test_LDADD = $(POLICY_LIBS)

# Fuzzing the bundle and policy parsers (untrusted input from the provisioning transport)
# with tests/fuzz/local.mk's recipe; `make fuzz-check-policy` runs it.
FUZZ_POLICY_SRC = tests/fuzz/policy-bundle-fuzz.c policy/bundle.c policy/fields.c policy/parse.c \
	policy/hotkeys.c policy/source.c policy/canonical.c policy/lookup.c policy/clipboard.c \
	policy/power.c policy/outputs.c
EXTRA_DIST += $(FUZZ_POLICY_SRC) tests/fuzz/policy-bundle-fuzz.sh tests/fuzz/policy-bundle-corpus
$(eval $(call tsr_fuzz_binary,policy-bundle-fuzz,$(FUZZ_POLICY_SRC),\
	$(GLIB_CFLAGS) $(SODIUM_CFLAGS) $(EVDEV_CFLAGS),$(GLIB_LIBS) $(SODIUM_LIBS) $(EVDEV_LIBS)))
$(eval $(call tsr_fuzz_check,policy,policy-bundle-fuzz.sh,policy-bundle-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-policy

# Fuzzing the enrolment disk (FAT, enrol/fat.c) and file (a removable disk anyone may plug in);
# `make fuzz-check-policy-enrol`.
FUZZ_ENROL_SRC = tests/fuzz/policy-enrol-fuzz.c policy/enrol.c enrol/fat.c \
	$(filter-out tests/fuzz/policy-bundle-fuzz.c,$(FUZZ_POLICY_SRC))
EXTRA_DIST += tests/fuzz/policy-enrol-fuzz.c tests/fuzz/policy-enrol-fuzz.sh policy/enrol.c \
	tests/fuzz/policy-enrol-corpus
$(eval $(call tsr_fuzz_binary,policy-enrol-fuzz,$(FUZZ_ENROL_SRC),\
	$(GLIB_CFLAGS) $(SODIUM_CFLAGS) $(EVDEV_CFLAGS),$(GLIB_LIBS) $(SODIUM_LIBS) $(EVDEV_LIBS)))
$(eval $(call tsr_fuzz_check,policy-enrol,policy-enrol-fuzz.sh,policy-enrol-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-policy-enrol
