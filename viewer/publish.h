/* viewer/publish.h: the viewer's side of the display protocol.
 *
 * Keeps the domain's primary surface in a sealed memfd (a new one for every mode change, so
 * the kiosk's mapping of the old one is never invalidated under it): the SPICE client's own
 * surface memory turned into one where it can be, else a copy that changed rectangles are
 * copied into; either way it tells the kiosk what changed. Damage is sent without blocking: when the kiosk is not reading
 * (or throttles us), rectangles are merged into one pending bounding box that goes out when
 * the socket drains, so a busy domain can never make the viewer queue without bound. */
#ifndef TSR_VIEWER_PUBLISH_H
#define TSR_VIEWER_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

struct tsr_viewer_publish;

struct tsr_viewer_publish *tsr_viewer_publish_create(int link_fd);
void tsr_viewer_publish_destroy(struct tsr_viewer_publish *p);

/* A new primary surface; src (XRGB8888, src_stride) is copied whole. false on failure (memfd,
 * seals or the link), which ends the viewer. */
bool tsr_viewer_publish_surface(struct tsr_viewer_publish *p, uint32_t width, uint32_t height,
				const uint8_t *src, uint32_t src_stride)
	__attribute__((warn_unused_result));
/* A new primary surface shared where it is: pixels (XRGB8888, stride) is the SPICE client's own
 * surface, turned into the sealed memfd in place (viewer/share.h), so damage costs no copy.
 * Falls back to tsr_viewer_publish_surface when the memory cannot be shared. */
bool tsr_viewer_publish_surface_shared(struct tsr_viewer_publish *p, uint32_t width,
				       uint32_t height, uint8_t *pixels, uint32_t stride)
	__attribute__((warn_unused_result));
/* Copy a changed rectangle (clipped to the surface) and announce it. */
bool tsr_viewer_publish_damage(struct tsr_viewer_publish *p, const uint8_t *src, uint32_t src_stride,
			       int x, int y, int w, int h) __attribute__((warn_unused_result));
/* Cursor shape as premultiplied ARGB8888 (w, h <= 128), or hide. */
bool tsr_viewer_publish_cursor(struct tsr_viewer_publish *p, const uint32_t *argb, uint32_t w,
			       uint32_t h, uint32_t hot_x, uint32_t hot_y)
	__attribute__((warn_unused_result));
bool tsr_viewer_publish_cursor_hide(struct tsr_viewer_publish *p) __attribute__((warn_unused_result));
bool tsr_viewer_publish_status(struct tsr_viewer_publish *p, uint32_t status)
	__attribute__((warn_unused_result));
/* Try to send pending damage (call when the link is writable). true when nothing is pending. */
bool tsr_viewer_publish_flush(struct tsr_viewer_publish *p);
bool tsr_viewer_publish_pending(const struct tsr_viewer_publish *p);
/* fn is called when damage becomes pending because the link was full: the caller should
 * watch the link for writability and call tsr_viewer_publish_flush. */
void tsr_viewer_publish_set_pending_notify(struct tsr_viewer_publish *p, void (*fn)(void *data),
					   void *data);

#endif
