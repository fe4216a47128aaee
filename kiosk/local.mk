# kiosk/local.mk: tessera-kiosk (included from the top Makefile.am). The standalone mode
# (display owner, issue 4) lives in libtsr-kiosk-display.a; kiosk/session.mk adds the session.
noinst_LIBRARIES += kiosk/libtsr-kiosk-display.a
kiosk_libtsr_kiosk_display_a_SOURCES = \
	kiosk/domain-display.c kiosk/domain-display.h \
	kiosk/standalone.c kiosk/standalone.h
kiosk_libtsr_kiosk_display_a_CPPFLAGS = $(AM_CPPFLAGS)
KIOSK_DISPLAY_LIBS = kiosk/libtsr-kiosk-display.a renderer/libtsr-display.a $(RENDERER_LIBS)

bin_PROGRAMS += kiosk/tessera-kiosk
kiosk_tessera_kiosk_SOURCES = kiosk/main.c
kiosk_tessera_kiosk_LDADD = $(KIOSK_DISPLAY_LIBS)
dist_man_MANS += doc/man/tessera-kiosk.1
