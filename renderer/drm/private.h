/* renderer/drm/private.h: what the pieces of the DRM/KMS output share (renderer/drm-*.c only).
 *
 * The output drives one "head": a connector, the CRTC and primary plane feeding it, its mode and
 * two dumb buffers it flips between. drm-device.c opens the card and follows hotplug,
 * drm-modes.c picks the head, drm-fb.c owns the buffers, drm-commit.c speaks atomic or legacy
 * KMS, drm-output.c is the tsr_output backend that ties them together. */
#ifndef TSR_RENDERER_DRM_PRIVATE_H
#define TSR_RENDERER_DRM_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <pixman.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "renderer/output-backend.h"

struct udev;
struct udev_monitor;

/* A dumb buffer mapped for writing (write-combined: never read it back). */
struct drm_buffer {
	uint32_t handle, fb_id, pitch;
	uint64_t size;
	uint8_t *map;
	/* Where this buffer is behind the desktop: every presented rectangle is added to both
	 * buffers' regions and each buffer brings its own up to date before it is shown (what
	 * changed since it was last on screen: its age, as weston and wlroots call it). */
	pixman_region32_t stale;
};

/* Atomic property ids of the objects a head uses. */
struct drm_props {
	uint32_t conn_crtc_id;
	uint32_t crtc_mode_id, crtc_active;
	uint32_t plane_fb_id, plane_crtc_id;
	uint32_t plane_src_x, plane_src_y, plane_src_w, plane_src_h;
	uint32_t plane_crtc_x, plane_crtc_y, plane_crtc_w, plane_crtc_h;
};

struct drm_head {
	uint32_t connector_id, crtc_id, plane_id; /* plane_id: atomic only */
	int crtc_index;
	char name[32]; /* e.g. "Virtual-1" */
	drmModeModeInfo mode;
	uint32_t mode_blob; /* atomic only */
	struct drm_props props;
	struct drm_buffer buf[2];
	int back; /* the buffer the next frame is drawn into */
	int64_t period_ns; /* one refresh of the mode */
	bool vblank; /* the CRTC has vblank events (flip events are real) */
};

struct drm_output {
	struct tsr_output base; /* first: the generic code sees this */
	int card_fd;
	char *card_path;
	char *want_connector; /* NULL: the first connected one */
	bool atomic;          /* atomic KMS works on this card (else legacy) */
	struct udev *udev;
	struct udev_monitor *monitor;
	int timer_fd;         /* frame completion for instant-flip drivers and no-display */
	struct drm_head *head; /* NULL: no display connected */
	uint32_t generation;  /* bumped when the head changes; flip events carry it */
	bool flip_in_flight;  /* a kernel flip event is still to come */
	bool disable_pending; /* turned off during a flip: the CRTC goes off when it ends */
	int64_t commit_ns;
	int quick_flips;      /* consecutive flips completed within 0.5 ms */
	bool first_frame_logged;
};

int64_t tsr_drm_now_ns(void);

/* drm-device.c */
/* Opens card_path, or with NULL the first /dev/dri/cardN that does KMS, preferring one with a
 * connected connector. Becomes DRM master and sets the client caps; out->atomic says whether
 * atomic KMS is usable (TSR_DRM_NO_ATOMIC=1 in the environment forces legacy). */
/* card_fd >= 0: use that card (opened by someone else; owned from the call on, closed on
 * failure), card_path only naming it. */
bool tsr_drm_device_open(struct drm_output *out, const char *card_path, int card_fd,
			 GError **error);
/* Drops master and closes the card. */
void tsr_drm_device_close(struct drm_output *out);
/* Hotplug: a udev monitor on the drm subsystem ("udev" events when udevd runs, the kernel's own
 * otherwise, as in the system-test guest). */
bool tsr_drm_monitor_open(struct drm_output *out, GError **error);
int tsr_drm_monitor_fd(const struct drm_output *out);
/* Drains the monitor; true if any event concerned out's card. */
bool tsr_drm_monitor_read(struct drm_output *out);
void tsr_drm_monitor_close(struct drm_output *out);

/* drm-modes.c */
/* Picks the connector to show (want, else the first connected), its preferred mode, a CRTC its
 * encoders can drive and (atomic) that CRTC's primary plane and the property ids. Returns NULL
 * without error when no suitable connector is connected, NULL with error when one is but cannot
 * be driven. */
struct drm_head *tsr_drm_head_probe(struct drm_output *out, GError **error);
/* A connector's name as specs and policy write it ("Virtual-1", "HDMI-A-2"), and the mode the
 * output gives it: the one the kernel command line set (video=), else the preferred one, else
 * the first (drivers list the best first); NULL with
 * none. The one naming and mode choice, for the output and the connector list alike. */
void tsr_drm_connector_name(const drmModeConnector *c, char *buf, size_t len);
const drmModeModeInfo *tsr_drm_pick_mode(const drmModeConnector *c);
/* Same connector, CRTC and mode (a hotplug event that changed nothing for us). */
bool tsr_drm_head_same(const struct drm_head *a, const struct drm_head *b);
void tsr_drm_head_free(struct drm_output *out, struct drm_head *head);

/* drm-fb.c */
bool tsr_drm_buffer_create(struct drm_output *out, struct drm_buffer *buf, uint32_t width,
			   uint32_t height, GError **error);
void tsr_drm_buffer_destroy(struct drm_output *out, struct drm_buffer *buf);
/* Copies buf->stale from shadow into the buffer (rows of memcpy; nothing is read back) and
 * empties it. Returns the bytes copied. */
uint64_t tsr_drm_buffer_update(struct drm_buffer *buf, const struct tsr_image *shadow);

/* Draws buf->stale straight from the scene (tsr_scene_render: nothing is read back) and
 * empties it. Returns the bytes written. */
uint64_t tsr_drm_buffer_render(struct drm_buffer *buf, struct tsr_scene *scene, int32_t width,
			       int32_t height);

/* drm-commit.c */
/* Lights the head up showing buffer idx (blocking modeset; atomic is TEST_ONLY-checked first and
 * falls back to legacy for good if the driver refuses). */
bool tsr_drm_modeset(struct drm_output *out, struct drm_head *head, int idx, GError **error);
/* Queues a flip to buffer idx with a page-flip event carrying out->generation. */
bool tsr_drm_flip(struct drm_output *out, struct drm_head *head, int idx, GError **error);
/* Turns the head's CRTC off (its connector went away). */
void tsr_drm_disable(struct drm_output *out, struct drm_head *head);

#endif
