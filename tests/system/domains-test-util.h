/* tests/system/domains-test-util.h: what the domain backend tests share: the guest image
 * (built once, cached), a bounded wait for a line on a guest's serial log, and a minimal SPICE
 * client that sees a domain's primary surface and types into it. */
#ifndef TSR_TESTS_DOMAINS_TEST_UTIL_H
#define TSR_TESTS_DOMAINS_TEST_UTIL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct guest_image {
	char *dir, *kernel, *initrd, *template_path, *template_sha256;
	uint64_t template_size;
};

/* Builds (or reuses) the image under TSR_BUILDDIR/guest-image. false + message on failure. */
bool guest_image_get(struct guest_image *img, char **why);

/* Wait (inotify on the file, bounded by timeout_ms) until the file contains needle after
 * offset *from (updated past the match). Carriage returns are ignored. Runs the default main
 * context meanwhile. */
bool wait_for_text(const char *path, const char *needle, gsize *from, unsigned timeout_ms);

struct spice_probe;
/* socket_path: a unix socket path, or tcp:HOST:PORT. */
struct spice_probe *spice_probe_connect(const char *socket_path, char **why);
void spice_probe_free(struct spice_probe *p);
/* Wait until the primary surface holds text drawn by guest-hello's font at (x, y, scale). */
bool spice_probe_wait_text(struct spice_probe *p, int x, int y, int scale, const char *text,
			   unsigned timeout_ms);
/* Wait until the client mouse mode is active (the USB tablet). */
bool spice_probe_wait_client_mouse(struct spice_probe *p, unsigned timeout_ms);
void spice_probe_key(struct spice_probe *p, unsigned scancode);
void spice_probe_click(struct spice_probe *p, int x, int y);
bool spice_probe_save_ppm(struct spice_probe *p, const char *path);

#endif
