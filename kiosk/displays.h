/* kiosk/displays.h: the domains on the desktop: one viewer link and one scene domain each.
 *
 * When the broker answers a PICK it hands the kiosk its end of the new viewer's socket; this
 * module wraps it in proto/viewer-link.h (which checks everything the untrusted viewer
 * sends), shows the surface in the scene, forwards keys and pointer events the router gives a
 * domain, and tells the session when the first frame arrives and when the display is lost.
 * It also answers the router's geometry questions from the scene, so input lands exactly where
 * the pixels are. */
#ifndef TSR_KIOSK_DISPLAYS_H
#define TSR_KIOSK_DISPLAYS_H

#include <stdbool.h>
#include <stdint.h>

#include "input/router.h"
#include "renderer/scene.h"

struct tsr_displays;

struct tsr_displays_hooks {
	/* The domain has its first frame and its viewer's input channel is up. */
	void (*first_frame)(void *data, const char *domain);
	void (*lost)(void *data, const char *domain, const char *why);
};

struct tsr_displays *tsr_displays_create(struct tsr_scene *scene,
					 const struct tsr_displays_hooks *hooks, void *data);
void tsr_displays_destroy(struct tsr_displays *displays);

/* Show domain (label colour c) from a viewer link socket (taken). Replaces an existing one of
 * that name. false (fd closed) if the scene is full or the name is refused. */
bool tsr_displays_add(struct tsr_displays *displays, const char *domain, enum tsr_color c, int fd)
	__attribute__((warn_unused_result));
/* Drop a domain's viewer and take it off the desktop (NULL-safe, unknown names ignored). */
void tsr_displays_remove(struct tsr_displays *displays, const char *domain);

/* Focus and layout, as the session says. Focus NULL: none. */
void tsr_displays_set_focus(struct tsr_displays *displays, const char *domain);
/* The router's id of a domain (-1 if not shown), and the name of an id (NULL if none). */
int tsr_displays_id(const struct tsr_displays *displays, const char *domain);
const char *tsr_displays_name(const struct tsr_displays *displays, int id);

/* Router sinks and geometry for domains. */
void tsr_displays_key(struct tsr_displays *displays, int id, uint32_t scancode, bool down);
void tsr_displays_pointer(struct tsr_displays *displays, int id, int x, int y, uint32_t buttons);
/* A button change at desktop point (x, y), mapped to the domain's surface (clamped to it). */
void tsr_displays_button_at(struct tsr_displays *displays, int id, int x, int y, uint32_t buttons);
void tsr_displays_geometry(struct tsr_displays *displays, struct tsr_input_geometry *out);

/* The router, so a display that goes away can be forgotten by it. */
void tsr_displays_set_router(struct tsr_displays *displays, struct tsr_input_router *router);

#endif
