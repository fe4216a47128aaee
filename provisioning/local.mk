# provisioning/local.mk: build rules for provisioning/ (included from the top Makefile.am).
# libtsr-provisioning.a: keys at rest, the laptop-side installer, the ssh transport.
noinst_LIBRARIES += provisioning/libtsr-provisioning.a
provisioning_libtsr_provisioning_a_SOURCES = \
	provisioning/keys.c provisioning/keys.h \
	provisioning/install.c provisioning/install.h \
	provisioning/remote.c provisioning/remote.h
provisioning_libtsr_provisioning_a_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(JSON_GLIB_CFLAGS)
# PROTO_LIBS: the control-protocol client that asks the broker to reload after an install.
PROVISIONING_LIBS = provisioning/libtsr-provisioning.a $(POLICY_LIBS) $(PROTO_LIBS) $(JSON_GLIB_LIBS)

bin_PROGRAMS += provisioning/tessera-provision
provisioning_tessera_provision_SOURCES = provisioning/tessera-provision.c provisioning/provision-cli.h \
	provisioning/admin-commands.c provisioning/laptop-commands.c
provisioning_tessera_provision_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
provisioning_tessera_provision_LDADD = $(PROVISIONING_LIBS)
dist_man_MANS += doc/man/tessera-provision.1

UNIT_TESTS += tests/unit/provisioning-install-test
check_PROGRAMS += tests/unit/provisioning-install-test
# The broker's control-protocol parser checks what the reload hook sends.
tests_unit_provisioning_install_test_SOURCES = tests/unit/provisioning-install-test.c $(TEST_TREE)
tests_unit_provisioning_install_test_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_provisioning_install_test_LDADD = $(PROVISIONING_LIBS) $(BROKER_LIBS)

# A real sshd on loopback: push to 10 laptops, forced-command restrictions, pull, templates,
# report (see the script).
INTEGRATION_TESTS += tests/integration/provisioning-ssh-test.sh \
	tests/integration/provisioning-cli-test.sh
EXTRA_DIST += tests/integration/provisioning-ssh-test.sh tests/integration/provisioning-lib.sh \
	tests/integration/provisioning-cli-test.sh

# systemd units and examples for laptops that pull, and for pushing with Ansible. The service
# names tessera-provision where configure put it.
systemdunit_DATA += provisioning/tessera-pull.service provisioning/tessera-pull.timer
EXTRA_DIST += provisioning/tessera-pull.service.in provisioning/tessera-pull.timer \
	provisioning/pull.conf.example provisioning/ansible-push.yml
CLEANFILES += provisioning/tessera-pull.service
provisioning/tessera-pull.service: $(srcdir)/provisioning/tessera-pull.service.in Makefile
	@$(MKDIR_P) provisioning
	$(AM_V_GEN)sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/provisioning/tessera-pull.service.in > $@
