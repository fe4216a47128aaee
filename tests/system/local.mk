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
	tests/system/vt-test.sh tests/system/drm-multi-test.sh

# tools/demo run as a first-time user would, sim and qemu (see the script).
SYSTEM_TESTS += tests/system/demo-test.sh

# Test outputs (console and marker logs, screenshots) and the cached initramfs images.
CLEANFILES += tests/system/*.out.* tests/system/*.cpio

# tests/local.mk ships tests/system, tests/fuzz and tests/reference as whole directories. In a
# VPATH build Automake copies such a directory from the build tree as well, which would put
# test logs, objects, programs and initramfs images into the tarball (and stale programs into
# distcheck's source tree). Keep only what the source tree has. Others can hang their own
# hooks on dist-hook the same way (prerequisites only, no recipe).
dist-hook: dist-prune-build-outputs
dist-prune-build-outputs:
	@for dir in tests/system tests/fuzz tests/reference; do \
	  test -d "$(distdir)/$$dir" || continue; \
	  (cd "$(distdir)" && find "$$dir" -type f) | while read -r f; do \
	    test -e "$(srcdir)/$$f" || rm -f "$(distdir)/$$f"; \
	  done; \
	  find "$(distdir)/$$dir" -depth -type d -empty -delete; \
	done
.PHONY: dist-prune-build-outputs

# make check-packages: build the Debian packages, lint them, install, upgrade and remove them in
# a clean Debian 12 root (tests/system/packages-test.sh). Needs the network for mmdebstrap; not
# part of make check: tools/check runs it through check-extra. Bounded to 10 minutes.
EXTRA_DIST += tests/system/packages-test.sh
# Automake writes .log rules only for tests in TESTS when it ran; this one is started on demand.
tests/system/packages-test.sh.log: $(srcdir)/tests/system/packages-test.sh
	@$(MKDIR_P) tests/system
	@$(AM_TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name tests/system/packages-test.sh \
		--log-file $@ --trs-file $(@:.log=.trs) --color-tests no --enable-hard-errors yes \
		--expect-failure no -- timeout 600 $(LOG_COMPILE) $(srcdir)/tests/system/packages-test.sh
check-packages:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='tests/system/packages-test.sh'
EXTRA_CHECK_TARGETS += check-packages
.PHONY: check-packages
CLEANFILES += tests/system/packages-cache/*.tar
