/* renderer/scene-private.h: the scene's internals, shared by the files that each draw one part
 * of it (scene.c state and geometry, compose.c, chrome.c, pointer.c). Not for other folders. */
#ifndef TSR_RENDERER_SCENE_PRIVATE_H
#define TSR_RENDERER_SCENE_PRIVATE_H

#include <pixman.h>

#include "renderer/layout.h"
#include "renderer/scene.h"
#include "renderer/text.h"

struct tsr_scene_domain {
	struct tsr_scene *scene;
	char *name;
	enum tsr_color color;
	void *user_data;

	/* The surface: src wraps the caller's read-only pixels (NULL: none, show message). */
	struct tsr_pixels pixels;
	pixman_image_t *src;
	char *message;

	/* Copied cursor shape (NULL: trusted arrow). */
	pixman_image_t *cursor;
	int32_t cursor_hot_x, cursor_hot_y;

	/* Placement in the current geometry: tile index or -1, and the content rectangle. */
	int tile;
	struct tsr_rect content;
};

struct tsr_scene {
	int32_t width, height;
	struct tsr_image *shadow;
	pixman_image_t *shadow_img;
	/* What the drawing passes draw into: the shadow, or a scanout buffer (render.c). */
	pixman_image_t *dst;

	struct tsr_scene_domain *domains[TSR_SCENE_MAX_DOMAINS];
	int n_domains;
	struct tsr_scene_domain *focus;
	enum tsr_layout layout;
	enum tsr_filter filter;

	char *clock;
	char *notification;
	char *clipboard;              /* what dom0's clipboard holds, "" when empty */
	enum tsr_color clipboard_color; /* its source domain's label colour */
	bool locked;

	int32_t pointer_x, pointer_y;
	bool pointer_visible;
	struct tsr_rect pointer_drawn; /* where the sprite is in the shadow now */

	/* The trusted screen, if any (n_items may be 0 with overlay set). */
	bool overlay;
	uint32_t overlay_rgb;
	struct tsr_overlay_item *items;
	int n_items;

	struct tsr_desktop_geometry geometry;
	struct tsr_font *font;

	pixman_region32_t damage;
	struct tsr_rect *rects;
	int n_rects_cap;

	void (*notify)(void *data);
	void *notify_data;
};

/* Recompute where every domain goes and damage everything. */
void tsr_scene_relayout(struct tsr_scene *scene);
/* Validate caller text (what names it in errors). */
bool tsr_scene_check_text(const char *text, size_t max, bool allow_empty, const char *what,
			  GError **error);
void tsr_scene_free_overlay_items(struct tsr_scene *scene);

/* Add a desktop rectangle to the damage (clipped to the output), notifying on clean -> dirty. */
void tsr_scene_add_damage(struct tsr_scene *scene, const struct tsr_rect *rect);

/* Every drawing pass below over region, into scene->dst: each pixel of region is drawn from
 * scratch, whatever dst held before. */
void tsr_scene_draw_region(struct tsr_scene *scene, pixman_region32_t *region);

/* Drawing passes, each clipped to region (desktop coordinates) and to its own area. */
void tsr_scene_draw_domain(struct tsr_scene *scene, struct tsr_scene_domain *domain,
			   pixman_region32_t *region);
void tsr_scene_draw_chrome(struct tsr_scene *scene, pixman_region32_t *region);
void tsr_scene_draw_overlay(struct tsr_scene *scene, pixman_region32_t *region);
void tsr_scene_draw_pointer(struct tsr_scene *scene, pixman_region32_t *region);
/* The rectangle the pointer sprite covers at the current position (empty if hidden). */
struct tsr_rect tsr_scene_pointer_rect(struct tsr_scene *scene);

/* Fill region ∩ rect with an XRGB colour. */
void tsr_scene_fill(struct tsr_scene *scene, pixman_region32_t *region, const struct tsr_rect *rect,
		    uint32_t rgb);

/* Damage regions with more boxes than this collapse to their bounding box. */
#define TSR_SCENE_MAX_DAMAGE_RECTS 128

/* Neutral colours of the trusted UI; none is in the label palette. */
#define TSR_RGB_DESKTOP 0x303030
#define TSR_RGB_LETTERBOX 0x1c1c1c
#define TSR_RGB_TOP_BAR 0x121212
#define TSR_RGB_TOP_BAR_TEXT 0xf0f0f0
#define TSR_RGB_MESSAGE_TEXT 0xc8c8c8

#endif
