/* domains/spice-core-glib.c: SpiceCoreInterface timers and watches as GSources (see .h). */
#include "config.h"
#include "domains/spice-core-glib.h"

#include <glib.h>
#include <glib-unix.h>

struct SpiceTimer {
	SpiceTimerFunc func;
	void *opaque;
	GSource *source;
};

struct SpiceWatch {
	int fd;
	SpiceWatchFunc func;
	void *opaque;
	GSource *source;
};

static gboolean timer_fired(gpointer data)
{
	SpiceTimer *t = data;

	/* Forget the source first: the callback may restart or remove the timer. */
	g_source_unref(t->source);
	t->source = NULL;
	t->func(t->opaque);
	return G_SOURCE_REMOVE;
}

static SpiceTimer *timer_add(SpiceTimerFunc func, void *opaque)
{
	SpiceTimer *t = g_new0(SpiceTimer, 1);

	t->func = func;
	t->opaque = opaque;
	return t;
}

static void timer_cancel(SpiceTimer *t)
{
	if (t->source) {
		g_source_destroy(t->source);
		g_source_unref(t->source);
		t->source = NULL;
	}
}

static void timer_start(SpiceTimer *t, uint32_t ms)
{
	timer_cancel(t);
	t->source = g_timeout_source_new(ms);
	g_source_set_callback(t->source, timer_fired, t, NULL);
	g_source_attach(t->source, NULL);
}

static void timer_remove(SpiceTimer *t)
{
	timer_cancel(t);
	g_free(t);
}

static gboolean watch_ready(gint fd, GIOCondition cond, gpointer data)
{
	SpiceWatch *w = data;
	int ev = 0;

	if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
		ev |= SPICE_WATCH_EVENT_READ;
	if (cond & G_IO_OUT)
		ev |= SPICE_WATCH_EVENT_WRITE;
	/* w may be freed inside func (watch_remove): do not touch it afterwards. */
	w->func(fd, ev, w->opaque);
	return G_SOURCE_CONTINUE;
}

static void watch_attach(SpiceWatch *w, int mask)
{
	GIOCondition cond = 0;

	if (mask & SPICE_WATCH_EVENT_READ)
		cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
	if (mask & SPICE_WATCH_EVENT_WRITE)
		cond |= G_IO_OUT;
	w->source = g_unix_fd_source_new(w->fd, cond);
	g_source_set_callback(w->source, (GSourceFunc)(void (*)(void))watch_ready, w, NULL);
	g_source_attach(w->source, NULL);
}

static void watch_detach(SpiceWatch *w)
{
	if (w->source) {
		g_source_destroy(w->source);
		g_source_unref(w->source);
		w->source = NULL;
	}
}

static SpiceWatch *watch_add(int fd, int mask, SpiceWatchFunc func, void *opaque)
{
	SpiceWatch *w = g_new0(SpiceWatch, 1);

	w->fd = fd;
	w->func = func;
	w->opaque = opaque;
	watch_attach(w, mask);
	return w;
}

static void watch_update_mask(SpiceWatch *w, int mask)
{
	watch_detach(w);
	watch_attach(w, mask);
}

static void watch_remove(SpiceWatch *w)
{
	watch_detach(w);
	g_free(w);
}

static void channel_event(int event, SpiceChannelEventInfo *info)
{
	(void)event;
	(void)info;
}

SpiceCoreInterface *tsr_spice_core_glib(void)
{
	static SpiceCoreInterface core = {
		.base = {
			.type = SPICE_INTERFACE_CORE,
			.description = "tessera glib core",
			.major_version = SPICE_INTERFACE_CORE_MAJOR,
			.minor_version = SPICE_INTERFACE_CORE_MINOR,
		},
		.timer_add = timer_add,
		.timer_start = timer_start,
		.timer_cancel = timer_cancel,
		.timer_remove = timer_remove,
		.watch_add = watch_add,
		.watch_update_mask = watch_update_mask,
		.watch_remove = watch_remove,
		.channel_event = channel_event,
	};
	return &core;
}
