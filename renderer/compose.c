/* renderer/compose.c: a domain's tile interior: its pixels scaled into the content rectangle
 * (and nowhere else: the destination clip is the content rectangle), the letterbox around
 * them, or a trusted message when there is no frame. */
#include "config.h"

#include "renderer/scene-private.h"

void tsr_scene_fill(struct tsr_scene *scene, pixman_region32_t *region, const struct tsr_rect *rect,
		    uint32_t rgb)
{
	if (tsr_rect_empty(rect))
		return;
	pixman_region32_t r;
	pixman_region32_init_rect(&r, rect->x, rect->y, (unsigned)rect->width, (unsigned)rect->height);
	pixman_region32_intersect(&r, &r, region);
	int n = 0;
	pixman_box32_t *boxes = pixman_region32_rectangles(&r, &n);
	if (n > 0) {
		pixman_color_t color = { (uint16_t)(((rgb >> 16) & 0xff) * 0x101),
					 (uint16_t)(((rgb >> 8) & 0xff) * 0x101),
					 (uint16_t)((rgb & 0xff) * 0x101), 0xffff };
		pixman_image_fill_boxes(PIXMAN_OP_SRC, scene->dst, &color, n, boxes);
	}
	pixman_region32_fini(&r);
}

void tsr_scene_draw_domain(struct tsr_scene *scene, struct tsr_scene_domain *d,
			   pixman_region32_t *region)
{
	const struct tsr_tile_geometry *t = &scene->geometry.tiles[d->tile];
	const struct tsr_rect *c = &d->content;

	/* Letterbox: the inner area minus the content. */
	pixman_region32_t lb;
	pixman_region32_init_rect(&lb, t->inner.x, t->inner.y, (unsigned)MAX(t->inner.width, 0),
				  (unsigned)MAX(t->inner.height, 0));
	if (!tsr_rect_empty(c)) {
		pixman_region32_t cr;
		pixman_region32_init_rect(&cr, c->x, c->y, (unsigned)c->width, (unsigned)c->height);
		pixman_region32_subtract(&lb, &lb, &cr);
		pixman_region32_fini(&cr);
	}
	pixman_region32_intersect(&lb, &lb, region);
	tsr_scene_fill(scene, &lb, &t->inner, TSR_RGB_LETTERBOX);
	pixman_region32_fini(&lb);

	if (d->src == NULL) {
		const char *msg = d->message && d->message[0] ? d->message : "Waiting for display\u2026";
		int32_t px = MAX(scene->geometry.top_bar.height / 2, 8);
		tsr_text_draw(scene->font, scene->dst, region, &t->inner, msg, px,
			      TSR_RGB_MESSAGE_TEXT, TSR_TEXT_CENTER);
		return;
	}
	if (tsr_rect_empty(c))
		return;

	pixman_region32_t clip;
	pixman_region32_init_rect(&clip, c->x, c->y, (unsigned)c->width, (unsigned)c->height);
	pixman_region32_intersect(&clip, &clip, region);
	if (pixman_region32_not_empty(&clip)) {
		pixman_image_set_clip_region32(scene->dst, &clip);
		if (c->width == d->pixels.width && c->height == d->pixels.height) {
			pixman_image_set_transform(d->src, NULL);
			pixman_image_set_filter(d->src, PIXMAN_FILTER_NEAREST, NULL, 0);
		} else {
			/* Destination -> surface; exact fixed-point steps, so a sub-rectangle
			 * composes the same pixels as a full redraw. */
			pixman_transform_t tr;
			pixman_transform_init_scale(
				&tr, (pixman_fixed_t)(((int64_t)d->pixels.width << 16) / c->width),
				(pixman_fixed_t)(((int64_t)d->pixels.height << 16) / c->height));
			pixman_image_set_transform(d->src, &tr);
			pixman_image_set_filter(d->src,
						scene->filter == TSR_FILTER_BILINEAR
							? PIXMAN_FILTER_BILINEAR
							: PIXMAN_FILTER_NEAREST,
						NULL, 0);
		}
		pixman_image_composite32(PIXMAN_OP_SRC, d->src, NULL, scene->dst, 0, 0, 0, 0,
					 c->x, c->y, c->width, c->height);
		pixman_image_set_clip_region32(scene->dst, NULL);
	}
	pixman_region32_fini(&clip);
}
