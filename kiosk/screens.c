/* kiosk/screens.c: picks the screen for the session's state and hands it to the scene.
 *
 * Every screen is built from scratch on each draw (they are a few dozen items); the scene
 * compares items and recomposes only those that changed, so typing a password redraws one
 * line of dots. */
#include "config.h"
#include "kiosk/screens-private.h"

#include <stdarg.h>
#include <string.h>

void ks_fill(struct ks_builder *b, struct tsr_rect r, uint32_t rgb)
{
	if (b->n == TSR_OVERLAY_MAX_ITEMS || tsr_rect_empty(&r))
		return;
	b->items[b->n++] = (struct tsr_overlay_item){ .kind = TSR_OVERLAY_FILL, .rect = r, .rgb = rgb };
}

void ks_text(struct ks_builder *b, struct tsr_rect r, uint32_t rgb, int32_t px, enum tsr_align align,
	     const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (b->n == TSR_OVERLAY_MAX_ITEMS || tsr_rect_empty(&r))
		return;
	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!text[0] || strlen(text) > TSR_SCENE_MAX_TEXT) {
		/* The scene refuses longer text: cut it on a character boundary. */
		if (text[0]) {
			const char *end = g_utf8_find_prev_char(text, text + TSR_SCENE_MAX_TEXT);
			text[end ? end - text : 0] = 0;
		}
		if (!text[0]) {
			g_free(text);
			return;
		}
	}
	px = CLAMP(px, 6, 256);
	b->texts[b->n] = text;
	b->items[b->n++] = (struct tsr_overlay_item){ .kind = TSR_OVERLAY_TEXT, .rect = r, .rgb = rgb,
						      .text = text, .px = px, .align = align };
}

void ks_box(struct ks_builder *b, struct tsr_rect r, uint32_t rgb, int32_t w, uint32_t ring_rgb)
{
	if (w > 0)
		ks_fill(b, (struct tsr_rect){ r.x - w, r.y - w, r.width + 2 * w, r.height + 2 * w },
			ring_rgb);
	ks_fill(b, r, rgb);
}

void ks_target(struct ks_builder *b, enum tsr_kiosk_target_kind kind, size_t index,
	       struct tsr_rect r)
{
	if (!b->targets || b->targets->n == TSR_KIOSK_MAX_TARGETS)
		return;
	b->targets->t[b->targets->n++] = (struct tsr_kiosk_target){ kind, index, r };
}

struct tsr_rect ks_row(const struct ks_builder *b, int32_t y, int32_t w, int32_t h)
{
	w = MIN(w, b->area.width);
	return (struct tsr_rect){ b->area.x + (b->area.width - w) / 2, y, w, h };
}

void ks_message(struct ks_builder *b, int32_t y)
{
	bool error = false;
	const char *m = tsr_session_message(b->session, &error);

	if (m[0])
		ks_text(b, ks_row(b, y, b->area.width - 2 * b->unit, b->unit * 3 / 2),
			error ? KS_ERROR : KS_DIM, b->unit * 3 / 4, TSR_ALIGN_CENTER, "%s", m);
}

const struct tsr_kiosk_target *tsr_kiosk_targets_hit(const struct tsr_kiosk_targets *targets,
						     int32_t x, int32_t y)
{
	for (size_t i = 0; targets && i < targets->n; i++) {
		const struct tsr_rect *r = &targets->t[i].rect;
		if (x >= r->x && y >= r->y && x < r->x + r->width && y < r->y + r->height)
			return &targets->t[i];
	}
	return NULL;
}

bool tsr_kiosk_screens_draw(struct tsr_scene *scene, const struct tsr_session *session,
			    struct tsr_kiosk_targets *targets, GError **error)
{
	struct ks_builder *b;
	enum tsr_kiosk_screen screen = tsr_session_screen(session);
	const char *note = tsr_session_notification(session);
	bool ok = true;

	if (targets)
		targets->n = 0;
	tsr_scene_set_locked(scene, screen != TSR_KIOSK_SCREEN_PICKER &&
					    screen != TSR_KIOSK_SCREEN_DESKTOP);
	if (!tsr_scene_set_notification(scene, note, NULL) &&
	    !tsr_scene_set_notification(scene, NULL, NULL))
		g_warn_if_reached();
	if (screen == TSR_KIOSK_SCREEN_DESKTOP) {
		tsr_scene_clear_overlay(scene);
		return true;
	}
	b = g_new0(struct ks_builder, 1);
	b->scene = scene;
	b->session = session;
	b->area = tsr_scene_overlay_area(scene);
	b->unit = MAX(8, b->area.height / 24);
	b->targets = targets;
	if (!tsr_rect_empty(&b->area)) {
		switch (screen) {
		case TSR_KIOSK_SCREEN_LOCKED:
			ks_screen_locked(b);
			break;
		case TSR_KIOSK_SCREEN_LOGIN:
			ks_screen_login(b);
			break;
		case TSR_KIOSK_SCREEN_PICKER:
			ks_screen_picker(b);
			break;
		case TSR_KIOSK_SCREEN_LOCK:
			ks_screen_lock(b);
			break;
		case TSR_KIOSK_SCREEN_UNLOCK:
			ks_screen_unlock(b);
			break;
		case TSR_KIOSK_SCREEN_NOT_ENROLLED:
			ks_screen_not_enrolled(b);
			break;
		case TSR_KIOSK_SCREEN_INSTALL:
			ks_screen_install(b);
			break;
		case TSR_KIOSK_SCREEN_DESKTOP:
			break;
		}
	}
	if (!tsr_scene_set_overlay(scene, KS_BACKGROUND, b->items, b->n, error)) {
		/* Never leave a domain visible because a screen failed to draw. */
		if (!tsr_scene_set_overlay(scene, KS_BACKGROUND, NULL, 0, NULL))
			g_warn_if_reached();
		if (targets)
			targets->n = 0;
		ok = false;
	}
	for (int i = 0; i < b->n; i++)
		g_free(b->texts[i]);
	g_free(b);
	return ok;
}
