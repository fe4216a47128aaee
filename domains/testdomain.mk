# domains/testdomain.mk: tessera-testdomain, the SPICE test domain (included from the top Makefile.am).
bin_PROGRAMS += domains/tessera-testdomain
domains_tessera_testdomain_SOURCES = \
	domains/testdomain.c \
	domains/spice-core-glib.c domains/spice-core-glib.h \
	domains/testdomain-display.c domains/testdomain-display.h \
	domains/testdomain-input.c domains/testdomain-input.h \
	domains/testdomain-pattern.c domains/testdomain-pattern.h \
	domains/frame-code.c domains/frame-code.h
domains_tessera_testdomain_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS)
domains_tessera_testdomain_LDADD = $(COMMON_LIBS) $(SPICE_SERVER_LIBS)
dist_man_MANS += doc/man/tessera-testdomain.1
