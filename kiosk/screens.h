/* kiosk/screens.h: the kiosk's trusted screens, drawn by dom0 alone.
 *
 * Each screen of the session (kiosk/session.h) is a scene overlay (renderer/scene.h) of fills
 * and text: while it is up no domain pixel is anywhere on screen and no domain gets pointer
 * input. The desktop is the scene itself with the overlay removed. Drawing also returns where
 * the clickable things are (picker tiles, the log-out button, the login fields), so a click is
 * judged on the very geometry that was drawn. The top bar's lock state and notification follow
 * the session; the clock is the caller's (a fixed text in tests). */
#ifndef TSR_KIOSK_SCREENS_H
#define TSR_KIOSK_SCREENS_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "kiosk/session.h"
#include "renderer/scene.h"

enum tsr_kiosk_target_kind {
	TSR_KIOSK_TARGET_TILE,   /* index: the domain's picker index */
	TSR_KIOSK_TARGET_LOGOUT, /* index: n_domains */
	TSR_KIOSK_TARGET_FIELD,  /* index: 0 user name, 1 password */
};

struct tsr_kiosk_target {
	enum tsr_kiosk_target_kind kind;
	size_t index;
	struct tsr_rect rect; /* desktop pixels */
};

#define TSR_KIOSK_MAX_TARGETS (TSR_KIOSK_SESSION_MAX_DOMAINS + 4)
struct tsr_kiosk_targets {
	struct tsr_kiosk_target t[TSR_KIOSK_MAX_TARGETS];
	size_t n;
};

/* Show the session's current screen in scene (overlay, top-bar lock state and notification)
 * and fill targets (may be NULL). false + error only if the scene refused an item, which is a
 * bug: the screen then shows a plain locked overlay rather than anything half-drawn. */
bool tsr_kiosk_screens_draw(struct tsr_scene *scene, const struct tsr_session *session,
			    struct tsr_kiosk_targets *targets, GError **error)
	__attribute__((warn_unused_result));

/* The target under desktop point (x, y), or NULL. */
const struct tsr_kiosk_target *tsr_kiosk_targets_hit(const struct tsr_kiosk_targets *targets,
						     int32_t x, int32_t y);

#endif
