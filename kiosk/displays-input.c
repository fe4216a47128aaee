/* kiosk/displays-input.c: the router's side of the displays: keys and pointer events to a
 * domain's viewer, and where each domain's pixels are, read from the scene so input lands
 * exactly where the domain is drawn. Kept apart from displays.c, which deals with what the
 * viewers send. */
#include "config.h"
#include "kiosk/displays-private.h"

#include "common/log.h"

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
	struct tsr_display *d = tsr_displays_by_id(ds, id);

	if (d && d->link && tsr_viewer_link_send_key(d->link, to_display_scancode(scancode), down) < 0)
		tsr_debug("key for %s dropped: the viewer is not reading", d->name);
}

void tsr_displays_pointer(struct tsr_displays *ds, int id, int x, int y, uint32_t buttons)
{
	struct tsr_display *d = tsr_displays_by_id(ds, id);

	if (d && d->link && tsr_viewer_link_send_pointer(d->link, x, y, buttons & 7u) < 0)
		tsr_debug("pointer for %s dropped: the viewer is not reading", d->name);
}

void tsr_displays_button_at(struct tsr_displays *ds, int id, int x, int y, uint32_t buttons)
{
	struct tsr_display *d = tsr_displays_by_id(ds, id);
	struct tsr_rect r, head;
	int32_t sx, sy;

	if (!d || !tsr_displays_head_rect(ds, d->scene, &head) ||
	    !tsr_scene_domain_content_rect(d->sd, &r))
		return;
	/* A drag that left the content keeps going to the domain at its edge; the scene counts
	 * from its own output's corner. */
	x = CLAMP(x - head.x, r.x, r.x + r.width - 1);
	y = CLAMP(y - head.y, r.y, r.y + r.height - 1);
	if (tsr_scene_map_to_surface(d->sd, x, y, &sx, &sy))
		tsr_displays_pointer(ds, id, sx, sy, buttons);
}

/* Desktop coordinates: the content rectangle moved by its output's place on the desktop. */
static bool area_of(struct tsr_display *d, struct tsr_input_domain_area *out)
{
	struct tsr_rect r, head;

	if (!d->has_surface || !tsr_displays_head_rect(d->owner, d->scene, &head) ||
	    !tsr_scene_domain_content_rect(d->sd, &r))
		return false;
	out->domain = d->id;
	out->content = (struct tsr_input_rect){ head.x + r.x, head.y + r.y, r.width, r.height };
	out->surface_w = d->sw;
	out->surface_h = d->sh;
	return true;
}

static void geo_size(void *user_data, int *w, int *h)
{
	struct tsr_displays *ds = user_data;
	struct tsr_rect r;

	*w = *h = 0;
	if (!ds->heads_set) {
		if (tsr_displays_head_rect(ds, ds->scene, &r)) {
			*w = r.width;
			*h = r.height;
		}
		return;
	}
	for (int i = 0; i < ds->n_heads; i++) {
		r = ds->heads[i].rect;
		*w = MAX(*w, r.x + r.width);
		*h = MAX(*h, r.y + r.height);
	}
}

static bool scene_hit(struct tsr_displays *ds, struct tsr_scene *scene, int x, int y,
		      struct tsr_input_domain_area *out)
{
	struct tsr_scene_domain *sd = NULL;
	struct tsr_rect r;

	if (!tsr_displays_head_rect(ds, scene, &r) || x < r.x || y < r.y || x >= r.x + r.width ||
	    y >= r.y + r.height)
		return false;
	if (tsr_scene_hit_test(scene, x - r.x, y - r.y, &sd) != TSR_HIT_CONTENT || !sd)
		return false;
	return area_of(tsr_scene_domain_get_user_data(sd), out);
}

static bool geo_at(void *user_data, int x, int y, struct tsr_input_domain_area *out)
{
	struct tsr_displays *ds = user_data;

	if (!ds->heads_set)
		return scene_hit(ds, ds->scene, x, y, out);
	for (int i = 0; i < ds->n_heads; i++)
		if (scene_hit(ds, ds->heads[i].scene, x, y, out))
			return true;
	return false;
}

static bool geo_area(void *user_data, int id, struct tsr_input_domain_area *out)
{
	struct tsr_display *d = tsr_displays_by_id(user_data, id);

	return d && area_of(d, out);
}

void tsr_displays_geometry(struct tsr_displays *ds, struct tsr_input_geometry *out)
{
	*out = (struct tsr_input_geometry){ .user_data = ds, .desktop_size = geo_size,
					    .domain_at = geo_at, .domain_area = geo_area };
}
