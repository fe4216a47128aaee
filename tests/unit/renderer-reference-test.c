/* tests/unit/renderer-reference-test.c: scenes rendered on the headless output match the
 * reference images in tests/reference/ (per-channel tolerance 3): every layout with 1-4 domains,
 * long names, all eight label colours, scaling up and down with both filters, the pointer and a
 * domain cursor, and the no-frame messages. Run with --regenerate to rewrite the references. */
#include "config.h"

#include <poll.h>
#include <unistd.h>

#include "renderer/output.h"
#include "renderer/png.h"
#include "renderer/scene.h"
#include "renderer/demo-pattern.h"
#include "tests/harness/image-compare.h"
#include "tests/harness/cases.h"

#define TOLERANCE 3

struct dom {
	const char *name;
	enum tsr_color color;
	enum tsr_pattern pattern;
	int32_t width, height; /* 0: no surface (message) */
	const char *message;
};

struct ref_case {
	const char *name;
	int32_t width, height;
	enum tsr_layout layout;
	enum tsr_filter filter;
	int focus; /* index, -1 none */
	int32_t pointer_x, pointer_y; /* -1: hidden */
	bool cursor;   /* give domain 0 a cursor shape */
	bool locked;
	const char *notification;
	int n;
	struct dom doms[4];
	bool overlay; /* show a login-like trusted screen */
};

#define BARS(n, c, w, h) { n, c, TSR_PATTERN_BARS, w, h, NULL }
#define CHECK(n, c, w, h) { n, c, TSR_PATTERN_CHECKER, w, h, NULL }
#define GRAD(n, c, w, h) { n, c, TSR_PATTERN_GRADIENT, w, h, NULL }
#define GRID(n, c, w, h) { n, c, TSR_PATTERN_GRID, w, h, NULL }

static const struct ref_case cases[] = {
	{ .name = "overlay-login", .width = 640, .height = 400, .layout = TSR_LAYOUT_TILED,
	  .filter = TSR_FILTER_BILINEAR, .focus = -1, .pointer_x = 330, .pointer_y = 250,
	  .locked = true, .notification = "Policy expires in 3 days", .overlay = true, .n = 2,
	  .doms = { BARS("work", TSR_COLOR_BLUE, 1920, 1080), GRAD("banking", TSR_COLOR_RED, 1024, 768) } },
	{ "single-1", 640, 400, TSR_LAYOUT_SINGLE, TSR_FILTER_BILINEAR, 0, -1, -1, false, false, NULL,
	  1, { BARS("work", TSR_COLOR_BLUE, 1920, 1080) } },
	{ "tiled-1", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 0, -1, -1, false, false, NULL,
	  1, { BARS("work", TSR_COLOR_BLUE, 1920, 1080) } },
	{ "tiled-2", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 1, -1, -1, false, false, NULL,
	  2, { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600) } },
	{ "tiled-3", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_NEAREST, 2, -1, -1, false, false, NULL,
	  3, { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600),
	       GRAD("banking", TSR_COLOR_RED, 1024, 768) } },
	{ "tiled-4", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 0, 300, 20, false, true,
	  "Policy updated", 4,
	  { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600),
	    GRAD("banking", TSR_COLOR_RED, 1024, 768), GRID("untrusted-web", TSR_COLOR_ORANGE, 320, 200) } },
	{ "single-4-focus-third", 640, 400, TSR_LAYOUT_SINGLE, TSR_FILTER_BILINEAR, 2, -1, -1, false,
	  false, NULL, 4,
	  { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600),
	    GRAD("banking", TSR_COLOR_RED, 1024, 768), GRID("untrusted-web", TSR_COLOR_ORANGE, 320, 200) } },
	{ "single-no-focus", 640, 400, TSR_LAYOUT_SINGLE, TSR_FILTER_BILINEAR, -1, -1, -1, false, false,
	  NULL, 1, { BARS("work", TSR_COLOR_BLUE, 1920, 1080) } },
	{ "long-names", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 1, -1, -1, false, false,
	  "A notification far too long to fit into the space the top bar has left for it at all", 4,
	  { GRID("a-domain-name-that-is-much-too-long-for-any-label-in-the-grid", TSR_COLOR_PURPLE, 320, 200),
	    GRID("\xc3\x9c" "berlange Dom\xc3\xa4ne f\xc3\xbcr \xc3\x84rztinnen und \xc3\x84rzte \xe2\x80\x94 Abteilung \xce\xa9 Nord-West",
		 TSR_COLOR_YELLOW, 320, 200),
	    GRID("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", TSR_COLOR_GRAY, 320, 200),
	    GRID("x", TSR_COLOR_BLACK, 320, 200) } },
	{ "colours-a", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_NEAREST, 2, -1, -1, false, false, NULL, 4,
	  { GRAD("red", TSR_COLOR_RED, 160, 100), GRAD("orange", TSR_COLOR_ORANGE, 160, 100),
	    GRAD("yellow", TSR_COLOR_YELLOW, 160, 100), GRAD("green", TSR_COLOR_GREEN, 160, 100) } },
	{ "colours-b", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_NEAREST, 3, -1, -1, false, false, NULL, 4,
	  { GRAD("blue", TSR_COLOR_BLUE, 160, 100), GRAD("purple", TSR_COLOR_PURPLE, 160, 100),
	    GRAD("gray", TSR_COLOR_GRAY, 160, 100), GRAD("black", TSR_COLOR_BLACK, 160, 100) } },
	{ "scale-up-nearest", 640, 400, TSR_LAYOUT_SINGLE, TSR_FILTER_NEAREST, 0, -1, -1, false, false,
	  NULL, 1, { GRID("tiny", TSR_COLOR_GREEN, 41, 23) } },
	{ "scale-up-bilinear", 640, 400, TSR_LAYOUT_SINGLE, TSR_FILTER_BILINEAR, 0, -1, -1, false, false,
	  NULL, 1, { GRID("tiny", TSR_COLOR_GREEN, 41, 23) } },
	{ "scale-down-nearest", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_NEAREST, 0, -1, -1, false, false,
	  NULL, 2, { CHECK("huge", TSR_COLOR_RED, 3000, 2000), GRID("tall", TSR_COLOR_BLUE, 300, 2400) } },
	{ "scale-down-bilinear", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 0, -1, -1, false, false,
	  NULL, 2, { CHECK("huge", TSR_COLOR_RED, 3000, 2000), GRID("tall", TSR_COLOR_BLUE, 300, 2400) } },
	{ "pointer-cursor", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 0, 60, 130, true, false, NULL, 2,
	  { GRAD("work", TSR_COLOR_BLUE, 640, 400), GRAD("other", TSR_COLOR_PURPLE, 640, 400) } },
	{ "no-frame", 640, 400, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 0, -1, -1, false, false, NULL, 2,
	  { { "starting", TSR_COLOR_GREEN, TSR_PATTERN_BARS, 0, 0, NULL },
	    { "crashed", TSR_COLOR_RED, TSR_PATTERN_BARS, 0, 0, "Display lost" } } },
	{ "odd-size", 333, 211, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 1, -1, -1, false, false, NULL, 3,
	  { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600),
	    GRAD("banking", TSR_COLOR_RED, 1024, 768) } },
	{ "large-1080p", 1920, 1080, TSR_LAYOUT_TILED, TSR_FILTER_BILINEAR, 3, 1000, 30, false, false,
	  "Smartcard attached to banking", 4,
	  { BARS("work", TSR_COLOR_BLUE, 1920, 1080), CHECK("personal", TSR_COLOR_GREEN, 800, 600),
	    GRAD("banking", TSR_COLOR_RED, 1024, 768), GRID("untrusted-web", TSR_COLOR_ORANGE, 320, 200) } },
};

/* A 24x24 cursor: a filled purple disc with a dark ring, hotspot in the middle. */
static void make_cursor(uint32_t *argb)
{
	for (int y = 0; y < 24; y++) {
		for (int x = 0; x < 24; x++) {
			int dx = x - 12, dy = y - 12, r2 = dx * dx + dy * dy;
			argb[y * 24 + x] = r2 < 64 ? 0xff9020c0 : r2 < 121 ? 0xff101010 : 0;
		}
	}
}

static struct tsr_image *render_case(const struct ref_case *c)
{
	GError *error = NULL;
	g_autofree char *spec = g_strdup_printf("headless:%dx%d", c->width, c->height);
	struct tsr_output *out = tsr_output_open(spec, &error);
	g_assert_no_error(error);
	struct tsr_scene *scene = tsr_scene_create(c->width, c->height, &error);
	g_assert_no_error(error);
	tsr_scene_set_layout(scene, c->layout);
	tsr_scene_set_filter(scene, c->filter);
	g_assert_true(tsr_scene_set_clock(scene, "12:34", &error));
	g_assert_true(tsr_scene_set_notification(scene, c->notification, &error));
	tsr_scene_set_locked(scene, c->locked);
	struct tsr_image *surfaces[4] = { NULL };
	for (int i = 0; i < c->n; i++) {
		const struct dom *d = &c->doms[i];
		struct tsr_scene_domain *sd = tsr_scene_add_domain(scene, d->name, d->color, &error);
		g_assert_no_error(error);
		if (d->width > 0) {
			surfaces[i] = tsr_image_create(d->width, d->height, &error);
			struct tsr_rect all = { 0, 0, d->width, d->height };
			tsr_pattern_fill(surfaces[i], d->pattern, &all);
			struct tsr_pixels px = { surfaces[i]->pixels, d->width, d->height,
						 surfaces[i]->stride };
			g_assert_true(tsr_scene_domain_set_surface(sd, &px, NULL, &error));
		} else {
			g_assert_true(tsr_scene_domain_set_surface(sd, NULL, d->message, &error));
		}
		if (i == 0 && c->cursor) {
			uint32_t argb[24 * 24];
			make_cursor(argb);
			struct tsr_cursor cur = { argb, 24, 24, 12, 12 };
			g_assert_true(tsr_scene_domain_set_cursor(sd, &cur, &error));
		}
		if (i == c->focus)
			tsr_scene_set_focus(scene, sd);
	}
	if (c->overlay) {
		struct tsr_rect a = tsr_scene_overlay_area(scene);
		struct tsr_overlay_item items[] = {
			{ .kind = TSR_OVERLAY_TEXT, .rect = { a.x, a.y + 30, a.width, 40 }, .rgb = 0xffffff,
			  .text = "Example Organization", .px = 26, .align = TSR_ALIGN_CENTER },
			{ .kind = TSR_OVERLAY_FILL, .rect = { 170, 130, 300, 180 }, .rgb = 0x2a2a3a },
			{ .kind = TSR_OVERLAY_TEXT, .rect = { 190, 140, 260, 24 }, .rgb = 0xc0c0c0,
			  .text = "User name", .px = 14, .align = TSR_ALIGN_LEFT },
			{ .kind = TSR_OVERLAY_FILL, .rect = { 190, 166, 260, 28 }, .rgb = 0x101018 },
			{ .kind = TSR_OVERLAY_TEXT, .rect = { 196, 166, 250, 28 }, .rgb = 0xffffff,
			  .text = "alice", .px = 16, .align = TSR_ALIGN_LEFT },
			{ .kind = TSR_OVERLAY_TEXT, .rect = { 190, 200, 260, 24 }, .rgb = 0xc0c0c0,
			  .text = "Password", .px = 14, .align = TSR_ALIGN_LEFT },
			{ .kind = TSR_OVERLAY_FILL, .rect = { 190, 226, 260, 28 }, .rgb = 0x101018 },
			{ .kind = TSR_OVERLAY_TEXT, .rect = { 196, 226, 250, 28 }, .rgb = 0xffffff,
			  .text = "\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf", .px = 16, .align = TSR_ALIGN_LEFT },
			{ .kind = TSR_OVERLAY_TEXT, .rect = { 190, 264, 260, 30 }, .rgb = 0xff8080,
			  .text = "Wrong password. Try again.", .px = 14, .align = TSR_ALIGN_CENTER },
		};
		g_assert_true(tsr_scene_set_overlay(scene, 0x1a1a2e, items, G_N_ELEMENTS(items), &error));
		g_assert_no_error(error);
	}
	if (c->pointer_x >= 0) {
		tsr_scene_set_pointer(scene, c->pointer_x, c->pointer_y);
		tsr_scene_set_pointer_visible(scene, true);
	}
	int n = 0;
	const struct tsr_rect *rects = tsr_scene_compose(scene, &n);
	g_assert_true(tsr_output_present(out, tsr_scene_shadow(scene), rects, n, &error));
	g_assert_no_error(error);

	g_autofree char *dir = g_dir_make_tmp("tsr-ref-XXXXXX", &error);
	g_autofree char *path = g_build_filename(dir, "shot.png", NULL);
	g_assert_true(tsr_output_screenshot(out, path, &error));
	struct tsr_image *shot = tsr_png_read(path, &error);
	g_assert_no_error(error);
	unlink(path);
	rmdir(dir);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
	for (int i = 0; i < 4; i++)
		tsr_image_destroy(surfaces[i]);
	return shot;
}

static void test_case(gconstpointer data)
{
	const struct ref_case *c = data;
	struct tsr_image *shot = render_case(c);
	g_autofree char *message = NULL;
	if (!tsr_reference_check(shot, c->name, TOLERANCE, &message))
		g_test_fail_printf("%s", message);
	tsr_image_destroy(shot);
}

/* The comparison itself must be able to fail: a one-pixel change beyond the tolerance. */
static void test_compare_detects_change(void)
{
	struct tsr_image *a = render_case(&cases[0]);
	struct tsr_image *b = render_case(&cases[0]);
	struct tsr_image_diff d;
	g_assert_true(tsr_image_compare(a, b, 0, &d));
	uint32_t blue = a->pixels[1000] & 0xff;
	uint32_t near = blue >= 128 ? blue - TOLERANCE : blue + TOLERANCE;
	uint32_t far = blue >= 128 ? blue - TOLERANCE - 1 : blue + TOLERANCE + 1;
	b->pixels[1000] = (a->pixels[1000] & ~0xffu) | near;
	g_assert_true(tsr_image_compare(a, b, TOLERANCE, &d));
	b->pixels[1000] = (a->pixels[1000] & ~0xffu) | far;
	g_assert_false(tsr_image_compare(a, b, TOLERANCE, &d));
	g_assert_cmpint(d.pixels_over, ==, 1);
	g_assert_cmpint(d.first_x, ==, 1000 % a->width);
	tsr_image_destroy(a);
	tsr_image_destroy(b);
}

int main(int argc, char **argv)
{
	tsr_reference_parse_args(&argc, argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/reference/compare-detects-a-change", test_compare_detects_change);
	TSR_TEST_ADD_CASES("/renderer/reference", cases, test_case);
	return g_test_run();
}
