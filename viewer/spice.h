/* viewer/spice.h: the viewer's SPICE client (spice-client-glib, no GTK).
 *
 * The only code in Tessera that parses a domain's SPICE stream, and it runs only inside the
 * sandboxed tessera-viewer. It never connects anywhere: every channel gets one of the
 * already-connected sockets its spawner handed over (spice_session_open_fd for the main
 * channel, the "open-fd" signal for the others). Channels beyond main, display, inputs and
 * cursor are not opened; audio, USB redirection and smartcards are off. The primary surface
 * and its changes go to viewer-publish; keys and pointer events from the kiosk go to the
 * domain's keyboard and tablet (client mouse mode), paced by viewer/input-pace.h so the
 * guest's PS/2 keyboard never drops a key of a burst. */
#ifndef TSR_VIEWER_SPICE_H
#define TSR_VIEWER_SPICE_H

#include "viewer/clipboard.h"
#include "viewer/publish.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsr_viewer_spice;

/* Called once when the domain's SPICE connection ends (or cannot start). */
typedef void (*tsr_viewer_spice_gone_func)(void *opaque, const char *why);

/* Create the session object (this loads GLib types and spice-client-glib's own state, which
 * is why it happens before the sandbox); nothing is read until tsr_viewer_spice_start.
 * Takes ownership of fds[0..nfds). */
struct tsr_viewer_spice *tsr_viewer_spice_create(const int *fds, size_t nfds,
						 struct tsr_viewer_publish *pub,
						 tsr_viewer_spice_gone_func gone, void *opaque);
void tsr_viewer_spice_destroy(struct tsr_viewer_spice *s);
bool tsr_viewer_spice_start(struct tsr_viewer_spice *s) __attribute__((warn_unused_result));

/* scancode: set 1, 0xe0-prefixed keys as 0xe0NN. */
void tsr_viewer_spice_key(struct tsr_viewer_spice *s, uint32_t scancode, bool down);
void tsr_viewer_spice_pointer(struct tsr_viewer_spice *s, int32_t x, int32_t y, uint32_t buttons);
/* Release every key and button this viewer pressed. */
void tsr_viewer_spice_release_all(struct tsr_viewer_spice *s);
/* The guest's clipboard goes through c (borrowed); set before tsr_viewer_spice_start. */
void tsr_viewer_spice_set_clipboard(struct tsr_viewer_spice *s, struct tsr_viewer_clipboard *c);
/* Ask the guest's agent for this mode (viewer/monitors.h); already checked. */
void tsr_viewer_spice_resize(struct tsr_viewer_spice *s, uint32_t width, uint32_t height);

#endif
