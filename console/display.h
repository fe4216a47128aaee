/* console/display.h: the kiosk's desktop as a SPICE display, without QXL hardware.
 *
 * spice-server renders QXL commands into a primary surface it owns and streams them to clients.
 * tessera-console has no guest driver producing those commands: it turns each damaged rectangle
 * of the kiosk's memfd into one QXL copy drawable (the way spice-server's own test display and
 * QEMU's non-QXL SPICE display do). Damage is kept as a pixman region and handed to the display
 * worker thread when it asks for commands, so a slow client makes rectangles merge instead of
 * piling up, and memory stays bounded by one surface. */
#ifndef TSR_CONSOLE_DISPLAY_H
#define TSR_CONSOLE_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <spice.h>

#include "proto/console.h"

struct tsr_console_display;

/* Registers a QXL interface on server (before spice_server_vm_start). NULL on failure. */
struct tsr_console_display *tsr_console_display_create(SpiceServer *server);
void tsr_console_display_destroy(struct tsr_console_display *display);

/* Show a new surface: pixels is row 0 of a read-only mapping that stays valid until the next
 * set_surface or destroy (the caller unmaps it afterwards). The whole surface counts as damaged.
 * Sizes were checked by tsr_console_check_surface. Main thread only. */
void tsr_console_display_set_surface(struct tsr_console_display *display, const uint8_t *pixels,
				     uint32_t width, uint32_t height, uint32_t stride);

/* Mark rectangles (already checked against the surface) as changed. Main thread only. */
void tsr_console_display_damage(struct tsr_console_display *display,
				const struct tsr_console_rect *rects, size_t count);

#endif
