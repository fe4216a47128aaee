/* kiosk/displays.c: viewer links pumped into scene domains, for both kiosk modes (see .h).
 *
 * A viewer is untrusted: everything it sends is checked by proto/viewer-link.c first, anything
 * wrong ends that viewer only, and a flooding viewer is throttled so other domains keep their
 * frame rate. Whenever a viewer is cut off, the scene lets go of its pixels before the link
 * unmaps them. */
#include "config.h"
#include "kiosk/displays-private.h"

#include "common/log.h"
#include "proto/display.h"

#include <gio/gio.h>

#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOST_MESSAGE "Display lost"

struct tsr_display *tsr_displays_by_name(const struct tsr_displays *ds, const char *name)
{
	for (guint i = 0; name && i < ds->list->len; i++) {
		struct tsr_display *d = g_ptr_array_index(ds->list, i);
		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

struct tsr_display *tsr_displays_by_id(const struct tsr_displays *ds, int id)
{
	for (guint i = 0; i < ds->list->len; i++) {
		struct tsr_display *d = g_ptr_array_index(ds->list, i);
		if (d->id == id)
			return d;
	}
	return NULL;
}

/* --- cutting a viewer off ------------------------------------------------------------------ */

static void reaped(GPid pid, gint status, gpointer data)
{
	(void)status;
	(void)data;
	g_spawn_close_pid(pid);
}

/* Drops the viewer: the scene first, so it never holds the link's unmapped pixels. */
static void cut_off(struct tsr_display *d)
{
	g_autoptr(GError) error = NULL;

	g_clear_handle_id(&d->watch, g_source_remove);
	g_clear_handle_id(&d->resume, g_source_remove);
	if (!tsr_scene_domain_set_surface(d->sd, NULL, LOST_MESSAGE, &error))
		g_clear_error(&error);
	if (!tsr_scene_domain_set_cursor(d->sd, NULL, &error))
		g_clear_error(&error);
	d->has_surface = d->connected = d->ready_told = d->drawn = false;
	d->px = (struct tsr_pixels){ 0 };
	d->sw = d->sh = 0;
	tsr_displays_resize_forget(d);
	tsr_viewer_link_destroy(d->link);
	d->link = NULL;
	g_clear_pointer(&d->cut_reason, g_free);
	if (d->pid > 0) {
		/* Ours: make sure it is gone, and still reap it once it is. */
		kill(d->pid, SIGKILL);
		g_clear_handle_id(&d->child_watch, g_source_remove);
		g_child_watch_add(d->pid, reaped, NULL);
		d->pid = 0;
	}
}

static void display_free(struct tsr_display *d)
{
	cut_off(d);
	if (d->owner->router)
		tsr_input_router_domain_gone(d->owner->router, d->id);
	tsr_scene_remove_domain(d->scene, d->sd);
	g_free(d->name);
	g_free(d);
}

/* Cuts the viewer off and reports it; the hook may remove d, so d is not touched after. */
static void lose(struct tsr_display *d, const char *why)
{
	struct tsr_displays *ds = d->owner;
	g_autofree char *name = g_strdup(d->name);
	g_autofree char *text = g_strdup(why);

	if (!d->link)
		return;
	cut_off(d);
	tsr_warn("display of %s lost: %s", name, text);
	if (ds->hooks.lost)
		ds->hooks.lost(ds->data, name, text);
}

/* --- what the viewer sends ------------------------------------------------------------------- */

/* Acted on once the link's dispatch has returned: the link must not be destroyed inside it. */
static void cut_later(struct tsr_display *d, char *why)
{
	if (d->cut_reason)
		g_free(why);
	else
		d->cut_reason = why;
}

/* The domain goes on the desktop once it has a frame and can take input: keys typed the moment
 * it appears must not be lost to a viewer still opening its input channel. A frame is a surface
 * something was drawn on (a new surface is blank, and the trusted starting screen stays until
 * the domain's own pixels are there); told again for each new surface. */
static void maybe_ready(struct tsr_display *d)
{
	if (d->ready_told || !d->has_surface || !d->connected || !d->drawn)
		return;
	d->ready_told = true;
	if (d->owner->hooks.first_frame)
		d->owner->hooks.first_frame(d->owner->data, d->name);
}

/* The link unmaps the previous surface only after this returns true, and a refused one ends
 * the link: the scene never draws from memory that is gone. */
static bool on_surface(void *opaque, const struct tsr_viewer_surface_view *v)
{
	struct tsr_display *d = opaque;
	struct tsr_pixels px = { v->pixels, (int32_t)v->width, (int32_t)v->height,
				 (int32_t)v->stride };
	g_autoptr(GError) error = NULL;

	if (!tsr_scene_domain_set_surface(d->sd, &px, NULL, &error)) {
		tsr_warn("display of %s: surface refused: %s", d->name, error->message);
		return false;
	}
	d->has_surface = true;
	d->px = px;
	d->drawn = d->ready_told = false;
	d->sw = px.width;
	d->sh = px.height;
	if (d->owner->hooks.surface)
		d->owner->hooks.surface(d->owner->data, d->name, v->width, v->height);
	maybe_ready(d);
	return true;
}

static void on_damage(void *opaque, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct tsr_display *d = opaque;

	if (!d->has_surface)
		return;
	tsr_scene_domain_damage(d->sd, (int32_t)x, (int32_t)y, (int32_t)w, (int32_t)h);
	if (!d->drawn) {
		d->drawn = true;
		maybe_ready(d);
	}
}

static void on_cursor(void *opaque, const struct tsr_viewer_cursor_view *c)
{
	struct tsr_display *d = opaque;
	g_autoptr(GError) error = NULL;
	g_autofree uint32_t *copy = NULL;
	bool ok;

	if (!c) {
		ok = tsr_scene_domain_set_cursor(d->sd, NULL, &error);
	} else {
		/* The scene wants stride == width * 4; the shared memory may change under us. */
		copy = g_new(uint32_t, (gsize)c->width * c->height);
		for (uint32_t y = 0; y < c->height; y++)
			memcpy(copy + (gsize)y * c->width,
			       (const uint8_t *)c->pixels + (gsize)y * c->stride, c->width * 4u);
		struct tsr_cursor cur = { copy, (int32_t)c->width, (int32_t)c->height,
					  (int32_t)c->hot_x, (int32_t)c->hot_y };
		ok = tsr_scene_domain_set_cursor(d->sd, &cur, &error);
	}
	if (!ok)
		tsr_debug("display of %s: cursor refused: %s", d->name, error->message);
}

static void on_status(void *opaque, uint32_t status)
{
	struct tsr_display *d = opaque;

	if (status == TSR_DISPLAY_STATUS_CONNECTED) {
		d->connected = true;
		maybe_ready(d);
		tsr_displays_frames_changed(d->owner);
	}
	/* The viewer exits next; its last frame is not the domain any more. */
	if (status == TSR_DISPLAY_STATUS_DOMAIN_GONE)
		cut_later(d, g_strdup("the domain's display went away"));
}

static const struct tsr_viewer_link_callbacks link_cb = {
	.surface = on_surface, .damage = on_damage, .cursor = on_cursor, .status = on_status,
	.clipboard = tsr_displays_on_clipboard,
};

static gboolean on_readable(int fd, GIOCondition cond, gpointer data);

static gboolean on_resume(gpointer data)
{
	struct tsr_display *d = data;

	d->resume = 0;
	d->watch = g_unix_fd_add(tsr_viewer_link_fd(d->link), G_IO_IN | G_IO_HUP | G_IO_ERR,
				 on_readable, d);
	return G_SOURCE_REMOVE;
}

/* Stop reading until the link has tokens again: the flood waits in the viewer's socket. The
 * wait is measured on the link's own clock and rounded up, so we never wake too early. */
static void throttle(struct tsr_display *d)
{
	int64_t wait = tsr_viewer_link_resume_us(d->link) - tsr_clock_now_us(tsr_clock_monotonic());

	d->watch = 0;
	d->resume = g_timeout_add(wait > 0 ? (guint)((wait + 999) / 1000) : 1, on_resume, d);
}

static gboolean on_readable(int fd, GIOCondition cond, gpointer data)
{
	struct tsr_display *d = data;
	enum tsr_viewer_link_result r;

	(void)fd;
	(void)cond;
	r = tsr_viewer_link_dispatch(d->link);
	if (d->cut_reason) {
		g_autofree char *why = g_steal_pointer(&d->cut_reason);
		d->watch = 0;
		lose(d, why);
		return G_SOURCE_REMOVE;
	}
	switch (r) {
	case TSR_VIEWER_LINK_OK:
	case TSR_VIEWER_LINK_MORE: /* level-triggered: the rest comes on the next wake-up */
		return G_SOURCE_CONTINUE;
	case TSR_VIEWER_LINK_THROTTLED:
		throttle(d);
		return G_SOURCE_REMOVE;
	case TSR_VIEWER_LINK_CLOSED:
		d->watch = 0;
		lose(d, "the viewer closed its link");
		return G_SOURCE_REMOVE;
	case TSR_VIEWER_LINK_VIOLATION:
	default: {
		g_autofree char *why = g_strdup_printf("protocol violation: %s",
						       tsr_viewer_link_error(d->link));
		d->watch = 0;
		lose(d, why);
		return G_SOURCE_REMOVE;
	}
	}
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
	struct tsr_display *d = data;
	g_autofree char *why = NULL;

	g_spawn_close_pid(pid);
	d->child_watch = 0;
	d->pid = 0; /* reaped: nothing to kill any more */
	if (WIFSIGNALED(status))
		why = g_strdup_printf("the viewer was killed by signal %d", WTERMSIG(status));
	else
		why = g_strdup_printf("the viewer exited with status %d", WEXITSTATUS(status));
	lose(d, why);
}

/* --- the collection -------------------------------------------------------------------------- */

struct tsr_displays *tsr_displays_create(struct tsr_scene *scene,
					 const struct tsr_displays_hooks *hooks, void *data)
{
	struct tsr_displays *ds = g_new0(struct tsr_displays, 1);

	ds->scene = scene;
	if (hooks)
		ds->hooks = *hooks;
	ds->data = data;
	ds->list = g_ptr_array_new();
	return ds;
}

void tsr_displays_destroy(struct tsr_displays *ds)
{
	if (!ds)
		return;
	for (guint i = 0; i < ds->list->len; i++)
		display_free(g_ptr_array_index(ds->list, i));
	g_ptr_array_free(ds->list, TRUE);
	g_free(ds);
}

bool tsr_displays_show(struct tsr_displays *ds, const char *domain, enum tsr_color c,
		       GError **error)
{
	struct tsr_display *d;
	struct tsr_scene_domain *sd;

	if (tsr_displays_by_name(ds, domain)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is shown already", domain);
		return false;
	}
	sd = tsr_scene_add_domain(ds->scene, domain, c, error);
	if (!sd)
		return false;
	d = g_new0(struct tsr_display, 1);
	d->owner = ds;
	d->name = g_strdup(domain);
	d->id = ds->next_id++;
	d->scene = ds->scene;
	d->sd = sd;
	tsr_scene_domain_set_user_data(sd, d);
	tsr_resize_debounce_reset(&d->resize);
	g_ptr_array_add(ds->list, d);
	return true;
}

bool tsr_displays_attach(struct tsr_displays *ds, const char *domain, int fd, pid_t pid)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	if (d && d->link)
		lose(d, "a new viewer replaces it");
	/* The hook may have removed it. */
	d = tsr_displays_by_name(ds, domain);
	if (d)
		d->link = tsr_viewer_link_create(fd, NULL, NULL, &link_cb, d);
	if (!d || !d->link) {
		tsr_warn("cannot show %s: %s", domain,
			 d ? "the viewer link could not be set up" : "no such display");
		close(fd);
		if (pid > 0) {
			kill(pid, SIGKILL);
			g_child_watch_add(pid, reaped, NULL);
		}
		return false;
	}
	d->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, d);
	if (pid > 0) {
		d->pid = pid;
		d->child_watch = g_child_watch_add(pid, on_child_exit, d);
	}
	return true;
}

bool tsr_displays_spawn(struct tsr_displays *ds, const char *domain,
			const struct tsr_viewer_spawn_params *params, GError **error)
{
	struct tsr_viewer_process vp;

	if (!tsr_displays_by_name(ds, domain)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not shown", domain);
		return false;
	}
	if (!tsr_viewer_spawn(params, &vp, error))
		return false;
	if (!tsr_displays_attach(ds, domain, vp.link, vp.pid)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "the viewer link of %s could not be set up", domain);
		return false;
	}
	return true;
}

bool tsr_displays_add(struct tsr_displays *ds, const char *domain, enum tsr_color c, int fd)
{
	g_autoptr(GError) error = NULL;

	tsr_displays_remove(ds, domain);
	if (!tsr_displays_show(ds, domain, c, &error)) {
		tsr_warn("cannot show %s: %s", domain, error->message);
		close(fd);
		return false;
	}
	if (!tsr_displays_attach(ds, domain, fd, 0)) {
		tsr_displays_remove(ds, domain);
		return false;
	}
	return true;
}

void tsr_displays_remove(struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = ds ? tsr_displays_by_name(ds, domain) : NULL;

	if (!d)
		return;
	g_ptr_array_remove(ds->list, d);
	display_free(d);
}

bool tsr_displays_attached(const struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	return d && d->link;
}

pid_t tsr_displays_viewer_pid(const struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	return d ? d->pid : 0;
}

struct tsr_scene_domain *tsr_displays_scene_domain(const struct tsr_displays *ds,
						   const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	return d ? d->sd : NULL;
}

void tsr_displays_set_focus(struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	if (d) {
		tsr_scene_set_focus(d->scene, d->sd);
		return;
	}
	tsr_scene_set_focus(ds->scene, NULL);
	for (int i = 0; i < ds->n_heads; i++)
		tsr_scene_set_focus(ds->heads[i].scene, NULL);
}

int tsr_displays_id(const struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	return d ? d->id : -1;
}

const char *tsr_displays_name(const struct tsr_displays *ds, int id)
{
	struct tsr_display *d = tsr_displays_by_id(ds, id);

	return d ? d->name : NULL;
}

void tsr_displays_set_router(struct tsr_displays *ds, struct tsr_input_router *router)
{
	ds->router = router;
}
