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
	/* Following another output (frames.h): its picture centred in copy, which has this
	 * output's size and is what this output shows; dirty is copy's part not presented yet. */
	struct tsr_kiosk_frames *source;
	struct tsr_image *copy;
	int32_t off_x, off_y;
	struct tsr_rect dirty;
	GPtrArray *followers; /* the frames following this one */
};

static void present(struct tsr_kiosk_frames *f);

/* What this output shows: its scene's shadow, or the copy of the output it follows. */
static const struct tsr_image *picture(const struct tsr_kiosk_frames *f)
{
	return f->source ? f->copy : tsr_scene_shadow(f->scene);
}

/* The console is one more output (proto/console-link.h): it gets a copy of exactly what
 * changed, never the kiosk's own buffers. */
static void mirror(struct tsr_kiosk_frames *f, const struct tsr_rect *rects, int n)
{
	if (f->console && picture(f) &&
	    tsr_console_link_present(f->console, picture(f), rects, n) < 0)
		tsr_debug("console frame not sent: %s", g_strerror(errno));
}

static void add_dirty(struct tsr_kiosk_frames *f, const struct tsr_rect *r)
{
	if (tsr_rect_empty(r))
		return;
	if (tsr_rect_empty(&f->dirty)) {
		f->dirty = *r;
		return;
	}
	int32_t x1 = MIN(f->dirty.x, r->x), y1 = MIN(f->dirty.y, r->y);
	int32_t x2 = MAX(f->dirty.x + f->dirty.width, r->x + r->width);
	int32_t y2 = MAX(f->dirty.y + f->dirty.height, r->y + r->height);

	f->dirty = (struct tsr_rect){ x1, y1, x2 - x1, y2 - y1 };
}

/* Rectangles of the source's picture changed: they go into the follower's copy, at its
 * offset, clipped to both. */
static void follower_take(struct tsr_kiosk_frames *fl, const struct tsr_image *src,
			  const struct tsr_rect *rects, int n)
{
	if (!fl->copy || !src)
		return;
	for (int i = 0; i < n; i++) {
		int32_t x1 = MAX(MAX(rects[i].x, 0), -fl->off_x);
		int32_t y1 = MAX(MAX(rects[i].y, 0), -fl->off_y);
		int32_t x2 = MIN(MIN(rects[i].x + rects[i].width, src->width),
				 fl->copy->width - fl->off_x);
		int32_t y2 = MIN(MIN(rects[i].y + rects[i].height, src->height),
				 fl->copy->height - fl->off_y);

		if (x2 <= x1 || y2 <= y1)
			continue;
		for (int32_t y = y1; y < y2; y++)
			memcpy((guint8 *)fl->copy->pixels +
				       (size_t)(y + fl->off_y) * (size_t)fl->copy->stride +
				       (size_t)(x1 + fl->off_x) * 4,
			       (const guint8 *)src->pixels + (size_t)y * (size_t)src->stride +
				       (size_t)x1 * 4,
			       (size_t)(x2 - x1) * 4);
		add_dirty(fl, &(struct tsr_rect){ x1 + fl->off_x, y1 + fl->off_y, x2 - x1, y2 - y1 });
	}
}

/* The whole picture again on the next frame. */
static void damage_whole(struct tsr_kiosk_frames *f)
{
	if (!f->source)
		tsr_scene_damage_all(f->scene);
	else if (f->copy)
		add_dirty(f, &(struct tsr_rect){ 0, 0, f->copy->width, f->copy->height });
}

static gboolean retry_cb(gpointer data)
{
	struct tsr_kiosk_frames *f = data;

	f->retry = 0;
	damage_whole(f);
	present(f);
	return G_SOURCE_REMOVE;
}

/* A follower's frame: what changed of its copy. */
static bool present_copy(struct tsr_kiosk_frames *f, GError **error)
{
	struct tsr_rect dirty = f->dirty;

	f->dirty = (struct tsr_rect){ 0 };
	mirror(f, &dirty, 1);
	return tsr_output_present(f->output, f->copy, &dirty, 1, error);
}

static void present(struct tsr_kiosk_frames *f)
{
	g_autoptr(GError) error = NULL;
	const struct tsr_rect *rects;
	int n = 0;

	bool ok;

	if (tsr_output_frame_pending(f->output) || f->retry)
		return;
	if (f->source) {
		if (!f->copy || tsr_rect_empty(&f->dirty))
			return;
		ok = present_copy(f, &error);
	} else if (!tsr_scene_has_damage(f->scene)) {
		return;
	} else if (f->console || f->followers->len) {
		/* The console and the followers are sent the shadow: compose there, the output
		 * copies from it. */
		rects = tsr_scene_compose(f->scene, &n);
		if (n == 0)
			return;
		/* Mirror before presenting: the rectangles are only valid until the next scene call. */
		mirror(f, rects, n);
		for (guint i = 0; i < f->followers->len; i++)
			follower_take(g_ptr_array_index(f->followers, i), tsr_scene_shadow(f->scene),
				      rects, n);
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
	for (guint i = 0; f->followers && i < f->followers->len; i++)
		present(g_ptr_array_index(f->followers, i));
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
	const struct tsr_image *shadow = picture(f);

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
	if (f->source) /* a copy of the new size */
		tsr_kiosk_frames_follow(f, f->source);
	for (guint i = 0; i < f->followers->len; i++) /* the picture moved on each follower */
		tsr_kiosk_frames_follow(g_ptr_array_index(f->followers, i), f);
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
	f->followers = g_ptr_array_new();
	if (!tsr_scene_resize(scene, tsr_output_width(output), tsr_output_height(output), error)) {
		g_ptr_array_free(f->followers, TRUE);
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
	tsr_kiosk_frames_follow(f, NULL);
	while (f->followers->len)
		tsr_kiosk_frames_follow(g_ptr_array_index(f->followers, 0), NULL);
	g_ptr_array_free(f->followers, TRUE);
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
		if (!f->source && shadow && shadow->width > 0) {
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

bool tsr_kiosk_frames_settled(const struct tsr_kiosk_frames *f)
{
	if (f->idle || f->retry)
		return false;
	if (f->source)
		return tsr_rect_empty(&f->dirty) && tsr_kiosk_frames_settled(f->source);
	return !tsr_scene_has_damage(f->scene);
}

struct tsr_kiosk_pacing tsr_kiosk_frames_take_pacing(struct tsr_kiosk_frames *f)
{
	struct tsr_kiosk_pacing p = f->pacing;

	f->pacing = (struct tsr_kiosk_pacing){ 0 };
	return p;
}

static void unfollow(struct tsr_kiosk_frames *f)
{
	if (!f->source)
		return;
	g_ptr_array_remove(f->source->followers, f);
	f->source = NULL;
	g_clear_pointer(&f->copy, tsr_image_destroy);
	f->dirty = (struct tsr_rect){ 0 };
	/* Its own scene again, whole. */
	tsr_scene_damage_all(f->scene);
	schedule(f);
}

void tsr_kiosk_frames_follow(struct tsr_kiosk_frames *f, struct tsr_kiosk_frames *source)
{
	g_autoptr(GError) error = NULL;
	int32_t w = tsr_output_width(f->output), h = tsr_output_height(f->output);

	if (source == f->source && !source)
		return;
	if (source && (source == f || source->source || f->followers->len)) {
		tsr_warn("outputs: a mirrored output cannot follow another one");
		return;
	}
	if (source != f->source)
		unfollow(f);
	if (!source)
		return;
	if (!f->source)
		g_ptr_array_add(source->followers, f);
	f->source = source;
	/* Black around the picture, all of it shown again. */
	g_clear_pointer(&f->copy, tsr_image_destroy);
	f->dirty = (struct tsr_rect){ 0 };
	if (w > 0 && h > 0 && !(f->copy = tsr_image_create(w, h, &error)))
		tsr_warn("outputs: mirror: %s", error->message);
	const struct tsr_image *src = tsr_scene_shadow(source->scene);
	int32_t sw = src ? src->width : 0, sh = src ? src->height : 0;

	f->off_x = (w - sw) / 2;
	f->off_y = (h - sh) / 2;
	damage_whole(f);
	/* The source's shadow may be behind (its frames went straight to scanout): it composes
	 * the whole picture next, which reaches this copy. */
	tsr_scene_damage_all(source->scene);
	schedule(source);
	present(f);
}

bool tsr_kiosk_frames_follow_offset(const struct tsr_kiosk_frames *f, int32_t *x, int32_t *y)
{
	if (!f->source)
		return false;
	*x = f->off_x;
	*y = f->off_y;
	return true;
}
