/* kiosk/displays.h: the kiosk's one display stack: a viewer link per domain, applied to the scene.
 *
 * Broker mode and standalone mode both show domains through here, so the code that turns an
 * untrusted viewer's messages into pixels on screen exists once. Each display is one scene
 * domain plus, while a viewer is attached, its link (proto/viewer-link.h, which checks
 * everything the viewer sends). The viewer's link fd comes from whoever spawned it (the broker
 * hands it over with its answer to a PICK), or the viewer is spawned here (standalone mode,
 * viewer/spawn.h) and reaped here. Surfaces, damage and cursor shapes go to the scene; keys and
 * pointer events the router gives a domain go to its viewer; the router's geometry questions are
 * answered from the scene, so input lands exactly where the pixels are.
 *
 * A protocol violation, a surface the scene refuses, the viewer hanging up or dying, or the
 * domain's display going away cuts the viewer off: the scene first drops the viewer's pixels and
 * cursor for the trusted "Display lost" message, then the link unmaps them, so the scene never
 * holds a pointer into memory that is gone. The display stays in the scene until removed; a new
 * viewer can be attached to it. A flooding viewer is throttled: its fd watch pauses until the
 * link's token bucket refills, so other domains keep their frame rate. */
#ifndef TSR_KIOSK_DISPLAYS_H
#define TSR_KIOSK_DISPLAYS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>

#include "input/router.h"
#include "proto/clipboard.h"
#include "renderer/scene.h"
#include "viewer/spawn.h"

struct tsr_displays;

struct tsr_displays_hooks {
	/* The domain has its first frame and its viewer's input channel is up. */
	void (*first_frame)(void *data, const char *domain);
	/* A new surface (width x height) is shown. Optional. */
	void (*surface)(void *data, const char *domain, uint32_t width, uint32_t height);
	/* The viewer was cut off (why says what happened); the display shows "Display lost". The
	 * hook may remove the display. */
	void (*lost)(void *data, const char *domain, const char *why);
	/* domain's viewer answered a clipboard request (kiosk/clipboard.h takes it). Optional. */
	void (*clipboard)(void *data, const char *domain, struct tsr_clipboard_answer *answer);
};

struct tsr_displays *tsr_displays_create(struct tsr_scene *scene,
					 const struct tsr_displays_hooks *hooks, void *data);
/* Cuts every viewer off (killing those spawned here) without calling hooks. Accepts NULL. */
void tsr_displays_destroy(struct tsr_displays *displays);

/* A display for domain (label colour c) with no viewer yet ("Waiting for display"). false +
 * error if the scene is full, the name is refused or the domain is shown already. */
bool tsr_displays_show(struct tsr_displays *displays, const char *domain, enum tsr_color c,
		       GError **error) __attribute__((warn_unused_result));
/* Attach a running viewer's link socket (taken) to domain's display, cutting off any viewer it
 * has. pid: the viewer's pid when this process must reap it, else 0. false (fd closed, pid
 * killed) if the domain is not shown or the link cannot be set up. */
bool tsr_displays_attach(struct tsr_displays *displays, const char *domain, int fd, pid_t pid)
	__attribute__((warn_unused_result));
/* Spawn a viewer for domain's display and attach it; reaped here. */
bool tsr_displays_spawn(struct tsr_displays *displays, const char *domain,
			const struct tsr_viewer_spawn_params *params, GError **error)
	__attribute__((warn_unused_result));
/* Broker mode's pick: show domain afresh (replacing an existing display of that name) with a
 * viewer link socket (taken). false (fd closed) if the scene is full or the name is refused. */
bool tsr_displays_add(struct tsr_displays *displays, const char *domain, enum tsr_color c, int fd)
	__attribute__((warn_unused_result));
/* Drop a domain's viewer and take it off the desktop (NULL-safe, unknown names ignored). */
void tsr_displays_remove(struct tsr_displays *displays, const char *domain);

/* Whether domain has a viewer attached; its pid if spawned here (else 0); its scene domain
 * (NULL if not shown). */
bool tsr_displays_attached(const struct tsr_displays *displays, const char *domain);
pid_t tsr_displays_viewer_pid(const struct tsr_displays *displays, const char *domain);
struct tsr_scene_domain *tsr_displays_scene_domain(const struct tsr_displays *displays,
						   const char *domain);

/* Focus, as the session says: the focused domain in the scene it is in. NULL: no scene has a
 * focused domain. */
void tsr_displays_set_focus(struct tsr_displays *displays, const char *domain);
/* The layout, focus, overlay or output changed: each connected viewer's guest is asked for
 * the size of its domain's frame once that size has settled (kiosk/resize-debounce.h). */
void tsr_displays_frames_changed(struct tsr_displays *displays);
/* The router's id of a domain (-1 if not shown), and the name of an id (NULL if none). */
int tsr_displays_id(const struct tsr_displays *displays, const char *domain);
const char *tsr_displays_name(const struct tsr_displays *displays, int id);

/* Router sinks and geometry for domains. */
void tsr_displays_key(struct tsr_displays *displays, int id, uint32_t scancode, bool down);
void tsr_displays_pointer(struct tsr_displays *displays, int id, int x, int y, uint32_t buttons);
/* A button change at desktop point (x, y), mapped to the domain's surface (clamped to it). */
void tsr_displays_button_at(struct tsr_displays *displays, int id, int x, int y, uint32_t buttons);
void tsr_displays_geometry(struct tsr_displays *displays, struct tsr_input_geometry *out);

/* Ask domain's viewer for its guest's clipboard, or hand it text to paste: false when domain
 * has no connected viewer or the link refused. */
bool tsr_displays_clipboard_request(struct tsr_displays *displays, const char *domain,
				    uint32_t max_bytes) __attribute__((warn_unused_result));
bool tsr_displays_clipboard_paste(struct tsr_displays *displays, const char *domain,
				  const char *text, size_t len) __attribute__((warn_unused_result));

/* --- several outputs: one scene each, a display in one of them ------------------------------- */

/* The scene new displays are shown in from now on (at first tsr_displays_create's). */
void tsr_displays_set_scene(struct tsr_displays *displays, struct tsr_scene *scene);
/* The scene domain's display is in (NULL if not shown). */
struct tsr_scene *tsr_displays_scene_of(const struct tsr_displays *displays, const char *domain);
/* Show domain's display in scene instead, with its surface (the viewer carries on); the guest
 * is asked for its new frame's size by the next tsr_displays_frames_changed. false + error,
 * nothing changed, if it is not shown or scene is full. */
bool tsr_displays_move(struct tsr_displays *displays, const char *domain, struct tsr_scene *scene,
		       GError **error) __attribute__((warn_unused_result));
/* Where each scene is on the desktop the router sees (the outputs in their arrangement), so
 * input lands in the domain under the pointer on whichever output it is: at most
 * TSR_DISPLAYS_HEADS_MAX (copied). A display whose scene is not listed gets no pointer input. */
struct tsr_displays_head {
	struct tsr_scene *scene;
	struct tsr_rect rect; /* desktop coordinates */
};
void tsr_displays_set_heads(struct tsr_displays *displays, const struct tsr_displays_head *heads,
			    int n);
/* How many displays there are, and the i-th one's domain (NULL past the end). */
int tsr_displays_count(const struct tsr_displays *displays);
const char *tsr_displays_nth(const struct tsr_displays *displays, int i);

/* The router, so a display that goes away can be forgotten by it. */
void tsr_displays_set_router(struct tsr_displays *displays, struct tsr_input_router *router);

#endif
