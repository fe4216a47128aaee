/* tests/unit/renderer-output-test.c: output specs are parsed strictly, and the headless output
 * copies exactly the presented rectangles, paces one frame at a time, writes screenshots and
 * goes black while turned off. */
#include "config.h"

#include <poll.h>
#include <unistd.h>

#include "renderer/output.h"
#include "tests/harness/output-wait.h"
#include "renderer/png.h"

static void test_bad_specs(void)
{
	const char *bad[] = { "", "headless", "headless:", "headless:0x10", "headless:10x0",
			      "headless:8193x10", "headless:10x8193", "headless:10x10@0",
			      "headless:10x10@1001", "headless:10x10@", "headless:-1x10",
			      "headless:10x10x10", "headless:1e3x10", "headless:10 x10",
			      "headless:@10x10", "drm:", "drm::", "drm:/dev/sda", "drm:a:b",
			      "drm:/dev/dri/card0:", "vnc:1", "HEADLESS:10x10" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *error = NULL;
		struct tsr_output *out = tsr_output_open(bad[i], &error);
		g_assert_null(out);
		g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
		g_error_free(error);
	}
	GError *error = NULL;
	g_assert_null(tsr_output_open(NULL, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_error_free(error);
}

static int frames_done;
static void on_frame_done(void *data)
{
	frames_done++;
}
static const struct tsr_output_listener listener = { .frame_done = on_frame_done };

/* What the output shows, through a PNG as a test watching the kiosk would see it. */
static struct tsr_image *screenshot(struct tsr_output *out)
{
	GError *error = NULL;
	g_autofree char *dir = g_dir_make_tmp("tsr-output-XXXXXX", &error);
	g_assert_no_error(error);
	g_autofree char *path = g_build_filename(dir, "shot.png", NULL);
	g_assert_true(tsr_output_screenshot(out, path, &error));
	g_assert_no_error(error);
	struct tsr_image *shot = tsr_png_read(path, &error);
	g_assert_no_error(error);
	unlink(path);
	rmdir(dir);
	return shot;
}

static void test_headless_present(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:64x48@500", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(tsr_output_kind(out), ==, "headless");
	g_assert_cmpint(tsr_output_width(out), ==, 64);
	g_assert_cmpint(tsr_output_height(out), ==, 48);
	g_assert_cmpint(tsr_output_get_fd(out), >=, 0);
	tsr_output_set_listener(out, &listener, NULL);
	frames_done = 0;

	struct tsr_image *shadow = tsr_image_create(64, 48, &error);
	g_assert_no_error(error);
	for (int i = 0; i < 64 * 48; i++)
		shadow->pixels[i] = 0x00112233;
	/* One rectangle, partly outside: only the inside part is copied. */
	struct tsr_rect r = { 60, 40, 10, 10 };
	g_assert_true(tsr_output_present(out, shadow, &r, 1, &error));
	g_assert_no_error(error);
	g_assert_true(tsr_output_frame_pending(out));
	g_assert_cmpuint(tsr_output_bytes_copied(out), ==, 4 * 8 * 4);

	/* A second frame before the first is done is refused and copies nothing. */
	g_assert_false(tsr_output_present(out, shadow, &r, 1, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_BUSY);
	g_clear_error(&error);
	g_assert_cmpuint(tsr_output_bytes_copied(out), ==, 4 * 8 * 4);

	tsr_test_output_wait_frame(out);
	g_assert_cmpint(frames_done, ==, 1);
	g_assert_cmpuint(tsr_output_frames(out), ==, 1);

	/* The wrong shadow size is refused. */
	struct tsr_image *small = tsr_image_create(32, 48, &error);
	g_assert_false(tsr_output_present(out, small, &r, 1, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	tsr_image_destroy(small);

	/* The screenshot shows the copied corner and black elsewhere. */
	struct tsr_image *shot = screenshot(out);
	g_assert_cmpint(shot->width, ==, 64);
	g_assert_cmphex(shot->pixels[45 * 64 + 62], ==, 0x112233);
	g_assert_cmphex(shot->pixels[39 * 64 + 62], ==, 0);
	g_assert_cmphex(shot->pixels[45 * 64 + 59], ==, 0);
	tsr_image_destroy(shot);

	/* Screenshot to an unwritable place fails cleanly. */
	g_assert_false(tsr_output_screenshot(out, "/nonexistent/dir/x.png", &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO);
	g_clear_error(&error);

	tsr_image_destroy(shadow);
	tsr_output_destroy(out);
}

/* Turned off, the output shows black and frames still complete without copying anything; the
 * first frame after turning on brings back the whole picture, not only its own rectangle. */
static void test_headless_power(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:16x8", &error);
	g_assert_no_error(error);
	tsr_output_set_listener(out, &listener, NULL);
	struct tsr_image *shadow = tsr_image_create(16, 8, &error);
	g_assert_no_error(error);
	for (int i = 0; i < 16 * 8; i++)
		shadow->pixels[i] = 0x00445566;
	struct tsr_rect all = { 0, 0, 16, 8 }, corner = { 0, 0, 1, 1 };
	g_assert_true(tsr_output_present(out, shadow, &all, 1, &error));
	tsr_test_output_wait_frame(out);
	g_assert_true(tsr_output_powered(out));

	g_assert_true(tsr_output_set_power(out, false, &error));
	g_assert_no_error(error);
	g_assert_false(tsr_output_powered(out));
	struct tsr_image *shot = screenshot(out);
	g_assert_cmphex(shot->pixels[3 * 16 + 5], ==, 0);
	tsr_image_destroy(shot);
	uint64_t copied = tsr_output_bytes_copied(out);
	frames_done = 0;
	g_assert_true(tsr_output_present(out, shadow, &all, 1, &error));
	tsr_test_output_wait_frame(out);
	g_assert_cmpint(frames_done, ==, 1);
	g_assert_cmpuint(tsr_output_bytes_copied(out), ==, copied);
	shot = screenshot(out);
	g_assert_cmphex(shot->pixels[3 * 16 + 5], ==, 0);
	tsr_image_destroy(shot);

	g_assert_true(tsr_output_set_power(out, true, &error));
	g_assert_true(tsr_output_set_power(out, true, &error)); /* already on: nothing */
	g_assert_true(tsr_output_present(out, shadow, &corner, 1, &error));
	tsr_test_output_wait_frame(out);
	g_assert_cmpuint(tsr_output_bytes_copied(out), ==, copied + 16 * 8 * 4);
	shot = screenshot(out);
	g_assert_cmphex(shot->pixels[3 * 16 + 5], ==, 0x445566);
	tsr_image_destroy(shot);
	tsr_image_destroy(shadow);
	tsr_output_destroy(out);
}

/* Without a DRM device (or without the drm output built in) opening fails with a reason. */
static void test_drm_unavailable(void)
{
	GError *error = NULL;
	g_assert_null(tsr_output_open("drm:/dev/dri/card99:Virtual-1", &error));
	g_assert_nonnull(error);
	g_assert_true(g_error_matches(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED) ||
		      g_error_matches(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO));
	g_error_free(error);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/output/rejects-bad-specs", test_bad_specs);
	g_test_add_func("/renderer/output/headless-copies-only-damage-and-paces", test_headless_present);
	g_test_add_func("/renderer/output/headless-off-is-black-on-redraws-whole",
			test_headless_power);
	g_test_add_func("/renderer/output/drm-missing-device-is-an-error", test_drm_unavailable);
	return g_test_run();
}
