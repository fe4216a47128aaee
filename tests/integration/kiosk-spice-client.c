/* tests/integration/kiosk-spice-client.c: drives the kiosk through its SPICE console, the way
 * a person at remote-viewer would, for the end-to-end tests (kiosk-e2e-test.sh).
 *
 * It connects to the console's socket with spice-client-glib and runs a script, one command
 * per line, in order; every wait is on an event (inotify, a SPICE channel event) with a bound
 * that fails the run:
 *
 *   type TEXT            US-layout keys for the ASCII text (Shift where needed)
 *   key NAME             one key: enter tab esc backspace delete space left right up down
 *   chord A+B+...        press in order, release in reverse (sas = ctrl+alt+backspace)
 *   move X Y | click X Y pointer in desktop pixels (click: left button)
 *   wait-shot DIR NAME [N] wait for a new DIR/NN-NAME.png (new: not there at the previous
 *                        wait, and NN > N if given)
 *   compare DIR NAME REF the newest DIR/NN-NAME.png matches tests/reference/REF.png
 *   wait-log FILE N TEXT wait until TEXT occurs N times in FILE
 *   wait-color DIR PREFIX RRGGBB PCT  the newest DIR/NN-PREFIX*.png has at least PCT % pixels
 *                        of that colour (each channel within 8); while not, Super+Space
 *                        (a new desktop screenshot) and look again, for up to 120 s
 *   reconnect            drop the connection and connect again (after a kiosk restart);
 *                        input commands connect first if there is no connection
 *   # ...                a comment
 *
 * Usage: kiosk-spice-client SOCKET SCRIPT. Prints what it does; exit 0 when every command
 * succeeded, 1 with the failing line otherwise.
 *
 * A connection is used only once the display channel has the console's surface: the console's
 * spice-server (0.15.1) reads freed memory and crashes when a display channel closes before its
 * init message arrived (doc/console.md), and a script that typed and left at once did that.
 * Input written just before leaving may still be dropped by the server (it ends every channel
 * when the main one closes), so a script waits for what its input did before it ends. */
#include "config.h"
#include "renderer/png.h"
#include "tests/harness/image-compare.h"

#include <errno.h>
#include <poll.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

/* Every wait's bound; TSR_CLIENT_TIMEOUT_MS raises it (a QEMU guest booting under TCG). */
static int timeout_ms = 30000;
#define TIMEOUT_MS timeout_ms

static SpiceSession *session;
static SpiceChannel *inputs, *main_channel;
static SpiceChannel *display;
static bool inputs_open, failed;
static const char *socket_path;
static GHashTable *seen; /* screenshot names seen at the previous wait */

static void on_channel_event(SpiceChannel *channel, SpiceChannelEvent event, gpointer data)
{
	bool is_inputs = SPICE_IS_INPUTS_CHANNEL(channel);

	if (event == SPICE_CHANNEL_OPENED) {
		if (is_inputs)
			inputs_open = true;
	} else if (event != SPICE_CHANNEL_NONE) {
		failed = true;
		if (is_inputs)
			inputs_open = false;
	}
}

static void on_channel_new(SpiceSession *s, SpiceChannel *channel, gpointer data)
{
	if (SPICE_IS_MAIN_CHANNEL(channel)) {
		main_channel = g_object_ref(channel);
		g_signal_connect(channel, "channel-event", G_CALLBACK(on_channel_event), NULL);
	} else if (SPICE_IS_INPUTS_CHANNEL(channel)) {
		inputs = g_object_ref(channel);
		g_signal_connect(channel, "channel-event", G_CALLBACK(on_channel_event), NULL);
		spice_channel_connect(channel);
	} else if (SPICE_IS_DISPLAY_CHANNEL(channel)) {
		display = g_object_ref(channel);
		spice_channel_connect(channel);
	}
}

static gboolean timed_out(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

static bool wait_until(bool (*cond)(void))
{
	bool late = false;
	guint t = g_timeout_add(TIMEOUT_MS, timed_out, &late);

	while (!cond() && !late)
		g_main_context_iteration(NULL, TRUE);
	if (!late)
		g_source_remove(t);
	return cond();
}

static bool usable_or_failed(void);

static bool usable(void)
{
	SpiceDisplayPrimary primary;
	int mode = 0;

	/* The server sends the surface only after the display channel's init. */
	if (!inputs_open || !main_channel || !display ||
	    !spice_display_channel_get_primary(display, 0, &primary))
		return false;
	g_object_get(main_channel, "mouse-mode", &mode, NULL);
	return mode == SPICE_MOUSE_MODE_CLIENT;
}

static void disconnect(void)
{
	if (session) {
		spice_session_disconnect(session);
		g_object_unref(session);
	}
	g_clear_object(&inputs);
	g_clear_object(&main_channel);
	g_clear_object(&display);
	session = NULL;
	inputs_open = false;
}

static bool usable_or_failed(void)
{
	return failed || usable();
}

/* Connect, and if the console is not there yet (or its socket is a stale one left by a console
 * that is gone), wait for a new socket to be created and try again, within TIMEOUT_MS. */
static bool do_connect(void)
{
	int64_t end = g_get_monotonic_time() + (int64_t)TIMEOUT_MS * 1000;
	g_autofree char *dir = g_path_get_dirname(socket_path);
	int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (ifd < 0 || inotify_add_watch(ifd, dir, IN_CREATE | IN_ATTRIB) < 0) {
		fprintf(stderr, "inotify on %s: %s\n", dir, g_strerror(errno));
		return false;
	}
	while (g_get_monotonic_time() < end) {
		char buf[4096];
		struct pollfd p = { ifd, POLLIN, 0 };

		disconnect();
		failed = false;
		session = spice_session_new();
		g_object_set(session, "unix-path", socket_path, NULL);
		g_signal_connect(session, "channel-new", G_CALLBACK(on_channel_new), NULL);
		if (spice_session_connect(session) && wait_until(usable_or_failed) && usable()) {
			close(ifd);
			return true;
		}
		disconnect();
		/* Wait for the socket to be made again (at most a second, then retry anyway). */
		if (poll(&p, 1, 1000) > 0)
			while (read(ifd, buf, sizeof(buf)) > 0)
				;
	}
	close(ifd);
	return false;
}

/* Flush what the inputs channel queued before the next wait. */
static void settle(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

struct keyname {
	const char *name;
	unsigned code;
};

static const struct keyname keys[] = {
	{ "enter", 0x1c }, { "tab", 0x0f }, { "esc", 0x01 }, { "backspace", 0x0e },
	{ "delete", 0x153 }, { "space", 0x39 }, { "left", 0x14b }, { "right", 0x14d },
	{ "up", 0x148 }, { "down", 0x150 }, { "ctrl", 0x1d }, { "alt", 0x38 },
	{ "shift", 0x2a }, { "super", 0x15b }, { "l", 0x26 },
};

static unsigned key_code(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (g_ascii_strcasecmp(keys[i].name, name) == 0)
			return keys[i].code;
	return 0;
}

/* Set-1 make codes of the US layout, with whether Shift is needed. */
static unsigned ascii_code(char c, bool *shift)
{
	static const char *rows[] = { "1234567890-=", "qwertyuiop[]", "asdfghjkl;'`", "\\zxcvbnm,./" };
	static const char *shifted[] = { "!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"~", "|ZXCVBNM<>?" };
	static const unsigned starts[] = { 0x02, 0x10, 0x1e, 0x2b };

	*shift = false;
	if (c == ' ')
		return 0x39;
	for (int r = 0; r < 4; r++) {
		const char *p = strchr(rows[r], c);
		if (p && c)
			return starts[r] + (unsigned)(p - rows[r]);
		p = strchr(shifted[r], c);
		if (p && c) {
			*shift = true;
			return starts[r] + (unsigned)(p - shifted[r]);
		}
	}
	return 0;
}

static void tap(unsigned code)
{
	spice_inputs_channel_key_press(SPICE_INPUTS_CHANNEL(inputs), code);
	spice_inputs_channel_key_release(SPICE_INPUTS_CHANNEL(inputs), code);
}

static bool do_type(const char *text)
{
	for (const char *p = text; *p; p++) {
		bool shift;
		unsigned code = ascii_code(*p, &shift);
		if (!code) {
			fprintf(stderr, "cannot type '%c'\n", *p);
			return false;
		}
		if (shift)
			spice_inputs_channel_key_press(SPICE_INPUTS_CHANNEL(inputs), 0x2a);
		tap(code);
		if (shift)
			spice_inputs_channel_key_release(SPICE_INPUTS_CHANNEL(inputs), 0x2a);
	}
	settle();
	return true;
}

static bool do_chord(const char *spec)
{
	g_auto(GStrv) parts = g_strsplit(spec, "+", -1);
	unsigned codes[8];
	size_t n = 0;

	for (size_t i = 0; parts[i] && n < G_N_ELEMENTS(codes); i++) {
		bool shift;
		codes[n] = key_code(parts[i]);
		if (!codes[n] && strlen(parts[i]) == 1)
			codes[n] = ascii_code(parts[i][0], &shift);
		if (!codes[n]) {
			fprintf(stderr, "unknown key '%s'\n", parts[i]);
			return false;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++)
		spice_inputs_channel_key_press(SPICE_INPUTS_CHANNEL(inputs), codes[i]);
	for (size_t i = n; i-- > 0;)
		spice_inputs_channel_key_release(SPICE_INPUTS_CHANNEL(inputs), codes[i]);
	settle();
	return true;
}

static bool do_pointer(const char *args, bool click)
{
	int x, y;

	if (sscanf(args, "%d %d", &x, &y) != 2)
		return false;
	spice_inputs_channel_position(SPICE_INPUTS_CHANNEL(inputs), x, y, 0, 0);
	if (click) {
		spice_inputs_channel_button_press(SPICE_INPUTS_CHANNEL(inputs),
						  SPICE_MOUSE_BUTTON_LEFT, 0);
		spice_inputs_channel_button_release(SPICE_INPUTS_CHANNEL(inputs),
						    SPICE_MOUSE_BUTTON_LEFT,
						    SPICE_MOUSE_BUTTON_MASK_LEFT);
	}
	settle();
	return true;
}

/* The newest screenshot DIR/NN-NAME.png (highest NN): NAME is name exactly, or (!exact) any
 * name that starts with it; with only_new, one not in seen; NN above after. */
static char *newest_shot(const char *dir, const char *name, bool exact, bool only_new,
			 long after)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *e;
	char *best = NULL;
	long best_n = -1;

	while (d && (e = g_dir_read_name(d))) {
		if (strlen(e) < 3 || !g_ascii_isdigit(e[0]) || !g_ascii_isdigit(e[1]) || e[2] != '-' ||
		    !g_str_has_prefix(e + 3, name) || !g_str_has_suffix(e, ".png") ||
		    (exact && strlen(e) != 3 + strlen(name) + 4))
			continue;
		if ((only_new && g_hash_table_contains(seen, e)) || atol(e) <= after)
			continue;
		if (atol(e) > best_n) {
			best_n = atol(e);
			g_free(best);
			best = g_build_filename(dir, e, NULL);
		}
	}
	return best;
}

static void mark_seen(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *e;

	while (d && (e = g_dir_read_name(d)))
		g_hash_table_add(seen, g_strdup(e));
}

static bool do_wait_shot(const char *args)
{
	g_auto(GStrv) a = g_strsplit(args, " ", 3);
	int fd;
	char *found = NULL;
	long after = -1;
	int64_t end = g_get_monotonic_time() + (int64_t)TIMEOUT_MS * 1000;

	if (!a[0] || !a[1])
		return false;
	if (a[2])
		after = atol(a[2]);
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0 || inotify_add_watch(fd, a[0], IN_MOVED_TO | IN_CREATE) < 0) {
		fprintf(stderr, "inotify on %s: %s\n", a[0], g_strerror(errno));
		return false;
	}
	/* Keep the SPICE connection served while waiting: poll inotify and the GLib context. */
	while (!(found = newest_shot(a[0], a[1], true, true, after))) {
		char buf[4096];
		int64_t left = (end - g_get_monotonic_time()) / 1000;
		struct pollfd p = { fd, POLLIN, 0 };
		if (left <= 0)
			break;
		settle();
		if (poll(&p, 1, (int)MIN(left, 50)) > 0)
			while (read(fd, buf, sizeof(buf)) > 0)
				;
	}
	close(fd);
	if (!found) {
		fprintf(stderr, "no new %s/NN-%s.png within %d ms\n", a[0], a[1], TIMEOUT_MS);
		return false;
	}
	printf("  got %s\n", found);
	g_free(found);
	mark_seen(a[0]);
	return true;
}

static double colour_share(const char *path, uint32_t rgb)
{
	g_autoptr(GError) error = NULL;
	struct tsr_image *img = tsr_png_read(path, &error);
	long hit = 0, all = 0;

	if (!img) {
		fprintf(stderr, "%s: %s\n", path, error->message);
		return 0;
	}
	for (int y = 0; y < img->height; y++)
		for (int x = 0; x < img->width; x++) {
			uint32_t p = img->pixels[(size_t)y * (size_t)(img->stride / 4) + (size_t)x];
			bool near = true;
			for (int sh = 0; sh <= 16; sh += 8) {
				int a = (int)((p >> sh) & 0xff), b = (int)((rgb >> sh) & 0xff);
				near &= abs(a - b) <= 8;
			}
			hit += near;
			all++;
		}
	tsr_image_destroy(img);
	return all ? 100.0 * (double)hit / (double)all : 0;
}

static bool do_wait_color(const char *args)
{
	g_auto(GStrv) a = g_strsplit(args, " ", 4);
	int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

	if (g_strv_length(a) != 4)
		return false;
	uint32_t rgb = (uint32_t)strtoul(a[2], NULL, 16);
	double want = g_ascii_strtod(a[3], NULL);
	for (;;) {
		g_autofree char *shot = newest_shot(a[0], a[1], false, false, -1);
		double have = shot ? colour_share(shot, rgb) : 0;
		printf("  %s: %.1f %% of #%06x\n", shot ? shot : "(none)", have, rgb);
		if (have >= want)
			return true;
		if (g_get_monotonic_time() > end) {
			fprintf(stderr, "no %s/NN-%s*.png with %.1f %% of #%06x within 120 s\n", a[0],
				a[1], want, rgb);
			return false;
		}
		/* A new desktop screenshot: the layout hotkey changes the screen's name. */
		mark_seen(a[0]);
		if (!do_chord("super+space"))
			return false;
		int64_t next = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
		g_autofree char *fresh = NULL;
		while (!(fresh = newest_shot(a[0], a[1], false, false, -1)) ||
		       g_hash_table_contains(seen, strrchr(fresh, '/') + 1)) {
			g_clear_pointer(&fresh, g_free);
			if (g_get_monotonic_time() > next)
				break;
			settle();
			g_usleep(50000);
		}
		/* Give the guest a moment to draw before the next look. */
		for (int i = 0; i < 20; i++) {
			settle();
			g_usleep(50000);
		}
	}
}

static bool do_compare(const char *args)
{
	g_auto(GStrv) a = g_strsplit(args, " ", 3);
	g_autofree char *path = NULL, *message = NULL;
	g_autoptr(GError) error = NULL;
	struct tsr_image *shot;
	bool ok;

	if (!a[0] || !a[1] || !a[2])
		return false;
	path = newest_shot(a[0], a[1], true, false, -1);
	if (!path) {
		fprintf(stderr, "no %s/NN-%s.png\n", a[0], a[1]);
		return false;
	}
	shot = tsr_png_read(path, &error);
	if (!shot) {
		fprintf(stderr, "%s: %s\n", path, error->message);
		return false;
	}
	if (tsr_reference_regenerating()) {
		ok = tsr_reference_check(shot, a[2], 3, &message);
	} else {
		/* Not a GTest program: compare here and leave shot and diff beside the shots. */
		g_autofree char *ref = g_strdup_printf("%s/tests/reference/%s.png",
						       g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR")
									      : TSR_SRCDIR, a[2]);
		struct tsr_image *want = tsr_png_read(ref, &error);
		struct tsr_image_diff diff;
		ok = want && tsr_image_compare(shot, want, 3, &diff);
		if (!want) {
			fprintf(stderr, "%s\n", error->message);
		} else if (!ok) {
			g_autofree char *sp = g_strdup_printf("%s/%s.shot.png", a[0], a[2]);
			g_autofree char *dp = g_strdup_printf("%s/%s.diff.png", a[0], a[2]);
			struct tsr_image *d = tsr_image_diff_picture(shot, want, 3);
			fprintf(stderr, "%s differs from %s: %" G_GINT64_FORMAT " pixels, first at %d,%d; "
				"see %s and %s\n", path, ref, diff.pixels_over, diff.first_x,
				diff.first_y, sp, dp);
			if (!tsr_png_write(shot, sp, NULL) || (d && !tsr_png_write(d, dp, NULL)))
				fprintf(stderr, "could not write the shot or the diff\n");
			tsr_image_destroy(d);
		}
		tsr_image_destroy(want);
	}
	if (!ok && message)
		fprintf(stderr, "%s\n", message);
	tsr_image_destroy(shot);
	return ok;
}

static unsigned count_in_file(const char *path, const char *needle)
{
	g_autofree char *text = NULL;
	unsigned n = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* wait-log FILE COUNT TEXT: until TEXT occurs COUNT times in FILE (inotify on the file). */
static bool do_wait_log(const char *args)
{
	g_auto(GStrv) a = g_strsplit(args, " ", 3);
	int64_t end = g_get_monotonic_time() + (int64_t)TIMEOUT_MS * 1000;
	unsigned want, have = 0;
	int fd;

	if (!a[0] || !a[1] || !a[2])
		return false;
	want = (unsigned)atoi(a[1]);
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0 || inotify_add_watch(fd, a[0], IN_MODIFY) < 0)
		return false;
	while ((have = count_in_file(a[0], a[2])) < want && g_get_monotonic_time() < end) {
		char buf[4096];
		struct pollfd p = { fd, POLLIN, 0 };
		settle();
		if (poll(&p, 1, 50) > 0)
			while (read(fd, buf, sizeof(buf)) > 0)
				;
	}
	close(fd);
	printf("  %u of %u\n", have, want);
	return have >= want;
}

static bool run_line(const char *line)
{
	const char *sp = strchr(line, ' ');
	g_autofree char *cmd = sp ? g_strndup(line, (gsize)(sp - line)) : g_strdup(line);
	const char *args = sp ? sp + 1 : "";

	if (!line[0] || line[0] == '#')
		return true;
	printf("> %s\n", line);
	fflush(stdout);
	if (strcmp(cmd, "reconnect") == 0)
		return do_connect();
	if (!strcmp(cmd, "wait-shot"))
		return do_wait_shot(args);
	if (!strcmp(cmd, "compare"))
		return do_compare(args);
	if (!strcmp(cmd, "wait-log"))
		return do_wait_log(args);
	if (!inputs_open && !do_connect()) {
		fprintf(stderr, "cannot connect to the console at %s\n", socket_path);
		return false;
	}
	if (!strcmp(cmd, "type"))
		return do_type(args);
	if (!strcmp(cmd, "key"))
		return do_chord(args);
	if (!strcmp(cmd, "chord"))
		return do_chord(args);
	if (!strcmp(cmd, "move"))
		return do_pointer(args, false);
	if (!strcmp(cmd, "click"))
		return do_pointer(args, true);
	if (!strcmp(cmd, "wait-color"))
		return do_wait_color(args);
	fprintf(stderr, "unknown command '%s'\n", cmd);
	return false;
}

int main(int argc, char **argv)
{
	if (g_getenv("TSR_CLIENT_TIMEOUT_MS"))
		timeout_ms = atoi(g_getenv("TSR_CLIENT_TIMEOUT_MS")) > 0
				     ? atoi(g_getenv("TSR_CLIENT_TIMEOUT_MS")) : timeout_ms;
	g_autofree char *script = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;

	if (argc != 3) {
		fprintf(stderr, "usage: kiosk-spice-client SOCKET SCRIPT\n");
		return 2;
	}
	socket_path = argv[1];
	if (!g_file_get_contents(argv[2], &script, NULL, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 2;
	}
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	lines = g_strsplit(script, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		g_strstrip(lines[i]);
		if (!run_line(lines[i])) {
			fprintf(stderr, "kiosk-spice-client: line %zu failed: %s\n", i + 1, lines[i]);
			disconnect();
			return 1;
		}
	}
	disconnect();
	g_hash_table_destroy(seen);
	return 0;
}
