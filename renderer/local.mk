# renderer/local.mk: libtsr-renderer.a (scene, layout, chrome, text, pointer, damage, outputs)
# and tessera-render-demo (included from the top Makefile.am). renderer/drm/local.mk appends the DRM
# output to this library: sources to renderer_libtsr_renderer_a_SOURCES, -DTSR_HAVE_DRM_OUTPUT and
# its cflags to renderer_libtsr_renderer_a_CPPFLAGS, its libs to RENDERER_LIBS.
noinst_LIBRARIES += renderer/libtsr-renderer.a
renderer_libtsr_renderer_a_SOURCES = \
	renderer/image.c renderer/image.h \
	renderer/palette.c renderer/palette.h \
	renderer/png.c renderer/png.h \
	renderer/text.c renderer/text.h \
	renderer/layout.c renderer/layout.h \
	renderer/scene.c renderer/scene.h renderer/scene-private.h \
	renderer/damage.c \
	renderer/render.c \
	renderer/compose.c \
	renderer/chrome.c \
	renderer/pointer.c \
	renderer/overlay.c \
	renderer/output.c renderer/output.h renderer/output-backend.h \
	renderer/output-headless.c \
	renderer/render-loop.c renderer/render-loop.h
renderer_libtsr_renderer_a_CPPFLAGS = $(AM_CPPFLAGS) $(PIXMAN_CFLAGS) $(FREETYPE_CFLAGS) $(PNG_CFLAGS)

# What a program linking the renderer needs (drm.mk adds $(DRM_LIBS) etc. with +=).
RENDERER_LIBS = renderer/libtsr-renderer.a $(PIXMAN_LIBS) $(FREETYPE_LIBS) $(PNG_LIBS) $(COMMON_LIBS)
# Flags for code that includes renderer-internal headers (pixman, FreeType).
RENDERER_CPPFLAGS = $(AM_CPPFLAGS) $(PIXMAN_CFLAGS) $(FREETYPE_CFLAGS) $(PNG_CFLAGS)

bin_PROGRAMS += renderer/tessera-render-demo
# The demo's own patterns (also drawn by tests and benchmarks as known content): not part of the
# library, so no program that shows domains contains them.
RENDER_DEMO_PATTERN = renderer/demo-pattern.c renderer/demo-pattern.h
renderer_tessera_render_demo_SOURCES = renderer/render-demo.c $(RENDER_DEMO_PATTERN)
renderer_tessera_render_demo_LDADD = $(RENDERER_LIBS)
dist_man_MANS += doc/man/tessera-render-demo.1

UNIT_TESTS += tests/unit/renderer-output-test tests/unit/renderer-scene-test
check_PROGRAMS += tests/unit/renderer-output-test tests/unit/renderer-scene-test
tests_unit_renderer_output_test_LDADD = $(HARNESS_LIBS)
tests_unit_renderer_scene_test_LDADD = $(RENDERER_LIBS)

# tests/harness: the reference-image comparison any pixel-checking test can link, and waiting
# for an output's frame.
check_LIBRARIES = tests/harness/libtsr-harness.a
tests_harness_libtsr_harness_a_SOURCES = tests/harness/image-compare.c tests/harness/image-compare.h \
	tests/harness/output-wait.c tests/harness/output-wait.h
HARNESS_LIBS = tests/harness/libtsr-harness.a $(RENDERER_LIBS)

UNIT_TESTS += tests/unit/renderer-reference-test
check_PROGRAMS += tests/unit/renderer-reference-test
tests_unit_renderer_reference_test_SOURCES = tests/unit/renderer-reference-test.c \
	$(RENDER_DEMO_PATTERN)
tests_unit_renderer_reference_test_LDADD = $(HARNESS_LIBS)

UNIT_TESTS += tests/unit/renderer-forgery-test
check_PROGRAMS += tests/unit/renderer-forgery-test
tests_unit_renderer_forgery_test_LDADD = $(RENDERER_LIBS) -lm
CLEANFILES += tests/unit/*.shot.png tests/unit/*.diff.png

UNIT_TESTS += tests/unit/renderer-damage-test
check_PROGRAMS += tests/unit/renderer-damage-test
tests_unit_renderer_damage_test_SOURCES = tests/unit/renderer-damage-test.c $(RENDER_DEMO_PATTERN)
tests_unit_renderer_damage_test_LDADD = $(HARNESS_LIBS)

UNIT_TESTS += tests/unit/renderer-loop-test
check_PROGRAMS += tests/unit/renderer-loop-test
tests_unit_renderer_loop_test_LDADD = $(RENDERER_LIBS)

INTEGRATION_TESTS += tests/integration/renderer-demo-test.sh
EXTRA_DIST += tests/integration/renderer-demo-test.sh

# The scene under libFuzzer (tests/fuzz/local.mk's recipe): surfaces, damage, cursors, pointer,
# texts, overlays and resizes from fuzz input, memory sized exactly so ASan sees any stray read.
# `make fuzz-check-renderer` runs it for TSR_FUZZ_SECONDS (30).
FUZZ_SCENE_SRC = tests/fuzz/renderer-scene-fuzz.c renderer/image.c renderer/palette.c \
	renderer/text.c renderer/layout.c renderer/scene.c renderer/damage.c renderer/compose.c \
	renderer/chrome.c renderer/pointer.c renderer/overlay.c
EXTRA_DIST += tests/fuzz/renderer-scene-fuzz.c tests/fuzz/renderer-scene-fuzz.sh \
	tests/fuzz/renderer-scene-corpus
$(eval $(call tsr_fuzz_binary,renderer-scene-fuzz,$(FUZZ_SCENE_SRC),\
	$(GLIB_CFLAGS) $(PIXMAN_CFLAGS) $(FREETYPE_CFLAGS),\
	$(PIXMAN_LIBS) $(FREETYPE_LIBS) $(GLIB_LIBS)))
$(eval $(call tsr_fuzz_check,renderer,renderer-scene-fuzz.sh,renderer-scene-fuzz))
EXTRA_CHECK_TARGETS += fuzz-check-renderer
