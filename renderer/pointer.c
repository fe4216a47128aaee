/* renderer/pointer.c: the trusted pointer. dom0 draws it itself: its own arrow over chrome and
 * empty space, and a domain's cursor shape only while the pointer is inside that domain's
 * content rectangle, clipped to it, so a domain cannot dress its cursor up as chrome. */
#include "config.h"

#include <string.h>

#include "renderer/scene-private.h"

/* The arrow, 12x19: '#' outline, '.' fill. */
static const char *const arrow_rows[] = {
	"#           ", "##          ", "#.#         ", "#..#        ", "#...#       ",
	"#....#      ", "#.....#     ", "#......#    ", "#.......#   ", "#........#  ",
	"#.........# ", "#......#####", "#...#..#    ", "#..# #..#   ", "#.#  #..#   ",
	"##    #..#  ", "#     #..#  ", "       #..# ", "        ##  ",
};
#define ARROW_W 12
#define ARROW_H 19

static int32_t arrow_scale(const struct tsr_scene *scene)
{
	return scene->height >= 1800 ? 2 : 1;
}

static pixman_image_t *arrow_image(int32_t scale)
{
	pixman_image_t *img = pixman_image_create_bits(PIXMAN_a8r8g8b8, ARROW_W * scale,
						       ARROW_H * scale, NULL, 0);
	uint32_t *px = pixman_image_get_data(img);
	int stride = pixman_image_get_stride(img) / 4;
	for (int y = 0; y < ARROW_H * scale; y++) {
		for (int x = 0; x < ARROW_W * scale; x++) {
			char c = arrow_rows[y / scale][x / scale];
			px[y * stride + x] = c == '#' ? 0xff000000 : c == '.' ? 0xffffffff : 0;
		}
	}
	return img;
}

/* The domain whose cursor shape applies at the pointer, if any. */
static struct tsr_scene_domain *cursor_domain(struct tsr_scene *scene)
{
	struct tsr_scene_domain *d = NULL;
	if (tsr_scene_hit_test(scene, scene->pointer_x, scene->pointer_y, &d) == TSR_HIT_CONTENT &&
	    d->cursor != NULL)
		return d;
	return NULL;
}

struct tsr_rect tsr_scene_pointer_rect(struct tsr_scene *scene)
{
	if (!scene->pointer_visible || scene->shadow == NULL)
		return (struct tsr_rect){ 0, 0, 0, 0 };
	struct tsr_scene_domain *d = cursor_domain(scene);
	if (d != NULL) {
		struct tsr_rect r = { scene->pointer_x - d->cursor_hot_x,
				      scene->pointer_y - d->cursor_hot_y,
				      pixman_image_get_width(d->cursor),
				      pixman_image_get_height(d->cursor) };
		return tsr_rect_intersect(&r, &d->content);
	}
	int32_t s = arrow_scale(scene);
	struct tsr_rect r = { scene->pointer_x, scene->pointer_y, ARROW_W * s, ARROW_H * s };
	struct tsr_rect out = { 0, 0, scene->width, scene->height };
	return tsr_rect_intersect(&r, &out);
}

void tsr_scene_draw_pointer(struct tsr_scene *scene, pixman_region32_t *region)
{
	struct tsr_rect r = tsr_scene_pointer_rect(scene);
	scene->pointer_drawn = r;
	if (tsr_rect_empty(&r))
		return;
	pixman_region32_t clip;
	pixman_region32_init_rect(&clip, r.x, r.y, (unsigned)r.width, (unsigned)r.height);
	pixman_region32_intersect(&clip, &clip, region);
	if (pixman_region32_not_empty(&clip)) {
		struct tsr_scene_domain *d = cursor_domain(scene);
		pixman_image_t *img;
		int32_t x, y;
		if (d != NULL) {
			img = pixman_image_ref(d->cursor);
			x = scene->pointer_x - d->cursor_hot_x;
			y = scene->pointer_y - d->cursor_hot_y;
		} else {
			img = arrow_image(arrow_scale(scene));
			x = scene->pointer_x;
			y = scene->pointer_y;
		}
		pixman_image_set_clip_region32(scene->dst, &clip);
		pixman_image_composite32(PIXMAN_OP_OVER, img, NULL, scene->dst, 0, 0, 0, 0,
					 x, y, pixman_image_get_width(img),
					 pixman_image_get_height(img));
		pixman_image_set_clip_region32(scene->dst, NULL);
		pixman_image_unref(img);
	}
	pixman_region32_fini(&clip);
}
