/* tests/system/domains-test-util.c: see domains-test-util.h. */
#include "config.h"

#include "tests/system/domains-test-util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/guest/font.h"

static volatile pid_t started[16];
static volatile int n_started;

static void kill_started(int sig)
{
	for (int i = 0; i < n_started; i++)
		if (started[i] > 0)
			kill(started[i], SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

char *test_begin(const char *tmp_template)
{
	signal(SIGABRT, kill_started);
	signal(SIGTERM, kill_started);
	signal(SIGINT, kill_started);
	char *tmpdir = g_dir_make_tmp(tmp_template, NULL);
	g_assert_nonnull(tmpdir);
	chmod(tmpdir, 0755);
	return tmpdir;
}

void test_track(pid_t pid)
{
	if (pid > 0 && n_started < (int)G_N_ELEMENTS(started))
		started[n_started++] = pid;
}

int test_end(int rc, const char *tmpdir)
{
	if (!g_getenv("TSR_KEEP_TMP")) {
		char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = 1;
		g_free(cmd);
	}
	return rc;
}

char *proc_status_field(long pid, const char *field)
{
	char *path = g_strdup_printf("/proc/%ld/status", pid);
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char **lines = g_strsplit(text, "\n", -1);
	char *value = NULL;
	for (char **l = lines; *l && !value; l++)
		if (g_str_has_prefix(*l, field))
			value = g_strdup(g_strstrip(*l + strlen(field)));
	g_assert_nonnull(value);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return value;
}

void card_db_make(const char *dir)
{
	const char *src = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	char *tool = g_build_filename(src, "tests", "system", "card-db", NULL);
	char *argv[] = { tool, (char *)dir, NULL };
	int status = 0;
	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
				   &status, NULL));
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_free(tool);
}

bool guest_image_get(struct guest_image *img, char **why)
{
	const char *build = g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR") : TSR_BUILDDIR;
	const char *src = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	memset(img, 0, sizeof *img);
	img->dir = g_build_filename(build, "guest-image", NULL);
	char *tool = g_build_filename(src, "tools", "build-guest-image", NULL);
	char *hello = g_build_filename(build, "tests", "guest", "tessera-guest-hello",
				       NULL);
	char *argv[] = { tool, "--out", img->dir, "--guest-hello", hello, NULL };
	char *err = NULL;
	int status = 0;
	bool ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			       &err, &status, NULL) &&
		  g_spawn_check_wait_status(status, NULL);
	g_free(tool);
	g_free(hello);
	if (!ok) {
		*why = g_strdup_printf("build-guest-image failed: %s", err ? err : "");
		g_free(err);
		return false;
	}
	g_free(err);
	img->kernel = g_build_filename(img->dir, "vmlinuz", NULL);
	img->initrd = g_build_filename(img->dir, "initrd.img", NULL);
	img->template_path = g_build_filename(img->dir, "template.qcow2", NULL);
	char *manifest_path = g_build_filename(img->dir, "manifest", NULL);
	char *manifest = NULL;
	g_file_get_contents(manifest_path, &manifest, NULL, NULL);
	g_free(manifest_path);
	char **lines = g_strsplit(manifest ? manifest : "", "\n", -1);
	for (char **l = lines; *l; l++) {
		char name[64], sum[65];
		unsigned long long size;
		if (sscanf(*l, "%63s %llu %64s", name, &size, sum) == 3 &&
		    strcmp(name, "template.qcow2") == 0) {
			img->template_size = size;
			img->template_sha256 = g_strdup(sum);
		}
	}
	g_strfreev(lines);
	g_free(manifest);
	if (!img->template_sha256) {
		*why = g_strdup("guest image manifest lacks template.qcow2");
		return false;
	}
	return true;
}

bool wait_for_text(const char *path, const char *needle, gsize *from, unsigned timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	char *dir = g_path_get_dirname(path);
	inotify_add_watch(ifd, dir, IN_MODIFY | IN_CREATE);
	g_free(dir);
	bool found = false;
	for (;;) {
		char *text = NULL;
		gsize len = 0;
		if (g_file_get_contents(path, &text, &len, NULL)) {
			/* A serial console writes \r\n: offsets count the text without \r. */
			gsize o = 0;
			for (gsize i = 0; i < len; i++)
				if (text[i] != '\r')
					text[o++] = text[i];
			len = o;
		}
		if (text && *from <= len) {
			char *hit = g_strstr_len(text + *from, (gssize)(len - *from), needle);
			if (hit) {
				*from = (gsize)(hit - text) + strlen(needle);
				found = true;
			}
		}
		g_free(text);
		gint64 left = deadline - g_get_monotonic_time();
		if (found || left <= 0)
			break;
		/* Let the backend's main loop run too, while waiting for the file to change. */
		while (g_main_context_iteration(NULL, FALSE))
			;
		struct pollfd p = { .fd = ifd, .events = POLLIN };
		poll(&p, 1, (int)MIN(left / 1000, 500)); /* inotify wakes it on every write */
		char buf[4096];
		while (read(ifd, buf, sizeof buf) > 0)
			;
	}
	close(ifd);
	return found;
}

struct spice_probe {
	SpiceSession *session;
	SpiceMainChannel *main;
	SpiceDisplayChannel *display;
	SpiceInputsChannel *inputs;
	bool inputs_open; /* key presses sent before this are silently dropped by spice-gtk */
};

static void inputs_event(SpiceChannel *channel, SpiceChannelEvent event, gpointer data)
{
	struct spice_probe *p = data;
	p->inputs_open = event == SPICE_CHANNEL_OPENED;
}

static void channel_new(SpiceSession *s, SpiceChannel *channel, gpointer data)
{
	struct spice_probe *p = data;
	if (SPICE_IS_MAIN_CHANNEL(channel))
		p->main = SPICE_MAIN_CHANNEL(channel);
	else if (SPICE_IS_DISPLAY_CHANNEL(channel))
		p->display = SPICE_DISPLAY_CHANNEL(channel);
	else if (SPICE_IS_INPUTS_CHANNEL(channel)) {
		p->inputs = SPICE_INPUTS_CHANNEL(channel);
		g_signal_connect(channel, "channel-event", G_CALLBACK(inputs_event), p);
	}
	else
		return;
	spice_channel_connect(channel);
}

/* spice-client-glib 0.42 reads this host's audio volume for every guest agent that offers
 * volume sync, audio off or not; without an audio sink or source it warns that it could not
 * build the pipeline and then hands the missing element to GObject: a g_object_ref, g_object_get
 * and g_object_unref critical for each such warning (the viewer logs the same). Those three,
 * after that warning, are the library's; every other critical stays fatal under
 * G_DEBUG=fatal-criticals. */
static unsigned audio_criticals_left;

static void spice_warning(const gchar *domain, GLogLevelFlags level, const gchar *message,
			  gpointer data)
{
	(void)data;
	if (g_str_has_prefix(message, "Failed to create pipeline: no element \"auto"))
		audio_criticals_left = 3;
	g_log_default_handler(domain, level, message, NULL);
}

static gboolean critical_is_fatal(const gchar *domain, GLogLevelFlags level, const gchar *message,
				  gpointer data)
{
	(void)data;
	if (audio_criticals_left > 0 && g_strcmp0(domain, "GLib-GObject") == 0 &&
	    (level & G_LOG_LEVEL_CRITICAL) &&
	    g_str_has_suffix(message, "assertion 'G_IS_OBJECT (object)' failed")) {
		audio_criticals_left--;
		return FALSE;
	}
	return TRUE;
}

struct spice_probe *spice_probe_connect(const char *socket_path, char **why)
{
	static bool logs_set;
	if (!logs_set) {
		g_log_set_handler("GSpice", G_LOG_LEVEL_WARNING, spice_warning, NULL);
		g_test_log_set_fatal_handler(critical_is_fatal, NULL);
		logs_set = true;
	}
	struct spice_probe *p = g_new0(struct spice_probe, 1);
	p->session = spice_session_new();
	/* As the viewer does: with a guest's agent connected, spice-client-glib 0.42 otherwise
	 * sets up USB redirection and smart cards, which log criticals on this host. */
	g_object_set(p->session, "enable-audio", FALSE, "enable-usbredir", FALSE,
		     "enable-smartcard", FALSE, NULL);
	if (g_str_has_prefix(socket_path, "tcp:")) {
		/* tcp:HOST:PORT, e.g. a forward into a nested dom0 */
		const char *hp = socket_path + 4, *colon = strrchr(hp, ':');
		char *host = g_strndup(hp, colon ? (gsize)(colon - hp) : strlen(hp));
		g_object_set(p->session, "host", host, "port", colon ? colon + 1 : "5900", NULL);
		g_free(host);
	} else {
		g_object_set(p->session, "unix-path", socket_path, NULL);
	}
	g_signal_connect(p->session, "channel-new", G_CALLBACK(channel_new), p);
	if (!spice_session_connect(p->session)) {
		*why = g_strdup_printf("cannot connect SPICE to %s", socket_path);
		spice_probe_free(p);
		return NULL;
	}
	return p;
}

void spice_probe_free(struct spice_probe *p)
{
	if (!p)
		return;
	/* Each channel is closed while it still has its session: spice-client-glib 0.42 lets a
	 * channel's coroutine run on after the session dropped it, and what it was handling then
	 * (a guest agent's capabilities, a mouse mode) asks that session for its audio or its
	 * read-only flag: a critical. */
	GList *channels = spice_session_get_channels(p->session);
	for (GList *l = channels; l; l = l->next)
		spice_channel_disconnect(l->data, SPICE_CHANNEL_NONE);
	g_list_free(channels);
	while (g_main_context_iteration(NULL, FALSE))
		;
	spice_session_disconnect(p->session);
	g_object_unref(p->session);
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_free(p);
}

static bool primary(struct spice_probe *p, SpiceDisplayPrimary *out)
{
	return p->display && spice_display_channel_get_primary(SPICE_CHANNEL(p->display), 0, out) &&
	       out->data && out->format == SPICE_SURFACE_FMT_32_xRGB;
}

static bool text_matches(struct spice_probe *p, int x, int y, int scale, const char *text)
{
	SpiceDisplayPrimary prim;
	if (!primary(p, &prim))
		return false;
	int w = (int)strlen(text) * TSR_GLYPH_W * scale, h = TSR_GLYPH_H * scale;
	if (x + w > prim.width || y + h > prim.height)
		return false;
	uint32_t *want = g_new0(uint32_t, (gsize)w * h);
	tsr_guest_draw_text(want, w, h, w, 0, 0, scale, text, 0xffffff, 0x203040);
	bool same = true;
	int lit = 0;
	for (int j = 0; j < h && same; j++)
		for (int i = 0; i < w; i++) {
			uint32_t got = ((uint32_t *)(prim.data + (gsize)(y + j) * prim.stride))[x + i];
			if ((got & 0xffffff) != want[j * w + i]) {
				same = false;
				break;
			}
			lit += want[j * w + i] == 0xffffff;
		}
	g_free(want);
	return same && lit > 0;
}

static gboolean tick(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

static bool wait_until(bool (*cond)(struct spice_probe *, const void *), struct spice_probe *p,
		       const void *arg, unsigned timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	while (!cond(p, arg)) {
		if (g_get_monotonic_time() > deadline)
			return false;
		/* SPICE traffic (or a 50 ms tick, to re-check the deadline) wakes this loop. */
		bool fired = false;
		guint t = g_timeout_add(50, tick, &fired);
		g_main_context_iteration(NULL, TRUE);
		if (!fired)
			g_source_remove(t);
	}
	return true;
}

struct text_arg {
	int x, y, scale;
	const char *text;
};

static bool text_cond(struct spice_probe *p, const void *arg)
{
	const struct text_arg *a = arg;
	return text_matches(p, a->x, a->y, a->scale, a->text);
}

bool spice_probe_wait_text(struct spice_probe *p, int x, int y, int scale, const char *text,
			   unsigned timeout_ms)
{
	struct text_arg a = { x, y, scale, text };
	return wait_until(text_cond, p, &a, timeout_ms);
}

/* A frame: the primary surface (at least arg's width x height, when given) with at least one
 * pixel that is not black. */
static bool frame_cond(struct spice_probe *p, const void *arg)
{
	const int *min = arg;
	SpiceDisplayPrimary prim;
	if (!primary(p, &prim) || (min && (prim.width < min[0] || prim.height < min[1])))
		return false;
	for (int y = 0; y < prim.height; y++) {
		const uint32_t *row = (const uint32_t *)(prim.data + (gsize)y * prim.stride);
		for (int x = 0; x < prim.width; x++)
			if (row[x] & 0xffffff)
				return true;
	}
	return false;
}

bool spice_probe_wait_frame(struct spice_probe *p, unsigned timeout_ms)
{
	return wait_until(frame_cond, p, NULL, timeout_ms);
}

bool spice_probe_wait_graphics(struct spice_probe *p, int *width, int *height,
			       unsigned timeout_ms)
{
	/* Firmware and GRUB draw in VGA text mode, which QEMU shows as 720x400. */
	const int min[2] = { 800, 600 };
	SpiceDisplayPrimary prim;
	if (!wait_until(frame_cond, p, min, timeout_ms) || !primary(p, &prim))
		return false;
	*width = prim.width;
	*height = prim.height;
	return true;
}

static bool mouse_cond(struct spice_probe *p, const void *arg)
{
	int mode = 0;
	if (!p->main || !p->inputs || !p->inputs_open)
		return false;
	g_object_get(p->main, "mouse-mode", &mode, NULL);
	if (mode != SPICE_MOUSE_MODE_CLIENT)
		spice_main_channel_request_mouse_mode(p->main, SPICE_MOUSE_MODE_CLIENT);
	return mode == SPICE_MOUSE_MODE_CLIENT;
}

bool spice_probe_wait_client_mouse(struct spice_probe *p, unsigned timeout_ms)
{
	return wait_until(mouse_cond, p, NULL, timeout_ms);
}

static bool inputs_cond(struct spice_probe *p, const void *arg)
{
	(void)arg;
	return p->inputs && p->inputs_open;
}

bool spice_probe_wait_inputs(struct spice_probe *p, unsigned timeout_ms)
{
	return wait_until(inputs_cond, p, NULL, timeout_ms);
}

void spice_probe_key(struct spice_probe *p, unsigned scancode)
{
	spice_inputs_channel_key_press(p->inputs, scancode);
	spice_inputs_channel_key_release(p->inputs, scancode);
}

/* The set-1 scancode of c on a US keyboard, 0 for a character guest-hello does not draw. */
static unsigned scancode_of(char c)
{
	static const struct { const char *row; unsigned first; } rows[] = {
		{ "1234567890", 0x02 }, { "qwertyuiop", 0x10 }, { "asdfghjkl", 0x1e },
		{ "zxcvbnm", 0x2c },
	};
	if (c == ' ')
		return 0x39;
	for (size_t r = 0; r < G_N_ELEMENTS(rows); r++) {
		const char *at = c ? strchr(rows[r].row, c) : NULL;
		if (at)
			return rows[r].first + (unsigned)(at - rows[r].row);
	}
	return 0;
}

bool spice_probe_type(struct spice_probe *p, const char *text)
{
	for (const char *c = text; *c; c++)
		if (!scancode_of(*c))
			return false;
	for (const char *c = text; *c; c++)
		spice_probe_key(p, scancode_of(*c));
	return true;
}

void spice_probe_click(struct spice_probe *p, int x, int y)
{
	spice_inputs_channel_position(p->inputs, x, y, 0, 0);
	spice_inputs_channel_button_press(p->inputs, SPICE_MOUSE_BUTTON_LEFT,
					  SPICE_MOUSE_BUTTON_MASK_LEFT);
	spice_inputs_channel_button_release(p->inputs, SPICE_MOUSE_BUTTON_LEFT, 0);
}

bool spice_probe_save_ppm(struct spice_probe *p, const char *path)
{
	SpiceDisplayPrimary prim;
	if (!primary(p, &prim))
		return false;
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	fprintf(f, "P6\n%d %d\n255\n", prim.width, prim.height);
	for (int y = 0; y < prim.height; y++)
		for (int x = 0; x < prim.width; x++) {
			uint32_t v = ((uint32_t *)(prim.data + (gsize)y * prim.stride))[x];
			fputc((v >> 16) & 0xff, f);
			fputc((v >> 8) & 0xff, f);
			fputc(v & 0xff, f);
		}
	return fclose(f) == 0;
}
