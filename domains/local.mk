# domains/local.mk: the domain backends (qemu, xen, sim) behind domains/backend.h, the guest image
# builder and tessera-guest-hello, and their tests (included from the top Makefile.am).
noinst_LIBRARIES += domains/libtsr-domains.a
domains_libtsr_domains_a_SOURCES = \
	domains/backend.h domains/backend-private.h domains/backend.c \
	domains/process.c \
	domains/sim.c \
	domains/qmp.h domains/qmp.c \
	domains/network.h domains/network.c \
	domains/qemu.c \
	domains/xen-config.h domains/xen-config.c \
	domains/xen.c \
	domains/policy-spec.h domains/policy-spec.c
domains_libtsr_domains_a_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
DOMAINS_LIBS = domains/libtsr-domains.a $(COMMON_LIBS) $(JSON_GLIB_LIBS)

UNIT_TESTS += tests/unit/domains-backend-test
check_PROGRAMS += tests/unit/domains-backend-test
tests_unit_domains_backend_test_LDADD = $(DOMAINS_LIBS)

# tessera-guest-hello runs inside test guests with no libraries: a static binary built by its
# own rule, without the configured CFLAGS/LDFLAGS (a sanitizer build cannot link statically).
# Its font table is rendered at build time by mkfont (FreeType on the build host).
noinst_PROGRAMS += domains/guest-hello/mkfont
domains_guest_hello_mkfont_SOURCES = domains/guest-hello/mkfont.c domains/guest-hello/font.h
domains_guest_hello_mkfont_CFLAGS = $(AM_CFLAGS) $(FREETYPE_CFLAGS)
domains_guest_hello_mkfont_LDADD = $(FREETYPE_LIBS)
domains/guest-hello/font-data.c: domains/guest-hello/mkfont$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) domains/guest-hello && \
	  domains/guest-hello/mkfont$(EXEEXT) > $@.tmp && mv $@.tmp $@
GUEST_HELLO_SRC = $(top_srcdir)/domains/guest-hello/guest-hello.c \
	$(top_srcdir)/domains/guest-hello/font.h
domains/guest-hello/tessera-guest-hello: $(GUEST_HELLO_SRC) domains/guest-hello/font-data.c
	$(AM_V_CCLD)$(CC) $(WARN_CFLAGS) -O2 -static -I$(top_srcdir) -I$(top_builddir) \
	  -o $@ $(top_srcdir)/domains/guest-hello/guest-hello.c domains/guest-hello/font-data.c
check_SCRIPTS += domains/guest-hello/tessera-guest-hello
CLEANFILES += domains/guest-hello/font-data.c domains/guest-hello/tessera-guest-hello
EXTRA_DIST += domains/guest-hello/guest-hello.c domains/guest-hello/font.h

# The qemu backend for real (TCG), booting the guest image.
SYSTEM_TESTS += tests/system/domains-qemu-test
check_PROGRAMS += tests/system/domains-qemu-test
tests_system_domains_qemu_test_SOURCES = tests/system/domains-qemu-test.c \
	tests/system/domains-test-util.c tests/system/domains-test-util.h \
	domains/guest-hello/font.h
nodist_tests_system_domains_qemu_test_SOURCES = domains/guest-hello/font-data.c
tests_system_domains_qemu_test_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_system_domains_qemu_test_LDADD = $(DOMAINS_LIBS) $(SPICE_CLIENT_LIBS)

# The xen backend offline: golden xl.cfg files (parsed by libxlutil when present) and recorded
# `xl list` output.
UNIT_TESTS += tests/unit/domains-xen-test
check_PROGRAMS += tests/unit/domains-xen-test
tests_unit_domains_xen_test_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_domains_xen_test_LDADD = $(DOMAINS_LIBS)
if HAVE_XLUTIL
tests_unit_domains_xen_test_CFLAGS += $(XLUTIL_CFLAGS)
tests_unit_domains_xen_test_LDADD += $(XLUTIL_LIBS)
endif
EXTRA_DIST += tests/unit/domains-xen-data
