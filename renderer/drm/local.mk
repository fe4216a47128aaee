# renderer/drm/local.mk: the DRM/KMS output (included from the top Makefile.am, after
# renderer/local.mk). The output's sources join libtsr-renderer.a; output.c's factory opens it
# for "drm" specs when TSR_HAVE_DRM_OUTPUT is defined.
renderer_libtsr_renderer_a_SOURCES += \
	renderer/drm/private.h \
	renderer/drm/device.c \
	renderer/drm/modes.c \
	renderer/drm/connectors.c \
	renderer/drm/fb.c \
	renderer/drm/kms.c \
	renderer/drm/output.c
renderer_libtsr_renderer_a_CPPFLAGS += -DTSR_HAVE_DRM_OUTPUT $(DRM_CFLAGS) $(UDEV_CFLAGS)
RENDERER_LIBS += $(DRM_LIBS) $(UDEV_LIBS)

UNIT_TESTS += tests/unit/renderer-drm-test
check_PROGRAMS += tests/unit/renderer-drm-test
tests_unit_renderer_drm_test_LDADD = $(RENDERER_LIBS)
UNIT_TESTS += tests/unit/renderer-drm-damage-test
check_PROGRAMS += tests/unit/renderer-drm-damage-test
tests_unit_renderer_drm_damage_test_CPPFLAGS = $(RENDERER_CPPFLAGS) $(DRM_CFLAGS)
tests_unit_renderer_drm_damage_test_LDADD = $(RENDERER_LIBS)
