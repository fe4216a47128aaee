# tests/guest/local.mk: tessera-guest-hello, the init of the test guests that
# tools/build-guest-image packs (it draws the domain's name and reports keys and clicks on the
# serial line), included from the top Makefile.am.
# tessera-guest-hello runs inside test guests with no libraries: a static binary built by its
# own rule, without the configured CFLAGS/LDFLAGS (a sanitizer build cannot link statically).
# Its font table is rendered at build time by mkfont (FreeType on the build host).
noinst_PROGRAMS += tests/guest/mkfont
tests_guest_mkfont_SOURCES = tests/guest/mkfont.c tests/guest/font.h
tests_guest_mkfont_CFLAGS = $(AM_CFLAGS) $(FREETYPE_CFLAGS)
tests_guest_mkfont_LDADD = $(FREETYPE_LIBS)
tests/guest/font-data.c: tests/guest/mkfont$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) tests/guest && \
	  tests/guest/mkfont$(EXEEXT) > $@.tmp && mv $@.tmp $@
GUEST_HELLO_SRC = $(top_srcdir)/tests/guest/guest-hello.c \
	$(top_srcdir)/tests/guest/font.h
tests/guest/tessera-guest-hello: $(GUEST_HELLO_SRC) tests/guest/font-data.c
	$(AM_V_CCLD)$(CC) $(WARN_CFLAGS) -O2 -static -I$(top_srcdir) -I$(top_builddir) \
	  -o $@ $(top_srcdir)/tests/guest/guest-hello.c tests/guest/font-data.c
check_SCRIPTS += tests/guest/tessera-guest-hello
CLEANFILES += tests/guest/font-data.c tests/guest/tessera-guest-hello
EXTRA_DIST += tests/guest/guest-hello.c tests/guest/font.h
EXTRA_DIST += doc/man/tessera-guest-hello.1
