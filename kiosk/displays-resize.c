/* kiosk/displays-resize.c: each attached viewer's guest is asked for the size of the frame its
 * domain is shown in, once the frame has settled (kiosk/resize-debounce.h), so a guest with an
 * agent fills its frame pixel for pixel instead of being scaled. Kept apart from displays.c
 * (what the viewers send) and displays-input.c (what the router sends them). */
#include "config.h"
#include "kiosk/displays-private.h"

#include "common/log.h"
#include "proto/display-resize.h"

static gboolean on_settled(gpointer data);

static void arm(struct tsr_display *d, int64_t now_us)
{
	int64_t due = tsr_resize_debounce_due_us(&d->resize);

	g_clear_handle_id(&d->resize_timer, g_source_remove);
	if (due >= 0)
		d->resize_timer = g_timeout_add((guint)((MAX(due - now_us, 0) + 999) / 1000),
						on_settled, d);
}

static gboolean on_settled(gpointer data)
{
	struct tsr_display *d = data;
	int64_t now = g_get_monotonic_time();
	uint32_t w, h;

	d->resize_timer = 0;
	if (d->link && tsr_resize_debounce_take(&d->resize, now, &w, &h)) {
		tsr_info("asking %s for %ux%u, the size of its frame", d->name, w, h);
		if (tsr_viewer_link_send_resize(d->link, w, h) < 0)
			tsr_warn("resize of %s dropped: the viewer is not reading", d->name);
	}
	arm(d, now);
	return G_SOURCE_REMOVE;
}

void tsr_displays_frames_changed(struct tsr_displays *ds)
{
	int64_t now = g_get_monotonic_time();

	for (guint i = 0; i < ds->list->len; i++) {
		struct tsr_display *d = g_ptr_array_index(ds->list, i);
		struct tsr_rect frame;
		uint32_t w, h;

		/* Asked only once the viewer is connected, so the request reaches a guest; a domain
		 * not shown now keeps whatever it has until it is shown again. */
		if (!d->link || !d->connected || !tsr_scene_domain_frame_rect(d->sd, &frame) ||
		    !tsr_display_resize_fit(frame.width, frame.height, &w, &h))
			continue;
		tsr_resize_debounce_frame(&d->resize, w, h, now);
		arm(d, now);
	}
}

void tsr_displays_resize_forget(struct tsr_display *d)
{
	g_clear_handle_id(&d->resize_timer, g_source_remove);
	tsr_resize_debounce_reset(&d->resize);
}
