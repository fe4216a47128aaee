/* tests/unit/renderer-damage-test.c: damage is exact. Over 1,000 random updates (domain pixels,
 * pointer, cursors, top bar, focus, layout, filter, mode changes), each frame is composed
 * incrementally and presented to the headless output; every 10 updates and at the end the
 * incremental frame must equal a full redraw bit for bit, and the scanout (which only ever got
 * the damaged rectangles) must equal both. Bytes copied to scanout are exactly the damaged area,
 * and for domain damage no more than the scaled damage plus the filter's one-pixel reach. */
#include "config.h"

#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "renderer/output.h"
#include "tests/harness/output-wait.h"
#include "renderer/png.h"
#include "renderer/scene.h"
#include "renderer/demo-pattern.h"

#define W 1279
#define H 801
#define STEPS 1000

struct dom {
	struct tsr_scene_domain *d;
	struct tsr_image *img;
	enum tsr_pattern pattern;
};

static void new_surface(struct dom *dm, int32_t w, int32_t h)
{
	GError *error = NULL;
	struct tsr_image *img = tsr_image_create(w, h, &error);
	g_assert_no_error(error);
	struct tsr_rect all = { 0, 0, w, h };
	tsr_pattern_fill(img, dm->pattern, &all);
	struct tsr_pixels px = { img->pixels, w, h, img->stride };
	g_assert_true(tsr_scene_domain_set_surface(dm->d, &px, NULL, &error));
	tsr_image_destroy(dm->img);
	dm->img = img;
}

static int32_t rnd(int32_t lo, int32_t hi_incl)
{
	return g_test_rand_int_range(lo, hi_incl + 1);
}

static void compare_full(struct tsr_scene *scene, struct tsr_output *out, int step, bool shot)
{
	const struct tsr_image *sh = tsr_scene_shadow(scene);
	size_t bytes = (size_t)sh->stride * (size_t)sh->height;
	guint8 *inc = g_memdup2(sh->pixels, bytes);
	if (shot) {
		/* What the output shows was built from damaged rectangles only. */
		GError *error = NULL;
		g_autofree char *dir = g_dir_make_tmp("tsr-damage-XXXXXX", &error);
		g_autofree char *path = g_build_filename(dir, "scanout.png", NULL);
		g_assert_true(tsr_output_screenshot(out, path, &error));
		struct tsr_image *got = tsr_png_read(path, &error);
		g_assert_no_error(error);
		for (int32_t y = 0; y < sh->height; y++)
			for (int32_t x = 0; x < sh->width; x++)
				if ((got->pixels[(size_t)y * (size_t)got->width + (size_t)x] & 0xffffff) !=
				    (sh->pixels[(size_t)y * (size_t)(sh->stride / 4) + (size_t)x] & 0xffffff))
					g_error("step %d: scanout differs from the shadow at %d,%d",
						step, x, y);
		tsr_image_destroy(got);
		unlink(path);
		rmdir(dir);
	}
	tsr_scene_damage_all(scene);
	int n = 0;
	tsr_scene_compose(scene, &n);
	g_assert_cmpint(n, >=, 1);
	if (memcmp(inc, sh->pixels, bytes) != 0) {
		for (size_t i = 0; i < bytes / 4; i++)
			if (((uint32_t *)inc)[i] != sh->pixels[i])
				g_error("step %d: incremental frame differs from a full redraw at %zu,%zu "
					"(%08x vs %08x)", step, i % (size_t)(sh->stride / 4),
					i / (size_t)(sh->stride / 4), ((uint32_t *)inc)[i], sh->pixels[i]);
	}
	g_free(inc);
}

static void test_damage_exact(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:1279x801", &error);
	g_assert_no_error(error);
	struct tsr_scene *scene = tsr_scene_create(W, H, &error);
	g_assert_no_error(error);
	static const char *names[] = { "work", "personal", "banking", "untrusted-web" };
	static const int32_t sizes[][2] = { { 1920, 1080 }, { 333, 777 }, { 1000, 700 }, { 97, 61 } };
	struct dom doms[4] = { { 0 } };
	for (int i = 0; i < 4; i++) {
		doms[i].pattern = (enum tsr_pattern)i;
		doms[i].d = tsr_scene_add_domain(scene, names[i], (enum tsr_color)(i * 2), &error);
		g_assert_no_error(error);
		new_surface(&doms[i], sizes[i][0], sizes[i][1]);
	}
	tsr_scene_set_focus(scene, doms[0].d);
	tsr_scene_set_pointer_visible(scene, true);
	uint32_t cursor[40 * 30];
	for (int i = 0; i < 40 * 30; i++)
		cursor[i] = (i % 7) ? 0xff00ff00 : 0x80000000;

	int n = 0;
	const struct tsr_rect *rects = tsr_scene_compose(scene, &n);
	g_assert_true(tsr_output_present(out, tsr_scene_shadow(scene), rects, n, &error));
	uint64_t damage_bytes = 0, damage_bound = 0;
	int damage_frames = 0;
	for (int step = 1; step <= STEPS; step++) {
		int op = rnd(0, 99);
		struct dom *dm = &doms[rnd(0, 3)];
		int64_t bound = -1;
		if (op < 60) {
			/* The domain draws: sometimes tiny, sometimes large, sometimes past its edge. */
			int32_t sw = dm->img->width, sh = dm->img->height;
			int32_t w = rnd(1, op < 40 ? MAX(sw / 16, 1) : sw);
			int32_t h = rnd(1, op < 40 ? MAX(sh / 16, 1) : sh);
			int32_t x = rnd(-w / 2, sw - 1), y = rnd(-h / 2, sh - 1);
			uint32_t colour = (uint32_t)g_test_rand_int();
			for (int32_t yy = MAX(y, 0); yy < MIN(y + h, sh); yy++)
				for (int32_t xx = MAX(x, 0); xx < MIN(x + w, sw); xx++)
					dm->img->pixels[(size_t)yy * (size_t)(dm->img->stride / 4) + (size_t)xx] =
						colour ^ (uint32_t)(xx * 7 + yy * 13);
			tsr_scene_domain_damage(dm->d, x, y, w, h);
			struct tsr_rect c;
			if (tsr_scene_domain_content_rect(dm->d, &c)) {
				int32_t cw = MIN(x + w, sw) - MAX(x, 0), ch = MIN(y + h, sh) - MAX(y, 0);
				int64_t bw = ((int64_t)(cw + 2) * c.width + sw - 1) / sw + 2;
				int64_t bh = ((int64_t)(ch + 2) * c.height + sh - 1) / sh + 2;
				bound = MIN(bw, c.width) * MIN(bh, c.height);
			} else {
				bound = 0;
			}
		} else if (op < 72) {
			tsr_scene_set_pointer(scene, rnd(-10, W + 10), rnd(-10, H + 10));
		} else if (op < 74) {
			tsr_scene_set_pointer_visible(scene, rnd(0, 1));
		} else if (op < 79) {
			struct tsr_cursor cur = { cursor, rnd(1, 40), rnd(1, 30), 0, 0 };
			cur.hot_x = rnd(0, cur.width - 1);
			cur.hot_y = rnd(0, cur.height - 1);
			g_assert_true(tsr_scene_domain_set_cursor(dm->d, rnd(0, 3) ? &cur : NULL, &error));
		} else if (op < 84) {
			g_autofree char *t = g_strdup_printf("%02d:%02d", rnd(0, 23), rnd(0, 59));
			g_assert_true(tsr_scene_set_clock(scene, t, &error));
		} else if (op < 87) {
			g_autofree char *t = g_strdup_printf("Notice %d", rnd(0, 1000));
			g_assert_true(tsr_scene_set_notification(scene, rnd(0, 3) ? t : NULL, &error));
		} else if (op < 89) {
			tsr_scene_set_locked(scene, rnd(0, 1));
		} else if (op < 92) {
			tsr_scene_set_focus(scene, rnd(0, 4) ? dm->d : NULL);
		} else if (op < 94) {
			tsr_scene_set_layout(scene, rnd(0, 1) ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE);
		} else if (op < 96) {
			tsr_scene_set_filter(scene, rnd(0, 1) ? TSR_FILTER_BILINEAR : TSR_FILTER_NEAREST);
		} else {
			/* Mode change: a new surface size. */
			new_surface(dm, rnd(1, 2000), rnd(1, 1200));
		}

		tsr_test_output_wait_frame(out);
		uint64_t before = tsr_output_bytes_copied(out);
		rects = tsr_scene_compose(scene, &n);
		int64_t area = 0;
		for (int i = 0; i < n; i++) {
			g_assert_cmpint(rects[i].width, >, 0);
			g_assert_cmpint(rects[i].height, >, 0);
			g_assert_cmpint(rects[i].x + rects[i].width, <=, W);
			g_assert_cmpint(rects[i].y + rects[i].height, <=, H);
			area += (int64_t)rects[i].width * rects[i].height;
		}
		g_assert_true(tsr_output_present(out, tsr_scene_shadow(scene), rects, n, &error));
		g_assert_no_error(error);
		uint64_t copied = tsr_output_bytes_copied(out) - before;
		g_assert_cmpuint(copied, ==, (uint64_t)area * 4);
		if (bound >= 0) {
			if (area > bound)
				g_error("step %d: domain damage recomposed %" G_GINT64_FORMAT
					" pixels, bound %" G_GINT64_FORMAT, step, area, bound);
			damage_bytes += copied;
			damage_bound += (uint64_t)bound * 4;
			damage_frames++;
		}
		if (step % 10 == 0)
			compare_full(scene, out, step, step == STEPS);
	}
	g_test_message("%d domain-damage frames copied %" G_GUINT64_FORMAT " bytes (bound %"
		       G_GUINT64_FORMAT "); full frame is %d bytes", damage_frames, damage_bytes,
		       damage_bound, W * H * 4);
	g_assert_cmpint(damage_frames, >, 400);
	tsr_test_output_wait_frame(out);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
	for (int i = 0; i < 4; i++)
		tsr_image_destroy(doms[i].img);
}

/* Damage outside a surface, empty damage, or damage to a domain that is not shown changes
 * nothing and asks for no frame. */
static void test_damage_rejected(void)
{
	GError *error = NULL;
	struct tsr_scene *scene = tsr_scene_create(640, 400, &error);
	struct dom a = { .pattern = TSR_PATTERN_GRID }, b = { .pattern = TSR_PATTERN_BARS };
	a.d = tsr_scene_add_domain(scene, "a", TSR_COLOR_RED, &error);
	b.d = tsr_scene_add_domain(scene, "b", TSR_COLOR_BLUE, &error);
	new_surface(&a, 100, 100);
	new_surface(&b, 100, 100);
	int n;
	tsr_scene_compose(scene, &n);
	g_assert_false(tsr_scene_has_damage(scene));
	tsr_scene_domain_damage(a.d, 100, 0, 10, 10);
	tsr_scene_domain_damage(a.d, -10, 0, 10, 10);
	tsr_scene_domain_damage(a.d, 5, 5, 0, 10);
	tsr_scene_domain_damage(a.d, 5, 5, -3, -3);
	tsr_scene_domain_damage(a.d, G_MAXINT32, G_MAXINT32, G_MAXINT32, G_MAXINT32);
	tsr_scene_domain_damage(a.d, G_MININT32, G_MININT32, 1, 1);
	g_assert_false(tsr_scene_has_damage(scene));
	tsr_scene_set_layout(scene, TSR_LAYOUT_SINGLE);
	tsr_scene_set_focus(scene, a.d);
	tsr_scene_compose(scene, &n);
	tsr_scene_domain_damage(b.d, 0, 0, 100, 100);
	g_assert_false(tsr_scene_has_damage(scene));
	/* Huge damage overlapping the surface is clipped, not refused. */
	tsr_scene_domain_damage(a.d, -1000000, -1000000, G_MAXINT32, G_MAXINT32);
	g_assert_true(tsr_scene_has_damage(scene));
	tsr_scene_destroy(scene);
	tsr_image_destroy(a.img);
	tsr_image_destroy(b.img);
}

/* A flood of scattered damage collapses to a bounded number of rectangles, and the frame is
 * still exactly a full redraw. */
static void test_damage_flood(void)
{
	GError *error = NULL;
	struct tsr_scene *scene = tsr_scene_create(1024, 768, &error);
	struct dom a = { .pattern = TSR_PATTERN_CHECKER };
	a.d = tsr_scene_add_domain(scene, "flood", TSR_COLOR_ORANGE, &error);
	new_surface(&a, 1000, 700);
	int n;
	tsr_scene_compose(scene, &n);
	for (int i = 0; i < 10000; i++) {
		int32_t x = rnd(0, 999), y = rnd(0, 699);
		a.img->pixels[(size_t)y * (size_t)(a.img->stride / 4) + (size_t)x] ^= 0xffffff;
		tsr_scene_domain_damage(a.d, x, y, 1, 1);
	}
	tsr_scene_compose(scene, &n);
	g_assert_cmpint(n, >, 0);
	g_assert_cmpint(n, <=, 128);
	const struct tsr_image *sh = tsr_scene_shadow(scene);
	size_t bytes = (size_t)sh->stride * (size_t)sh->height;
	guint8 *inc = g_memdup2(sh->pixels, bytes);
	tsr_scene_damage_all(scene);
	tsr_scene_compose(scene, &n);
	g_assert_true(memcmp(inc, sh->pixels, bytes) == 0);
	g_free(inc);
	tsr_scene_destroy(scene);
	tsr_image_destroy(a.img);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/damage/incremental-equals-full-redraw", test_damage_exact);
	g_test_add_func("/renderer/damage/out-of-surface-damage-is-ignored", test_damage_rejected);
	g_test_add_func("/renderer/damage/flood-collapses-and-stays-exact", test_damage_flood);
	return g_test_run();
}
