# input/local.mk: libtsr-input.a (router, keymap, hotkeys, text entry, devices) and its tests.
noinst_LIBRARIES += input/libtsr-input.a
input_libtsr_input_a_SOURCES = \
	input/router.c input/router.h \
	input/hotkeys.c input/hotkeys.h \
	input/keymap.c input/keymap.h \
	input/text.c input/text.h \
	input/devices.c input/devices.h \
	input/settings.c input/settings.h
input_libtsr_input_a_CFLAGS = $(AM_CFLAGS) $(EVDEV_CFLAGS) $(XKBCOMMON_CFLAGS) $(UDEV_CFLAGS)
# POLICY_LIBS: the typed hotkeys (policy/hotkeys.h) the router matches against.
INPUT_LIBS = input/libtsr-input.a $(POLICY_LIBS) $(COMMON_LIBS) $(EVDEV_LIBS) $(XKBCOMMON_LIBS) \
	$(UDEV_LIBS)

INPUT_UNIT_TESTS = \
	tests/unit/input-router-test \
	tests/unit/input-keymap-test \
	tests/unit/input-hotkeys-test \
	tests/unit/input-text-test \
	tests/unit/input-devices-test \
	tests/unit/input-settings-test
UNIT_TESTS += $(INPUT_UNIT_TESTS)
check_PROGRAMS += $(INPUT_UNIT_TESTS)
tests_unit_input_router_test_SOURCES = tests/unit/input-router-test.c \
	tests/unit/input-script.c tests/unit/input-script.h
tests_unit_input_router_test_LDADD = $(INPUT_LIBS)
tests_unit_input_keymap_test_CFLAGS = $(AM_CFLAGS) $(EVDEV_CFLAGS)
tests_unit_input_keymap_test_LDADD = $(INPUT_LIBS)
tests_unit_input_hotkeys_test_LDADD = $(INPUT_LIBS)
tests_unit_input_text_test_CFLAGS = $(AM_CFLAGS) $(XKBCOMMON_CFLAGS)
tests_unit_input_text_test_LDADD = $(INPUT_LIBS)
EXTRA_DIST += tests/data/input
tests_unit_input_devices_test_CFLAGS = $(AM_CFLAGS) $(EVDEV_CFLAGS)
tests_unit_input_devices_test_LDADD = $(INPUT_LIBS)
tests_unit_input_settings_test_LDADD = $(INPUT_LIBS)

# System test: the input stack in a booted guest (tests/system/input-grab-test.sh, see there).
check_PROGRAMS += tests/system/tsr-input-probe
tests_system_tsr_input_probe_SOURCES = tests/system/input-probe.c
tests_system_tsr_input_probe_CFLAGS = $(AM_CFLAGS) $(EVDEV_CFLAGS)
tests_system_tsr_input_probe_LDADD = $(INPUT_LIBS)
SYSTEM_TESTS += tests/system/input-grab-test.sh
# The real kiosk (under tessera-brokerd, on DRM/KMS) with the virtio and a uinput keyboard.
SYSTEM_TESTS += tests/system/kiosk-input-test.sh
# The lid switch (kept by the broker) and the laptop's hardware keys (never reach a domain).
SYSTEM_TESTS += tests/system/kiosk-lid-test.sh
