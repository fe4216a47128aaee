/* renderer/damage.c: what needs recomposing. Damage is one pixman region per scene in desktop
 * coordinates; domain damage arrives in surface coordinates and is mapped through the same
 * scale the compositor uses, widened by the reach of the filter, so nothing stale survives. */
#include "config.h"

#include "renderer/scene-private.h"

void tsr_scene_add_damage(struct tsr_scene *scene, const struct tsr_rect *rect)
{
	struct tsr_rect out = { 0, 0, scene->width, scene->height };
	struct tsr_rect r = tsr_rect_intersect(rect, &out);
	if (tsr_rect_empty(&r))
		return;
	bool was_clean = !pixman_region32_not_empty(&scene->damage);
	pixman_region32_union_rect(&scene->damage, &scene->damage, r.x, r.y, (unsigned)r.width,
				   (unsigned)r.height);
	/* A domain flooding scattered damage must not make every compose pass walk thousands of
	 * boxes: past a bound, recompose the bounding box instead (more pixels, bounded work). */
	if (pixman_region32_n_rects(&scene->damage) > TSR_SCENE_MAX_DAMAGE_RECTS) {
		pixman_box32_t e = *pixman_region32_extents(&scene->damage);
		pixman_region32_fini(&scene->damage);
		pixman_region32_init_rect(&scene->damage, e.x1, e.y1, (unsigned)(e.x2 - e.x1),
					  (unsigned)(e.y2 - e.y1));
	}
	if (was_clean && scene->notify != NULL)
		scene->notify(scene->notify_data);
}

void tsr_scene_damage_all(struct tsr_scene *scene)
{
	struct tsr_rect all = { 0, 0, scene->width, scene->height };
	tsr_scene_add_damage(scene, &all);
}

bool tsr_scene_has_damage(const struct tsr_scene *scene)
{
	return pixman_region32_not_empty((pixman_region32_t *)&scene->damage);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

void tsr_scene_domain_damage(struct tsr_scene_domain *domain, int32_t x, int32_t y, int32_t width,
			     int32_t height)
{
	if (domain->src == NULL || tsr_rect_empty(&domain->content))
		return;
	struct tsr_rect surface = { 0, 0, domain->pixels.width, domain->pixels.height };
	struct tsr_rect in = { x, y, width, height };
	struct tsr_rect r = tsr_rect_intersect(&in, &surface);
	if (tsr_rect_empty(&r))
		return;
	/* A destination pixel reads surface pixels within one pixel of where its centre maps
	 * (bilinear takes the 2x2 around it; nearest the one under it), so widen by one surface
	 * pixel on each side before scaling, and round outwards. */
	const struct tsr_rect *c = &domain->content;
	int64_t sw = surface.width, sh = surface.height;
	int64_t x1 = floor_div(((int64_t)r.x - 1) * c->width, sw);
	int64_t x2 = -floor_div(-((int64_t)r.x + r.width + 1) * c->width, sw);
	int64_t y1 = floor_div(((int64_t)r.y - 1) * c->height, sh);
	int64_t y2 = -floor_div(-((int64_t)r.y + r.height + 1) * c->height, sh);
	x1 = MAX(x1, 0);
	y1 = MAX(y1, 0);
	x2 = MIN(x2, c->width);
	y2 = MIN(y2, c->height);
	if (x2 <= x1 || y2 <= y1)
		return;
	struct tsr_rect d = { c->x + (int32_t)x1, c->y + (int32_t)y1, (int32_t)(x2 - x1),
			      (int32_t)(y2 - y1) };
	tsr_scene_add_damage(domain->scene, &d);
}

/* Hand the region out as the scene's rectangle array. */
static const struct tsr_rect *region_to_rects(struct tsr_scene *scene, pixman_region32_t *region,
					      int *n)
{
	int nboxes = 0;
	pixman_box32_t *boxes = pixman_region32_rectangles(region, &nboxes);
	if (nboxes > scene->n_rects_cap) {
		scene->n_rects_cap = nboxes;
		scene->rects = g_renew(struct tsr_rect, scene->rects, (gsize)nboxes);
	}
	for (int i = 0; i < nboxes; i++)
		scene->rects[i] = (struct tsr_rect){ boxes[i].x1, boxes[i].y1,
						     boxes[i].x2 - boxes[i].x1,
						     boxes[i].y2 - boxes[i].y1 };
	*n = nboxes;
	return scene->rects;
}

void tsr_scene_draw_region(struct tsr_scene *scene, pixman_region32_t *region)
{
	/* Desktop background only where nothing else will paint: tiles paint their letterbox,
	 * content and chrome, the top bar paints itself, so each pixel is written once. */
	pixman_region32_t bg;
	pixman_region32_init(&bg);
	pixman_region32_copy(&bg, region);
	const struct tsr_desktop_geometry *g = &scene->geometry;
	if (scene->overlay) {
		struct tsr_rect area = tsr_scene_overlay_area(scene);
		if (!tsr_rect_empty(&area)) {
			pixman_region32_t cr;
			pixman_region32_init_rect(&cr, area.x, area.y, (unsigned)area.width,
						  (unsigned)area.height);
			pixman_region32_subtract(&bg, &bg, &cr);
			pixman_region32_fini(&cr);
		}
	}
	for (int i = -1; i < g->n_tiles; i++) {
		const struct tsr_rect *r = i < 0 ? &g->top_bar : &g->tiles[i].tile;
		if (!tsr_rect_empty(r)) {
			pixman_region32_t cr;
			pixman_region32_init_rect(&cr, r->x, r->y, (unsigned)r->width,
						  (unsigned)r->height);
			pixman_region32_subtract(&bg, &bg, &cr);
			pixman_region32_fini(&cr);
		}
	}
	struct tsr_rect all = { 0, 0, scene->width, scene->height };
	tsr_scene_fill(scene, &bg, &all, TSR_RGB_DESKTOP);
	pixman_region32_fini(&bg);

	for (int i = 0; i < scene->n_domains; i++)
		if (scene->domains[i]->tile >= 0)
			tsr_scene_draw_domain(scene, scene->domains[i], region);
	tsr_scene_draw_overlay(scene, region);
	/* Chrome last: it never overlaps content, and nothing drawn after it but the pointer. */
	tsr_scene_draw_chrome(scene, region);
	tsr_scene_draw_pointer(scene, region);
}

const struct tsr_rect *tsr_scene_take_damage(struct tsr_scene *scene, int *n)
{
	*n = 0;
	if (scene->shadow == NULL || !pixman_region32_not_empty(&scene->damage)) {
		pixman_region32_clear(&scene->damage);
		return scene->rects;
	}
	const struct tsr_rect *rects = region_to_rects(scene, &scene->damage, n);
	pixman_region32_clear(&scene->damage);
	return rects;
}

const struct tsr_rect *tsr_scene_compose(struct tsr_scene *scene, int *n)
{
	const struct tsr_rect *rects = tsr_scene_take_damage(scene, n);
	tsr_scene_draw_rects(scene, rects, *n);
	return rects;
}

void tsr_scene_draw_rects(struct tsr_scene *scene, const struct tsr_rect *rects, int n)
{
	if (scene->shadow == NULL || n <= 0)
		return;
	pixman_region32_t region;
	pixman_region32_init(&region);
	for (int i = 0; i < n; i++)
		pixman_region32_union_rect(&region, &region, rects[i].x, rects[i].y,
					   (unsigned)rects[i].width, (unsigned)rects[i].height);
	scene->dst = scene->shadow_img;
	tsr_scene_draw_region(scene, &region);
	pixman_region32_fini(&region);
}
