# kiosk/session.mk: the kiosk as the broker's session program: state machine and trusted screens.
# libtsr-session.a is linked into tessera-kiosk (kiosk/local.mk) and the kiosk's tests.
noinst_LIBRARIES += kiosk/libtsr-session.a
kiosk_libtsr_session_a_SOURCES = \
	kiosk/session.c kiosk/session.h \
	kiosk/screens.c kiosk/screens.h kiosk/screens-private.h \
	kiosk/screen-locked.c \
	kiosk/screen-login.c \
	kiosk/screen-picker.c
kiosk_libtsr_session_a_CPPFLAGS = $(RENDERER_CPPFLAGS)
# kiosk-proto.o comes from the broker's library (the one definition of the protocol checks).
SESSION_LIBS = kiosk/libtsr-session.a broker/libtsr-brokerd.a $(POLICY_LIBS) $(RENDERER_LIBS)

UNIT_TESTS += tests/unit/kiosk-session-test tests/unit/kiosk-screens-test
check_PROGRAMS += tests/unit/kiosk-session-test tests/unit/kiosk-screens-test
tests_unit_kiosk_session_test_LDADD = $(SESSION_LIBS)
tests_unit_kiosk_screens_test_CPPFLAGS = $(RENDERER_CPPFLAGS)
tests_unit_kiosk_screens_test_LDADD = tests/harness/libtsr-harness.a $(SESSION_LIBS)
tests_unit_kiosk_session_test_SOURCES = tests/unit/kiosk-session-test.c \
	tests/unit/kiosk-fake-broker.c tests/unit/kiosk-fake-broker.h
tests_unit_kiosk_screens_test_SOURCES = tests/unit/kiosk-screens-test.c \
	tests/unit/kiosk-fake-broker.c tests/unit/kiosk-fake-broker.h
