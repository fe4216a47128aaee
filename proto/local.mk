# proto/local.mk: every wire format between two Tessera processes and its checker, in one
# library both parties link, so each format has exactly one definition: the display protocol
# (viewer -> kiosk) with its sealed memfds, the console link (kiosk <-> tessera-console), the
# kiosk <-> broker messages and the control protocol (tessera-ctl, tessera-provision -> broker).
noinst_LIBRARIES += proto/libtsr-proto.a
proto_libtsr_proto_a_SOURCES = \
	proto/display.h proto/display-resize.c proto/display-resize.h \
	proto/sealed-memfd.c proto/sealed-memfd.h \
	proto/viewer-link.c proto/viewer-link.h \
	proto/clipboard.c proto/clipboard.h \
	proto/console.c proto/console.h \
	proto/console-link.c proto/console-link.h \
	proto/console-spawn.c proto/console-spawn.h \
	proto/kiosk.c proto/kiosk.h \
	proto/control.c proto/control.h \
	proto/control-client.c proto/control-client.h
proto_libtsr_proto_a_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
proto_libtsr_proto_a_CPPFLAGS = $(AM_CPPFLAGS) -DTSR_LIBEXECDIR='"$(libexecdir)"'
# Static archive: a program gets only the formats it uses; JSON_GLIB_LIBS is for the control
# protocol (unused by the others, dropped by --as-needed).
PROTO_LIBS = proto/libtsr-proto.a $(COMMON_LIBS) $(JSON_GLIB_LIBS)
# Kept as names for what each side links; all are PROTO_LIBS.
CONSOLE_LINK_LIBS = $(PROTO_LIBS)
KIOSK_PROTO_LIBS = $(PROTO_LIBS)

# The control-protocol client against a scripted socketpair peer.
UNIT_TESTS += tests/unit/proto-control-client-test
check_PROGRAMS += tests/unit/proto-control-client-test
tests_unit_proto_control_client_test_CFLAGS = $(AM_CFLAGS) $(JSON_GLIB_CFLAGS)
tests_unit_proto_control_client_test_LDADD = $(PROTO_LIBS)

# Clipboard text between kiosk and viewer: the text rule, the sealed memfds, the kiosk's gate.
UNIT_TESTS += tests/unit/proto-clipboard-test
check_PROGRAMS += tests/unit/proto-clipboard-test
tests_unit_proto_clipboard_test_LDADD = $(PROTO_LIBS)

# The clipboard messages' checks under libFuzzer (the text is a guest's, the answer a viewer's);
# `make fuzz-check-clipboard` runs it with tests/fuzz/local.mk's recipe.
FUZZ_CLIPBOARD_SRC = tests/fuzz/clipboard-fuzz.c proto/clipboard.c proto/sealed-memfd.c
EXTRA_DIST += $(FUZZ_CLIPBOARD_SRC) tests/fuzz/clipboard-fuzz.sh tests/fuzz/clipboard-corpus
$(eval $(call tsr_fuzz_binary,clipboard-fuzz,$(FUZZ_CLIPBOARD_SRC),$(GLIB_CFLAGS),$(GLIB_LIBS)))
$(eval $(call tsr_fuzz_check,clipboard,clipboard-fuzz.sh,clipboard-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-clipboard
