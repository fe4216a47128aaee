/* renderer/scene.c: the scene's state and every public setter. Each change works out what it
 * moves on screen and damages exactly that (or the whole desktop when the geometry changes);
 * compose.c turns the damage into pixels. */
#include "config.h"

#include <string.h>

#include "renderer/scene-private.h"
#include "proto/display.h"

static const char *const layout_names[] = { "single", "tiled" };
static const char *const filter_names[] = { "nearest", "bilinear" };

bool tsr_layout_parse(const char *name, enum tsr_layout *layout)
{
	for (unsigned i = 0; name != NULL && i < G_N_ELEMENTS(layout_names); i++) {
		if (strcmp(name, layout_names[i]) == 0) {
			*layout = (enum tsr_layout)i;
			return true;
		}
	}
	return false;
}

bool tsr_filter_parse(const char *name, enum tsr_filter *filter)
{
	for (unsigned i = 0; name != NULL && i < G_N_ELEMENTS(filter_names); i++) {
		if (strcmp(name, filter_names[i]) == 0) {
			*filter = (enum tsr_filter)i;
			return true;
		}
	}
	return false;
}

const char *tsr_layout_name(enum tsr_layout layout)
{
	return (unsigned)layout < G_N_ELEMENTS(layout_names) ? layout_names[layout] : NULL;
}

const char *tsr_filter_name(enum tsr_filter filter)
{
	return (unsigned)filter < G_N_ELEMENTS(filter_names) ? filter_names[filter] : NULL;
}

/* Checked copy of caller text; what names the text in errors. */
bool tsr_scene_check_text(const char *text, size_t max, bool allow_empty, const char *what,
			  GError **error)
{
	if (text == NULL || (!allow_empty && text[0] == '\0')) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "%s is empty; give a non-empty UTF-8 string", what);
		return false;
	}
	size_t len = strlen(text);
	if (len > max) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "%s is %zu bytes long; the limit is %zu", what, len, max);
		return false;
	}
	if (!g_utf8_validate(text, (gssize)len, NULL)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "%s is not valid UTF-8", what);
		return false;
	}
	for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c)) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "%s contains control character U+%04X", what, c);
			return false;
		}
	}
	return true;
}

/* Where each domain is shown now; called after anything that can move tiles. */
void tsr_scene_relayout(struct tsr_scene *scene)
{
	int shown = scene->layout == TSR_LAYOUT_SINGLE ? (scene->focus != NULL ? 1 : 0)
						       : scene->n_domains;
	if (scene->overlay)
		shown = 0;
	tsr_layout_compute(scene->layout, scene->width, scene->height, shown, &scene->geometry);
	int next = 0;
	for (int i = 0; i < scene->n_domains; i++) {
		struct tsr_scene_domain *d = scene->domains[i];
		d->tile = -1;
		d->content = (struct tsr_rect){ 0, 0, 0, 0 };
		if (scene->layout == TSR_LAYOUT_SINGLE && d != scene->focus)
			continue;
		if (next >= scene->geometry.n_tiles)
			continue;
		d->tile = next++;
		if (d->src != NULL)
			d->content = tsr_layout_fit(&scene->geometry.tiles[d->tile].inner,
						    d->pixels.width, d->pixels.height);
	}
	tsr_scene_damage_all(scene);
}

static bool alloc_shadow(struct tsr_scene *scene, int32_t width, int32_t height, GError **error)
{
	if (width < 0 || height < 0 || width > TSR_IMAGE_MAX_SIDE || height > TSR_IMAGE_MAX_SIDE ||
	    (width == 0) != (height == 0)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "scene size %dx%d is out of range: each side 1..%d, or 0x0 for none",
			    width, height, TSR_IMAGE_MAX_SIDE);
		return false;
	}
	struct tsr_image *shadow = NULL;
	pixman_image_t *img = NULL;
	if (width > 0) {
		shadow = tsr_image_create(width, height, error);
		if (shadow == NULL)
			return false;
		img = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height, shadow->pixels,
					       shadow->stride);
	}
	if (scene->shadow_img != NULL)
		pixman_image_unref(scene->shadow_img);
	tsr_image_destroy(scene->shadow);
	scene->shadow = shadow;
	scene->shadow_img = img;
	scene->dst = img;
	scene->width = width;
	scene->height = height;
	scene->pointer_drawn = (struct tsr_rect){ 0, 0, 0, 0 };
	scene->pointer_x = CLAMP(scene->pointer_x, 0, MAX(width - 1, 0));
	scene->pointer_y = CLAMP(scene->pointer_y, 0, MAX(height - 1, 0));
	return true;
}

struct tsr_scene *tsr_scene_create(int32_t width, int32_t height, GError **error)
{
	struct tsr_font *font = tsr_font_open(TSR_FONT_PATH, error);
	if (font == NULL)
		return NULL;
	struct tsr_scene *scene = g_new0(struct tsr_scene, 1);
	scene->font = font;
	scene->layout = TSR_LAYOUT_TILED;
	scene->filter = TSR_FILTER_BILINEAR;
	scene->clock = g_strdup("");
	scene->notification = g_strdup("");
	scene->clipboard = g_strdup("");
	pixman_region32_init(&scene->damage);
	if (!alloc_shadow(scene, width, height, error)) {
		tsr_scene_destroy(scene);
		return NULL;
	}
	scene->pointer_x = width / 2;
	scene->pointer_y = height / 2;
	tsr_scene_relayout(scene);
	return scene;
}

static void domain_free(struct tsr_scene_domain *d)
{
	if (d->src != NULL)
		pixman_image_unref(d->src);
	if (d->cursor != NULL)
		pixman_image_unref(d->cursor);
	g_free(d->name);
	g_free(d->message);
	g_free(d);
}

void tsr_scene_destroy(struct tsr_scene *scene)
{
	if (scene == NULL)
		return;
	for (int i = 0; i < scene->n_domains; i++)
		domain_free(scene->domains[i]);
	if (scene->shadow_img != NULL)
		pixman_image_unref(scene->shadow_img);
	tsr_image_destroy(scene->shadow);
	tsr_font_destroy(scene->font);
	pixman_region32_fini(&scene->damage);
	tsr_scene_free_overlay_items(scene);
	g_free(scene->clock);
	g_free(scene->notification);
	g_free(scene->clipboard);
	g_free(scene->rects);
	g_free(scene);
}

bool tsr_scene_resize(struct tsr_scene *scene, int32_t width, int32_t height, GError **error)
{
	if (!alloc_shadow(scene, width, height, error))
		return false;
	pixman_region32_clear(&scene->damage);
	tsr_scene_relayout(scene);
	return true;
}

struct tsr_scene_domain *tsr_scene_add_domain(struct tsr_scene *scene, const char *name,
					      enum tsr_color color, GError **error)
{
	if (!tsr_scene_check_text(name, TSR_SCENE_MAX_NAME, false, "domain name", error))
		return NULL;
	if (!tsr_color_valid(color)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "domain '%s': label colour %d is not in the palette (red, orange, "
			    "yellow, green, blue, purple, gray, black)", name, (int)color);
		return NULL;
	}
	if (scene->n_domains >= TSR_SCENE_MAX_DOMAINS) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "cannot add domain '%s': the scene already shows %d domains, the most "
			    "it can; remove one first", name, TSR_SCENE_MAX_DOMAINS);
		return NULL;
	}
	struct tsr_scene_domain *d = g_new0(struct tsr_scene_domain, 1);
	d->scene = scene;
	d->name = g_strdup(name);
	d->color = color;
	d->tile = -1;
	scene->domains[scene->n_domains++] = d;
	tsr_scene_relayout(scene);
	return d;
}

void tsr_scene_remove_domain(struct tsr_scene *scene, struct tsr_scene_domain *domain)
{
	if (domain == NULL)
		return;
	int i = 0;
	while (i < scene->n_domains && scene->domains[i] != domain)
		i++;
	g_return_if_fail(i < scene->n_domains);
	memmove(&scene->domains[i], &scene->domains[i + 1],
		(size_t)(scene->n_domains - i - 1) * sizeof scene->domains[0]);
	scene->n_domains--;
	if (scene->focus == domain)
		scene->focus = NULL;
	domain_free(domain);
	tsr_scene_relayout(scene);
}

void tsr_scene_domain_set_user_data(struct tsr_scene_domain *domain, void *data)
{
	domain->user_data = data;
}

void *tsr_scene_domain_get_user_data(const struct tsr_scene_domain *domain)
{
	return domain->user_data;
}

const char *tsr_scene_domain_name(const struct tsr_scene_domain *domain)
{
	return domain->name;
}

enum tsr_color tsr_scene_domain_color(const struct tsr_scene_domain *domain)
{
	return domain->color;
}

bool tsr_scene_domain_set_surface(struct tsr_scene_domain *domain, const struct tsr_pixels *pixels,
				  const char *message, GError **error)
{
	if (message != NULL &&
	    !tsr_scene_check_text(message, TSR_SCENE_MAX_TEXT, true, "display message", error))
		return false;
	pixman_image_t *src = NULL;
	if (pixels != NULL) {
		/* The viewer link refuses the same (proto/display.h): what it accepts is drawn. */
		if (pixels->width < 1 || pixels->height < 1 ||
		    (int64_t)pixels->width > (int64_t)TSR_DISPLAY_MAX_SIDE ||
		    (int64_t)pixels->height > (int64_t)TSR_DISPLAY_MAX_SIDE) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "domain '%s': surface %dx%d is out of range; each side must be "
				    "1..%u", domain->name, pixels->width, pixels->height,
				    TSR_DISPLAY_MAX_SIDE);
			return false;
		}
		if (pixels->stride % 4 != 0 || (int64_t)pixels->stride < (int64_t)pixels->width * 4 ||
		    (int64_t)pixels->stride > (int64_t)TSR_DISPLAY_MAX_STRIDE) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "domain '%s': stride %d is bad for width %d; it must be a multiple "
				    "of 4 in width * 4..%u", domain->name, pixels->stride,
				    pixels->width, TSR_DISPLAY_MAX_STRIDE);
			return false;
		}
		if (pixels->data == NULL) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "domain '%s': surface has no pixel memory", domain->name);
			return false;
		}
		/* pixman wants a non-const pointer but only ever reads a source image. */
		src = pixman_image_create_bits_no_clear(PIXMAN_x8r8g8b8, pixels->width,
							pixels->height, (uint32_t *)pixels->data,
							pixels->stride);
		/* Bilinear samples reach half a pixel past the edge: pad instead of reading
		 * outside the surface or blending in transparent black. */
		pixman_image_set_repeat(src, PIXMAN_REPEAT_PAD);
	}
	if (domain->src != NULL)
		pixman_image_unref(domain->src);
	domain->src = src;
	domain->pixels = pixels ? *pixels : (struct tsr_pixels){ 0 };
	g_free(domain->message);
	domain->message = g_strdup(message);
	/* The content rectangle may change size: everything in the tile moves. */
	tsr_scene_relayout(domain->scene);
	return true;
}

bool tsr_scene_domain_set_cursor(struct tsr_scene_domain *domain, const struct tsr_cursor *cursor,
				 GError **error)
{
	pixman_image_t *img = NULL;
	if (cursor != NULL) {
		if (cursor->width < 1 || cursor->height < 1 || cursor->width > TSR_CURSOR_MAX_SIDE ||
		    cursor->height > TSR_CURSOR_MAX_SIDE || cursor->argb == NULL) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "domain '%s': cursor %dx%d is out of range; each side must be "
				    "1..%d", domain->name, cursor->width, cursor->height,
				    TSR_CURSOR_MAX_SIDE);
			return false;
		}
		if (cursor->hot_x < 0 || cursor->hot_y < 0 || cursor->hot_x >= cursor->width ||
		    cursor->hot_y >= cursor->height) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "domain '%s': cursor hotspot %d,%d is outside its %dx%d shape",
				    domain->name, cursor->hot_x, cursor->hot_y, cursor->width,
				    cursor->height);
			return false;
		}
		img = pixman_image_create_bits(PIXMAN_a8r8g8b8, cursor->width, cursor->height,
					       NULL, 0);
		uint32_t *dst = pixman_image_get_data(img);
		int stride = pixman_image_get_stride(img) / 4;
		for (int32_t y = 0; y < cursor->height; y++) {
			for (int32_t x = 0; x < cursor->width; x++) {
				/* Premultiplied is promised; enforce it so OVER can't overflow. */
				uint32_t p = cursor->argb[(size_t)y * (size_t)cursor->width + (size_t)x];
				uint32_t a = p >> 24;
				uint32_t r = MIN((p >> 16) & 0xff, a), g = MIN((p >> 8) & 0xff, a),
					 b = MIN(p & 0xff, a);
				dst[y * stride + x] = (a << 24) | (r << 16) | (g << 8) | b;
			}
		}
		domain->cursor_hot_x = cursor->hot_x;
		domain->cursor_hot_y = cursor->hot_y;
	}
	if (domain->cursor != NULL)
		pixman_image_unref(domain->cursor);
	domain->cursor = img;
	/* Redraw the sprite at its spot (and its new extent). */
	struct tsr_scene *scene = domain->scene;
	tsr_scene_add_damage(scene, &scene->pointer_drawn);
	struct tsr_rect r = tsr_scene_pointer_rect(scene);
	tsr_scene_add_damage(scene, &r);
	return true;
}

/* The border ring of a shown domain's tile: what a focus change repaints. */
static void damage_border(struct tsr_scene *scene, struct tsr_scene_domain *d)
{
	if (d == NULL || d->tile < 0)
		return;
	const struct tsr_tile_geometry *t = &scene->geometry.tiles[d->tile];
	int32_t w = 2 * t->border;
	struct tsr_rect r = t->tile;
	struct tsr_rect parts[4] = {
		{ r.x, r.y, r.width, w },
		{ r.x, r.y + r.height - w, r.width, w },
		{ r.x, r.y, w, r.height },
		{ r.x + r.width - w, r.y, w, r.height },
	};
	for (int i = 0; i < 4; i++)
		tsr_scene_add_damage(scene, &parts[i]);
}

void tsr_scene_set_focus(struct tsr_scene *scene, struct tsr_scene_domain *domain)
{
	if (scene->focus == domain)
		return;
	struct tsr_scene_domain *old = scene->focus;
	scene->focus = domain;
	if (scene->layout == TSR_LAYOUT_TILED && !scene->overlay) {
		/* Tiles reserve room for the thick border, so nothing moves: only the two borders
		 * and the top bar's name change. */
		damage_border(scene, old);
		damage_border(scene, domain);
		tsr_scene_add_damage(scene, &scene->geometry.top_bar);
		return;
	}
	tsr_scene_relayout(scene);
}

struct tsr_scene_domain *tsr_scene_get_focus(const struct tsr_scene *scene)
{
	return scene->focus;
}

void tsr_scene_set_layout(struct tsr_scene *scene, enum tsr_layout layout)
{
	g_return_if_fail(tsr_layout_name(layout) != NULL);
	if (scene->layout == layout)
		return;
	scene->layout = layout;
	tsr_scene_relayout(scene);
}

void tsr_scene_set_filter(struct tsr_scene *scene, enum tsr_filter filter)
{
	g_return_if_fail(tsr_filter_name(filter) != NULL);
	if (scene->filter == filter)
		return;
	scene->filter = filter;
	for (int i = 0; i < scene->n_domains; i++)
		tsr_scene_add_damage(scene, &scene->domains[i]->content);
}

/* The clock and the notification are top-bar text: checked like any scene text, and the bar
 * damaged only when the text really changes. */
static bool set_top_bar_text(struct tsr_scene *scene, char **field, const char *text,
			     const char *what, GError **error)
{
	if (!tsr_scene_check_text(text, TSR_SCENE_MAX_TEXT, true, what, error))
		return false;
	if (strcmp(text, *field) == 0)
		return true;
	g_free(*field);
	*field = g_strdup(text);
	tsr_scene_add_damage(scene, &scene->geometry.top_bar);
	return true;
}

bool tsr_scene_set_clock(struct tsr_scene *scene, const char *text, GError **error)
{
	return set_top_bar_text(scene, &scene->clock, text, "clock text", error);
}

void tsr_scene_set_locked(struct tsr_scene *scene, bool locked)
{
	if (scene->locked == locked)
		return;
	scene->locked = locked;
	tsr_scene_add_damage(scene, &scene->geometry.top_bar);
}

bool tsr_scene_set_notification(struct tsr_scene *scene, const char *text, GError **error)
{
	if (text == NULL)
		text = "";
	return set_top_bar_text(scene, &scene->notification, text, "notification text", error);
}

bool tsr_scene_set_clipboard(struct tsr_scene *scene, const char *text, enum tsr_color color,
			     GError **error)
{
	if (!tsr_color_valid(color)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "clipboard colour %d is not in the palette", (int)color);
		return false;
	}
	if (!set_top_bar_text(scene, &scene->clipboard, text ? text : "", "clipboard text", error))
		return false;
	if (scene->clipboard_color != color) {
		scene->clipboard_color = color;
		tsr_scene_add_damage(scene, &scene->geometry.top_bar);
	}
	return true;
}

static void pointer_moved(struct tsr_scene *scene)
{
	struct tsr_rect r = tsr_scene_pointer_rect(scene);
	if (memcmp(&r, &scene->pointer_drawn, sizeof r) == 0 && tsr_rect_empty(&r))
		return;
	tsr_scene_add_damage(scene, &scene->pointer_drawn);
	tsr_scene_add_damage(scene, &r);
}

void tsr_scene_set_pointer(struct tsr_scene *scene, int32_t x, int32_t y)
{
	x = CLAMP(x, 0, MAX(scene->width - 1, 0));
	y = CLAMP(y, 0, MAX(scene->height - 1, 0));
	if (x == scene->pointer_x && y == scene->pointer_y)
		return;
	scene->pointer_x = x;
	scene->pointer_y = y;
	pointer_moved(scene);
}

void tsr_scene_set_pointer_visible(struct tsr_scene *scene, bool visible)
{
	if (scene->pointer_visible == visible)
		return;
	scene->pointer_visible = visible;
	pointer_moved(scene);
}

bool tsr_scene_domain_content_rect(const struct tsr_scene_domain *domain, struct tsr_rect *rect)
{
	*rect = domain->content;
	return !tsr_rect_empty(rect);
}

bool tsr_scene_domain_frame_rect(const struct tsr_scene_domain *domain, struct tsr_rect *rect)
{
	if (domain->tile < 0) {
		*rect = (struct tsr_rect){ 0, 0, 0, 0 };
		return false;
	}
	*rect = domain->scene->geometry.tiles[domain->tile].inner;
	return !tsr_rect_empty(rect);
}

static int64_t surface_coord(int64_t d, int64_t content, int64_t surface)
{
	int64_t scale = (surface << 16) / content;
	int64_t v = ((scale * (d * 65536 + 32768) + 0x8000) >> 16) - 1;
	return v < 0 ? 0 : v >> 16;
}

bool tsr_scene_map_to_surface(const struct tsr_scene_domain *domain, int32_t desktop_x,
			      int32_t desktop_y, int32_t *surface_x, int32_t *surface_y)
{
	const struct tsr_rect *c = &domain->content;
	if (!tsr_rect_contains(c, desktop_x, desktop_y))
		return false;
	/* The surface pixel nearest scaling shows there, computed as pixman does it (compose.c's
	 * 16.16 scale, the pixel centre, round half down), so a click lands on the very pixel
	 * the user sees under the pointer. */
	int64_t sx = surface_coord(desktop_x - c->x, c->width, domain->pixels.width);
	int64_t sy = surface_coord(desktop_y - c->y, c->height, domain->pixels.height);
	*surface_x = (int32_t)CLAMP(sx, 0, domain->pixels.width - 1);
	*surface_y = (int32_t)CLAMP(sy, 0, domain->pixels.height - 1);
	return true;
}

enum tsr_hit tsr_scene_hit_test(const struct tsr_scene *scene, int32_t x, int32_t y,
				struct tsr_scene_domain **domain)
{
	if (domain != NULL)
		*domain = NULL;
	if (x < 0 || y < 0 || x >= scene->width || y >= scene->height)
		return TSR_HIT_NONE;
	if (tsr_rect_contains(&scene->geometry.top_bar, x, y))
		return TSR_HIT_TOP_BAR;
	if (scene->overlay)
		return TSR_HIT_OVERLAY;
	for (int i = 0; i < scene->n_domains; i++) {
		struct tsr_scene_domain *d = scene->domains[i];
		if (d->tile < 0)
			continue;
		const struct tsr_tile_geometry *t = &scene->geometry.tiles[d->tile];
		if (!tsr_rect_contains(&t->tile, x, y))
			continue;
		if (domain != NULL)
			*domain = d;
		if (tsr_rect_contains(&d->content, x, y))
			return TSR_HIT_CONTENT;
		if (tsr_rect_contains(&t->inner, x, y))
			return TSR_HIT_LETTERBOX;
		return TSR_HIT_CHROME;
	}
	return TSR_HIT_NONE;
}

void tsr_scene_set_damage_notify(struct tsr_scene *scene, void (*fn)(void *data), void *data)
{
	scene->notify = fn;
	scene->notify_data = data;
}

const struct tsr_image *tsr_scene_shadow(const struct tsr_scene *scene)
{
	return scene->shadow;
}
