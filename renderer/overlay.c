/* renderer/overlay.c: the kiosk's trusted screens (locked, login, picker, lock) as an overlay
 * of fills and texts over everything under the top bar. While one is set no domain is shown at
 * all, so nothing a domain draws can sit next to a password prompt. */
#include "config.h"

#include <string.h>

#include "renderer/scene-private.h"

_Static_assert((int)TSR_ALIGN_LEFT == (int)TSR_TEXT_LEFT && (int)TSR_ALIGN_CENTER == (int)TSR_TEXT_CENTER &&
		       (int)TSR_ALIGN_RIGHT == (int)TSR_TEXT_RIGHT,
	       "public and text alignments agree");

void tsr_scene_free_overlay_items(struct tsr_scene *scene)
{
	for (int i = 0; i < scene->n_items; i++)
		g_free((char *)scene->items[i].text);
	g_free(scene->items);
	scene->items = NULL;
	scene->n_items = 0;
}

struct tsr_rect tsr_scene_overlay_area(const struct tsr_scene *scene)
{
	const struct tsr_rect *bar = &scene->geometry.top_bar;
	struct tsr_rect r = { 0, bar->height, scene->width, scene->height - bar->height };
	if (tsr_rect_empty(&r))
		return (struct tsr_rect){ 0, 0, 0, 0 };
	return r;
}

bool tsr_scene_has_overlay(const struct tsr_scene *scene)
{
	return scene->overlay;
}

int32_t tsr_scene_text_width(struct tsr_scene *scene, const char *text, int32_t px)
{
	if (text == NULL || px < 1 || px > 256 || !g_utf8_validate(text, -1, NULL))
		return 0;
	return tsr_text_width(scene->font, text, px);
}

static bool item_equal(const struct tsr_overlay_item *a, const struct tsr_overlay_item *b)
{
	return a->kind == b->kind && memcmp(&a->rect, &b->rect, sizeof a->rect) == 0 &&
	       a->rgb == b->rgb && a->px == b->px && a->align == b->align &&
	       g_strcmp0(a->text, b->text) == 0;
}

bool tsr_scene_set_overlay(struct tsr_scene *scene, uint32_t background_rgb,
			   const struct tsr_overlay_item *items, int n_items, GError **error)
{
	if (n_items < 0 || n_items > TSR_OVERLAY_MAX_ITEMS || (n_items > 0 && items == NULL)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "overlay: %d items; give 0..%d", n_items, TSR_OVERLAY_MAX_ITEMS);
		return false;
	}
	for (int i = 0; i < n_items; i++) {
		const struct tsr_overlay_item *it = &items[i];
		if (it->kind != TSR_OVERLAY_FILL && it->kind != TSR_OVERLAY_TEXT) {
			g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
				    "overlay item %d: unknown kind %d (use TSR_OVERLAY_FILL or _TEXT)",
				    i, (int)it->kind);
			return false;
		}
		if (it->kind == TSR_OVERLAY_TEXT) {
			g_autofree char *what = g_strdup_printf("overlay item %d text", i);
			if (!tsr_scene_check_text(it->text, TSR_SCENE_MAX_TEXT, false, what, error))
				return false;
			if (it->px < 6 || it->px > 256 ||
			    (it->align != TSR_ALIGN_LEFT && it->align != TSR_ALIGN_CENTER &&
			     it->align != TSR_ALIGN_RIGHT)) {
				g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
					    "overlay item %d: text size %d must be 6..256 and the "
					    "alignment left, center or right", i, it->px);
				return false;
			}
		}
	}

	/* Same shape as before: damage only what changed. Otherwise the whole desktop moves. */
	bool incremental = scene->overlay && scene->overlay_rgb == background_rgb &&
			   scene->n_items == n_items;
	struct tsr_overlay_item *copy = g_new0(struct tsr_overlay_item, (gsize)MAX(n_items, 1));
	for (int i = 0; i < n_items; i++) {
		copy[i] = items[i];
		copy[i].text = items[i].kind == TSR_OVERLAY_TEXT ? g_strdup(items[i].text) : NULL;
		if (incremental && !item_equal(&copy[i], &scene->items[i])) {
			tsr_scene_add_damage(scene, &scene->items[i].rect);
			tsr_scene_add_damage(scene, &copy[i].rect);
		}
	}
	tsr_scene_free_overlay_items(scene);
	scene->items = copy;
	scene->n_items = n_items;
	scene->overlay_rgb = background_rgb;
	if (!incremental) {
		scene->overlay = true;
		tsr_scene_relayout(scene);
	}
	return true;
}

void tsr_scene_clear_overlay(struct tsr_scene *scene)
{
	if (!scene->overlay)
		return;
	tsr_scene_free_overlay_items(scene);
	scene->overlay = false;
	tsr_scene_relayout(scene);
}

void tsr_scene_draw_overlay(struct tsr_scene *scene, pixman_region32_t *region)
{
	if (!scene->overlay)
		return;
	struct tsr_rect area = tsr_scene_overlay_area(scene);
	if (tsr_rect_empty(&area))
		return;
	pixman_region32_t clip;
	pixman_region32_init_rect(&clip, area.x, area.y, (unsigned)area.width, (unsigned)area.height);
	pixman_region32_intersect(&clip, &clip, region);
	tsr_scene_fill(scene, &clip, &area, scene->overlay_rgb);
	for (int i = 0; i < scene->n_items && pixman_region32_not_empty(&clip); i++) {
		const struct tsr_overlay_item *it = &scene->items[i];
		if (it->kind == TSR_OVERLAY_FILL)
			tsr_scene_fill(scene, &clip, &it->rect, it->rgb);
		else
			tsr_text_draw(scene->font, scene->dst, &clip, &it->rect, it->text,
				      it->px, it->rgb, (enum tsr_text_align)it->align);
	}
	pixman_region32_fini(&clip);
}
