/* tests/integration/kiosk-process.h: the real tessera-kiosk in standalone mode, run by a test.
 *
 * Shared by the tests that drive the kiosk program itself (kiosk-display-test, the hostile
 * viewer tests in tests/hostile/): start it on a headless output with domains, read the event
 * lines it prints (kiosk/standalone.h), take screenshots on SIGUSR1, stop it and check it exited
 * cleanly. Viewers run as the test viewer user. */
#ifndef TSR_TESTS_INTEGRATION_KIOSK_PROCESS_H
#define TSR_TESTS_INTEGRATION_KIOSK_PROCESS_H

#include "renderer/image.h"

#include <glib.h>
#include <stdint.h>

struct kiosk {
	GPid pid;
	int out;
	GString *pending;
	char *shot;
	GHashTable *geo; /* name -> int[4], the latest geometry line seen */
};

/* Start the kiosk on headless:1280x720 with --reattach-ms 10, the given layout, the extra
 * options in extra (NULL-terminated, may be NULL; later options win) and one --domain per
 * NAME:COLOR:SOCKET argument (NULL-terminated). */
void kiosk_start(struct kiosk *k, const char *dir, const char *layout, const char *const *extra,
		 ...) G_GNUC_NULL_TERMINATED;
/* Next stdout line starting with prefix (others are skipped), or NULL after 30 s or at EOF. */
char *kiosk_wait(struct kiosk *k, const char *prefix);
/* The latest non-empty geometry of name (waiting for one if there is none yet). Clear it with
 * g_hash_table_remove(k->geo, name) before a change to wait for the new one. */
void kiosk_geometry(struct kiosk *k, const char *name, int g[4]);
/* A screenshot of the output as it is now (a round trip to the kiosk). */
struct tsr_image *kiosk_screenshot(struct kiosk *k);
/* SIGTERM; asserts the kiosk exits with status 0 within 20 s. */
void kiosk_stop(struct kiosk *k);

/* The RGB of a pixel of an image. */
uint32_t image_px(const struct tsr_image *img, int x, int y);

#endif
