/* kiosk/displays-heads.c: displays on several outputs, one scene each (displays.h).
 *
 * With several monitors every output composes its own scene, and a domain is shown in one of
 * them. Moving a domain to another output hands its scene domain over with the surface the
 * viewer mapped, so the viewer is never cut off and the guest keeps running; where each scene
 * sits on the desktop is kept here, so the router's pointer lands in the domain whose pixels
 * are under it on whichever output that is (displays-input.c). */
#include "config.h"
#include "kiosk/displays-private.h"

#include <gio/gio.h>

void tsr_displays_set_scene(struct tsr_displays *ds, struct tsr_scene *scene)
{
	ds->scene = scene;
}

struct tsr_scene *tsr_displays_scene_of(const struct tsr_displays *ds, const char *domain)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);

	return d ? d->scene : NULL;
}

bool tsr_displays_move(struct tsr_displays *ds, const char *domain, struct tsr_scene *scene,
		       GError **error)
{
	struct tsr_display *d = tsr_displays_by_name(ds, domain);
	struct tsr_scene_domain *sd;

	if (!d) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not shown", domain);
		return false;
	}
	if (d->scene == scene)
		return true;
	sd = tsr_scene_add_domain(scene, d->name, tsr_scene_domain_color(d->sd), error);
	if (!sd)
		return false;
	/* The same pixels: they stay mapped until the viewer's next surface replaces them. A
	 * display without them shows why, as it did where it was. */
	if (!tsr_scene_domain_set_surface(sd, d->has_surface ? &d->px : NULL,
					  d->link ? NULL : "Display lost", error)) {
		tsr_scene_remove_domain(scene, sd);
		return false;
	}
	tsr_scene_domain_set_user_data(sd, d);
	tsr_scene_remove_domain(d->scene, d->sd);
	d->sd = sd;
	d->scene = scene;
	return true;
}

void tsr_displays_set_heads(struct tsr_displays *ds, const struct tsr_displays_head *heads, int n)
{
	ds->heads_set = true;
	ds->n_heads = CLAMP(n, 0, TSR_DISPLAYS_HEADS_MAX);
	for (int i = 0; i < ds->n_heads; i++)
		ds->heads[i] = heads[i];
}

bool tsr_displays_head_rect(const struct tsr_displays *ds, const struct tsr_scene *scene,
			    struct tsr_rect *rect)
{
	if (!ds->heads_set) {
		const struct tsr_image *shadow = tsr_scene_shadow(ds->scene);

		*rect = (struct tsr_rect){ 0, 0, shadow ? shadow->width : 0,
					   shadow ? shadow->height : 0 };
		return scene == ds->scene;
	}
	for (int i = 0; i < ds->n_heads; i++)
		if (ds->heads[i].scene == scene) {
			*rect = ds->heads[i].rect;
			return true;
		}
	return false;
}

int tsr_displays_count(const struct tsr_displays *ds)
{
	return (int)ds->list->len;
}

const char *tsr_displays_nth(const struct tsr_displays *ds, int i)
{
	if (i < 0 || (guint)i >= ds->list->len)
		return NULL;
	return ((struct tsr_display *)g_ptr_array_index(ds->list, i))->name;
}
