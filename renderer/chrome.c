/* renderer/chrome.c: the trusted chrome: top bar (focused domain's name on its label colour,
 * notification slot, lock state, clock), a border in each shown domain's label colour (twice as
 * thick for the focused one) and a name label per tile. Only dom0 draws these, and the layout
 * keeps them outside every content rectangle. */
#include "config.h"

#include "renderer/scene-private.h"

/* Fill the ring between r and r inset by d. */
static void fill_ring(struct tsr_scene *scene, pixman_region32_t *region, const struct tsr_rect *r,
		      int32_t d, uint32_t rgb)
{
	int32_t dy = MIN(d, r->height), dx = MIN(d, r->width);
	struct tsr_rect parts[4] = {
		{ r->x, r->y, r->width, dy },
		{ r->x, r->y + r->height - dy, r->width, dy },
		{ r->x, r->y, dx, r->height },
		{ r->x + r->width - dx, r->y, dx, r->height },
	};
	for (int i = 0; i < 4; i++)
		tsr_scene_fill(scene, region, &parts[i], rgb);
}

static void draw_top_bar(struct tsr_scene *scene, pixman_region32_t *region)
{
	const struct tsr_rect *bar = &scene->geometry.top_bar;
	if (tsr_rect_empty(bar))
		return;
	pixman_region32_t clip;
	pixman_region32_init_rect(&clip, bar->x, bar->y, (unsigned)bar->width, (unsigned)bar->height);
	pixman_region32_intersect(&clip, &clip, region);
	if (!pixman_region32_not_empty(&clip)) {
		pixman_region32_fini(&clip);
		return;
	}
	tsr_scene_fill(scene, &clip, bar, TSR_RGB_TOP_BAR);
	int32_t px = MAX(bar->height * 11 / 20, 6);
	int32_t pad = MAX(bar->height / 4, 2);
	int32_t left = bar->x, right = bar->x + bar->width;

	struct tsr_scene_domain *f = scene->focus;
	if (f != NULL) {
		/* The name box may take at most 40% of the bar; long names are ellipsized. */
		int32_t w = tsr_text_width(scene->font, f->name, px) + 2 * pad;
		w = MIN(w, bar->width * 2 / 5);
		struct tsr_rect box = { bar->x, bar->y, w, bar->height };
		tsr_scene_fill(scene, &clip, &box, tsr_color_rgb(f->color));
		struct tsr_rect text = { box.x + pad, box.y, MAX(box.width - 2 * pad, 0), box.height };
		tsr_text_draw(scene->font, scene->dst, &clip, &text, f->name, px,
			      tsr_color_text_rgb(f->color), TSR_TEXT_LEFT);
		left = box.x + box.width;
	}

	/* Right to left: clock, lock state. */
	int32_t clock_w = tsr_text_width(scene->font, scene->clock, px);
	struct tsr_rect clock = { right - pad - clock_w, bar->y, clock_w, bar->height };
	if (clock.x > left + pad) {
		tsr_text_draw(scene->font, scene->dst, &clip, &clock, scene->clock, px,
			      TSR_RGB_TOP_BAR_TEXT, TSR_TEXT_RIGHT);
		right = clock.x;
	}
	const char *lock = scene->locked ? "Locked" : "Unlocked";
	int32_t lock_w = tsr_text_width(scene->font, lock, px);
	struct tsr_rect lk = { right - 2 * pad - lock_w, bar->y, lock_w, bar->height };
	if (lk.x > left + pad) {
		tsr_text_draw(scene->font, scene->dst, &clip, &lk, lock, px,
			      TSR_RGB_TOP_BAR_TEXT, TSR_TEXT_RIGHT);
		right = lk.x;
	}

	/* dom0's clipboard, on its source's label colour, left of the lock state. */
	if (scene->clipboard[0] != '\0') {
		int32_t cw = tsr_text_width(scene->font, scene->clipboard, px) + 2 * pad;
		struct tsr_rect cb = { right - 2 * pad - cw, bar->y, cw, bar->height };
		if (cb.x > left + pad) {
			struct tsr_rect text = { cb.x + pad, cb.y, cw - 2 * pad, cb.height };
			tsr_scene_fill(scene, &clip, &cb, tsr_color_rgb(scene->clipboard_color));
			tsr_text_draw(scene->font, scene->shadow_img, &clip, &text, scene->clipboard,
				      px, tsr_color_text_rgb(scene->clipboard_color), TSR_TEXT_LEFT);
			right = cb.x;
		}
	}
	struct tsr_rect note = { left + 2 * pad, bar->y, right - left - 4 * pad, bar->height };
	if (scene->notification[0] != '\0')
		tsr_text_draw(scene->font, scene->dst, &clip, &note, scene->notification, px,
			      TSR_RGB_TOP_BAR_TEXT, TSR_TEXT_CENTER);
	pixman_region32_fini(&clip);
}

void tsr_scene_draw_chrome(struct tsr_scene *scene, pixman_region32_t *region)
{
	draw_top_bar(scene, region);
	for (int i = 0; i < scene->n_domains; i++) {
		struct tsr_scene_domain *d = scene->domains[i];
		if (d->tile < 0)
			continue;
		const struct tsr_tile_geometry *t = &scene->geometry.tiles[d->tile];
		uint32_t rgb = tsr_color_rgb(d->color);
		bool focused = d == scene->focus;
		fill_ring(scene, region, &t->tile, t->border, rgb);
		struct tsr_rect in = { t->tile.x + t->border, t->tile.y + t->border,
				       MAX(t->tile.width - 2 * t->border, 0),
				       MAX(t->tile.height - 2 * t->border, 0) };
		fill_ring(scene, region, &in, t->border, focused ? rgb : TSR_RGB_DESKTOP);
		if (!tsr_rect_empty(&t->label)) {
			tsr_scene_fill(scene, region, &t->label, rgb);
			int32_t pad = MAX(t->label.height / 4, 2);
			struct tsr_rect text = { t->label.x + pad, t->label.y,
						 MAX(t->label.width - 2 * pad, 0), t->label.height };
			tsr_text_draw(scene->font, scene->dst, region, &text, d->name,
				      MAX(t->label.height * 3 / 5, 6), tsr_color_text_rgb(d->color),
				      TSR_TEXT_LEFT);
		}
	}
}
