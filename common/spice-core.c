/* common/spice-core.c: SpiceCoreInterface on a GMainContext (see spice-core.h). */
#include "config.h"
#include "common/spice-core.h"
#include "common/spice-interface.h"

#include <glib-unix.h>

struct SpiceTimer {
	SpiceTimerFunc func;
	void *opaque;
	GSource *source;
};

struct SpiceWatch {
	int fd;
	int mask;
	SpiceWatchFunc func;
	void *opaque;
	GSource *source;
};

static GMainContext *core_context;
static void (*core_channel_event)(int event, SpiceChannelEventInfo *info);

static SpiceTimer *timer_add(SpiceTimerFunc func, void *opaque)
{
	SpiceTimer *timer = g_new0(SpiceTimer, 1);

	timer->func = func;
	timer->opaque = opaque;
	return timer;
}

static void timer_cancel(SpiceTimer *timer)
{
	if (timer->source) {
		g_source_destroy(timer->source);
		g_source_unref(timer->source);
		timer->source = NULL;
	}
}

static gboolean timer_fired(gpointer data)
{
	SpiceTimer *timer = data;

	/* One-shot: forget the source before the callback, which may start the timer again. */
	g_source_unref(timer->source);
	timer->source = NULL;
	timer->func(timer->opaque);
	return G_SOURCE_REMOVE;
}

static void timer_start(SpiceTimer *timer, uint32_t ms)
{
	timer_cancel(timer);
	timer->source = g_timeout_source_new(ms);
	g_source_set_callback(timer->source, timer_fired, timer, NULL);
	g_source_attach(timer->source, core_context);
}

static void timer_remove(SpiceTimer *timer)
{
	timer_cancel(timer);
	g_free(timer);
}

static gboolean watch_fired(gint fd, GIOCondition condition, gpointer data)
{
	SpiceWatch *watch = data;
	int events = 0;

	if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR))
		events |= SPICE_WATCH_EVENT_READ;
	if (condition & G_IO_OUT)
		events |= SPICE_WATCH_EVENT_WRITE;
	/* The callback may remove this watch: touch nothing of it afterwards. */
	watch->func(fd, events & watch->mask, watch->opaque);
	return G_SOURCE_CONTINUE;
}

static void watch_arm(SpiceWatch *watch)
{
	GIOCondition cond = 0;

	if (watch->source) {
		g_source_destroy(watch->source);
		g_source_unref(watch->source);
		watch->source = NULL;
	}
	if (watch->mask & SPICE_WATCH_EVENT_READ)
		cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
	if (watch->mask & SPICE_WATCH_EVENT_WRITE)
		cond |= G_IO_OUT | G_IO_ERR;
	if (cond == 0)
		return;
	watch->source = g_unix_fd_source_new(watch->fd, cond);
	g_source_set_callback(watch->source, G_SOURCE_FUNC(watch_fired), watch, NULL);
	g_source_attach(watch->source, core_context);
}

static SpiceWatch *watch_add(int fd, int event_mask, SpiceWatchFunc func, void *opaque)
{
	SpiceWatch *watch = g_new0(SpiceWatch, 1);

	watch->fd = fd;
	watch->mask = event_mask;
	watch->func = func;
	watch->opaque = opaque;
	watch_arm(watch);
	return watch;
}

static void watch_update_mask(SpiceWatch *watch, int event_mask)
{
	if (watch->mask == event_mask)
		return;
	watch->mask = event_mask;
	watch_arm(watch);
}

static void watch_remove(SpiceWatch *watch)
{
	watch->mask = 0;
	watch_arm(watch);
	g_free(watch);
}

static void channel_event(int event, SpiceChannelEventInfo *info)
{
	if (core_channel_event)
		core_channel_event(event, info);
}

static SpiceCoreInterface core = {
	.base = TSR_SPICE_INTERFACE_BASE(CORE, "tessera GLib core"),
	.timer_add = timer_add,
	.timer_start = timer_start,
	.timer_cancel = timer_cancel,
	.timer_remove = timer_remove,
	.watch_add = watch_add,
	.watch_update_mask = watch_update_mask,
	.watch_remove = watch_remove,
	.channel_event = channel_event,
};

SpiceCoreInterface *tsr_spice_core_get(GMainContext *context,
				       void (*event)(int event, SpiceChannelEventInfo *info))
{
	core_context = context;
	core_channel_event = event;
	return &core;
}
