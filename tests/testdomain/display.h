/* tests/testdomain/display.h: the test domain's display device on libspice-server's QXL API.
 *
 * tessera-testdomain has no guest: it plays the part of QEMU's display device itself. It owns
 * a primary surface and hands spice-server one COPY drawable per update, carrying a private
 * copy of the updated pixels. spice-server's display worker runs in its own thread and pulls
 * those commands (get_command) and gives them back (release_resource) from there, so the queue
 * between the two threads is locked; everything else runs in the main thread. */
#ifndef TSR_TESTS_TESTDOMAIN_DISPLAY_H
#define TSR_TESTS_TESTDOMAIN_DISPLAY_H

#include <spice.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsr_td_display;

/* Register the display interface with server and create a w x h primary surface. */
struct tsr_td_display *tsr_td_display_create(SpiceServer *server, int w, int h);
void tsr_td_display_destroy(struct tsr_td_display *d);

/* Queue the rectangle (x, y, w, h) of an XRGB8888 image (the whole surface, stride bytes per
 * row) for sending. Returns false, queueing nothing, when the rectangle is not inside the
 * surface or when max_in_flight updates are still held by spice-server (a slow or absent
 * client: the caller drops this frame instead of piling up memory). */
bool tsr_td_display_push(struct tsr_td_display *d, const uint32_t *image, size_t stride, int x,
			 int y, int w, int h, unsigned max_in_flight);

/* Set the domain's cursor shape: ARGB8888 with straight alpha (as QXL carries it), w x h. */
void tsr_td_display_set_cursor(struct tsr_td_display *d, const uint32_t *argb, int w, int h,
			       int hot_x, int hot_y);

/* A guest mode change: drop queued updates, destroy the primary surface and create a new one. */
void tsr_td_display_resize(struct tsr_td_display *d, int w, int h);

/* Play a guest whose display follows the client (with tests/testdomain/agent.h, so the client
 * sends its monitors config): fn gets the size of the config's first monitor, in the main
 * thread; the caller decides whether to change mode. */
void tsr_td_display_follow_monitors(struct tsr_td_display *d,
				    void (*fn)(void *opaque, int w, int h), void *opaque);

#endif
