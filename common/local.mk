# common/local.mk: libtsr-common.a, only what two or more folders share.
noinst_LIBRARIES += common/libtsr-common.a
common_libtsr_common_a_SOURCES = \
	common/log.c common/log.h \
	common/fdpass.c common/fdpass.h \
	common/frame.c common/frame.h \
	common/clock.c common/clock.h \
	common/sandbox.c common/sandbox.h common/sandbox-log.c \
	common/seccomp.c common/seccomp.h common/seccomp-base.h \
	common/unix-peer.c common/unix-peer.h \
	common/audit-chain.c common/audit-chain.h \
	common/vt.c common/vt.h
common_libtsr_common_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)

# spice-server's event loop on GLib and the QXL plumbing, for the two programs that embed
# spice-server.
noinst_LIBRARIES += common/libtsr-spice-core.a
common_libtsr_spice_core_a_SOURCES = common/spice-core.c common/spice-core.h \
	common/spice-qxl.c common/spice-qxl.h common/spice-interface.h
common_libtsr_spice_core_a_CFLAGS = $(AM_CFLAGS) $(SPICE_SERVER_CFLAGS)

COMMON_LIBS = common/libtsr-common.a $(GLIB_LIBS) $(SECCOMP_LIBS)

COMMON_UNIT_TESTS = \
	tests/unit/common-log-test \
	tests/unit/common-fdpass-test \
	tests/unit/common-frame-test \
	tests/unit/common-clock-test \
	tests/unit/common-sandbox-test \
	tests/unit/common-seccomp-test
UNIT_TESTS += $(COMMON_UNIT_TESTS)
check_PROGRAMS += $(COMMON_UNIT_TESTS)
tests_unit_common_log_test_LDADD = $(COMMON_LIBS)
tests_unit_common_fdpass_test_LDADD = $(COMMON_LIBS)
tests_unit_common_frame_test_LDADD = $(COMMON_LIBS)
tests_unit_common_clock_test_LDADD = $(COMMON_LIBS)
# Small test helpers compiled into the tests that use them: a step that drops ids or loads a
# filter runs in a forked child (in-child.c); temporary trees are removed as rm -rf does
# (tree.c).
IN_CHILD = tests/harness/in-child.c tests/harness/in-child.h
TEST_TREE = tests/harness/tree.c tests/harness/tree.h
# Every thread of a sandboxed program under seccomp with no_new_privs (threads.c).
TEST_THREADS = tests/harness/threads.c tests/harness/threads.h
tests_unit_common_sandbox_test_SOURCES = tests/unit/common-sandbox-test.c $(IN_CHILD)
tests_unit_common_sandbox_test_LDADD = $(COMMON_LIBS)
tests_unit_common_seccomp_test_SOURCES = tests/unit/common-seccomp-test.c $(IN_CHILD)
tests_unit_common_seccomp_test_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tests_unit_common_seccomp_test_LDADD = $(COMMON_LIBS) -lpthread

# Sockets in directories another uid owns: no links followed, owner and peer checked.
UNIT_TESTS += tests/unit/common-unix-peer-test
check_PROGRAMS += tests/unit/common-unix-peer-test
tests_unit_common_unix_peer_test_LDADD = $(COMMON_LIBS)
