/* bench/console-latency.c: how long a change on the kiosk's desktop takes to reach a remote
 * SPICE client through tessera-console.
 *
 * Starts the real console (as 'nobody', so run it as root) with a 1280x800 desktop, connects a
 * spice-client-glib client over the unix socket, and measures, from the kiosk's damage call to
 * the moment the client's copy holds the new pixels: a 1x1 change (the baseline: the fixed cost
 * of the pipeline, measured in the same run), a 64x64 change and a full-frame change. Prints
 * medians. Not part of make check.
 *
 *   build/bench/console-latency [ROUNDS]   */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/console-link.h"

#define WIDTH 1280
#define HEIGHT 800
#define TIMEOUT_MS 20000

struct bench {
	struct tsr_console_link *link;
	bool ready, closed;
	uint32_t *pixels;
	uint32_t stride;
	SpiceSession *session;
	SpiceChannel *display;
	unsigned invalidations;
};

static void on_ready(void *data)
{
	((struct bench *)data)->ready = true;
}

static void on_closed(void *data, const char *why)
{
	((struct bench *)data)->closed = true;
	fprintf(stderr, "console closed: %s\n", why);
}

static void on_invalidate(SpiceChannel *c, gint x, gint y, gint w, gint h, gpointer data)
{
	((struct bench *)data)->invalidations++;
}

static void on_channel_new(SpiceSession *s, SpiceChannel *channel, gpointer data)
{
	struct bench *b = data;

	if (SPICE_IS_DISPLAY_CHANNEL(channel)) {
		b->display = channel;
		g_signal_connect(channel, "display-invalidate", G_CALLBACK(on_invalidate), b);
		spice_channel_connect(channel);
	}
}

static bool matches(struct bench *b, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h)
{
	SpiceDisplayPrimary p;

	if (!b->display || !spice_display_channel_get_primary(b->display, 0, &p) ||
	    p.width != WIDTH || p.height != HEIGHT)
		return false;
	for (uint32_t y = y0; y < y0 + h; y++) {
		const uint32_t *row = (const uint32_t *)(p.data + (size_t)y * p.stride);

		for (uint32_t x = x0; x < x0 + w; x++)
			if ((row[x] & 0xffffff) != (b->pixels[y * (b->stride / 4) + x] & 0xffffff))
				return false;
	}
	return true;
}

static gboolean expire(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Wait until the client holds the rectangle. every_turn: check after every main-loop turn,
 * otherwise only after the client was told of a change (cheaper, so it distorts less). */
static bool wait_match(struct bench *b, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
		       bool every_turn)
{
	bool expired = false;
	guint timer = g_timeout_add(TIMEOUT_MS, expire, &expired);
	unsigned seen = b->invalidations - 1;

	while (!expired && !b->closed) {
		if (every_turn || seen != b->invalidations) {
			seen = b->invalidations;
			if (matches(b, x, y, w, h))
				break;
		}
		g_main_context_iteration(NULL, TRUE);
	}
	if (!expired)
		g_source_remove(timer);
	return !expired && !b->closed;
}

static void fill(struct bench *b, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h, uint32_t seed)
{
	for (uint32_t y = y0; y < y0 + h; y++)
		for (uint32_t x = x0; x < x0 + w; x++)
			b->pixels[y * (b->stride / 4) + x] =
				((x * 3 + seed * 17) & 0xff) << 16 | ((y * 5 + seed) & 0xff) << 8 |
				((x ^ y ^ seed) & 0xff);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median milliseconds of rounds changes of a w x h rectangle (moving across the desktop). */
static double measure(struct bench *b, uint32_t w, uint32_t h, int rounds, uint32_t *seed)
{
	double *ms = g_new(double, rounds);
	double median;

	for (int i = 0; i < rounds; i++) {
		uint32_t x = (uint32_t)(i * 97) % (WIDTH - w + 1);
		uint32_t y = (uint32_t)(i * 53) % (HEIGHT - h + 1);
		struct tsr_console_rect r = { x, y, w, h };
		gint64 t0;

		fill(b, x, y, w, h, ++*seed);
		if (matches(b, x, y, w, h)) {
			fprintf(stderr, "console-latency: the client had the change before it was made\n");
			exit(1);
		}
		t0 = g_get_monotonic_time();
		if (tsr_console_link_damage(b->link, &r, 1) < 0 || !wait_match(b, x, y, w, h, false)) {
			fprintf(stderr, "console-latency: the change never reached the client\n");
			exit(1);
		}
		ms[i] = (double)(g_get_monotonic_time() - t0) / 1000.0;
	}
	qsort(ms, (size_t)rounds, sizeof(double), cmp_double);
	median = ms[rounds / 2];
	g_free(ms);
	return median;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 31;
	struct tsr_console_link_callbacks cb = { .ready = on_ready, .closed = on_closed };
	char *dir = g_dir_make_tmp("tessera-console-bench-XXXXXX", NULL);
	char *sock = g_build_filename(dir, "console.sock", NULL);
	struct tsr_console_spawn_options opt = {
		.program = TSR_BUILDDIR "/console/tessera-console",
		.socket_path = sock,
		.user = "nobody",
		.stderr_fd = -1,
	};
	struct bench b = { 0 };
	GError *error = NULL;
	uint32_t seed = 0;
	double base, small, full;

	if (rounds < 1 || getuid() != 0) {
		fprintf(stderr, "usage: console-latency [ROUNDS >= 1], as root (the console drops to "
				"'nobody')\n");
		return 2;
	}
	b.link = tsr_console_link_spawn(&opt, &cb, &b, &error);
	if (!b.link) {
		fprintf(stderr, "console-latency: %s\n", error->message);
		return 1;
	}
	tsr_console_link_attach(b.link, NULL);
	while (!b.ready && !b.closed)
		g_main_context_iteration(NULL, TRUE);
	b.pixels = tsr_console_link_set_surface(b.link, WIDTH, HEIGHT, &b.stride);
	if (!b.pixels)
		return 1;
	fill(&b, 0, 0, WIDTH, HEIGHT, 0);
	/* Drawn after set_surface: say so, or the console may have copied the zeroes. */
	if (tsr_console_link_damage(b.link, &(struct tsr_console_rect){ 0, 0, WIDTH, HEIGHT }, 1) < 0)
		return 1;
	b.session = spice_session_new();
	g_object_set(b.session, "unix-path", sock, NULL);
	g_signal_connect(b.session, "channel-new", G_CALLBACK(on_channel_new), &b);
	spice_session_connect(b.session);
	if (!wait_match(&b, 0, 0, WIDTH, HEIGHT, true)) {
		fprintf(stderr, "console-latency: the client never got the desktop\n");
		return 1;
	}

	base = measure(&b, 1, 1, rounds, &seed);
	small = measure(&b, 64, 64, rounds, &seed);
	full = measure(&b, WIDTH, HEIGHT, rounds, &seed);
	printf("console-latency: damage -> pixels at a spice-client-glib client, %dx%d desktop, "
	       "median of %d\n",
	       WIDTH, HEIGHT, rounds);
	printf("  baseline 1x1 change  %8.2f ms\n", base);
	printf("  64x64 change         %8.2f ms  (%.1fx baseline)\n", small, small / base);
	printf("  full-frame change    %8.2f ms  (%.1fx baseline)\n", full, full / base);

	g_signal_handlers_disconnect_by_data(b.session, &b);
	if (b.display)
		g_signal_handlers_disconnect_by_data(b.display, &b);
	spice_session_disconnect(b.session);
	g_object_unref(b.session);
	tsr_console_link_destroy(b.link);
	g_unlink(sock);
	g_rmdir(dir);
	g_free(sock);
	g_free(dir);
	return 0;
}
