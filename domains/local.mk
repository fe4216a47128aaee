# domains/local.mk: the domain backends (qemu, xen, sim) behind domains/backend.h and their tests
# (included from the top Makefile.am). The test guest's program is in tests/guest/local.mk.
noinst_LIBRARIES += domains/libtsr-domains.a
domains_libtsr_domains_a_SOURCES = \
	domains/backend.h domains/backend-private.h domains/backend.c \
	domains/disk.c domains/usb.c domains/sync.c \
	domains/process.c \
	domains/accel.h domains/accel.c \
	domains/dm-log.c \
	domains/sim.c \
	domains/qmp.h domains/qmp.c \
	domains/network.h domains/network.c \
	domains/boot.h domains/boot.c \
	domains/qemu.c domains/qemu-args.h domains/qemu-args.c \
	domains/xen-config.h domains/xen-config.c \
	domains/xen.c domains/usb-pass.h domains/usb-pass.c \
	domains/policy-spec.h domains/policy-spec.c
domains_libtsr_domains_a_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
DOMAINS_LIBS = domains/libtsr-domains.a $(COMMON_LIBS) $(JSON_GLIB_LIBS)

UNIT_TESTS += tests/unit/domains-backend-test
check_PROGRAMS += tests/unit/domains-backend-test
tests_unit_domains_backend_test_SOURCES = tests/unit/domains-backend-test.c $(TEST_TREE)
tests_unit_domains_backend_test_LDADD = $(DOMAINS_LIBS)

# accel=auto where no probe can run: TCG, never KVM unshown.
UNIT_TESTS += tests/unit/domains-accel-test
check_PROGRAMS += tests/unit/domains-accel-test
tests_unit_domains_accel_test_LDADD = $(DOMAINS_LIBS)

# The qemu backend for real (TCG), booting the guest image.
SYSTEM_TESTS += tests/system/domains-qemu-test
check_PROGRAMS += tests/system/domains-qemu-test
tests_system_domains_qemu_test_SOURCES = tests/system/domains-qemu-test.c \
	tests/system/domains-test-util.c tests/system/domains-test-util.h \
	tests/guest/font.h
nodist_tests_system_domains_qemu_test_SOURCES = tests/guest/font-data.c
tests_system_domains_qemu_test_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_system_domains_qemu_test_LDADD = $(DOMAINS_LIBS) $(DISPLAY_LIBS) $(SPICE_CLIENT_LIBS)
EXTRA_tests_system_domains_qemu_test_DEPENDENCIES = viewer/tessera-viewer$(EXEEXT)

# accel=auto for real: users with and without /dev/kvm, a probe guest that never reaches its
# userspace.
SYSTEM_TESTS += tests/system/domains-accel-test
check_PROGRAMS += tests/system/domains-accel-test
tests_system_domains_accel_test_SOURCES = tests/system/domains-accel-test.c \
	tests/system/domains-test-util.c tests/system/domains-test-util.h \
	tests/guest/font.h
nodist_tests_system_domains_accel_test_SOURCES = tests/guest/font-data.c
tests_system_domains_accel_test_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_system_domains_accel_test_LDADD = $(DOMAINS_LIBS) $(SPICE_CLIENT_LIBS)

# The xen backend offline: golden xl.cfg files (parsed by libxlutil when present) and recorded
# `xl list` output.
UNIT_TESTS += tests/unit/domains-xen-test
check_PROGRAMS += tests/unit/domains-xen-test
tests_unit_domains_xen_test_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_domains_xen_test_LDADD = $(DOMAINS_LIBS)
if HAVE_XLUTIL
tests_unit_domains_xen_test_CFLAGS += $(XLUTIL_CFLAGS)
tests_unit_domains_xen_test_LDADD += $(XLUTIL_LIBS)
endif
EXTRA_DIST += tests/unit/domains-xen-data

# make check-xen: real Xen nested in QEMU TCG (tests/system/domains-xen-test.sh). The dom0 test
# driver runs inside the nested dom0; domains-spice-check looks at the guest's screen from the
# host. Not part of make check: tools/check runs it through check-extra.
check_PROGRAMS += tests/system/xen/tsr-xen-dom0 tests/system/domains-spice-check
tests_system_xen_tsr_xen_dom0_SOURCES = tests/system/xen/dom0-driver.c \
	tests/system/xen/dom0-pair.c tests/system/xen/dom0-keys.c tests/system/xen/dom0-check.h \
	tests/system/domains-test-util.c tests/system/domains-test-util.h
nodist_tests_system_xen_tsr_xen_dom0_SOURCES = tests/guest/font-data.c
tests_system_xen_tsr_xen_dom0_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_system_xen_tsr_xen_dom0_LDADD = $(DOMAINS_LIBS) $(SPICE_CLIENT_LIBS)
tests_system_domains_spice_check_SOURCES = tests/system/domains-spice-check.c \
	tests/system/domains-test-util.c tests/system/domains-test-util.h
nodist_tests_system_domains_spice_check_SOURCES = tests/guest/font-data.c
tests_system_domains_spice_check_CFLAGS = $(AM_CFLAGS) $(SPICE_CLIENT_CFLAGS)
tests_system_domains_spice_check_LDADD = $(SPICE_CLIENT_LIBS) $(GLIB_LIBS)
EXTRA_DIST += tests/system/domains-xen-test.sh tests/system/domains-xen-debian-test.sh \
	tests/system/domains-xen-uefi-test.sh tests/system/xen/mkdom0 tests/system/xen/dom0-init \
	tests/system/xen/mkesp tests/system/xen/uefi-try-dom0
# Automake writes .log rules only for tests in TESTS when it ran; these are started on demand.
XEN_TEST_LOGS = tests/system/domains-xen-test.sh.log tests/system/domains-xen-debian-test.sh.log \
	tests/system/domains-xen-uefi-test.sh.log
$(XEN_TEST_LOGS): %.log: $(srcdir)/% tests/system/xen/tsr-xen-dom0 \
		tests/system/domains-spice-check
	@$(MKDIR_P) tests/system
	@$(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name $* \
		--log-file $@ --trs-file $(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- $(LOG_COMPILE) $(srcdir)/$*
check-xen: tests/system/xen/tsr-xen-dom0 tests/system/domains-spice-check \
		tests/guest/tessera-guest-hello
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/system/domains-xen-test.sh'
# make check-xen-debian: the Debian template (tools/build-guest-debian) booted from its disk by
# the xen backend in the same nested Xen; bounded (TSR_XEN_BOUND, 1500 s by default). On demand
# only, not in check-extra: under TCG-in-TCG the template does not reach its userspace within
# any sane bound (doc/domains.md, "The Debian template under the nested Xen").
check-xen-debian: tests/system/xen/tsr-xen-dom0 tests/system/domains-spice-check \
		tests/guest/tessera-guest-hello
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/system/domains-xen-debian-test.sh'
# make check-xen-uefi: the try of OVMF under Xen (bios = "ovmf"; TSR_XEN_OVMF=FILE tries
# another build, e.g. an OvmfXen) booting the small test image from a UEFI-bootable disk, in
# the same nested Xen; bounded (TSR_XEN_BOUND, 900 s by default). On demand only, not in
# check-extra: with Debian 12's packages it does not boot (doc/xen-nested.md).
check-xen-uefi: tests/system/xen/tsr-xen-dom0 tests/system/domains-spice-check \
		tests/guest/tessera-guest-hello
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/system/domains-xen-uefi-test.sh'
EXTRA_CHECK_TARGETS += check-xen
.PHONY: check-xen check-xen-debian check-xen-uefi
CLEANFILES += tests/system/xen/dom0.*.cpio

# The qemu backend's boot settings and refusals through the broker (QEMU runs firmware only).
INTEGRATION_TESTS += tests/integration/domains-boot-test
check_PROGRAMS += tests/integration/domains-boot-test
tests_integration_domains_boot_test_SOURCES = tests/integration/domains-boot-test.c \
	$(BROKER_HARNESS)
tests_integration_domains_boot_test_CFLAGS = $(BROKER_CFLAGS)
tests_integration_domains_boot_test_LDADD = $(BROKER_LIBS)

# The sim backend with real tessera-testdomain processes.
INTEGRATION_TESTS += tests/integration/domains-sim-test
check_PROGRAMS += tests/integration/domains-sim-test
tests_integration_domains_sim_test_LDADD = $(DOMAINS_LIBS)

# Policy → backend, through the real policy parser.
UNIT_TESTS += tests/unit/domains-policy-spec-test
check_PROGRAMS += tests/unit/domains-policy-spec-test
tests_unit_domains_policy_spec_test_SOURCES = tests/unit/domains-policy-spec-test.c $(TEST_TREE)
tests_unit_domains_policy_spec_test_LDADD = $(DOMAINS_LIBS) $(POLICY_LIBS) $(JSON_GLIB_LIBS)

# Fuzzing the parsers of what QEMU and xl send (tests/fuzz/domains-parsers-fuzz.c) with
# tests/fuzz/local.mk's recipe; `make fuzz-check-domains` runs it.
FUZZ_DOMAINS_SRC = tests/fuzz/domains-parsers-fuzz.c domains/qmp.c domains/xen-config.c \
	common/unix-peer.c
EXTRA_DIST += tests/fuzz/domains-parsers-fuzz.c tests/fuzz/domains-parsers-fuzz.sh \
	tests/fuzz/domains-parsers-corpus
$(eval $(call tsr_fuzz_binary,domains-parsers-fuzz,$(FUZZ_DOMAINS_SRC),\
	$(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS),$(JSON_GLIB_LIBS) $(GLIB_LIBS)))
$(eval $(call tsr_fuzz_check,domains,domains-parsers-fuzz.sh,domains-parsers-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-domains

UNIT_TESTS += tests/unit/domains-qmp-test
check_PROGRAMS += tests/unit/domains-qmp-test
tests_unit_domains_qmp_test_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_domains_qmp_test_LDADD = $(DOMAINS_LIBS)

# What the tests leave in the build tree: the cached guest image and check-xen's outputs.
CLEANFILES += guest-image/vmlinuz guest-image/initrd.img guest-image/template.qcow2 \
	guest-image/manifest guest-image/inputs.sha256 \
	tests/system/xen/console.log tests/system/xen/qemu.log tests/system/xen/screen.ppm \
	tests/system/xen/xl-list-l.json tests/system/xen/debian/console.log \
	tests/system/xen/debian/qemu.log tests/system/xen/debian/screen.ppm \
	tests/system/xen/debian/xl-list-l.json tests/system/xen/debian/build-guest-debian.log

# make check-guest-debian: the Debian 12 template (tools/build-guest-debian, cached in
# tests/system/guest-debian/) booted through the broker under SeaBIOS and OVMF. Slow (Xorg
# under TCG, four boots): tools/check runs it through check-extra, bounded by timeout.
GUEST_DEBIAN_TIMEOUT = 2400
# Where the kiosk shows a domain's screen and whether it matches what the guest reported.
check_PROGRAMS += tests/system/guest-screen-check
tests_system_guest_screen_check_SOURCES = tests/system/guest-screen-check.c
tests_system_guest_screen_check_LDADD = $(RENDERER_LIBS)
EXTRA_DIST += tests/guest/debian
tests/system/guest-debian-test.sh.log: $(srcdir)/tests/system/guest-debian-test.sh
	@$(MKDIR_P) tests/system
	@$(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name tests/system/guest-debian-test.sh \
		--log-file $@ --trs-file $(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- timeout $(GUEST_DEBIAN_TIMEOUT) $(LOG_COMPILE) \
		$(srcdir)/tests/system/guest-debian-test.sh
check-guest-debian: broker/tessera-brokerd$(EXEEXT) broker/tessera-ctl$(EXEEXT) \
		provisioning/tessera-provision$(EXEEXT) kiosk/tessera-kiosk$(EXEEXT) \
		viewer/tessera-viewer$(EXEEXT) console/tessera-console$(EXEEXT) \
		tests/integration/kiosk-spice-client$(EXEEXT) tests/system/guest-screen-check$(EXEEXT)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/system/guest-debian-test.sh'
EXTRA_CHECK_TARGETS += check-guest-debian
.PHONY: check-guest-debian
CLEANFILES += tests/system/guest-debian.log
