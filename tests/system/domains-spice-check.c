/* tests/system/domains-spice-check.c: a host-side check for system tests: connect to a SPICE
 * unix socket and wait until the guest's screen shows a name the way tessera-guest-hello draws
 * it (exit 0), or give up after the timeout (exit 1). Optionally saves the screen as PPM.
 * With NAME --frame it waits for any drawn frame (not all black) and prints the milliseconds
 * from its start, the first-frame probe of bench/preload. With --graphics it waits for a
 * frame in a graphics mode (the guest's own display driver, not its firmware's text mode) and
 * prints its size. With --type TEXT after the name (letters, digits, spaces) it then types
 * TEXT over the inputs channel, as the viewer forwards keys, and waits for guest-hello to draw
 * "keys: TEXT" (exit 3 when the name showed but the keys did not). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/system/domains-test-util.h"

/* Types text once the name is on the screen; true when guest-hello drew it as keys it got. */
static bool type_and_see(struct spice_probe *p, const char *text, unsigned timeout_s)
{
	char *shown = g_strdup_printf("keys: %s", text);
	/* "keys:" alone: guest-hello has a keyboard open, so no key is lost. */
	bool ok = spice_probe_wait_text(p, 32, 136, 1, "keys:", timeout_s * 1000) &&
		  spice_probe_wait_inputs(p, timeout_s * 1000) && spice_probe_type(p, text) &&
		  spice_probe_wait_text(p, 32, 136, 1, shown, timeout_s * 1000);
	if (!ok)
		fprintf(stderr, "the guest's screen did not show '%s' after typing\n", shown);
	g_free(shown);
	return ok;
}

int main(int argc, char **argv)
{
	const char *type = NULL;
	if (argc >= 5 && strcmp(argv[argc - 2], "--type") == 0) {
		type = argv[argc - 1];
		argc -= 2;
	}
	if (argc < 3 || strcmp(argv[1], "--help") == 0) {
		printf("usage: domains-spice-check SOCKET|tcp:HOST:PORT NAME|--frame|--graphics "
		       "[TIMEOUT_S "
		       "[SCREENSHOT.ppm]] [--type TEXT]\n");
		return argc < 3 ? 2 : 0;
	}
	unsigned timeout = argc > 3 ? (unsigned)atoi(argv[3]) : 60;
	char *why = NULL;
	struct spice_probe *p = spice_probe_connect(argv[1], &why);
	if (!p) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	gint64 t0 = g_get_monotonic_time();
	bool frame = strcmp(argv[2], "--frame") == 0;
	bool graphics = strcmp(argv[2], "--graphics") == 0;
	int w = 0, h = 0;
	bool ok = frame ? spice_probe_wait_frame(p, timeout * 1000)
		  : graphics ? spice_probe_wait_graphics(p, &w, &h, timeout * 1000)
			     : spice_probe_wait_text(p, 32, 32, 2, argv[2], timeout * 1000);
	if (frame && ok)
		printf("%" G_GINT64_FORMAT "\n", (g_get_monotonic_time() - t0) / 1000);
	if (graphics && ok)
		printf("%dx%d\n", w, h);
	bool typed = !ok || frame || graphics || !type || type_and_see(p, type, 60);
	if (argc > 4)
		spice_probe_save_ppm(p, argv[4]);
	spice_probe_free(p);
	return !ok ? 1 : typed ? 0 : 3;
}
