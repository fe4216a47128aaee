# broker/local.mk: tessera-brokerd, tessera-ctl and their library (included from Makefile.am).
BROKER_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS) $(SODIUM_CFLAGS) $(UDEV_CFLAGS)
BROKER_LIBS = broker/libtsr-broker.a $(POLICY_LIBS) $(COMMON_LIBS) $(JSON_GLIB_LIBS) $(SODIUM_LIBS) \
	$(UDEV_LIBS) $(GLIB_LIBS)

noinst_LIBRARIES += broker/libtsr-broker.a
broker_libtsr_broker_a_CFLAGS = $(BROKER_CFLAGS)
broker_libtsr_broker_a_SOURCES = \
	broker/control-proto.c broker/control-proto.h \
	broker/control-server.c broker/control-server.h \
	broker/audit.c broker/audit.h \
	broker/secret.c broker/secret.h \
	broker/auth.c broker/auth.h \
	broker/devices.c broker/devices.h

UNIT_TESTS += \
	tests/unit/broker-control-proto-test \
	tests/unit/broker-control-server-test \
	tests/unit/broker-audit-test \
	tests/unit/broker-auth-test \
	tests/unit/broker-devices-test
check_PROGRAMS += \
	tests/unit/broker-control-proto-test \
	tests/unit/broker-control-server-test \
	tests/unit/broker-audit-test \
	tests/unit/broker-auth-test \
	tests/unit/broker-devices-test
tests_unit_broker_control_proto_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_control_proto_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_control_server_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_control_server_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_audit_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_audit_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_auth_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_auth_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_devices_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_devices_test_LDADD = $(BROKER_LIBS)

# The daemon's parts, linked into tessera-brokerd and the integration tests.
noinst_LIBRARIES += broker/libtsr-brokerd.a
broker_libtsr_brokerd_a_CFLAGS = $(BROKER_CFLAGS)
broker_libtsr_brokerd_a_SOURCES = \
	broker/broker.c broker/broker.h broker/broker-private.h \
	broker/session.c \
	broker/kiosk-link.c \
	broker/kiosk-proto.c broker/kiosk-proto.h \
	broker/control.c \
	broker/viewers.c \
	broker/usb-host.c
BROKERD_LIBS = broker/libtsr-brokerd.a broker/libtsr-broker.a $(DOMAINS_LIBS) \
	$(DISPLAY_LIBS) $(POLICY_LIBS) $(COMMON_LIBS) $(JSON_GLIB_LIBS) $(SODIUM_LIBS) \
	$(UDEV_LIBS) $(GLIB_LIBS)

bin_PROGRAMS += broker/tessera-brokerd broker/tessera-ctl
broker_tessera_brokerd_SOURCES = broker/brokerd.c
broker_tessera_brokerd_CFLAGS = $(BROKER_CFLAGS) -DTSR_BINDIR='"$(bindir)"'
broker_tessera_brokerd_LDADD = $(BROKERD_LIBS)
broker_tessera_ctl_SOURCES = broker/ctl.c
broker_tessera_ctl_CFLAGS = $(BROKER_CFLAGS)
broker_tessera_ctl_LDADD = $(BROKER_LIBS)

# Integration tests: a real tessera-brokerd with the sim backend and a scripted test kiosk.
check_PROGRAMS += tests/integration/broker-test-kiosk
tests_integration_broker_test_kiosk_SOURCES = tests/integration/broker-test-kiosk.c
tests_integration_broker_test_kiosk_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_test_kiosk_LDADD = broker/libtsr-brokerd.a $(COMMON_LIBS) $(GLIB_LIBS)

BROKER_HARNESS = tests/integration/broker-harness.c tests/integration/broker-harness.h
INTEGRATION_TESTS += tests/integration/broker-session-test
check_PROGRAMS += tests/integration/broker-session-test
tests_integration_broker_session_test_SOURCES = tests/integration/broker-session-test.c \
	$(BROKER_HARNESS)
tests_integration_broker_session_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_session_test_LDADD = $(BROKER_LIBS)
