# tests/system/local.mk: the QEMU system-test harness and the system tests.
#
# tsr-systest is the host-side helper (wait for serial marks, QMP, image compare) that
# tests/system/lib.sh drives; tsr-systest-guest goes into the guest's initramfs (evdev and VT
# probes). mkinitrd, guest-init, guest-lib.sh, lib.sh and the tests are shipped through
# tests/local.mk's EXTRA_DIST of tests/system. See doc/testing.md.
check_PROGRAMS += tests/system/tsr-systest tests/system/tsr-systest-guest
tests_system_tsr_systest_SOURCES = tests/system/systest-tool.c
tests_system_tsr_systest_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS) $(PNG_CFLAGS)
tests_system_tsr_systest_LDADD = $(JSON_GLIB_LIBS) $(PNG_LIBS) $(GLIB_LIBS)
tests_system_tsr_systest_guest_SOURCES = tests/system/systest-guest.c
tests_system_tsr_systest_guest_CFLAGS = $(AM_CFLAGS) $(EVDEV_CFLAGS)
tests_system_tsr_systest_guest_LDADD = $(EVDEV_LIBS)

SYSTEM_TESTS += tests/system/harness-test.sh tests/system/drm-test.sh \
	tests/system/vt-test.sh tests/system/drm-multi-test.sh tests/system/drm-4k-test.sh

# tools/demo run as a first-time user would, sim and qemu (see the script).
SYSTEM_TESTS += tests/system/demo-test.sh

# Test outputs (console and marker logs, screenshots) and the cached initramfs images.
CLEANFILES += tests/system/*.out.* tests/system/*.cpio tests/system/*.hash

# tests/local.mk ships tests/system, tests/fuzz and tests/reference as whole directories. In a
# VPATH build Automake copies such a directory from the build tree as well, which would put
# test logs, objects, programs and initramfs images into the tarball (and stale programs into
# distcheck's source tree). Keep only what the source tree has. Others can hang their own
# hooks on dist-hook the same way (prerequisites only, no recipe).
dist-hook: dist-prune-build-outputs
dist-prune-build-outputs:
	@for dir in tests/system tests/fuzz tests/reference; do \
	  test -d "$(distdir)/$$dir" || continue; \
	  (cd "$(distdir)" && find "$$dir" ! -type d) | while read -r f; do \
	    test -e "$(srcdir)/$$f" || rm -f "$(distdir)/$$f"; \
	  done; \
	  find "$(distdir)/$$dir" -depth -type d -empty -delete; \
	done
.PHONY: dist-prune-build-outputs

# $(eval $(call tsr_system_extra_check,TARGET,SCRIPT,SECONDS,PREREQUISITES)): `make TARGET`
# runs tests/system/SCRIPT through the test driver, bounded by `timeout SECONDS`, after the
# PREREQUISITES (targets). Automake writes .log rules only for the tests in TESTS when it ran;
# these are started on demand, so each gets its own (same driver, same TAP parsing). The caller
# also writes `EXTRA_CHECK_TARGETS += TARGET` (Automake moves assignments out of a define).
define tsr_system_extra_check
tests/system/$(2).log: $$(srcdir)/tests/system/$(2)
	@$$(MKDIR_P) tests/system
	@$$(AM_TESTS_ENVIRONMENT) $$(LOG_DRIVER) --test-name tests/system/$(2) \
		--log-file $$@ --trs-file $$(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- timeout $(3) $$(LOG_COMPILE) $$(srcdir)/tests/system/$(2)
$(1): $(4)
	$$(MAKE) $$(AM_MAKEFLAGS) check TESTS='tests/system/$(2)'
.PHONY: $(1)
endef

# make check-packages: build the Debian packages, lint them, install, upgrade and remove them in
# a clean Debian 12 root (tests/system/packages-test.sh). Needs the network for mmdebstrap; not
# part of make check: tools/check runs it through check-extra. Bounded to 10 minutes.
$(eval $(call tsr_system_extra_check,check-packages,packages-test.sh,600,))
EXTRA_CHECK_TARGETS += check-packages
CLEANFILES += tests/system/packages-cache/*.tar

# make check-packages-boot: the packages check-packages built, booted with systemd in QEMU
# (tests/system/packages-boot-test.sh): the broker from its unit, the journal, an upgrade that
# keeps a running domain, apt remove stopping it. After check-packages, whose packages and root
# it boots; bounded to 15 minutes.
$(eval $(call tsr_system_extra_check,check-packages-boot,packages-boot-test.sh,900,check-packages))
EXTRA_CHECK_TARGETS += check-packages-boot
CLEANFILES += tests/system/packages-boot.out.* tests/system/packages-cache/root.tar

# The packages packages-test.sh keeps for the checks after it: a directory, which CLEANFILES
# cannot take. Others can hang their own cleaning on clean-local the same way.
clean-local: clean-packages-debs
clean-packages-debs:
	rm -rf tests/system/packages-cache/debs
.PHONY: clean-packages-debs

# make check-admin-guide: doc/admin-guide.md's command blocks, run in order in a chroot of the
# root and packages check-packages left (tests/system/admin-guide-test.sh). Bounded to 5 minutes.
$(eval $(call tsr_system_extra_check,check-admin-guide,admin-guide-test.sh,300,check-packages))
EXTRA_CHECK_TARGETS += check-admin-guide

# make check-laptop-image: build the laptop image (tools/build-image, cached by its inputs in
# tests/system/laptop-image) and boot it nested under Xen from OVMF to the kiosk's screen, then
# push to its sshd, enrol it, log in and show two Xen domains (tests/system/laptop-image-test.sh).
# Needs the network for mmdebstrap. Bounded to 35 minutes.
$(eval $(call tsr_system_extra_check,check-laptop-image,laptop-image-test.sh,2100,))
EXTRA_CHECK_TARGETS += check-laptop-image
# The image's caches (packages, Debian root, image: a directory) go with make clean.
clean-local: clean-laptop-image
clean-laptop-image:
	rm -rf tests/system/laptop-image
.PHONY: clean-laptop-image

# make check-clipboard-guest: the trusted clipboard between two domains of the Debian template
# (tests/system/clipboard-guest-test.sh): copied with the guest's own X clipboard and
# spice-vdagent, pasted through the kiosk along a policy flow, refused after a reload. Two
# boots under TCG; bounded to 15 minutes.
CLIPBOARD_GUEST_NEEDS = broker/tessera-brokerd$(EXEEXT) broker/tessera-ctl$(EXEEXT) \
	provisioning/tessera-provision$(EXEEXT) kiosk/tessera-kiosk$(EXEEXT) \
	viewer/tessera-viewer$(EXEEXT) console/tessera-console$(EXEEXT) \
	tests/integration/kiosk-spice-client$(EXEEXT)
$(eval $(call tsr_system_extra_check,check-clipboard-guest,clipboard-guest-test.sh,900,$(CLIPBOARD_GUEST_NEEDS)))
EXTRA_CHECK_TARGETS += check-clipboard-guest
CLEANFILES += tests/system/clipboard-guest.log
