/* kiosk/displays.c: viewer links to scene domains, and router geometry from the scene.
 *
 * A viewer is untrusted: everything it sends is checked by proto/viewer-link.c first, a
 * violation ends that viewer only, and a flooding viewer is throttled (its fd watch is paused
 * until the link's token bucket refills) so other domains keep their frame rate. */
#include "config.h"
#include "kiosk/displays.h"

#include "common/log.h"
#include "proto/viewer-link.h"
#include "proto/display.h"

#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

struct display {
	struct tsr_displays *owner;
	char *name;
	int id;
	struct tsr_viewer_link *link;
	struct tsr_scene_domain *sd;
	guint watch, resume;
	bool framed;    /* a surface arrived */
	bool connected; /* the viewer said CONNECTED: its input channel is up too */
	bool ready_told;
	int32_t sw, sh; /* surface size */
};

struct tsr_displays {
	struct tsr_scene *scene;
	struct tsr_displays_hooks hooks;
	void *data;
	GPtrArray *list; /* struct display * */
	int next_id;
	struct tsr_input_router *router;
};

static struct display *by_name(const struct tsr_displays *ds, const char *name)
{
	for (guint i = 0; name && i < ds->list->len; i++) {
		struct display *d = g_ptr_array_index(ds->list, i);
		if (strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

static struct display *by_id(const struct tsr_displays *ds, int id)
{
	for (guint i = 0; i < ds->list->len; i++) {
		struct display *d = g_ptr_array_index(ds->list, i);
		if (d->id == id)
			return d;
	}
	return NULL;
}

static void display_free(struct display *d)
{
	if (d->watch)
		g_source_remove(d->watch);
	if (d->resume)
		g_source_remove(d->resume);
	if (d->owner->router)
		tsr_input_router_domain_gone(d->owner->router, d->id);
	tsr_scene_remove_domain(d->owner->scene, d->sd);
	tsr_viewer_link_destroy(d->link);
	g_free(d->name);
	g_free(d);
}

/* Ends a display from inside its own callbacks: report first, free after. */
static void display_lost(struct display *d, const char *why)
{
	struct tsr_displays *ds = d->owner;
	g_autofree char *name = g_strdup(d->name);
	g_autofree char *text = g_strdup(why);

	tsr_warn("display of %s: %s", name, text);
	g_ptr_array_remove(ds->list, d);
	display_free(d);
	if (ds->hooks.lost)
		ds->hooks.lost(ds->data, name, text);
}

/* The domain goes on the desktop once it has a frame and can take input: keys typed the moment
 * it appears must not be lost to a viewer still opening its input channel. */
static void maybe_ready(struct display *d)
{
	if (d->ready_told || !d->framed || !d->connected)
		return;
	d->ready_told = true;
	if (d->owner->hooks.first_frame)
		d->owner->hooks.first_frame(d->owner->data, d->name);
}

static void on_surface(void *opaque, const struct tsr_viewer_surface_view *v)
{
	struct display *d = opaque;
	struct tsr_pixels px = { v->pixels, (int32_t)v->width, (int32_t)v->height,
				 (int32_t)v->stride };
	g_autoptr(GError) error = NULL;

	if (!tsr_scene_domain_set_surface(d->sd, &px, NULL, &error)) {
		tsr_warn("display of %s: surface refused: %s", d->name, error->message);
		return;
	}
	d->sw = px.width;
	d->sh = px.height;
	d->framed = true;
	maybe_ready(d);
}

static void on_damage(void *opaque, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct display *d = opaque;

	tsr_scene_domain_damage(d->sd, (int32_t)x, (int32_t)y, (int32_t)w, (int32_t)h);
}

static void on_cursor(void *opaque, const struct tsr_viewer_cursor_view *c)
{
	struct display *d = opaque;
	g_autoptr(GError) error = NULL;
	uint32_t *copy = NULL;
	bool ok;

	if (!c) {
		ok = tsr_scene_domain_set_cursor(d->sd, NULL, &error);
	} else {
		/* The scene wants stride == width * 4. */
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
	g_free(copy);
}

static void on_status(void *opaque, uint32_t status)
{
	struct display *d = opaque;
	g_autoptr(GError) error = NULL;

	if (status == TSR_DISPLAY_STATUS_CONNECTED) {
		d->connected = true;
		maybe_ready(d);
	}
	if (status == TSR_DISPLAY_STATUS_DOMAIN_GONE && !d->framed &&
	    !tsr_scene_domain_set_surface(d->sd, NULL, "Display lost", &error))
		tsr_warn("display of %s: %s", d->name, error->message);
}

static const struct tsr_viewer_link_callbacks link_cb = {
	.surface = on_surface, .damage = on_damage, .cursor = on_cursor, .status = on_status,
};

static gboolean on_readable(int fd, GIOCondition cond, gpointer data);

static gboolean on_resume(gpointer data)
{
	struct display *d = data;

	d->resume = 0;
	d->watch = g_unix_fd_add(tsr_viewer_link_fd(d->link), G_IO_IN | G_IO_HUP | G_IO_ERR,
				 on_readable, d);
	return G_SOURCE_REMOVE;
}

static gboolean on_readable(int fd, GIOCondition cond, gpointer data)
{
	struct display *d = data;

	for (;;) {
		switch (tsr_viewer_link_dispatch(d->link)) {
		case TSR_VIEWER_LINK_OK:
			return G_SOURCE_CONTINUE;
		case TSR_VIEWER_LINK_MORE:
			/* Fairness: give other sources a turn, come back on the next wake-up. */
			return G_SOURCE_CONTINUE;
		case TSR_VIEWER_LINK_THROTTLED: {
			int64_t wait = tsr_viewer_link_resume_us(d->link) -
				       tsr_clock_now_us(tsr_clock_monotonic());
			d->watch = 0;
			d->resume = g_timeout_add(wait > 0 ? (guint)((wait + 999) / 1000) : 1,
						  on_resume, d);
			return G_SOURCE_REMOVE;
		}
		case TSR_VIEWER_LINK_CLOSED:
			d->watch = 0;
			display_lost(d, "the viewer ended");
			return G_SOURCE_REMOVE;
		case TSR_VIEWER_LINK_VIOLATION: {
			g_autofree char *why = g_strdup_printf("protocol violation: %s",
							       tsr_viewer_link_error(d->link));
			d->watch = 0;
			display_lost(d, why);
			return G_SOURCE_REMOVE;
		}
		}
	}
}

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

bool tsr_displays_add(struct tsr_displays *ds, const char *domain, enum tsr_color c, int fd)
{
	g_autoptr(GError) error = NULL;
	struct display *d;

	tsr_displays_remove(ds, domain);
	d = g_new0(struct display, 1);
	d->owner = ds;
	d->name = g_strdup(domain);
	d->id = ds->next_id++;
	d->sd = tsr_scene_add_domain(ds->scene, domain, c, &error);
	if (!d->sd) {
		tsr_warn("cannot show %s: %s", domain, error->message);
		close(fd);
		g_free(d->name);
		g_free(d);
		return false;
	}
	tsr_scene_domain_set_user_data(d->sd, d);
	d->link = tsr_viewer_link_create(fd, NULL, NULL, &link_cb, d);
	if (!d->link) {
		tsr_warn("cannot show %s: the viewer link could not be set up", domain);
		tsr_scene_remove_domain(ds->scene, d->sd);
		close(fd);
		g_free(d->name);
		g_free(d);
		return false;
	}
	d->watch = g_unix_fd_add(tsr_viewer_link_fd(d->link), G_IO_IN | G_IO_HUP | G_IO_ERR,
				 on_readable, d);
	g_ptr_array_add(ds->list, d);
	return true;
}

void tsr_displays_remove(struct tsr_displays *ds, const char *domain)
{
	struct display *d = ds ? by_name(ds, domain) : NULL;

	if (!d)
		return;
	g_ptr_array_remove(ds->list, d);
	display_free(d);
}

void tsr_displays_set_focus(struct tsr_displays *ds, const char *domain)
{
	struct display *d = by_name(ds, domain);

	tsr_scene_set_focus(ds->scene, d ? d->sd : NULL);
}

int tsr_displays_id(const struct tsr_displays *ds, const char *domain)
{
	struct display *d = by_name(ds, domain);

	return d ? d->id : -1;
}

const char *tsr_displays_name(const struct tsr_displays *ds, int id)
{
	struct display *d = by_id(ds, id);

	return d ? d->name : NULL;
}

void tsr_displays_set_router(struct tsr_displays *ds, struct tsr_input_router *router)
{
	ds->router = router;
}

/* The viewer protocol writes e0-prefixed keys as 0xe0NN; the router as 0x100 | NN. */
static uint32_t to_display_scancode(uint32_t sc)
{
	if (sc & 0x100)
		return 0xe000u | (sc & 0xffu);
	if (sc & 0x200)
		return 0xe100u | (sc & 0xffu);
	return sc;
}

void tsr_displays_key(struct tsr_displays *ds, int id, uint32_t scancode, bool down)
{
	struct display *d = by_id(ds, id);

	if (d && tsr_viewer_link_send_key(d->link, to_display_scancode(scancode), down) < 0)
		tsr_debug("key for %s dropped: the viewer is not reading", d->name);
}

void tsr_displays_pointer(struct tsr_displays *ds, int id, int x, int y, uint32_t buttons)
{
	struct display *d = by_id(ds, id);

	if (d && tsr_viewer_link_send_pointer(d->link, x, y, buttons & 7u) < 0)
		tsr_debug("pointer for %s dropped: the viewer is not reading", d->name);
}

void tsr_displays_button_at(struct tsr_displays *ds, int id, int x, int y, uint32_t buttons)
{
	struct display *d = by_id(ds, id);
	struct tsr_rect r;
	int32_t sx, sy;

	if (!d || !tsr_scene_domain_content_rect(d->sd, &r))
		return;
	/* A drag that left the content keeps going to the domain at its edge. */
	x = CLAMP(x, r.x, r.x + r.width - 1);
	y = CLAMP(y, r.y, r.y + r.height - 1);
	if (tsr_scene_map_to_surface(d->sd, x, y, &sx, &sy))
		tsr_displays_pointer(ds, id, sx, sy, buttons);
}

/* --- geometry for the router ------------------------------------------------------------- */

static bool area_of(struct display *d, struct tsr_input_domain_area *out)
{
	struct tsr_rect r;

	if (!d->sw || !tsr_scene_domain_content_rect(d->sd, &r))
		return false;
	out->domain = d->id;
	out->content = (struct tsr_input_rect){ r.x, r.y, r.width, r.height };
	out->surface_w = d->sw;
	out->surface_h = d->sh;
	return true;
}

static void geo_size(void *user_data, int *w, int *h)
{
	struct tsr_displays *ds = user_data;
	const struct tsr_image *shadow = tsr_scene_shadow(ds->scene);

	*w = shadow ? shadow->width : 0;
	*h = shadow ? shadow->height : 0;
}

static bool geo_at(void *user_data, int x, int y, struct tsr_input_domain_area *out)
{
	struct tsr_displays *ds = user_data;
	struct tsr_scene_domain *sd = NULL;

	if (tsr_scene_hit_test(ds->scene, x, y, &sd) != TSR_HIT_CONTENT || !sd)
		return false;
	return area_of(tsr_scene_domain_get_user_data(sd), out);
}

static bool geo_area(void *user_data, int id, struct tsr_input_domain_area *out)
{
	struct display *d = by_id(user_data, id);

	return d && area_of(d, out);
}

void tsr_displays_geometry(struct tsr_displays *ds, struct tsr_input_geometry *out)
{
	*out = (struct tsr_input_geometry){ .user_data = ds, .desktop_size = geo_size,
					    .domain_at = geo_at, .domain_area = geo_area };
}
