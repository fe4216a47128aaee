/* kiosk/standalone.c: scene + headless/DRM output + one viewer per domain (see .h). */
#include "config.h"
#include "kiosk/standalone.h"
#include "common/log.h"
#include "kiosk/displays.h"
#include "kiosk/standalone-clipboard.h"
#include "renderer/render-loop.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct shown {
	struct standalone *st;
	char *name;
	char *socket;
	struct tsr_scene_domain *domain;
	enum tsr_color color;
	struct tsr_rect geometry;
	bool surfaced;
	guint reattach;
};

struct standalone {
	const struct tsr_standalone_options *opts;
	GMainLoop *main;
	struct tsr_scene *scene;
	struct tsr_output *output;
	struct tsr_render_loop *loop;
	struct tsr_displays *displays;
	struct tsr_standalone_clipboard *clipboard;
	struct shown shown[TSR_STANDALONE_MAX_DOMAINS];
	int n;
	long frames_after_all;
	int status;
	bool screenshot_wanted; /* after the frame being composed now */
};

static void event(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void event(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static bool screenshot(struct standalone *st)
{
	GError *error = NULL;

	if (!st->opts->screenshot)
		return true;
	if (!tsr_output_screenshot(st->output, st->opts->screenshot, &error)) {
		tsr_err("screenshot %s: %s", st->opts->screenshot, error->message);
		g_error_free(error);
		return false;
	}
	event("screenshot %s", st->opts->screenshot);
	return true;
}

static bool spawn(struct shown *sh)
{
	const struct tsr_standalone_options *o = sh->st->opts;
	struct tsr_viewer_spawn_params p = {
		.domain = sh->name, .spice_socket = sh->socket, .viewer_path = o->viewer,
		.uid = o->viewer_uid, .gid = o->viewer_gid,
	};
	GError *error = NULL;
	size_t n = strlen(sh->name);

	for (int i = 0; i < o->nviewer_for; i++)
		if (strncmp(o->viewer_for[i], sh->name, n) == 0 && o->viewer_for[i][n] == '=')
			p.viewer_path = o->viewer_for[i] + n + 1;
	if (!tsr_displays_spawn(sh->st->displays, sh->name, &p, &error)) {
		tsr_err("domain %s: %s", sh->name, error->message);
		g_error_free(error);
		return false;
	}
	event("attached %s %d", sh->name, (int)tsr_displays_viewer_pid(sh->st->displays, sh->name));
	return true;
}

static gboolean on_reattach(gpointer data)
{
	struct shown *sh = data;

	sh->reattach = 0;
	if (!spawn(sh) && sh->st->opts->reattach_ms >= 0)
		sh->reattach = g_timeout_add((guint)sh->st->opts->reattach_ms, on_reattach, sh);
	return G_SOURCE_REMOVE;
}

static struct shown *by_name(struct standalone *st, const char *name)
{
	for (int i = 0; i < st->n; i++)
		if (strcmp(st->shown[i].name, name) == 0)
			return &st->shown[i];
	return NULL;
}

static void on_surface(void *data, const char *domain, uint32_t w, uint32_t h)
{
	struct shown *sh = by_name(data, domain);

	if (!sh)
		return;
	sh->surfaced = true;
	event("surface %s %ux%u", sh->name, w, h);
}

/* The domain is on the desktop and its viewer takes input (and clipboard requests). */
static void on_first_frame(void *data, const char *domain)
{
	struct shown *sh = by_name(data, domain);

	if (sh)
		event("ready %s", sh->name);
}

static void on_lost(void *data, const char *domain, const char *reason)
{
	struct shown *sh = by_name(data, domain);

	if (!sh)
		return;
	event("lost %s %s", sh->name, reason);
	if (sh->st->clipboard)
		tsr_standalone_clipboard_gone(sh->st->clipboard, domain);
	if (sh->st->opts->reattach_ms >= 0 && !sh->reattach)
		sh->reattach = g_timeout_add((guint)sh->st->opts->reattach_ms, on_reattach, sh);
}

static void on_clipboard(void *data, const char *domain, struct tsr_clipboard_answer *answer)
{
	struct standalone *st = data;

	if (st->clipboard)
		tsr_standalone_clipboard_answer(st->clipboard, domain, answer);
}

static const struct tsr_displays_hooks display_hooks = {
	.first_frame = on_first_frame, .surface = on_surface, .lost = on_lost,
	.clipboard = on_clipboard,
};

/* The clipboard, when the options ask for it: false (and why, logged) if they are refused. */
static bool clipboard_start(struct standalone *st)
{
	const struct tsr_standalone_options *o = st->opts;
	const char *names[TSR_STANDALONE_MAX_DOMAINS];
	enum tsr_color colours[TSR_STANDALONE_MAX_DOMAINS];
	GError *error = NULL;

	if (!o->clipboard_allow && !o->clipboard_commands)
		return true;
	for (int i = 0; i < st->n; i++) {
		names[i] = st->shown[i].name;
		colours[i] = st->shown[i].color;
	}
	st->clipboard = tsr_standalone_clipboard_create(st->scene, st->displays, names, colours,
							st->n, o->clipboard_allow,
							o->clipboard_max_bytes,
							o->clipboard_commands, event, &error);
	if (!st->clipboard) {
		tsr_err("clipboard: %s", error->message);
		g_error_free(error);
		return false;
	}
	return true;
}

static void on_frame(void *data, const struct tsr_image *shadow, const struct tsr_rect *rects, int n)
{
	struct standalone *st = data;
	bool all = true;

	(void)shadow;
	(void)rects;
	(void)n;
	if (st->screenshot_wanted && !tsr_scene_has_damage(st->scene)) {
		st->screenshot_wanted = false;
		screenshot(st);
	}
	for (int i = 0; i < st->n; i++) {
		struct shown *sh = &st->shown[i];
		struct tsr_rect r = { 0, 0, 0, 0 };
		if (!tsr_scene_domain_content_rect(sh->domain, &r))
			memset(&r, 0, sizeof(r));
		if (memcmp(&r, &sh->geometry, sizeof(r)) != 0) {
			sh->geometry = r;
			event("geometry %s %d %d %d %d", sh->name, r.x, r.y, r.width, r.height);
		}
		all = all && sh->surfaced;
	}
	if (all && st->opts->exit_after_frames > 0 &&
	    ++st->frames_after_all >= st->opts->exit_after_frames) {
		if (!screenshot(st))
			st->status = 1;
		g_main_loop_quit(st->main);
	}
}

static gboolean on_quit(gpointer data)
{
	g_main_loop_quit(((struct standalone *)data)->main);
	return G_SOURCE_CONTINUE;
}

/* A screenshot shows the latest state: if a change is waiting to be composed, it is taken
 * after that frame. */
static gboolean on_usr1(gpointer data)
{
	struct standalone *st = data;

	if (tsr_scene_has_damage(st->scene))
		st->screenshot_wanted = true;
	else
		screenshot(st);
	return G_SOURCE_CONTINUE;
}

/* NAME:COLOR:SOCKET (the socket path may itself contain ':'). */
static bool parse_domain(struct standalone *st, const char *spec, struct shown *sh)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	enum tsr_color color;
	GError *error = NULL;
	char *color_name;

	if (!c1 || !c2 || c1 == spec || c2 == c1 + 1 || !c2[1]) {
		tsr_err("--domain '%s' is not NAME:COLOR:SOCKET", spec);
		return false;
	}
	color_name = g_strndup(c1 + 1, (gsize)(c2 - c1 - 1));
	if (!tsr_color_parse(color_name, &color)) {
		tsr_err("--domain '%s': unknown colour '%s' (red, orange, yellow, green, blue, purple, "
			"gray, black)", spec, color_name);
		g_free(color_name);
		return false;
	}
	g_free(color_name);
	sh->st = st;
	sh->color = color;
	sh->name = g_strndup(spec, (gsize)(c1 - spec));
	sh->socket = g_strdup(c2 + 1);
	if (!tsr_displays_show(st->displays, sh->name, color, &error)) {
		tsr_err("--domain '%s': %s", spec, error->message);
		g_error_free(error);
		g_free(sh->name);
		g_free(sh->socket);
		return false;
	}
	sh->domain = tsr_displays_scene_domain(st->displays, sh->name);
	return true;
}

int tsr_kiosk_standalone_run(const struct tsr_standalone_options *opts)
{
	struct standalone st = { .opts = opts };
	enum tsr_layout layout = opts->ndomains > 1 ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE;
	GError *error = NULL;

	if (opts->layout && !tsr_layout_parse(opts->layout, &layout)) {
		tsr_err("--layout '%s' is unknown: use single or tiled", opts->layout);
		return 2;
	}
	st.output = tsr_output_open(opts->output, &error);
	if (!st.output) {
		tsr_err("--output %s: %s", opts->output, error->message);
		g_error_free(error);
		return 2;
	}
	st.scene = tsr_scene_create(tsr_output_width(st.output), tsr_output_height(st.output), &error);
	if (!st.scene) {
		tsr_err("%s", error->message);
		g_error_free(error);
		tsr_output_destroy(st.output);
		return 1;
	}
	tsr_scene_set_layout(st.scene, layout);
	st.displays = tsr_displays_create(st.scene, &display_hooks, &st);
	st.status = 0;
	for (int i = 0; i < opts->ndomains; i++) {
		if (!parse_domain(&st, opts->domains[i], &st.shown[i])) {
			st.status = 2;
			break;
		}
		st.n++;
	}
	if (st.n)
		tsr_displays_set_focus(st.displays, st.shown[0].name);
	if (st.status == 0 && !clipboard_start(&st))
		st.status = 2;
	st.main = g_main_loop_new(NULL, FALSE);
	if (st.status == 0) {
		st.loop = tsr_render_loop_create(st.scene, st.output, NULL, &error);
		if (!st.loop) {
			tsr_err("%s", error->message);
			g_error_free(error);
			st.status = 1;
		}
	}
	if (st.status == 0) {
		tsr_render_loop_set_frame_callback(st.loop, on_frame, &st);
		for (int i = 0; i < st.n; i++)
			if (!spawn(&st.shown[i]) && opts->reattach_ms >= 0)
				st.shown[i].reattach = g_timeout_add((guint)opts->reattach_ms,
								     on_reattach, &st.shown[i]);
		g_unix_signal_add(SIGTERM, on_quit, &st);
		g_unix_signal_add(SIGINT, on_quit, &st);
		g_unix_signal_add(SIGUSR1, on_usr1, &st);
		g_main_loop_run(st.main);
		if (opts->exit_after_frames == 0 && opts->screenshot && !screenshot(&st))
			st.status = 1;
	}
	tsr_standalone_clipboard_destroy(st.clipboard);
	tsr_displays_destroy(st.displays);
	for (int i = 0; i < st.n; i++) {
		g_clear_handle_id(&st.shown[i].reattach, g_source_remove);
		g_free(st.shown[i].name);
		g_free(st.shown[i].socket);
	}
	tsr_render_loop_destroy(st.loop);
	tsr_scene_destroy(st.scene);
	tsr_output_destroy(st.output);
	g_main_loop_unref(st.main);
	return st.status;
}
