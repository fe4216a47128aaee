/* kiosk/frames.c: the kiosk's frame loop (see frames.h). */
#include "config.h"
#include "kiosk/frames.h"

#include "common/log.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>

struct tsr_kiosk_frames {
	struct tsr_scene *scene;
	struct tsr_output *output;
	struct tsr_console_link *console;
	guint idle, retry, watch;
	guint64 frames;
	/* Pacing: the frame count when the scene last went from clean to damaged, and how many
	 * frames later that damage was presented. */
	bool damaged;
	guint64 damaged_at;
	struct tsr_kiosk_pacing pacing;
	struct tsr_kiosk_frames_hooks hooks;
	void *hooks_data;
};

static void present(struct tsr_kiosk_frames *f);

/* The console is one more output (proto/console-link.h): it gets a copy of exactly what
 * changed, never the kiosk's own buffers. */
static void mirror(struct tsr_kiosk_frames *f, const struct tsr_rect *rects, int n)
{
	if (f->console && tsr_console_link_present(f->console, tsr_scene_shadow(f->scene), rects, n) < 0)
		tsr_debug("console frame not sent: %s", g_strerror(errno));
}

static gboolean retry_cb(gpointer data)
{
	struct tsr_kiosk_frames *f = data;

	f->retry = 0;
	tsr_scene_damage_all(f->scene);
	present(f);
	return G_SOURCE_REMOVE;
}

static void present(struct tsr_kiosk_frames *f)
{
	g_autoptr(GError) error = NULL;
	const struct tsr_rect *rects;
	int n = 0;

	bool ok;

	if (tsr_output_frame_pending(f->output) || f->retry || !tsr_scene_has_damage(f->scene))
		return;
	if (f->console) {
		/* The console is sent the shadow: compose there, the output copies from it. */
		rects = tsr_scene_compose(f->scene, &n);
		if (n == 0)
			return;
		/* Mirror before presenting: the rectangles are only valid until the next scene call. */
		mirror(f, rects, n);
		ok = tsr_output_present(f->output, tsr_scene_shadow(f->scene), rects, n, &error);
	} else {
		/* Nobody else reads the desktop: the output draws it straight into scanout. */
		rects = tsr_scene_take_damage(f->scene, &n);
		if (n == 0)
			return;
		ok = tsr_output_present_scene(f->output, f->scene, rects, n, &error);
	}
	if (!ok) {
		tsr_warn("present failed: %s", error->message);
		f->retry = g_timeout_add(100, retry_cb, f);
		return;
	}
	f->frames++;
	if (f->damaged) {
		/* Frames presented since the damage, this one included: 1 when it is composed for
		 * the flip after the one in flight at the time, or at once if none was. */
		guint64 cycles = f->frames - f->damaged_at;
		f->damaged = false;
		if (cycles <= 1)
			f->pacing.next++;
		else
			f->pacing.later++;
		f->pacing.most = MAX(f->pacing.most, cycles);
	}
	if (f->hooks.presented)
		f->hooks.presented(f->hooks_data);
}

static gboolean idle_cb(gpointer data)
{
	struct tsr_kiosk_frames *f = data;

	f->idle = 0;
	present(f);
	return G_SOURCE_REMOVE;
}

static void schedule(void *data)
{
	struct tsr_kiosk_frames *f = data;

	if (!f->damaged) {
		f->damaged = true;
		f->damaged_at = f->frames;
	}
	if (!f->idle)
		f->idle = g_idle_add_full(G_PRIORITY_HIGH_IDLE, idle_cb, f, NULL);
}

static void frame_done(void *data)
{
	struct tsr_kiosk_frames *f = data;

	if (f->hooks.shown)
		f->hooks.shown(f->hooks_data);
	present(f);
}

/* The whole desktop as it is now (a new console, or a new size). */
static void mirror_all(struct tsr_kiosk_frames *f)
{
	const struct tsr_image *shadow = tsr_scene_shadow(f->scene);

	if (!shadow || shadow->width <= 0 || shadow->height <= 0)
		return;
	struct tsr_rect all = { 0, 0, shadow->width, shadow->height };
	mirror(f, &all, 1);
}

static void size_changed(void *data, int32_t width, int32_t height)
{
	struct tsr_kiosk_frames *f = data;
	g_autoptr(GError) error = NULL;

	if (!tsr_scene_resize(f->scene, width, height, &error))
		tsr_warn("resize to %dx%d: %s", width, height, error->message);
	tsr_scene_damage_all(f->scene);
	if (f->hooks.resized)
		f->hooks.resized(f->hooks_data);
	present(f); /* composes at the new size (the console follows the shadow's size) */
}

static const struct tsr_output_listener listener = { frame_done, size_changed };

static gboolean fd_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_kiosk_frames *f = data;
	g_autoptr(GError) error = NULL;

	if (!tsr_output_dispatch(f->output, &error))
		tsr_warn("output: %s", error->message);
	return G_SOURCE_CONTINUE;
}

struct tsr_kiosk_frames *tsr_kiosk_frames_create(struct tsr_scene *scene, struct tsr_output *output,
						 GError **error)
{
	struct tsr_kiosk_frames *f = g_new0(struct tsr_kiosk_frames, 1);

	f->scene = scene;
	f->output = output;
	if (!tsr_scene_resize(scene, tsr_output_width(output), tsr_output_height(output), error)) {
		g_free(f);
		return NULL;
	}
	tsr_output_set_listener(output, &listener, f);
	tsr_scene_set_damage_notify(scene, schedule, f);
	f->watch = g_unix_fd_add(tsr_output_get_fd(output), G_IO_IN, fd_cb, f);
	tsr_scene_damage_all(scene);
	/* A new scene is damaged already, so damage_all does not notify: start the first frame. */
	schedule(f);
	return f;
}

void tsr_kiosk_frames_destroy(struct tsr_kiosk_frames *f)
{
	if (!f)
		return;
	g_clear_handle_id(&f->idle, g_source_remove);
	g_clear_handle_id(&f->retry, g_source_remove);
	g_clear_handle_id(&f->watch, g_source_remove);
	tsr_scene_set_damage_notify(f->scene, NULL, NULL);
	tsr_output_set_listener(f->output, NULL, NULL);
	g_free(f);
}

void tsr_kiosk_frames_set_console(struct tsr_kiosk_frames *f, struct tsr_console_link *link)
{
	f->console = link;
	if (link) {
		/* Frames drawn straight into scanout left the shadow behind: draw it whole, so the
		 * console starts from the current desktop. */
		const struct tsr_image *shadow = tsr_scene_shadow(f->scene);
		if (shadow && shadow->width > 0) {
			struct tsr_rect all = { 0, 0, shadow->width, shadow->height };
			tsr_scene_draw_rects(f->scene, &all, 1);
		}
		present(f);
		mirror_all(f);
	}
}

void tsr_kiosk_frames_set_hooks(struct tsr_kiosk_frames *f, const struct tsr_kiosk_frames_hooks *hooks,
				void *data)
{
	f->hooks = hooks ? *hooks : (struct tsr_kiosk_frames_hooks){ 0 };
	f->hooks_data = data;
}

guint64 tsr_kiosk_frames_count(const struct tsr_kiosk_frames *f)
{
	return f->frames;
}

struct tsr_kiosk_pacing tsr_kiosk_frames_take_pacing(struct tsr_kiosk_frames *f)
{
	struct tsr_kiosk_pacing p = f->pacing;

	f->pacing = (struct tsr_kiosk_pacing){ 0 };
	return p;
}
