/* renderer/drm/modes.c: choosing what the drm output shows on: the connector (the one named in
 * the spec, else the first connected one), its preferred mode, a CRTC that one of its encoders
 * can drive (possible_crtcs), and for atomic KMS that CRTC's primary plane and the property ids a
 * commit needs. Other connectors are left as they are: a second display must not be disturbed. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "renderer/drm/private.h"

void tsr_drm_connector_name(const drmModeConnector *c, char *buf, size_t len)
{
	const char *type = drmModeGetConnectorTypeName(c->connector_type);
	snprintf(buf, len, "%s-%u", type ? type : "Unknown", c->connector_type_id);
}

const drmModeModeInfo *tsr_drm_pick_mode(const drmModeConnector *c)
{
	/* A mode the kernel command line asked for (video=CONNECTOR:WxH) first: the user's. */
	for (int i = 0; i < c->count_modes; i++)
		if (c->modes[i].type & DRM_MODE_TYPE_USERDEF)
			return &c->modes[i];
	for (int i = 0; i < c->count_modes; i++)
		if (c->modes[i].type & DRM_MODE_TYPE_PREFERRED)
			return &c->modes[i];
	return c->count_modes > 0 ? &c->modes[0] : NULL;
}

/* The CRTC currently driving connector c, or 0. */
static uint32_t current_crtc(int fd, const drmModeConnector *c)
{
	if (c->encoder_id == 0)
		return 0;
	drmModeEncoder *e = drmModeGetEncoder(fd, c->encoder_id);
	uint32_t crtc = e ? e->crtc_id : 0;
	drmModeFreeEncoder(e);
	return crtc;
}

/* Whether a connector other than ours is being driven by crtc_id right now. */
static bool crtc_used_by_other(int fd, const drmModeRes *res, uint32_t crtc_id, uint32_t ours)
{
	for (int i = 0; i < res->count_connectors; i++) {
		if (res->connectors[i] == ours)
			continue;
		drmModeConnector *c = drmModeGetConnectorCurrent(fd, res->connectors[i]);
		bool used = c != NULL && c->connection == DRM_MODE_CONNECTED &&
			    current_crtc(fd, c) == crtc_id;
		drmModeFreeConnector(c);
		if (used)
			return true;
	}
	return false;
}

/* Bit mask of the CRTC indexes connector c can reach through its encoders. */
static uint32_t possible_crtcs(int fd, const drmModeConnector *c)
{
	uint32_t mask = 0;
	for (int i = 0; i < c->count_encoders; i++) {
		drmModeEncoder *e = drmModeGetEncoder(fd, c->encoders[i]);
		if (e != NULL)
			mask |= e->possible_crtcs;
		drmModeFreeEncoder(e);
	}
	return mask;
}

static bool pick_crtc(int fd, const drmModeRes *res, const drmModeConnector *c,
		      struct drm_head *head, GError **error)
{
	uint32_t mask = possible_crtcs(fd, c);
	uint32_t cur = current_crtc(fd, c);
	int chosen = -1;
	/* The CRTC already driving this connector (no extra modeset of anything else), then one
	 * no other display uses, then (legacy SetCrtc moves it) any possible one. */
	for (int i = 0; i < res->count_crtcs && chosen < 0; i++)
		if ((mask & (1u << i)) && res->crtcs[i] == cur)
			chosen = i;
	for (int i = 0; i < res->count_crtcs && chosen < 0; i++)
		if ((mask & (1u << i)) && !crtc_used_by_other(fd, res, res->crtcs[i], c->connector_id))
			chosen = i;
	for (int i = 0; i < res->count_crtcs && chosen < 0; i++)
		if (mask & (1u << i))
			chosen = i;
	if (chosen < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED,
			    "drm output: connector %s has no encoder that can drive any CRTC",
			    head->name);
		return false;
	}
	head->crtc_index = chosen;
	head->crtc_id = res->crtcs[chosen];
	return true;
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;
	for (uint32_t i = 0; props != NULL && i < props->count_props && id == 0; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
		if (p != NULL && strcmp(p->name, name) == 0)
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name, uint64_t dflt)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = dflt;
	for (uint32_t i = 0; props != NULL && i < props->count_props; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
		bool hit = p != NULL && strcmp(p->name, name) == 0;
		drmModeFreeProperty(p);
		if (hit) {
			v = props->prop_values[i];
			break;
		}
	}
	drmModeFreeObjectProperties(props);
	return v;
}

/* The primary plane of CRTC index idx and the atomic property ids; false if any is missing
 * (the caller then uses legacy KMS). */
static bool atomic_objects(int fd, struct drm_head *head)
{
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; planes != NULL && i < planes->count_planes && !head->plane_id; i++) {
		drmModePlane *p = drmModeGetPlane(fd, planes->planes[i]);
		if (p != NULL && (p->possible_crtcs & (1u << head->crtc_index)) &&
		    prop_value(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", 99) ==
			    DRM_PLANE_TYPE_PRIMARY)
			head->plane_id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	if (head->plane_id == 0)
		return false;
	struct drm_props *pr = &head->props;
	const uint32_t C = DRM_MODE_OBJECT_CONNECTOR, R = DRM_MODE_OBJECT_CRTC,
		       P = DRM_MODE_OBJECT_PLANE;
	pr->conn_crtc_id = prop_id(fd, head->connector_id, C, "CRTC_ID");
	pr->crtc_mode_id = prop_id(fd, head->crtc_id, R, "MODE_ID");
	pr->crtc_active = prop_id(fd, head->crtc_id, R, "ACTIVE");
	pr->plane_fb_id = prop_id(fd, head->plane_id, P, "FB_ID");
	pr->plane_crtc_id = prop_id(fd, head->plane_id, P, "CRTC_ID");
	pr->plane_src_x = prop_id(fd, head->plane_id, P, "SRC_X");
	pr->plane_src_y = prop_id(fd, head->plane_id, P, "SRC_Y");
	pr->plane_src_w = prop_id(fd, head->plane_id, P, "SRC_W");
	pr->plane_src_h = prop_id(fd, head->plane_id, P, "SRC_H");
	pr->plane_crtc_x = prop_id(fd, head->plane_id, P, "CRTC_X");
	pr->plane_crtc_y = prop_id(fd, head->plane_id, P, "CRTC_Y");
	pr->plane_crtc_w = prop_id(fd, head->plane_id, P, "CRTC_W");
	pr->plane_crtc_h = prop_id(fd, head->plane_id, P, "CRTC_H");
	return pr->conn_crtc_id && pr->crtc_mode_id && pr->crtc_active && pr->plane_fb_id &&
	       pr->plane_crtc_id && pr->plane_src_x && pr->plane_src_y && pr->plane_src_w &&
	       pr->plane_src_h && pr->plane_crtc_x && pr->plane_crtc_y && pr->plane_crtc_w &&
	       pr->plane_crtc_h;
}

static int64_t mode_period_ns(const drmModeModeInfo *m)
{
	if (m->clock == 0 || m->htotal == 0 || m->vtotal == 0)
		return 1000000000 / 60;
	int64_t ns = (int64_t)m->htotal * m->vtotal * 1000000 / m->clock; /* clock is in kHz */
	return ns > 0 ? ns : 1000000000 / 60;
}

struct drm_head *tsr_drm_head_probe(struct drm_output *out, GError **error)
{
	int fd = out->card_fd;
	drmModeRes *res = drmModeGetResources(fd);
	if (res == NULL) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: %s: cannot read KMS resources: %s", out->card_path,
			    g_strerror(errno));
		return NULL;
	}
	struct drm_head *head = NULL;
	drmModeConnector *conn = NULL;
	for (int i = 0; i < res->count_connectors && head == NULL; i++) {
		/* A full probe (not ...Current): this is where hotplug state is refreshed. */
		conn = drmModeGetConnector(fd, res->connectors[i]);
		if (conn == NULL)
			continue;
		char name[32];
		tsr_drm_connector_name(conn, name, sizeof name);
		bool wanted = out->want_connector == NULL || strcmp(out->want_connector, name) == 0;
		if (wanted && conn->connection == DRM_MODE_CONNECTED && tsr_drm_pick_mode(conn) != NULL) {
			head = g_new0(struct drm_head, 1);
			g_strlcpy(head->name, name, sizeof head->name);
			head->connector_id = conn->connector_id;
			head->mode = *tsr_drm_pick_mode(conn);
			break;
		}
		if (wanted && out->want_connector != NULL)
			tsr_info("drm: connector %s is %s", name,
				 conn->connection == DRM_MODE_CONNECTED ? "connected but has no mode"
									: "not connected");
		drmModeFreeConnector(conn);
		conn = NULL;
	}
	if (head != NULL && !pick_crtc(fd, res, conn, head, error)) {
		g_free(head);
		head = NULL;
	}
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	if (head == NULL)
		return NULL;
	head->period_ns = mode_period_ns(&head->mode);
	head->vblank = true; /* checked once the CRTC is on (tsr_drm_modeset) */
	if (out->atomic && !atomic_objects(fd, head)) {
		tsr_info("drm: %s: no primary plane or atomic properties for CRTC %u; using legacy "
			 "KMS", out->card_path, head->crtc_id);
		out->atomic = false;
	}
	return head;
}

bool tsr_drm_head_same(const struct drm_head *a, const struct drm_head *b)
{
	return a->connector_id == b->connector_id && a->crtc_id == b->crtc_id &&
	       memcmp(&a->mode, &b->mode, sizeof a->mode) == 0;
}

void tsr_drm_head_free(struct drm_output *out, struct drm_head *head)
{
	if (head == NULL)
		return;
	for (int i = 0; i < 2; i++)
		tsr_drm_buffer_destroy(out, &head->buf[i]);
	if (head->mode_blob)
		drmModeDestroyPropertyBlob(out->card_fd, head->mode_blob);
	g_free(head);
}
