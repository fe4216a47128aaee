/* A guest is asked for its frame's size once, after the frame settled: switching layouts back
 * and forth costs it no modesets, and a frame that ends where it started costs none at all.
 * Also the one definition of what may be asked (proto/display-resize.h): the kiosk's fitting
 * of a frame and the viewer's check of a message agree, and a refused message changes nothing. */
#include "config.h"
#include "common/frame.h"
#include "domains/qemu-args.h"
#include "kiosk/resize-debounce.h"
#include "proto/display-resize.h"

#include <glib.h>
#include <string.h>

#define MS 1000

static void test_one_request_after_settling(void)
{
	struct tsr_resize_debounce d;
	uint32_t w = 0, h = 0;

	tsr_resize_debounce_reset(&d);
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, -1);
	tsr_resize_debounce_frame(&d, 1920, 1040, 0);
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, TSR_RESIZE_SETTLE_US);
	g_assert_false(tsr_resize_debounce_take(&d, TSR_RESIZE_SETTLE_US - 1, &w, &h));
	g_assert_cmpuint(w, ==, 0);
	g_assert_true(tsr_resize_debounce_take(&d, TSR_RESIZE_SETTLE_US, &w, &h));
	g_assert_cmpuint(w, ==, 1920);
	g_assert_cmpuint(h, ==, 1040);
	/* Taken once: nothing more until the frame changes. */
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, -1);
	g_assert_false(tsr_resize_debounce_take(&d, 10 * TSR_RESIZE_SETTLE_US, &w, &h));
}

static void test_switching_restarts_the_wait_and_sends_the_last(void)
{
	struct tsr_resize_debounce d;
	uint32_t w, h;
	int64_t t = 0;

	tsr_resize_debounce_reset(&d);
	/* single, tiled, single, tiled: each change inside the settle time. */
	for (int i = 0; i < 4; i++) {
		tsr_resize_debounce_frame(&d, i % 2 ? 952 : 1912, i % 2 ? 500 : 1040, t);
		t += TSR_RESIZE_SETTLE_US / 2;
		g_assert_false(tsr_resize_debounce_take(&d, t, &w, &h));
	}
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, t - TSR_RESIZE_SETTLE_US / 2 +
								 TSR_RESIZE_SETTLE_US);
	/* The same size told again (every sync says it) does not push the request back. */
	tsr_resize_debounce_frame(&d, 952, 500, t);
	g_assert_true(tsr_resize_debounce_take(&d, t + TSR_RESIZE_SETTLE_US / 2, &w, &h));
	g_assert_cmpuint(w, ==, 952);
	g_assert_cmpuint(h, ==, 500);
}

static void test_no_request_for_the_size_the_guest_has(void)
{
	struct tsr_resize_debounce d;
	uint32_t w, h;

	tsr_resize_debounce_reset(&d);
	tsr_resize_debounce_frame(&d, 1912, 1040, 0);
	g_assert_true(tsr_resize_debounce_take(&d, TSR_RESIZE_SETTLE_US, &w, &h));
	/* The same size again: nothing waits. */
	tsr_resize_debounce_frame(&d, 1912, 1040, 1000 * MS);
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, -1);
	/* Away and back before it settled: the guest is not asked at all. */
	tsr_resize_debounce_frame(&d, 952, 500, 2000 * MS);
	tsr_resize_debounce_frame(&d, 1912, 1040, 2100 * MS);
	g_assert_cmpint(tsr_resize_debounce_due_us(&d), ==, -1);
	g_assert_false(tsr_resize_debounce_take(&d, 5000 * MS, &w, &h));
	/* A new viewer's guest was never asked: the same size goes out again. */
	tsr_resize_debounce_reset(&d);
	tsr_resize_debounce_frame(&d, 1912, 1040, 6000 * MS);
	g_assert_true(tsr_resize_debounce_take(&d, 6000 * MS + TSR_RESIZE_SETTLE_US, &w, &h));
	g_assert_cmpuint(w, ==, 1912);
}

static void test_fit(void)
{
	uint32_t w = 7, h = 7;

	/* Width down to a multiple of 8, height as it is. */
	g_assert_true(tsr_display_resize_fit(1275, 700, &w, &h));
	g_assert_cmpuint(w, ==, 1272);
	g_assert_cmpuint(h, ==, 700);
	g_assert_true(tsr_display_resize_fit(3840, 2160, &w, &h));
	g_assert_cmpuint(w, ==, 3840);
	g_assert_cmpuint(h, ==, 2160);
	/* Over the area: scaled down, aspect kept (within rounding), and valid. */
	g_assert_true(tsr_display_resize_fit(5120, 2880, &w, &h));
	g_assert_true(tsr_display_resize_valid(w, h));
	g_assert_cmpuint((guint64)w * h, <=, TSR_DISPLAY_RESIZE_MAX_PIXELS);
	g_assert_cmpuint(w, >=, 3824);
	g_assert_cmpfloat(ABS((double)w / h - 16.0 / 9.0), <, 0.01);
	g_assert_true(tsr_display_resize_fit(8192, 8192, &w, &h));
	g_assert_true(tsr_display_resize_valid(w, h));
	g_assert_true(tsr_display_resize_fit(100000, 300, &w, &h));
	g_assert_true(tsr_display_resize_valid(w, h));
	g_assert_cmpuint(w, ==, TSR_DISPLAY_MAX_SIDE);
	/* The largest mode asked fits the VGA's memory twice (the guest flips between two). */
	g_assert_cmpuint((guint64)TSR_DISPLAY_RESIZE_MAX_PIXELS * 4 * 2, <=,
			 (guint64)TSR_QEMU_VGAMEM_MB << 20);
	/* Too small or empty: no request, outputs untouched. */
	w = h = 7;
	g_assert_false(tsr_display_resize_fit(319, 1000, &w, &h));
	g_assert_false(tsr_display_resize_fit(1000, 199, &w, &h));
	g_assert_false(tsr_display_resize_fit(0, 0, &w, &h));
	g_assert_false(tsr_display_resize_fit(-640, 480, &w, &h));
	g_assert_cmpuint(w, ==, 7);
	g_assert_cmpuint(h, ==, 7);
}

static struct tsr_display_resize message(uint32_t w, uint32_t h)
{
	struct tsr_display_resize m = { .width = w, .height = h };

	m.hdr = (struct tsr_frame_header){ TSR_DISPLAY_RESIZE, TSR_DISPLAY_PROTO_VERSION,
					   sizeof(m) };
	return m;
}

static void test_parse(void)
{
	static const uint32_t refused[][2] = {
		{ 0, 0 }, { 312, 480 }, { 640, 199 }, { 644, 480 }, { 8200, 480 },
		{ 640, 8193 }, { 4096, 2160 }, { 0xfffffff8u, 0xffffffffu }, { 320, 0x80000000u },
	};
	struct tsr_display_resize m = message(1912, 1040);
	uint32_t w = 7, h = 7;
	GError *error = NULL;

	g_assert_true(tsr_display_resize_parse(&m, sizeof(m), &w, &h, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(w, ==, 1912);
	g_assert_cmpuint(h, ==, 1040);
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		m = message(refused[i][0], refused[i][1]);
		w = h = 7;
		g_assert_false(tsr_display_resize_parse(&m, sizeof(m), &w, &h, &error));
		g_assert_error(error, TSR_DISPLAY_RESIZE_ERROR, TSR_DISPLAY_RESIZE_ERROR_RANGE);
		g_assert_nonnull(strstr(error->message, "refused"));
		g_clear_error(&error);
		g_assert_cmpuint(w, ==, 7);
		g_assert_cmpuint(h, ==, 7);
	}
	/* A message of another length is a different thing: a protocol error. */
	m = message(1912, 1040);
	g_assert_false(tsr_display_resize_parse(&m, sizeof(m) - 1, &w, &h, &error));
	g_assert_error(error, TSR_DISPLAY_RESIZE_ERROR, TSR_DISPLAY_RESIZE_ERROR_SIZE);
	g_clear_error(&error);
	g_assert_cmpuint(w, ==, 7);
	/* Whatever fit gives, parse accepts. */
	for (int32_t fw = 300; fw < 9000; fw += 97) {
		for (int32_t fh = 180; fh < 9000; fh += 131) {
			if (!tsr_display_resize_fit(fw, fh, &w, &h))
				continue;
			m = message(w, h);
			g_assert_true(tsr_display_resize_parse(&m, sizeof(m), &w, &h, NULL));
		}
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/resize/one-request-after-the-frame-settled",
			test_one_request_after_settling);
	g_test_add_func("/resize/switching-restarts-the-wait-and-sends-the-last-size",
			test_switching_restarts_the_wait_and_sends_the_last);
	g_test_add_func("/resize/no-request-for-the-size-the-guest-was-asked-for",
			test_no_request_for_the_size_the_guest_has);
	g_test_add_func("/resize/frames-fit-the-limits", test_fit);
	g_test_add_func("/resize/viewer-refuses-sizes-outside-the-limits-unchanged", test_parse);
	return g_test_run();
}
