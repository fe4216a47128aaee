/* renderer/render.c: a frame drawn straight into a scanout buffer (tsr_scene_render, scene.h).
 *
 * Composing into a shadow buffer and copying it to scanout costs a second pass over every
 * changed pixel: for a full 4K redraw, as much again as scaling the domains. Scanout buffers are
 * often write-combined, so reading them back is slower still. Fills and scaling a domain's
 * pixels with PIXMAN_OP_SRC only write their destination, so those are drawn straight into the
 * target; the few areas where the scene blends (text, the overlay, the pointer) are drawn in the
 * shadow and copied, row by row. */
#include "config.h"

#include <string.h>

#include "renderer/scene-private.h"

static void add_rect(pixman_region32_t *region, const struct tsr_rect *r)
{
	if (!tsr_rect_empty(r))
		pixman_region32_union_rect(region, region, r->x, r->y, (unsigned)r->width,
					   (unsigned)r->height);
}

/* Where the scene blends over what it drew (text, the pointer sprite, the overlay): the top bar,
 * the tiles' labels, the inside of tiles that show a message, the overlay, the pointer.
 * Everywhere else it only fills and scales domains' pixels with PIXMAN_OP_SRC, which never
 * read their destination. */
static void blend_region(struct tsr_scene *scene, pixman_region32_t *blend)
{
	const struct tsr_desktop_geometry *g = &scene->geometry;
	pixman_region32_init(blend);
	add_rect(blend, &g->top_bar);
	for (int i = 0; i < scene->n_domains; i++) {
		const struct tsr_scene_domain *d = scene->domains[i];
		if (d->tile < 0)
			continue;
		add_rect(blend, &g->tiles[d->tile].label);
		if (d->src == NULL)
			add_rect(blend, &g->tiles[d->tile].inner);
	}
	struct tsr_rect pointer = tsr_scene_pointer_rect(scene);
	add_rect(blend, &pointer);
	if (scene->overlay) {
		struct tsr_rect area = tsr_scene_overlay_area(scene);
		add_rect(blend, &area);
	}
}

static void copy_boxes(const struct tsr_image *to, const struct tsr_image *from,
		       pixman_region32_t *region)
{
	int n = 0;
	const pixman_box32_t *boxes = pixman_region32_rectangles(region, &n);
	for (int i = 0; i < n; i++) {
		size_t len = (size_t)(boxes[i].x2 - boxes[i].x1) * 4;
		for (int32_t y = boxes[i].y1; y < boxes[i].y2; y++)
			memcpy((uint8_t *)to->pixels + (size_t)y * (size_t)to->stride +
				       (size_t)boxes[i].x1 * 4,
			       (const uint8_t *)from->pixels + (size_t)y * (size_t)from->stride +
				       (size_t)boxes[i].x1 * 4,
			       len);
	}
}

uint64_t tsr_scene_render(struct tsr_scene *scene, const struct tsr_image *target,
			  const struct tsr_rect *rects, int n)
{
	if (scene->shadow == NULL || n <= 0 || target->width != scene->width ||
	    target->height != scene->height)
		return 0;
	pixman_region32_t all, blend;
	pixman_region32_init(&all);
	uint64_t bytes = 0;
	for (int i = 0; i < n; i++) {
		pixman_region32_union_rect(&all, &all, rects[i].x, rects[i].y,
					   (unsigned)rects[i].width, (unsigned)rects[i].height);
		bytes += (uint64_t)rects[i].width * (uint64_t)rects[i].height * 4;
	}
	blend_region(scene, &blend);
	pixman_region32_intersect(&blend, &blend, &all);
	pixman_region32_subtract(&all, &all, &blend);

	pixman_image_t *img = pixman_image_create_bits(PIXMAN_x8r8g8b8, target->width,
						       target->height, target->pixels,
						       target->stride);
	scene->dst = img;
	tsr_scene_draw_region(scene, &all);
	scene->dst = scene->shadow_img;
	tsr_scene_draw_region(scene, &blend);
	copy_boxes(target, scene->shadow, &blend);
	pixman_image_unref(img);
	pixman_region32_fini(&blend);
	pixman_region32_fini(&all);
	return bytes;
}
