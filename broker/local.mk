# broker/local.mk: tessera-brokerd, tessera-ctl and their library (included from Makefile.am).
# DRM_CFLAGS: the DRM master ioctls of the card lent to the kiosk (no libdrm linked).
BROKER_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS) $(SODIUM_CFLAGS) $(UDEV_CFLAGS) $(DRM_CFLAGS) \
	$(SYSTEMD_CFLAGS)
BROKER_LIBS = broker/libtsr-broker.a $(PROTO_LIBS) $(POLICY_LIBS) $(COMMON_LIBS) $(JSON_GLIB_LIBS) $(SODIUM_LIBS) \
	$(UDEV_LIBS) $(SYSTEMD_LIBS) $(GLIB_LIBS)

noinst_LIBRARIES += broker/libtsr-broker.a
broker_libtsr_broker_a_CFLAGS = $(BROKER_CFLAGS)
broker_libtsr_broker_a_SOURCES = \
	broker/control-server.c broker/control-server.h \
	broker/audit.c broker/audit.h \
	broker/journal.c broker/journal.h broker/audit-ids.c \
	broker/owned-dir.c broker/owned-dir.h \
	broker/secret.c broker/secret.h \
	broker/auth.c broker/auth.h \
	broker/devices.c broker/devices.h \
	broker/backlight.c broker/backlight.h \
	broker/power-supply.c broker/power-supply.h

BROKER_UNIT_TESTS = \
	tests/unit/broker-control-proto-test \
	tests/unit/broker-control-server-test \
	tests/unit/broker-audit-test \
	tests/unit/broker-journal-test \
	tests/unit/broker-auth-test \
	tests/unit/broker-devices-test \
	tests/unit/broker-backlight-test \
	tests/unit/broker-power-supply-test
UNIT_TESTS += $(BROKER_UNIT_TESTS)
check_PROGRAMS += $(BROKER_UNIT_TESTS)
tests_unit_broker_control_proto_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_control_proto_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_control_server_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_control_server_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_audit_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_audit_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_journal_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_journal_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_auth_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_auth_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_devices_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_devices_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_backlight_test_SOURCES = tests/unit/broker-backlight-test.c $(TEST_TREE)
tests_unit_broker_backlight_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_backlight_test_LDADD = $(BROKER_LIBS)
tests_unit_broker_power_supply_test_SOURCES = tests/unit/broker-power-supply-test.c $(TEST_TREE)
tests_unit_broker_power_supply_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_power_supply_test_LDADD = $(BROKER_LIBS)

# The daemon's parts, linked into tessera-brokerd and the integration tests.
noinst_LIBRARIES += broker/libtsr-brokerd.a
broker_libtsr_brokerd_a_CFLAGS = $(BROKER_CFLAGS)
broker_libtsr_brokerd_a_SOURCES = \
	broker/broker.c broker/broker.h broker/broker-private.h \
	broker/session.c \
	broker/kiosk-link.c \
	broker/kiosk-devices.c \
	broker/lid.c \
	broker/logind.c \
	broker/sleep.c \
	broker/kiosk-cgroup.c \
	broker/child.c \
	broker/console.c \
	broker/clipboard.c \
	broker/control.c \
	broker/viewers.c broker/preload.c \
	broker/usb-host.c \
	broker/enrol.c broker/enrol-read.c broker/bounded-run.c \
	broker/install.c
# enrol.c: the reader's path and the image's pinned roots; install.c: tessera-install's path.
broker_libtsr_brokerd_a_CPPFLAGS = $(AM_CPPFLAGS) -DTSR_LIBEXECDIR='"$(libexecdir)"' \
	-DTSR_SYSCONFDIR='"$(sysconfdir)"' -DTSR_SBINDIR='"$(sbindir)"'

# provisioning/: enrolment installs its first bundle exactly as tessera-provision install does.
BROKERD_LIBS = broker/libtsr-brokerd.a broker/libtsr-broker.a \
	provisioning/libtsr-provisioning.a $(PROTO_LIBS) \
	$(DOMAINS_LIBS) \
	$(DISPLAY_LIBS) $(POLICY_LIBS) $(COMMON_LIBS) $(JSON_GLIB_LIBS) $(SODIUM_LIBS) \
	$(UDEV_LIBS) $(SYSTEMD_LIBS) $(GLIB_LIBS)

bin_PROGRAMS += broker/tessera-brokerd broker/tessera-ctl
broker_tessera_brokerd_SOURCES = broker/brokerd.c
broker_tessera_brokerd_CFLAGS = $(BROKER_CFLAGS) -DTSR_BINDIR='"$(bindir)"'
# common/vt.c for --kiosk-vt: the broker is the one that may set the kiosk VT's modes.
broker_tessera_brokerd_LDADD = $(BROKERD_LIBS)
broker_tessera_ctl_SOURCES = broker/ctl.c
broker_tessera_ctl_CFLAGS = $(BROKER_CFLAGS)
# Only the protocol and its client: tessera-ctl links none of the broker.
broker_tessera_ctl_LDADD = $(PROTO_LIBS) $(GLIB_LIBS)

# Integration tests: a real tessera-brokerd with the sim backend and a scripted test kiosk.
check_PROGRAMS += tests/integration/broker-test-kiosk
tests_integration_broker_test_kiosk_SOURCES = tests/integration/broker-test-kiosk.c
tests_integration_broker_test_kiosk_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_test_kiosk_LDADD = $(KIOSK_PROTO_LIBS) $(GLIB_LIBS)

BROKER_HARNESS = tests/integration/broker-harness.c tests/integration/broker-harness.h \
	$(TEST_TREE)
# broker-session-test: login, lockout, the kiosk's restarts, the control socket, adoption,
# reload. broker-preload-test: preloaded domains booted at start, login and reload, paused at
# their first frame and resumed by a pick, with disposable domains and other users.
# broker-logind-test: --logind on a private dbus-daemon, with fake-logind standing in for logind.
BROKER_HARNESS_TESTS = tests/integration/broker-session-test tests/integration/broker-preload-test \
	tests/integration/broker-logind-test
INTEGRATION_TESTS += $(BROKER_HARNESS_TESTS)
check_PROGRAMS += $(BROKER_HARNESS_TESTS)
tests_integration_broker_session_test_SOURCES = tests/integration/broker-session-test.c \
	tests/integration/broker-clipboard-test.c $(BROKER_HARNESS)
tests_integration_broker_preload_test_SOURCES = tests/integration/broker-preload-test.c \
	$(BROKER_HARNESS)
tests_integration_broker_logind_test_SOURCES = tests/integration/broker-logind-test.c \
	$(BROKER_HARNESS)
tests_integration_broker_session_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_preload_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_logind_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_session_test_LDADD = $(BROKER_LIBS)
tests_integration_broker_preload_test_LDADD = $(BROKER_LIBS)
tests_integration_broker_logind_test_LDADD = $(BROKER_LIBS)
check_PROGRAMS += tests/integration/fake-logind
tests_integration_fake_logind_SOURCES = tests/integration/fake-logind.c
tests_integration_fake_logind_CPPFLAGS = $(AM_CPPFLAGS) $(SYSTEMD_CFLAGS)
tests_integration_fake_logind_LDADD = $(SYSTEMD_LIBS)

# Fuzzing: the control-protocol parser (root's input, but parsed before anyone is trusted),
# the kiosk message check (trust boundary 4) and the USB descriptor parser (written by the
# device), with tests/fuzz/local.mk's recipe; `make fuzz-check-broker` runs all three.
FUZZ_BROKER_CFLAGS = $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS)
FUZZ_BROKER_LIBS = $(JSON_GLIB_LIBS) $(GLIB_LIBS)
FUZZ_BROKER_CTL_SRC = tests/fuzz/broker-control-proto-fuzz.c proto/control.c
FUZZ_BROKER_KIOSK_SRC = tests/fuzz/broker-kiosk-proto-fuzz.c proto/kiosk.c \
	common/frame.c common/fdpass.c
FUZZ_BROKER_USB_SRC = tests/fuzz/broker-usb-descriptors-fuzz.c broker/devices.c
EXTRA_DIST += tests/fuzz/broker-fuzz.sh tests/fuzz/broker-control-proto-corpus \
	tests/fuzz/broker-kiosk-proto-corpus tests/fuzz/broker-usb-descriptors-corpus \
	tests/fuzz/broker-control-proto-fuzz.c tests/fuzz/broker-kiosk-proto-fuzz.c \
	tests/fuzz/broker-usb-descriptors-fuzz.c
$(eval $(call tsr_fuzz_binary,broker-control-proto-fuzz,$(FUZZ_BROKER_CTL_SRC),\
	$(FUZZ_BROKER_CFLAGS),$(FUZZ_BROKER_LIBS)))
$(eval $(call tsr_fuzz_binary,broker-kiosk-proto-fuzz,$(FUZZ_BROKER_KIOSK_SRC),\
	$(FUZZ_BROKER_CFLAGS),$(FUZZ_BROKER_LIBS)))
$(eval $(call tsr_fuzz_binary,broker-usb-descriptors-fuzz,$(FUZZ_BROKER_USB_SRC),\
	$(FUZZ_BROKER_CFLAGS),$(FUZZ_BROKER_LIBS)))
$(eval $(call tsr_fuzz_check,broker,broker-fuzz.sh,\
	broker-control-proto-fuzz broker-kiosk-proto-fuzz broker-usb-descriptors-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-broker

# Man pages and the systemd unit (KillMode=process: domains outlive a broker restart).
dist_man_MANS += doc/man/tessera-brokerd.8 doc/man/tessera-ctl.8
systemdunitdir = $(systemdsystemunitdir)
# The fixed users (kiosk, console) and the state and runtime directories, the systemd way.
sysusersdir = $(prefix)/lib/sysusers.d
sysusers_DATA = broker/sysusers.d/tessera.conf
tmpfilesdir = $(prefix)/lib/tmpfiles.d
tmpfiles_DATA = broker/tmpfiles.d/tessera.conf
EXTRA_DIST += $(sysusers_DATA) $(tmpfiles_DATA)
systemdunit_DATA = broker/tessera-brokerd.service
EXTRA_DIST += broker/tessera-brokerd.service.in
CLEANFILES += broker/tessera-brokerd.service
broker/tessera-brokerd.service: $(srcdir)/broker/tessera-brokerd.service.in Makefile
	@$(MKDIR_P) broker
	$(AM_V_GEN)sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	  $(srcdir)/broker/tessera-brokerd.service.in > $@
# The broker's options on a laptop, read by the unit (a conffile in the package).
brokerconfdir = $(sysconfdir)/tessera
dist_brokerconf_DATA = broker/broker.conf

INTEGRATION_TESTS += tests/integration/broker-usb-test
check_PROGRAMS += tests/integration/broker-usb-test
tests_integration_broker_usb_test_SOURCES = tests/integration/broker-usb-test.c $(BROKER_HARNESS)
tests_integration_broker_usb_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_usb_test_LDADD = $(BROKER_LIBS)

# The broker with real QEMU domains (booted under TCG): a rule-driven virtual smart card seen
# from inside the guest, and kill -9 / adopt over QMP / crashed.
SYSTEM_TESTS += tests/system/broker-qemu-test
check_PROGRAMS += tests/system/broker-qemu-test
tests_system_broker_qemu_test_SOURCES = tests/system/broker-qemu-test.c $(BROKER_HARNESS) \
	tests/system/domains-test-util.c tests/system/domains-test-util.h \
	tests/guest/font.h
nodist_tests_system_broker_qemu_test_SOURCES = tests/guest/font-data.c
tests_system_broker_qemu_test_CFLAGS = $(BROKER_CFLAGS) $(SPICE_CLIENT_CFLAGS)
tests_system_broker_qemu_test_LDADD = $(BROKER_LIBS) $(SPICE_CLIENT_LIBS)

# Enrolment from a TSR-ENROL disk (a FAT image file as the block device).
INTEGRATION_TESTS += tests/integration/broker-enrol-test
check_PROGRAMS += tests/integration/broker-enrol-test
tests_integration_broker_enrol_test_SOURCES = tests/integration/broker-enrol-test.c \
	$(BROKER_HARNESS)
tests_integration_broker_enrol_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_enrol_test_LDADD = $(BROKER_LIBS)

# The offer to install the image from its stick, answered on the kiosk.
INTEGRATION_TESTS += tests/integration/broker-install-test
check_PROGRAMS += tests/integration/broker-install-test
tests_integration_broker_install_test_SOURCES = tests/integration/broker-install-test.c $(BROKER_HARNESS)
tests_integration_broker_install_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_install_test_LDADD = $(BROKER_LIBS)

INTEGRATION_TESTS += tests/integration/broker-lease-test
check_PROGRAMS += tests/integration/broker-lease-test
tests_integration_broker_lease_test_SOURCES = tests/integration/broker-lease-test.c \
	$(BROKER_HARNESS)
tests_integration_broker_lease_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_broker_lease_test_LDADD = $(BROKER_LIBS)

UNIT_TESTS += tests/unit/broker-kiosk-proto-test
check_PROGRAMS += tests/unit/broker-kiosk-proto-test
tests_unit_broker_kiosk_proto_test_CFLAGS = $(BROKER_CFLAGS)
tests_unit_broker_kiosk_proto_test_LDADD = $(KIOSK_PROTO_LIBS) $(GLIB_LIBS)

# tessera-ctl's commands, output forms and exit codes against a real broker.
INTEGRATION_TESTS += tests/integration/broker-ctl-test.sh
EXTRA_DIST += tests/integration/broker-ctl-test.sh
INTEGRATION_TESTS += tests/integration/broker-journal-test.sh
EXTRA_DIST += tests/integration/broker-journal-test.sh
