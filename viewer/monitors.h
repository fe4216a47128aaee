/* viewer/monitors.h: the size the kiosk asks of the guest, passed on as SPICE monitors config.
 *
 * spice-client-glib sends monitors config only through the guest's agent (spice-vdagent), and
 * only once the agent is connected; a guest without one keeps its mode and the kiosk scales
 * it. So the latest size asked is kept and sent when the agent connects, and sent at once
 * while it is; each request is one monitor at (0, 0), the only display a domain has. Apart
 * from viewer/spice.c, which parses the SPICE stream, because nothing here reads from it. */
#ifndef TSR_VIEWER_MONITORS_H
#define TSR_VIEWER_MONITORS_H

#include <spice-client.h>
#include <stdbool.h>
#include <stdint.h>

struct tsr_viewer_monitors;

struct tsr_viewer_monitors *tsr_viewer_monitors_create(void);
void tsr_viewer_monitors_destroy(struct tsr_viewer_monitors *m);

/* The session's main channel, once it exists (not referenced: it lives as long as the session,
 * which outlives this object's use). */
void tsr_viewer_monitors_set_channel(struct tsr_viewer_monitors *m, SpiceMainChannel *main);
/* Ask for width x height (already checked by proto/display-resize.h). */
void tsr_viewer_monitors_request(struct tsr_viewer_monitors *m, uint32_t width, uint32_t height);

#endif
