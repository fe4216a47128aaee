/* renderer/scene.h: the desktop the kiosk shows, and the only place that composes it.
 *
 * A scene holds up to TSR_SCENE_MAX_DOMAINS domain surfaces, a layout that places them, the
 * trusted chrome (top bar, borders, name labels) and the trusted pointer. It composes into a
 * shadow buffer in ordinary memory, recomposing only what changed since the last compose, and
 * reports those rectangles so an output copies only them to scanout (output.h; render-loop.h
 * ties the two together in a GLib main loop).
 *
 * Security rules the scene enforces (doc/renderer.md):
 *   - a domain's pixels land only inside its content rectangle (its surface scaled to fit its
 *     tile with the aspect ratio kept); everything else on screen is drawn by dom0 alone;
 *   - chrome is drawn last, and never overlaps any content rectangle;
 *   - a domain's cursor shape is drawn only inside that domain's content rectangle; elsewhere the
 *     pointer is dom0's own arrow.
 *
 * Every text argument is UTF-8 (invalid UTF-8 is rejected); names too long for their space are
 * ellipsized when drawn. Everything runs on one thread. */
#ifndef TSR_RENDERER_SCENE_H
#define TSR_RENDERER_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "proto/display.h"
#include "renderer/image.h"
#include "renderer/palette.h"

#define TSR_SCENE_MAX_DOMAINS 4
#define TSR_SCENE_MAX_NAME 256   /* bytes of a domain name */
#define TSR_SCENE_MAX_TEXT 512   /* bytes of clock, notification, message text */
/* A domain cursor's side: the display protocol's limit, defined there. */
#define TSR_CURSOR_MAX_SIDE ((int32_t)TSR_DISPLAY_CURSOR_MAX)

enum tsr_layout {
	TSR_LAYOUT_SINGLE, /* the focused domain fills the area under the top bar */
	TSR_LAYOUT_TILED,  /* every domain in a grid: 1x1, 2x1, 2x2 */
};

enum tsr_filter {
	TSR_FILTER_NEAREST,
	TSR_FILTER_BILINEAR,
};

/* "single"/"tiled", "nearest"/"bilinear" -> value; false for anything else. */
bool tsr_layout_parse(const char *name, enum tsr_layout *layout) __attribute__((warn_unused_result));
bool tsr_filter_parse(const char *name, enum tsr_filter *filter) __attribute__((warn_unused_result));
const char *tsr_layout_name(enum tsr_layout layout);
const char *tsr_filter_name(enum tsr_filter filter);

struct tsr_scene;
struct tsr_scene_domain;

/* Pixels of a domain surface: XRGB8888, width and height 1..TSR_DISPLAY_MAX_SIDE, stride a
 * multiple of 4 in width * 4..TSR_DISPLAY_MAX_STRIDE (the limits of proto/display.h, which the
 * viewer link enforces too), data readable for stride * height bytes. The scene only reads them (the kiosk
 * maps the viewer's memfd read-only) and keeps the pointer until the surface is replaced or the
 * domain removed. */
struct tsr_pixels {
	const void *data;
	int32_t width, height;
	int32_t stride;
};

/* A domain's cursor shape: ARGB8888 premultiplied, width and height 1..128, stride
 * width * 4, hotspot inside the shape. Copied by the scene. */
struct tsr_cursor {
	const uint32_t *argb;
	int32_t width, height;
	int32_t hot_x, hot_y;
};

/* A scene for an output of width x height (0x0 allowed: nothing is drawn until a resize). */
struct tsr_scene *tsr_scene_create(int32_t width, int32_t height, GError **error)
	__attribute__((warn_unused_result));
void tsr_scene_destroy(struct tsr_scene *scene);

/* Follow an output's size change; everything is recomposed. */
bool tsr_scene_resize(struct tsr_scene *scene, int32_t width, int32_t height, GError **error)
	__attribute__((warn_unused_result));

/* --- domains ---------------------------------------------------------------------------- */

/* Add a domain, shown last in tiled order, with no surface yet ("Waiting for display..."). NULL
 * + error for an empty, over-long or non-UTF-8 name, a colour outside the palette, or a full
 * scene. The name and colour are copied. */
struct tsr_scene_domain *tsr_scene_add_domain(struct tsr_scene *scene, const char *name,
					      enum tsr_color color, GError **error)
	__attribute__((warn_unused_result));
/* Remove and free a domain (NULL is fine). Focus on it is cleared. */
void tsr_scene_remove_domain(struct tsr_scene *scene, struct tsr_scene_domain *domain);

/* The caller's own pointer, returned by hit tests (the kiosk keeps its viewer here). */
void tsr_scene_domain_set_user_data(struct tsr_scene_domain *domain, void *data);
void *tsr_scene_domain_get_user_data(const struct tsr_scene_domain *domain);
const char *tsr_scene_domain_name(const struct tsr_scene_domain *domain);
enum tsr_color tsr_scene_domain_color(const struct tsr_scene_domain *domain);

/* Show pixels (a new surface, or the same memory after a mode change), or, with pixels NULL,
 * no frame and a trusted message such as "No display yet" or "Display lost" (message may be
 * NULL for a default). The whole tile is recomposed. false + error, changing nothing, for a
 * size or stride out of range or a bad message. */
bool tsr_scene_domain_set_surface(struct tsr_scene_domain *domain, const struct tsr_pixels *pixels,
				  const char *message, GError **error)
	__attribute__((warn_unused_result));

/* The domain changed this rectangle of its surface (surface coordinates). Clipped to the
 * surface; an empty or entirely outside rectangle is ignored. */
void tsr_scene_domain_damage(struct tsr_scene_domain *domain, int32_t x, int32_t y, int32_t width,
			     int32_t height);

/* The domain's cursor shape (copied), or NULL to use the trusted arrow inside its content too.
 * false + error for a shape that is too big, empty or has its hotspot outside. */
bool tsr_scene_domain_set_cursor(struct tsr_scene_domain *domain, const struct tsr_cursor *cursor,
				 GError **error) __attribute__((warn_unused_result));

/* --- scene state -------------------------------------------------------------------------- */

/* The focused domain (NULL for none): named in the top bar, thicker border, shown by single. */
void tsr_scene_set_focus(struct tsr_scene *scene, struct tsr_scene_domain *domain);
struct tsr_scene_domain *tsr_scene_get_focus(const struct tsr_scene *scene);
void tsr_scene_set_layout(struct tsr_scene *scene, enum tsr_layout layout);
void tsr_scene_set_filter(struct tsr_scene *scene, enum tsr_filter filter);

/* Top bar: clock text (e.g. "14:05"), lock state, notification (NULL or "" for none). false +
 * error, changing nothing, for text that is too long or not UTF-8. */
bool tsr_scene_set_clock(struct tsr_scene *scene, const char *text, GError **error)
	__attribute__((warn_unused_result));
void tsr_scene_set_locked(struct tsr_scene *scene, bool locked);
bool tsr_scene_set_notification(struct tsr_scene *scene, const char *text, GError **error)
	__attribute__((warn_unused_result));
/* What dom0's trusted clipboard holds ("Clipboard: 1.2 kB from work"; NULL or "" for nothing),
 * drawn in the top bar on its source domain's label colour. Checked like the notification. */
bool tsr_scene_set_clipboard(struct tsr_scene *scene, const char *text, enum tsr_color color,
			     GError **error) __attribute__((warn_unused_result));

/* The pointer's position in desktop coordinates (clamped to the output) and whether it shows. */
void tsr_scene_set_pointer(struct tsr_scene *scene, int32_t x, int32_t y);
void tsr_scene_set_pointer_visible(struct tsr_scene *scene, bool visible);

/* --- trusted screens -------------------------------------------------------------------------- */

/* The kiosk's own screens (locked, login, picker, lock) are an overlay made of filled rectangles
 * and text. While an overlay is set it covers everything under the top bar, no domain is shown
 * (no content rectangles: no domain can draw there or get pointer input there), and only its
 * items are drawn there, in order, over its background colour. Updating an overlay with the same
 * number of items recomposes only the items that changed (typing a password redraws the dots). */
enum tsr_align { TSR_ALIGN_LEFT, TSR_ALIGN_CENTER, TSR_ALIGN_RIGHT };
enum tsr_overlay_kind { TSR_OVERLAY_FILL, TSR_OVERLAY_TEXT };
#define TSR_OVERLAY_MAX_ITEMS 256
struct tsr_overlay_item {
	enum tsr_overlay_kind kind;
	struct tsr_rect rect; /* desktop coordinates, clipped to the overlay area */
	uint32_t rgb;         /* XRGB colour of the fill or the text */
	const char *text;     /* TEXT: UTF-8, ellipsized to rect's width, centred vertically */
	int32_t px;           /* TEXT: pixel size, 6..256 */
	enum tsr_align align; /* TEXT: horizontal alignment in rect */
};

/* Set (or replace) the overlay; items and their texts are copied. false + error, changing
 * nothing, for more than TSR_OVERLAY_MAX_ITEMS items, an unknown kind or alignment, or text that
 * is empty, too long (TSR_SCENE_MAX_TEXT), not UTF-8 or of a size outside 6..256. */
bool tsr_scene_set_overlay(struct tsr_scene *scene, uint32_t background_rgb,
			   const struct tsr_overlay_item *items, int n_items, GError **error)
	__attribute__((warn_unused_result));
/* Back to the desktop. */
void tsr_scene_clear_overlay(struct tsr_scene *scene);
bool tsr_scene_has_overlay(const struct tsr_scene *scene);
/* The area an overlay covers (everything under the top bar), to lay screens out in. */
struct tsr_rect tsr_scene_overlay_area(const struct tsr_scene *scene);
/* Width in pixels of UTF-8 text at pixel size px in the trusted font (0 for invalid input). */
int32_t tsr_scene_text_width(struct tsr_scene *scene, const char *text, int32_t px);

/* --- geometry, for the input router ------------------------------------------------------ */

/* The desktop rectangle where the domain's pixels are shown now. false (and *rect empty) when
 * the domain is not shown in the current layout or has no surface. */
bool tsr_scene_domain_content_rect(const struct tsr_scene_domain *domain, struct tsr_rect *rect);

/* The frame the domain is shown in now (its tile inside border and label: the largest its
 * content can be), whether or not it has a surface; the size the kiosk asks a guest to take.
 * false (and *rect empty) when the domain is not shown in the current layout. */
bool tsr_scene_domain_frame_rect(const struct tsr_scene_domain *domain, struct tsr_rect *rect);

/* Map a desktop point to surface coordinates of the domain (the surface pixel shown there).
 * false when the point is outside the domain's content rectangle. */
bool tsr_scene_map_to_surface(const struct tsr_scene_domain *domain, int32_t desktop_x,
			      int32_t desktop_y, int32_t *surface_x, int32_t *surface_y)
	__attribute__((warn_unused_result));

enum tsr_hit {
	TSR_HIT_NONE,      /* outside the output, or the empty desktop */
	TSR_HIT_OVERLAY,   /* a trusted screen (overlay) covers the point */
	TSR_HIT_TOP_BAR,   /* trusted top bar */
	TSR_HIT_CHROME,    /* a domain's border or name label (*domain set) */
	TSR_HIT_LETTERBOX, /* inside a domain's tile but outside its content (*domain set) */
	TSR_HIT_CONTENT,   /* inside a domain's content rectangle (*domain set) */
};
/* What is under the desktop point; *domain (if domain is non-NULL) gets the domain or NULL. */
enum tsr_hit tsr_scene_hit_test(const struct tsr_scene *scene, int32_t x, int32_t y,
				struct tsr_scene_domain **domain);

/* --- composing ------------------------------------------------------------------------------ */

/* True when something changed since the last compose. */
bool tsr_scene_has_damage(const struct tsr_scene *scene);
/* Mark the whole output damaged (after a lost frame, a new output...). */
void tsr_scene_damage_all(struct tsr_scene *scene);
/* Called whenever the scene goes from clean to damaged, so a loop can schedule a frame
 * (render-loop.h). fn NULL removes it. */
void tsr_scene_set_damage_notify(struct tsr_scene *scene, void (*fn)(void *data), void *data);

/* Recompose every damaged region into the shadow buffer and return the damaged rectangles
 * (non-overlapping, inside the output; owned by the scene and valid until the next call to any
 * scene function); *n is 0 when nothing changed. The scene is clean afterwards. */
const struct tsr_rect *tsr_scene_compose(struct tsr_scene *scene, int *n);
/* The same in two steps, for outputs that draw frames themselves: take the damaged rectangles
 * (as compose returns them; the scene is clean afterwards) ... */
const struct tsr_rect *tsr_scene_take_damage(struct tsr_scene *scene, int *n);
/* ... and draw rectangles into the shadow buffer as the scene looks now. */
void tsr_scene_draw_rects(struct tsr_scene *scene, const struct tsr_rect *rects, int n);
/* Draw rectangles straight into target, an image of the scene's size that is only ever written
 * (a scanout buffer, often write-combined): the domains' pixels are scaled into it directly;
 * wherever the scene blends (text, chrome, overlay, pointer) the pixels are drawn in the shadow
 * buffer and copied, so nothing is read back from target. The shadow is then no picture of
 * the desktop: use either this or compose/draw_rects for one output. Returns the bytes written. */
uint64_t tsr_scene_render(struct tsr_scene *scene, const struct tsr_image *target,
			  const struct tsr_rect *rects, int n);
/* The shadow buffer (output-sized; valid until the next resize or destroy). */
const struct tsr_image *tsr_scene_shadow(const struct tsr_scene *scene);

#endif
