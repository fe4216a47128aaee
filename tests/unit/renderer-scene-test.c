/* tests/unit/renderer-scene-test.c: the scene API's contract: bad input is refused without
 * changing anything, layouts place content where hit tests and coordinate mapping say, and
 * domain pixels land inside the content rectangle only. */
#include "config.h"

#include <string.h>

#include "renderer/scene.h"

static struct tsr_scene *new_scene(int32_t w, int32_t h)
{
	GError *error = NULL;
	struct tsr_scene *s = tsr_scene_create(w, h, &error);
	g_assert_no_error(error);
	return s;
}

static void test_parse_names(void)
{
	enum tsr_layout l;
	enum tsr_filter f;
	enum tsr_color c;
	g_assert_true(tsr_layout_parse("tiled", &l) && l == TSR_LAYOUT_TILED);
	g_assert_true(tsr_layout_parse("single", &l) && l == TSR_LAYOUT_SINGLE);
	g_assert_false(tsr_layout_parse("Tiled", &l));
	g_assert_false(tsr_layout_parse(NULL, &l));
	g_assert_true(tsr_filter_parse("bilinear", &f) && f == TSR_FILTER_BILINEAR);
	g_assert_false(tsr_filter_parse("cubic", &f));
	const char *names[] = { "red", "orange", "yellow", "green", "blue", "purple", "gray", "black" };
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
		g_assert_true(tsr_color_parse(names[i], &c));
		g_assert_cmpint(c, ==, i);
		g_assert_cmpstr(tsr_color_name(c), ==, names[i]);
	}
	c = TSR_COLOR_BLUE;
	g_assert_false(tsr_color_parse("grey", &c));
	g_assert_false(tsr_color_parse("white", &c));
	g_assert_false(tsr_color_parse("#ff0000", &c));
	g_assert_cmpint(c, ==, TSR_COLOR_BLUE);
	g_assert_null(tsr_color_name(TSR_COLOR_COUNT));
}

static void test_rejections(void)
{
	GError *error = NULL;
	g_assert_null(tsr_scene_create(8193, 100, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_null(tsr_scene_create(0, 100, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);

	struct tsr_scene *s = new_scene(640, 480);
	g_assert_null(tsr_scene_add_domain(s, "", TSR_COLOR_RED, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_null(tsr_scene_add_domain(s, "bad\xff", TSR_COLOR_RED, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_null(tsr_scene_add_domain(s, "tab\there", TSR_COLOR_RED, &error));
	g_clear_error(&error);
	g_assert_null(tsr_scene_add_domain(s, "work", TSR_COLOR_COUNT, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_null(tsr_scene_add_domain(s, "work", (enum tsr_color)-1, &error));
	g_clear_error(&error);
	char long_name[TSR_SCENE_MAX_NAME + 2];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	g_assert_null(tsr_scene_add_domain(s, long_name, TSR_COLOR_RED, &error));
	g_clear_error(&error);

	struct tsr_scene_domain *d = tsr_scene_add_domain(s, "work", TSR_COLOR_BLUE, &error);
	g_assert_no_error(error);
	static uint32_t px[16 * 16];
	struct tsr_pixels good = { px, 16, 16, 64 };
	g_assert_true(tsr_scene_domain_set_surface(d, &good, NULL, &error));
	struct tsr_rect before;
	g_assert_true(tsr_scene_domain_content_rect(d, &before));
	struct tsr_pixels bad[] = {
		{ px, 0, 16, 64 },   { px, 16, 0, 64 },    { px, 8193, 1, 8193 * 4 },
		{ px, 1, 8193, 4 },  { px, 16, 16, 60 },   { px, 16, 16, 66 },
		{ NULL, 16, 16, 64 }, { px, -1, 16, 64 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_false(tsr_scene_domain_set_surface(d, &bad[i], NULL, &error));
		g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
		g_clear_error(&error);
	}
	struct tsr_rect after;
	g_assert_true(tsr_scene_domain_content_rect(d, &after));
	g_assert_cmpmem(&before, sizeof before, &after, sizeof after);

	static uint32_t cur[129 * 129];
	struct tsr_cursor big = { cur, 129, 4, 0, 0 };
	g_assert_false(tsr_scene_domain_set_cursor(d, &big, &error));
	g_clear_error(&error);
	struct tsr_cursor hot = { cur, 8, 8, 8, 0 };
	g_assert_false(tsr_scene_domain_set_cursor(d, &hot, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_false(tsr_scene_set_clock(s, "\xc3", &error));
	g_clear_error(&error);

	for (int i = 1; i < TSR_SCENE_MAX_DOMAINS; i++)
		g_assert_nonnull(tsr_scene_add_domain(s, "more", TSR_COLOR_GREEN, &error));
	g_assert_null(tsr_scene_add_domain(s, "one too many", TSR_COLOR_GREEN, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	tsr_scene_destroy(s);
}

static void test_layout_and_mapping(void)
{
	GError *error = NULL;
	struct tsr_scene *s = new_scene(1280, 720);
	static uint32_t a[400 * 300], b[100 * 100];
	struct tsr_scene_domain *da = tsr_scene_add_domain(s, "alpha", TSR_COLOR_RED, &error);
	struct tsr_scene_domain *db = tsr_scene_add_domain(s, "beta", TSR_COLOR_GREEN, &error);
	struct tsr_pixels pa = { a, 400, 300, 1600 }, pb = { b, 100, 100, 400 };
	g_assert_true(tsr_scene_domain_set_surface(da, &pa, NULL, &error));
	g_assert_true(tsr_scene_domain_set_surface(db, &pb, NULL, &error));
	tsr_scene_set_layout(s, TSR_LAYOUT_TILED);
	struct tsr_rect ra, rb;
	g_assert_true(tsr_scene_domain_content_rect(da, &ra));
	g_assert_true(tsr_scene_domain_content_rect(db, &rb));
	/* Side by side, aspect kept, no overlap, below the top bar. */
	g_assert_cmpint(ra.x + ra.width, <=, rb.x);
	g_assert_cmpint(ra.width * 300, <=, (ra.height + 1) * 400);
	g_assert_cmpint(ra.width * 300, >=, (ra.height - 1) * 400);
	g_assert_cmpint(rb.width, ==, rb.height);
	struct tsr_scene_domain *hit = NULL;
	g_assert_cmpint(tsr_scene_hit_test(s, 5, 5, &hit), ==, TSR_HIT_TOP_BAR);
	g_assert_null(hit);
	g_assert_cmpint(ra.y, >, 5);
	g_assert_cmpint(tsr_scene_hit_test(s, ra.x, ra.y, &hit), ==, TSR_HIT_CONTENT);
	g_assert_true(hit == da);
	g_assert_cmpint(tsr_scene_hit_test(s, -1, 100, &hit), ==, TSR_HIT_NONE);
	g_assert_cmpint(tsr_scene_hit_test(s, 1280, 100, &hit), ==, TSR_HIT_NONE);

	int32_t sx, sy;
	g_assert_true(tsr_scene_map_to_surface(da, ra.x, ra.y, &sx, &sy));
	g_assert_cmpint(sx, ==, 0);
	g_assert_cmpint(sy, ==, 0);
	g_assert_true(tsr_scene_map_to_surface(da, ra.x + ra.width - 1, ra.y + ra.height - 1, &sx, &sy));
	g_assert_cmpint(sx, ==, 399);
	g_assert_cmpint(sy, ==, 299);
	g_assert_true(tsr_scene_map_to_surface(da, ra.x + ra.width / 2, ra.y + ra.height / 2, &sx, &sy));
	g_assert_cmpint(ABS(sx - 200), <=, 1);
	g_assert_cmpint(ABS(sy - 150), <=, 1);
	g_assert_false(tsr_scene_map_to_surface(da, ra.x - 1, ra.y, &sx, &sy));
	g_assert_false(tsr_scene_map_to_surface(da, rb.x, rb.y, &sx, &sy));

	/* Single shows only the focused domain; focus changes never move tiled content. */
	tsr_scene_set_focus(s, db);
	struct tsr_rect rb2;
	g_assert_true(tsr_scene_domain_content_rect(db, &rb2));
	g_assert_cmpmem(&rb, sizeof rb, &rb2, sizeof rb2);
	tsr_scene_set_layout(s, TSR_LAYOUT_SINGLE);
	g_assert_false(tsr_scene_domain_content_rect(da, &ra));
	g_assert_true(tsr_scene_domain_content_rect(db, &rb));
	g_assert_cmpint(rb.height, >, 600);
	tsr_scene_remove_domain(s, db);
	g_assert_null(tsr_scene_get_focus(s));
	g_assert_false(tsr_scene_domain_content_rect(da, &ra));
	tsr_scene_destroy(s);
}

/* A domain's frame is where its content may be, surface or not: tiled frames are side by
 * side, the content of a surface fills its frame exactly when their sizes agree, and a domain
 * single does not show has no frame. */
static void test_frames(void)
{
	GError *error = NULL;
	struct tsr_scene *s = new_scene(1280, 720);
	struct tsr_scene_domain *da = tsr_scene_add_domain(s, "alpha", TSR_COLOR_RED, &error);
	struct tsr_scene_domain *db = tsr_scene_add_domain(s, "beta", TSR_COLOR_GREEN, &error);
	struct tsr_rect fa, fb, c;

	tsr_scene_set_layout(s, TSR_LAYOUT_TILED);
	g_assert_true(tsr_scene_domain_frame_rect(da, &fa));
	g_assert_true(tsr_scene_domain_frame_rect(db, &fb));
	g_assert_cmpint(fa.x + fa.width, <=, fb.x);
	g_assert_cmpint(fa.width, >, 500);
	g_assert_cmpint(fa.height, >, 500);
	uint32_t *px = g_new0(uint32_t, (gsize)fa.width * fa.height);
	struct tsr_pixels p = { px, fa.width, fa.height, fa.width * 4 };
	g_assert_true(tsr_scene_domain_set_surface(da, &p, NULL, &error));
	g_assert_true(tsr_scene_domain_content_rect(da, &c));
	g_assert_cmpmem(&c, sizeof c, &fa, sizeof fa);
	tsr_scene_set_focus(s, db);
	tsr_scene_set_layout(s, TSR_LAYOUT_SINGLE);
	g_assert_false(tsr_scene_domain_frame_rect(da, &fa));
	g_assert_cmpint(fa.width, ==, 0);
	g_assert_true(tsr_scene_domain_frame_rect(db, &fb));
	g_assert_cmpint(fb.width, >, 1200);
	tsr_scene_destroy(s);
	g_free(px);
}

/* A white surface on a scene: its pixels are inside its content rectangle, not outside. */
static void test_pixels_stay_inside(void)
{
	GError *error = NULL;
	struct tsr_scene *s = new_scene(333, 211);
	guint32 *white = g_new(guint32, 37 * 91);
	for (int i = 0; i < 37 * 91; i++)
		white[i] = 0xffffff;
	struct tsr_scene_domain *d = tsr_scene_add_domain(s, "w", TSR_COLOR_BLACK, &error);
	struct tsr_pixels p = { white, 37, 91, 37 * 4 };
	g_assert_true(tsr_scene_domain_set_surface(d, &p, NULL, &error));
	int n = 0;
	const struct tsr_rect *rects = tsr_scene_compose(s, &n);
	g_assert_cmpint(n, >=, 1);
	(void)rects;
	g_assert_false(tsr_scene_has_damage(s));
	struct tsr_rect c;
	g_assert_true(tsr_scene_domain_content_rect(d, &c));
	const struct tsr_image *img = tsr_scene_shadow(s);
	for (int y = 0; y < img->height; y++) {
		for (int x = 0; x < img->width; x++) {
			guint32 v = img->pixels[y * (img->stride / 4) + x] & 0xffffff;
			bool in = x >= c.x && y >= c.y && x < c.x + c.width && y < c.y + c.height;
			if (in)
				g_assert_cmphex(v, ==, 0xffffff);
		}
	}
	/* Nothing changed: nothing to compose. */
	tsr_scene_compose(s, &n);
	g_assert_cmpint(n, ==, 0);
	tsr_scene_destroy(s);
	g_free(white);
}

/* For the input router: tsr_scene_map_to_surface names exactly the surface pixel that nearest
 * scaling shows at each desktop pixel (each surface pixel's colour encodes its coordinates). */
static void test_mapping_matches_pixels(void)
{
	GError *error = NULL;
	for (int round = 0; round < 24; round++) {
		int32_t ow = g_test_rand_int_range(64, 900), oh = g_test_rand_int_range(64, 700);
		int32_t sw = g_test_rand_int_range(1, 2000), sh = g_test_rand_int_range(1, 2000);
		struct tsr_scene *s = new_scene(ow, oh);
		guint32 *px = g_new(guint32, (gsize)sw * (gsize)sh);
		for (int32_t y = 0; y < sh; y++)
			for (int32_t x = 0; x < sw; x++)
				px[(gsize)y * (gsize)sw + (gsize)x] = (guint32)x << 12 | (guint32)y;
		struct tsr_scene_domain *d = tsr_scene_add_domain(s, "m", TSR_COLOR_GRAY, &error);
		struct tsr_pixels p = { px, sw, sh, sw * 4 };
		g_assert_true(tsr_scene_domain_set_surface(d, &p, NULL, &error));
		tsr_scene_set_filter(s, TSR_FILTER_NEAREST);
		tsr_scene_set_layout(s, round % 2 ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE);
		tsr_scene_set_focus(s, d);
		int n;
		tsr_scene_compose(s, &n);
		const struct tsr_image *img = tsr_scene_shadow(s);
		struct tsr_rect c;
		g_assert_true(tsr_scene_domain_content_rect(d, &c));
		for (int32_t y = c.y; y < c.y + c.height; y++) {
			for (int32_t x = c.x; x < c.x + c.width; x++) {
				guint32 v = img->pixels[(gsize)y * (gsize)(img->stride / 4) + (gsize)x] & 0xffffff;
				int32_t mx, my;
				g_assert_true(tsr_scene_map_to_surface(d, x, y, &mx, &my));
				if ((int32_t)(v >> 12) != mx || (int32_t)(v & 0xfff) != my)
					g_error("%dx%d surface in %dx%d content: desktop %d,%d shows %u,%u "
						"but maps to %d,%d", sw, sh, c.width, c.height, x, y, v >> 12,
						v & 0xfff, mx, my);
			}
		}
		tsr_scene_destroy(s);
		g_free(px);
	}
}

static int64_t compose_area(struct tsr_scene *s)
{
	int n = 0;
	const struct tsr_rect *r = tsr_scene_compose(s, &n);
	int64_t area = 0;
	for (int i = 0; i < n; i++)
		area += (int64_t)r[i].width * r[i].height;
	return area;
}

/* A trusted screen hides every domain (no content, no input), refuses bad items without
 * changing anything, and an update redraws only the items that changed. */
static void test_overlay(void)
{
	GError *error = NULL;
	struct tsr_scene *s = new_scene(800, 600);
	static uint32_t px[64 * 64];
	struct tsr_scene_domain *d = tsr_scene_add_domain(s, "work", TSR_COLOR_RED, &error);
	struct tsr_pixels p = { px, 64, 64, 256 };
	g_assert_true(tsr_scene_domain_set_surface(d, &p, NULL, &error));
	struct tsr_rect c;
	g_assert_true(tsr_scene_domain_content_rect(d, &c));

	struct tsr_overlay_item bad[] = {
		{ .kind = 7, .rect = { 0, 0, 10, 10 } },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = NULL, .px = 12 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = "", .px = 12 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = "\xff", .px = 12 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = "a", .px = 5 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = "a", .px = 257 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 0, 40, 100, 20 }, .text = "a", .px = 12, .align = 3 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_false(tsr_scene_set_overlay(s, 0x202040, &bad[i], 1, &error));
		g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
		g_clear_error(&error);
	}
	g_assert_false(tsr_scene_set_overlay(s, 0, NULL, -1, &error));
	g_clear_error(&error);
	g_assert_false(tsr_scene_set_overlay(s, 0, bad, TSR_OVERLAY_MAX_ITEMS + 1, &error));
	g_clear_error(&error);
	g_assert_false(tsr_scene_has_overlay(s));
	g_assert_true(tsr_scene_domain_content_rect(d, &c));

	struct tsr_overlay_item items[] = {
		{ .kind = TSR_OVERLAY_FILL, .rect = { 200, 200, 400, 200 }, .rgb = 0x404060 },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 220, 220, 360, 30 }, .rgb = 0xffffff,
		  .text = "Password", .px = 18, .align = TSR_ALIGN_LEFT },
		{ .kind = TSR_OVERLAY_TEXT, .rect = { 220, 260, 360, 30 }, .rgb = 0xffffff,
		  .text = "\u25cf\u25cf\u25cf", .px = 18, .align = TSR_ALIGN_LEFT },
	};
	g_assert_true(tsr_scene_set_overlay(s, 0x202040, items, 3, &error));
	g_assert_true(tsr_scene_has_overlay(s));
	g_assert_false(tsr_scene_domain_content_rect(d, &c));
	struct tsr_rect area = tsr_scene_overlay_area(s);
	g_assert_cmpint(area.y, >, 0);
	g_assert_cmpint(area.y + area.height, ==, 600);
	g_assert_cmpint(tsr_scene_hit_test(s, 400, 300, NULL), ==, TSR_HIT_OVERLAY);
	g_assert_cmpint(tsr_scene_hit_test(s, 400, 2, NULL), ==, TSR_HIT_TOP_BAR);
	int32_t sx, sy;
	g_assert_false(tsr_scene_map_to_surface(d, 400, 300, &sx, &sy));
	g_assert_cmpint(compose_area(s), ==, 800 * 600);

	/* One more dot: only that text's box is recomposed. */
	items[2].text = "\u25cf\u25cf\u25cf\u25cf";
	g_assert_true(tsr_scene_set_overlay(s, 0x202040, items, 3, &error));
	g_assert_cmpint(compose_area(s), ==, 360 * 30);
	/* Nothing changed: nothing to do. */
	g_assert_true(tsr_scene_set_overlay(s, 0x202040, items, 3, &error));
	g_assert_false(tsr_scene_has_damage(s));
	g_assert_cmpint(tsr_scene_text_width(s, "Password", 18), >, 40);
	g_assert_cmpint(tsr_scene_text_width(s, "\xff", 18), ==, 0);

	tsr_scene_clear_overlay(s);
	g_assert_false(tsr_scene_has_overlay(s));
	g_assert_true(tsr_scene_domain_content_rect(d, &c));
	tsr_scene_destroy(s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/scene/parses-names-strictly", test_parse_names);
	g_test_add_func("/renderer/scene/rejects-bad-input-unchanged", test_rejections);
	g_test_add_func("/renderer/scene/layout-hit-test-and-mapping-agree", test_layout_and_mapping);
	g_test_add_func("/renderer/scene/frames-of-tiled-and-single", test_frames);
	g_test_add_func("/renderer/scene/domain-pixels-fill-content", test_pixels_stay_inside);
	g_test_add_func("/renderer/scene/overlay-hides-domains-and-updates-minimally", test_overlay);
	g_test_add_func("/renderer/scene/mapping-names-the-pixel-shown", test_mapping_matches_pixels);
	return g_test_run();
}
