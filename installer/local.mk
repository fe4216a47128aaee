# installer/local.mk: tessera-install, which copies the laptop image onto the internal disk, and
# its unit for unattended imaging (enabled by tools/image-config in the image only).
dist_sbin_SCRIPTS = installer/tessera-install
dist_man_MANS += doc/man/tessera-install.8
systemdunit_DATA += installer/tessera-install.service
EXTRA_DIST += installer/tessera-install.service.in
CLEANFILES += installer/tessera-install.service
installer/tessera-install.service: $(srcdir)/installer/tessera-install.service.in Makefile
	@$(MKDIR_P) installer
	$(AM_V_GEN)sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/installer/tessera-install.service.in > $@

# Its command line without a disk: refusals, and --list saying nothing off a stick.
INTEGRATION_TESTS += tests/integration/installer-cli-test.sh
EXTRA_DIST += tests/integration/installer-cli-test.sh
