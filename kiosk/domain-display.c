/* kiosk/domain-display.c: viewer link events applied to the scene (see .h). */
#include "config.h"
#include "kiosk/domain-display.h"
#include "common/log.h"
#include "proto/display.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOST_MESSAGE "Display lost"

struct tsr_domain_display {
	struct tsr_scene_domain *domain;
	struct tsr_viewer_link_limits limits;
	struct tsr_domain_display_events events;
	void *data;
	struct tsr_viewer_link *link;
	guint watch, resume;
	pid_t pid;        /* a viewer we spawned and must reap */
	guint child_watch;
	bool has_surface;
	const char *gone_reason; /* set inside dispatch, acted on after it returns */
};

static void detach(struct tsr_domain_display *dd, const char *reason);

static void on_surface(void *o, const struct tsr_viewer_surface_view *s)
{
	struct tsr_domain_display *dd = o;
	struct tsr_pixels px = { .data = s->pixels, .width = (int32_t)s->width,
				 .height = (int32_t)s->height, .stride = (int32_t)s->stride };
	GError *error = NULL;

	if (!tsr_scene_domain_set_surface(dd->domain, &px, NULL, &error)) {
		/* The link checked it already; should the scene's own limits be tighter, the scene
		 * must not keep the old pixels (the link has just unmapped them): show the loss
		 * and cut the viewer off once dispatch returns. */
		tsr_warn("domain %s: surface refused: %s", tsr_scene_domain_name(dd->domain),
			 error->message);
		g_clear_error(&error);
		if (!tsr_scene_domain_set_surface(dd->domain, NULL, LOST_MESSAGE, &error))
			g_clear_error(&error);
		dd->has_surface = false;
		dd->gone_reason = "the compositor refused the viewer's surface";
		return;
	}
	dd->has_surface = true;
	if (dd->events.surface)
		dd->events.surface(dd->data, dd, s->width, s->height);
}

static void on_damage(void *o, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct tsr_domain_display *dd = o;

	if (dd->has_surface)
		tsr_scene_domain_damage(dd->domain, (int32_t)x, (int32_t)y, (int32_t)w, (int32_t)h);
}

static void on_cursor(void *o, const struct tsr_viewer_cursor_view *c)
{
	struct tsr_domain_display *dd = o;
	GError *error = NULL;
	uint32_t copy[TSR_DISPLAY_CURSOR_MAX * TSR_DISPLAY_CURSOR_MAX];
	struct tsr_cursor cur;

	if (!c) {
		if (!tsr_scene_domain_set_cursor(dd->domain, NULL, &error))
			g_clear_error(&error);
		return;
	}
	/* The scene wants a tight stride; the shared memory may change under us, so copy. */
	for (uint32_t y = 0; y < c->height; y++)
		memcpy(copy + y * c->width, (const uint8_t *)c->pixels + (size_t)y * c->stride,
		       c->width * 4);
	cur = (struct tsr_cursor){ .argb = copy, .width = (int32_t)c->width,
				   .height = (int32_t)c->height, .hot_x = (int32_t)c->hot_x,
				   .hot_y = (int32_t)c->hot_y };
	if (!tsr_scene_domain_set_cursor(dd->domain, &cur, &error)) {
		tsr_warn("domain %s: cursor refused: %s", tsr_scene_domain_name(dd->domain),
			 error->message);
		g_error_free(error);
	}
}

static void on_status(void *o, uint32_t status)
{
	struct tsr_domain_display *dd = o;

	/* Not detached here: we are inside the link's dispatch. */
	if (status == TSR_DISPLAY_STATUS_DOMAIN_GONE)
		dd->gone_reason = "the domain's display went away";
}

static const struct tsr_viewer_link_callbacks link_callbacks = {
	.surface = on_surface, .damage = on_damage, .cursor = on_cursor, .status = on_status,
};

static void stop_sources(struct tsr_domain_display *dd)
{
	if (dd->watch) {
		g_source_remove(dd->watch);
		dd->watch = 0;
	}
	if (dd->resume) {
		g_source_remove(dd->resume);
		dd->resume = 0;
	}
}

static void detach(struct tsr_domain_display *dd, const char *reason)
{
	GError *error = NULL;
	bool was_attached = dd->link != NULL;

	stop_sources(dd);
	/* The scene lets go of the pixels before the link unmaps them. */
	if (!tsr_scene_domain_set_surface(dd->domain, NULL, LOST_MESSAGE, &error))
		g_clear_error(&error);
	if (!tsr_scene_domain_set_cursor(dd->domain, NULL, &error))
		g_clear_error(&error);
	dd->has_surface = false;
	tsr_viewer_link_destroy(dd->link);
	dd->link = NULL;
	if (dd->pid > 0) {
		/* Our viewer: make sure it is gone; the child watch reaps it. */
		kill(dd->pid, SIGKILL);
		dd->pid = 0;
	}
	if (was_attached) {
		tsr_warn("domain %s: display lost: %s", tsr_scene_domain_name(dd->domain), reason);
		if (dd->events.lost)
			dd->events.lost(dd->data, dd, reason);
	}
}

static gboolean on_link(gint fd, GIOCondition cond, gpointer data);

static gboolean on_resume(gpointer data)
{
	struct tsr_domain_display *dd = data;

	dd->resume = 0;
	dd->watch = g_unix_fd_add(tsr_viewer_link_fd(dd->link), G_IO_IN | G_IO_HUP | G_IO_ERR,
				  on_link, dd);
	return G_SOURCE_REMOVE;
}

static gboolean on_link(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_domain_display *dd = data;
	int64_t wait_us;

	enum tsr_viewer_link_result r;

	(void)fd;
	(void)cond;
	r = tsr_viewer_link_dispatch(dd->link);
	if (dd->gone_reason) {
		const char *why = dd->gone_reason;
		dd->gone_reason = NULL;
		dd->watch = 0;
		detach(dd, why);
		return G_SOURCE_REMOVE;
	}
	switch (r) {
	case TSR_VIEWER_LINK_OK:
	case TSR_VIEWER_LINK_MORE: /* level-triggered: we come back for the rest */
		return G_SOURCE_CONTINUE;
	case TSR_VIEWER_LINK_THROTTLED:
		/* Stop reading until tokens are back: the flood waits in the viewer's socket. */
		wait_us = tsr_viewer_link_resume_us(dd->link) - g_get_monotonic_time();
		dd->watch = 0;
		dd->resume = g_timeout_add(wait_us > 1000 ? (guint)(wait_us / 1000) : 1, on_resume, dd);
		return G_SOURCE_REMOVE;
	case TSR_VIEWER_LINK_CLOSED:
		dd->watch = 0;
		detach(dd, "the viewer closed its link");
		return G_SOURCE_REMOVE;
	case TSR_VIEWER_LINK_VIOLATION:
	default: {
		char reason[300];
		snprintf(reason, sizeof(reason), "protocol violation: %s",
			 tsr_viewer_link_error(dd->link));
		dd->watch = 0;
		detach(dd, reason);
		return G_SOURCE_REMOVE;
	}
	}
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
	struct tsr_domain_display *dd = data;
	char reason[128];

	g_spawn_close_pid(pid);
	dd->child_watch = 0;
	if (dd->pid != pid)
		return; /* an old viewer we already cut off */
	dd->pid = 0;
	if (WIFSIGNALED(status))
		snprintf(reason, sizeof(reason), "the viewer was killed by signal %d", WTERMSIG(status));
	else
		snprintf(reason, sizeof(reason), "the viewer exited with status %d",
			 WEXITSTATUS(status));
	detach(dd, reason);
}

struct tsr_domain_display *tsr_domain_display_create(struct tsr_scene_domain *domain,
						     const struct tsr_viewer_link_limits *limits,
						     const struct tsr_domain_display_events *events,
						     void *data)
{
	struct tsr_domain_display *dd = g_new0(struct tsr_domain_display, 1);

	dd->domain = domain;
	if (limits)
		dd->limits = *limits;
	if (events)
		dd->events = *events;
	dd->data = data;
	return dd;
}

void tsr_domain_display_attach(struct tsr_domain_display *dd, int link_fd, pid_t pid)
{
	if (dd->link)
		detach(dd, "a new viewer replaces it");
	/* The link uses the monotonic clock, as GLib's timers do. */
	dd->link = tsr_viewer_link_create(link_fd, NULL, &dd->limits, &link_callbacks, dd);
	if (!dd->link) {
		close(link_fd);
		if (pid > 0)
			kill(pid, SIGKILL);
		return;
	}
	dd->watch = g_unix_fd_add(link_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_link, dd);
	if (pid > 0) {
		dd->pid = pid;
		dd->child_watch = g_child_watch_add(pid, on_child_exit, dd);
	}
}

bool tsr_domain_display_spawn(struct tsr_domain_display *dd,
			      const struct tsr_viewer_spawn_params *params, GError **error)
{
	struct tsr_viewer_process vp;

	if (!tsr_viewer_spawn(params, &vp, error))
		return false;
	tsr_domain_display_attach(dd, vp.link, vp.pid);
	return true;
}

void tsr_domain_display_destroy(struct tsr_domain_display *dd)
{
	if (!dd)
		return;
	dd->events.lost = NULL;
	detach(dd, "shutting down");
	if (dd->child_watch)
		g_source_remove(dd->child_watch);
	g_free(dd);
}

bool tsr_domain_display_attached(const struct tsr_domain_display *dd)
{
	return dd->link != NULL;
}

pid_t tsr_domain_display_viewer_pid(const struct tsr_domain_display *dd)
{
	return dd->pid;
}

struct tsr_scene_domain *tsr_domain_display_scene_domain(const struct tsr_domain_display *dd)
{
	return dd->domain;
}

void tsr_domain_display_key(struct tsr_domain_display *dd, uint32_t scancode, bool down)
{
	if (dd->link && tsr_viewer_link_send_key(dd->link, scancode, down) < 0)
		tsr_debug("key for %s dropped: %s", tsr_scene_domain_name(dd->domain),
			  g_strerror(errno));
}

void tsr_domain_display_pointer(struct tsr_domain_display *dd, int32_t x, int32_t y,
				uint32_t buttons)
{
	if (dd->link && tsr_viewer_link_send_pointer(dd->link, x, y, buttons) < 0)
		tsr_debug("pointer for %s dropped: %s", tsr_scene_domain_name(dd->domain),
			  g_strerror(errno));
}
