# tests/testdomain/local.mk: tessera-testdomain, the SPICE test domain (included from the top
# Makefile.am): a stand-in for a device model that the sim backend runs and the display, input
# and kiosk tests read back exactly. Installed so the system-test guests and `tools/demo --sim`
# can run it; no product program links any of it.
bin_PROGRAMS += tests/testdomain/tessera-testdomain
tests_testdomain_tessera_testdomain_SOURCES = \
	tests/testdomain/main.c \
	tests/testdomain/display.c tests/testdomain/display.h \
	tests/testdomain/agent.c tests/testdomain/agent.h \
	tests/testdomain/input.c tests/testdomain/input.h \
	tests/testdomain/pattern.c tests/testdomain/pattern.h \
	tests/testdomain/frame-code.c tests/testdomain/frame-code.h
tests_testdomain_tessera_testdomain_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS)
tests_testdomain_tessera_testdomain_LDADD = common/libtsr-spice-core.a $(COMMON_LIBS) $(SPICE_SERVER_LIBS)
dist_man_MANS += doc/man/tessera-testdomain.1

INTEGRATION_TESTS += tests/integration/testdomain-test
check_PROGRAMS += tests/integration/testdomain-test
tests_integration_testdomain_test_SOURCES = tests/integration/testdomain-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h
tests_integration_testdomain_test_LDADD = $(COMMON_LIBS)
EXTRA_tests_integration_testdomain_test_DEPENDENCIES = tests/testdomain/tessera-testdomain$(EXEEXT)
