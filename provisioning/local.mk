# provisioning/local.mk: build rules for provisioning/ (included from the top Makefile.am).
# libtsr-provisioning.a: keys at rest, the laptop-side installer, the ssh transport.
noinst_LIBRARIES += provisioning/libtsr-provisioning.a
provisioning_libtsr_provisioning_a_SOURCES = \
	provisioning/keys.c provisioning/keys.h \
	provisioning/install.c provisioning/install.h \
	provisioning/remote.c provisioning/remote.h \
	provisioning/audit-verify.c provisioning/audit-verify.h
provisioning_libtsr_provisioning_a_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(JSON_GLIB_CFLAGS)
# PROTO_LIBS: the control-protocol client that asks the broker to reload after an install.
PROVISIONING_LIBS = provisioning/libtsr-provisioning.a $(POLICY_LIBS) $(PROTO_LIBS) $(JSON_GLIB_LIBS)

bin_PROGRAMS += provisioning/tessera-provision
provisioning_tessera_provision_SOURCES = provisioning/tessera-provision.c provisioning/provision-cli.h \
	provisioning/admin-commands.c provisioning/laptop-commands.c provisioning/audit-commands.c \
	provisioning/template-commands.c provisioning/enrol-commands.c
provisioning_tessera_provision_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
provisioning_tessera_provision_LDADD = $(PROVISIONING_LIBS)
dist_man_MANS += doc/man/tessera-provision.1

UNIT_TESTS += tests/unit/provisioning-install-test
check_PROGRAMS += tests/unit/provisioning-install-test
# The broker's control-protocol parser checks what the reload hook sends.
tests_unit_provisioning_install_test_SOURCES = tests/unit/provisioning-install-test.c $(TEST_TREE)
tests_unit_provisioning_install_test_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_provisioning_install_test_LDADD = $(PROVISIONING_LIBS) $(BROKER_LIBS)

# The chain check against logs the broker's writer makes.
UNIT_TESTS += tests/unit/provisioning-audit-verify-test
check_PROGRAMS += tests/unit/provisioning-audit-verify-test
tests_unit_provisioning_audit_verify_test_SOURCES = tests/unit/provisioning-audit-verify-test.c \
	$(TEST_TREE) $(IN_CHILD)
tests_unit_provisioning_audit_verify_test_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_provisioning_audit_verify_test_LDADD = $(PROVISIONING_LIBS) $(BROKER_LIBS)

# Fuzzing: audit-verify's parser of a collected (untrusted) audit log, with tests/fuzz/local.mk's
# recipe; `make fuzz-check-provisioning` runs it.
FUZZ_AUDIT_VERIFY_SRC = tests/fuzz/provisioning-audit-verify-fuzz.c provisioning/audit-verify.c \
	common/audit-chain.c
EXTRA_DIST += $(FUZZ_AUDIT_VERIFY_SRC) tests/fuzz/provisioning-audit-verify-fuzz.sh \
	tests/fuzz/provisioning-audit-verify-corpus
$(eval $(call tsr_fuzz_binary,provisioning-audit-verify-fuzz,$(FUZZ_AUDIT_VERIFY_SRC),\
	$(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS),$(JSON_GLIB_LIBS) $(GLIB_LIBS)))
$(eval $(call tsr_fuzz_check,provisioning,provisioning-audit-verify-fuzz.sh,\
	provisioning-audit-verify-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-provisioning

# A real sshd on loopback: push to 10 laptops, forced-command restrictions, pull, templates,
# report (see the script).
INTEGRATION_TESTS += tests/integration/provisioning-ssh-test.sh \
	tests/integration/provisioning-cli-test.sh \
	tests/integration/provisioning-audit-verify-test.sh \
	tests/integration/provisioning-template-test.sh \
	tests/integration/enrol-disk-test.sh
EXTRA_DIST += tests/integration/provisioning-ssh-test.sh tests/integration/provisioning-lib.sh \
	tests/integration/enrol-disk-test.sh \
	tests/integration/provisioning-cli-test.sh \
	tests/integration/provisioning-audit-verify-test.sh tests/integration/broker-sim-lib.sh \
	tests/integration/provisioning-template-test.sh

# systemd units and examples for laptops that pull, and for pushing with Ansible. The service
# names tessera-provision where configure put it.
systemdunit_DATA += provisioning/tessera-pull.service provisioning/tessera-pull.timer
EXTRA_DIST += provisioning/tessera-pull.service.in provisioning/tessera-pull.timer \
	provisioning/pull.conf.example provisioning/ansible-push.yml
CLEANFILES += provisioning/tessera-pull.service
provisioning/tessera-pull.service: $(srcdir)/provisioning/tessera-pull.service.in Makefile
	@$(MKDIR_P) provisioning
	$(AM_V_GEN)sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/provisioning/tessera-pull.service.in > $@
