/* proto/console-link.h: the kiosk's side of tessera-console.
 *
 * The broker starts the console (proto/console-spawn.h) and hands the kiosk the other end of its
 * link, which the kiosk wraps (tsr_console_link_wrap); tests that run as root may still spawn it
 * here. The kiosk owns a memfd holding the composited
 * desktop (sealed against shrinking and growing, so the console can map it safely), tells the
 * console which rectangles changed, and receives the remote client's keys and pointer as
 * callbacks. Every console message is checked before a callback sees it: the console parses a
 * remote SPICE stream, so the kiosk treats it as untrusted. A console that misbehaves is killed
 * and reported through the closed callback; it never takes the kiosk down.
 *
 * Typical use in the kiosk:
 *   link = tsr_console_link_spawn(&options, &callbacks, kiosk, &error);
 *   tsr_console_link_attach(link, NULL);                  // dispatch from the GLib main loop
 *   after composing each frame, beside tsr_output_present(output, shadow, rects, n):
 *     tsr_console_link_present(link, shadow, rects, n);   // copies just those rects
 *   tsr_console_link_destroy(link);
 * or, drawing into the console's own memfd: tsr_console_link_set_surface once per size, then
 * tsr_console_link_damage after each frame; and without GLib, poll tsr_console_link_fd and call
 * tsr_console_link_dispatch. */
#ifndef TSR_PROTO_CONSOLE_LINK_H
#define TSR_PROTO_CONSOLE_LINK_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/console.h"
#include "proto/console-spawn.h"
#include "renderer/image.h"

struct tsr_console_link_callbacks {
	/* The console listens and is sandboxed. */
	void (*ready)(void *data);
	/* scancode as in console-proto.h (set 1; 0x100 | code after E0, 0x200 | code after E1). */
	void (*key)(void *data, uint16_t scancode, bool down);
	/* x, y inside the current surface (desktop pixels); buttons TSR_CONSOLE_BUTTON_* held after
	 * this event (diff with the previous call for presses and releases); wheel -1 for one
	 * notch up, 1 for one down, 0 none. Note input/router.h counts wheel notches positive-up:
	 * hand it -wheel. Keys go to tsr_input_router_scancode as they are. */
	void (*pointer)(void *data, uint32_t x, uint32_t y, uint32_t buttons, int wheel);
	/* Number of remote clients connected now (for a trusted "console in use" notice). */
	void (*clients)(void *data, unsigned clients);
	/* The console is gone or was cut off; why says what happened. No callback follows. */
	void (*closed)(void *data, const char *why);
};
/* Callbacks run from tsr_console_link_dispatch (or the attached GLib source) and must not
 * destroy the link: destroy it once dispatch has returned -1, e.g. from an idle callback. */

struct tsr_console_link;

/* Start the console (options NULL: all defaults, its stderr the kiosk's own). Callbacks may be
 * NULL. NULL with a GError on failure. */
struct tsr_console_link *tsr_console_link_spawn(const struct tsr_console_spawn_options *options,
						const struct tsr_console_link_callbacks *callbacks,
						void *data, GError **error)
	__attribute__((warn_unused_result));

/* Use an already connected console socket instead of spawning (tests and the fuzz target). The
 * link owns sock; there is no process to wait for or kill. NULL if sock cannot be made
 * non-blocking. */
struct tsr_console_link *tsr_console_link_wrap(int sock,
					       const struct tsr_console_link_callbacks *callbacks,
					       void *data) __attribute__((warn_unused_result));

/* Make (or remake, after a size change) the desktop memfd and send it to the console. Returns
 * the pixels (XRGB8888, *stride bytes per row, zeroed), valid until the next set_surface or
 * destroy, or NULL with errno. The console may copy the surface at any time from now on, so
 * after drawing the first frame into it, send damage for it like for any later frame. */
uint32_t *tsr_console_link_set_surface(struct tsr_console_link *link, uint32_t width,
				       uint32_t height, uint32_t *stride)
	__attribute__((warn_unused_result));

/* Tell the console that these rectangles changed. Rectangles are clipped to the surface and
 * empty ones skipped; any number is fine (sent TSR_CONSOLE_DAMAGE_MAX per message). 0 or -1
 * (the link is cut off).
 *
 * The kiosk never blocks on the console: when the console does not keep up (or has stopped
 * reading, as a hijacked one might), set_surface, damage and set_leds keep the newest surface,
 * the newest LEDs and the bounding box of the unsent damage, and send them once there is room:
 * from the GLib source if attached, otherwise poll tsr_console_link_fd for writing too while
 * tsr_console_link_wants_write says so, and call tsr_console_link_dispatch. */
int tsr_console_link_damage(struct tsr_console_link *link, const struct tsr_console_rect *rects,
			    size_t count) __attribute__((warn_unused_result));

/* Tell remote clients the lock LEDs (TSR_CONSOLE_LED_*) of what has the keyboard now. 0 or -1
 * (EINVAL for unknown bits). */
int tsr_console_link_set_leds(struct tsr_console_link *link, uint32_t leds)
	__attribute__((warn_unused_result));

/* The console as one more output of the compositor: copy the n rectangles of shadow (clipped
 * to it) into the desktop memfd and send them as damage, as tsr_output_present does for a
 * screen. When shadow's size differs from the console's surface (the first call, an output
 * change) the surface is remade and all of shadow is copied. 0 or -1 with errno. */
int tsr_console_link_present(struct tsr_console_link *link, const struct tsr_image *shadow,
			     const struct tsr_rect *rects, int n) __attribute__((warn_unused_result));

/* Something is waiting to be sent (see tsr_console_link_damage). */
bool tsr_console_link_wants_write(const struct tsr_console_link *link);

/* The socket to poll for console messages. */
int tsr_console_link_fd(const struct tsr_console_link *link);
/* Read and dispatch every waiting message. Returns 0, or -1 once the link is closed (the closed
 * callback has run then; destroy the link). */
int tsr_console_link_dispatch(struct tsr_console_link *link);
/* Dispatch from a GLib main context (NULL = default) instead of polling yourself. */
void tsr_console_link_attach(struct tsr_console_link *link, GMainContext *context);

pid_t tsr_console_link_pid(const struct tsr_console_link *link);

/* Wait up to timeout_ms for the console to exit and reap it. Returns 1 with its wait status in
 * *status, 0 if it is still running, -1 on error. After 1, destroy does not wait again. */
int tsr_console_link_wait(struct tsr_console_link *link, int timeout_ms, int *status)
	__attribute__((warn_unused_result));

/* Close the link (the console exits on its own), wait up to a second, then kill it. NULL ok. */
void tsr_console_link_destroy(struct tsr_console_link *link);

#endif
