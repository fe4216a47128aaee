# domains/local.mk: the domain backends (qemu, xen, sim) behind domains/backend.h, the guest image
# builder and tessera-guest-hello, and their tests (included from the top Makefile.am).
noinst_LIBRARIES += domains/libtsr-domains.a
domains_libtsr_domains_a_SOURCES = \
	domains/backend.h domains/backend-private.h domains/backend.c \
	domains/process.c \
	domains/sim.c
domains_libtsr_domains_a_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
DOMAINS_LIBS = domains/libtsr-domains.a $(COMMON_LIBS) $(JSON_GLIB_LIBS)

UNIT_TESTS += tests/unit/domains-backend-test
check_PROGRAMS += tests/unit/domains-backend-test
tests_unit_domains_backend_test_LDADD = $(DOMAINS_LIBS)
