/* The drm output's double-buffer damage (drm-fb.c) without a GPU: buffers backed by ordinary
 * memory, presented alternately as the output does, either copied from a shadow or drawn
 * straight from a scene. After every one of 1,000 random frames the buffer being shown equals
 * the shadow (or a full redraw of the scene) bit for bit, and the bytes written are exactly the
 * area of this frame's and the previous frame's damage (not the screen); the first use of each
 * buffer writes it whole. Drawn straight from the scene, the part about to be redrawn is filled
 * with noise first: nothing of what the buffer held may show through (it is never read). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "renderer/drm/private.h"
#include "renderer/scene.h"

#define W 301
#define H 203
#define PITCH (W * 4 + 52) /* dumb buffers have their own pitch */

static void buffer_init(struct drm_buffer *b)
{
	memset(b, 0, sizeof *b);
	b->pitch = PITCH;
	b->size = (uint64_t)PITCH * H;
	b->map = g_malloc0(b->size);
	pixman_region32_init_rect(&b->stale, 0, 0, W, H);
}

static bool buffer_equals(const struct drm_buffer *b, const struct tsr_image *shadow)
{
	for (int y = 0; y < H; y++)
		if (memcmp(b->map + (size_t)y * b->pitch,
			   (const uint8_t *)shadow->pixels + (size_t)y * (size_t)shadow->stride,
			   (size_t)W * 4) != 0)
			return false;
	return true;
}

static uint64_t region_bytes(pixman_region32_t *r)
{
	int n;
	const pixman_box32_t *b = pixman_region32_rectangles(r, &n);
	uint64_t area = 0;
	for (int i = 0; i < n; i++)
		area += (uint64_t)(b[i].x2 - b[i].x1) * (uint64_t)(b[i].y2 - b[i].y1);
	return area * 4;
}

/* Two buffers presented alternately, and what each frame must bring up to date. */
struct flips {
	struct drm_buffer buf[2];
	int back, frame;
	pixman_region32_t prev, cur, expect;
	uint64_t total;
};

static void flips_init(struct flips *f)
{
	memset(f, 0, sizeof *f);
	buffer_init(&f->buf[0]);
	buffer_init(&f->buf[1]);
	pixman_region32_init(&f->prev);
	pixman_region32_init(&f->cur);
	pixman_region32_init(&f->expect);
}

/* A presented rectangle: what drm_present does with it. */
static void flips_add(struct flips *f, int32_t x, int32_t y, int32_t w, int32_t h)
{
	pixman_region32_union_rect(&f->cur, &f->cur, x, y, (unsigned)w, (unsigned)h);
	for (int b = 0; b < 2; b++)
		pixman_region32_union_rect(&f->buf[b].stale, &f->buf[b].stale, x, y, (unsigned)w,
					   (unsigned)h);
}

/* The back buffer was brought up to date writing bytes: exactly this frame's damage and the
 * previous one's, or all of it on each buffer's first use. */
static void flips_done(struct flips *f, uint64_t bytes)
{
	if (f->frame >= 2) {
		pixman_region32_union(&f->expect, &f->cur, &f->prev);
	} else {
		pixman_region32_clear(&f->expect);
		pixman_region32_union_rect(&f->expect, &f->expect, 0, 0, W, H);
	}
	g_assert_cmpuint(bytes, ==, region_bytes(&f->expect));
	g_assert_false(pixman_region32_not_empty(&f->buf[f->back].stale));
	f->total += bytes;
	pixman_region32_copy(&f->prev, &f->cur);
	pixman_region32_clear(&f->cur);
	f->back ^= 1;
	f->frame++;
}

static void flips_fini(struct flips *f)
{
	/* Far less than full frames every time. */
	g_assert_cmpuint(f->total, <, (uint64_t)f->frame * W * H * 4 / 2);
	for (int b = 0; b < 2; b++) {
		g_free(f->buf[b].map);
		pixman_region32_fini(&f->buf[b].stale);
	}
	pixman_region32_fini(&f->prev);
	pixman_region32_fini(&f->cur);
	pixman_region32_fini(&f->expect);
}

static void test_alternate_buffers_track_the_shadow(void)
{
	GRand *rnd = g_rand_new_with_seed(20261126);
	struct tsr_image *shadow = tsr_image_create(W, H, NULL);
	g_assert_nonnull(shadow);
	struct flips f;
	flips_init(&f);
	for (int frame = 0; frame < 1000; frame++) {
		int n = g_rand_int_range(rnd, 1, 5);
		for (int i = 0; i < n; i++) {
			int32_t x = g_rand_int_range(rnd, 0, W), y = g_rand_int_range(rnd, 0, H);
			int32_t w = g_rand_int_range(rnd, 1, W - x + 1);
			int32_t h = g_rand_int_range(rnd, 1, MIN(H - y, 40) + 1);
			uint32_t v = g_rand_int(rnd);
			for (int32_t yy = y; yy < y + h; yy++)
				for (int32_t xx = x; xx < x + w; xx++)
					shadow->pixels[(size_t)yy * (size_t)(shadow->stride / 4) +
						       (size_t)xx] = v;
			flips_add(&f, x, y, w, h);
		}
		uint64_t bytes = tsr_drm_buffer_update(&f.buf[f.back], shadow);
		g_assert_true(buffer_equals(&f.buf[f.back], shadow));
		flips_done(&f, bytes);
	}
	flips_fini(&f);
	tsr_image_destroy(shadow);
	g_rand_free(rnd);
}

/* Noise where the buffer is about to be redrawn. */
static void poison(struct drm_buffer *b, GRand *rnd)
{
	int n;
	const pixman_box32_t *box = pixman_region32_rectangles(&b->stale, &n);
	for (int i = 0; i < n; i++)
		for (int32_t y = box[i].y1; y < box[i].y2; y++)
			for (int32_t x = box[i].x1; x < box[i].x2; x++)
				((uint32_t *)(b->map + (size_t)y * b->pitch))[x] = g_rand_int(rnd);
}

static void fill(struct tsr_image *img, GRand *rnd, int32_t x, int32_t y, int32_t w, int32_t h)
{
	uint32_t v = g_rand_int(rnd);
	for (int32_t yy = y; yy < y + h; yy++)
		for (int32_t xx = x; xx < x + w; xx++)
			img->pixels[(size_t)yy * (size_t)(img->stride / 4) + (size_t)xx] =
				v ^ (uint32_t)(xx * 7 + yy * 13);
}

static void test_scene_drawn_into_alternate_buffers(void)
{
	GRand *rnd = g_rand_new_with_seed(20261206);
	GError *error = NULL;
	struct tsr_scene *scene = tsr_scene_create(W, H, &error);
	g_assert_no_error(error);
	static const char *names[] = { "work", "banking", "web" };
	struct tsr_image *img[3];
	struct tsr_scene_domain *dom[3];
	for (int i = 0; i < 3; i++) {
		img[i] = tsr_image_create(160 + 40 * i, 90 + 30 * i, &error);
		fill(img[i], rnd, 0, 0, img[i]->width, img[i]->height);
		dom[i] = tsr_scene_add_domain(scene, names[i], (enum tsr_color)(i + 1), &error);
		g_assert_no_error(error);
		/* One domain shows a message instead of pixels. */
		if (i < 2) {
			struct tsr_pixels px = { img[i]->pixels, img[i]->width, img[i]->height,
						 img[i]->stride };
			g_assert_true(tsr_scene_domain_set_surface(dom[i], &px, NULL, &error));
		}
	}
	tsr_scene_set_pointer_visible(scene, true);
	struct flips f;
	flips_init(&f);
	for (int frame = 0; frame < 1000; frame++) {
		int op = g_rand_int_range(rnd, 0, 100), i = g_rand_int_range(rnd, 0, 2);
		if (op < 60) {
			int32_t w = g_rand_int_range(rnd, 1, img[i]->width + 1);
			int32_t h = g_rand_int_range(rnd, 1, img[i]->height + 1);
			int32_t x = g_rand_int_range(rnd, 0, img[i]->width - w + 1);
			int32_t y = g_rand_int_range(rnd, 0, img[i]->height - h + 1);
			fill(img[i], rnd, x, y, w, h);
			tsr_scene_domain_damage(dom[i], x, y, w, h);
		} else if (op < 80) {
			tsr_scene_set_pointer(scene, g_rand_int_range(rnd, -5, W + 5),
					      g_rand_int_range(rnd, -5, H + 5));
		} else if (op < 88) {
			g_autofree char *t = g_strdup_printf("%02d:%02d", op, frame % 60);
			g_assert_true(tsr_scene_set_clock(scene, t, &error));
		} else if (op < 93) {
			tsr_scene_set_focus(scene, dom[g_rand_int_range(rnd, 0, 3)]);
		} else if (op < 96) {
			tsr_scene_set_layout(scene, op % 2 ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE);
		} else {
			tsr_scene_set_filter(scene, op % 2 ? TSR_FILTER_BILINEAR : TSR_FILTER_NEAREST);
		}
		int n = 0;
		const struct tsr_rect *rects = tsr_scene_take_damage(scene, &n);
		for (int r = 0; r < n; r++)
			flips_add(&f, rects[r].x, rects[r].y, rects[r].width, rects[r].height);
		struct drm_buffer *back = &f.buf[f.back];
		poison(back, rnd);
		uint64_t bytes = tsr_drm_buffer_render(back, scene, W, H);
		/* What a full redraw gives, in the shadow. */
		tsr_scene_damage_all(scene);
		tsr_scene_compose(scene, &n);
		if (!buffer_equals(back, tsr_scene_shadow(scene)))
			g_error("frame %d (op %d): the buffer shown differs from a full redraw", frame,
				op);
		flips_done(&f, bytes);
	}
	flips_fini(&f);
	tsr_scene_destroy(scene);
	for (int i = 0; i < 3; i++)
		tsr_image_destroy(img[i]);
	g_rand_free(rnd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/drm/alternate-buffers-track-the-shadow",
			test_alternate_buffers_track_the_shadow);
	g_test_add_func("/drm/scene-drawn-into-alternate-buffers",
			test_scene_drawn_into_alternate_buffers);
	return g_test_run();
}
