/* renderer/layout.h: where things go on the desktop, computed from the output size alone.
 *
 * Pure geometry, no drawing, so the compositor, the hit test and the input router's coordinate
 * mapping can never disagree. Each tile reserves room for the thick (focused) border whether or
 * not it is focused, so moving the focus never moves or rescales any domain's pixels. */
#ifndef TSR_RENDERER_LAYOUT_H
#define TSR_RENDERER_LAYOUT_H

#include "renderer/image.h"
#include "renderer/scene.h"

struct tsr_tile_geometry {
	struct tsr_rect tile;  /* the whole tile, border included */
	struct tsr_rect label; /* name label strip inside the border (empty in single) */
	struct tsr_rect inner; /* content + letterbox */
	int32_t border;        /* thickness of the thin border; the focused one is 2 * border */
};

struct tsr_desktop_geometry {
	struct tsr_rect top_bar;
	int32_t n_tiles;
	struct tsr_tile_geometry tiles[TSR_SCENE_MAX_DOMAINS];
};

/* Geometry for n_tiles shown tiles (0..TSR_SCENE_MAX_DOMAINS; single shows at most one). */
void tsr_layout_compute(enum tsr_layout layout, int32_t width, int32_t height, int32_t n_tiles,
			struct tsr_desktop_geometry *geometry);

/* The largest rectangle with the aspect ratio of a surface_w x surface_h surface that fits in
 * inner, centred (empty if inner is). */
struct tsr_rect tsr_layout_fit(const struct tsr_rect *inner, int32_t surface_w, int32_t surface_h);

/* Rectangle intersection (empty result has width/height 0). */
struct tsr_rect tsr_rect_intersect(const struct tsr_rect *a, const struct tsr_rect *b);
bool tsr_rect_contains(const struct tsr_rect *r, int32_t x, int32_t y);

#endif
