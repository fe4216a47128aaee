# domains/testdomain.mk: tessera-testdomain, the SPICE test domain (included from the top Makefile.am).
bin_PROGRAMS += domains/tessera-testdomain
domains_tessera_testdomain_SOURCES = \
	domains/testdomain.c \
	domains/testdomain-display.c domains/testdomain-display.h \
	domains/testdomain-input.c domains/testdomain-input.h \
	domains/testdomain-pattern.c domains/testdomain-pattern.h \
	domains/frame-code.c domains/frame-code.h
domains_tessera_testdomain_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS)
domains_tessera_testdomain_LDADD = common/libtsr-spice-core.a $(COMMON_LIBS) $(SPICE_SERVER_LIBS)
dist_man_MANS += doc/man/tessera-testdomain.1

INTEGRATION_TESTS += tests/integration/testdomain-test
check_PROGRAMS += tests/integration/testdomain-test
tests_integration_testdomain_test_SOURCES = tests/integration/testdomain-test.c \
	tests/integration/display-helpers.c tests/integration/display-helpers.h
tests_integration_testdomain_test_LDADD = $(COMMON_LIBS)
EXTRA_tests_integration_testdomain_test_DEPENDENCIES = domains/tessera-testdomain$(EXEEXT)
