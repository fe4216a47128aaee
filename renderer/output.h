/* renderer/output.h: where composed frames go.
 *
 * The compositor draws into a shadow buffer in ordinary memory (see scene.h); an output copies
 * only the damaged rectangles of it into its scanout buffer and shows them. Outputs pace frames:
 * after tsr_output_present() a frame is in flight until the output reports it done through the
 * listener, and only then may the next one be presented. The caller composes the next frame as
 * soon as that happens and damage is waiting (render-loop.h does exactly this in a GLib loop).
 *
 * Two outputs exist:
 *   headless:WxH[@RATE]           in memory; frames complete at once, or at most RATE per second;
 *                                 tsr_output_screenshot() writes PNGs. For tests and the console.
 *   drm[:/dev/dri/cardN][:CONN]   DRM/KMS on the first connected connector, or CONN (e.g.
 *                                 "Virtual-1"); pacing by page-flip events; hotplug may change the
 *                                 size, down to 0x0 (no display) and back.
 *
 * Everything here runs on one thread. */
#ifndef TSR_RENDERER_OUTPUT_H
#define TSR_RENDERER_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "renderer/image.h"

struct tsr_scene;

struct tsr_output;

/* Callbacks an output makes from tsr_output_dispatch() (never from inside present). */
struct tsr_output_listener {
	/* The frame presented last is on screen; the next one may be presented. */
	void (*frame_done)(void *data);
	/* The output's size changed (hotplug, mode change); 0x0 means no display is connected.
	 * Any frame in flight has been dropped; resize the scene and present a full frame. */
	void (*size_changed)(void *data, int32_t width, int32_t height);
};

/* Open an output from its spec (see the top of this file). NULL with an error naming what was
 * wrong for a bad spec, a size outside 1..8192, a rate outside 1..1000, an output kind that is
 * not built in, or a device that cannot be opened. */
struct tsr_output *tsr_output_open(const char *spec, GError **error)
	__attribute__((warn_unused_result));
/* The drm output on a card another process opened and passed (the kiosk under the broker opens
 * no device node): spec is "drm" or "drm:CONNECTOR", node names the card in the log. The output
 * owns card_fd from the call on, also on failure. The fd must already be DRM master. */
struct tsr_output *tsr_output_open_drm_fd(const char *spec, int card_fd, const char *node,
					  GError **error) __attribute__((warn_unused_result));
void tsr_output_destroy(struct tsr_output *output);

/* One connector of a DRM card: its name as a drm spec names it and the size of the mode the
 * drm output would show on it, 0x0 when nothing is connected. */
#define TSR_OUTPUT_CONNECTORS_MAX 16
struct tsr_output_connector {
	char name[32];
	int32_t width, height;
};
/* The card's connectors in the card's order (the first max of them), probed afresh; needs no
 * DRM master. false + error if the fd is not a KMS card. */
bool tsr_output_drm_connectors(int card_fd, struct tsr_output_connector *connectors, int max,
			       int *n, GError **error) __attribute__((warn_unused_result));

/* "headless" or "drm". */
const char *tsr_output_kind(const struct tsr_output *output);
/* Current size in pixels (0x0 when a DRM output has no connected display). */
int32_t tsr_output_width(const struct tsr_output *output);
int32_t tsr_output_height(const struct tsr_output *output);

void tsr_output_set_listener(struct tsr_output *output, const struct tsr_output_listener *listener,
			     void *data);

/* A file descriptor to watch for readability (G_IO_IN) in a main loop; when it is readable call
 * tsr_output_dispatch(). Stays the same for the output's lifetime. */
int tsr_output_get_fd(const struct tsr_output *output);
/* Handle whatever is pending on the fd without blocking, invoking the listener. false + error on
 * a failure of the device (the output may still recover; it is not destroyed). */
bool tsr_output_dispatch(struct tsr_output *output, GError **error)
	__attribute__((warn_unused_result));

/* True between a successful tsr_output_present() and the frame_done that ends it. */
bool tsr_output_frame_pending(const struct tsr_output *output);

/* Copy the n rectangles of shadow (which must have the output's size; rectangles are clipped
 * to it) into the scanout buffer and show the result. Copies nothing else: a frame's pixels
 * outside the rectangles are those of the frames before. Fails with TSR_RENDERER_ERROR_BUSY
 * while a frame is pending, and INVALID if shadow has the wrong size. With no display (0x0)
 * it succeeds and completes at once. */
bool tsr_output_present(struct tsr_output *output, const struct tsr_image *shadow,
			const struct tsr_rect *rects, int n, GError **error)
	__attribute__((warn_unused_result));

/* The same for a frame the scene has not drawn yet: rects is what changed (from
 * tsr_scene_take_damage), the scene (of the output's size) draws it. Outputs with scanout
 * buffers of their own draw it straight into the one about to be shown, together with whatever
 * that buffer missed while the other was on screen, and never read them back
 * (tsr_scene_render); the scene's shadow buffer then holds no picture of the desktop. Others
 * draw it in the shadow and present that. */
bool tsr_output_present_scene(struct tsr_output *output, struct tsr_scene *scene,
			      const struct tsr_rect *rects, int n, GError **error)
	__attribute__((warn_unused_result));

/* Turn the display off (on = false: DPMS off, the CRTC disabled; a flip in flight still ends
 * first) or back on. While off, frames complete as usual but are not shown (a headless output's
 * screenshot is black); the first frame presented after turning on shows the whole picture, so
 * the caller damages nothing extra. Turning to the state it is in does nothing. */
bool tsr_output_set_power(struct tsr_output *output, bool on, GError **error)
	__attribute__((warn_unused_result));
bool tsr_output_powered(const struct tsr_output *output);

/* Write what the output currently shows (its scanout buffer) as an RGB PNG. Headless only;
 * other outputs fail with TSR_RENDERER_ERROR_UNSUPPORTED. */
bool tsr_output_screenshot(struct tsr_output *output, const char *png_path, GError **error)
	__attribute__((warn_unused_result));

/* Statistics for tests and benchmarks: bytes copied into scanout and frames presented since
 * the output was opened. */
uint64_t tsr_output_bytes_copied(const struct tsr_output *output);
uint64_t tsr_output_frames(const struct tsr_output *output);

#endif
