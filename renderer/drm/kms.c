/* renderer/drm/kms.c: the KMS calls of the drm output. Atomic KMS when the card offers it:
 * every modeset is first checked with DRM_MODE_ATOMIC_TEST_ONLY, and a driver that refuses it
 * is driven with legacy drmModeSetCrtc/drmModePageFlip from then on. Flips always ask for a
 * page-flip event carrying the output's generation, so events of a head that has since gone are
 * recognised and dropped. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "renderer/drm/private.h"

static void *event_data(struct drm_output *out)
{
	return (void *)(uintptr_t)out->generation;
}

/* Adds the properties that show buffer idx full screen on the head. */
static bool add_plane(drmModeAtomicReq *req, const struct drm_head *head, uint32_t fb_id)
{
	const struct drm_props *p = &head->props;
	uint32_t w = head->mode.hdisplay, h = head->mode.vdisplay;
	return drmModeAtomicAddProperty(req, head->plane_id, p->plane_fb_id, fb_id) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_crtc_id, head->crtc_id) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_src_x, 0) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_src_y, 0) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_src_w, (uint64_t)w << 16) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_src_h, (uint64_t)h << 16) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_crtc_x, 0) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_crtc_y, 0) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_crtc_w, w) >= 0 &&
	       drmModeAtomicAddProperty(req, head->plane_id, p->plane_crtc_h, h) >= 0;
}

static int atomic_modeset(struct drm_output *out, struct drm_head *head, int idx)
{
	int fd = out->card_fd;
	if (head->mode_blob == 0 &&
	    drmModeCreatePropertyBlob(fd, &head->mode, sizeof head->mode, &head->mode_blob) < 0)
		return -errno;
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	if (req == NULL)
		return -ENOMEM;
	int r = -ENOMEM;
	if (drmModeAtomicAddProperty(req, head->connector_id, head->props.conn_crtc_id,
				     head->crtc_id) >= 0 &&
	    drmModeAtomicAddProperty(req, head->crtc_id, head->props.crtc_mode_id,
				     head->mode_blob) >= 0 &&
	    drmModeAtomicAddProperty(req, head->crtc_id, head->props.crtc_active, 1) >= 0 &&
	    add_plane(req, head, head->buf[idx].fb_id)) {
		r = drmModeAtomicCommit(fd, req,
					DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		if (r == 0)
			r = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		if (r < 0)
			r = -errno;
	}
	drmModeAtomicFree(req);
	return r;
}

static int legacy_modeset(struct drm_output *out, struct drm_head *head, int idx)
{
	uint32_t conn = head->connector_id;
	if (drmModeSetCrtc(out->card_fd, head->crtc_id, head->buf[idx].fb_id, 0, 0, &conn, 1,
			   &head->mode) < 0)
		return -errno;
	return 0;
}

bool tsr_drm_modeset(struct drm_output *out, struct drm_head *head, int idx, GError **error)
{
	int r;
	if (out->atomic) {
		r = atomic_modeset(out, head, idx);
		if (r == 0)
			goto lit;
		tsr_info("drm: atomic modeset of %s refused (%s); using legacy KMS", head->name,
			 g_strerror(-r));
		out->atomic = false;
		drmSetClientCap(out->card_fd, DRM_CLIENT_CAP_ATOMIC, 0);
	}
	r = legacy_modeset(out, head, idx);
	if (r < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot set mode %s on %s (CRTC %u): %s", head->mode.name,
			    head->name, head->crtc_id, g_strerror(-r));
		return false;
	}
lit:;
	uint64_t seq, ns;
	/* Drivers without vblank interrupts (bochs-drm) complete flips at once; those are paced
	 * by a timer at the mode's refresh rate. */
	head->vblank = drmCrtcGetSequence(out->card_fd, head->crtc_id, &seq, &ns) == 0 ||
		       errno != EOPNOTSUPP;
	tsr_info("drm: %s %dx%d@%.2f on CRTC %u%s", head->name, head->mode.hdisplay,
		 head->mode.vdisplay, 1e9 / (double)head->period_ns, head->crtc_id,
		 head->vblank ? "" : " (no vblank: flips paced by a timer)");
	return true;
}

bool tsr_drm_flip(struct drm_output *out, struct drm_head *head, int idx, GError **error)
{
	int r;
	if (out->atomic) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		r = -ENOMEM;
		if (req != NULL &&
		    drmModeAtomicAddProperty(req, head->plane_id, head->props.plane_fb_id,
					     head->buf[idx].fb_id) >= 0) {
			r = drmModeAtomicCommit(out->card_fd, req,
						DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
						event_data(out));
			if (r < 0)
				r = -errno;
		}
		drmModeAtomicFree(req);
	} else {
		r = drmModePageFlip(out->card_fd, head->crtc_id, head->buf[idx].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, event_data(out));
		if (r < 0)
			r = -errno;
	}
	if (r < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: page flip on %s failed: %s", head->name, g_strerror(-r));
		return false;
	}
	return true;
}

void tsr_drm_disable(struct drm_output *out, struct drm_head *head)
{
	int r;
	if (out->atomic) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		r = -1;
		if (req != NULL &&
		    drmModeAtomicAddProperty(req, head->connector_id, head->props.conn_crtc_id, 0) >= 0 &&
		    drmModeAtomicAddProperty(req, head->crtc_id, head->props.crtc_mode_id, 0) >= 0 &&
		    drmModeAtomicAddProperty(req, head->crtc_id, head->props.crtc_active, 0) >= 0 &&
		    drmModeAtomicAddProperty(req, head->plane_id, head->props.plane_fb_id, 0) >= 0 &&
		    drmModeAtomicAddProperty(req, head->plane_id, head->props.plane_crtc_id, 0) >= 0)
			r = drmModeAtomicCommit(out->card_fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		drmModeAtomicFree(req);
	} else {
		r = drmModeSetCrtc(out->card_fd, head->crtc_id, 0, 0, 0, NULL, 0, NULL);
	}
	if (r < 0)
		tsr_warn("drm: turning off CRTC %u of %s: %s", head->crtc_id, head->name,
			 g_strerror(errno));
}
