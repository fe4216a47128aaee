/* kiosk/domain-display.h: one domain's display in the kiosk: viewer link -> scene.
 *
 * Ties a viewer link (proto/viewer-link.h: every message validated) to the domain's place
 * in the scene: surfaces, damage and cursor shapes go to the scene; a protocol violation, the
 * viewer hanging up or dying, or the domain going away turns the frame into the trusted
 * "Display lost" message and drops everything the viewer shared. A new viewer can then be
 * attached: spawned here (standalone mode, viewer-spawn.h), or handed over as a link fd by
 * whoever spawned it (the broker, or a test playing a hostile viewer). A throttled link is
 * resumed by a timer, so a flooding viewer costs bounded CPU. */
#ifndef TSR_KIOSK_DOMAIN_DISPLAY_H
#define TSR_KIOSK_DOMAIN_DISPLAY_H

#include "renderer/scene.h"
#include "proto/viewer-link.h"
#include "viewer/spawn.h"

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

struct tsr_domain_display;

struct tsr_domain_display_events {
	/* A new surface is shown (width x height). */
	void (*surface)(void *data, struct tsr_domain_display *dd, uint32_t width, uint32_t height);
	/* The display was lost; reason says why (protocol violation, viewer exit...). */
	void (*lost)(void *data, struct tsr_domain_display *dd, const char *reason);
};

struct tsr_domain_display *tsr_domain_display_create(struct tsr_scene_domain *domain,
						     const struct tsr_viewer_link_limits *limits,
						     const struct tsr_domain_display_events *events,
						     void *data);
/* Detaches (killing a viewer spawned here) and frees. NULL is fine. */
void tsr_domain_display_destroy(struct tsr_domain_display *dd);

/* Spawn a viewer with params and attach it. false + error if it could not be started. */
bool tsr_domain_display_spawn(struct tsr_domain_display *dd,
			      const struct tsr_viewer_spawn_params *params, GError **error)
	__attribute__((warn_unused_result));
/* Attach an already running viewer's link (ownership of link_fd passes here). pid is the
 * viewer's pid if this process must reap it, else 0. Any current viewer is detached first. */
void tsr_domain_display_attach(struct tsr_domain_display *dd, int link_fd, pid_t pid);

bool tsr_domain_display_attached(const struct tsr_domain_display *dd);
pid_t tsr_domain_display_viewer_pid(const struct tsr_domain_display *dd);
struct tsr_scene_domain *tsr_domain_display_scene_domain(const struct tsr_domain_display *dd);
/* Input for the domain (dropped when no viewer is attached). */
void tsr_domain_display_key(struct tsr_domain_display *dd, uint32_t scancode, bool down);
void tsr_domain_display_pointer(struct tsr_domain_display *dd, int32_t x, int32_t y,
				uint32_t buttons);

#endif
