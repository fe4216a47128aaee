# enrol/local.mk: tessera-enrol-reader, the sandboxed parser of an enrolment file from a
# removable disk (included from the top Makefile.am). The format is policy/enrol.h.
libexec_PROGRAMS += enrol/tessera-enrol-reader
enrol_tessera_enrol_reader_SOURCES = enrol/main.c enrol/sandbox.c enrol/sandbox.h \
	enrol/fat.c enrol/fat.h
enrol_tessera_enrol_reader_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(SECCOMP_CFLAGS)
enrol_tessera_enrol_reader_LDADD = $(POLICY_LIBS) $(SECCOMP_LIBS) $(GLIB_LIBS)
dist_man_MANS += doc/man/tessera-enrol-reader.8
