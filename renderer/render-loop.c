/* renderer/render-loop.c: composes and presents frames when the scene is damaged and the output
 * is free; no timer of its own (see render-loop.h). */
#include "config.h"

#include <glib-unix.h>

#include "common/log.h"
#include "renderer/render-loop.h"

struct tsr_render_loop {
	struct tsr_scene *scene;
	struct tsr_output *output;
	GMainContext *context;
	GSource *fd_source;
	GSource *idle;
	GSource *retry; /* after a failed present: try again later, not in a busy loop */
	guint64 frames;
	tsr_render_loop_frame_fn frame_fn;
	void *frame_data;
};

static gboolean retry_cb(gpointer data);

static void present(struct tsr_render_loop *loop)
{
	if (tsr_output_frame_pending(loop->output) || !tsr_scene_has_damage(loop->scene))
		return;
	int n = 0;
	const struct tsr_rect *rects;
	g_autoptr(GError) error = NULL;
	bool ok;
	if (loop->frame_fn != NULL) {
		/* The callback reads the frame from the shadow: compose there. */
		rects = tsr_scene_compose(loop->scene, &n);
		ok = tsr_output_present(loop->output, tsr_scene_shadow(loop->scene), rects, n,
					&error);
	} else {
		rects = tsr_scene_take_damage(loop->scene, &n);
		ok = tsr_output_present_scene(loop->output, loop->scene, rects, n, &error);
	}
	if (!ok) {
		/* The frame is lost: recompose everything at the next chance, which is a retry
		 * after a pause (a device that keeps failing must not spin the CPU) or a frame_done. */
		tsr_warn("present failed: %s", error->message);
		if (loop->retry == NULL) {
			loop->retry = g_timeout_source_new(100);
			g_source_set_callback(loop->retry, retry_cb, loop, NULL);
			g_source_attach(loop->retry, loop->context);
		}
		tsr_scene_damage_all(loop->scene);
		return;
	}
	loop->frames++;
	if (loop->frame_fn != NULL)
		loop->frame_fn(loop->frame_data, tsr_scene_shadow(loop->scene), rects, n);
}

static gboolean idle_cb(gpointer data)
{
	struct tsr_render_loop *loop = data;
	g_source_unref(loop->idle);
	loop->idle = NULL;
	present(loop);
	return G_SOURCE_REMOVE;
}

static gboolean retry_cb(gpointer data)
{
	struct tsr_render_loop *loop = data;
	g_source_unref(loop->retry);
	loop->retry = NULL;
	present(loop);
	return G_SOURCE_REMOVE;
}

static void schedule(void *data)
{
	struct tsr_render_loop *loop = data;
	if (loop->idle != NULL || loop->retry != NULL || tsr_output_frame_pending(loop->output))
		return;
	loop->idle = g_idle_source_new();
	g_source_set_priority(loop->idle, G_PRIORITY_HIGH_IDLE);
	g_source_set_callback(loop->idle, idle_cb, loop, NULL);
	g_source_attach(loop->idle, loop->context);
}

static void frame_done(void *data)
{
	struct tsr_render_loop *loop = data;
	present(loop);
}

static void size_changed(void *data, int32_t width, int32_t height)
{
	struct tsr_render_loop *loop = data;
	g_autoptr(GError) error = NULL;
	if (!tsr_scene_resize(loop->scene, width, height, &error))
		tsr_err("cannot follow the output to %dx%d: %s", width, height, error->message);
	schedule(loop);
}

static const struct tsr_output_listener listener = {
	.frame_done = frame_done,
	.size_changed = size_changed,
};

static gboolean fd_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_render_loop *loop = data;
	g_autoptr(GError) error = NULL;
	if (!tsr_output_dispatch(loop->output, &error))
		tsr_warn("output: %s", error->message);
	return G_SOURCE_CONTINUE;
}

struct tsr_render_loop *tsr_render_loop_create(struct tsr_scene *scene, struct tsr_output *output,
					       GMainContext *context, GError **error)
{
	if (!tsr_scene_resize(scene, tsr_output_width(output), tsr_output_height(output), error))
		return NULL;
	struct tsr_render_loop *loop = g_new0(struct tsr_render_loop, 1);
	loop->scene = scene;
	loop->output = output;
	loop->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
	tsr_output_set_listener(output, &listener, loop);
	tsr_scene_set_damage_notify(scene, schedule, loop);
	loop->fd_source = g_unix_fd_source_new(tsr_output_get_fd(output), G_IO_IN);
	g_source_set_priority(loop->fd_source, G_PRIORITY_HIGH);
	g_source_set_callback(loop->fd_source, (GSourceFunc)(void (*)(void))fd_cb, loop, NULL);
	g_source_attach(loop->fd_source, loop->context);
	tsr_scene_damage_all(scene);
	schedule(loop);
	return loop;
}

void tsr_render_loop_destroy(struct tsr_render_loop *loop)
{
	if (loop == NULL)
		return;
	tsr_scene_set_damage_notify(loop->scene, NULL, NULL);
	tsr_output_set_listener(loop->output, NULL, NULL);
	if (loop->idle != NULL) {
		g_source_destroy(loop->idle);
		g_source_unref(loop->idle);
	}
	if (loop->retry != NULL) {
		g_source_destroy(loop->retry);
		g_source_unref(loop->retry);
	}
	g_source_destroy(loop->fd_source);
	g_source_unref(loop->fd_source);
	g_main_context_unref(loop->context);
	g_free(loop);
}

guint64 tsr_render_loop_frames(const struct tsr_render_loop *loop)
{
	return loop->frames;
}

void tsr_render_loop_set_frame_callback(struct tsr_render_loop *loop, tsr_render_loop_frame_fn fn,
					void *data)
{
	loop->frame_fn = fn;
	loop->frame_data = data;
	/* Frames drawn straight into scanout left the shadow behind. */
	tsr_scene_damage_all(loop->scene);
}
