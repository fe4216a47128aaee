/* The drm output's double-buffer damage copy (drm-fb.c) without a GPU: buffers backed by
 * ordinary memory, presented alternately as the output does. After every one of 1,000 random
 * frames the buffer being shown equals the shadow bit for bit, and the bytes copied are exactly
 * the area of this frame's and the previous frame's damage (not the screen); the first use of
 * each buffer copies it whole. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "renderer/drm/private.h"

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

static void test_alternate_buffers_track_the_shadow(void)
{
	GRand *rnd = g_rand_new_with_seed(20261126);
	struct tsr_image *shadow = tsr_image_create(W, H, NULL);
	g_assert_nonnull(shadow);
	struct drm_buffer buf[2];
	buffer_init(&buf[0]);
	buffer_init(&buf[1]);
	int back = 0;
	pixman_region32_t prev, cur, expect;
	pixman_region32_init(&prev);
	pixman_region32_init(&cur);
	pixman_region32_init(&expect);
	uint64_t total = 0;
	for (int frame = 0; frame < 1000; frame++) {
		pixman_region32_clear(&cur);
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
			pixman_region32_union_rect(&cur, &cur, x, y, (unsigned)w, (unsigned)h);
			/* what drm_present does for each presented rectangle */
			for (int b = 0; b < 2; b++)
				pixman_region32_union_rect(&buf[b].stale, &buf[b].stale, x, y,
							   (unsigned)w, (unsigned)h);
		}
		if (frame >= 2) {
			pixman_region32_union(&expect, &cur, &prev);
		} else {
			pixman_region32_clear(&expect);
			pixman_region32_union_rect(&expect, &expect, 0, 0, W, H);
		}
		uint64_t bytes = tsr_drm_buffer_update(&buf[back], shadow);
		g_assert_cmpuint(bytes, ==, region_bytes(&expect));
		g_assert_true(buffer_equals(&buf[back], shadow));
		g_assert_false(pixman_region32_not_empty(&buf[back].stale));
		total += bytes;
		pixman_region32_copy(&prev, &cur);
		back ^= 1;
	}
	/* Far less than 1,000 full frames. */
	g_assert_cmpuint(total, <, (uint64_t)1000 * W * H * 4 / 2);
	for (int b = 0; b < 2; b++) {
		g_free(buf[b].map);
		pixman_region32_fini(&buf[b].stale);
	}
	pixman_region32_fini(&prev);
	pixman_region32_fini(&cur);
	pixman_region32_fini(&expect);
	tsr_image_destroy(shadow);
	g_rand_free(rnd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/drm/alternate-buffers-track-the-shadow",
			test_alternate_buffers_track_the_shadow);
	return g_test_run();
}
