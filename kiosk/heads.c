/* kiosk/heads.c: one scene and frame loop per output, the domains spread over them (heads.h).
 *
 * Where things go is decided by the pure modules (arrangement.c, placement.c); this file
 * opens the outputs, follows their sizes (hotplug) and makes the scenes and the displays
 * match those decisions. */
#include "config.h"
#include "kiosk/heads.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

struct tsr_kiosk_heads {
	struct tsr_kiosk_head head[TSR_KIOSK_HEADS_MAX];
	int n;
	char order[TSR_ARRANGEMENT_MAX * 2][TSR_CONNECTOR_NAME_SIZE];
	int n_order;
	bool mirror;
	struct tsr_arrangement arrangement;
	struct tsr_placement placement;
	struct tsr_displays *displays;
	struct tsr_kiosk_heads_hooks hooks;
	void *hooks_data;
};

static int head_named(const struct tsr_kiosk_heads *h, const char *name)
{
	for (int i = 0; name && i < h->n; i++)
		if (strcmp(h->head[i].name, name) == 0)
			return i;
	return -1;
}

static bool placed(const struct tsr_placement *p, const char *domain)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->d[i].domain, domain) == 0)
			return true;
	return false;
}

/* Scenes and displays as placement says; the router's desktop as the arrangement says. */
static void apply(struct tsr_kiosk_heads *h)
{
	struct tsr_displays_head rows[TSR_ARRANGEMENT_MAX];
	int n = 0;

	if (!h->displays)
		return;
	/* Domains that found no output when they came (none connected) get one now. */
	for (int i = 0; i < tsr_displays_count(h->displays); i++) {
		const char *name = tsr_displays_nth(h->displays, i);

		if (h->arrangement.n && !placed(&h->placement, name) &&
		    !tsr_placement_show(&h->placement, &h->arrangement, name, 0))
			tsr_warn("outputs: no room for %s on any output", name);
	}
	for (int k = 0; k < h->placement.n; k++) {
		const char *name = h->placement.d[k].domain;
		int i = head_named(h, h->placement.d[k].on);
		g_autoptr(GError) error = NULL;

		int from = tsr_kiosk_heads_of(h, name);

		if (i < 0 || from == i)
			continue;
		if (tsr_displays_move(h->displays, name, h->head[i].scene, &error)) {
			tsr_info("outputs: %s is shown on %s", name, h->head[i].name);
			h->head[i].announce = true;
			if (from >= 0)
				h->head[from].announce = true;
		} else if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
			tsr_warn("outputs: %s cannot move to %s: %s", name, h->head[i].name,
				 error->message);
	}
	for (int j = 0; j < h->arrangement.n; j++) {
		int i = head_named(h, h->arrangement.out[j].name);

		if (i >= 0)
			rows[n++] = (struct tsr_displays_head){ h->head[i].scene,
							       h->arrangement.out[j].rect };
	}
	tsr_displays_set_heads(h->displays, rows, n);
}

/* Mirrored, every connected output but the one the desktop is laid out for shows that one's
 * frames; otherwise each its own scene. Everyone is let go first, so no output follows one
 * that is about to follow another. */
static void follow(struct tsr_kiosk_heads *h)
{
	int p = h->mirror && h->arrangement.n ? head_named(h, h->arrangement.out[0].name) : -1;

	for (int i = 0; i < h->n; i++)
		tsr_kiosk_frames_follow(h->head[i].frames, NULL);
	for (int i = 0; p >= 0 && i < h->n; i++)
		if (i != p && tsr_output_width(h->head[i].output) > 0)
			tsr_kiosk_frames_follow(h->head[i].frames, h->head[p].frames);
}

/* The outputs as they are now: the row again, domains moved, everyone told. */
static void update(struct tsr_kiosk_heads *h)
{
	struct tsr_connector_state c[TSR_KIOSK_HEADS_MAX];
	const char *order[G_N_ELEMENTS(h->order) + 1];
	struct tsr_arrangement before = h->arrangement;
	GString *text = g_string_new(NULL);

	for (int i = 0; i < h->n; i++) {
		g_strlcpy(c[i].name, h->head[i].name, sizeof c[i].name);
		c[i].width = tsr_output_width(h->head[i].output);
		c[i].height = tsr_output_height(h->head[i].output);
	}
	for (int i = 0; i < h->n_order; i++)
		order[i] = h->order[i];
	order[h->n_order] = NULL;
	tsr_arrangement_compute(c, h->n, order, &h->arrangement);
	if (h->mirror)
		tsr_arrangement_mirror(&h->arrangement);
	tsr_placement_update(&h->placement, &before, &h->arrangement);
	apply(h);
	follow(h);
	for (int j = 0; j < h->arrangement.n; j++)
		g_string_append_printf(text, "%s%s %dx%d+%d", j ? ", " : "",
				       h->arrangement.out[j].name, h->arrangement.out[j].rect.width,
				       h->arrangement.out[j].rect.height,
				       h->arrangement.out[j].rect.x);
	for (int i = 0; h->mirror && h->arrangement.n && i < h->n; i++)
		if (tsr_output_width(h->head[i].output) > 0 &&
		    strcmp(h->head[i].name, h->arrangement.out[0].name) != 0)
			g_string_append_printf(text, ", mirrored on %s", h->head[i].name);
	tsr_info("outputs: %s", h->arrangement.n ? text->str : "none connected");
	g_string_free(text, TRUE);
	if (h->hooks.changed)
		h->hooks.changed(h->hooks_data);
}

static void on_resized(void *data)
{
	update(((struct tsr_kiosk_head *)data)->owner);
}

/* The head whose frames tell the session what is on screen (heads.h, first_head_frame). */
static const struct tsr_kiosk_head *leading(const struct tsr_kiosk_heads *h)
{
	int i = h->arrangement.n ? head_named(h, h->arrangement.out[0].name) : -1;

	return &h->head[i >= 0 ? i : 0];
}

/* A frame was presented: the one that shows the domains that came to a head or left it is
 * described as it was composed ... */
static void on_presented(void *data)
{
	struct tsr_kiosk_head *hd = data;
	struct tsr_kiosk_heads *h = hd->owner;

	if (hd->announce) {
		GString *text = g_string_new(NULL);

		hd->announce = false;
		for (int k = 0; tsr_placement_nth_on(&h->placement, hd->name, k); k++)
			g_string_append_printf(text, "%s%s", k ? ", " : "",
					       tsr_placement_nth_on(&h->placement, hd->name, k));
		g_free(hd->showing);
		hd->showing = g_string_free(text, FALSE);
	}
	if (hd == leading(h) && h->hooks.first_head_frame)
		h->hooks.first_head_frame(h->hooks_data);
	if (h->hooks.frame)
		h->hooks.frame(h->hooks_data);
}

bool tsr_kiosk_heads_first_settled(const struct tsr_kiosk_heads *h)
{
	return h->n > 0 && tsr_kiosk_frames_settled(leading(h)->frames);
}

/* ... and logged once it is on the screen. */
static void on_shown(void *data)
{
	struct tsr_kiosk_head *hd = data;

	if (!hd->showing)
		return;
	tsr_info("outputs: %s shows %s", hd->name, hd->showing[0] ? hd->showing : "no domain");
	g_clear_pointer(&hd->showing, g_free);
}

static const struct tsr_kiosk_frames_hooks frames_hooks = {
	.presented = on_presented, .shown = on_shown, .resized = on_resized,
};

struct tsr_kiosk_heads *tsr_kiosk_heads_create(struct tsr_output **outputs,
					       const char *const *names, int n, GError **error)
{
	struct tsr_kiosk_heads *h = g_new0(struct tsr_kiosk_heads, 1);

	tsr_placement_init(&h->placement);
	for (int i = 0; i < n; i++) {
		struct tsr_kiosk_head *hd = &h->head[h->n];

		if (h->n == TSR_KIOSK_HEADS_MAX) {
			tsr_output_destroy(outputs[i]);
			continue;
		}
		hd->output = outputs[i];
		g_strlcpy(hd->name, names[i], sizeof hd->name);
		h->n++;
		hd->scene = tsr_scene_create(0, 0, error);
		if (!hd->scene || !(hd->frames = tsr_kiosk_frames_create(hd->scene, hd->output, error))) {
			for (int k = i + 1; k < n; k++)
				tsr_output_destroy(outputs[k]);
			tsr_kiosk_heads_destroy(h);
			return NULL;
		}
		hd->owner = h;
		tsr_kiosk_frames_set_hooks(hd->frames, &frames_hooks, hd);
	}
	update(h);
	return h;
}

void tsr_kiosk_heads_destroy(struct tsr_kiosk_heads *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n; i++) {
		tsr_kiosk_frames_destroy(h->head[i].frames);
		g_free(h->head[i].showing);
		tsr_scene_destroy(h->head[i].scene);
		tsr_output_destroy(h->head[i].output);
	}
	g_free(h);
}

/* "drm" on a card: an output per connector, each on its own descriptor of the card (one open
 * file: DRM master and the client caps are shared). */
static int open_connectors(int card_fd, const char *node, struct tsr_output **out,
			   char names[][TSR_CONNECTOR_NAME_SIZE], GError **error)
{
	struct tsr_output_connector c[TSR_OUTPUT_CONNECTORS_MAX];
	int fds[TSR_KIOSK_HEADS_MAX], nc = 0, n = 0;

	if (!tsr_output_drm_connectors(card_fd, c, TSR_OUTPUT_CONNECTORS_MAX, &nc, error)) {
		close(card_fd);
		return -1;
	}
	nc = MIN(nc, TSR_KIOSK_HEADS_MAX);
	if (nc == 0) {
		out[0] = tsr_output_open_drm_fd("drm", card_fd, node, error);
		g_strlcpy(names[0], "drm", TSR_CONNECTOR_NAME_SIZE);
		return out[0] ? 1 : -1;
	}
	fds[0] = card_fd;
	for (int i = 1; i < nc; i++)
		if ((fds[i] = fcntl(card_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
			tsr_warn("outputs: %s: %s; driving %d of its connectors", node,
				 g_strerror(errno), i);
			nc = i;
		}
	for (int i = 0; i < nc; i++) {
		g_autofree char *spec = g_strdup_printf("drm:%s", c[i].name);

		out[n] = tsr_output_open_drm_fd(spec, fds[i], node, error);
		if (!out[n]) {
			for (int k = i + 1; k < nc; k++)
				close(fds[k]);
			for (int k = 0; k < n; k++)
				tsr_output_destroy(out[k]);
			return -1;
		}
		g_strlcpy(names[n++], c[i].name, TSR_CONNECTOR_NAME_SIZE);
	}
	return n;
}

/* "headless:WxH,headless:WxH": one each, named headless-1, ... */
static int open_headless(const char *spec, struct tsr_output **out,
			 char names[][TSR_CONNECTOR_NAME_SIZE], GError **error)
{
	g_auto(GStrv) items = g_strsplit(spec, ",", -1);
	int n = 0;

	for (int i = 0; items[i]; i++) {
		if (n == TSR_KIOSK_HEADS_MAX || !(out[n] = tsr_output_open(items[i], error))) {
			if (n == TSR_KIOSK_HEADS_MAX)
				g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
					    "output '%s': at most %d outputs", spec,
					    TSR_KIOSK_HEADS_MAX);
			for (int k = 0; k < n; k++)
				tsr_output_destroy(out[k]);
			return -1;
		}
		g_snprintf(names[n], TSR_CONNECTOR_NAME_SIZE, "headless-%d", n + 1);
		n++;
	}
	return n;
}

struct tsr_kiosk_heads *tsr_kiosk_heads_open(const char *spec, int card_fd, const char *node,
					     GError **error)
{
	struct tsr_output *out[TSR_KIOSK_HEADS_MAX];
	char names[TSR_KIOSK_HEADS_MAX][TSR_CONNECTOR_NAME_SIZE];
	const char *name_of[TSR_KIOSK_HEADS_MAX];
	int n;

	if (card_fd >= 0 && (!spec || strcmp(spec, "drm") == 0)) {
		n = open_connectors(card_fd, node, out, names, error);
	} else if (spec && g_str_has_prefix(spec, "headless:") && strchr(spec, ',')) {
		n = open_headless(spec, out, names, error);
	} else {
		out[0] = card_fd >= 0 ? tsr_output_open_drm_fd(spec, card_fd, node, error)
				      : tsr_output_open(spec ? spec : "drm", error);
		n = out[0] ? 1 : -1;
		/* drm:CONNECTOR (the card optional before it) is named after the connector. */
		const char *colon = spec ? strrchr(spec, ':') : NULL;

		g_strlcpy(names[0], spec && g_str_has_prefix(spec, "drm:") && colon ? colon + 1
				    : spec && g_str_has_prefix(spec, "headless") ? "headless-1"
										 : "drm",
			  TSR_CONNECTOR_NAME_SIZE);
	}
	if (n < 0)
		return NULL;
	for (int i = 0; i < n; i++)
		name_of[i] = names[i];
	return tsr_kiosk_heads_create(out, name_of, n, error);
}

int tsr_kiosk_heads_count(const struct tsr_kiosk_heads *h)
{
	return h->n;
}

struct tsr_kiosk_head *tsr_kiosk_heads_get(struct tsr_kiosk_heads *h, int i)
{
	return i >= 0 && i < h->n ? &h->head[i] : NULL;
}

const struct tsr_arrangement *tsr_kiosk_heads_arrangement(const struct tsr_kiosk_heads *h)
{
	return &h->arrangement;
}

void tsr_kiosk_heads_set_displays(struct tsr_kiosk_heads *h, struct tsr_displays *displays)
{
	h->displays = displays;
	if (displays && h->n)
		tsr_displays_set_scene(displays, h->head[0].scene);
	apply(h);
}

void tsr_kiosk_heads_set_hooks(struct tsr_kiosk_heads *h, const struct tsr_kiosk_heads_hooks *hooks,
			       void *data)
{
	h->hooks = hooks ? *hooks : (struct tsr_kiosk_heads_hooks){ 0 };
	h->hooks_data = data;
}

void tsr_kiosk_heads_set_order(struct tsr_kiosk_heads *h, const char *const *order)
{
	int n = 0;
	bool same = true;

	for (int i = 0; order && order[i] && n < (int)G_N_ELEMENTS(h->order); i++) {
		same = same && i < h->n_order && strcmp(h->order[i], order[i]) == 0;
		g_strlcpy(h->order[n++], order[i], sizeof h->order[0]);
	}
	if (same && n == h->n_order)
		return;
	h->n_order = n;
	update(h);
}

void tsr_kiosk_heads_set_mirror(struct tsr_kiosk_heads *h, bool mirror)
{
	if (h->mirror == mirror)
		return;
	h->mirror = mirror;
	update(h);
}

bool tsr_kiosk_heads_locate(const struct tsr_kiosk_heads *h, int x, int y, int *head,
			    int32_t *local_x, int32_t *local_y)
{
	struct tsr_output_point p;
	int i;

	if (!tsr_arrangement_locate(&h->arrangement, x, y, &p) ||
	    (i = head_named(h, h->arrangement.out[p.out].name)) < 0)
		return false;
	*head = i;
	*local_x = p.x;
	*local_y = p.y;
	return true;
}

bool tsr_kiosk_heads_first_ranges(const struct tsr_kiosk_heads *h, struct tsr_input_range *x,
				  struct tsr_input_range *y)
{
	int j = h->n ? tsr_arrangement_find(&h->arrangement, h->head[0].name) : -1;
	int32_t width = tsr_arrangement_width(&h->arrangement), height = 0, ox, oy;

	for (int i = 0; i < h->arrangement.n; i++)
		height = MAX(height, h->arrangement.out[i].rect.height);
	if (h->n && tsr_kiosk_frames_follow_offset(h->head[0].frames, &ox, &oy)) {
		/* The first head shows the desktop with its top-left corner at (ox, oy). */
		*x = (struct tsr_input_range){ ox, ox + width - 1 };
		*y = (struct tsr_input_range){ oy, oy + height - 1 };
		return true;
	}
	if (j < 0)
		return false;
	/* The router maps min..max onto 0..width-1: a range of width pixels starting at minus
	 * the head's left edge is the head's own pixels, shifted to where it stands. */
	*x = (struct tsr_input_range){ -h->arrangement.out[j].rect.x,
				       width - 1 - h->arrangement.out[j].rect.x };
	*y = (struct tsr_input_range){ 0, height - 1 };
	return true;
}

void tsr_kiosk_heads_pointer(struct tsr_kiosk_heads *h, int x, int y)
{
	int on = -1;
	int32_t lx = 0, ly = 0;

	if (!tsr_kiosk_heads_locate(h, x, y, &on, &lx, &ly))
		on = -1;
	for (int i = 0; i < h->n; i++) {
		if (i == on)
			tsr_scene_set_pointer(h->head[i].scene, lx, ly);
		tsr_scene_set_pointer_visible(h->head[i].scene, i == on);
	}
}

void tsr_kiosk_heads_show(struct tsr_kiosk_heads *h, const char *domain, int x, int y)
{
	struct tsr_output_point p = { 0 };
	int i;

	if (h->arrangement.n &&
	    (!tsr_arrangement_locate(&h->arrangement, x, y, &p) ||
	     !tsr_placement_show(&h->placement, &h->arrangement, domain, p.out)))
		tsr_warn("outputs: no room for %s on any output", domain);
	int o = tsr_placement_output_of(&h->placement, &h->arrangement, domain);

	i = o >= 0 ? head_named(h, h->arrangement.out[o].name) : -1;
	if (h->displays && h->n)
		tsr_displays_set_scene(h->displays, h->head[i >= 0 ? i : 0].scene);
}

void tsr_kiosk_heads_hide(struct tsr_kiosk_heads *h, const char *domain)
{
	tsr_placement_remove(&h->placement, domain);
}

bool tsr_kiosk_heads_move(struct tsr_kiosk_heads *h, const char *domain, int direction)
{
	if (!domain || !tsr_placement_move(&h->placement, &h->arrangement, domain, direction))
		return false;
	apply(h);
	return true;
}

void tsr_kiosk_heads_focus(struct tsr_kiosk_heads *h, const char *focus)
{
	if (!h->displays)
		return;
	tsr_displays_set_focus(h->displays, focus);
	if (!focus)
		return;
	for (int i = 0; i < h->n; i++) {
		struct tsr_scene *scene = h->head[i].scene;
		const char *first = tsr_placement_nth_on(&h->placement, h->head[i].name, 0);

		if (!tsr_scene_get_focus(scene) && first &&
		    tsr_displays_scene_of(h->displays, first) == scene)
			tsr_scene_set_focus(scene, tsr_displays_scene_domain(h->displays, first));
	}
}

int tsr_kiosk_heads_of(const struct tsr_kiosk_heads *h, const char *domain)
{
	struct tsr_scene *scene = h->displays ? tsr_displays_scene_of(h->displays, domain) : NULL;

	for (int i = 0; scene && i < h->n; i++)
		if (h->head[i].scene == scene)
			return i;
	return -1;
}

void tsr_kiosk_heads_set_layout(struct tsr_kiosk_heads *h, enum tsr_layout layout)
{
	for (int i = 0; i < h->n; i++)
		tsr_scene_set_layout(h->head[i].scene, layout);
}

bool tsr_kiosk_heads_set_clock(struct tsr_kiosk_heads *h, const char *text)
{
	bool ok = true;

	for (int i = 0; i < h->n; i++)
		ok = tsr_scene_set_clock(h->head[i].scene, text, NULL) && ok;
	return ok;
}

bool tsr_kiosk_heads_set_clipboard(struct tsr_kiosk_heads *h, const char *text,
				   enum tsr_color colour, GError **error)
{
	for (int i = 0; i < h->n; i++)
		if (!tsr_scene_set_clipboard(h->head[i].scene, text, colour, error))
			return false;
	return true;
}

void tsr_kiosk_heads_set_power(struct tsr_kiosk_heads *h, bool on)
{
	for (int i = 0; i < h->n; i++) {
		g_autoptr(GError) error = NULL;

		if (!tsr_output_set_power(h->head[i].output, on, &error))
			tsr_warn("outputs: %s: %s", h->head[i].name, error->message);
		else if (on) /* the whole picture again, drawn by the next frame */
			tsr_scene_damage_all(h->head[i].scene);
	}
}
