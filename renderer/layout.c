/* renderer/layout.c: top bar, tile grid, borders, labels and aspect-correct fitting. Sizes scale
 * with the output height so chrome stays legible from 800x600 to 4K, and degrade to nothing on
 * absurdly small outputs rather than overlapping. */
#include "config.h"

#include "renderer/layout.h"

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

struct tsr_rect tsr_rect_intersect(const struct tsr_rect *a, const struct tsr_rect *b)
{
	int64_t x1 = MAX(a->x, b->x), y1 = MAX(a->y, b->y);
	int64_t x2 = MIN((int64_t)a->x + a->width, (int64_t)b->x + b->width);
	int64_t y2 = MIN((int64_t)a->y + a->height, (int64_t)b->y + b->height);
	if (tsr_rect_empty(a) || tsr_rect_empty(b) || x2 <= x1 || y2 <= y1)
		return (struct tsr_rect){ 0, 0, 0, 0 };
	return (struct tsr_rect){ (int32_t)x1, (int32_t)y1, (int32_t)(x2 - x1), (int32_t)(y2 - y1) };
}

bool tsr_rect_contains(const struct tsr_rect *r, int32_t x, int32_t y)
{
	return !tsr_rect_empty(r) && x >= r->x && y >= r->y && (int64_t)x < (int64_t)r->x + r->width &&
	       (int64_t)y < (int64_t)r->y + r->height;
}

/* Shrink r by d on every side (never below empty). */
static struct tsr_rect inset(struct tsr_rect r, int32_t d)
{
	r.x += d;
	r.y += d;
	r.width = MAX(r.width - 2 * d, 0);
	r.height = MAX(r.height - 2 * d, 0);
	return r;
}

static void place_tile(struct tsr_tile_geometry *t, struct tsr_rect cell, int32_t border,
		       int32_t label_h)
{
	t->tile = cell;
	t->border = border;
	struct tsr_rect in = inset(cell, 2 * border);
	label_h = MIN(label_h, in.height);
	t->label = (struct tsr_rect){ in.x, in.y, in.width, label_h };
	if (label_h == 0 || in.width == 0)
		t->label = (struct tsr_rect){ 0, 0, 0, 0 };
	t->inner = (struct tsr_rect){ in.x, in.y + label_h, in.width, in.height - label_h };
	if (tsr_rect_empty(&t->inner))
		t->inner = (struct tsr_rect){ 0, 0, 0, 0 };
}

void tsr_layout_compute(enum tsr_layout layout, int32_t width, int32_t height, int32_t n_tiles,
			struct tsr_desktop_geometry *g)
{
	*g = (struct tsr_desktop_geometry){ 0 };
	if (width <= 0 || height <= 0)
		return;
	int32_t bar_h = MIN(clamp32(height / 27, 24, 80), height);
	int32_t border = clamp32(bar_h / 12, 2, 6);
	int32_t label_h = bar_h * 3 / 4;
	g->top_bar = (struct tsr_rect){ 0, 0, width, bar_h };
	struct tsr_rect area = { 0, bar_h, width, height - bar_h };
	if (area.height <= 0)
		return;
	if (layout == TSR_LAYOUT_SINGLE) {
		if (n_tiles > 0) {
			g->n_tiles = 1;
			place_tile(&g->tiles[0], area, border, 0);
		}
		return;
	}
	n_tiles = clamp32(n_tiles, 0, TSR_SCENE_MAX_DOMAINS);
	int32_t cols = n_tiles <= 1 ? 1 : 2;
	int32_t rows = n_tiles <= 2 ? 1 : 2;
	int32_t left_w = area.width / cols, top_h = area.height / rows;
	for (int32_t i = 0; i < n_tiles; i++) {
		int32_t c = i % cols, r = i / cols;
		struct tsr_rect cell = {
			area.x + c * left_w,
			area.y + r * top_h,
			c + 1 == cols ? area.width - c * left_w : left_w,
			r + 1 == rows ? area.height - r * top_h : top_h,
		};
		place_tile(&g->tiles[i], cell, border, label_h);
	}
	g->n_tiles = n_tiles;
}

struct tsr_rect tsr_layout_fit(const struct tsr_rect *inner, int32_t sw, int32_t sh)
{
	if (tsr_rect_empty(inner) || sw <= 0 || sh <= 0)
		return (struct tsr_rect){ 0, 0, 0, 0 };
	int64_t w = inner->width, h = inner->height;
	/* Compare sw/sh with w/h without rounding: the limiting side keeps its full length. */
	if ((int64_t)sw * h >= (int64_t)sh * w)
		h = MAX(((int64_t)sh * w * 2 + sw) / (2 * (int64_t)sw), 1);
	else
		w = MAX(((int64_t)sw * h * 2 + sh) / (2 * (int64_t)sh), 1);
	return (struct tsr_rect){ inner->x + (int32_t)((inner->width - w) / 2),
				  inner->y + (int32_t)((inner->height - h) / 2), (int32_t)w,
				  (int32_t)h };
}
